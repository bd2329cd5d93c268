/**
 * The translation contract. The PE asks the MMU to translate every access;
 * the MMU writes the result into the PE's out-fields (`tPa`, `tAttrs`) to
 * avoid an allocation per access, or throws a SyncException (a fault).
 */
import { Hook } from '../component/hook';
import type { Pe } from '../pe/pe';
import type { MemAttrs } from '../memory/attributes';
import type { MemorySystem } from '../memory/system';
import type { TlbEntry } from './tlb';

/** What kind of access is being translated (affects permission checks and ESR.WnR/S1PTW). */
export const enum AccessType {
  Read = 0,
  Write = 1,
  Fetch = 2,
  /** Cache maintenance by VA (DC xVAC): translated like a read, never a permission fault on write (D7.5). */
  Maintenance = 3,
}

export interface Mmu {
  /**
   * Translate `va` for `pe` in its current regime. On success sets `pe.tPa`
   * and `pe.tAttrs`. On failure throws SyncException with ESR, FAR (and HPFAR's IPA) filled in.
   * `size` is the access size in bytes (alignment checks).
   */
  translate(pe: Pe, va: number, size: number, access: AccessType): void;
  /**
   * Whether translating any VA of `va`'s 4 KB page for `access` again (aligned) gives the same
   * `pe.tPa`/`pe.tAttrs` as the translation just made, with no fault and nothing reported, until the
   * direct-page generation (memory/direct.ts), the PE's `sysregGen`, EL or PSTATE.PAN change. Absent: never.
   */
  repeats?(pe: Pe, va: number, access: AccessType): boolean;
  /** Called when translation-relevant state changed (system register write, ISB): drop cached config. */
  invalidateConfig?(pe: Pe): void;
  /**
   * TLB maintenance (Arm ARM D8.13 "TLB maintenance instructions"). `op` is lower-case
   * (`vmalle1is`, `vae1`, `ipas2e1is`, `alle2`…); `operand` is Xt when the op takes one.
   * Broadcast (IS/OS) variants affect every PE's TLB in the domain.
   */
  tlbi?(pe: Pe, op: string, operand: bigint | undefined): void;
  /** Drop every translation the PE's TLBs cache (the memory model chooses translations itself: engine/promising.ts). */
  forgetTranslations?(pe: Pe): void;
  /** AT instruction (D8.14 "Address translation instructions"): returns the PAR_EL1 value. */
  addressTranslate?(pe: Pe, op: string, va: number): bigint;
  /** Walk steps, TLB uses and TLB maintenance as they happen (checkers, views subscribe). */
  readonly hooks?: MmuHooks;
}

/**
 * The MMU's hook points (component/hook.ts). Nothing is built for them while
 * nobody subscribes.
 */
export interface MmuHooks {
  /** A walk read one descriptor (after the read; `read` is scratch, valid during the call: see `MmuObserver`). */
  readonly walkStep: Hook<(pe: Pe, read: WalkRead) => void>;
  /** A translation was served from the main TLB instead of a walk (not reported for micro-TLB hits: see `MmuObserver`). */
  readonly tlbUse: Hook<(pe: Pe, use: TlbUse) => void>;
  /** A TLBI is about to act (`op` lower-case, `operand` Xt when the op takes one). */
  readonly tlbi: Hook<(pe: Pe, op: string, operand: bigint | undefined) => void>;
  /**
   * A walk's result was cached in PE `pe`'s TLB (after the walk steps of the
   * descriptors it read): stage-2 entries, then the combined entry, with `s2` the
   * stage-2 entry a combined entry was built from (undefined: no stage 2, or a
   * stage-2 entry itself) — a stage-2 descriptor is cached in both. The
   * break-before-make checker follows which descriptors each entry holds. (The
   * link is an argument, not an entry field: a combined entry holding its stage-2
   * entry made every fill's allocation several times dearer, issue #11.)
   */
  readonly tlbFill: Hook<(pe: Pe, entry: TlbEntry, s2: TlbEntry | undefined) => void>;
}

export function mmuHooks(): MmuHooks {
  return { walkStep: new Hook('walk step'), tlbUse: new Hook('TLB use'), tlbi: new Hook('TLBI'), tlbFill: new Hook('TLB fill') };
}

/** One translation-table descriptor read by a walk (through `MemorySystem.read` with `attrs`). */
export interface WalkRead {
  /** Physical address of the descriptor. */
  pa: number;
  /** Descriptor value as read, 32-bit halves. */
  lo: number;
  hi: number;
  /** Walk attributes (TCR_ELx.{IRGNn,ORGNn,SHn} or VTCR_EL2.{IRGN0,ORGN0,SH0}, combined with stage 2 for stage-1 walks). */
  attrs: MemAttrs;
  stage: 1 | 2;
  level: number;
  /** VA being translated, and the IPA for stage-2 walks. */
  va: number;
  ipa?: number;
}

/** A translation served from a TLB entry (not from a walk). */
export interface TlbUse {
  va: number;
  pa: number;
  attrs: MemAttrs;
  /** Lookup levels the cached entry came from (-1 when that stage was off). */
  level: number;
  s2level: number;
}

/**
 * What a walk reports to (the walkers' parameter): the MMU passes its hooks'
 * subscribers, or a view's own listener for a side-effect-free probe walk.
 * `onWalkRead` is called for every descriptor read, after the read, with a scratch `WalkRead`
 * (the same object for every read: copy what you keep; it is only valid during the call).
 * `onTlbUse` is called when a translation is taken from the main TLB instead of a walk;
 * the micro-TLB in front of it (hot path) does not report repeated uses of the same
 * entry until the system registers, the EL or PSTATE.PAN change, or a TLBI.
 */
export interface MmuObserver {
  onWalkRead?(pe: Pe, read: WalkRead): void;
  onTlbUse?(pe: Pe, use: TlbUse): void;
  /** Where this walk reads (and writes back) descriptors; default the PE's memory system. A probe gives a read-only one. */
  memory?: Pick<MemorySystem, 'read' | 'write'>;
}
