/**
 * `cache_model off`: flat, coherent physical memory (what a conventional
 * simulator does — DESIGN.md "Memory system model"). Every access goes
 * straight to PhysicalMemory whatever its attributes, except accesses that
 * fall in a memory-mapped device's range, which the device handles.
 *
 * Hot path: one range check against the union of device ranges, then the
 * PhysicalMemory one-page cache. No allocation per access.
 */
import type { Pe } from '../pe/pe';
import type { MemAttrs } from './attributes';
import { hashValue, StateHasher } from '../component/state';
import { invalidateDirectPages } from './direct';
import { memoryHooks, type BarrierKind, type MemoryHooks } from './hooks';
import { PAGE_SIZE, pageOffset, PhysicalMemory, type MemorySnapshot } from './physical';
import { readPhysical, writePhysical, type MemorySystem } from './system';
import { WriteWatch } from './watch';

/** A memory-mapped device: register reads and writes at an offset from its base. */
export interface MmioDevice {
  readonly name: string;
  /** Read `size` bytes at `offset`; result in out.ldLo/ldHi. `pe`: the accessing PE (undefined for agents outside the PEs). */
  read(offset: number, size: number, out: { ldLo: number; ldHi: number }, pe?: Pe): void;
  write(offset: number, size: number, lo: number, hi: number, pe?: Pe): void;
  snapshot?(): unknown;
  restore?(s: unknown): void;
}

interface FlatSnapshot {
  pages: MemorySnapshot;
  devices: unknown[];
}

interface Mapping {
  base: number;
  end: number;
  device: MmioDevice;
}

export class FlatMemorySystem implements MemorySystem {
  readonly physical: PhysicalMemory;
  private mappings: Mapping[] = [];
  /** Bounds of the union of device ranges; empty (lo > hi) when there are none. */
  private devLo = Infinity;
  private devHi = -Infinity;
  private scratch = { ldLo: 0, ldHi: 0 };
  /**
   * Direct-mapped cache of page arrays (16 entries by page number), so PEs
   * working on different pages do not thrash PhysicalMemory's one-entry
   * cache. Holds 32-bit views for aligned word accesses (little-endian host,
   * as every platform Node runs on). Only pages that exist are cached. Pages
   * are copy-on-write: a slot filled for reading may hold a page shared with
   * a checkpoint, so writes need `writable` (a page obtained for writing);
   * physical memory says when cached pages must be dropped (`onPagesChanged`).
   */
  private readonly pageNo = new Float64Array(16).fill(-1);
  private readonly writable = new Uint8Array(16);
  private readonly pageU32: (Uint32Array | undefined)[] = new Array<Uint32Array | undefined>(16).fill(undefined);
  readonly hooks: MemoryHooks = memoryHooks();
  readonly watch = new WriteWatch();

  constructor(physical = new PhysicalMemory()) {
    this.physical = physical;
    // A page given out by `directWords` may be replaced or frozen; a new subscriber must see every access.
    this.hooks.read.onChange = invalidateDirectPages;
    this.hooks.write.onChange = invalidateDirectPages;
    physical.onPagesChanged((no) => {
      invalidateDirectPages();
      if (no < 0) this.flushPageCache();
      else if (this.pageNo[no & 15] === no) this.pageNo[no & 15] = -1;
    });
  }

  /** Map a device at [base, base+size). */
  mapDevice(base: number, size: number, device: MmioDevice): void {
    this.mappings.push({ base, end: base + size, device });
    this.devLo = Math.min(this.devLo, base);
    this.devHi = Math.max(this.devHi, base + size);
    invalidateDirectPages();
  }

  /** `MemorySystem.directWords`: a page of RAM (no device in it) that no hook and no watched range observes. */
  directWords(pa: number, write: boolean): Uint32Array | undefined {
    const base = pa - pageOffset(pa);
    if (base < this.devHi && base + PAGE_SIZE > this.devLo) return undefined;
    if (write ? this.hooks.write.active || this.watch.watched(base / PAGE_SIZE) : this.hooks.read.active) return undefined;
    const i = this.slot(pa, write);
    return i < 0 ? undefined : this.pageU32[i];
  }

  devices(): readonly MmioDevice[] {
    return this.mappings.map((m) => m.device);
  }

  private mappingAt(pa: number): Mapping | undefined {
    for (const m of this.mappings) if (pa >= m.base && pa < m.end) return m;
    return undefined;
  }

  /**
   * The cache slot holding `pa`'s page, loading it (for writing: private and created when absent); -1
   * when the page does not exist. Only the hit is here, so V8 inlines it into every access.
   */
  private slot(pa: number, write: boolean): number {
    const no = Math.floor(pa / PAGE_SIZE);
    const i = no & 15;
    if (this.pageNo[i] === no && (!write || this.writable[i] === 1)) return i;
    return this.fillSlot(pa, no, i, write);
  }

  /** Fill slot `i` with page `no` (holding `pa`): `slot`'s miss. */
  private fillSlot(pa: number, no: number, i: number, write: boolean): number {
    const p = this.physical.page(pa, write);
    if (p === undefined) return -1;
    this.pageNo[i] = no;
    this.writable[i] = write ? 1 : 0;
    this.pageU32[i] = p.byteOffset % 4 === 0 ? new Uint32Array(p.buffer, p.byteOffset, PAGE_SIZE / 4) : undefined;
    return i;
  }

  read(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): void {
    const out = pe ?? this.scratch;
    if (pa >= this.devLo && pa < this.devHi) {
      const m = this.mappingAt(pa);
      if (m !== undefined) {
        m.device.read(pa - m.base, size, out, pe);
        if (this.hooks.read.active) this.hooks.read.emit(pe, pa, size, out.ldLo, out.ldHi, attrs);
        return;
      }
    }
    const off = pageOffset(pa);
    if ((off & (size - 1)) === 0 && size >= 4) {
      // Aligned word/doubleword inside one page: one or two 32-bit loads.
      const i = this.slot(pa, false);
      const w = i < 0 ? undefined : this.pageU32[i];
      if (i < 0) {
        out.ldLo = 0;
        out.ldHi = 0;
      } else if (w !== undefined) {
        out.ldLo = w[off >>> 2];
        out.ldHi = size === 8 ? w[(off >>> 2) + 1] : 0;
      } else readPhysical(this.physical, pa, size, out);
    } else readPhysical(this.physical, pa, size, out);
    if (this.hooks.read.active) this.hooks.read.emit(pe, pa, size, out.ldLo, out.ldHi, attrs);
  }

  write(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    if (this.watch.any) this.watch.check(pe, pa, size, lo, hi, attrs);
    if (this.hooks.write.active) this.hooks.write.emit(pe, pa, size, lo, hi, attrs);
    this.store(pe, pa, size, lo, hi);
  }

  /**
   * The write itself, unobserved: the memory side of the cache hierarchy (whose
   * own `write` already reported the access) and `write` use it.
   */
  store(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number): void {
    if (pa >= this.devLo && pa < this.devHi) {
      const m = this.mappingAt(pa);
      if (m !== undefined) {
        m.device.write(pa - m.base, size, lo, hi, pe);
        return;
      }
    }
    const off = pageOffset(pa);
    const w = (off & (size - 1)) === 0 && size >= 4 ? this.pageU32[this.slot(pa, true)] : undefined;
    if (w !== undefined) {
      w[off >>> 2] = lo;
      if (size === 8) w[(off >>> 2) + 1] = hi;
    } else writePhysical(this.physical, pa, size, lo, hi);
  }

  /** No buffered writes or caches here: a barrier has nothing to complete, but it is reported (memory/hooks.ts). */
  barrier(pe: Pe, kind: BarrierKind, domain: string): void {
    if (this.hooks.barrier.active) this.hooks.barrier.emit(pe, kind, domain);
  }

  /** Forget cached page arrays (physical memory replaced or froze its pages). */
  flushPageCache(): void {
    this.pageNo.fill(-1);
    this.pageU32.fill(undefined);
  }

  /** Checkpoints (component/state.ts `Snapshottable`): memory contents (copy-on-write pages) and device state. */
  snapshot(): unknown {
    const s: FlatSnapshot = {
      pages: this.physical.snapshot(),
      devices: this.mappings.map((m) => (m.device.snapshot ? m.device.snapshot() : undefined)),
    };
    return s;
  }

  /**
   * Fingerprint of the device state (engine `Snapshottable.stateHash`). Physical
   * memory is left out: the machine hashes it once, whatever the memory system.
   */
  stateHash(): number {
    const h = new StateHasher();
    for (const m of this.mappings) {
      h.num(m.base).str(m.device.name);
      if (m.device.snapshot) hashValue(h, m.device.snapshot());
    }
    return h.value();
  }

  restore(s: unknown): void {
    const snap = s as FlatSnapshot;
    this.physical.restore(snap.pages);
    this.mappings.forEach((m, i) => {
      if (m.device.restore) m.device.restore(snap.devices[i]);
    });
  }
}
