/**
 * FEAT_LSE atomic memory operations (Arm ARM C6.2 LDADD…LDUMIN with the ST<op>
 * aliases, SWP) and FEAT_LRCPC LDAPR. Atomics are aligned to their size (B2.5.2,
 * no FEAT_LSE2) and report no instruction syndrome (two registers: ESR_ELx.ISV=0);
 * LDAPR is a single-register load-acquire and reports one, with AR=1.
 */
import { R } from '../arith';
import { MEM_BASE } from '../codecs/memory';
import { form } from '../decodetree/form';
import type { Encoding, Exec, Fields, Form, InstrClass } from '../decodetree/types';
import { alignedAddress, instructionSyndrome } from './access';
import { lseForms, rs, rt, SIZES } from './exclusive';

const OPS = ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin'] as const;
/** atomicOp's operation for SWP: the new value is the operand. */
const SWAP = 8;
/** The acquire/release fields of LD<op> and SWP. */
const AR = (A: number, R: number): Fields => ({ A, R });

/**
 * new = old OP operand (SWAP: the operand) at the access size (result in R). Signed/unsigned max/min compare the
 * values sign-/zero-extended from the access size, as the pseudocode's MemAtomicOp does.
 */
function atomicOp(op: number, size: number, olo: number, ohi: number, vlo: number, vhi: number): void {
  switch (op) {
    case SWAP:
      R.lo = vlo;
      R.hi = vhi;
      return;
    case 0: {
      const lo = (olo >>> 0) + (vlo >>> 0);
      R.lo = lo >>> 0;
      R.hi = (ohi + vhi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
      return;
    }
    case 1:
      R.lo = (olo & ~vlo) >>> 0;
      R.hi = (ohi & ~vhi) >>> 0;
      return;
    case 2:
      R.lo = (olo ^ vlo) >>> 0;
      R.hi = (ohi ^ vhi) >>> 0;
      return;
    case 3:
      R.lo = (olo | vlo) >>> 0;
      R.hi = (ohi | vhi) >>> 0;
      return;
    default: {
      const signed = op === 4 || op === 5;
      const max = op === 4 || op === 6;
      let cmp: number; // sign of (old - operand)
      if (size === 8) {
        const oh = signed ? ohi | 0 : ohi >>> 0;
        const vh = signed ? vhi | 0 : vhi >>> 0;
        cmp = oh !== vh ? (oh < vh ? -1 : 1) : olo >>> 0 === vlo >>> 0 ? 0 : olo >>> 0 < vlo >>> 0 ? -1 : 1;
      } else {
        const sh = 32 - size * 8;
        const o = signed ? (olo << sh) >> sh : (olo << sh) >>> sh;
        const v = signed ? (vlo << sh) >> sh : (vlo << sh) >>> sh;
        cmp = o === v ? 0 : o < v ? -1 : 1;
      }
      const keepOld = max ? cmp >= 0 : cmp <= 0;
      R.lo = (keepOld ? olo : vlo) >>> 0;
      R.hi = (keepOld ? ohi : vhi) >>> 0;
    }
  }
}

/** LD<op> (`op` is opc) and SWP (`op` is SWAP): Rt = old [Xn]; [Xn] = old OP Rs. */
function atomic(op: number): (f: Fields) => Exec {
  return (f) => {
    const size = 1 << f.size;
    const x = f.size === 3;
    const o = op === SWAP ? SWAP : f.opc;
    const s = f.Rs;
    const t = f.Rt;
    const n = f.Rn;
    return (pe) => {
      const va = alignedAddress(pe, n, size, true);
      const vlo = pe.xlo[s];
      const vhi = x ? pe.xhi[s] : 0;
      pe.load(va, size);
      const olo = pe.ldLo;
      const ohi = pe.ldHi;
      atomicOp(o, size, olo, ohi, vlo, vhi);
      pe.store(va, size, R.lo, R.hi);
      pe.setX(t, olo, x ? ohi : 0);
    };
  };
}

/** LDAPR: load-acquire RCpc; ordering is trivially satisfied by the in-order PE. */
function loadAcquirePc(f: Fields): Exec {
  const size = 1 << f.size;
  const x = f.size === 3;
  const t = f.Rt;
  const n = f.Rn;
  return (pe) => {
    const va = alignedAddress(pe, n, size, false);
    pe.load(va, size);
    pe.setX(t, pe.ldLo, x ? pe.ldHi : 0);
  };
}

function opForms(): Form[] {
  return OPS.flatMap((op, opc) => [
    // ST<op>{L}: LD<op> with Rt = XZR and no acquire semantics, the preferred disassembly.
    ...SIZES.flatMap(([sz, fixed, w]) =>
      ([['', 0], ['l', 1]] as const).map(([l, release]) =>
        form(`st${op}${l}${sz}`, [rs(w), MEM_BASE], { fixed: { ...fixed, opc, A: 0, R: release, Rt: 31 }, family: `st${op}{l}{b|h}` }),
      ),
    ),
    ...lseForms(`ld${op}`, AR, { opc }),
  ]);
}

const ENCODINGS: Encoding[] = [
  {
    name: 'LDAPR (FEAT_LRCPC)',
    pattern: 'size:2 111 0 00 1 0 1 11111 1 100 00 Rn:5 Rt:5',
    flow: 'plain',
    exec: loadAcquirePc,
    syndrome: (f) => instructionSyndrome(f.size, false, f.Rt, f.size === 3, true),
    forms: SIZES.map(([sz, fixed, w]) => form(`ldapr${sz}`, [rt(w), MEM_BASE], { fixed, family: 'ldapr{b|h}' })),
  },
  {
    name: 'SWP (FEAT_LSE)',
    pattern: 'size:2 111 0 00 A:1 R:1 1 Rs:5 1 000 00 Rn:5 Rt:5',
    flow: 'plain',
    exec: atomic(SWAP),
    forms: lseForms('swp', AR),
  },
  {
    name: 'LD<op> (FEAT_LSE atomic memory operations)',
    pattern: 'size:2 111 0 00 A:1 R:1 1 Rs:5 0 opc:3 00 Rn:5 Rt:5',
    flow: 'plain',
    exec: atomic(0),
    forms: opForms(),
  },
];

export const ATOMICS: InstrClass = {
  name: 'Atomic memory operations',
  group: 'load-store',
  encodings: ENCODINGS,
  docs: {
    'ldadd{a|l|al}{b|h}': 'Atomic add (FEAT_LSE): Rt = old [Xn]; [Xn] = old + Rs. Suffixes a/l/al (acquire/release), b/h (size)',
    'ldclr{a|l|al}{b|h}': 'Atomic bit clear: [Xn] = old AND NOT Rs, Rt = old',
    'ldeor{a|l|al}{b|h}': 'Atomic exclusive OR: [Xn] = old EOR Rs, Rt = old',
    'ldset{a|l|al}{b|h}': 'Atomic bit set: [Xn] = old OR Rs, Rt = old',
    'ldsmax{a|l|al}{b|h}': 'Atomic signed maximum, Rt = old',
    'ldsmin{a|l|al}{b|h}': 'Atomic signed minimum, Rt = old',
    'ldumax{a|l|al}{b|h}': 'Atomic unsigned maximum, Rt = old',
    'ldumin{a|l|al}{b|h}': 'Atomic unsigned minimum, Rt = old',
    'stadd{l}{b|h}': 'Atomic add without result (LDADD with Rt = XZR)',
    'stclr{l}{b|h}': 'Atomic bit clear without result',
    'steor{l}{b|h}': 'Atomic exclusive OR without result',
    'stset{l}{b|h}': 'Atomic bit set without result',
    'stsmax{l}{b|h}': 'Atomic signed maximum without result',
    'stsmin{l}{b|h}': 'Atomic signed minimum without result',
    'stumax{l}{b|h}': 'Atomic unsigned maximum without result',
    'stumin{l}{b|h}': 'Atomic unsigned minimum without result',
    'swp{a|l|al}{b|h}': 'Atomic swap: Rt = old [Xn]; [Xn] = Rs',
    'ldapr{b|h}': 'Load-acquire RCpc register (FEAT_LRCPC)',
  },
};
