/**
 * Memory attribute encodings: MAIR_ELx Attr<n> bytes (Arm ARM D24.2 MAIR_ELx),
 * stage-2 MemAttr (Arm ARM D8.6.x "Stage 2 memory type and Cacheability
 * attributes"), TCR IRGN/ORGN. arch-facts.md §3 "MAIR attribute bytes".
 */

export type DeviceType = 'nGnRnE' | 'nGnRE' | 'nGRE' | 'GRE';

export type CacheableType = 'NC' | 'WT' | 'WB';

export interface CachePolicy {
  type: CacheableType;
  readAllocate: boolean;
  writeAllocate: boolean;
  transient: boolean;
}

export interface MairAttribute {
  kind: 'device' | 'normal' | 'unpredictable';
  device?: DeviceType;
  inner?: CachePolicy;
  outer?: CachePolicy;
  /** FEAT_XS: XS=0 forms (0x40, 0xA0, Device 0bxx01). */
  xs0?: boolean;
  /** 0xF0: Tagged Normal (FEAT_MTE2). */
  tagged?: boolean;
  text: string;
}

const DEVICE_TYPES: DeviceType[] = ['nGnRnE', 'nGnRE', 'nGRE', 'GRE'];

function policy(nibble: number): CachePolicy | undefined {
  const ra = (nibble & 2) !== 0;
  const wa = (nibble & 1) !== 0;
  switch (nibble >> 2) {
    case 0: // 0b00RW, RW != 00: Write-Through transient
      return nibble === 0 ? undefined : { type: 'WT', readAllocate: ra, writeAllocate: wa, transient: true };
    case 1: // 0b0100 Non-cacheable; 0b01RW (RW != 00) Write-Back transient
      return (nibble & 3) === 0
        ? { type: 'NC', readAllocate: false, writeAllocate: false, transient: false }
        : { type: 'WB', readAllocate: ra, writeAllocate: wa, transient: true };
    case 2:
      return { type: 'WT', readAllocate: ra, writeAllocate: wa, transient: false };
    default:
      return { type: 'WB', readAllocate: ra, writeAllocate: wa, transient: false };
  }
}

export function cachePolicyText(p: CachePolicy): string {
  if (p.type === 'NC') return 'Non-cacheable';
  const alloc = `${p.readAllocate ? 'R' : ''}${p.writeAllocate ? 'W' : ''}`;
  return `${p.type}${alloc ? ' ' + alloc + 'A' : ' no-alloc'}${p.transient ? ' transient' : ''}`;
}

/** Decode one MAIR_ELx attribute byte. */
export function decodeMairAttr(byte: number): MairAttribute {
  const hi = (byte >> 4) & 0xf;
  const lo = byte & 0xf;
  if (hi === 0) {
    if ((lo & 3) === 0) return { kind: 'device', device: DEVICE_TYPES[lo >> 2], text: `Device-${DEVICE_TYPES[lo >> 2]}` };
    if ((lo & 3) === 1) return { kind: 'device', device: DEVICE_TYPES[lo >> 2], xs0: true, text: `Device-${DEVICE_TYPES[lo >> 2]} XS=0` };
    return { kind: 'unpredictable', text: 'UNPREDICTABLE (Device with reserved low bits)' };
  }
  if (lo === 0) {
    // 0b0100_0000 and 0b1010_0000 are the FEAT_XS XS=0 forms; 0b1111_0000 is Tagged Normal.
    if (byte === 0x40) {
      const nc = policy(4)!;
      return { kind: 'normal', inner: nc, outer: nc, xs0: true, text: 'Normal Non-cacheable XS=0' };
    }
    if (byte === 0xa0) {
      const wt = { type: 'WT' as const, readAllocate: true, writeAllocate: false, transient: false };
      return { kind: 'normal', inner: wt, outer: wt, xs0: true, text: 'Normal WT RA XS=0' };
    }
    if (byte === 0xf0) {
      const wb = policy(0xf)!;
      return { kind: 'normal', inner: wb, outer: wb, tagged: true, text: 'Tagged Normal WB RWA (FEAT_MTE2)' };
    }
    return { kind: 'unpredictable', text: 'UNPREDICTABLE (Normal with inner 0b0000)' };
  }
  const outer = policy(hi)!;
  const inner = policy(lo)!;
  const it = cachePolicyText(inner);
  const ot = cachePolicyText(outer);
  return { kind: 'normal', inner, outer, text: it === ot ? `Normal ${it}` : `Normal Inner ${it}, Outer ${ot}` };
}

/** Stage-2 MemAttr[3:0] with HCR_EL2.FWB=0 (Arm ARM D8.6.5). */
export function decodeStage2MemAttr(memAttr: number): string {
  const outer = (memAttr >> 2) & 3;
  const inner = memAttr & 3;
  if (outer === 0) return `Device-${DEVICE_TYPES[inner]}`;
  const t = ['', 'Non-cacheable', 'Write-Through', 'Write-Back'];
  if (inner === 0) return 'UNPREDICTABLE (Normal with inner 0b00)';
  return outer === inner ? `Normal ${t[inner]}` : `Normal Outer ${t[outer]}, Inner ${t[inner]}`;
}

/** Stage-2 MemAttr[2:0] with HCR_EL2.FWB=1 (FEAT_S2FWB, Arm ARM D8.6.6). */
export function decodeStage2MemAttrFwb(memAttr: number): string {
  const m = memAttr & 7;
  if ((m & 4) === 0) return `Device-${DEVICE_TYPES[m & 3]}`;
  switch (m) {
    case 5:
      return 'Normal Non-cacheable (stage-1 Device still wins)';
    case 6:
      return 'Normal Write-Back (forced)';
    case 7:
      return 'Stage-1 attributes used';
    default:
      return 'Reserved';
  }
}
