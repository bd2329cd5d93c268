/**
 * The instruction contract between the assembler and the PE.
 *
 * The assembler turns one source line into an `Instr` whose `exec` is a
 * closure specialised at assembly time (operands already decoded), so the
 * PE's step loop does no parsing: it fetches the Instr for the PC and calls
 * `exec(pe)`. `exec` reads and writes registers through the PE's hot-path
 * accessors, sets `pe.nextPc` for branches, and throws `SyncException`
 * (simulator/pe/exception.ts) for synchronous exceptions.
 */
import type { Pe } from '../pe/pe';
import type { AsmLine, Diagnostic, SourceRange } from '../util/source';
import type { Flow } from './decodetree/types';

export interface Instr {
  /** Canonical lower-case mnemonic, e.g. `add`, `b.eq`, `ldr`, `msr`. */
  readonly mnemonic: string;
  /** Canonical assembly text (used by disassembly views). */
  readonly text: string;
  /** A64 encoding when the assembler knows it (differential tests, memory image, disassembly). */
  readonly encoding?: number;
  /** 0-based source line of the scenario this came from (undefined for decoded memory words). */
  line?: number;
  /** Executes the instruction on `pe` (a function property: the block engine keeps it apart from the Instr and calls it). */
  readonly exec: (pe: Pe) => void;
  /**
   * How the instruction may change the flow of execution (decodetree/types.ts `Flow`), for the
   * block engine; absent (an Instr not from the tables) counts as `system`.
   */
  readonly flow?: Flow;
  /**
   * ESR_ELx ISS bits [24:14] (ISV, SAS, SSE, SRT, SF, AR) this instruction reports when its access
   * takes a stage-2 Data Abort to EL2; 0 for the instructions the architecture gives ISV=0.
   */
  readonly iss?: number;
}

/** What the assembler needs from the scenario layer while assembling one line. */
export interface AsmContext {
  /** Address of this instruction. */
  pc: bigint;
  /** Resolve a label or constant; undefined when it does not exist. */
  resolve(name: string): bigint | undefined;
  /** Reserve a literal-pool slot for `ldr Xt, =value` and return its address. */
  literal(value: bigint, size: 4 | 8): bigint;
  /** Report a problem at a range of this line. */
  report(range: SourceRange, message: string, rule?: string, severity?: 'error' | 'warning'): void;
  /** Exception level the code is expected to run at, when known (for EL-access diagnostics). */
  el?: number;
  /** Why the code runs at `el` when the scenario did not say (`PE 0 starts here at EL1`), appended to EL-access messages. */
  elReason?: string;
}

export type Assembler = (line: AsmLine, ctx: AsmContext) => Instr | undefined;

export type { Diagnostic };
