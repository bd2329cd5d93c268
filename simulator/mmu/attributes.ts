/**
 * Memory attributes produced by translation: MAIR decoding (stage 1), the
 * stage-2 MemAttr field, the walk attributes from TCR/VTCR, and the rules
 * that combine the two stages.
 *
 * Arm ARM D8.5 "Memory region attributes" (MAIR_ELx encoding),
 * D8.5.5 "Stage 2 memory region attributes", D8.5.6 "Combining the stage 1
 * and stage 2 attributes" (FWB=0) and "FEAT_S2FWB".
 */
import { MAIR_ATTR } from '../arch/registers/fields';
import { memAttrs } from '../memory/attributes';
import type { Cacheability, DeviceType, MemAttrs, Shareability } from '../memory/attributes';

const DEVICE_TYPES: DeviceType[] = ['nGnRnE', 'nGnRE', 'nGRE', 'GRE'];

/** Order of strictness: lower index is stricter (nGnRnE strictest). */
function deviceRank(d: DeviceType | undefined): number {
  return d === undefined ? 0 : DEVICE_TYPES.indexOf(d);
}

function cacheRank(c: Cacheability): number {
  return c === 'nc' ? 0 : c === 'wt' ? 1 : 2;
}

function shRank(s: Shareability): number {
  return s === 'nsh' ? 0 : s === 'ish' ? 1 : 2;
}

/** SH[1:0] of descriptors and TCR/VTCR: 00 Non-shareable, 10 Outer, 11 Inner (01 reserved → Non-shareable here). */
export function decodeShareability(sh: number): Shareability {
  return sh === 2 ? 'osh' : sh === 3 ? 'ish' : 'nsh';
}

/** IRGNn/ORGNn: 00 NC, 01 WB-WA, 10 WT, 11 WB-nWA (Arm ARM D19 TCR_ELx). */
export function decodeRgn(rgn: number): Cacheability {
  return rgn === 0 ? 'nc' : rgn === 2 ? 'wt' : 'wb';
}

/** Attributes of translation-table walks from TCR_ELx.{IRGNn,ORGNn,SHn} / VTCR_EL2.{IRGN0,ORGN0,SH0}. */
export function walkAttrs(irgn: number, orgn: number, sh: number): MemAttrs {
  const key = ((irgn & 3) << 4) | ((orgn & 3) << 2) | (sh & 3);
  let a = WALK_ATTRS[key];
  if (a === undefined) a = WALK_ATTRS[key] = walkAttrsUncached(irgn, orgn, sh);
  return a;
}

/*
 * Memo tables. Every function here is pure over frozen, interned `MemAttrs` (memory/attributes.ts),
 * so results can be cached by object identity: the walk path (each descriptor read under stage 2,
 * each combined TLB entry) and deriveConfig then never build `memAttrs` string keys.
 */
const WALK_ATTRS: (MemAttrs | undefined)[] = [];
const S1S2 = new Map<MemAttrs, Map<MemAttrs, MemAttrs>>();
const FWB = new Map<MemAttrs, (MemAttrs | undefined)[]>();
const NON_CACHEABLE = new Map<MemAttrs, MemAttrs>();
const MAIR_TABLES = new Map<number, readonly MemAttrs[]>();

function walkAttrsUncached(irgn: number, orgn: number, sh: number): MemAttrs {
  return memAttrs('normal', { inner: decodeRgn(irgn), outer: decodeRgn(orgn), sh: decodeShareability(sh) });
}

/** One MAIR nibble for Normal memory: 0100 NC, 00RW WT-transient, 01RW WB-transient, 10RW WT, 11RW WB. */
function normalNibble(n: number): Cacheability {
  if (n === 0b0100) return 'nc';
  const hi = n >> 2;
  if (hi === 0b00 || hi === 0b10) return 'wt';
  if (hi === 0b01 || hi === 0b11) return 'wb';
  return 'nc';
}

/**
 * Decode one MAIR attribute byte with the descriptor's SH field (Arm ARM D19 MAIR_ELx).
 * 0b0000dd00 is Device (dd = nGnRnE/nGnRE/nGRE/GRE); otherwise outer = [7:4], inner = [3:0].
 * Inner 0b0000 with a Normal outer nibble is UNPREDICTABLE: treated as Non-cacheable.
 */
export function decodeMairAttr(attr: number, sh: number): MemAttrs {
  if ((attr & 0xf0) === 0) {
    if ((attr & 0x03) === 0) return memAttrs('device', { device: DEVICE_TYPES[(attr >> 2) & 3] });
    return memAttrs('device', { device: 'nGnRnE' });
  }
  const inner = (attr & 0x0f) === 0 ? 'nc' : normalNibble(attr & 0x0f);
  return memAttrs('normal', { inner, outer: normalNibble(attr >> 4), sh: decodeShareability(sh) });
}

/** Stage-2 MemAttr[3:0] with HCR_EL2.FWB=0: [3:2]=00 Device (type in [1:0]); else outer [3:2], inner [1:0] (01 NC, 10 WT, 11 WB). */
export function decodeS2MemAttr(memAttr: number, sh: number): MemAttrs {
  const outerBits = (memAttr >> 2) & 3;
  const innerBits = memAttr & 3;
  if (outerBits === 0) return memAttrs('device', { device: DEVICE_TYPES[innerBits] });
  const dec = (b: number): Cacheability => (b === 3 ? 'wb' : b === 2 ? 'wt' : 'nc');
  return memAttrs('normal', { inner: dec(innerBits), outer: dec(outerBits), sh: decodeShareability(sh) });
}

/** Shareability an attribute set counts as when combining: Device and Non-cacheable count as Outer Shareable. */
function effectiveSh(a: MemAttrs): Shareability {
  return a.kind === 'device' || (a.inner === 'nc' && a.outer === 'nc') ? 'osh' : a.sh;
}

/**
 * Combine stage-1 and stage-2 attributes with HCR_EL2.FWB=0 (Arm ARM D8.5.6):
 * Device beats Normal and the stricter Device type wins; for Normal, the less
 * cacheable of each level wins (NC < WT < WB); shareability OS > IS > NS.
 */
export function combineS1S2(s1: MemAttrs, s2: MemAttrs): MemAttrs {
  if (s1 === s2) return s1;
  let m = S1S2.get(s1);
  if (m === undefined) S1S2.set(s1, (m = new Map<MemAttrs, MemAttrs>()));
  let r = m.get(s2);
  if (r === undefined) m.set(s2, (r = combineS1S2Uncached(s1, s2)));
  return r;
}

function combineS1S2Uncached(s1: MemAttrs, s2: MemAttrs): MemAttrs {
  if (s1.kind === 'device' || s2.kind === 'device') {
    if (s1.kind !== 'device') return s2;
    if (s2.kind !== 'device') return s1;
    return deviceRank(s1.device) <= deviceRank(s2.device) ? s1 : s2;
  }
  const inner = cacheRank(s1.inner) <= cacheRank(s2.inner) ? s1.inner : s2.inner;
  const outer = cacheRank(s1.outer) <= cacheRank(s2.outer) ? s1.outer : s2.outer;
  const a = effectiveSh(s1);
  const b = effectiveSh(s2);
  return memAttrs('normal', { inner, outer, sh: shRank(a) >= shRank(b) ? a : b });
}

/**
 * Combine with HCR_EL2.FWB=1 (FEAT_S2FWB; Arm ARM D8.5.7): stage-2 MemAttr[2:0]
 * 0xx = Device of type [1:0] (stricter of the two wins), 101 = Normal NC (a stage-1
 * Device still wins), 110 = forced Normal WB, 111 = the stage-1 attributes. 100 is reserved (→ NC).
 */
export function combineFwb(s1: MemAttrs, memAttr: number, sh: number): MemAttrs {
  let m = FWB.get(s1);
  if (m === undefined) FWB.set(s1, (m = []));
  const key = ((memAttr & 7) << 2) | (sh & 3);
  let r = m[key];
  if (r === undefined) r = m[key] = combineFwbUncached(s1, memAttr, sh);
  return r;
}

function combineFwbUncached(s1: MemAttrs, memAttr: number, sh: number): MemAttrs {
  const code = memAttr & 7;
  if ((code & 4) === 0) {
    const dev = memAttrs('device', { device: DEVICE_TYPES[code & 3] });
    if (s1.kind === 'device' && deviceRank(s1.device) <= deviceRank(dev.device)) return s1;
    return dev;
  }
  if (s1.kind === 'device') return s1;
  const s2sh = decodeShareability(sh);
  const a = effectiveSh(s1);
  const shOut = shRank(a) >= shRank(s2sh) ? a : s2sh;
  if (code === 0b110) return memAttrs('normal', { inner: 'wb', outer: 'wb', sh: shOut });
  if (code === 0b111) return memAttrs('normal', { inner: s1.inner, outer: s1.outer, sh: shOut });
  return memAttrs('normal', { inner: 'nc', outer: 'nc' });
}

/** SCTLR_ELx.C=0 / HCR_EL2.CD: Normal data accesses of the regime are Non-cacheable (Arm ARM D8.2.11). */
export function makeNonCacheable(a: MemAttrs): MemAttrs {
  if (a.kind === 'device' || (a.inner === 'nc' && a.outer === 'nc')) return a;
  let r = NON_CACHEABLE.get(a);
  if (r === undefined) NON_CACHEABLE.set(a, (r = memAttrs('normal', { inner: 'nc', outer: 'nc' })));
  return r;
}

/** Attribute index → MemAttrs for the eight MAIR bytes and the four SH encodings (precomputed per regime config). */
export function mairTable(mairLo: number, mairHi: number): readonly MemAttrs[] {
  const key = (mairHi >>> 0) * 4294967296 + (mairLo >>> 0);
  let t = MAIR_TABLES.get(key);
  if (t === undefined) {
    // Bounded: scenarios use a handful of MAIR values; a program cycling through many just recomputes.
    if (MAIR_TABLES.size >= 256) MAIR_TABLES.clear();
    MAIR_TABLES.set(key, (t = Object.freeze(mairTableUncached(mairLo, mairHi))));
  }
  return t;
}

function mairTableUncached(mairLo: number, mairHi: number): MemAttrs[] {
  const out: MemAttrs[] = [];
  for (let idx = 0; idx < 8; idx++) {
    const byte = MAIR_ATTR[idx].ofHalves(mairLo, mairHi);
    for (let sh = 0; sh < 4; sh++) out.push(decodeMairAttr(byte, sh));
  }
  return out;
}

/**
 * PAR_EL1.ATTR encoding of an attribute set (the MAIR-style byte, Arm ARM D19 PAR_EL1):
 * Device 0b0000dd00; Normal outer/inner nibbles 0100 NC, 1010 WT-RA, 1111 WB-RWA.
 */
export function parAttrByte(a: MemAttrs): number {
  if (a.kind === 'device') return deviceRank(a.device) << 2;
  const nib = (c: Cacheability): number => (c === 'nc' ? 0x4 : c === 'wt' ? 0xa : 0xf);
  return (nib(a.outer) << 4) | nib(a.inner);
}

/** PAR_EL1.SH encoding: 00 NSH, 10 OSH, 11 ISH (Device/NC report OSH). */
export function parShBits(a: MemAttrs): number {
  const s = effectiveSh(a);
  return s === 'osh' ? 2 : s === 'ish' ? 3 : 0;
}
