/**
 * Property: for any word our decoder accepts, reassembling its disassembly
 * text at the same PC gives the same word (encode ∘ decode = id), unless the
 * encoding is one the assembler refuses on purpose (CONSTRAINED UNPREDICTABLE
 * register overlaps, or a system register the table marks read-/write-only).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { assembleText, decodeInstruction } from '../../simulator/isa/index';
import { CORPUS } from './corpus';
import { TestMachine } from './harness';
import { NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { SyncException } from '../../simulator/pe/exception';

const PC = 0x4000_0000n;

function roundTrip(word: number): { ok: boolean; why?: string; decoded: boolean } {
  const d = decodeInstruction(word, PC);
  if (!d) return { ok: true, decoded: false };
  const r = assembleText(d.text, PC);
  if (!r.instr) {
    const refused = r.diagnostics.some((x) => x.rule === 'unpredictable' || /read-only|write-only/.test(x.message));
    return refused ? { ok: true, decoded: true } : { ok: false, decoded: true, why: `'${d.text}': ${r.diagnostics.map((x) => x.message).join('; ')}` };
  }
  if (r.instr.encoding !== word >>> 0) {
    // Logical immediates whose immr has bits above the element size (DecodeBitMasks uses
    // immr AND levels) are valid but non-canonical: the assembler emits the canonical word.
    const logicalImm = (word & 0x1f800000) === 0x12000000;
    // "Should be one" fields the text cannot carry: Rs/Rt2 of exclusives and ordered accesses,
    // Ra of SMULH/UMULH. The assembler writes ones there.
    const sboFields = (word & 0x3f000000) === 0x08000000 || (word & 0xff600000) >>> 0 === 0x9b400000;
    if ((logicalImm || sboFields) && decodeInstruction(r.instr.encoding!, PC)?.text === d.text) return { ok: true, decoded: true };
    return { ok: false, decoded: true, why: `'${d.text}' reassembles to ${r.instr.encoding!.toString(16)}, want ${(word >>> 0).toString(16)}` };
  }
  return { ok: true, decoded: true };
}

/** Encodings of the corpus (assembled by us; checked against GNU as in encoding.test.ts). */
function corpusWords(): number[] {
  const symbols: Record<string, bigint> = { back: PC, fwd: PC + 0x100n };
  return CORPUS.map((l) => assembleText(l, PC, (n) => symbols[n]).instr?.encoding).filter((w): w is number => w !== undefined);
}

describe('isa: encode ∘ decode round trip', () => {
  it('holds for random 32-bit words', () => {
    let decoded = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (w) => {
        const r = roundTrip(w);
        if (r.decoded) decoded++;
        assert.ok(r.ok, r.why);
      }),
      { numRuns: 4000, seed: 42 },
    );
    // The property must not be vacuous: a fair share of random words are instructions we model.
    assert.ok(decoded > 400, `only ${decoded} of 4000 random words decoded`);
  });

  it('every decodable word executes on any register state without an internal error', () => {
    const m = new TestMachine();
    for (const op of ['mrs', 'msr', 'msrImmediate', 'exception', 'eret', 'hint', 'barrier', 'cache', 'tlbi', 'at'] as const) m.sys.allow.add(op);
    m.pe.env.mmu.translate = (pe, va) => {
      pe.tPa = va & 0xfffff; // keep every access inside 1 MB of physical memory
      pe.tAttrs = NORMAL_WB_ISH;
    };
    let executed = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 32, maxLength: 32 }), (w, regs) => {
        const d = decodeInstruction(w, PC);
        if (!d) return;
        regs.forEach((v, r) => m.pe.setXBig(r, v));
        m.pe.setSp(1, regs[31]);
        m.pe.pc = Number(BigInt.asIntN(64, PC));
        m.pe.nextPc = m.pe.pc + 4;
        try {
          d.exec(m.pe);
        } catch (e) {
          assert.ok(e instanceof SyncException, `${d.text}: ${String(e)}`);
        }
        assert.equal(m.pe.xlo[31] | m.pe.xhi[31], 0, `${d.text} wrote register index 31`);
        executed++;
      }),
      { numRuns: 5000, seed: 99 },
    );
    assert.ok(executed > 500);
  });

  it('holds for corpus encodings with random operand fields', () => {
    const words = corpusWords();
    assert.ok(words.length > 300);
    let decoded = 0;
    fc.assert(
      fc.property(fc.constantFrom(...words), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 24 }), (w, noise, bitsToFlip) => {
        // Flip some of the low 24 bits (operand fields) of a known-good encoding.
        const mask = (noise & ((1 << bitsToFlip) - 1)) >>> 0;
        const r = roundTrip((w ^ mask) >>> 0);
        if (r.decoded) decoded++;
        assert.ok(r.ok, r.why);
      }),
      { numRuns: 6000, seed: 7 },
    );
    assert.ok(decoded > 3000, `only ${decoded} of 6000 mutated words decoded`);
  });
});
