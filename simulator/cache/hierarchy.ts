/**
 * `cache_model on`: the cache hierarchy as a MemorySystem (DESIGN.md
 * "Memory system model"). Per-PE L1 data caches, per-cluster L2, an optional
 * system cache; 64-byte lines, LRU replacement, MOESI states; copies keyed by
 * (line, attributes) so mismatched cacheable attributes lose coherency
 * (Arm ARM B2.8); non-cacheable and Device accesses go to memory and do not see
 * dirty cached data (B2.7.2); matching cacheable accesses are coherent across the
 * caches of their shareability domain (B2.7.1: Non-shareable = the PE's own
 * caches, Inner = the configured Inner Shareable domain, Outer = every PE).
 *
 * Maintenance by VA (D7.5.9 "Data cache maintenance instructions") acts on
 * every copy of the line whatever its attributes, in the shareability domain
 * of the address: to the PoC for DC CIVAC/CVAC/CVAP/IVAC, to the PoU for
 * DC CVAU; DC IVAC discards dirty data. Set/way operations act on one local
 * cache only (D7.5.8).
 *
 * No store buffer is modelled: a write is complete (and coherent within its
 * domain) when the instruction retires, so DSB/DMB have nothing to wait for
 * here; the checkers still see them (observer) to judge ordering rules.
 *
 * Hot path: an L1 hit is a set scan comparing (pa, attrs) by identity and a
 * byte copy; no allocation per access.
 */
import { NORMAL_WB_ISH, type MemAttrs } from '../memory/attributes';
import type { AccessObserver, FlatMemorySystem } from '../memory/flat';
import type { PhysicalMemory } from '../memory/physical';
import { PAGE_SIZE } from '../memory/physical';
import type { MemorySystem } from '../memory/system';
import type { Pe } from '../pe/pe';
import type { Instr } from '../isa/instr';
import type { Program } from '../scenario/model';
import type { TraceBus } from '../trace/bus';
import { LINE_SIZE, pointLevel, type CacheConfig } from './config';
import { Cache, CacheLine, isDirty, LineState, STATE_NAMES, type StateName } from './line';
import type { CacheObserver, CopyInfo } from './observer';
import { ShadowMemory } from './shadow';
import { hex } from '../util/hex';
import { InstructionSide } from './icache';
import { StateHasher } from '../engine/snapshot';

export interface CacheHierarchyOptions {
  physical: PhysicalMemory;
  /** Memory side (device dispatch and physical memory): every access that leaves the caches goes here. */
  backing: FlatMemorySystem;
  pes: number;
  /** Cluster of each PE. */
  clusterOf: number[];
  config: CacheConfig;
  speculation?: 'none' | 'adversarial';
  /** Address ranges of memory-mapped devices (never cached). */
  devices?: { base: number; size: number }[];
  trace?: TraceBus;
  /** Current machine step (trace events and provenance). */
  step?: () => number;
  /** The program, for the instruction side (original instructions with their source lines). */
  program?: Program;
  /** Source line (0-based) of the instruction at a PC, for trace events. */
  lineOfPc?: (pc: number) => number | undefined;
  /** Decode a word written to memory into an instruction (`decodeInstruction` from simulator/isa). */
  decode?: (word: number, pc: bigint) => Instr | undefined;
}

/** One copy of a line as views show it. */
export interface LineCopyView {
  cache: string;
  level: number;
  set: number;
  way: number;
  pa: number;
  state: StateName;
  attrs: string;
  dirty: boolean;
  speculative: boolean;
  /** Memory was written behind this copy (it holds older data than memory). */
  stale: boolean;
  data: Uint8Array;
}

export interface CacheSummary {
  name: string;
  level: number;
  sets: number;
  ways: number;
  pes: number[];
  valid: number;
  dirty: number;
  lines: LineCopyView[];
}

const SH_INDEX = { nsh: 0, ish: 1, osh: 2 } as const;

export class CacheHierarchy implements MemorySystem {
  readonly physical: PhysicalMemory;
  readonly config: CacheConfig;
  readonly caches: Cache[] = [];
  readonly l1: Cache[] = [];
  readonly l2: Cache[] = [];
  readonly system: Cache | undefined;
  /** Path of each PE, innermost first. */
  readonly paths: Cache[][] = [];
  readonly icache: InstructionSide;
  speculation: 'none' | 'adversarial';
  observer: CacheObserver | undefined = undefined;
  /**
   * Every access as the PE made it (same shape as FlatMemorySystem.observer): the engine
   * sets it only while someone listens for `memory-access` events.
   */
  accessObserver: AccessObserver | undefined = undefined;
  /** Created by `enableShadow()` (checkers): the flat-memory oracle. */
  shadow: ShadowMemory | undefined = undefined;

  private readonly backing: FlatMemorySystem;
  private readonly trace: TraceBus | undefined;
  private readonly stepFn: () => number;
  /** domains[pe][SH_INDEX[sh]]: the caches a coherent access of that shareability snoops. */
  private readonly domains: Cache[][][] = [];
  private readonly pouLevel: number;
  private readonly devRanges: { base: number; end: number }[];
  private readonly devLo: number;
  private readonly devHi: number;
  private tick = 0;
  /** Bounds of the program's code lines (writes inside may change instructions). */
  private readonly codeLo: number;
  private readonly codeHi: number;
  /** PC of the instruction being served (slow paths only), for the source line of trace events. */
  private curPc = NaN;
  private readonly lineOfPc: ((pc: number) => number | undefined) | undefined;
  private watchPages = new Map<number, Set<number>>();
  private lastUnwatchedPage = -1;
  private dirtyCopies = 0;
  private anyCached = false;
  /**
   * The only cacheable attributes used so far (undefined: none yet; null: several).
   * While one key is used and its domain spans every cache, no copy can be
   * foreign to a write (other attributes or outside the domain): the
   * mismatch scans are skipped.
   */
  private soleKey: MemAttrs | undefined | null = undefined;
  private soleKeyCoherent = false;
  private readonly scratch = { ldLo: 0, ldHi: 0 };
  private readonly tmp: CacheLine[] = [];
  private readonly found: CacheLine[] = [];
  private readonly lineBuf = new Uint8Array(LINE_SIZE);
  /** Scratch record for provenance carried across an allocation. */
  private readonly provBuf: CacheLine;

  constructor(o: CacheHierarchyOptions) {
    this.physical = o.physical;
    this.backing = o.backing;
    this.config = o.config;
    this.trace = o.trace;
    this.stepFn = o.step ?? (() => 0);
    this.speculation = o.speculation ?? 'none';
    this.lineOfPc = o.lineOfPc;
    const cfg = o.config;
    // With the PoC at the system cache, that cache is memory-side: every agent sees it, so it is
    // functionally transparent and not modelled as an attribute-keyed cache.
    const sysGeom = cfg.poc === 'system' ? undefined : cfg.system;
    const clusters = Math.max(1, ...o.clusterOf.map((c) => c + 1));
    for (let p = 0; p < o.pes; p++) {
      const c = new Cache(`L1D.pe${p}`, 'l1d', 1, cfg.l1d.size, cfg.l1d.ways, [p], this.caches.length);
      this.caches.push(c);
      this.l1.push(c);
    }
    if (cfg.l2) {
      for (let k = 0; k < clusters; k++) {
        const pes = o.clusterOf.map((c, i) => (c === k ? i : -1)).filter((i) => i >= 0);
        const c = new Cache(`L2.cluster${k}`, 'l2', 2, cfg.l2.size, cfg.l2.ways, pes, this.caches.length);
        this.caches.push(c);
        this.l2.push(c);
      }
    }
    if (sysGeom) {
      const c = new Cache('SystemCache', 'system', 3, sysGeom.size, sysGeom.ways, Array.from({ length: o.pes }, (_, i) => i), this.caches.length);
      this.caches.push(c);
      this.system = c;
    }
    for (let p = 0; p < o.pes; p++) {
      const path = [this.l1[p]];
      if (cfg.l2) path.push(this.l2[o.clusterOf[p] ?? 0]);
      if (this.system) path.push(this.system);
      for (let i = 0; i < path.length - 1; i++) path[i].next = path[i + 1];
      this.paths.push(path);
    }
    const inner = new Set(cfg.innerDomain);
    for (let p = 0; p < o.pes; p++) {
      const union = (peIds: number[]): Cache[] => {
        const set = new Set<Cache>();
        for (const q of peIds) for (const c of this.paths[q]) set.add(c);
        return this.caches.filter((c) => set.has(c));
      };
      const ish = inner.has(p) ? cfg.innerDomain : [p];
      this.domains.push([union([p]), union(ish), union(Array.from({ length: o.pes }, (_, i) => i))]);
    }
    let pou = pointLevel(cfg.pou, cfg);
    if (pou === 3 && !this.system) pou = 4;
    this.pouLevel = pou;
    this.devRanges = (o.devices ?? []).map((d) => ({ base: d.base, end: d.base + d.size }));
    this.devLo = Math.min(Infinity, ...this.devRanges.map((d) => d.base));
    this.devHi = Math.max(-Infinity, ...this.devRanges.map((d) => d.end));
    this.icache = new InstructionSide(this, o.pes, o.program, o.decode, cfg.innerDomain);
    this.codeLo = this.icache.codeLo;
    this.codeHi = this.icache.codeHi;
    this.provBuf = new CacheLine(this.l1[0]);
  }

  /** Start maintaining the flat-memory shadow the checkers compare against. */
  enableShadow(): ShadowMemory {
    if (!this.shadow) this.shadow = new ShadowMemory(this.physical);
    return this.shadow;
  }

  /** Report writes to this 8-byte granule to `observer.watchedWrite` (checkers watch live descriptors). */
  watchGranule(pa: number): void {
    const g = pa - (pa & 7);
    const pn = Math.floor(g / PAGE_SIZE);
    let set = this.watchPages.get(pn);
    if (!set) {
      set = new Set();
      this.watchPages.set(pn, set);
    }
    set.add(g);
    if (this.lastUnwatchedPage === pn) this.lastUnwatchedPage = -1;
  }

  private checkWatched(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    const pn = Math.floor(pa / PAGE_SIZE);
    if (pn === this.lastUnwatchedPage) return;
    const set = this.watchPages.get(pn);
    if (set === undefined) {
      this.lastUnwatchedPage = pn;
      return;
    }
    if (set.has(pa - (pa & 7))) this.observer?.watchedWrite?.(pe, pa, size, lo, hi, attrs);
  }

  private isDevice(pa: number): boolean {
    if (pa < this.devLo || pa >= this.devHi) return false;
    for (const d of this.devRanges) if (pa >= d.base && pa < d.end) return true;
    return false;
  }

  // ---- accesses -------------------------------------------------------------

  read(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): void {
    if (this.accessObserver !== undefined) {
      this.observeRead(pe, pa, size, attrs);
      return;
    }
    if (!attrs.cacheable || pe === undefined || this.isDevice(pa)) {
      this.readBypass(pe, pa, size, attrs);
      return;
    }
    const off = (pa & 63);
    if (off + size > LINE_SIZE) {
      this.readSplit(pe, pa, size, attrs);
      return;
    }
    const line = pa - off;
    const c = this.l1[pe.id];
    // Inline of Cache.find: the hit path.
    const base = ((line >>> 6) & c.setMask) * c.ways;
    const lines = c.lines;
    let l: CacheLine | undefined;
    for (let w = 0; w < c.ways; w++) {
      const x = lines[base + w];
      if (x.pa === line && x.attrs === attrs && x.state !== LineState.I) {
        l = x;
        break;
      }
    }
    if (l === undefined) {
      this.curPc = pe.pc;
      l = this.acquire(c, pe.id, line, attrs, false, 'read', pe);
    }
    l.lru = ++this.tick;
    if (l.staleByStep >= 0 && !l.staleReported) this.reportStaleHit(pe, pa, size, attrs, l);
    const d = l.data;
    switch (size) {
      case 1:
        pe.ldLo = d[off];
        pe.ldHi = 0;
        return;
      case 2:
        pe.ldLo = d[off] | (d[off + 1] << 8);
        pe.ldHi = 0;
        return;
      case 4:
        pe.ldLo = (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
        pe.ldHi = 0;
        return;
      default:
        pe.ldLo = (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
        pe.ldHi = (d[off + 4] | (d[off + 5] << 8) | (d[off + 6] << 16) | (d[off + 7] << 24)) >>> 0;
    }
  }

  write(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    if (this.accessObserver !== undefined) this.accessObserver(pe, pa, size, true, lo, hi, attrs);
    if (this.watchPages.size > 0) this.checkWatched(pe, pa, size, lo, hi, attrs);
    if (this.shadow !== undefined) this.shadow.write(pe?.id ?? -1, pe?.pc ?? NaN, this.stepFn() + 1, pa, size, lo, hi);
    if (pa < this.codeHi && pa + size > this.codeLo) this.icache.noteWrite(pa, size);
    if (!attrs.cacheable || pe === undefined || this.isDevice(pa)) {
      this.writeBypass(pe, pa, size, lo, hi, attrs);
      return;
    }
    const off = (pa & 63);
    if (off + size > LINE_SIZE) {
      this.writeSplit(pe, pa, size, lo, hi, attrs);
      return;
    }
    const line = pa - off;
    const c = this.l1[pe.id];
    // Inline of Cache.find: the hit path.
    const base = ((line >>> 6) & c.setMask) * c.ways;
    const lines = c.lines;
    let l: CacheLine | undefined;
    for (let w = 0; w < c.ways; w++) {
      const x = lines[base + w];
      if (x.pa === line && x.attrs === attrs && x.state !== LineState.I) {
        l = x;
        break;
      }
    }
    this.curPc = pe.pc;
    if (attrs.inner === 'wt') {
      // Write-through: memory is updated too, so the copy never becomes dirty (no write-allocate).
      this.invalidateOthers(pe.id, line, attrs, l, 'write-through snoop');
      if (l !== undefined) {
        l.lru = ++this.tick;
        writeBytes(l.data, off, size, lo, hi);
      }
      this.backing.write(pe, pa, size, lo, hi, attrs);
      this.markForeignStale(pe, line, attrs, l);
      return;
    }
    if (l === undefined) {
      l = this.acquire(c, pe.id, line, attrs, true, 'write', pe);
      this.markForeignStale(pe, line, attrs, l);
    } else if (l.state !== LineState.M) {
      if (l.state !== LineState.E) this.invalidateOthers(pe.id, line, attrs, l, 'snoop invalidate');
      this.setState(l, LineState.M, 'write', pe.id);
      this.markForeignStale(pe, line, attrs, l);
    }
    l.lru = ++this.tick;
    writeBytes(l.data, off, size, lo, hi);
    l.writePe = pe.id;
    l.writePc = pe.pc;
    l.writeStep = this.stepFn() + 1;
  }

  /** Report a read with the value it returned (the read itself runs first, unobserved). */
  private observeRead(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): void {
    const obs = this.accessObserver!;
    this.accessObserver = undefined;
    try {
      this.read(pe, pa, size, attrs);
    } finally {
      this.accessObserver = obs;
    }
    const out = pe ?? this.scratch;
    obs(pe, pa, size, false, out.ldLo, out.ldHi, attrs);
  }

  private readSplit(pe: Pe, pa: number, size: number, attrs: MemAttrs): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < size; i++) {
      this.read(pe, pa + i, 1, attrs);
      if (i < 4) lo |= pe.ldLo << (8 * i);
      else hi |= pe.ldLo << (8 * (i - 4));
    }
    pe.ldLo = lo >>> 0;
    pe.ldHi = hi >>> 0;
  }

  private writeSplit(pe: Pe, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    // Already recorded for the whole access: the shadow and the access observer.
    const shadow = this.shadow;
    const obs = this.accessObserver;
    this.shadow = undefined;
    this.accessObserver = undefined;
    try {
      for (let i = 0; i < size; i++) {
        const b = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
        this.write(pe, pa + i, 1, b, 0, attrs);
      }
    } finally {
      this.shadow = shadow;
      this.accessObserver = obs;
    }
  }

  /** Non-cacheable, Device, MMIO and non-PE accesses: straight to the memory side. */
  private readBypass(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): void {
    this.backing.read(pe, pa, size, attrs);
    if (pe === undefined) return;
    if (this.dirtyCopies > 0 && this.observer?.hazard !== undefined && !this.isDevice(pa)) {
      const copies = this.dirtyCopiesOf(pa, size);
      // Only a read that really returned older data than the latest write is a hazard: other bytes of a
      // dirty line are not this Location (B2.8 is per Location).
      if (copies.length > 0 && !this.readIsLatest(pe, pa, size)) {
        this.observer.hazard({ kind: 'bypass-dirty', pe, pc: pe.pc, pa, size, write: false, attrs, copies, step: this.stepFn() + 1 });
      }
    }
  }

  /** Whether the value just read into `out` equals the latest value written (the shadow); false without one (report conservatively). */
  private readIsLatest(out: { ldLo: number; ldHi: number }, pa: number, size: number): boolean {
    const shadow = this.shadow;
    if (shadow === undefined) return false;
    const got = size === 8 ? (BigInt(out.ldHi >>> 0) << 32n) | BigInt(out.ldLo >>> 0) : BigInt(out.ldLo >>> 0);
    return got === shadow.value(pa, size);
  }

  private writeBypass(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    this.backing.write(pe, pa, size, lo, hi, attrs);
    if (!this.anyCached || this.isDevice(pa)) return;
    // Every valid copy of the line now holds older data than memory (nothing snoops a bypassing write).
    const first = pa - (pa & 63);
    const last = pa + size - 1 - ((pa + size - 1) & 63);
    const step = this.stepFn() + 1;
    for (let line = first; line <= last; line += LINE_SIZE) {
      const n = this.collect(line);
      if (n === 0) continue;
      const copies = this.tmp;
      let dirty: CopyInfo[] | undefined;
      for (let i = 0; i < n; i++) {
        const cp = copies[i];
        if (isDirty(cp.state) && this.observer?.hazard !== undefined) (dirty ??= []).push(copyInfo(cp));
        if (cp.staleByStep < 0) {
          cp.staleByPe = pe?.id ?? -1;
          cp.staleByPc = pe?.pc ?? NaN;
          cp.staleByStep = step;
          cp.staleByAttrs = attrs;
          cp.staleReported = false;
        }
      }
      if (dirty !== undefined && pe !== undefined) {
        this.observer!.hazard!({ kind: 'bypass-dirty', pe, pc: pe.pc, pa, size, write: true, attrs, copies: dirty, step });
      }
    }
  }

  /** Every valid copy of `line` in every cache into `this.tmp[0..n)`; returns n (no allocation, no `length` writes). */
  private collect(line: number): number {
    const out = this.tmp;
    let n = 0;
    const caches = this.caches;
    for (let k = 0; k < caches.length; k++) {
      const c = caches[k];
      const base = ((line >>> 6) & c.setMask) * c.ways;
      for (let w = 0; w < c.ways; w++) {
        const l = c.lines[base + w];
        if (l.pa === line && l.state !== LineState.I) out[n++] = l;
      }
    }
    return n;
  }

  // ---- coherence ---------------------------------------------------------------

  private domainOf(pe: number, attrs: MemAttrs): Cache[] {
    return this.domains[pe][SH_INDEX[attrs.sh]];
  }

  /**
   * Bring (line, attrs) into cache `c` for `pe`: data from the dirty owner in
   * the shareability domain (snoop), else any valid copy there, else memory.
   * For a write, every other copy of the same key in the domain is invalidated
   * (the new copy becomes the only, dirty one: state M). Returns the copy.
   */
  private acquire(c: Cache, peId: number, line: number, attrs: MemAttrs, write: boolean, cause: string, pe?: Pe): CacheLine {
    const dom = this.domainOf(peId, attrs);
    // `found` is a scratch array used with an explicit count: setting `length` is a slow runtime call.
    const found = this.found;
    let n = 0;
    let owner: CacheLine | undefined;
    let src: CacheLine | undefined;
    for (let i = 0; i < dom.length; i++) {
      const d = dom[i];
      if (d === c) continue;
      const cp = d.find(line, attrs);
      if (cp === undefined) continue;
      found[n++] = cp;
      if (isDirty(cp.state)) owner = cp;
      else if (src === undefined) src = cp;
    }
    if (this.soleKey !== attrs) this.noteKey(attrs);
    if (this.observer?.hazard !== undefined && this.dirtyCopies > 0 && !this.soleKeyCoherent) this.checkMismatch(pe, peId, line, attrs, write);
    this.anyCached = true;
    // Take the data first: the allocation below may evict, and a write-back into the next level
    // may reuse the way of a copy found above (then that copy is gone, its data written back).
    const from = owner ?? src;
    const prov = this.provBuf;
    if (from !== undefined) {
      this.lineBuf.set(from.data);
      prov.copyProvenanceFrom(from);
      prov.staleByPe = from.staleByPe;
      prov.staleByPc = from.staleByPc;
      prov.staleByStep = from.staleByStep;
      prov.staleByAttrs = from.staleByAttrs;
    } else this.readMemLine(line, this.lineBuf);
    const v = this.allocate(c, line, attrs, peId);
    v.data.set(this.lineBuf);
    if (from !== undefined) {
      v.copyProvenanceFrom(prov);
      if (prov.staleByStep >= 0) {
        v.staleByPe = prov.staleByPe;
        v.staleByPc = prov.staleByPc;
        v.staleByStep = prov.staleByStep;
        v.staleByAttrs = prov.staleByAttrs;
      }
    }
    // Drop found copies whose way was reused by the allocation.
    let m = 0;
    for (let i = 0; i < n; i++) {
      const f = found[i];
      if (f.pa === line && f.attrs === attrs && f.state !== LineState.I) found[m++] = f;
    }
    if (owner !== undefined && (owner.pa !== line || owner.attrs !== attrs || owner.state === LineState.I)) owner = undefined;
    if (write) {
      for (let i = 0; i < m; i++) this.setState(found[i], LineState.I, 'snoop invalidate', peId);
      this.setState(v, LineState.M, cause, peId);
    } else if (owner !== undefined) {
      if (owner.state === LineState.M) this.setState(owner, LineState.O, 'snoop', peId);
      this.setState(v, LineState.S, cause, peId);
    } else if (m > 0) {
      for (let i = 0; i < m; i++) if (found[i].state === LineState.E) this.setState(found[i], LineState.S, 'snoop', peId);
      this.setState(v, LineState.S, cause, peId);
    } else this.setState(v, LineState.E, cause, peId);
    return v;
  }

  private noteKey(attrs: MemAttrs): void {
    if (this.soleKey === undefined) {
      this.soleKey = attrs;
      // Coherent everywhere when every PE's domain for these attributes is the whole hierarchy.
      this.soleKeyCoherent = this.domains.every((d) => d[SH_INDEX[attrs.sh]].length === this.caches.length);
    } else if (this.soleKey !== null && this.soleKey !== attrs) {
      this.soleKey = null;
      this.soleKeyCoherent = false;
    }
  }

  /** Invalidate every other copy of (line, attrs) in `pe`'s domain (write upgrade). */
  private invalidateOthers(peId: number, line: number, attrs: MemAttrs, keep: CacheLine | undefined, cause: string): void {
    const dom = this.domainOf(peId, attrs);
    for (let i = 0; i < dom.length; i++) {
      const cp = dom[i].find(line, attrs);
      if (cp !== undefined && cp !== keep) {
        if (keep !== undefined && isDirty(cp.state)) keep.copyProvenanceFrom(cp);
        this.setState(cp, LineState.I, cause, peId);
      }
    }
  }

  /**
   * After `pe` made its copy of `line` dirty with `attrs`, copies the write did
   * not reach (other attributes, or the same attributes outside the domain) hold
   * older data: mark them stale, and report dirty ones as a mismatch.
   */
  private markForeignStale(pe: Pe, line: number, attrs: MemAttrs, mine: CacheLine | undefined): void {
    if (this.soleKeyCoherent) return;
    const n = this.collect(line);
    if (n <= 1) return;
    const copies = this.tmp;
    const dom = this.domainOf(pe.id, attrs);
    const step = this.stepFn() + 1;
    const dirty: CopyInfo[] = [];
    for (let i = 0; i < n; i++) {
      const cp = copies[i];
      if (cp === mine) continue;
      if (cp.attrs === attrs && dom.includes(cp.cache)) continue;
      if (isDirty(cp.state)) dirty.push(copyInfo(cp));
      if (cp.staleByStep < 0) {
        cp.staleByPe = pe.id;
        cp.staleByPc = pe.pc;
        cp.staleByStep = step;
        cp.staleByAttrs = attrs;
        cp.staleReported = false;
      }
    }
    if (dirty.length > 0 && this.observer?.hazard !== undefined) {
      this.observer.hazard({ kind: 'mismatch', pe, pc: pe.pc, pa: line, size: LINE_SIZE, write: true, attrs, copies: dirty, step });
    }
  }

  /** A cacheable miss with `attrs` while copies with other attributes hold dirty data. */
  private checkMismatch(pe: Pe | undefined, peId: number, line: number, attrs: MemAttrs, write: boolean): void {
    const n = this.collect(line);
    const copies = this.tmp;
    let infos: CopyInfo[] | undefined;
    const dom = this.domainOf(peId, attrs);
    for (let i = 0; i < n; i++) {
      const cp = copies[i];
      if (!isDirty(cp.state)) continue;
      if (cp.attrs === attrs && dom.includes(cp.cache)) continue;
      (infos ??= []).push(copyInfo(cp));
    }
    if (infos !== undefined) {
      this.observer!.hazard!({ kind: 'mismatch', pe, pc: pe?.pc ?? NaN, pa: line, size: LINE_SIZE, write, attrs, copies: infos, step: this.stepFn() + 1 });
    }
  }

  private reportStaleHit(pe: Pe, pa: number, size: number, attrs: MemAttrs, l: CacheLine): void {
    if (this.observer?.hazard === undefined) return;
    const shadow = this.shadow;
    if (shadow !== undefined) {
      // The mark is per line: report only when these bytes really are older than the latest write to them.
      const off = pa & 63;
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(l.data[off + i]);
      if (v === shadow.value(pa, size)) return;
    }
    l.staleReported = true;
    this.observer?.hazard?.({ kind: 'stale-hit', pe, pc: pe.pc, pa, size, attrs, copy: copyInfo(l), step: this.stepFn() + 1 });
  }

  private dirtyCopiesOf(pa: number, size: number): CopyInfo[] {
    const out: CopyInfo[] = [];
    const first = pa - (pa & 63);
    const last = pa + size - 1 - ((pa + size - 1) & 63);
    for (let line = first; line <= last; line += LINE_SIZE) {
      const n = this.collect(line);
      for (let i = 0; i < n; i++) if (isDirty(this.tmp[i].state)) out.push(copyInfo(this.tmp[i]));
    }
    return out;
  }

  // ---- allocation, eviction, write-back ------------------------------------------

  /** A way for (line, attrs) in `c`, evicting the LRU victim (write-back when dirty). State is I on return. */
  private allocate(c: Cache, line: number, attrs: MemAttrs, peId: number): CacheLine {
    const v = c.victimFor(line);
    if (v.state !== LineState.I) this.evict(v, 'evict', peId);
    v.pa = line;
    v.attrs = attrs;
    v.clearProvenance();
    v.lru = ++this.tick;
    return v;
  }

  private evict(l: CacheLine, cause: string, peId: number): void {
    if (isDirty(l.state)) this.pushDown(l, false, peId);
    this.setState(l, LineState.I, cause, peId);
  }

  /**
   * Write a dirty copy's data to the next level of its cache's path (memory
   * after the last cache). With `keep`, the copy stays valid and clean (a
   * clean by set/way or to the PoU); otherwise the caller invalidates it.
   */
  private pushDown(l: CacheLine, keep: boolean, peId: number, cause = 'write-back'): CacheLine | undefined {
    const next = l.cache.next;
    if (next === undefined) {
      this.writeMemLine(l);
      if (keep) this.setState(l, l.state === LineState.M ? LineState.E : LineState.S, cause, peId);
      return undefined;
    }
    let t = next.find(l.pa, l.attrs);
    if (t === undefined) t = this.allocate(next, l.pa, l.attrs, peId);
    t.data.set(l.data);
    t.copyProvenanceFrom(l);
    t.staleByPe = l.staleByPe;
    t.staleByPc = l.staleByPc;
    t.staleByStep = l.staleByStep;
    t.staleByAttrs = l.staleByAttrs;
    t.lru = ++this.tick;
    // Still shared (the source stays, or it was Owned with sharers): the pushed copy is O; else M.
    this.setState(t, keep || l.state === LineState.O ? LineState.O : LineState.M, cause, peId);
    if (keep) this.setState(l, LineState.S, cause, peId);
    return t;
  }

  private readMemLine(line: number, out: Uint8Array): void {
    const p = this.physical.page(line, false);
    if (p === undefined) out.fill(0);
    else {
      // `& (PAGE_SIZE - 1)`: `%` on a double is a slow fmod; PAs are non-negative integers below 2^53.
      // (`set(subarray)` measured faster than a 64-byte loop despite the view it allocates.)
      const off = line & (PAGE_SIZE - 1);
      out.set(p.subarray(off, off + LINE_SIZE));
    }
  }

  private writeMemLine(l: CacheLine): void {
    if (l.staleByStep >= 0 && this.observer?.hazard !== undefined) {
      this.observer.hazard({ kind: 'stale-writeback', pa: l.pa, copy: copyInfo(l), step: this.stepFn() + 1 });
    }
    const p = this.physical.page(l.pa, true)!;
    p.set(l.data, l.pa & (PAGE_SIZE - 1));
  }

  private setState(l: CacheLine, to: LineState, cause: string, peId: number): void {
    const from = l.state;
    if (from === to) return;
    const wasDirty = from === LineState.M || from === LineState.O;
    const isD = to === LineState.M || to === LineState.O;
    if (wasDirty !== isD) this.dirtyCopies += isD ? 1 : -1;
    l.state = to;
    const t = this.trace;
    if (t !== undefined && t.wants['cache-line']) {
      t.emit({
        kind: 'cache-line',
        step: this.stepFn() + 1,
        cache: l.cache.name,
        pa: l.pa,
        from: STATE_NAMES[from],
        to: STATE_NAMES[to],
        attrs: l.attrs.label,
        cause,
        pe: peId >= 0 ? peId : undefined,
        line: Number.isNaN(this.curPc) || this.lineOfPc === undefined ? undefined : this.lineOfPc(this.curPc),
      });
    }
  }

  // ---- maintenance (Arm ARM D7.5) ----------------------------------------------------

  maintainByVa(pe: Pe, op: string, pa: number, attrs: MemAttrs): void {
    const line = pa - ((pa & 63));
    this.curPc = pe.pc;
    if (op === 'zva') {
      // DC ZVA behaves as a store of zeros to the whole block (DCZID_EL0.BS = 4: 64 bytes).
      for (let i = 0; i < LINE_SIZE; i += 8) this.write(pe, line + i, 8, 0, 0, attrs);
      this.observer?.maintenance?.(pe, op, line, attrs);
      return;
    }
    const scope = this.domainOf(pe.id, attrs);
    const copies: CacheLine[] = [];
    for (const c of scope) c.copiesOf(line, copies);
    const cause = `dc ${op}`;
    switch (op) {
      case 'cvac':
      case 'cvap':
      case 'cvadp':
        this.cleanToPoc(copies, pe, cause);
        break;
      case 'civac':
        this.cleanToPoc(copies, pe, cause);
        for (const cp of copies) this.setState(cp, LineState.I, cause, pe.id);
        break;
      case 'ivac':
        for (const cp of copies) this.setState(cp, LineState.I, cause, pe.id);
        break;
      case 'cvau':
        this.cleanToPou(copies, pe, cause);
        break;
      default:
        break;
    }
    this.observer?.maintenance?.(pe, op, line, attrs);
    if (attrs.cacheable && !this.isDevice(line)) {
      if (this.speculation === 'adversarial') this.speculativeRefill(pe, line, attrs);
      else if (this.refillCandidates !== undefined) this.noteRefillCandidate(pe.id, line, attrs, pe.pc);
    }
  }

  /**
   * Lines an exploration may refill speculatively (recently cleaned or
   * invalidated while mapped Normal cacheable): tracked only once an action
   * source asked for them (`trackRefillCandidates`), at most 8, newest last.
   */
  refillCandidates: { pe: number; line: number; attrs: MemAttrs; pc: number }[] | undefined = undefined;

  trackRefillCandidates(): void {
    this.refillCandidates ??= [];
  }

  private noteRefillCandidate(pe: number, line: number, attrs: MemAttrs, pc: number): void {
    const list = this.refillCandidates!;
    const i = list.findIndex((c) => c.pe === pe && c.line === line && c.attrs === attrs);
    if (i >= 0) list.splice(i, 1);
    list.push({ pe, line, attrs, pc });
    if (list.length > 8) list.shift();
  }

  /** Engine action: PE `pe` speculatively refills a candidate line into its L1 (clean). */
  applySpeculativeRefill(pe: Pe, index: number): void {
    const c = this.refillCandidates?.[index];
    if (c === undefined) return;
    this.refillCandidates!.splice(index, 1);
    const l1 = this.l1[pe.id];
    if (l1.find(c.line, c.attrs) !== undefined) return;
    this.curPc = NaN;
    const l = this.acquire(l1, pe.id, c.line, c.attrs, false, 'speculative fill', pe);
    l.speculative = true;
    l.specPc = c.pc;
    l.specPe = pe.id;
  }

  /** Engine action: cache `cacheIndex` evicts way `lineIndex` (write-back when dirty). */
  evictWay(cacheIndex: number, lineIndex: number): void {
    const l = this.caches[cacheIndex]?.lines[lineIndex];
    this.curPc = NaN;
    if (l !== undefined && l.state !== LineState.I) this.evict(l, 'evict', -1);
  }

  private cleanToPoc(copies: CacheLine[], pe: Pe, cause: string): void {
    const dirty = copies.filter((c) => isDirty(c.state)).sort((a, b) => a.writeStep - b.writeStep || b.cache.level - a.cache.level);
    for (const cp of dirty) {
      this.writeMemLine(cp);
      cp.pouCleanPe = -1;
      cp.pouCleanPc = NaN;
      this.setState(cp, cp.state === LineState.M ? LineState.E : LineState.S, cause, pe.id);
    }
    // Copies at or below the PoC now agree with memory again.
    for (const cp of copies) if (cp.staleByStep >= 0 && !isDirty(cp.state) && dirty.includes(cp)) cp.staleByStep = -1;
  }

  private cleanToPou(copies: CacheLine[], pe: Pe, cause: string): void {
    if (this.pouLevel >= 4) {
      this.cleanToPoc(copies, pe, cause);
      return;
    }
    const dirty = copies.filter((c) => isDirty(c.state) && c.cache.level < this.pouLevel).sort((a, b) => b.cache.level - a.cache.level);
    for (const cp of dirty) {
      let l: CacheLine | undefined = cp;
      // Push level by level until the data sits in the PoU cache.
      while (l !== undefined && l.cache.level < this.pouLevel) l = this.pushDown(l, true, pe.id, cause);
      if (l !== undefined) {
        l.pouCleanPe = pe.id;
        l.pouCleanPc = pe.pc;
      }
    }
    // Data already at the PoU level that stays dirty: note the clean for the checkers.
    for (const cp of copies) {
      if (isDirty(cp.state) && cp.cache.level >= this.pouLevel) {
        cp.pouCleanPe = pe.id;
        cp.pouCleanPc = pe.pc;
      }
    }
  }

  /** `speculation adversarial`: right after maintenance, the PE refills the line (clean) because it is mapped Normal cacheable. */
  private speculativeRefill(pe: Pe, line: number, attrs: MemAttrs): void {
    const c = this.l1[pe.id];
    if (c.find(line, attrs) !== undefined) return;
    const l = this.acquire(c, pe.id, line, attrs, false, 'speculative fill', pe);
    l.speculative = true;
    l.specPc = pe.pc;
    l.specPe = pe.id;
  }

  /** Scenario `event … do fill ADDR into CACHE` (engine/machine.ts `SpeculativeFill`). */
  speculativeFill(pa: number, cacheName: string): void {
    // `fill ADDR` without `in CACHE` (the parser says `any`): PE 0's L1 data cache.
    const c = cacheName === 'any' || cacheName === '' ? this.l1[0] : this.cacheByName(cacheName);
    if (c === undefined || this.isDevice(pa)) return;
    const line = pa - ((pa & 63));
    const attrs = this.attrsOfLine(line) ?? NORMAL_WB_ISH;
    if (c.find(line, attrs) !== undefined) return;
    const peId = c.pes[0] ?? 0;
    this.curPc = NaN;
    const l = this.acquire(c, peId, line, attrs, false, 'speculative fill');
    l.speculative = true;
  }

  /** Attributes the line is cached with (the dirty copy's first), else the only attributes used so far. */
  private attrsOfLine(line: number): MemAttrs | undefined {
    const copies: CacheLine[] = [];
    for (const c of this.caches) c.copiesOf(line, copies);
    const d = copies.find((c) => isDirty(c.state)) ?? copies[0];
    return d?.attrs ?? (this.soleKey ?? undefined);
  }

  cacheByName(name: string): Cache | undefined {
    const n = name.toLowerCase();
    return this.caches.find((c) => c.name.toLowerCase() === n);
  }

  maintainBySetWay(pe: Pe, op: string, setWay: bigint): void {
    this.curPc = pe.pc;
    const level = Number((setWay >> 1n) & 7n);
    const c = this.paths[pe.id][level];
    if (c !== undefined) {
      const a = Math.ceil(Math.log2(c.ways));
      const way = a === 0 ? 0 : Number((setWay >> BigInt(32 - a)) & BigInt(c.ways - 1));
      const set = Number((setWay >> 6n) & BigInt(c.sets - 1));
      const l = c.lineAt(set, way);
      const cause = `dc ${op}`;
      if (l !== undefined && l.state !== LineState.I) {
        if (op === 'isw') this.setState(l, LineState.I, cause, pe.id);
        else if (op === 'csw') {
          if (isDirty(l.state)) this.pushDown(l, true, pe.id, cause);
        } else if (op === 'cisw') {
          if (isDirty(l.state)) this.pushDown(l, false, pe.id, cause);
          this.setState(l, LineState.I, cause, pe.id);
        }
      }
    }
    this.observer?.maintenance?.(pe, op, undefined, undefined);
  }

  instructionCacheMaintenance(pe: Pe, op: string, pa: number | undefined): void {
    this.icache.maintain(pe, op, pa);
    this.observer?.maintenance?.(pe, `ic ${op}`, pa, undefined);
  }

  barrier(pe: Pe, kind: 'dmb' | 'dsb' | 'isb', domain: string): void {
    this.observer?.barrier?.(pe, kind, domain);
  }

  fetchInstr(pe: Pe, pa: number, attrs: MemAttrs): Instr | undefined {
    return this.icache.fetch(pe, pa, attrs);
  }

  get instructionGeneration(): number {
    return this.icache.generation;
  }

  /** The word the instruction side sees at `pa` for `pe`: the data at the PoU (Arm ARM D7.4.6). */
  readWordAtPoU(pe: Pe, pa: number, attrs: MemAttrs): number {
    const line = pa - ((pa & 63));
    const off = (pa & 63);
    if (attrs.cacheable) {
      for (const c of this.paths[pe.id]) {
        if (c.level < this.pouLevel) continue;
        const copies: CacheLine[] = [];
        c.copiesOf(line, copies);
        if (copies.length === 0) continue;
        const best = copies.reduce((a, b) => (isDirty(b.state) && (!isDirty(a.state) || b.writeStep > a.writeStep) ? b : a));
        const d = best.data;
        return (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
      }
    }
    return this.physical.readU32(pa);
  }

  // ---- views --------------------------------------------------------------------------

  /** Every valid copy of the line holding `pa`, in every cache (innermost first). */
  linesOf(pa: number): LineCopyView[] {
    const line = pa - ((pa & 63));
    const out: LineCopyView[] = [];
    for (const c of this.caches) {
      const copies: CacheLine[] = [];
      c.copiesOf(line, copies);
      for (const cp of copies) out.push(lineView(cp));
    }
    return out;
  }

  /** Per-cache contents for reports and the debugger's caches scope. */
  summaries(): CacheSummary[] {
    return this.caches.map((c) => {
      const lines = c.lines.filter((l) => l.state !== LineState.I).map(lineView);
      lines.sort((a, b) => a.pa - b.pa || a.attrs.localeCompare(b.attrs));
      return {
        name: c.name,
        level: c.level,
        sets: c.sets,
        ways: c.ways,
        pes: c.pes.slice(),
        valid: lines.length,
        dirty: lines.filter((l) => l.dirty).length,
        lines,
      };
    });
  }

  /**
   * `size` bytes at `pa` as a cacheable read by PE `pe` would return them
   * (without changing any state): its own copy, the domain's dirty owner, any
   * copy in the domain, else memory. `attrs` defaults to the attributes the
   * line was last cached with.
   */
  readAsSeenBy(pe: number, pa: number, size: number, attrs?: MemAttrs): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.byteAsSeenBy(pe, pa + i, attrs));
    return v;
  }

  private byteAsSeenBy(pe: number, pa: number, attrs?: MemAttrs): number {
    const line = pa - ((pa & 63));
    const a = attrs ?? this.attrsOfLine(line);
    if (a !== undefined && a.cacheable && pe >= 0 && pe < this.l1.length) {
      const own = this.l1[pe].find(line, a);
      if (own) return own.data[(pa & 63)];
      let src: CacheLine | undefined;
      for (const c of this.domainOf(pe, a)) {
        const cp = c.find(line, a);
        if (cp && (isDirty(cp.state) || src === undefined)) src = cp;
      }
      if (src) return src.data[(pa & 63)];
    }
    return this.physical.readU8(pa);
  }

  /** `size` bytes of main memory (what a non-cacheable observer reads). */
  readMain(pa: number, size: number): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.physical.readU8(pa + i));
    return v;
  }

  /** engine/report.ts `InspectableMemory`: memory expectations (`mem[…]`, `… as pe N`). */
  inspect(pa: number, size: number, view: 'main' | { pe: number }): bigint {
    return view === 'main' ? this.readMain(pa, size) : this.readAsSeenBy(view.pe, pa, size);
  }

  /** engine/report.ts: the memory-mapped devices behind the caches (UART output in reports). */
  devices(): ReturnType<FlatMemorySystem['devices']> {
    return this.backing.devices();
  }

  /** engine/report.ts `InspectableMemory`: every valid copy per cache, data as eight 64-bit words. */
  cacheReport(): { name: string; lines: { pa: number; state: string; attrs: string; data: string }[] }[] {
    return this.summaries().map((c) => ({
      name: c.name,
      lines: c.lines.map((l) => ({ pa: l.pa, state: l.state, attrs: l.attrs, data: lineWords(l.data) })),
    }));
  }

  /**
   * FNV-1a fingerprint of the cache state (every valid copy: cache, way, line,
   * attributes, state, data), for exploration's state hashing: two machines with
   * equal memory and equal fingerprints have the same caches.
   */
  fingerprint(): number {
    let h = 0x811c9dc5;
    const mix = (w: number): void => {
      for (let i = 0; i < 4; i++) {
        h ^= (w >>> (8 * i)) & 0xff;
        h = Math.imul(h, 0x01000193);
      }
    };
    for (const c of this.caches) {
      for (let i = 0; i < c.lines.length; i++) {
        const l = c.lines[i];
        if (l.state === LineState.I) continue;
        mix(c.index);
        mix(i);
        mix(l.pa >>> 0);
        mix(Math.floor(l.pa / 4294967296));
        mix(l.state);
        for (let k = 0; k < l.attrs.label.length; k++) mix(l.attrs.label.charCodeAt(k));
        for (let k = 0; k < LINE_SIZE; k++) {
          h ^= l.data[k];
          h = Math.imul(h, 0x01000193);
        }
      }
    }
    return h >>> 0;
  }

  // ---- checkpoints (engine/snapshot.ts Snapshottable) -----------------------------------

  /**
   * `Snapshottable.stateHash`: every valid copy with its place (cache, index), line
   * address, state, attributes, data, replacement age and speculative mark; the
   * instruction caches; the devices behind the caches. Physical memory itself is
   * hashed by the machine. Provenance kept for findings (who wrote a line) is not state.
   */
  stateHash(): number {
    const h = new StateHasher();
    for (const c of this.caches) {
      h.str(c.name);
      for (let i = 0; i < c.lines.length; i++) {
        const l = c.lines[i];
        if (l.state === LineState.I) continue;
        h.word(i).num(l.pa).word(l.state).str(l.attrs.label).num(l.lru).word(l.speculative ? 1 : 0).bytes(l.data);
      }
    }
    h.num(this.tick);
    this.icache.hashInto(h);
    h.hash(this.backing.stateHash());
    return h.value();
  }

  snapshot(): unknown {
    const caches = this.caches.map((c) =>
      c.lines.map((l) =>
        l.state === LineState.I
          ? undefined
          : {
              pa: l.pa,
              attrs: l.attrs,
              state: l.state,
              data: l.data.slice(),
              lru: l.lru,
              prov: [l.writePe, l.writePc, l.writeStep, l.pouCleanPe, l.pouCleanPc, l.specPc, l.specPe, l.staleByPe, l.staleByPc, l.staleByStep],
              speculative: l.speculative,
              staleByAttrs: l.staleByAttrs,
              staleReported: l.staleReported,
            },
      ),
    );
    return {
      memory: this.backing.snapshot(),
      caches,
      tick: this.tick,
      anyCached: this.anyCached,
      soleKey: this.soleKey,
      soleKeyCoherent: this.soleKeyCoherent,
      icache: this.icache.snapshot(),
      shadow: this.shadow?.snapshot(),
    };
  }

  restore(s: unknown): void {
    const snap = s as {
      memory: unknown;
      caches: ({ pa: number; attrs: MemAttrs; state: LineState; data: Uint8Array; lru: number; prov: number[]; speculative: boolean; staleByAttrs?: MemAttrs; staleReported: boolean } | undefined)[][];
      tick: number;
      anyCached: boolean;
      soleKey: MemAttrs | undefined | null;
      soleKeyCoherent: boolean;
      icache: unknown;
      shadow: unknown;
    };
    this.backing.restore(snap.memory);
    this.dirtyCopies = 0;
    this.caches.forEach((c, ci) => {
      c.lines.forEach((l, li) => {
        const x = snap.caches[ci][li];
        if (x === undefined) {
          l.state = LineState.I;
          return;
        }
        l.pa = x.pa;
        l.attrs = x.attrs;
        l.state = x.state;
        if (isDirty(x.state)) this.dirtyCopies++;
        l.data.set(x.data);
        l.lru = x.lru;
        [l.writePe, l.writePc, l.writeStep, l.pouCleanPe, l.pouCleanPc, l.specPc, l.specPe, l.staleByPe, l.staleByPc, l.staleByStep] = x.prov;
        l.speculative = x.speculative;
        l.staleByAttrs = x.staleByAttrs;
        l.staleReported = x.staleReported;
      });
    });
    this.tick = snap.tick;
    this.anyCached = snap.anyCached;
    this.soleKey = snap.soleKey;
    this.soleKeyCoherent = snap.soleKeyCoherent;
    this.icache.restore(snap.icache);
    // A checkpoint taken before the checkers enabled the shadow restores it to "nothing written".
    if (this.shadow) {
      if (snap.shadow !== undefined) this.shadow.restore(snap.shadow);
      else this.shadow = new ShadowMemory(this.physical);
    }
  }
}

/** The 64 data bytes as eight little-endian 64-bit words, `0x…` each. */
export function lineWords(d: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < LINE_SIZE; i += 8) {
    let v = 0n;
    for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(d[i + b]);
    words.push(hex(v));
  }
  return words.join(' ');
}

function writeBytes(d: Uint8Array, off: number, size: number, lo: number, hi: number): void {
  switch (size) {
    case 1:
      d[off] = lo;
      return;
    case 2:
      d[off] = lo;
      d[off + 1] = lo >>> 8;
      return;
    case 4:
      d[off] = lo;
      d[off + 1] = lo >>> 8;
      d[off + 2] = lo >>> 16;
      d[off + 3] = lo >>> 24;
      return;
    default:
      d[off] = lo;
      d[off + 1] = lo >>> 8;
      d[off + 2] = lo >>> 16;
      d[off + 3] = lo >>> 24;
      d[off + 4] = hi;
      d[off + 5] = hi >>> 8;
      d[off + 6] = hi >>> 16;
      d[off + 7] = hi >>> 24;
  }
}

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

/** One copy as views show it (set/way, state name, attributes label, a copy of its data). */
export function lineView(l: CacheLine): LineCopyView {
  const { set, way } = l.cache.positionOf(l);
  return {
    cache: l.cache.name,
    level: l.cache.level,
    set,
    way,
    pa: l.pa,
    state: STATE_NAMES[l.state],
    attrs: l.attrs.label,
    dirty: isDirty(l.state),
    speculative: l.speculative,
    stale: l.staleByStep >= 0,
    data: l.data.slice(),
  };
}
