/**
 * Bitfield moves SBFM/BFM/UBFM (C6.2.266, C6.2.36, C6.2.376) with their aliases
 * (ASR/LSL/LSR (immediate), SBFIZ/SBFX/UBFIZ/UBFX, BFC/BFI/BFXIL, SXTB/SXTH/SXTW,
 * UXTB/UXTH) and EXTR (C6.2.90) with ROR (immediate). In both encodings N equals
 * sf, so the register width rule sets both.
 */
import { hi32, lo32, R, shift32, shift64, ShiftType } from '../arith';
import { decodeBitMasks } from '../bitmask';
import { widthOf } from '../codecs/immediates';
import { gpr } from '../codecs/registers';
import { BFI_LSB, BFI_WIDTH, BFX_LSB, BFX_WIDTH, EXTR_LSB, IMMR, IMMS, LSL_AMOUNT, ROR_AMOUNT, SHR_AMOUNT } from '../codecs/shifts';
import { form } from '../decodetree/form';
import type { Encoding, Exec, Fields, InstrClass } from '../decodetree/types';

const WIDE = { x: { sf: 1, N: 1 }, w: { sf: 0, N: 0 } };
const Rd = gpr('Rd', { width: WIDE, r31: 'zr' });
const Rn = gpr('Rn', { width: WIDE, r31: 'zr' });
const Rm = gpr('Rm', { width: WIDE, r31: 'zr' });
/** ROR (immediate): EXTR with Rm = Rn. */
const RnTied = gpr('Rn', { width: WIDE, r31: 'zr', tie: ['Rm'] });
const Wn = gpr('Rn', { width: 'w', r31: 'zr' });

/** BFXPreferred() from the Arm ARM (UBFX/SBFX rather than another alias). */
function bfxPreferred(sf: boolean, uns: boolean, imms: number, immr: number): boolean {
  if (imms < immr) return false;
  if (imms === (sf ? 63 : 31)) return false;
  if (immr === 0) {
    if (!sf && (imms === 7 || imms === 15)) return false;
    if (sf && !uns && (imms === 7 || imms === 15 || imms === 31)) return false;
  }
  return true;
}

/** SBFM/BFM/UBFM: bot = (dst AND NOT wmask) OR (ROR(src, R) AND wmask); result = (top AND NOT tmask) OR (bot AND tmask). */
function bitfieldMove(f: Fields): Exec {
  const sf = f.sf === 1;
  const opc = f.opc;
  const masks = decodeBitMasks(f.N, f.imms, f.immr, false, widthOf(f))!;
  const n = f.Rn;
  const d = f.Rd;
  const wlo = lo32(masks.wmask);
  const whi = hi32(masks.wmask);
  const tlo = lo32(masks.tmask);
  const thi = hi32(masks.tmask);
  const r = f.immr;
  const sbit = f.imms;
  if (sf) {
    return (pe) => {
      const slo = pe.xlo[n];
      const shi = pe.xhi[n];
      shift64(ShiftType.ROR, slo, shi, r);
      const dlo = opc === 1 ? pe.xlo[d] : 0;
      const dhi = opc === 1 ? pe.xhi[d] : 0;
      const blo = (dlo & ~wlo) | (R.lo & wlo);
      const bhi = (dhi & ~whi) | (R.hi & whi);
      // top = extend ? Replicate(src<S>) : dst
      let plo = dlo;
      let phi = dhi;
      if (opc === 0) {
        const bit = sbit < 32 ? (slo >>> sbit) & 1 : (shi >>> (sbit - 32)) & 1;
        plo = phi = bit ? 0xffffffff : 0;
      }
      pe.setX(d, ((plo & ~tlo) | (blo & tlo)) >>> 0, ((phi & ~thi) | (bhi & thi)) >>> 0);
    };
  }
  return (pe) => {
    const src = pe.xlo[n];
    const rot = shift32(ShiftType.ROR, src, r);
    const dst = opc === 1 ? pe.xlo[d] : 0;
    const bot = (dst & ~wlo) | (rot & wlo);
    const top = opc === 0 ? -((src >>> sbit) & 1) : dst;
    pe.setW(d, ((top & ~tlo) | (bot & tlo)) >>> 0);
  };
}

/** EXTR: result = (Xn:Xm)<lsb+datasize-1:lsb>. */
function extract(f: Fields): Exec {
  const m = f.Rm;
  const n = f.Rn;
  const d = f.Rd;
  const lsb = f.imms;
  if (f.sf === 1) {
    return (pe) => {
      const mlo = pe.xlo[m];
      const mhi = pe.xhi[m];
      const nlo = pe.xlo[n];
      const nhi = pe.xhi[n];
      if (lsb === 0) pe.setX(d, mlo, mhi);
      else if (lsb < 32) pe.setX(d, ((mlo >>> lsb) | (mhi << (32 - lsb))) >>> 0, ((mhi >>> lsb) | (nlo << (32 - lsb))) >>> 0);
      else if (lsb === 32) pe.setX(d, mhi, nlo);
      else {
        const s = lsb - 32;
        pe.setX(d, ((mhi >>> s) | (nlo << (32 - s))) >>> 0, ((nlo >>> s) | (nhi << (32 - s))) >>> 0);
      }
    };
  }
  return (pe) => {
    const mv = pe.xlo[m];
    const nv = pe.xlo[n];
    pe.setW(d, lsb === 0 ? mv : ((mv >>> lsb) | (nv << (32 - lsb))) >>> 0);
  };
}

const last = (f: Fields): number => widthOf(f) - 1;
const sf1 = (f: Fields): boolean => f.sf === 1;

const ENCODINGS: Encoding[] = [
  {
    name: 'SBFM/BFM/UBFM',
    pattern: 'sf:1 opc:2 100110 N:1 immr:6 imms:6 Rn:5 Rd:5',
    valid: (f) =>
      f.opc !== 3 && f.N === f.sf && (f.sf === 1 || (f.immr < 32 && f.imms < 32)) && decodeBitMasks(f.N, f.imms, f.immr, false, widthOf(f)) !== undefined,
    flow: 'register',
    exec: bitfieldMove,
    forms: [
      // SBFM
      form('asr', [Rd, Rn, SHR_AMOUNT], { fixed: { opc: 0 }, when: (f) => f.imms === last(f) }),
      form('sbfiz', [Rd, Rn, BFI_LSB, BFI_WIDTH], { fixed: { opc: 0 }, when: (f) => f.imms < f.immr }),
      form('sbfx', [Rd, Rn, BFX_LSB, BFX_WIDTH], { fixed: { opc: 0 }, when: (f) => bfxPreferred(sf1(f), false, f.imms, f.immr) }),
      form('sxtb', [Rd, Wn], { fixed: { opc: 0, immr: 0, imms: 7 } }),
      form('sxth', [Rd, Wn], { fixed: { opc: 0, immr: 0, imms: 15 } }),
      form('sxtw', [Rd, Wn], { fixed: { opc: 0, immr: 0, imms: 31, sf: 1, N: 1 } }),
      form('sbfm', [Rd, Rn, IMMR, IMMS], { fixed: { opc: 0 } }),
      // BFM
      form('bfc', [Rd, BFI_LSB, BFI_WIDTH], { fixed: { opc: 1, Rn: 31 }, when: (f) => f.imms < f.immr }),
      form('bfi', [Rd, Rn, BFI_LSB, BFI_WIDTH], { fixed: { opc: 1 }, when: (f) => f.imms < f.immr }),
      form('bfxil', [Rd, Rn, BFX_LSB, BFX_WIDTH], { fixed: { opc: 1 }, when: (f) => f.imms >= f.immr }),
      form('bfm', [Rd, Rn, IMMR, IMMS], { fixed: { opc: 1 } }),
      // UBFM
      form('lsl', [Rd, Rn, LSL_AMOUNT], { fixed: { opc: 2 }, when: (f) => f.imms !== last(f) && f.imms + 1 === f.immr }),
      form('lsr', [Rd, Rn, SHR_AMOUNT], { fixed: { opc: 2 }, when: (f) => f.imms === last(f) }),
      form('ubfiz', [Rd, Rn, BFI_LSB, BFI_WIDTH], { fixed: { opc: 2 }, when: (f) => f.imms < f.immr }),
      form('ubfx', [Rd, Rn, BFX_LSB, BFX_WIDTH], { fixed: { opc: 2 }, when: (f) => bfxPreferred(sf1(f), true, f.imms, f.immr) }),
      form('uxtb', [Rd, Wn], { fixed: { opc: 2, immr: 0, imms: 7, sf: 0, N: 0 } }),
      form('uxth', [Rd, Wn], { fixed: { opc: 2, immr: 0, imms: 15, sf: 0, N: 0 } }),
      form('ubfm', [Rd, Rn, IMMR, IMMS], { fixed: { opc: 2 } }),
    ],
  },
  {
    name: 'EXTR',
    pattern: 'sf:1 00 100111 N:1 0 Rm:5 imms:6 Rn:5 Rd:5',
    valid: (f) => f.N === f.sf && (f.sf === 1 || f.imms < 32),
    flow: 'register',
    exec: extract,
    forms: [form('ror', [Rd, RnTied, ROR_AMOUNT], { when: (f) => f.Rn === f.Rm }), form('extr', [Rd, Rn, Rm, EXTR_LSB])],
  },
];

export const BITFIELD: InstrClass = {
  name: 'Bitfield and extract',
  group: 'data-processing',
  encodings: ENCODINGS,
  docs: {
    lsl: 'Logical shift left (immediate or register)',
    lsr: 'Logical shift right (immediate or register)',
    asr: 'Arithmetic shift right (immediate or register)',
    ror: 'Rotate right (immediate or register)',
    ubfm: 'Unsigned bitfield move',
    sbfm: 'Signed bitfield move',
    bfm: 'Bitfield move',
    ubfx: 'Unsigned bitfield extract',
    sbfx: 'Signed bitfield extract',
    ubfiz: 'Unsigned bitfield insert in zeros',
    sbfiz: 'Signed bitfield insert in zeros',
    bfi: 'Bitfield insert',
    bfxil: 'Bitfield extract and insert low',
    bfc: 'Bitfield clear',
    uxtb: 'Zero-extend byte',
    uxth: 'Zero-extend halfword',
    sxtb: 'Sign-extend byte',
    sxth: 'Sign-extend halfword',
    sxtw: 'Sign-extend word',
    extr: 'Extract register from a pair',
  },
};
