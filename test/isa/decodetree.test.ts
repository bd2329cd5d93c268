/**
 * The instruction table machinery (simulator/isa/decodetree): patterns, the
 * decode tree derived from them, and the consistency of the class tables (every
 * form's fields exist, every mnemonic is documented and assembled).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePattern, pack } from '../../simulator/isa/decodetree/pattern';
import { DECODE_TREE, INSTRUCTION_CLASSES } from '../../simulator/isa/table';
import { assemblerMnemonics, assembleText, decodeInstruction, isInstruction, mnemonicInfo, MNEMONICS } from '../../simulator/isa/index';
import { withOffsetMoved } from '../../simulator/isa/decode';

const hexWord = (v: bigint): string => `0x${v.toString(16)}`;

describe('isa: instruction table (decodetree)', () => {
  it('compiles a pattern into fixed bits and named fields', () => {
    const p = compilePattern('sf:1 op:1 S:1 100010 sh:1 imm12:12 Rn:5 Rd:5');
    assert.equal(p.mask, 0x1f800000);
    assert.equal(p.value, 0x11000000);
    assert.deepEqual(
      p.fields.map((f) => [f.name, f.lo, f.width]),
      [
        ['sf', 31, 1],
        ['op', 30, 1],
        ['S', 29, 1],
        ['sh', 22, 1],
        ['imm12', 10, 12],
        ['Rn', 5, 5],
        ['Rd', 0, 5],
      ],
    );
    // add x0, x1, #1, lsl #12 (the encoding GNU as gives).
    assert.deepEqual(p.extract(0x91400420), { sf: 1, op: 0, S: 0, sh: 1, imm12: 1, Rn: 1, Rd: 0 });
    assert.equal(pack(p, { sf: 1, op: 0, S: 0, sh: 1, imm12: 1, Rn: 1, Rd: 0 }), 0x91400420);
  });

  it('rejects malformed patterns and out-of-range field values', () => {
    assert.throws(() => compilePattern('sf:1 0101'), /has 5 bits, not 32/);
    assert.throws(() => compilePattern('x:16 x:16'), /field x twice/);
    assert.throws(() => compilePattern('Rd:5 2'.padEnd(40, ' ')), /bad token '2'/);
    const p = compilePattern('imm16:16 0000000000000000');
    assert.throws(() => pack(p, { imm16: 0x1_0000 }), /imm16 = 65536 does not fit 16 bits/);
    assert.throws(() => pack(p, {}), /imm16 = undefined/);
  });

  it('the decode tree finds the encoding a linear scan of the table finds, for any word', () => {
    const linear = (w: number) => {
      for (const e of DECODE_TREE.entries) {
        if ((w & e.pat.mask) >>> 0 !== e.pat.value) continue;
        if (e.enc.valid === undefined || e.enc.valid(e.pat.extract(w))) return e.enc.name;
      }
      return undefined;
    };
    let found = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (w) => {
        const want = linear(w);
        if (want !== undefined) found++;
        assert.equal(DECODE_TREE.lookup(w)?.entry.enc.name, want, `word 0x${w.toString(16)}`);
      }),
      { numRuns: 20000, seed: 7 },
    );
    assert.ok(found > 3000, `only ${found} words decoded`);
  });

  it('every form fixes only fields of its pattern, and every operand has a usage', () => {
    for (const cls of INSTRUCTION_CLASSES) {
      for (const enc of cls.encodings) {
        const names = new Set(compilePattern(enc.pattern).fields.map((f) => f.name));
        for (const form of enc.forms) {
          for (const k of [...Object.keys(form.fixed), ...Object.keys(form.ignored)]) assert.ok(names.has(k), `${form.mnemonic} (${enc.name}) fixes ${k}`);
          assert.ok(form.operands.every((c) => c.usage !== ''), `${form.mnemonic} has an operand without usage`);
        }
      }
    }
  });

  it('the mnemonic list is the set of assembled mnemonics, each documented', () => {
    const assembled = assemblerMnemonics();
    for (const m of assembled) assert.ok(mnemonicInfo(m), `${m} has no summary`);
    for (const m of MNEMONICS) assert.ok(isInstruction(m.mnemonic), `${m.mnemonic} listed but not assembled`);
    // Families are listed once: 8 atomic operations × (ld, st) + swp + cas + ldapr, not each suffix.
    assert.ok(assembled.length > MNEMONICS.length + 150);
    assert.equal(mnemonicInfo('ldsminalb')?.syntax, 'ldsmin{a|l|al}{b|h} ws, wt, [xn|sp] | rs, rt, [xn|sp]');
    assert.equal(mnemonicInfo('ret')?.syntax, 'ret {xn}');
  });

  it('decodes lazily: the text of a decoded word is its preferred alias, at its address', () => {
    const d = decodeInstruction(0xaa0103e0, 0x1000n)!; // orr x0, xzr, x1
    assert.equal(d.mnemonic, 'mov');
    assert.equal(d.text, 'mov x0, x1');
    assert.equal(d.flow, 'register');
    assert.equal(decodeInstruction(0xf9400022, 0n)!.flow, 'plain'); // ldr x2, [x1]: memory
    assert.equal(decodeInstruction(0x10000000, 0n)!.flow, 'plain'); // adr x0, .: reads the PC
    assert.equal(decodeInstruction(0x17ffffff, 0x8000_0000n)!.text, 'b 0x7fff_fffc');
    assert.equal(decodeInstruction(0xd503201f, 0n)!.flow, 'plain'); // nop
    assert.equal(decodeInstruction(0xd503207f, 0n)!.flow, 'system'); // wfi
    assert.equal(assembleText('b.ne 0x1000', 0x1010n).instr!.flow, 'branch');
  });

  it('moves the offset of a PC-relative instruction as assembling it at its new address does (branches, ADR, literal loads)', () => {
    const target = 0x8010_0000n;
    const forms = ['b     T', 'bl    T', 'b.ne  T', 'cbz   x3, T', 'cbnz  w7, T', 'tbz   x1, #40, T', 'tbnz  w2, #3, T', 'adr   x4, T', 'ldr   x5, T', 'ldr   w6, T', 'ldrsw x7, T', 'prfm  pldl1keep, T', 'ldr   x1, =0x1234_5678_9abc'];
    fc.assert(
      fc.property(fc.constantFrom(...forms), fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: -2000, max: 2000 }), (text, from, to) => {
        const pcA = target + BigInt(from * 4);
        const pcB = target + BigInt(to * 4);
        // The literal-pool form: its slot at the target, whatever the address of the load.
        const a = assembleText(text, pcA, (n) => (n === 'T' ? target : undefined), () => target).instr!;
        const b = assembleText(text, pcB, (n) => (n === 'T' ? target : undefined), () => target).instr!;
        const moved = withOffsetMoved(a, pcA - pcB, 9)!;
        assert.equal(moved.encoding, b.encoding, `${text} from ${hexWord(pcA)} to ${hexWord(pcB)}`);
        assert.equal(moved.text, a.text);
        assert.equal(moved.line, 9);
      }),
      { numRuns: 300, seed: 12 },
    );
    // Out of range or into ADRP's page offset: no move (the line is assembled again, which reports the range).
    const far = assembleText('tbz x1, #1, T', target - 0x7ff0n, (n) => (n === 'T' ? target : undefined)).instr!;
    assert.equal(withOffsetMoved(far, 0x20n, 1), undefined);
    const adrp = assembleText('adrp x1, T', target - 0x7ff0n, (n) => (n === 'T' ? target : undefined)).instr!;
    assert.equal(withOffsetMoved(adrp, 0x1000n, 1), undefined);
    assert.equal(withOffsetMoved(assembleText('add x1, x2, #1').instr!, 4n, 1), undefined);
  });
});
