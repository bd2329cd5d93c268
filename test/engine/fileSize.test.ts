/**
 * Issue #11 "Done means … the largest source file under 600 lines": small files
 * grouped by concept. A file that grows past the bound is split by concept,
 * not by line count (docs/architecture.md "Adding things").
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOTS = ['simulator', 'language-server', 'debug-adapter', 'extension'];
const MAX_LINES = 600;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('source files stay small', () => {
  it(`every TypeScript source file of ${ROOTS.join(', ')} has fewer than ${MAX_LINES} lines`, () => {
    const files = ROOTS.flatMap((r) => sourceFiles(path.resolve(r)));
    assert.ok(files.length > 200, `found the sources (${files.length} files)`);
    const long = files
      .map((f) => ({ f: path.relative(process.cwd(), f), lines: fs.readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((x) => x.lines >= MAX_LINES)
      .map((x) => `${x.f}: ${x.lines} lines`);
    assert.deepEqual(long, []);
  });
});
