/**
 * Load/store pair (Arm ARM C6.2.129 LDP, C6.2.130 LDPSW, C6.2.127 LDNP, C6.2.321
 * STP, C6.2.319 STNP): imm7 scaled by the register size, signed offset, pre- and
 * post-index. A pair never reports an instruction syndrome (ESR_ELx.ISV=0).
 */
import type { Pe } from '../../pe/pe';
import { R } from '../arith';
import { memPair } from '../codecs/memory';
import { gpr } from '../codecs/registers';
import { form } from '../decodetree/form';
import type { AsmState, Codec, Encoding, Exec, Fields, Form, InstrClass } from '../decodetree/types';
import { signExtend } from '../format';
import { AsmError } from '../operands';
import { ea } from './access';

const PAIR_WIDTH = { x: { opc: 2 }, w: { opc: 0 } };
const Rt = gpr('Rt', { width: PAIR_WIDTH, r31: 'zr' });
const Rt2 = gpr('Rt2', { width: PAIR_WIDTH, r31: 'zr' });
const Xt = gpr('Rt', { width: 'x', r31: 'zr' });
const Xt2 = gpr('Rt2', { width: 'x', r31: 'zr' });

const scale = (f: Fields): number => (f.opc === 2 ? 3 : 2);

/** Loading the same register twice, or writeback to a transfer register, is CONSTRAINED UNPREDICTABLE (C6.2.129); GNU as rejects both. */
function pairCheck(f: Fields, a: AsmState): void {
  const name = a.mnemonic.toUpperCase();
  if (f.L === 1 && f.Rt === f.Rt2) throw new AsmError(a.at.Rt2, `${name} with the same register twice is unpredictable`, 'unpredictable');
  if ((f.mode === 1 || f.mode === 3) && (f.Rn === f.Rt || f.Rn === f.Rt2) && f.Rn !== 31)
    throw new AsmError(a.at.Rn, `${name} with writeback uses ${a.source(a.at.Rn).toLowerCase()} as both base and transfer register (unpredictable)`, 'unpredictable');
}

function pair(f: Fields): Exec {
  const x = f.opc === 2;
  const signedWord = f.opc === 1;
  const size = x ? 8 : 4;
  const offset = signExtend(f.imm7, 7) * size;
  const t = f.Rt;
  const t2 = f.Rt2;
  const n = f.Rn;
  const writeback = f.mode === 1 || f.mode === 3;
  const post = f.mode === 1;
  const load = f.L === 1;
  const setReg = (pe: Pe, r: number, lo: number, hi: number): void => {
    if (signedWord) pe.setX(r, lo, (lo | 0) < 0 ? 0xffffffff : 0);
    else if (x) pe.setX(r, lo, hi);
    else pe.setW(r, lo);
  };
  return (pe) => {
    const va = ea(pe, n, offset);
    const nlo = R.lo;
    const nhi = R.hi;
    const a = post ? pe.addr(n) : va;
    if (load) {
      pe.load(a, size);
      const lo1 = pe.ldLo;
      const hi1 = pe.ldHi;
      pe.load(a + size, size);
      if (writeback) pe.setXSp(n, nlo, nhi);
      setReg(pe, t, lo1, hi1);
      setReg(pe, t2, pe.ldLo, pe.ldHi);
    } else {
      const lo1 = pe.xlo[t];
      const hi1 = pe.xhi[t];
      const lo2 = pe.xlo[t2];
      const hi2 = pe.xhi[t2];
      pe.store(a, size, lo1, hi1);
      pe.store(a + size, size, lo2, hi2);
      if (writeback) pe.setXSp(n, nlo, nhi);
    }
  };
}

function modes(name: string, regs: Codec[], fixed: Fields): Form[] {
  return ([2, 3, 1] as const).map((mode) => form(name, [...regs, memPair(mode, scale)], { fixed: { ...fixed, mode }, check: pairCheck }));
}

const ENCODINGS: Encoding[] = [
  {
    name: 'LDP/STP/LDPSW/LDNP/STNP',
    pattern: 'opc:2 101 0 0 mode:2 L:1 imm7:7 Rt2:5 Rn:5 Rt:5',
    // opc 11 is unallocated; opc 01 with L = 0 is STGP (FEAT_MTE), and LDPSW has no non-temporal form.
    valid: (f) => f.opc !== 3 && !(f.opc === 1 && (f.L === 0 || f.mode === 0)),
    flow: 'plain',
    exec: pair,
    forms: [
      form('ldnp', [Rt, Rt2, memPair(2, scale)], { fixed: { mode: 0, L: 1 }, check: pairCheck }),
      form('stnp', [Rt, Rt2, memPair(2, scale)], { fixed: { mode: 0, L: 0 }, check: pairCheck }),
      ...modes('ldpsw', [Xt, Xt2], { opc: 1, L: 1 }),
      ...modes('ldp', [Rt, Rt2], { L: 1 }),
      ...modes('stp', [Rt, Rt2], { L: 0 }),
    ],
  },
];

export const LOAD_STORE_PAIR: InstrClass = {
  name: 'Load/store register pair',
  group: 'load-store',
  encodings: ENCODINGS,
  docs: {
    ldp: 'Load pair of registers',
    stp: 'Store pair of registers',
    ldpsw: 'Load pair of words, sign-extended',
    ldnp: 'Load pair, non-temporal hint',
    stnp: 'Store pair, non-temporal hint',
  },
};
