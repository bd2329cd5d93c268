/**
 * The translation contract. The PE asks the MMU to translate every access;
 * the MMU writes the result into the PE's out-fields (`tPa`, `tAttrs`) to
 * avoid an allocation per access, or throws a SyncException (a fault).
 */
import type { Pe } from '../pe/pe';

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
  /** Called when translation-relevant state changed (system register write, ISB): drop cached config. */
  invalidateConfig?(pe: Pe): void;
  /**
   * TLB maintenance (Arm ARM D8.13 "TLB maintenance instructions"). `op` is lower-case
   * (`vmalle1is`, `vae1`, `ipas2e1is`, `alle2`…); `operand` is Xt when the op takes one.
   * Broadcast (IS/OS) variants affect every PE's TLB in the domain.
   */
  tlbi?(pe: Pe, op: string, operand: bigint | undefined): void;
  /** AT instruction (D8.14 "Address translation instructions"): returns the PAR_EL1 value. */
  addressTranslate?(pe: Pe, op: string, va: number): bigint;
}
