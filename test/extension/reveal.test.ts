/**
 * Issue #10 item 18: the debugging webviews' `reveal` message opens only the
 * debugged scenario or a file of an open workspace folder
 * (extension/views/reveal.ts) — not `/etc/passwd`, not `..` out of the
 * workspace, not a symbolic link inside the workspace that points outside.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { lineNumber, revealablePath } from '../../extension/views/reveal';

describe('extension: which files a webview may reveal', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-reveal-')));
  const ws = path.join(root, 'ws');
  const outside = path.join(root, 'outside');
  fs.mkdirSync(path.join(ws, 'sub'), { recursive: true });
  fs.mkdirSync(outside);
  const scenario = path.join(ws, 'sub', 'a.armscope');
  const program = path.join(outside, 'debugged.armscope');
  const secret = path.join(outside, 'secret.txt');
  for (const f of [scenario, program, secret]) fs.writeFileSync(f, 'x');
  fs.symlinkSync(secret, path.join(ws, 'link.txt'));
  const allowed = { program, workspaceFolders: [ws] };
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('accepts the debugged scenario, even outside the workspace, and workspace files', () => {
    assert.equal(revealablePath(program, allowed), program);
    assert.equal(revealablePath(scenario, allowed), scenario);
    assert.equal(revealablePath(path.join(ws, 'sub', '..', 'sub', 'a.armscope'), allowed), scenario);
  });

  it('refuses files outside, `..` escapes, links out of the workspace, folders and non-strings', () => {
    assert.equal(revealablePath(secret, allowed), undefined);
    assert.equal(revealablePath('/etc/passwd', allowed), undefined);
    assert.equal(revealablePath(path.join(ws, '..', 'outside', 'secret.txt'), allowed), undefined);
    assert.equal(revealablePath(path.join(ws, 'link.txt'), allowed), undefined);
    assert.equal(revealablePath(ws, allowed), undefined);
    assert.equal(revealablePath(path.join(ws, 'sub'), allowed), undefined);
    assert.equal(revealablePath(path.join(ws, 'missing.armscope'), allowed), undefined);
    for (const v of [undefined, null, 42, {}, ['a'], '', 'a\0b']) assert.equal(revealablePath(v, allowed), undefined);
    // Without a session nor a workspace nothing is revealable.
    assert.equal(revealablePath(scenario, { workspaceFolders: [] }), undefined);
  });

  it('any string is either refused or a file inside the workspace or the program itself', () => {
    const pieces = fc.constantFrom('..', '.', 'sub', 'a.armscope', 'outside', 'secret.txt', 'link.txt', 'ws', '', '/');
    fc.assert(
      fc.property(fc.boolean(), fc.array(pieces, { maxLength: 6 }), (absolute, parts) => {
        const p = (absolute ? root + '/' : '') + parts.join('/');
        const r = revealablePath(p, allowed);
        if (r !== undefined) assert.ok(r === program || r.startsWith(ws + path.sep), `${p} → ${r}`);
      }),
      { numRuns: 300, seed: 10_18 },
    );
  });

  it('takes only whole, non-negative line numbers', () => {
    assert.equal(lineNumber(0), 0);
    assert.equal(lineNumber(84), 84);
    for (const v of [-1, 1.5, NaN, Infinity, '3', undefined, 1e12]) assert.equal(lineNumber(v), undefined);
  });
});
