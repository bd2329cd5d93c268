/**
 * The scenario model: what the parser produces and everything downstream
 * (engine, CLI, language server, debug adapter) consumes. Every node keeps its
 * source range so diagnostics, hovers and stack frames point at the text.
 *
 * Lines and columns are 0-based (LSP convention); the CLI prints them 1-based.
 * Source positions, diagnostics and assembly lines are util/source.ts's (the
 * assembler below the scenario layer speaks them too); fault kinds are the PE's.
 */
import type { AsmLine, Diagnostic, SourceRange } from '../util/source';
import type { FaultKind } from '../pe/exception';

export type { SourcePosition, SourceRange, Severity, RelatedLocation, Diagnostic, AsmLine } from '../util/source';
export type { FaultKind } from '../pe/exception';

export type SecurityState = 'nonsecure' | 'secure';
export type ExceptionLevel = 0 | 1 | 2 | 3;

/** A numeric value in the scenario that may be a literal, a symbol or an expression. */
export interface ValueExpr {
  text: string;
  range: SourceRange;
  /**
   * Resolved value once symbols are known (undefined while unresolved or on error).
   * Values with a known destination width (register initial values, expected
   * register/memory values, event writes) are stored unsigned in that width
   * (`x0 = -1` → 0xffff_ffff_ffff_ffff); others are the exact expression value.
   */
  value?: bigint;
}

export interface MemoryRegionDecl {
  name: string;
  base: bigint;
  size: bigint;
  /** Only accessible from the Secure world when true. */
  secure: boolean;
  range: SourceRange;
}

export interface DeviceDecl {
  name: string;
  /** Device model, e.g. `uart`, `pl011`, `gic`, `timer`. */
  model: string;
  base: bigint;
  size: bigint;
  /** Interrupt ID the device raises, if any. */
  irq?: number;
  range: SourceRange;
}

export interface SystemConfig {
  pes: number;
  clusters: number;
  /** Cluster index of each PE (length `pes`). */
  clusterOf: number[];
  memory: MemoryRegionDecl[];
  devices: DeviceDecl[];
  cacheModel: 'on' | 'off';
  speculation: 'none' | 'adversarial';
  maxSteps: number;
  seed: number;
  /** Settings in `system { … }` not known to the core (memory-system and firmware issues read these). */
  settings: Map<string, SettingDecl>;
  range?: SourceRange;
}

export interface SettingDecl {
  key: string;
  args: string[];
  range: SourceRange;
}

export interface RegisterInit {
  /** Lower-case register name as written: `x0`, `sp`, `sp_el1`, `hcr_el2`, `pstate.daif`. */
  name: string;
  value: ValueExpr;
  range: SourceRange;
}

export interface PeDecl {
  /** PE indices this block configures (`pe 1-3 { … }` gives [1,2,3]). */
  ids: number[];
  el?: ExceptionLevel;
  security?: SecurityState;
  entry?: ValueExpr;
  registers: RegisterInit[];
  range: SourceRange;
}

/** One line of a code/data block, split but not yet assembled. */
export interface CodeBlock {
  /** `code` or `data` — same syntax, different intent. */
  kind: 'code' | 'data';
  name?: string;
  base: ValueExpr;
  /** `code … at ADDR el N`: the exception level this code runs at (enables EL-access diagnostics). */
  el?: ExceptionLevel;
  lines: AsmLine[];
  range: SourceRange;
}

export interface SymbolDef {
  name: string;
  kind: 'label' | 'constant';
  value?: bigint;
  range: SourceRange;
  /** For labels: the code block that defines it. */
  block?: CodeBlock;
}

/** One use of a label or constant name (operand, value, entry, expectation…), for references and go-to-definition. */
export interface SymbolRef {
  name: string;
  range: SourceRange;
}

export interface EventDecl {
  name?: string;
  trigger:
    | { kind: 'step'; step: number }
    | { kind: 'reach'; pe: number; target: ValueExpr }
    /**
     * `condition COND`: fires when COND becomes true (checked before every step;
     * with `every`, each time it becomes true again). COND is the debugger's
     * condition syntax: `x5 == 3` (PE 0), `pe1.esr_el2 != 0`, `mem32[FLAG] == 1`.
     */
    | { kind: 'condition'; condition: string; range: SourceRange }
    /**
     * A window (`between step A and B`, `after BOUND [before BOUND]`,
     * `before BOUND`, `anytime`): the event fires once, at a moment of the
     * explorer's choosing while the window is open (docs/explore.md); `run`
     * fires it as soon as the window opens.
     */
    | { kind: 'window'; after?: EventBound; before?: EventBound };
  action: EventAction;
  /**
   * `every`: fire every time the trigger holds, not only the first time —
   * each time the PE reaches the target, or at steps N, 2N, 3N… for `step N`.
   */
  repeat: boolean;
  range: SourceRange;
}

/** One end of an event window: a step count, or a PE arriving at a label or address. */
export type EventBound = { kind: 'step'; step: number } | { kind: 'reach'; pe: number; target: ValueExpr };

export type EventAction =
  | { kind: 'irq'; intid: number; pe?: number }
  | { kind: 'fill'; address: ValueExpr; cache: string }
  | { kind: 'write'; address: ValueExpr; value: ValueExpr; size: 1 | 2 | 4 | 8 }
  /** `uart [NAME] input "TEXT"`: characters arrive on a UART's receive line (simulator/devices/uart.ts). */
  | { kind: 'uart-input'; device?: string; text: string; range: SourceRange };

/** One observation of the final state: what an expectation line, or an operand of a condition, tests. */
export type ExpectAtom =
  | { kind: 'register'; pe: number; register: string; op: '==' | '!='; value: ValueExpr; range: SourceRange; text: string }
  | { kind: 'memory'; address: ValueExpr; size: 1 | 2 | 4 | 8; op: '==' | '!='; value: ValueExpr; range: SourceRange; text: string; view?: 'main' | { pe: number } }
  | { kind: 'no-fault'; range: SourceRange; text: string }
  | {
      kind: 'fault';
      fault: FaultKind;
      stage?: 1 | 2;
      level?: number;
      /** `at el N`: the exception level the faulting instruction executed at (FaultRecord.fromEl). */
      el?: ExceptionLevel;
      /** `to el N`: the exception level the fault was taken to (FaultRecord.el). */
      toEl?: ExceptionLevel;
      pe?: number;
      /** `at LABEL|ADDR`: the faulting instruction's address or the faulting virtual address. */
      at?: ValueExpr;
      range: SourceRange;
      text: string;
    }
  | { kind: 'finding'; rule: string; negate: boolean; range: SourceRange; text: string }
  | { kind: 'no-finding'; range: SourceRange; text: string }
  | { kind: 'halted'; pe: number; range: SourceRange; text: string };

/** A condition over several atoms (herd-style final-state conditions): `&&`, `||`, `!`/`not`, parentheses. */
export type ExpectFormula =
  | { kind: 'atom'; atom: ExpectAtom }
  | { kind: 'and' | 'or'; left: ExpectFormula; right: ExpectFormula }
  | { kind: 'not'; operand: ExpectFormula };

/**
 * How an expectation quantifies over executions (docs/explore.md): `always E`
 * holds when E holds at the end of every execution, `sometimes E` when it
 * holds at the end of at least one, `never E` when it holds at the end of
 * none. A plain expectation is `always`. `armscope run` sees one execution:
 * it checks `always` and `never` on it and reports `sometimes` as seen or not
 * (one run cannot refute it); `armscope explore` decides all three.
 */
export type Quantifier = 'always' | 'sometimes' | 'never';

/** herd7's spelling of a quantified condition: `exists (C)` is `sometimes C`, `~exists (C)` is `never C`, `forall (C)` is `always C`. */
export type HerdQuantifier = 'exists' | '~exists' | 'forall';

interface Quantified {
  /** Absent: a plain expectation (`always` under explore). */
  quantifier?: Quantifier;
  /** Written in herd7's form (`exists (…)`, `~exists (…)`, `forall (…)`). */
  herd?: HerdQuantifier;
}

/** One line of `expect { … }`: an atom, or a condition over several, optionally quantified. */
export type Expectation = (ExpectAtom & Quantified) | ({ kind: 'condition'; formula: ExpectFormula; range: SourceRange; text: string } & Quantified);

/** A block the core parser does not know (e.g. `pagetable`, `partition`): kept for later layers. */
export interface GenericBlock {
  keyword: string;
  args: { text: string; range: SourceRange }[];
  /** Body statements, one per line, already split into words. */
  body: { words: { text: string; range: SourceRange }[]; range: SourceRange }[];
  range: SourceRange;
}

/**
 * The assembled program: what the engine loads. Built by the scenario layer
 * (layout + `isa` assembler) during parsing, so diagnostics see it too.
 */
export interface Program {
  /** Instructions by physical address (code is placed at physical addresses). */
  instrs: Map<number, import('../isa/instr').Instr>;
  /** Initial memory image: data directives, literal pools and instruction encodings. */
  chunks: { address: number; bytes: Uint8Array; line?: number }[];
  /** Source line (0-based) of each address that holds code or data, for views and reports. */
  lineOf: Map<number, number>;
}

export interface ScenarioModel {
  file: string;
  title?: string;
  system: SystemConfig;
  pes: PeDecl[];
  code: CodeBlock[];
  constants: Map<string, SymbolDef>;
  /** Labels and constants by name (lower-case labels are case-sensitive as in GNU as). */
  symbols: Map<string, SymbolDef>;
  events: EventDecl[];
  expectations: Expectation[];
  blocks: GenericBlock[];
  program: Program;
  diagnostics: Diagnostic[];
  /** Every use of a symbol name in the scenario (defined or not), in text order per pass. */
  refs?: SymbolRef[];
  /** Source text (kept for front ends that need line text). */
  text: string;
}

export function rangeOf(line: number, col: number, endCol: number, endLine = line): SourceRange {
  return { start: { line, col }, end: { line: endLine, col: endCol } };
}
