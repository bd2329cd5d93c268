/**
 * `cache_model on`: the cache hierarchy as a MemorySystem (DESIGN.md
 * "Memory system model"). Per-PE L1 data caches, per-cluster L2, an optional
 * system cache; 64-byte lines, LRU replacement, MOESI states; copies keyed by
 * (line, attributes) so mismatched cacheable attributes lose coherency
 * (Arm ARM B2.8); non-cacheable and Device accesses go to memory and do not see
 * dirty cached data (B2.7.2); matching cacheable accesses are coherent across the
 * caches of their shareability domain (B2.7.1).
 *
 * This file is the access path (reads, writes, fetches, barriers). The other
 * concepts live beside it: line storage and write-back (line.ts, writeback.ts),
 * coherence domains and snooping (coherence.ts), maintenance (maintenance.ts),
 * speculative fills (speculation.ts, an action source with actions.ts), the
 * instruction side (icache.ts), hazard detection (hazards.ts, a checker over
 * the hooks of hooks.ts), views (views.ts) and checkpoints (checkpoint.ts).
 * Their shared state is the `internal` section of this class.
 *
 * No store buffer is modelled: a write is complete (and coherent within its
 * domain) when the instruction retires, so DSB/DMB have nothing to wait for
 * here; they are published on the barrier hook for the checkers.
 *
 * Hot path: an L1 hit is a scan of the set's tags (line.ts `Cache.tags`, the
 * line address of each valid way), an identity test of the matching way's
 * attributes and a word copy; a miss moves lines a word at a time (writeback.ts).
 * No allocation per access, fill or eviction; the slow cases (lines split,
 * write-through, unaligned) live in functions of their own, keeping the hot
 * ones small enough for V8 to inline and compile tightly.
 */
import { EvictionLog, type EvictionRecord } from './evictionLog';
import type { Instr } from '../isa/instr';
import type { MemAttrs } from '../memory/attributes';
import type { FlatMemorySystem } from '../memory/flat';
import { memoryHooks, type BarrierKind, type MemoryHooks } from '../memory/hooks';
import type { PhysicalMemory } from '../memory/physical';
import type { MemorySystem } from '../memory/system';
import { WriteWatch } from '../memory/watch';
import type { Pe } from '../pe/pe';
import type { Program } from '../scenario/model';
import { captureHierarchy, hashHierarchy, hashWaysBySet, restoreHierarchy } from './checkpoint';
import { acquire, CoherenceDomains, invalidateOthers, markForeignStale } from './coherence';
import { LINE_SIZE, PA_SPLIT, pointLevel, type CacheConfig } from './config';
import { cacheHooks, type CacheHooks } from './hooks';
import { InstructionSide } from './icache';
import { Cache, CacheLine, isDirty, LineState, Mark } from './line';
import { instructionCacheMaintenance, maintainBySetWay, maintainByVa } from './maintenance';
import { Speculation } from './speculation';
import { cacheReport, linesOf, readAsSeenBy, readMain, summaries, type CacheSummary, type LineCopyView } from './views';

/** 32-bit words per line (a way's data in `Cache.words`). */
const LINE_WORDS = LINE_SIZE / 4;

export interface CacheHierarchyOptions {
  physical: PhysicalMemory;
  /** Memory side (device dispatch and physical memory): every access that leaves the caches goes here. */
  backing: FlatMemorySystem;
  pes: number;
  /** Cluster of each PE. */
  clusterOf: number[];
  config: CacheConfig;
  /** What the machine does with the permission to fill lines speculatively (speculation.ts); default none. */
  speculation?: 'none' | 'adversarial';
  /** Address ranges of memory-mapped devices (never cached). */
  devices?: { base: number; size: number }[];
  /** Current machine step (provenance recorded on written lines). */
  step?: () => number;
  /** The program, for the instruction side (original instructions with their source lines). */
  program?: Program;
  /** Decode a word written to memory into an instruction (`decodeInstruction` from simulator/isa). */
  decode?: (word: number, pc: bigint) => Instr | undefined;
}

export class CacheHierarchy implements MemorySystem {
  /** The kept evictions, oldest first (cache/evictionLog.ts). */
  get evictionLog(): EvictionRecord[] {
    return this.evictions.records();
  }

  readonly physical: PhysicalMemory;
  readonly config: CacheConfig;
  readonly caches: Cache[] = [];
  readonly l1: Cache[] = [];
  readonly l2: Cache[] = [];
  readonly system: Cache | undefined;
  /** Path of each PE, innermost first. */
  readonly paths: Cache[][] = [];
  readonly icache: InstructionSide;
  /** Speculative fills: adversarial refills, exploration's refill candidates, scenario `fill` events. */
  readonly speculation: Speculation;
  readonly hooks: MemoryHooks = memoryHooks();
  readonly watch = new WriteWatch();
  /** Cache-specific hook points (hooks.ts): line states and the moments hazards can arise. */
  readonly cacheHooks: CacheHooks = cacheHooks();

  // ---- internal: state shared with the concept modules of this folder ------------------

  /** Memory side (device dispatch and physical memory). */
  readonly backing: FlatMemorySystem;
  readonly stepFn: () => number;
  /** Evictions for want of a way and `evict` actions (the run report names those of lines findings and expectations are about). */
  readonly evictions = new EvictionLog();
  readonly domains: CoherenceDomains;
  /** Cache level of the Point of Unification (4: memory). */
  readonly pouLevel: number;
  /** LRU clock: every use of a copy takes the next tick. */
  tick = 0;
  /** Number of dirty (M/O) copies in every cache. */
  dirtyCopies = 0;
  /** Some access has allocated a copy (bypassing writes mark nothing before that). */
  anyCached = false;
  /** PC of the instruction being served (slow paths only), NaN when no instruction causes the change. */
  curPc = NaN;
  /** Scratch copy lists used with an explicit count (setting `length` is a slow runtime call). */
  readonly tmp: CacheLine[] = [];
  readonly found: CacheLine[] = [];
  /** Scratch way (its data and provenance) carried across an allocation. */
  readonly provBuf: CacheLine;

  private readonly readHook: MemoryHooks['read'];
  private readonly writeHook: MemoryHooks['write'];
  private readonly devRanges: { base: number; end: number }[];
  private readonly devLo: number;
  private readonly devHi: number;
  /** Bounds of the program's code lines (writes inside may change instructions). */
  private readonly codeLo: number;
  private readonly codeHi: number;

  constructor(o: CacheHierarchyOptions) {
    this.physical = o.physical;
    this.backing = o.backing;
    this.config = o.config;
    this.stepFn = o.step ?? (() => 0);
    this.readHook = this.hooks.read;
    this.writeHook = this.hooks.write;
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
    this.domains = new CoherenceDomains(this.caches, this.paths, cfg.innerDomain);
    let pou = pointLevel(cfg.pou, cfg);
    if (pou === 3 && !this.system) pou = 4;
    this.pouLevel = pou;
    this.devRanges = (o.devices ?? []).map((d) => ({ base: d.base, end: d.base + d.size }));
    this.devLo = Math.min(Infinity, ...this.devRanges.map((d) => d.base));
    this.devHi = Math.max(-Infinity, ...this.devRanges.map((d) => d.end));
    this.icache = new InstructionSide(this, o.pes, o.program, o.decode, cfg.innerDomain);
    this.codeLo = this.icache.codeLo;
    this.codeHi = this.icache.codeHi;
    // A way of its own (not in any cache of the hierarchy): scratch changes mark no set that checkpoints capture.
    this.provBuf = new Cache('scratch', 'l1d', 1, LINE_SIZE, 1, [], -1).lines[0];
    this.speculation = new Speculation(this, o.speculation ?? 'none');
  }

  isDevice(pa: number): boolean {
    if (pa < this.devLo || pa >= this.devHi) return false;
    for (const d of this.devRanges) if (pa >= d.base && pa < d.end) return true;
    return false;
  }

  // ---- accesses -------------------------------------------------------------

  read(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): void {
    if (!attrs.cacheable || pe === undefined || this.isDevice(pa)) this.readBypass(pe, pa, size, attrs);
    else if ((pa & 63) + size > LINE_SIZE) this.readSplit(pe, pa, size, attrs);
    else this.readInLine(pe, pa, size, attrs);
    if (this.readHook.active && pe !== undefined) this.readHook.emit(pe, pa, size, pe.ldLo, pe.ldHi, attrs);
  }

  /** `MemorySystem.readTranslated`: the cacheable hit path with the PA in a local, else `read`. */
  readTranslated(pe: Pe, size: number): void {
    const pa = pe.tPa;
    const attrs = pe.tAttrs;
    if (attrs.cacheable && (pa & 63) + size <= LINE_SIZE && !this.readHook.active && !this.isDevice(pa)) this.readInLine(pe, pa, size, attrs);
    else this.read(pe, pa, size, attrs);
  }

  /** `MemorySystem.writeTranslated`: `write` with the operands from the PE's fields. */
  writeTranslated(pe: Pe, size: number): void {
    this.write(pe, pe.tPa, size, pe.stLo, pe.stHi, pe.tAttrs);
  }

  /** A cacheable read within one line by a PE: the L1 hit path, else a fill through the coherence domain. */
  private readInLine(pe: Pe, pa: number, size: number, attrs: MemAttrs): void {
    const off = pa & 63;
    const line = pa - off;
    const c = this.l1[pe.id];
    let l = c.find(line, attrs);
    if (l === undefined) {
      this.curPc = pe.pc;
      l = acquire(this, c, pe.id, line, attrs, false, 'read', pe);
    }
    l.lru = ++this.tick;
    if (c.marks[l.index] !== (Mark.All as number)) c.touch(l.index);
    if (l.staleByStep >= 0 && !l.staleReported && this.cacheHooks.staleHit.active) this.cacheHooks.staleHit.emit(pe, pa, size, attrs, l);
    if ((off & (size - 1)) === 0 && size >= 4) {
      // Aligned word or doubleword: whole 32-bit words of the cache's data (line.ts `Cache.words`).
      const w = c.words;
      const k = l.index * LINE_WORDS + (off >>> 2);
      pe.ldLo = w[k];
      pe.ldHi = size === 8 ? w[k + 1] : 0;
      return;
    }
    loadBytes(pe, l.data, off, size);
  }

  write(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    if (this.watch.any) this.watch.check(pe, pa, size, lo, hi, attrs);
    if (this.writeHook.active) this.writeHook.emit(pe, pa, size, lo, hi, attrs);
    this.store(pe, (pa / PA_SPLIT) | 0, pa & (PA_SPLIT - 1), size, lo, hi, attrs);
  }

  /** The write itself (reported and watched already by `write`) at PA `paHigh` * PA_SPLIT + `paLow` (config.ts `PA_SPLIT`). */
  private store(pe: Pe | undefined, paHigh: number, paLow: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    const pa = paHigh * PA_SPLIT + paLow;
    const off = pa & 63;
    const line = pa - off;
    if (pa < this.codeHi && pa + size > this.codeLo) this.icache.noteWrite(pa, size);
    if (!attrs.cacheable || pe === undefined || this.isDevice(pa)) {
      this.writeBypass(pe, pa, size, lo, hi, attrs);
      return;
    }
    if (off + size > LINE_SIZE) {
      this.storeSplit(pe, pa, size, lo, hi, attrs);
      return;
    }
    const c = this.l1[pe.id];
    let l = c.find(line, attrs);
    this.curPc = pe.pc;
    if (attrs.inner === 'wt') {
      this.storeThrough(pe, pa, size, lo, hi, attrs, l);
      return;
    }
    if (l === undefined) {
      l = acquire(this, c, pe.id, line, attrs, true, 'write', pe);
      markForeignStale(this, pe, line, attrs, l);
    } else if (l.state !== LineState.M) {
      if (l.state !== LineState.E) invalidateOthers(this, pe.id, line, attrs, l, 'snoop invalidate');
      this.setState(l, LineState.M, 'write', pe.id);
      markForeignStale(this, pe, line, attrs, l);
    }
    l.lru = ++this.tick;
    if (c.marks[l.index] !== (Mark.All as number)) c.touch(l.index);
    if ((off & (size - 1)) === 0 && size >= 4) {
      // Aligned word or doubleword: whole 32-bit words, as `readInLine`.
      const w = c.words;
      const k = l.index * LINE_WORDS + (off >>> 2);
      w[k] = lo;
      if (size === 8) w[k + 1] = hi;
    } else writeBytes(l.data, off, size, lo, hi);
    l.writePe = pe.id;
    l.writePc = pe.pc;
    l.writeStep = this.stepFn() + 1;
  }

  /** A write across lines: a byte at a time (the slow paths are kept out of `store`, which V8 then compiles tighter). */
  private storeSplit(pe: Pe, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    for (let i = 0; i < size; i++) {
      const a = pa + i;
      this.store(pe, (a / PA_SPLIT) | 0, a & (PA_SPLIT - 1), 1, i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff, 0, attrs);
    }
  }

  /** Write-through: memory is updated too, so the copy `l` (if any) never becomes dirty (no write-allocate). */
  private storeThrough(pe: Pe, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs, l: CacheLine | undefined): void {
    const off = pa & 63;
    const line = pa - off;
    invalidateOthers(this, pe.id, line, attrs, l, 'write-through snoop');
    if (l !== undefined) {
      l.touch();
      l.lru = ++this.tick;
      writeBytes(l.data, off, size, lo, hi);
    }
    this.backing.store(pe, pa, size, lo, hi);
    markForeignStale(this, pe, line, attrs, l);
  }

  private readSplit(pe: Pe, pa: number, size: number, attrs: MemAttrs): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < size; i++) {
      this.readInLine(pe, pa + i, 1, attrs);
      if (i < 4) lo |= pe.ldLo << (8 * i);
      else hi |= pe.ldLo << (8 * (i - 4));
    }
    pe.ldLo = lo >>> 0;
    pe.ldHi = hi >>> 0;
  }

  /** Non-cacheable, Device, MMIO and non-PE reads: straight to the memory side. */
  private readBypass(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): void {
    this.backing.read(pe, pa, size, attrs);
    if (pe !== undefined && this.dirtyCopies > 0 && this.cacheHooks.bypassRead.active && !this.isDevice(pa)) this.cacheHooks.bypassRead.emit(pe, pa, size, attrs);
  }

  /** Non-cacheable, Device, MMIO and non-PE writes: to memory, behind every cached copy of the lines. */
  private writeBypass(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    this.backing.store(pe, pa, size, lo, hi);
    if (!this.anyCached || this.isDevice(pa)) return;
    // Every valid copy of the line now holds older data than memory (nothing snoops a bypassing write).
    const first = pa - (pa & 63);
    const last = pa + size - 1 - ((pa + size - 1) & 63);
    const step = this.stepFn() + 1;
    for (let line = first; line <= last; line += LINE_SIZE) {
      const n = this.collect(line);
      if (n === 0) continue;
      for (let i = 0; i < n; i++) {
        const cp = this.tmp[i];
        if (cp.staleByStep < 0) {
          cp.touch();
          cp.staleByPe = pe?.id ?? -1;
          cp.staleByPc = pe?.pc ?? NaN;
          cp.staleByStep = step;
          cp.staleByAttrs = attrs;
          cp.staleReported = false;
        }
      }
      if (this.cacheHooks.bypassWrite.active) this.cacheHooks.bypassWrite.emit(pe, pa, size, attrs, line);
    }
  }

  /** Every valid copy of `line` in every cache into `this.tmp[0..n)`; returns n (no allocation, no `length` writes). */
  collect(line: number): number {
    const out = this.tmp;
    let n = 0;
    const caches = this.caches;
    for (let k = 0; k < caches.length; k++) {
      const c = caches[k];
      const base = ((line >>> 6) & c.setMask) * c.ways;
      const tags = c.tags;
      for (let i = base, end = base + c.ways; i < end; i++) if (tags[i] === line) out[n++] = c.lines[i];
    }
    return n;
  }

  /** Change a copy's MOESI state, keeping the dirty count and telling `lineState` subscribers. */
  setState(l: CacheLine, to: LineState, cause: string, peId: number): void {
    const from = l.state;
    if (from === to) return;
    const wasDirty = from === LineState.M || from === LineState.O;
    const isD = to === LineState.M || to === LineState.O;
    if (wasDirty !== isD) this.dirtyCopies += isD ? 1 : -1;
    l.touch();
    l.state = to;
    l.cache.tags[l.index] = to === LineState.I ? -1 : l.pa;
    const hook = this.cacheHooks.lineState;
    if (hook.active) hook.emit(l, from, to, cause, peId, this.curPc);
  }

  // ---- maintenance (maintenance.ts), barriers, instruction side --------------------

  maintainByVa(pe: Pe, op: string, pa: number, attrs: MemAttrs): void {
    maintainByVa(this, pe, op, pa, attrs);
  }

  maintainBySetWay(pe: Pe, op: string, setWay: bigint): void {
    maintainBySetWay(this, pe, op, setWay);
  }

  instructionCacheMaintenance(pe: Pe, op: string, pa: number | undefined): void {
    instructionCacheMaintenance(this, pe, op, pa);
  }

  barrier(pe: Pe, kind: BarrierKind, domain: string): void {
    if (this.hooks.barrier.active) this.hooks.barrier.emit(pe, kind, domain);
  }

  fetchInstr(pe: Pe, pa: number, attrs: MemAttrs): Instr | undefined {
    return this.icache.fetch(pe, pa, attrs);
  }

  get instructionGeneration(): number {
    return this.icache.generation;
  }

  /** The word the instruction side sees at `pa` for `pe`: the data at the PoU (Arm ARM D7.4.6). */
  readWordAtPoU(pe: Pe, pa: number, attrs: MemAttrs): number {
    const line = pa - (pa & 63);
    const off = pa & 63;
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

  cacheByName(name: string): Cache | undefined {
    const n = name.toLowerCase();
    return this.caches.find((c) => c.name.toLowerCase() === n);
  }

  // ---- views (views.ts): what reports, expectations and front ends read ---------------

  /** Every valid copy of the line holding `pa`, in every cache (innermost first). */
  linesOf(pa: number): LineCopyView[] {
    return linesOf(this, pa);
  }

  /** Per-cache contents for reports and the debugger's caches scope. */
  summaries(): CacheSummary[] {
    return summaries(this);
  }

  /** `size` bytes at `pa` as a cacheable read by PE `pe` would return them, without changing any state. */
  readAsSeenBy(pe: number, pa: number, size: number, attrs?: MemAttrs): bigint {
    return readAsSeenBy(this, pe, pa, size, attrs);
  }

  /** `size` bytes of main memory (what a non-cacheable observer reads). */
  readMain(pa: number, size: number): bigint {
    return readMain(this, pa, size);
  }

  /** engine/report.ts `InspectableMemory`: every valid copy per cache. */
  cacheReport(): ReturnType<typeof cacheReport> {
    return cacheReport(this);
  }

  /** engine/report.ts `InspectableMemory`: memory expectations (`mem[…]`, `… as pe N`). */
  inspect(pa: number, size: number, view: 'main' | { pe: number }): bigint {
    return view === 'main' ? this.readMain(pa, size) : this.readAsSeenBy(view.pe, pa, size);
  }

  /** engine/report.ts: the memory-mapped devices behind the caches (UART output in reports). */
  devices(): ReturnType<FlatMemorySystem['devices']> {
    return this.backing.devices();
  }

  // ---- checkpoints (checkpoint.ts) -----------------------------------------------------

  stateHash(): number {
    return hashHierarchy(this);
  }

  /** The exploration's fingerprint (component/state.ts): way-independent once `hashWaysBySet` was called. */
  explorationHash(): number {
    return hashHierarchy(this, true);
  }

  /** Keep the way-independent fingerprint (checkpoint.ts `hashWaysBySet`) for `explorationHash` from now on. */
  hashWaysBySet(): void {
    hashWaysBySet(this);
  }

  snapshot(): unknown {
    return captureHierarchy(this);
  }

  restore(s: unknown): void {
    restoreHierarchy(this, s);
  }
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

/** An unaligned (or byte, halfword) load of `size` bytes at `off` of a line's data `d` into the PE's ldLo/ldHi. */
function loadBytes(pe: Pe, d: Uint8Array, off: number, size: number): void {
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
