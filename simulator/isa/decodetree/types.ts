/**
 * Instructions as data (the model is QEMU's decodetree): every A64 encoding the
 * simulator knows is one `Encoding` row of a class table (`simulator/isa/classes/*`)
 * holding
 *   - its bit pattern with named fields (`pattern`, Arm ARM C4.1 "A64 instruction set encoding"),
 *   - its assembler syntax and preferred disassembly (`forms`, aliases first, as the Arm ARM's
 *     "Alias conditions" order them),
 *   - its semantics (`exec`: a closure specialised on the decoded fields, Arm ARM C6.2 pseudocode),
 *   - for loads and stores, the instruction syndrome a stage-2 Data Abort reports (`syndrome`).
 * The decoder (decode tree), the encoder (operand matcher), the disassembler and the mnemonic
 * list are all derived from these rows (decodetree/*.ts); nothing else knows an encoding.
 */
import type { Pe } from '../../pe/pe';
import type { AsmContext } from '../instr';
import type { AsmError, Operands } from '../operands';
import type { SourceRange } from '../../util/source';

/** Named field values of one instruction word (plus `_name` scratch values while assembling). */
export type Fields = Record<string, number>;

/** The execution closure of one decoded instruction (Arm ARM C6.2 pseudocode, specialised). */
export type Exec = (pe: Pe) => void;

/**
 * How an instruction may change the flow of execution, for the block engine (pe/block.ts):
 * `register` reads and writes only general registers and PSTATE.{N,Z,C,V} (no memory, no PC, no
 * system register, never an exception: data processing, Arm ARM C4.1.86 and C4.1.90), so nothing
 * else can observe it before the next instruction; `plain` never writes `pe.nextPc` and never
 * calls the system model (it may still raise a synchronous exception, e.g. a Data Abort); `branch`
 * may write `pe.nextPc`; `system` calls the system model (MSR/MRS, exception generation, barriers,
 * maintenance, hints), which can change translation, interrupt masking or the PE's run state, so
 * it always executes alone.
 */
export type Flow = 'register' | 'plain' | 'branch' | 'system';

/** What a disassembler printer knows besides the fields: the instruction's address. */
export interface PrintContext {
  pc: bigint;
}

/** The assembler's cursor over one line's operands while a form is tried. */
export interface AsmState {
  readonly ops: Operands;
  readonly ctx: AsmContext;
  /** The mnemonic as written (lower-case). */
  readonly mnemonic: string;
  /** Index of the next operand to consume. */
  i: number;
  /** Source ranges of what codecs parsed, by field name (for checks that point at an operand). */
  readonly at: Record<string, SourceRange>;
  /** Warnings (rule `el-access`) reported only if this form is the one assembled. */
  readonly warnings: { range: SourceRange; message: string }[];
  /** The source text at a range of this line (e.g. a base register as written). */
  source(range: SourceRange): string;
  /**
   * Rule this form out with `e` without throwing (the codec returns at once after): the matcher
   * tries forms that fail on many ordinary lines (ADD's shifted-register form for `add x0, sp, x1`,
   * MOVZ for `mov x0, #-1`), and a thrown exception costs microseconds. Throwing works too.
   */
  reject(e: AsmError): void;
  /** The error `reject` recorded for the form being tried. */
  readonly failure: AsmError | undefined;
}

/**
 * One operand position of a form: how it is written, read (assembler) and printed (disassembler).
 * A codec may consume one operand or, for optional trailing parts (`{, lsl #12}`), one more.
 */
export interface Codec {
  /** Usage text as completion and hover show it, e.g. `rd|sp`, `#imm{, lsl #12}`, `[xn|sp{, #imm}]`. */
  readonly usage: string;
  /** Smallest and largest number of source operands this codec consumes. */
  readonly min: number;
  readonly max: number;
  /**
   * Whether operand text `t` (trimmed) could be the `k`-th operand this codec reads (k = 0 first):
   * a shape test only (register / immediate / memory / word), used to choose candidate forms.
   */
  shape(t: string, k: number): boolean;
  /** Read operands at `a.i`, set fields, advance `a.i`. Throws AsmError, or calls `a.reject` and returns. */
  parse(a: AsmState, f: Fields): void;
  /** Operand text for the disassembly, or undefined when the operand is omitted (an optional default). */
  print(f: Fields, p: PrintContext): string | undefined;
  /** Whether decoded fields can be written with this operand (a width rule that selects other fields); default yes. */
  fits?(f: Fields): boolean;
}

/** One assembler syntax of an encoding, which is also a candidate for its disassembly. */
export interface Form {
  readonly mnemonic: string;
  readonly operands: readonly Codec[];
  /** Field values this form implies (alias constants, e.g. CMP: Rd = 31, S = 1). */
  readonly fixed: Readonly<Fields>;
  /**
   * "Should be one" fields the syntax cannot express (Ra of SMULH, Rs/Rt2 of the exclusives):
   * written as given when assembling, ignored when decoding (as hardware and objdump do).
   */
  readonly ignored: Readonly<Fields>;
  /** Alias condition over the fields (Arm ARM "Alias conditions"): the preferred disassembly only when it holds. */
  readonly when?: (f: Fields) => boolean;
  /** The assembler takes this form only when it holds (MOV (to/from SP) needs SP); otherwise another form is tried. */
  readonly asmWhen?: (f: Fields) => boolean;
  /** Only for disassembly (e.g. a raw form the assembler spells differently). */
  readonly disasmOnly?: boolean;
  /** Only for assembly (GNU as conveniences such as BIC with an immediate). */
  readonly asmOnly?: boolean;
  /** Assembly-time check after every operand was read (CONSTRAINED UNPREDICTABLE overlaps). */
  readonly check?: (f: Fields, a: AsmState) => void;
  /**
   * Mnemonic family for the mnemonic list when not the mnemonic itself, with its suffixes:
   * `ldadd{a|l|al}{b|h}` covers `ldaddalb`….
   */
  readonly family?: string;
  /**
   * Where the assembler tries this form among the forms of its mnemonic (lower first; table
   * order otherwise): GNU as picks MOV (immediate) as MOVZ, then MOVN, then ORR.
   */
  readonly asmOrder: number;
}

/** One encoding of a class table. */
export interface Encoding {
  /** Arm ARM name of the encoding, e.g. `ADD (immediate)`. */
  readonly name: string;
  /** Bit pattern, most significant bit first: `0`/`1` fixed, `name:N` an N-bit field. */
  readonly pattern: string;
  /** Allocated field combinations beyond the fixed bits (reserved values → not this encoding). */
  readonly valid?: (f: Fields) => boolean;
  /** How the instruction may change the flow of execution (by field values when it depends on them, e.g. NOP among the hints). */
  readonly flow: Flow | ((f: Fields) => Flow);
  /** Semantics: the closure for these field values. */
  readonly exec: (f: Fields) => Exec;
  /** Syntaxes, preferred disassembly first. */
  readonly forms: readonly Form[];
  /**
   * Load/store forms that report an instruction syndrome in a stage-2 Data Abort (ESR_ELx ISS
   * ISV=1 with SAS, SSE, SRT, SF, AR): the ISS bits [24:14] for these fields; absent when the
   * architecture gives ISV=0 (pairs, exclusives, atomics, writeback, non-load/store instructions).
   */
  readonly syndrome?: (f: Fields) => number;
}

/** One instruction class: its encodings and the summary of each mnemonic (hover, completion). */
export interface InstrClass {
  /** Arm ARM name of the encoding group, e.g. `Data Processing -- Immediate`. */
  readonly name: string;
  /** Mnemonic group for completion lists. */
  readonly group: 'data-processing' | 'branch' | 'load-store' | 'system';
  readonly encodings: readonly Encoding[];
  /** One-line summary of every mnemonic (or mnemonic family) the forms of this class use. */
  readonly docs: Readonly<Record<string, string>>;
}
