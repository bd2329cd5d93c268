import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScenarioLoadError, definitionOf, lineInfo, referencesOf, symbolAt, asmLineAt } from '../../simulator/scenario/load';
import { loadScenario, parseScenario } from '../../simulator';
import { at, diags, fixturesDir, src } from './helpers';
import type { SourceRange } from '../../simulator/scenario/model';

const rng = (r: SourceRange): string => at({ range: r });

const TEXT = src(
  'const BASE = 0x8000_0000', // 0
  'pe 0 {', // 1
  '  entry start', // 2
  '  x0 = BASE + 8', // 3
  '}', // 4
  'code at BASE {', // 5
  'start:', // 6
  '    ldr x1, =table', // 7
  '    b start', // 8
  '}', // 9
  'data table at BASE + 0x100 {', // 10
  '    .quad start', // 11
  '}', // 12
  'event when pe 0 reaches start do irq 1', // 13
  'expect {', // 14
  '  mem[table] == start', // 15
  '}', // 16
);

describe('scenario queries (language server API)', () => {
  const m = parseScenario(TEXT, 'q.armscope');

  it('parses the query fixture cleanly', () => {
    assert.deepEqual(diags(m), []);
  });

  it('symbolAt finds definitions and references', () => {
    const d = symbolAt(m, { line: 6, col: 2 });
    assert.deepEqual(d && [d.name, d.role, at(d)], ['start', 'definition', '6:0-6:5']);
    const r = symbolAt(m, { line: 8, col: 7 });
    assert.deepEqual(r && [r.name, r.role, at(r), r.def?.value], ['start', 'reference', '8:6-8:11', 0x8000_0000n]);
    const c = symbolAt(m, { line: 3, col: 8 });
    assert.deepEqual(c && [c.name, c.role, c.def?.kind], ['BASE', 'reference', 'constant']);
    const t = symbolAt(m, { line: 7, col: 14 });
    assert.deepEqual(t && [t.name, at(t)], ['table', '7:13-7:18']);
    assert.equal(symbolAt(m, { line: 7, col: 5 }), undefined); // `ldr` is not a symbol
  });

  it('definitionOf and referencesOf cover every kind of use', () => {
    assert.equal(at(definitionOf(m, 'table')!), '10:5-10:10');
    assert.deepEqual(referencesOf(m, 'start').map(rng), ['2:8-2:13', '8:6-8:11', '11:10-11:15', '13:24-13:29', '15:16-15:21']);
    assert.deepEqual(referencesOf(m, 'BASE', true).map(rng), ['0:6-0:10', '3:7-3:11', '5:8-5:12', '10:14-10:18']);
  });

  it('lineInfo tells which block a line belongs to and its assembly line', () => {
    const code = lineInfo(m, 8);
    assert.equal(code.kind, 'code');
    assert.equal(code.asm[0].mnemonic, 'b');
    assert.equal(code.address, 0x8000_0004n);
    assert.equal(lineInfo(m, 11).kind, 'data');
    assert.equal(lineInfo(m, 3).kind, 'pe');
    assert.equal(lineInfo(m, 13).kind, 'event');
    assert.equal(lineInfo(m, 15).kind, 'expect');
    assert.equal(lineInfo(m, 0).kind, 'const');
    assert.equal(lineInfo(m, 17).kind, 'none');
  });

  it('asmLineAt maps an address back to its source line', () => {
    assert.equal(asmLineAt(m, 0x8000_0004)?.asm.mnemonic, 'b');
    assert.equal(asmLineAt(m, 0x8000_0100)?.asm.mnemonic, '.quad');
    assert.equal(asmLineAt(m, 0x9000_0000), undefined);
  });
});

describe('loadScenario', () => {
  it('reads and parses a file', () => {
    const f = path.join(fixturesDir(), '01-minimal.armscope');
    const m = loadScenario(f);
    assert.equal(m.file, f);
    assert.equal(m.title, 'Minimal');
  });

  it('gives a one-line error for a missing file', () => {
    const f = path.join(os.tmpdir(), 'armscope-does-not-exist.armscope');
    assert.throws(
      () => loadScenario(f),
      (e: unknown) => e instanceof ScenarioLoadError && e.message === `cannot read scenario '${f}': no such file` && !e.message.includes('\n'),
    );
  });

  it('reports a directory as unreadable', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-'));
    assert.throws(() => loadScenario(d), /cannot read scenario '.*': it is a directory/);
    fs.rmdirSync(d);
  });
});
