/**
 * Random user-level data-processing instructions (fast-check, fixed seed) in
 * GNU as syntax: random registers (including the zero register), shift and
 * extend amounts, bitmask immediates, bitfield positions and conditions. Each
 * becomes a one-line differential case, so the semantics of every operand
 * combination is compared with qemu, not just a few hand-picked ones.
 */
import fc from 'fast-check';
import { bitMaskValue } from '../../simulator/isa/bitmask';

const CONDS = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al'];

/** A register name of width `x` (true: 64-bit); index 31 is the zero register. */
const regIndex = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 19 }), weight: 9 }, { arbitrary: fc.constant(31), weight: 1 });
const R = (x: boolean, n: number): string => (n === 31 ? (x ? 'xzr' : 'wzr') : `${x ? 'x' : 'w'}${n}`);
/** A destination that is never the zero register (so the result is observable). */
const dst = fc.integer({ min: 0, max: 19 });

const sf = fc.boolean();

function addSubShifted(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('add', 'adds', 'sub', 'subs'), dst, regIndex, regIndex, fc.constantFrom('lsl', 'lsr', 'asr'), fc.integer({ min: 0, max: 63 }))
    .map(([x, op, d, n, m, sh, amt]) => `${op} ${R(x, d)}, ${R(x, n)}, ${R(x, m)}, ${sh} #${x ? amt : amt & 31}`);
}

function addSubExtended(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('add', 'adds', 'sub', 'subs'), dst, fc.integer({ min: 0, max: 19 }), regIndex, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 4 }))
    .map(([x, op, d, n, m, ext, amt]) => {
      const name = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'][ext];
      const mx = x && (ext & 3) === 3;
      return `${op} ${R(x, d)}, ${R(x, n)}, ${R(mx, m)}, ${name} #${amt}`;
    });
}

function addSubImmediate(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('add', 'adds', 'sub', 'subs'), dst, fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 4095 }), fc.boolean())
    .map(([x, op, d, n, imm, sh]) => `${op} ${R(x, d)}, ${R(x, n)}, #${imm}${sh ? ', lsl #12' : ''}`);
}

function logicalShifted(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('and', 'ands', 'orr', 'eor', 'bic', 'bics', 'orn', 'eon'), dst, regIndex, regIndex, fc.constantFrom('lsl', 'lsr', 'asr', 'ror'), fc.integer({ min: 0, max: 63 }))
    .map(([x, op, d, n, m, sh, amt]) => `${op} ${R(x, d)}, ${R(x, n)}, ${R(x, m)}, ${sh} #${x ? amt : amt & 31}`);
}

function logicalImmediate(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('and', 'ands', 'orr', 'eor'), dst, regIndex, fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }))
    .filter(([x, , , , nbit, immr, imms]) => bitMaskValue(x ? nbit : 0, x ? immr : immr & 31, imms, x ? 64 : 32) !== undefined)
    .map(([x, op, d, n, nbit, immr, imms]) => {
      const v = bitMaskValue(x ? nbit : 0, x ? immr : immr & 31, imms, x ? 64 : 32)!;
      return `${op} ${R(x, d)}, ${R(x, n)}, #0x${v.toString(16)}`;
    });
}

function bitfield(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('ubfm', 'sbfm', 'bfm'), dst, regIndex, fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }))
    .map(([x, op, d, n, immr, imms]) => `${op} ${R(x, d)}, ${R(x, n)}, #${x ? immr : immr & 31}, #${x ? imms : imms & 31}`);
}

function extract(): fc.Arbitrary<string> {
  return fc.tuple(sf, dst, regIndex, regIndex, fc.integer({ min: 0, max: 63 })).map(([x, d, n, m, lsb]) => `extr ${R(x, d)}, ${R(x, n)}, ${R(x, m)}, #${x ? lsb : lsb & 31}`);
}

function shiftVariable(): fc.Arbitrary<string> {
  return fc.tuple(sf, fc.constantFrom('lslv', 'lsrv', 'asrv', 'rorv'), dst, regIndex, regIndex).map(([x, op, d, n, m]) => `${op} ${R(x, d)}, ${R(x, n)}, ${R(x, m)}`);
}

function condSelect(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('csel', 'csinc', 'csinv', 'csneg'), dst, regIndex, regIndex, fc.constantFrom(...CONDS))
    .map(([x, op, d, n, m, c]) => `${op} ${R(x, d)}, ${R(x, n)}, ${R(x, m)}, ${c}`);
}

function condCompare(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('ccmp', 'ccmn'), regIndex, fc.oneof(regIndex.map((m) => ({ reg: m })), fc.integer({ min: 0, max: 31 }).map((i) => ({ imm: i }))), fc.integer({ min: 0, max: 15 }), fc.constantFrom(...CONDS))
    .map(([x, op, n, b, nzcv, c]) => `${op} ${R(x, n)}, ${'reg' in b ? R(x, b.reg) : `#${b.imm}`}, #${nzcv}, ${c}`);
}

function carry(): fc.Arbitrary<string> {
  return fc.tuple(sf, fc.constantFrom('adc', 'adcs', 'sbc', 'sbcs'), dst, regIndex, regIndex).map(([x, op, d, n, m]) => `${op} ${R(x, d)}, ${R(x, n)}, ${R(x, m)}`);
}

function multiply(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(sf, fc.constantFrom('madd', 'msub'), dst, regIndex, regIndex, regIndex).map(([x, op, d, n, m, a]) => `${op} ${R(x, d)}, ${R(x, n)}, ${R(x, m)}, ${R(x, a)}`),
    fc
      .tuple(fc.constantFrom('smaddl', 'smsubl', 'umaddl', 'umsubl'), dst, regIndex, regIndex, regIndex)
      .map(([op, d, n, m, a]) => `${op} ${R(true, d)}, ${R(false, n)}, ${R(false, m)}, ${R(true, a)}`),
    fc.tuple(fc.constantFrom('smulh', 'umulh'), dst, regIndex, regIndex).map(([op, d, n, m]) => `${op} ${R(true, d)}, ${R(true, n)}, ${R(true, m)}`),
    fc.tuple(sf, fc.constantFrom('udiv', 'sdiv'), dst, regIndex, regIndex).map(([x, op, d, n, m]) => `${op} ${R(x, d)}, ${R(x, n)}, ${R(x, m)}`),
  );
}

function oneSource(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(sf, fc.constantFrom('clz', 'cls', 'rbit', 'rev', 'rev16'), dst, regIndex).map(([x, op, d, n]) => `${op} ${R(x, d)}, ${R(x, n)}`),
    fc.tuple(dst, regIndex).map(([d, n]) => `rev32 ${R(true, d)}, ${R(true, n)}`),
  );
}

function moveWide(): fc.Arbitrary<string> {
  return fc
    .tuple(sf, fc.constantFrom('movz', 'movn', 'movk'), dst, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 3 }))
    .map(([x, op, d, imm, hw]) => `${op} ${R(x, d)}, #0x${imm.toString(16)}, lsl #${(x ? hw : hw & 1) * 16}`);
}

export const RANDOM_INSTRUCTION = fc.oneof(
  addSubShifted(),
  addSubExtended(),
  addSubImmediate(),
  logicalShifted(),
  logicalImmediate(),
  bitfield(),
  extract(),
  shiftVariable(),
  condSelect(),
  condCompare(),
  carry(),
  multiply(),
  oneSource(),
  moveWide(),
);

/** `count` random instructions, deterministic for a seed. */
export function randomInstructions(count: number, seed: number): string[] {
  return fc.sample(RANDOM_INSTRUCTION, { seed, numRuns: count });
}
