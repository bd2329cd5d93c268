/**
 * TextMate grammar tests: runs vscode-tmgrammar-test (the tool's own binary
 * from node_modules/.bin) over test/grammar/*.armscope, whose `^^^`
 * assertions name the scope every token must have. A second case checks the
 * harness itself fails on a wrong assertion, so a broken tool cannot pass.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve('.');
const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vscode-tmgrammar-test.cmd' : 'vscode-tmgrammar-test');
const grammar = path.join(root, 'syntaxes', 'armscope.tmLanguage.json');

function runTool(pattern: string): { status: number | null; output: string } {
  const r = spawnSync(bin, ['-g', grammar, pattern], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('TextMate grammar (vscode-tmgrammar-test)', function () {
  this.timeout(60_000);

  it('every scope assertion in test/grammar/*.armscope holds', () => {
    const files = readdirSync(path.join(root, 'test', 'grammar')).filter((f) => f.endsWith('.armscope'));
    assert.ok(files.length >= 2, 'grammar test files exist');
    const r = runTool('test/grammar/*.armscope');
    assert.equal(r.status, 0, r.output);
    for (const f of files) assert.match(r.output, new RegExp(`✓ test/grammar/${f.replace('.', '\\.')} run successfuly`));
  });

  it('a wrong scope assertion fails the tool', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'armscope-grammar-'));
    try {
      const file = path.join(dir, 'wrong.armscope');
      writeFileSync(file, ['// SYNTAX TEST "source.armscope" "negative control"', 'code at 0x8000_0000 {', '    mov x0, #1', '//  ^^^ support.variable.sysreg.armscope', '}', ''].join('\n'));
      const r = runTool(file);
      assert.notEqual(r.status, 0, r.output);
      assert.match(r.output, /missing required scopes: support\.variable\.sysreg\.armscope/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
