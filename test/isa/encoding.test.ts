/**
 * Our encodings against GNU as: the corpus is assembled by both, linked at the
 * same address, and compared word by word; objdump's mnemonic (the preferred
 * alias) must equal our decoder's; our decoder's text must reassemble to the
 * same word. Skips (saying why) when the Debian cross binutils are missing.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { assembleText, decodeInstruction } from '../../simulator/isa/index';
import { evaluateExpression } from '../../simulator/isa/expr';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { tempDir } from './gnuToolchain';
import { CORPUS } from './corpus';
import { allRegisters } from '../../simulator/arch/registers';
import { assembleWithGnu, AS, LD, OBJDUMP, type ObjdumpLine } from './gnuToolchain';
import { requireTools } from '../differential/prerequisites';

const BASE = 0x400000;

// Numbers: ours are `0x…` with `_` grouping, objdump's branch targets are bare hex and
// immediates `#0x…`; compare all of them as values.
function operandsOf(t: string): string[] {
  return t
    .replace(/\s*<[^>]*>/g, '')
    .split(/,\s*/)
    .map((o) => o.trim().replace(/_/g, ''));
}
function normal(o: string, bareHex: boolean): string {
  const v = o.replace(/#(-?)0x([0-9a-f]+)/g, (_m, sign, h) => `#${sign}${BigInt('0x' + h)}`).replace(/^0x([0-9a-f]+)$/, (_m, h) => `${BigInt('0x' + h)}`);
  return bareHex && /^[0-9a-f]{3,}$/.test(v) ? `${BigInt('0x' + v)}` : v;
}
/** Our disassembly equals objdump's, number formatting aside. */
function sameText(ours: string, g: ObjdumpLine): boolean {
  const [mn, ...rest] = ours.split(' ');
  const a = [mn, ...operandsOf(rest.join(' ')).map((o) => normal(o, false))].join(' ');
  const b = [g.mnemonic, ...operandsOf(g.text).map((o) => normal(o, true))].join(' ');
  return a === b;
}

function ours(line: string, index: number): number | string {
  const pc = BigInt(BASE + index * 4);
  const symbols: Record<string, bigint> = { back: BigInt(BASE), fwd: BigInt(BASE + CORPUS.length * 4) };
  const r = assembleText(line, pc, (n) => symbols[n]);
  if (!r.instr) return r.diagnostics.map((d) => d.message).join('; ');
  return r.instr.encoding!;
}

describe('isa: encodings match GNU as', function () {
  this.timeout(60000);
  let gnu: ObjdumpLine[] = [];

  before(function () {
    requireTools(this, [AS, LD, OBJDUMP], 'the GNU as comparisons');
    const src = ['.arch armv8.5-a+memtag+ssbs', '.text', 'back:', ...CORPUS.map((l) => '  ' + l), 'fwd:', '  nop', ''].join('\n');
    gnu = assembleWithGnu(src, BASE);
    assert.equal(gnu.length, CORPUS.length + 1, 'objdump listing length');
  });

  it(`assembles all ${CORPUS.length} corpus lines to the same words`, () => {
    const mismatches: string[] = [];
    CORPUS.forEach((line, i) => {
      const mine = ours(line, i);
      const theirs = gnu[i].word;
      if (mine !== theirs)
        mismatches.push(`${line}: ours ${typeof mine === 'number' ? mine.toString(16).padStart(8, '0') : `error (${mine})`}, GNU ${theirs.toString(16).padStart(8, '0')} (${gnu[i].mnemonic} ${gnu[i].text})`);
    });
    assert.deepEqual(mismatches, []);
  });

  it('decodes every GNU word with objdump’s preferred mnemonic', () => {
    const mismatches: string[] = [];
    gnu.slice(0, CORPUS.length).forEach((g) => {
      const d = decodeInstruction(g.word, BigInt(g.address));
      if (!d) mismatches.push(`${g.word.toString(16)} (${g.mnemonic} ${g.text}): not decoded`);
      else if (d.mnemonic !== g.mnemonic) mismatches.push(`${g.word.toString(16)}: ours '${d.text}', objdump '${g.mnemonic} ${g.text}'`);
    });
    assert.deepEqual(mismatches, []);
  });

  it('disassembles every GNU word to objdump’s text (number formatting aside)', () => {
    const mismatches: string[] = [];
    gnu.slice(0, CORPUS.length).forEach((g) => {
      const d = decodeInstruction(g.word, BigInt(g.address));
      if (!d) return;
      if (!sameText(d.text, g)) mismatches.push(`ours '${d.text}', objdump '${g.mnemonic} ${g.text}'`);
    });
    assert.deepEqual(mismatches, []);
  });

  it('reassembles our disassembly of every GNU word to the same word', () => {
    const mismatches: string[] = [];
    gnu.slice(0, CORPUS.length).forEach((g) => {
      const d = decodeInstruction(g.word, BigInt(g.address));
      if (!d) return;
      const r = assembleText(d.text, BigInt(g.address));
      const w = r.instr?.encoding;
      if (w !== g.word) mismatches.push(`'${d.text}' → ${w === undefined ? r.diagnostics.map((x) => x.message).join('; ') : w.toString(16)} (want ${g.word.toString(16)})`);
    });
    assert.deepEqual(mismatches, []);
  });
});

describe('isa: expressions evaluate as GNU as evaluates them', function () {
  this.timeout(30000);
  const EXPRS = ['1 + 1 & 1', '1 | 1 + 1', '3 ^ 1 - 1', '7 % 4 << 2', '1 << 4 + 1', '-8 >> 1', '~0x0f & 0xff', '!0 + !7', '(1 + 2) * 3 - 4 / 2', '0x10 - 0x20 + 0x30', '100 / 7 % 3', '6 & 3 | 8 ^ 1', '-8 / 3', '-7 % 3', '-1 >> 60'];
  it(`agrees on ${EXPRS.length} expressions`, function () {
    requireTools(this, [AS, OBJDUMP], 'the GNU as comparisons');
    const dir = tempDir();
    try {
      fs.writeFileSync(path.join(dir, 'e.s'), ['.data', ...EXPRS.map((e) => `.quad ${e}`), ''].join('\n'));
      execFileSync(AS, ['-o', path.join(dir, 'e.o'), path.join(dir, 'e.s')], { stdio: 'pipe' });
      const dump = execFileSync(OBJDUMP, ['-s', '-j', '.data', path.join(dir, 'e.o')], { encoding: 'utf8' });
      const hexBytes = dump
        .split('\n')
        .filter((l) => /^ [0-9a-f]{4} /.test(l))
        .map((l) => l.slice(6, 41).replace(/ /g, ''))
        .join('');
      EXPRS.forEach((e, i) => {
        const le = hexBytes.slice(i * 16, i * 16 + 16);
        const gnu = BigInt('0x' + (le.match(/../g) ?? []).reverse().join(''));
        const ours = evaluateExpression(e, () => undefined);
        assert.ok('value' in ours, e);
        assert.equal(BigInt.asUintN(64, ours.value), gnu, e);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isa: MRS/MSR encodings of every register in the table match GNU as', function () {
  this.timeout(60000);
  it('agrees for every register GNU as knows', function () {
    requireTools(this, [AS, OBJDUMP], 'the GNU as comparisons');
    const lines = allRegisters()
      .filter((r) => r.encoding && (r.access.read || r.access.write))
      .map((r) => (r.access.read ? `mrs x1, ${r.name.toLowerCase()}` : `msr ${r.name.toLowerCase()}, x1`));
    // GNU as rejects names it does not know (e.g. newer or IMPLEMENTATION DEFINED ones): drop those and retry.
    let kept = lines.slice();
    let listing: ObjdumpLine[] | undefined;
    for (let attempt = 0; attempt < 3 && !listing; attempt++) {
      try {
        listing = assembleWithGnu(['.arch armv8.6-a', '.text', ...kept, ''].join('\n'), BASE);
      } catch (e) {
        const bad = new Set([...String((e as { stderr?: unknown }).stderr ?? e).matchAll(/a\.s:(\d+): Error/g)].map((m) => Number(m[1]) - 3));
        if (bad.size === 0) throw e;
        kept = kept.filter((_, i) => !bad.has(i));
      }
    }
    assert.ok(listing, 'GNU as kept failing');
    assert.ok(kept.length > lines.length * 0.8, `GNU as knew only ${kept.length} of ${lines.length} registers`);
    const mismatches: string[] = [];
    kept.forEach((line, i) => {
      const r = assembleText(line);
      if (r.instr?.encoding !== listing[i].word) mismatches.push(`${line}: ours ${r.instr?.encoding?.toString(16) ?? r.diagnostics[0]?.message}, GNU ${listing[i].word.toString(16)}`);
    });
    assert.deepEqual(mismatches, []);
  });
});

describe('isa: decoder agrees with objdump on random words', function () {
  this.timeout(60000);
  it('4000 random words we decode disassemble as objdump does', function () {
    requireTools(this, [AS, LD, OBJDUMP], 'the GNU as comparisons');
    const words: number[] = [];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (w) => {
        if (words.length < 4000 && decodeInstruction(w, BigInt(BASE + words.length * 4))) words.push(w);
      }),
      { numRuns: 20000, seed: 2026 },
    );
    assert.equal(words.length, 4000);
    const listing = assembleWithGnu(['.text', ...words.map((w) => `.inst 0x${w.toString(16)}`), ''].join('\n'), BASE);
    const mismatches: string[] = [];
    listing.forEach((g) => {
      const d = decodeInstruction(g.word, BigInt(g.address))!;
      if (sameText(d.text, g)) return;
      // binutils treats LDPSW with writeback into a transfer register, or with Rt == Rt2, as undefined; the
      // Arm ARM makes both CONSTRAINED UNPREDICTABLE and we execute them (the load wins), as for LDP.
      const n = (g.word >>> 5) & 31;
      const t = g.word & 31;
      const t2 = (g.word >>> 10) & 31;
      const wbOverlap = ((g.word >>> 23) & 1) === 1 && n !== 31 && (n === t || n === t2);
      if (d.mnemonic === 'ldpsw' && /undefined/.test(g.text) && (wbOverlap || t === t2)) return;
      mismatches.push(`${g.word.toString(16)}: ours '${d.text}', objdump '${g.mnemonic} ${g.text}'`);
    });
    assert.deepEqual(mismatches, []);
  });
});
