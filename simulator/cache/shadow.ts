/**
 * Shadow of memory as a flat, coherent system would hold it: every write, in
 * step order, whatever its attributes. It is the checkers' oracle for "the
 * latest value written" (a walk that read something else read a stale
 * descriptor) and remembers, per 8-byte granule, which PE wrote it last and
 * from which PC.
 *
 * Pages are created at the first write by copying physical memory: until a
 * page is written, no cache can hold dirty data for it, so physical memory is
 * the latest value then. They are copy-on-write (component/pages.ts), like
 * physical memory: a checkpoint shares them and costs the pages written since
 * the previous one; the fingerprint rehashes only pages written since it last ran.
 */
import { digestWords, laneA, laneB } from '../component/fingerprint';
import { PagedStore, type FrozenPages } from '../component/pages';
import { PAGE_SIZE, type PhysicalMemory } from '../memory/physical';

interface ShadowPage {
  bytes: Uint8Array;
  /** `bytes` as 32-bit words (little-endian host, as memory/flat.ts): aligned words are written whole. */
  words: Uint32Array;
  pc: Float64Array;
  pe: Int16Array;
  step: Float64Array;
}

const GRANULES = PAGE_SIZE / 8;

function shadowPage(bytes: Uint8Array, pc: Float64Array, pe: Int16Array, step: Float64Array): ShadowPage {
  return { bytes, words: new Uint32Array(bytes.buffer, bytes.byteOffset, PAGE_SIZE / 4), pc, pe, step };
}

function copyPage(p: ShadowPage): ShadowPage {
  return shadowPage(p.bytes.slice(), p.pc.slice(), p.pe.slice(), p.step.slice());
}

/**
 * Digest of a page: its bytes and which PE wrote each granule last (the rules
 * decide by the writer). The PC and step of each write are provenance for
 * findings' messages, not state: executions that wrote the same values in
 * another order are in the same state.
 */
function digestPage(p: ShadowPage): number {
  const b = digestWords(p.words);
  return digestWords(new Int32Array(p.pe.buffer, p.pe.byteOffset, GRANULES / 2), laneA(b), laneB(b));
}

export class ShadowMemory {
  private readonly store: PagedStore<ShadowPage>;

  constructor(private readonly physical: PhysicalMemory) {
    this.store = new PagedStore<ShadowPage>({
      create: (no) => {
        const src = this.physical.page(no * PAGE_SIZE, false);
        return shadowPage(
          src ? src.slice() : new Uint8Array(PAGE_SIZE),
          new Float64Array(GRANULES).fill(NaN),
          new Int16Array(GRANULES).fill(-1),
          new Float64Array(GRANULES).fill(-1),
        );
      },
      copy: copyPage,
      digest: digestPage,
    });
  }

  private page(pa: number, create: boolean): ShadowPage | undefined {
    return this.store.page(Math.floor(pa / PAGE_SIZE), create);
  }

  write(pe: number, pc: number, step: number, pa: number, size: number, lo: number, hi: number): void {
    const off0 = pa & (PAGE_SIZE - 1);
    if (off0 + size <= PAGE_SIZE && (off0 & 7) + size <= 8) {
      // Within one granule (the common case): one page lookup, one granule record.
      const p = this.page(pa, true)!;
      if ((off0 & (size - 1)) === 0 && size >= 4) {
        p.words[off0 >>> 2] = lo;
        if (size === 8) p.words[(off0 >>> 2) + 1] = hi;
      } else {
        const b = p.bytes;
        for (let i = 0; i < size; i++) b[off0 + i] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      }
      const g = off0 >>> 3;
      p.pc[g] = pc;
      p.pe[g] = pe;
      p.step[g] = step;
      return;
    }
    for (let i = 0; i < size; i++) {
      const a = pa + i;
      const p = this.page(a, true)!;
      const off = a % PAGE_SIZE;
      p.bytes[off] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      const g = off >>> 3;
      p.pc[g] = pc;
      p.pe[g] = pe;
      p.step[g] = step;
    }
  }

  /** True when some write reached this granule's page (otherwise physical memory is the latest value). */
  written(pa: number): boolean {
    const p = this.page(pa, false);
    return p !== undefined && p.step[(pa % PAGE_SIZE) >>> 3] >= 0;
  }

  /** Latest value of `size` bytes at `pa` (little-endian, as a bigint: only used on slow paths). */
  value(pa: number, size: number): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const a = pa + i;
      const p = this.page(a, false);
      const b = p ? p.bytes[a % PAGE_SIZE] : this.physical.readU8(a);
      v = (v << 8n) | BigInt(b);
    }
    return v;
  }

  /** Who last wrote the granule holding `pa`. */
  writer(pa: number): { pe: number; pc: number; step: number } | undefined {
    const p = this.page(pa, false);
    if (!p) return undefined;
    const g = (pa % PAGE_SIZE) >>> 3;
    if (p.step[g] < 0) return undefined;
    return { pe: p.pe[g], pc: p.pc[g], step: p.step[g] };
  }

  /** Pages copied because a checkpoint shared them (tests). */
  get pagesCopied(): number {
    return this.store.copies;
  }

  /** Capture for checkpoints: shares every page with the live shadow (copy-on-write). */
  snapshot(): unknown {
    return this.store.freeze();
  }

  /** Nothing written yet (the state at attach time). */
  clear(): void {
    this.store.reset();
  }

  restore(s: unknown): void {
    this.store.thaw(s as FrozenPages<ShadowPage>);
  }

  /** Fingerprint of every written page: bytes and who wrote each granule (53 bits; costs the pages written since the last call). */
  stateHash(): number {
    return this.store.digest();
  }
}
