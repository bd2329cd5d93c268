/**
 * Load/store exclusive (LDXR/LDAXR/STXR/STLXR and the pairs, Arm ARM C6.2
 * "Load/store exclusive"), load-acquire/store-release (LDAR/STLR, and the
 * FEAT_LOR LDLAR/STLLR) and compare-and-swap (CAS, FEAT_LSE), which share the
 * encoding space (C4.1.88).
 *
 * The PE executes in program order, so acquire/release ordering holds by
 * construction; the local monitor follows Arm ARM B2.9.2 (an exclusive store
 * succeeds only when the monitor holds the same PA and size, and always clears
 * it). LORegions are not modelled: LDLAR/STLLR behave as LDAR/STLR (stronger,
 * which is always allowed). Only LDAR/STLR (and LDLAR/STLLR) report an instruction
 * syndrome (with AR=1); exclusives and CAS do not (ESR_ELx.ISV=0).
 */
import type { Pe } from '../../pe/pe';
import { AccessType } from '../../mmu/types';
import { MEM_BASE } from '../codecs/memory';
import { gpr, type RegWidth } from '../codecs/registers';
import { form } from '../decodetree/form';
import type { AsmState, Encoding, Exec, Fields, Form, InstrClass } from '../decodetree/types';
import { AsmError } from '../operands';
import { alignedAddress, alignmentFault, instructionSyndrome } from './access';

const FULL: RegWidth = { x: { size: 3 }, w: { size: 2 } };
/** Size suffixes: b and h fix the size (W registers); none lets the register width choose. */
export const SIZES: [string, Fields, RegWidth][] = [
  ['b', { size: 0 }, 'w'],
  ['h', { size: 1 }, 'w'],
  ['', {}, FULL],
];
export const rt = (w: RegWidth) => gpr('Rt', { width: w, r31: 'zr' });
const rt2 = (w: RegWidth) => gpr('Rt2', { width: w, r31: 'zr' });
export const rs = (w: RegWidth) => gpr('Rs', { width: w, r31: 'zr' });
const Ws = gpr('Rs', { width: 'w', r31: 'zr' });

/** Exclusive stores: the status register must not overlap the data or base registers (C6.2.327 STXR, CONSTRAINED UNPREDICTABLE). */
function statusCheck(f: Fields, a: AsmState): void {
  const pair = f.o1 === 1;
  if (f.Rs === f.Rt || (pair && f.Rs === f.Rt2) || (f.Rs === f.Rn && f.Rn !== 31))
    throw new AsmError(a.at.Rs, `status register ${a.source(a.at.Rs).toLowerCase()} overlaps a data or base register (unpredictable)`, 'unpredictable');
}

function loadPairCheck(f: Fields, a: AsmState): void {
  if (f.Rt === f.Rt2) throw new AsmError(a.at.Rt2, `${a.mnemonic.toUpperCase()} with the same register twice is unpredictable`, 'unpredictable');
}

function ordered(f: Fields): Exec {
  const size = 1 << f.size;
  const x = f.size === 3;
  const n = f.Rn;
  const t = f.Rt;
  if (f.L === 1) {
    return (pe) => {
      const va = alignedAddress(pe, n, size, false);
      pe.load(va, size);
      if (x) pe.setX(t, pe.ldLo, pe.ldHi);
      else pe.setW(t, pe.ldLo);
    };
  }
  return (pe) => {
    const va = alignedAddress(pe, n, size, true);
    pe.store(va, size, pe.xlo[t], pe.xhi[t]);
  };
}

function loadExclusive(f: Fields): Exec {
  const size = 1 << f.size;
  const x = f.size === 3;
  const n = f.Rn;
  const t = f.Rt;
  const t2 = f.Rt2;
  if (f.o1 === 1) {
    const total = size * 2;
    return (pe: Pe) => {
      const va = pe.addr(n);
      if ((va & (total - 1)) !== 0) throw alignmentFault(pe, va, total, false);
      pe.load(va, size);
      const pa = pe.tPa;
      const lo1 = pe.ldLo;
      const hi1 = pe.ldHi;
      pe.load(va + size, size);
      pe.exclusivePa = pa;
      pe.exclusiveSize = total;
      if (x) {
        pe.setX(t, lo1, hi1);
        pe.setX(t2, pe.ldLo, pe.ldHi);
      } else {
        pe.setW(t, lo1);
        pe.setW(t2, pe.ldLo);
      }
    };
  }
  return (pe: Pe) => {
    const va = alignedAddress(pe, n, size, false);
    pe.load(va, size);
    pe.exclusivePa = pe.tPa;
    pe.exclusiveSize = size;
    if (x) pe.setX(t, pe.ldLo, pe.ldHi);
    else pe.setW(t, pe.ldLo);
  };
}

function storeExclusive(f: Fields): Exec {
  const size = 1 << f.size;
  const pair = f.o1 === 1;
  const total = pair ? size * 2 : size;
  const n = f.Rn;
  const t = f.Rt;
  const t2 = f.Rt2;
  const s = f.Rs;
  return (pe: Pe) => {
    const va = pe.addr(n);
    if ((va & (total - 1)) !== 0) throw alignmentFault(pe, va, total, true);
    // Translate first: a faulting exclusive store takes its abort whether or not the monitor matches.
    pe.env.mmu.translate(pe, va, total, AccessType.Write);
    const ok = pe.exclusivePa === pe.tPa && pe.exclusiveSize === total;
    // Read the data registers before the status write (Ws may equal Rt: CONSTRAINED UNPREDICTABLE, we store the old value).
    const lo1 = pe.xlo[t];
    const hi1 = pe.xhi[t];
    const lo2 = pe.xlo[t2];
    const hi2 = pe.xhi[t2];
    pe.exclusivePa = -1;
    if (ok) {
      pe.store(va, size, lo1, hi1);
      if (pair) pe.store(va + size, size, lo2, hi2);
    }
    pe.setW(s, ok ? 0 : 1);
  };
}

/** CAS: Rs holds the compare value and receives the old value; Rt is stored when they match. */
function compareAndSwap(f: Fields): Exec {
  const size = 1 << f.size;
  const x = f.size === 3;
  const mask = size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
  const s = f.Rs;
  const t = f.Rt;
  const n = f.Rn;
  return (pe) => {
    const va = alignedAddress(pe, n, size, true);
    const clo = pe.xlo[s];
    const chi = pe.xhi[s];
    const nlo = pe.xlo[t];
    const nhi = pe.xhi[t];
    pe.load(va, size);
    const olo = pe.ldLo;
    const ohi = pe.ldHi;
    const equal = x ? olo === clo && ohi === chi : olo === ((clo & mask) >>> 0);
    if (equal) pe.store(va, size, nlo, nhi);
    pe.setX(s, olo, x ? ohi : 0);
  };
}

function orderedForms(): Form[] {
  const out: Form[] = [];
  for (const [sz, fixed, w] of SIZES) {
    out.push(
      form(`ldar${sz}`, [rt(w), MEM_BASE], { fixed: { ...fixed, L: 1, o0: 1 } }),
      form(`ldlar${sz}`, [rt(w), MEM_BASE], { fixed: { ...fixed, L: 1, o0: 0 } }),
      form(`stlr${sz}`, [rt(w), MEM_BASE], { fixed: { ...fixed, L: 0, o0: 1 } }),
      form(`stllr${sz}`, [rt(w), MEM_BASE], { fixed: { ...fixed, L: 0, o0: 0 } }),
    );
  }
  return out;
}

function exclusiveForms(): Form[] {
  const out: Form[] = [];
  for (const [sz, fixed, w] of SIZES) {
    for (const [a, o0] of [['', 0], ['a', 1]] as const) {
      out.push(form(`ld${a}xr${sz}`, [rt(w), MEM_BASE], { fixed: { ...fixed, L: 1, o1: 0, o0 }, ignored: { Rs: 31, Rt2: 31 } }));
    }
    for (const [l, o0] of [['', 0], ['l', 1]] as const) {
      out.push(form(`st${l}xr${sz}`, [Ws, rt(w), MEM_BASE], { fixed: { ...fixed, L: 0, o1: 0, o0 }, ignored: { Rt2: 31 }, check: statusCheck }));
    }
  }
  for (const [a, o0] of [['', 0], ['a', 1]] as const)
    out.push(form(`ld${a}xp`, [rt(FULL), rt2(FULL), MEM_BASE], { fixed: { L: 1, o1: 1, o0 }, ignored: { Rs: 31 }, check: loadPairCheck }));
  for (const [l, o0] of [['', 0], ['l', 1]] as const) out.push(form(`st${l}xp`, [Ws, rt(FULL), rt2(FULL), MEM_BASE], { fixed: { L: 0, o1: 1, o0 }, check: statusCheck }));
  return out;
}

/** The acquire (a) and release (l) suffixes of the LSE instructions. */
const ORDERS: [string, number, number][] = [
  ['', 0, 0],
  ['a', 1, 0],
  ['l', 0, 1],
  ['al', 1, 1],
];

/**
 * The forms `<base>{a|l|al}{b|h} Rs, Rt, [Xn|SP]` of an FEAT_LSE instruction (CAS, SWP, LD<op>):
 * `order` names the fields that hold the acquire and release bits, `fixed` any other fixed field.
 */
export function lseForms(base: string, order: (acquire: number, release: number) => Fields, fixed: Fields = {}): Form[] {
  const out: Form[] = [];
  for (const [sz, size, w] of SIZES)
    for (const [ord, acquire, release] of ORDERS)
      out.push(form(`${base}${ord}${sz}`, [rs(w), rt(w), MEM_BASE], { fixed: { ...size, ...fixed, ...order(acquire, release) }, family: `${base}{a|l|al}{b|h}` }));
  return out;
}

const ENCODINGS: Encoding[] = [
  {
    name: 'CAS/CASA/CASL/CASAL (FEAT_LSE)',
    pattern: 'size:2 001000 1 L:1 1 Rs:5 o0:1 11111 Rn:5 Rt:5',
    flow: 'plain',
    exec: compareAndSwap,
    forms: lseForms('cas', (L, o0) => ({ L, o0 })),
  },
  {
    // Other Rs/Rt2 values are allocated by later architecture versions, so they stay UNDEFINED here (as objdump treats them).
    name: 'LDAR/STLR/LDLAR/STLLR',
    pattern: 'size:2 001000 1 L:1 0 11111 o0:1 11111 Rn:5 Rt:5',
    flow: 'plain',
    exec: ordered,
    syndrome: (f) => instructionSyndrome(f.size, false, f.Rt, f.size === 3, true),
    forms: orderedForms(),
  },
  {
    // Rs/Rt2 fields an exclusive does not use are "should be one": ignored, as objdump does.
    name: 'Load/store exclusive',
    pattern: 'size:2 001000 0 L:1 o1:1 Rs:5 o0:1 Rt2:5 Rn:5 Rt:5',
    // o1 with size 0/1 is CASP (not modelled).
    valid: (f) => f.o1 === 0 || f.size >= 2,
    flow: 'plain',
    exec: (f) => (f.L === 1 ? loadExclusive(f) : storeExclusive(f)),
    forms: exclusiveForms(),
  },
];

export const EXCLUSIVE: InstrClass = {
  name: 'Load/store exclusive, ordered, compare and swap',
  group: 'load-store',
  encodings: ENCODINGS,
  docs: {
    ldar: 'Load-acquire register',
    ldarb: 'Load-acquire byte',
    ldarh: 'Load-acquire halfword',
    stlr: 'Store-release register',
    stlrb: 'Store-release byte',
    stlrh: 'Store-release halfword',
    ldlar: 'Load LOAcquire register (FEAT_LOR; executes as LDAR)',
    ldlarb: 'Load LOAcquire byte',
    ldlarh: 'Load LOAcquire halfword',
    stllr: 'Store LORelease register (FEAT_LOR; executes as STLR)',
    stllrb: 'Store LORelease byte',
    stllrh: 'Store LORelease halfword',
    ldxr: 'Load exclusive register (arms the local monitor)',
    ldxrb: 'Load exclusive byte',
    ldxrh: 'Load exclusive halfword',
    ldaxr: 'Load-acquire exclusive register',
    ldaxrb: 'Load-acquire exclusive byte',
    ldaxrh: 'Load-acquire exclusive halfword',
    stxr: 'Store exclusive register: ws = 0 on success, 1 on failure',
    stxrb: 'Store exclusive byte',
    stxrh: 'Store exclusive halfword',
    stlxr: 'Store-release exclusive register',
    stlxrb: 'Store-release exclusive byte',
    stlxrh: 'Store-release exclusive halfword',
    ldxp: 'Load exclusive pair',
    ldaxp: 'Load-acquire exclusive pair',
    stxp: 'Store exclusive pair',
    stlxp: 'Store-release exclusive pair',
    'cas{a|l|al}{b|h}': 'Compare and swap: if [Xn] == Rs then [Xn] = Rt; Rs = old value',
  },
};
