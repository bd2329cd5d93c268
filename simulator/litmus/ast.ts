/**
 * A herd7 litmus test (AArch64) as the reader understands it: the header
 * and its metadata lines, the initial state, one column of instructions per
 * thread, the observed `locations`, the `filter` and the final condition.
 * Every node keeps its source range (0-based lines and columns, as the
 * scenario model) so refusals point at the construct they name.
 *
 * The format is herd7's (herdtools7 `lib/splitter.mll`, `lib/stateParser.mly`):
 * this file holds the facts the reader keeps, not herd's code.
 */
import type { SourceRange } from '../scenario/model';

export type { SourceRange };

/** A location's address, or what a register or memory word may hold besides a number. */
export type SymbolicValue =
  /** The virtual address of location `sym` (`0:X1=x`). */
  | { kind: 'va'; sym: string }
  /** The physical address of `sym`'s page (`PA(x)`, `phy_x`). */
  | { kind: 'pa'; sym: string }
  /** The address of `sym`'s last-level translation table descriptor (`PTE(x)`, `pte_x`, `TTD(x)`). */
  | { kind: 'pte-address'; sym: string };

/** A page table entry value, herd7's fields (lib/AArch64PteVal.ml): every field not written keeps its default. */
export interface PteValue {
  /** Output address: the physical page of a location, or a descriptor's own table page (`PTE(x)` as an OA). */
  oa: { kind: 'pa' | 'pte-address'; sym: string };
  /** Bit 0: the descriptor is valid (default 1). */
  valid: number;
  /** AF, bit 10 (default 1). */
  af: number;
  /** "Dirty bit": 1 when the page is writable, i.e. AP[2] = 0 (default 1). */
  db: number;
  /** DBM, bit 51 (default 0). */
  dbm: number;
  /** AP[1], bit 6: EL0 may access the page (default 1). */
  el0: number;
  /** Executable: 1 when UXN, bit 54, is 0 (default 1). */
  x: number;
  /** Memory attributes as written (`Normal`, `ISH`, `iWB`, `oWB`, `Device-nGnRE`…); empty is herd's default, Normal Inner Shareable Write-Back. */
  attrs: string[];
}

export type LitmusValue =
  | { kind: 'int'; value: bigint }
  | SymbolicValue
  | { kind: 'pte'; pte: PteValue };

/** What a state binding, a condition atom or a `locations` item names. */
export type LitmusLocation =
  /** Register `reg` (0..30, written Xn or Wn) of thread `thread`. */
  | { kind: 'reg'; thread: number; reg: number }
  /** The memory word at location `sym` (`x`, `[x]`). */
  | { kind: 'mem'; sym: string }
  /** The descriptor of `sym`'s page (`[PTE(x)]`, `pte_x`). */
  | { kind: 'pte'; sym: string };

/** One entry of the `{ … }` block: `[TYPE] LOCATION [= VALUE]`. */
export interface InitEntry {
  loc: LitmusLocation;
  /** The C type written before it (`int`, `uint64_t`, `pteval_t`…), if any. */
  type?: string;
  /** Absent: the default (zero, or for a PTE the identity mapping). */
  value?: LitmusValue;
  range: SourceRange;
}

export interface Instruction {
  /** Labels before it in its cell (`L0:`), as written. */
  labels: string[];
  /** The instruction text, comments removed; empty for a label-only or empty cell. */
  text: string;
  range: SourceRange;
}

export interface Thread {
  id: number;
  /** Cells top to bottom, empty cells left out. */
  code: Instruction[];
  /** The `Pn` header cell. */
  range: SourceRange;
}

/** herd7's fault types (lib/faultType.ml) the reader accepts in conditions and `locations`. */
export type FaultType = 'MMU:Translation' | 'MMU:AccessFlag' | 'MMU:Permission' | 'D-MMU:Translation' | 'D-MMU:AccessFlag' | 'D-MMU:Permission' | 'UndefinedInstruction';

/** `fault(P0:L0, x, MMU:Translation)`: thread, optional label, location and fault type. */
export interface FaultAtom {
  kind: 'fault';
  thread: number;
  label?: string;
  /** The location whose access faults (`x`), or its descriptor (`PTE(x)`). */
  loc?: { kind: 'mem' | 'pte'; sym: string };
  type?: FaultType;
  range: SourceRange;
}

export type Atom = { kind: 'eq'; loc: LitmusLocation; value: LitmusValue; range: SourceRange } | FaultAtom;

export type Prop =
  | { kind: 'atom'; atom: Atom }
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'not'; operand: Prop }
  | { kind: 'and' | 'or'; operands: Prop[] }
  | { kind: 'implies'; left: Prop; right: Prop };

export type Quantifier = 'exists' | '~exists' | 'forall';

export interface Condition {
  quantifier: Quantifier;
  prop: Prop;
  range: SourceRange;
}

export type LocationItem = { kind: 'loc'; loc: LitmusLocation; type?: string; range: SourceRange } | FaultAtom;

export interface LitmusTest {
  /** `AArch64`. */
  arch: string;
  name: string;
  /** The optional quoted string after the name. */
  doc?: string;
  /** `key=value` lines before the initial state, in order (`Variant=vmsa`, `EL0=P0`, `Generator=…`). */
  info: { key: string; value: string; range: SourceRange }[];
  init: InitEntry[];
  threads: Thread[];
  locations: LocationItem[];
  filter?: Prop;
  condition: Condition;
  /** Every location name the test mentions (initial state, registers, condition), in order of first mention. */
  symbols: string[];
}

/** Why a text is not read as a test (`syntax`, `not-litmus`) or not run (`unsupported`). Never a verdict. */
export interface LitmusDiagnostic {
  kind: 'syntax' | 'not-litmus' | 'unsupported';
  message: string;
  range: SourceRange;
}

/** Register 0..30 of a thread, as herd prints it (`0:X1`). */
export function regName(thread: number, reg: number): string {
  return `${thread}:X${reg}`;
}
