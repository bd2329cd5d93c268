import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MAX_INSTRUCTIONS, MAX_LITMUS_CHARS, MAX_THREADS, parseLitmus, readLitmus } from '../../simulator/litmus';
import { MAX_LOCATIONS } from '../../simulator/litmus/layout';
import { MAX_CONDITION_DEPTH } from '../../simulator/litmus/state';
import { repoRoot } from '../engine/helpers';
import { CORPUS, corpusFiles, readTest } from './helpers';

const MP = `AArch64 MP+test
"a doc string"
Generator=hand
{
 0:X1=x; 0:X3=y; (* comment (* nested *) *)
 1:X1=y; 1:X3=x; int z=-2; uint64_t w=0x10;
}
 P0          | P1            ;
 MOV W0,#1   | LDR W0,[X1]   ;
 STR W0,[X1] | CBZ W0,Lout   ;
 MOV W2,#1   | LDR W2,[X3]   ;
 STR W2,[X3] | Lout:         ;
locations [z; 1:X4;]
exists (1:X0=1 /\\ (1:X2=0 \\/ ~[z]=3) /\\ 0:X0 != 5)
`;

function messages(text: string): string[] {
  return readLitmus(text).diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.col + 1} ${d.kind}: ${d.message}`);
}

describe('litmus reader', function () {
  it('reads the header, metadata, typed initial state, columns, labels, locations and condition', function () {
    const t = readTest(MP);
    assert.equal(t.name, 'MP+test');
    assert.equal(t.doc, 'a doc string');
    assert.deepEqual(t.info.map((i) => `${i.key}=${i.value}`), ['Generator=hand']);
    assert.deepEqual(
      t.init.map((e) => [e.type ?? '', e.loc.kind === 'reg' ? `${e.loc.thread}:X${e.loc.reg}` : e.loc.sym, e.value?.kind === 'int' ? e.value.value : e.value?.kind === 'va' ? e.value.sym : '']),
      [
        ['', '0:X1', 'x'],
        ['', '0:X3', 'y'],
        ['', '1:X1', 'y'],
        ['', '1:X3', 'x'],
        ['int', 'z', -2n],
        ['uint64_t', 'w', 16n],
      ],
    );
    assert.deepEqual(
      t.threads.map((th) => th.code.map((i) => `${i.labels.map((l) => `${l}:`).join('')}${i.text}`)),
      [
        ['MOV W0,#1', 'STR W0,[X1]', 'MOV W2,#1', 'STR W2,[X3]'],
        ['LDR W0,[X1]', 'CBZ W0,Lout', 'LDR W2,[X3]', 'Lout:'],
      ],
    );
    assert.equal(t.locations.length, 2);
    assert.equal(t.condition.quantifier, 'exists');
    // `/\` binds tighter than `\/`, `~` tightest, `!=` is `not (=)`.
    const p = t.condition.prop;
    assert.equal(p.kind, 'and');
    if (p.kind !== 'and') return;
    assert.deepEqual(
      p.operands.map((o) => o.kind),
      ['atom', 'or', 'not'],
    );
    assert.deepEqual(t.symbols, ['x', 'y', 'z', 'w']);
    // Positions are the file's: the condition is on line 14.
    assert.equal(t.condition.range.start.line, 13);
  });

  it('reads VMSA initial states and fault atoms', function () {
    const t = readTest(readFileSync(join(CORPUS, 'VMSA-BBM+tlbi.litmus'), 'utf8'));
    const pte = t.init.find((e) => e.loc.kind === 'pte');
    assert.deepEqual(pte?.value, { kind: 'pte', pte: { oa: { kind: 'pa', sym: 'x' }, valid: 1, af: 1, db: 1, dbm: 0, el0: 1, x: 1, attrs: [] } });
    const x6 = t.init.find((e) => e.loc.kind === 'reg' && e.loc.reg === 6);
    assert.equal(x6?.type, 'pteval_t');
    assert.equal(x6?.value?.kind === 'pte' && x6.value.pte.valid, 0);
    const x7 = t.init.find((e) => e.loc.kind === 'reg' && e.loc.reg === 7);
    assert.deepEqual(x7?.value, { kind: 'pte-address', sym: 'x' });
    const f = readTest(readFileSync(join(CORPUS, 'VMSA-MP.unmap+dsb-tlbi-dsb+isb.litmus'), 'utf8'));
    const c = f.condition.prop;
    assert.ok(c.kind === 'and' && c.operands[1].kind === 'not');
    if (c.kind === 'and' && c.operands[1].kind === 'not' && c.operands[1].operand.kind === 'atom') {
      assert.deepEqual({ ...c.operands[1].operand.atom, range: undefined }, { kind: 'fault', thread: 1, label: 'L0', loc: { kind: 'mem', sym: 'x' }, range: undefined });
    }
  });

  it('reads the fault forms herd7 writes: fault(P0,x), fault(P0:L0,MMU:Translation), herd spellings pte_x and phy_x', function () {
    const t = readTest(`AArch64 F
Variant=vmsa
{ pte_x=(oa:phy_x, valid:0); 0:X1=x; 0:X2=pte_x; }
 P0 ;
 L0: LDR W0,[X1] ;
exists (fault(P0,x) /\\ fault(P0:L0,MMU:Translation) \\/ fault(P0:L0,x,MMU:Permission))`);
    assert.equal(t.init[0].loc.kind, 'pte');
    assert.deepEqual(t.init[2].value, { kind: 'pte-address', sym: 'x' });
  });

  it("drops a '.litmus' suffix written in the header, as herd7 names such a test", function () {
    assert.equal(readTest('AArch64 LB+rel.litmus\n{ }\n P0 ;\n NOP ;\nexists (0:X0=0)').name, 'LB+rel');
  });

  it('gives syntax errors with line and column', function () {
    assert.deepEqual(messages('AArch64 T\n{ 0:X1=x; }\n P0 ;\n LDR W0,[X1]\nexists (0:X0=1)'), ["4:2 syntax: expected ';' at the end of this row of instructions"]);
    assert.deepEqual(messages('AArch64 T\n{ 0:X1=x; }\n P0 ;\n NOP ;\nexists (0:X0=1 /\\ )'), ["5:19 syntax: expected a condition atom (0:X0=1, x=1, [PTE(x)]=(…), fault(P0,x)), found ')'"]);
    assert.deepEqual(messages('AArch64 T\n{ 0:X1=x; (* open \n}\n'), ["2:11 syntax: comment '(*' is not closed by '*)'"]);
    assert.deepEqual(messages('{ 0:X1=x; }'), ["1:1 syntax: not a litmus test: expected 'AArch64 NAME' on the first line, found '{ 0:X1=x; }'"]);
    assert.deepEqual(messages('AArch64 T\n{ }\n P0 | P2 ;\n NOP | NOP ;\nexists (0:X0=1)'), ['3:2 syntax: the threads are not numbered P0 to P1: P1 is missing']);
  });

  it('refuses a stored symbolic link as not a litmus test', function () {
    assert.deepEqual(messages('../../aarch64-pick/tests//MP+rel+CSEL-addr.litmus\n'), [
      "1:1 not-litmus: test.litmus: not a litmus test: its text is a path ('../../aarch64-pick/tests//MP+rel+CSEL-addr.litmus'), as a stored symbolic link holds",
    ]);
  });

  it('refuses what the simulator cannot run, naming it, never giving a test', function () {
    const refused = (text: string): string[] => {
      const r = readLitmus(text);
      assert.equal(r.test, undefined);
      return r.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.col + 1} ${d.message}`);
    };
    const body = (code: string, cond = 'exists (0:X0=1)', head = ''): string => `AArch64 T\n${head}{ 0:X1=x; }\n P0 ;\n ${code} ;\n${cond}`;
    assert.deepEqual(refused(body('HLT #0')), ["4:2 P0: 'HLT #0' is not supported: HLT is a NOP in herd7 but stops the PE here"]);
    assert.deepEqual(refused(body('FROB X0')), ["4:2 P0: 'FROB X0': unknown instruction 'frob'"]);
    assert.deepEqual(refused(body('NOP', 'exists (0:X0=1)', 'TTHM=HA\n')), ['2:1 TTHM: hardware updates of the Access flag and dirty state (TTHM) is not supported']);
    assert.deepEqual(refused(body('NOP', 'exists (fault(P0,x,TagCheck))')), ["5:20 fault type 'TagCheck' is not supported (MMU:Translation, MMU:AccessFlag, MMU:Permission, D-MMU:Translation, D-MMU:AccessFlag, D-MMU:Permission, UndefinedInstruction)"]);
    assert.deepEqual(refused(body('NOP', 'exists (2:X0=1)')), ['5:9 2:X0: the test has no thread P2']);
    assert.deepEqual(refused('X86 T\n{ }\n P0 ;\n NOP ;\nexists (0:EAX=1)').slice(0, 1), ["5:11 register 'EAX' is not supported (X0–X30, W0–W30)"]);
  });

  it('reads every corpus test without a diagnostic, named as its file', function () {
    const files = corpusFiles();
    assert.ok(files.length >= 45, `${files.length} corpus tests`);
    for (const f of files) assert.equal(readTest(readFileSync(join(CORPUS, f), 'utf8'), f).name, f.replace(/\.litmus$/, ''));
  });
});

describe('litmus reader: robustness (fast-check)', function () {
  const corpus = corpusFiles().map((f) => readFileSync(join(CORPUS, f), 'utf8'));

  function checkWellFormed(text: string): void {
    const r = parseLitmus(text);
    const lines = text.split('\n').length;
    for (const d of r.diagnostics) {
      assert.ok(d.range.start.line >= 0 && d.range.start.line < lines, `line ${d.range.start.line} of ${lines}`);
      assert.ok(d.message.length > 0);
    }
    if (r.test === undefined) assert.ok(r.diagnostics.length > 0, 'no test and no reason');
    readLitmus(text);
  }

  it('never throws on arbitrary text', function () {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => checkWellFormed(s)),
      { numRuns: 400 },
    );
  });

  it('never throws on corpus tests with characters deleted, inserted or replaced', function () {
    const alphabet = fc.constantFrom(...'(){}[];|:=~/\\*,#-0129XxPLW "'.split(''));
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.nat(4000), fc.nat(20), alphabet, fc.constantFrom('delete', 'insert', 'replace'), (k, at, len, ch, op) => {
        const t = corpus[k];
        const i = at % (t.length + 1);
        const mutated = op === 'delete' ? t.slice(0, i) + t.slice(i + len) : op === 'insert' ? t.slice(0, i) + ch.repeat(len + 1) + t.slice(i) : t.slice(0, i) + ch + t.slice(i + 1);
        checkWellFormed(mutated);
      }),
      { numRuns: 600 },
    );
  });

  it('bounds nesting: a condition 10,000 parentheses deep is refused with a message, not a stack overflow', function () {
    const r = parseLitmus(`AArch64 T\n{ }\n P0 ;\n NOP ;\nexists ${'('.repeat(10_000)}0:X0=1${')'.repeat(10_000)}`);
    assert.equal(r.test, undefined);
    assert.match(r.diagnostics[0].message, /nests deeper than 200 levels/);
  });
});

describe('docs/litmus.md', function () {
  it("states the reader's limits as the code has them", function () {
    const doc = readFileSync(join(repoRoot(), 'docs', 'litmus.md'), 'utf8').replace(/\s+/g, ' ');
    const n = (v: number): string => v.toLocaleString('en');
    assert.ok(doc.includes(`at most ${MAX_CONDITION_DEPTH} levels`), 'condition depth');
    assert.ok(doc.includes(`at most ${n(MAX_LITMUS_CHARS)} characters, ${MAX_THREADS} threads, ${n(MAX_INSTRUCTIONS)} instructions per thread and ${MAX_LOCATIONS} locations`), 'sizes');
  });
});
