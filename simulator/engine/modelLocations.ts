/**
 * Which memory locations Arm's concurrency model holds (promising.ts; docs/memory-model.md "In the engine",
 * "Translation in the model"): by PA, each with its size, the attributes of its first model access and its initial
 * value (timestamp 0 of the message list).
 *
 * A location enters the model at its first model access (an explicit access to Normal memory) — or, for the
 * translation table descriptors the scenario names (`explore { descriptors … }`), when the machine is built: a
 * walk of such a descriptor is a read of the message list from the first step on, as herd7 holds every `PTE(x)`
 * of a VMSA litmus test from its initial state. A descriptor only entering the model later may have been walked
 * before, its result cached in a TLB outside the model: then every PE's TLBs forget what they cached (the model
 * chooses from now on; Arm ARM D8.13: a TLB may drop an entry at any time).
 *
 * A location entering the model changes how every later access and walk of it is served (in or outside the model,
 * and which size and attributes stay outside), so the explorer orders it against them (`entered`; footprint.ts), and
 * the set held is part of the state (`hashInto`), as are the descriptors walked outside the model so far.
 */
import { FingerprintSum } from '../component/fingerprint';
import { Hook } from '../component/hook';
import type { MemAttrs } from '../memory/attributes';
import type { FingerprintSink } from '../memory/ordering';
import type { PhysicalMemory } from '../memory/physical';
import { readPhysical } from '../memory/system';

export interface Loc {
  size: number;
  /** The label of the attributes of its first model access; undefined: a descriptor held from the build, served for every Normal access. */
  attrs: string | undefined;
  lo: number;
  hi: number;
}

export interface LocationsSnapshot {
  readonly locs: Map<number, Loc>;
  readonly outside: ReadonlySet<number>;
  readonly sumA: number;
  readonly sumB: number;
}

/** Kinds of part in the fingerprint sum (key `pa * 0x20 + kind`: below 2^53 for every PA below 2^48): a held location, a descriptor walked outside. */
const HELD = 0x10;
const OUTSIDE = 0x11;

export class ModelLocations {
  /** Never changed in place (snapshots share it): a location entering the model makes a new map. */
  private locs = new Map<number, Loc>();
  /** Descriptors walks read in this execution before the model held them (never changed in place either). */
  private outside: ReadonlySet<number> = new Set();
  /** The fingerprint of `locs` and `outside`: an order-independent sum, updated as parts are added. */
  private readonly sum = new FingerprintSum();
  /** Counts the changes (the model's hash memo compares it). */
  generation = 0;
  /** A location entered the model (`pa`); `forgot`: every PE's TLBs forgot their translations with it. */
  readonly entered = new Hook<(pa: number, forgot: boolean) => void>('model location entered');

  constructor(
    private readonly physical: PhysicalMemory,
    private readonly mmioRanges: readonly { base: number; size: number }[],
    /** Every PE's TLBs forget what they cached. */
    private readonly forgetTranslations: () => void,
    descriptors: readonly number[],
    /** No descriptor is ever written and the TLBs are no state (`MachineOptions.fixedSystem`): walks outside need no record. */
    private readonly fixedSystem: boolean,
  ) {
    for (const pa of descriptors) if (pa % 8 === 0 && !this.locs.has(pa)) this.add(pa, 8, undefined);
  }

  get(pa: number): Loc | undefined {
    return this.locs.get(pa);
  }

  /** The model's location at `pa` for an access of `size` with `attrs` (entering the model on first use), or undefined (mixed sizes, MMIO, other attributes). */
  of(pa: number, size: number, attrs: MemAttrs): Loc | undefined {
    if (pa % size !== 0) return undefined;
    for (const r of this.mmioRanges) if (pa >= r.base && pa < r.base + r.size) return undefined;
    let l = this.locs.get(pa);
    if (l === undefined) {
      // Another location overlapping this one (mixed sizes) keeps the access outside the model.
      for (const [q, o] of this.locs) if (q < pa + size && pa < q + o.size) return undefined;
      l = this.add(pa, size, attrs.label);
      // A descriptor walked before the model held it: the TLBs forget what they cached (the model chooses from now on).
      const forgot = this.outside.has(pa);
      if (forgot) this.forgetTranslations();
      if (this.entered.active) this.entered.emit(pa, forgot);
    }
    return l.size === size && (l.attrs === undefined || l.attrs === attrs.label) ? l : undefined;
  }

  /** A walk read the descriptor at `pa` outside the model (the model does not hold it as one 8-byte location). */
  walkedOutside(pa: number): void {
    if (this.fixedSystem || this.outside.has(pa)) return;
    this.outside = new Set(this.outside).add(pa);
    this.sum.add(pa * 0x20 + OUTSIDE, 0);
    this.generation++;
  }

  private add(pa: number, size: number, attrs: string | undefined): Loc {
    const out = { ldLo: 0, ldHi: 0 };
    readPhysical(this.physical, pa, size, out);
    const l: Loc = { size, attrs, lo: out.ldLo, hi: out.ldHi };
    this.locs = new Map(this.locs).set(pa, l);
    this.sum.add(pa * 0x20 + HELD, size);
    this.generation++;
    return l;
  }

  snapshot(): LocationsSnapshot {
    return { locs: this.locs, outside: this.outside, sumA: this.sum.a, sumB: this.sum.b };
  }

  restore(s: LocationsSnapshot): void {
    this.locs = s.locs;
    this.outside = s.outside;
    this.sum.set(s.sumA, s.sumB);
    this.generation++;
  }

  /** The locations held and the descriptors walked outside (sizes included; attributes follow from the accesses). */
  hashInto(h: FingerprintSink): void {
    h.word(this.sum.a);
    h.word(this.sum.b);
    h.word(this.locs.size);
    h.word(this.outside.size);
  }
}
