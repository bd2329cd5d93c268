/**
 * The `register` flow (decodetree/types.ts `Flow`): the block engine gives such an instruction no
 * bookkeeping of its own (pe/block.ts `compile`), which is exact only if it reads and writes nothing
 * but general registers and PSTATE.{N,Z,C,V}: no memory, no PC, no system register, no exception.
 * Every decoded word with that flow is executed on a PE whose PC, MMU, memory system and system
 * model throw when touched.
 */
import * as assert from 'node:assert/strict';
import { assembleText, decodeInstruction } from '../../simulator/isa/index';
import { Pe, type PeEnvironment } from '../../simulator/pe/pe';
import { CORPUS } from './corpus';

const PC = 0x4000_1000n;

function touched(what: string): never {
  throw new Error(`a 'register' instruction touched ${what}`);
}

/** A PE whose every service, and whose PC fields, throw when used. */
function guardedPe(): Pe {
  const env = new Proxy({} as PeEnvironment, { get: (_t, k) => touched(`the PE environment (${String(k)})`) });
  const pe = new Pe(0, { sys: undefined } as unknown as PeEnvironment);
  pe.env = env;
  pe.sys = new Proxy({} as Pe['sys'], { get: (_t, k) => touched(`the system model (${String(k)})`) });
  for (const field of ['pc', 'nextPc', 'fetchPc', 'va', 'tPa', 'ldLo', 'ldHi']) {
    Object.defineProperty(pe, field, { get: () => touched(field), set: () => touched(field) });
  }
  return pe;
}

/** Deterministic 32-bit words (xorshift). */
function* words(n: number): Generator<number> {
  let x = 0x2545_f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield x >>> 0;
  }
}

describe('isa: register-only instructions (flow `register`)', () => {
  it('touch no memory, PC, system register or PE service, and raise nothing (corpus and 400,000 random words)', () => {
    const symbols: Record<string, bigint> = { back: PC, fwd: PC + 0x100n };
    const corpus = CORPUS.map((l) => assembleText(l, PC, (n) => symbols[n]).instr?.encoding).filter((w): w is number => w !== undefined);
    const mnemonics = new Set<string>();
    let n = 0;
    for (const word of [...corpus, ...words(400_000)]) {
      const instr = decodeInstruction(word, PC);
      if (instr?.flow !== 'register') continue;
      const pe = guardedPe();
      for (let r = 0; r < 31; r++) pe.setX(r, (word * (r + 1)) >>> 0, (word ^ (r << 20)) >>> 0);
      const gens = [pe.sysregGen, pe.lineGen, pe.instret];
      try {
        instr.exec(pe);
      } catch (e) {
        assert.fail(`${instr.text} (0x${word.toString(16)}): ${e instanceof Error ? e.message : String(e)}`);
      }
      assert.deepEqual([pe.sysregGen, pe.lineGen, pe.instret], gens, instr.text);
      mnemonics.add(instr.mnemonic);
      n++;
    }
    // The classification covers the data-processing classes, not a handful of words.
    assert.ok(n > 20_000, `${n} register-only words`);
    for (const m of ['add', 'subs', 'and', 'eor', 'movk', 'csel', 'ccmp', 'ubfx', 'extr', 'madd', 'udiv', 'rbit']) assert.ok(mnemonics.has(m), m);
  });

  it('memory accesses, PC-relative addresses and system instructions are not register-only', () => {
    for (const text of ['ldr x2, [x1]', 'str w3, [sp, #8]', 'ldp x0, x1, [x2]', 'adr x0, back', 'adrp x1, back', 'b back', 'cbz x0, back', 'mrs x0, nzcv', 'nop', 'svc #0']) {
      const instr = assembleText(text, PC, (n) => (n === 'back' ? PC : undefined)).instr;
      assert.ok(instr !== undefined, text);
      assert.notEqual(instr.flow, 'register', text);
    }
  });
});
