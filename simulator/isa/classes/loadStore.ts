/**
 * Single-register loads and stores (Arm ARM C4.1.88 "Loads and Stores"): LDR/STR
 * of every size and signedness with unsigned-offset, unscaled (LDUR/STUR),
 * pre/post-index, unprivileged (LDTR/STTR), register-offset and literal
 * addressing; PRFM/PRFUM as architectural no-ops (a prefetch never changes
 * architectural state and never faults, C6.2.212).
 *
 * Addressing modes are picked as GNU as does: the literal pool for `=value`, a
 * scaled unsigned offset when it fits, otherwise the unscaled form for offsets in
 * -256..255. Every form without writeback reports its instruction syndrome in a
 * stage-2 Data Abort (ESR_ELx.ISV=1, `syndrome`); pre/post-index forms do not.
 */
import { ExtendType } from '../arith';
import { LITERAL19, LITERAL_POOL, PRFM_LITERAL } from '../codecs/labels';
import { memRegister, memUnscaled, memUnsigned, MEM_POST, MEM_PRE } from '../codecs/memory';
import { gpr, type RegWidth } from '../codecs/registers';
import { PRFOP } from '../codecs/system';
import { form } from '../decodetree/form';
import type { AsmState, Encoding, Exec, Fields, Form, InstrClass } from '../decodetree/types';
import { signExtend } from '../format';
import { AsmError } from '../operands';
import { accessUnprivileged, baseRegisterAccess, ea, instructionSyndrome, loadedValue, registerOffsetAccess, singleAccess, transferOf, transferSyndrome } from './access';

interface Mnemonic {
  name: string;
  fixed: Fields;
  rt: RegWidth;
}

/** The LDR/STR mnemonics by size:opc; the transfer register's width selects the fields it does not fix. */
const SINGLE: Mnemonic[] = [
  { name: 'strb', fixed: { size: 0, opc: 0 }, rt: 'w' },
  { name: 'ldrb', fixed: { size: 0, opc: 1 }, rt: 'w' },
  { name: 'ldrsb', fixed: { size: 0 }, rt: { x: { opc: 2 }, w: { opc: 3 } } },
  { name: 'strh', fixed: { size: 1, opc: 0 }, rt: 'w' },
  { name: 'ldrh', fixed: { size: 1, opc: 1 }, rt: 'w' },
  { name: 'ldrsh', fixed: { size: 1 }, rt: { x: { opc: 2 }, w: { opc: 3 } } },
  { name: 'str', fixed: { opc: 0 }, rt: { x: { size: 3 }, w: { size: 2 } } },
  { name: 'ldr', fixed: { opc: 1 }, rt: { x: { size: 3 }, w: { size: 2 } } },
  { name: 'ldrsw', fixed: { size: 2, opc: 2 }, rt: 'x' },
];

const rtOf = (m: Mnemonic) => gpr('Rt', { width: m.rt, r31: 'zr' });
/** LDUR… and LDTR… spellings of an LDR… mnemonic. */
const renamed = (name: string, infix: 'u' | 't'): string => name.replace(/^(ld|st)r/, `$1${infix}r`);

/** Arm ARM C6.2.132: writeback with n == t (n != 31) is CONSTRAINED UNPREDICTABLE; GNU as rejects it. */
function writebackCheck(f: Fields, a: AsmState): void {
  if (f.Rn === f.Rt && f.Rt !== 31) {
    const base = a.source(a.at.Rn).toLowerCase();
    throw new AsmError(a.at.Rn, `${f.opc !== 0 ? 'load' : 'store'} with writeback uses ${base} as both base and transfer register (unpredictable)`, 'unpredictable');
  }
}

function forms(codec: (m: Mnemonic) => Form['operands'], opts: { infix?: 'u' | 't'; asmOnly?: boolean; check?: Form['check'] } = {}): Form[] {
  return SINGLE.map((m) =>
    form(opts.infix ? renamed(m.name, opts.infix) : m.name, [rtOf(m), ...codec(m)], { fixed: m.fixed, asmOnly: opts.asmOnly, check: opts.check }),
  );
}

const scale = (f: Fields): number => f.size;
const allocated = (f: Fields): boolean => transferOf(f.size, f.opc) !== undefined;
const syndrome = (f: Fields): number => transferSyndrome(f.size, f.opc, f.Rt);
const isLdrFamily = (m: Mnemonic): boolean => m.name === 'ldr' || m.name === 'ldrsw';

function unsignedOffset(f: Fields): Exec {
  const tr = transferOf(f.size, f.opc)!;
  const n = f.Rn;
  const offset = f.imm12 * tr.size;
  return offset === 0 ? baseRegisterAccess(tr, f.Rt, n) : singleAccess(tr, f.Rt, (pe) => ea(pe, n, offset));
}

function unscaled(f: Fields): Exec {
  const n = f.Rn;
  const offset = signExtend(f.imm9, 9);
  return singleAccess(transferOf(f.size, f.opc)!, f.Rt, (pe) => ea(pe, n, offset));
}

function indexed(post: boolean): (f: Fields) => Exec {
  return (f) => singleAccess(transferOf(f.size, f.opc)!, f.Rt, () => 0, { n: f.Rn, post, offset: signExtend(f.imm9, 9) });
}

function unprivileged(f: Fields): Exec {
  const tr = transferOf(f.size, f.opc)!;
  const n = f.Rn;
  const t = f.Rt;
  const offset = signExtend(f.imm9, 9);
  const size = tr.size;
  if (!tr.load) return (pe) => accessUnprivileged(pe, ea(pe, n, offset), size, true, pe.xlo[t], pe.xhi[t]);
  const wr = loadedValue(tr, t);
  return (pe) => {
    accessUnprivileged(pe, ea(pe, n, offset), size, false, 0, 0);
    wr(pe);
  };
}

function registerOffset(f: Fields): Exec {
  const n = f.Rn;
  const m = f.Rm;
  const option = f.option as ExtendType;
  const shift = f.S ? f.size : 0;
  return registerOffsetAccess(transferOf(f.size, f.opc)!, f.Rt, n, m, option, shift);
}

function literal(f: Fields): Exec {
  const offset = signExtend(f.imm19, 19) * 4;
  const tr = f.opc === 2 ? { size: 4, x: true, load: true, signed: true } : { size: f.opc === 1 ? 8 : 4, x: f.opc === 1, load: true, signed: false };
  return singleAccess(tr, f.Rt, (pe) => pe.pc + offset);
}

const prefetch = (): Exec => () => {};
const LDR_LIT = gpr('Rt', { width: { x: { opc: 1 }, w: { opc: 0 } }, r31: 'zr' });
const LDRSW_LIT = gpr('Rt', { width: 'x', r31: 'zr' });

const ENCODINGS: Encoding[] = [
  // PRFM first: it shares the LDR encoding space (size 11, opc 10).
  {
    name: 'PRFM (immediate)',
    pattern: '11 111 0 01 10 imm12:12 Rn:5 Rt:5',
    flow: 'plain',
    exec: prefetch,
    forms: [form('prfm', [PRFOP, memUnsigned(() => 3, false)])],
  },
  {
    name: 'PRFUM',
    pattern: '11 111 0 00 10 0 imm9:9 00 Rn:5 Rt:5',
    flow: 'plain',
    exec: prefetch,
    forms: [form('prfum', [PRFOP, memUnscaled('unscaled')]), form('prfm', [PRFOP, memUnscaled('fallback')], { asmOnly: true })],
  },
  {
    name: 'PRFM (register)',
    pattern: '11 111 0 00 10 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5',
    valid: (f) => (f.option & 2) !== 0,
    flow: 'plain',
    exec: prefetch,
    forms: [form('prfm', [PRFOP, memRegister(() => 3, true)])],
  },
  {
    name: 'PRFM (literal)',
    pattern: '11 011 0 00 imm19:19 Rt:5',
    flow: 'plain',
    exec: prefetch,
    forms: [form('prfm', [PRFOP, PRFM_LITERAL])],
  },
  {
    name: 'LDR (literal)',
    pattern: 'opc:2 011 0 00 imm19:19 Rt:5',
    valid: (f) => f.opc !== 3,
    flow: 'plain',
    exec: literal,
    syndrome: (f) => instructionSyndrome(f.opc === 1 ? 3 : 2, f.opc === 2, f.Rt, f.opc !== 0, false),
    forms: [
      form('ldr', [LDR_LIT, LITERAL19]),
      form('ldrsw', [LDRSW_LIT, LITERAL19], { fixed: { opc: 2 } }),
      form('ldr', [LDR_LIT, LITERAL_POOL], { asmOnly: true }),
      form('ldrsw', [LDRSW_LIT, LITERAL_POOL], { fixed: { opc: 2 }, asmOnly: true }),
    ],
  },
  {
    name: 'LDR/STR (immediate, post-index)',
    pattern: 'size:2 111 0 00 opc:2 0 imm9:9 01 Rn:5 Rt:5',
    valid: allocated,
    flow: 'plain',
    exec: indexed(true),
    forms: forms(() => [MEM_POST], { check: writebackCheck }),
  },
  {
    name: 'LDR/STR (register)',
    pattern: 'size:2 111 0 00 opc:2 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5',
    valid: (f) => (f.option & 2) !== 0 && allocated(f),
    flow: 'plain',
    exec: registerOffset,
    syndrome,
    forms: forms(() => [memRegister(scale, false)]),
  },
  {
    name: 'LDR/STR (immediate, pre-index)',
    pattern: 'size:2 111 0 00 opc:2 0 imm9:9 11 Rn:5 Rt:5',
    valid: allocated,
    flow: 'plain',
    exec: indexed(false),
    forms: forms(() => [MEM_PRE], { check: writebackCheck }),
  },
  {
    name: 'LDR/STR (immediate, unsigned offset)',
    pattern: 'size:2 111 0 01 opc:2 imm12:12 Rn:5 Rt:5',
    valid: allocated,
    flow: 'plain',
    exec: unsignedOffset,
    syndrome,
    forms: forms((m) => [memUnsigned(scale, !isLdrFamily(m))]),
  },
  {
    name: 'LDUR/STUR (unscaled immediate)',
    pattern: 'size:2 111 0 00 opc:2 0 imm9:9 00 Rn:5 Rt:5',
    valid: allocated,
    flow: 'plain',
    exec: unscaled,
    syndrome,
    forms: [...forms(() => [memUnscaled('unscaled')], { infix: 'u' }), ...forms((m) => [memUnscaled('fallback', !isLdrFamily(m))], { asmOnly: true })],
  },
  {
    name: 'LDTR/STTR (unprivileged)',
    pattern: 'size:2 111 0 00 opc:2 0 imm9:9 10 Rn:5 Rt:5',
    valid: allocated,
    flow: 'plain',
    exec: unprivileged,
    syndrome,
    forms: forms(() => [memUnscaled('unprivileged')], { infix: 't' }),
  },
];

export const LOAD_STORE: InstrClass = {
  name: 'Load/store register',
  group: 'load-store',
  encodings: ENCODINGS,
  docs: {
    ldr: 'Load register (word or doubleword); also ldr rt, =value from the literal pool',
    str: 'Store register (word or doubleword)',
    ldrb: 'Load byte, zero-extended',
    strb: 'Store byte',
    ldrh: 'Load halfword, zero-extended',
    strh: 'Store halfword',
    ldrsb: 'Load byte, sign-extended to W or X',
    ldrsh: 'Load halfword, sign-extended to W or X',
    ldrsw: 'Load word, sign-extended to X',
    ldur: 'Load register, unscaled offset (-256..255)',
    stur: 'Store register, unscaled offset',
    ldurb: 'Load byte, unscaled offset',
    sturb: 'Store byte, unscaled offset',
    ldurh: 'Load halfword, unscaled offset',
    sturh: 'Store halfword, unscaled offset',
    ldursb: 'Load signed byte, unscaled offset',
    ldursh: 'Load signed halfword, unscaled offset',
    ldursw: 'Load signed word, unscaled offset',
    ldtr: 'Load register, unprivileged: at EL1 (or EL2 with E2H=TGE=1) checked with EL0 permissions',
    ldtrb: 'Load byte, unprivileged',
    ldtrh: 'Load halfword, unprivileged',
    ldtrsb: 'Load signed byte, unprivileged',
    ldtrsh: 'Load signed halfword, unprivileged',
    ldtrsw: 'Load signed word, unprivileged',
    sttr: 'Store register, unprivileged',
    sttrb: 'Store byte, unprivileged',
    sttrh: 'Store halfword, unprivileged',
    prfm: 'Prefetch memory hint (no architectural effect, never faults)',
    prfum: 'Prefetch memory hint, unscaled offset',
  },
};
