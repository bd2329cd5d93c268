/**
 * Memory attributes carried by every access (Arm ARM B2.7 "Memory types and
 * attributes"). Objects are interned: compare by identity in hot paths.
 */

export type MemoryKind = 'device' | 'normal';
export type DeviceType = 'nGnRnE' | 'nGnRE' | 'nGRE' | 'GRE';
export type Cacheability = 'nc' | 'wt' | 'wb';
export type Shareability = 'nsh' | 'ish' | 'osh';

export interface MemAttrs {
  readonly kind: MemoryKind;
  readonly device?: DeviceType;
  /** Inner and outer cacheability (Normal memory only; Device is treated as non-cacheable). */
  readonly inner: Cacheability;
  readonly outer: Cacheability;
  /** Device and Normal Non-cacheable memory are always treated as Outer Shareable (B2.7.2). */
  readonly sh: Shareability;
  /** Stable text form, e.g. `Normal-WB ISH`, `Device-nGnRnE`. */
  readonly label: string;
  /** True when the access may allocate into a cache (Normal, WT or WB at the inner level). */
  readonly cacheable: boolean;
}

const interned = new Map<string, MemAttrs>();

export function memAttrs(kind: MemoryKind, opts: { device?: DeviceType; inner?: Cacheability; outer?: Cacheability; sh?: Shareability } = {}): MemAttrs {
  const device = kind === 'device' ? (opts.device ?? 'nGnRnE') : undefined;
  const inner: Cacheability = kind === 'device' ? 'nc' : (opts.inner ?? 'wb');
  const outer: Cacheability = kind === 'device' ? 'nc' : (opts.outer ?? inner);
  // Device and Normal Inner-NC+Outer-NC are Outer Shareable whatever the descriptor says.
  const sh: Shareability = kind === 'device' || (inner === 'nc' && outer === 'nc') ? 'osh' : (opts.sh ?? 'nsh');
  const key = `${kind}|${device}|${inner}|${outer}|${sh}`;
  let a = interned.get(key);
  if (!a) {
    const label =
      kind === 'device'
        ? `Device-${device}`
        : `Normal-${inner === outer ? inner.toUpperCase() : `i${inner.toUpperCase()}-o${outer.toUpperCase()}`} ${sh.toUpperCase()}`;
    a = Object.freeze({ kind, device, inner, outer, sh, label, cacheable: kind === 'normal' && inner !== 'nc' });
    interned.set(key, a);
  }
  return a;
}

/** Data accesses with the stage-1 MMU off and HCR_EL2.DC=0 (Arm ARM D8.2.11 "The effects of disabling an address translation stage"). */
export const DEVICE_nGnRnE = memAttrs('device', { device: 'nGnRnE' });
/** Data accesses with HCR_EL2.DC=1: Normal, Non-shareable, Inner/Outer Write-Back (D8.2.11). */
export const NORMAL_WB_NSH = memAttrs('normal', { inner: 'wb', outer: 'wb', sh: 'nsh' });
export const NORMAL_WB_ISH = memAttrs('normal', { inner: 'wb', outer: 'wb', sh: 'ish' });
export const NORMAL_WB_OSH = memAttrs('normal', { inner: 'wb', outer: 'wb', sh: 'osh' });
export const NORMAL_NC = memAttrs('normal', { inner: 'nc', outer: 'nc' });
