/**
 * The manifest's getting-started contributions against what the extension
 * ships: every walkthrough step has its page and a button whose command
 * exists, completes on an event VS Code knows, and the pages and snippets are
 * packaged in the .vsix.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}
interface Manifest {
  contributes: {
    commands: { command: string }[];
    walkthroughs: { id: string; steps: Step[] }[];
    snippets: { language: string; path: string }[];
    views: Record<string, { id: string }[]>;
  };
}

const root = path.resolve('.');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const commands = new Set(manifest.contributes.commands.map((c) => c.command));
/** VS Code's own commands and views the walkthrough may name. */
const BUILT_IN = new Set(['workbench.view.debug', 'workbench.debug.variablesView']);

describe('extension: the getting-started contributions', function () {
  this.timeout(60_000);

  it('one walkthrough: open an example, run, debug, the Caches scope, decode', () => {
    const [w] = manifest.contributes.walkthroughs;
    assert.equal(w.id, 'gettingStarted');
    assert.deepEqual(w.steps.map((s) => s.id), ['openExample', 'run', 'debug', 'caches', 'decode']);
  });

  it('each step has its page, a button on a contributed command, and completion events that exist', () => {
    for (const step of manifest.contributes.walkthroughs[0].steps) {
      assert.ok(step.media.markdown && existsSync(path.join(root, step.media.markdown)), `${step.id}: page ${step.media.markdown}`);
      const buttons = [...step.description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.equal(buttons.length, 1, `${step.id}: one button`);
      assert.ok(commands.has(buttons[0]), `${step.id}: ${buttons[0]} is contributed`);
      assert.ok(step.completionEvents.length > 0, step.id);
      for (const e of step.completionEvents) {
        const [kind, arg] = e.split(/:(.*)/s);
        if (kind === 'onCommand') assert.ok(commands.has(arg) || BUILT_IN.has(arg), `${step.id}: ${e}`);
        else if (kind === 'onView') assert.ok(BUILT_IN.has(arg), `${step.id}: ${e}`);
        else assert.equal(kind, 'onContext', `${step.id}: ${e}`);
      }
    }
  });

  it('packages the walkthrough pages and the snippets', function () {
    if (!existsSync(path.join(root, 'dist', 'extension.js'))) this.skip();
    const r = spawnSync(path.join(root, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', input: '', timeout: 50_000 });
    assert.equal(r.status, 0, r.stderr);
    const files = new Set(r.stdout.split('\n').map((l) => l.trim()));
    for (const step of manifest.contributes.walkthroughs[0].steps) assert.ok(files.has(step.media.markdown!), step.media.markdown);
    const [snippets] = manifest.contributes.snippets;
    assert.equal(snippets.language, 'armscope');
    assert.ok(files.has(path.normalize(snippets.path)), snippets.path);
    // The examples the walkthrough copies are bundled.
    assert.ok(files.has('examples/seed-000/bug-osh-tables.armscope'));
  });
});
