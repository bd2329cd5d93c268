/**
 * Hazard detection: a checker over the cache hierarchy's hooks (hooks.ts).
 * The hierarchy publishes the *moments* at which the architecture's
 * guarantees may be lost (a non-cacheable access going to memory while a copy
 * is dirty, a cacheable miss or write next to copies with other attributes, a
 * hit on or write-back of a copy memory was written behind); the detector
 * decides whether one was — comparing with the shadow memory, the latest
 * value written whatever the attributes — and publishes a `Hazard`. The
 * checkers (simulator/checks) decide which rule explains it and name the
 * source lines.
 *
 * Hazard objects are built only when something is wrong, never per access,
 * and the detector subscribes only while someone listens to `hazard`.
 */
import { Hook } from '../component/hook';
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import { isForeign } from './coherence';
import { LINE_SIZE } from './config';
import type { CacheHierarchy } from './hierarchy';
import { CacheLine, isDirty, STATE_NAMES, type StateName } from './line';
import type { ShadowMemory } from './shadow';

/** A cached copy as a hazard report sees it (plain data, safe to keep). */
export interface CopyInfo {
  cache: string;
  level: number;
  pa: number;
  attrs: MemAttrs;
  state: StateName;
  writePe: number;
  writePc: number;
  writeStep: number;
  /** DC CVAU that pushed this data to the PoU (the data is still above the PoC). */
  pouCleanPe: number;
  pouCleanPc: number;
  speculative: boolean;
  specPe: number;
  specPc: number;
  staleByPe: number;
  staleByPc: number;
  staleByStep: number;
  staleByAttrs?: MemAttrs;
}

export type Hazard =
  /** A non-cacheable or Device access went to memory while caches hold dirty data for the line (read: stale; write: will be overwritten). */
  | { kind: 'bypass-dirty'; pe?: Pe; pc: number; pa: number; size: number; write: boolean; attrs: MemAttrs; copies: CopyInfo[]; step: number }
  /** A cacheable access used key `attrs` while copies of the line with other attributes hold dirty data (B2.8). */
  | { kind: 'mismatch'; pe?: Pe; pc: number; pa: number; size: number; write: boolean; attrs: MemAttrs; copies: CopyInfo[]; step: number }
  /** A cacheable read hit a copy older than memory (memory was written behind it). */
  | { kind: 'stale-hit'; pe?: Pe; pc: number; pa: number; size: number; attrs: MemAttrs; copy: CopyInfo; step: number }
  /** A dirty copy older than memory was written back, overwriting the newer data. */
  | { kind: 'stale-writeback'; pa: number; copy: CopyInfo; step: number };

export function copyInfo(l: CacheLine): CopyInfo {
  return {
    cache: l.cache.name,
    level: l.cache.level,
    pa: l.pa,
    attrs: l.attrs,
    state: STATE_NAMES[l.state],
    writePe: l.writePe,
    writePc: l.writePc,
    writeStep: l.writeStep,
    pouCleanPe: l.pouCleanPe,
    pouCleanPc: l.pouCleanPc,
    speculative: l.speculative,
    specPe: l.specPe,
    specPc: l.specPc,
    staleByPe: l.staleByPe,
    staleByPc: l.staleByPc,
    staleByStep: l.staleByStep,
    staleByAttrs: l.staleByAttrs,
  };
}

export class HazardDetector {
  /** The hazards found, as they happen. */
  readonly hazard = new Hook<(h: Hazard) => void>('hazard');
  private readonly offs: (() => void)[] = [];

  /**
   * @param shadow the latest value written to every location (without one,
   *   every bypassing read of a dirty line and every stale hit is reported, conservatively).
   */
  constructor(
    private readonly h: CacheHierarchy,
    private readonly shadow: ShadowMemory | undefined,
  ) {
    const hooks = h.cacheHooks;
    this.offs.push(
      hooks.bypassRead.subscribe((pe, pa, size, attrs) => this.bypassRead(pe, pa, size, attrs)),
      hooks.bypassWrite.subscribe((pe, pa, size, attrs, line) => this.bypassWrite(pe, pa, size, attrs, line)),
      hooks.miss.subscribe((pe, peId, line, attrs, write) => this.miss(pe, peId, line, attrs, write)),
      hooks.foreignWrite.subscribe((pe, line, attrs, mine) => this.foreignWrite(pe, line, attrs, mine)),
      hooks.staleHit.subscribe((pe, pa, size, attrs, copy) => this.staleHit(pe, pa, size, attrs, copy)),
      hooks.staleWriteBack.subscribe((copy) => this.hazard.emit({ kind: 'stale-writeback', pa: copy.pa, copy: copyInfo(copy), step: this.step() })),
    );
  }

  /** Stop listening to the hierarchy. */
  detach(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private step(): number {
    return this.h.stepFn() + 1;
  }

  /** Only a read that really returned older data than the latest write is a hazard: other bytes of a dirty line are not this Location (B2.8 is per Location). */
  private bypassRead(pe: Pe, pa: number, size: number, attrs: MemAttrs): void {
    const copies: CopyInfo[] = [];
    const first = pa - (pa & 63);
    const last = pa + size - 1 - ((pa + size - 1) & 63);
    for (let line = first; line <= last; line += LINE_SIZE) {
      const n = this.h.collect(line);
      for (let i = 0; i < n; i++) if (isDirty(this.h.tmp[i].state)) copies.push(copyInfo(this.h.tmp[i]));
    }
    if (copies.length > 0 && !this.readIsLatest(pe, pa, size)) {
      this.hazard.emit({ kind: 'bypass-dirty', pe, pc: pe.pc, pa, size, write: false, attrs, copies, step: this.step() });
    }
  }

  /** Whether the value just read into `out` equals the latest value written (the shadow); false without one (report conservatively). */
  private readIsLatest(out: { ldLo: number; ldHi: number }, pa: number, size: number): boolean {
    const shadow = this.shadow;
    if (shadow === undefined) return false;
    const got = size === 8 ? (BigInt(out.ldHi >>> 0) << 32n) | BigInt(out.ldLo >>> 0) : BigInt(out.ldLo >>> 0);
    return got === shadow.value(pa, size);
  }

  /** A bypassing write reached memory behind dirty copies of `line`: their data will overwrite it. */
  private bypassWrite(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs, line: number): void {
    if (pe === undefined) return;
    const n = this.h.collect(line);
    let dirty: CopyInfo[] | undefined;
    for (let i = 0; i < n; i++) if (isDirty(this.h.tmp[i].state)) (dirty ??= []).push(copyInfo(this.h.tmp[i]));
    if (dirty !== undefined) this.hazard.emit({ kind: 'bypass-dirty', pe, pc: pe.pc, pa, size, write: true, attrs, copies: dirty, step: this.step() });
  }

  /** A cacheable miss with `attrs` while copies with other attributes (or outside the domain) hold dirty data. */
  private miss(pe: Pe | undefined, peId: number, line: number, attrs: MemAttrs, write: boolean): void {
    const n = this.h.collect(line);
    let infos: CopyInfo[] | undefined;
    for (let i = 0; i < n; i++) {
      const cp = this.h.tmp[i];
      if (isDirty(cp.state) && isForeign(this.h, peId, attrs, cp)) (infos ??= []).push(copyInfo(cp));
    }
    if (infos !== undefined) this.hazard.emit({ kind: 'mismatch', pe, pc: pe?.pc ?? NaN, pa: line, size: LINE_SIZE, write, attrs, copies: infos, step: this.step() });
  }

  /** A write made `mine` dirty while foreign copies hold dirty data of their own. */
  private foreignWrite(pe: Pe, line: number, attrs: MemAttrs, mine: CacheLine | undefined): void {
    const n = this.h.collect(line);
    const dirty: CopyInfo[] = [];
    for (let i = 0; i < n; i++) {
      const cp = this.h.tmp[i];
      if (cp !== mine && isDirty(cp.state) && isForeign(this.h, pe.id, attrs, cp)) dirty.push(copyInfo(cp));
    }
    if (dirty.length > 0) this.hazard.emit({ kind: 'mismatch', pe, pc: pe.pc, pa: line, size: LINE_SIZE, write: true, attrs, copies: dirty, step: this.step() });
  }

  /** The stale mark is per line: report only when these bytes really are older than the latest write to them. */
  private staleHit(pe: Pe, pa: number, size: number, attrs: MemAttrs, l: CacheLine): void {
    const shadow = this.shadow;
    if (shadow !== undefined) {
      const off = pa & 63;
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(l.data[off + i]);
      if (v === shadow.value(pa, size)) return;
    }
    l.touch();
    l.staleReported = true;
    this.hazard.emit({ kind: 'stale-hit', pe, pc: pe.pc, pa, size, attrs, copy: copyInfo(l), step: this.step() });
  }
}
