/**
 * The extension manifest (package.json contributes) against what the code
 * provides, the `$armscope` problem matcher against the CLI's own diagnostic
 * line format, and the packaged file list (`vsce ls`, what `npm run package`
 * puts in the .vsix): bundles in, sources/tests/node_modules out.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEBUG_WITNESS_COMMAND, EXPLORE_COMMAND } from '../../extension/protocol';
import { diagnosticLine } from '../../simulator/cli/commands';
import { MAX_STEPS_LIMIT } from '../../simulator/scenario/limits';
import { DEFAULT_SETTINGS, settingsFrom } from '../../language-server/settings';

interface Manifest {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string; description: string } };
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, { default: unknown; minimum?: number; maximum?: number }> };
    taskDefinitions: { type: string; required: string[] }[];
    problemMatchers: { name: string; pattern: { regexp: string; file: number; line: number; column: number; severity: number; message: number; code: number } }[];
  };
}

const root = path.resolve('.');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;

describe('extension manifest and package', function () {
  this.timeout(60_000);

  it('contributes the armscope language with its grammar and configuration', () => {
    const lang = manifest.contributes.languages.find((l) => l.id === 'armscope');
    assert.ok(lang);
    assert.deepEqual(lang.extensions, ['.armscope']);
    const config = JSON.parse(readFileSync(path.join(root, lang.configuration), 'utf8')) as { comments: { lineComment: string; blockComment: string[] }; brackets: string[][] };
    assert.equal(config.comments.lineComment, '//');
    assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
    assert.ok(config.brackets.some((b) => b[0] === '{' && b[1] === '}'));
    const g = manifest.contributes.grammars.find((x) => x.language === 'armscope')!;
    const grammar = JSON.parse(readFileSync(path.join(root, g.path), 'utf8')) as { scopeName: string };
    assert.equal(grammar.scopeName, g.scopeName);
    assert.ok(manifest.activationEvents.includes('onLanguage:armscope'));
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('registers every contributed command, and contributes every registered one', () => {
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) sources.push(readFileSync(p, 'utf8'));
      }
    };
    walk(path.join(root, 'extension'));
    const registered = [...new Set(sources.flatMap((src) => [...src.matchAll(/registerCommand\(\s*'([\w.]+)'/g)].map((m) => m[1])))].sort();
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), registered);
    // With the commands the language server names in its code lenses and code actions.
    for (const c of ['armscope.check', 'armscope.decodeValue', 'armscope.run', EXPLORE_COMMAND, DEBUG_WITNESS_COMMAND]) assert.ok(registered.includes(c), c);
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'Armscope');
  });

  it("armscope.maxSteps is bounded by the simulator's max_steps maximum, in the manifest and in the server", () => {
    const steps = manifest.contributes.configuration.properties['armscope.maxSteps'];
    assert.equal(steps.minimum, 1);
    assert.equal(steps.maximum, MAX_STEPS_LIMIT);
    // A larger value from a settings file VS Code does not check is clamped to the same number (was 1,000,000,000).
    assert.equal(settingsFrom({ maxSteps: 1_000_000_000 }, DEFAULT_SETTINGS).maxSteps, 100_000_000);
    assert.equal(settingsFrom({ maxSteps: MAX_STEPS_LIMIT }, DEFAULT_SETTINGS).maxSteps, MAX_STEPS_LIMIT);
  });

  it('declares the settings, the task type and workspace trust', () => {
    const props = manifest.contributes.configuration.properties;
    assert.equal(props['armscope.liveRun'].default, true);
    assert.equal(props['armscope.maxSteps'].default, 200_000);
    assert.equal(props['armscope.maxSteps'].default, DEFAULT_SETTINGS.maxSteps);
    assert.equal(props['armscope.cacheModel'].default, 'scenario');
    assert.deepEqual(manifest.contributes.taskDefinitions.map((t) => t.type), ['armscope']);
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited'); // restricted mode: test/extension/restricted.test.ts
    assert.match(trust.description, /executes no host code/);
    assert.match(trust.description, /bounded/);
  });

  it('the $armscope problem matcher reads the CLI check format', () => {
    const pm = manifest.contributes.problemMatchers.find((p) => p.name === 'armscope')!;
    const re = new RegExp(pm.pattern.regexp);
    const line = diagnosticLine('/work/x y/seed.armscope', {
      range: { start: { line: 4, col: 2 }, end: { line: 4, col: 8 } },
      severity: 'error',
      message: "unknown setting 'memroy' in system block; did you mean 'memory'?",
      rule: 'unknown-setting',
    });
    const m = re.exec(line);
    assert.ok(m, line);
    assert.equal(m[pm.pattern.file], '/work/x y/seed.armscope');
    assert.equal(m[pm.pattern.line], '5');
    assert.equal(m[pm.pattern.column], '3');
    assert.equal(m[pm.pattern.severity], 'error');
    assert.equal(m[pm.pattern.message], "unknown setting 'memroy' in system block; did you mean 'memory'?");
    assert.equal(m[pm.pattern.code], 'unknown-setting');
    const warn = re.exec('a.armscope:1:1: warning: RES1 bit 29 clear [res1-violated]');
    assert.ok(warn);
    assert.equal(warn[pm.pattern.severity], 'warning');
    assert.equal(warn[pm.pattern.code], 'res1-violated');
  });

  it('packages self-contained bundles and keeps sources, tests and node_modules out', function () {
    if (!existsSync(path.join(root, 'dist', 'language-server.js'))) this.skip();
    const bin = path.join(root, 'node_modules', '.bin', 'vsce');
    const r = spawnSync(bin, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', input: '', timeout: 50_000 });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
    for (const f of ['package.json', 'dist/extension.js', 'dist/language-server.js', 'syntaxes/armscope.tmLanguage.json', 'language-configuration.json']) {
      assert.ok(files.includes(f), `${f} is packaged`);
    }
    for (const f of files) {
      assert.ok(!f.startsWith('node_modules/'), f);
      assert.ok(!f.endsWith('.ts'), f);
      assert.ok(!f.endsWith('.map'), f);
      assert.ok(!/^(test|out|simulator|language-server|extension)\//.test(f), f);
    }
  });
});
