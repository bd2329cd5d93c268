/**
 * What a run tells its observers. Every front end (CLI report, language-server
 * background run, debug adapter, timeline view) consumes the same stream.
 *
 * Values that are 64-bit architectural quantities (ESR, FAR, register values)
 * are bigints: events are rare compared to instructions, and exactness matters
 * more than speed here. The per-instruction kinds (`instruction`,
 * `memory-access`) are opt-in: nothing builds them unless someone listens
 * (see `TraceBus.wants`).
 */
import type { RuleId } from '../arch/rules';
import type { ExceptionLevel, FaultKind } from '../scenario/model';

/** A fault or exception taken, as reports and expectations see it. */
export interface FaultRecord {
  pe: number;
  /** Fault classification (`translation`, `permission`, …) or `undefined` for a non-fault exception. */
  kind?: FaultKind;
  /** EL the exception was taken to. */
  el: ExceptionLevel;
  /** EL the PE was executing at when it took the exception. */
  fromEl: ExceptionLevel;
  esr: bigint;
  far?: bigint;
  stage?: 1 | 2;
  level?: number;
  /** Faulting virtual address (= FAR when the syndrome reports one). */
  va?: bigint;
  /** Intermediate physical address for stage-2 faults (HPFAR_EL2 carries its page). */
  ipa?: bigint;
  /**
   * Physical address the faulting access translated to, when its translation produced one
   * (permission, access-flag and alignment faults after a successful walk); undefined for translation faults.
   */
  pa?: bigint;
  /** PC of the instruction that caused it (the preferred return address). */
  pc: bigint;
  /** 0-based source line of that instruction. */
  line?: number;
  /** Machine step at which it was taken. */
  step: number;
  reason?: string;
  /** Exception type (`sync`, `irq`, …). */
  type: 'sync' | 'irq' | 'fiq' | 'virq' | 'vfiq' | 'serror';
  /** False when the vector held no code and the PE stopped. */
  handled: boolean;
}

export type FindingSeverity = 'error' | 'warning' | 'info';

/** A checker's verdict: which architectural rule a run broke and where. */
export interface Finding {
  /** A rule of the registry (simulator/arch/rules.ts): reporters cannot invent ids. */
  rule: RuleId;
  severity: FindingSeverity;
  message: string;
  /** 0-based source line of the primary location (e.g. the read that saw stale data). */
  line?: number;
  /** Other lines involved (e.g. the write that was not made visible). */
  related: number[];
  /** The same lines with what each one did (`related[i]` ↔ `relatedInfo[i]` when present), for related-information views. */
  relatedInfo?: { line: number; message: string }[];
  pe?: number;
  step?: number;
  /** The physical address the finding is about (the access, the descriptor), when there is one. */
  pa?: number;
}

/**
 * One entry of a PE's call chain, innermost first (engine/callChain.ts): an
 * FF-A call between endpoints (from the firmware) or an exception the PE is
 * still handling. Front ends show the chain as a call stack.
 */
export interface ChainEntry {
  kind: 'ffa' | 'exception';
  /** One-line label, e.g. `FFA_MSG_SEND_DIRECT_REQ 0x0001→0x8001 (SPMC, S-EL2)` or `Data Abort (lower EL) EC 0x24 EL1→EL2`. */
  label: string;
  /** The caller's code location: the instruction that called / was interrupted (sign-extended VA form), if known. */
  pc?: number;
  /** 0-based scenario line of that instruction. */
  line?: number;
  /** EL and security state the caller ran at. */
  fromEl?: number;
  toEl?: number;
  secure?: boolean;
  /** Machine step at which the call or exception happened. */
  step?: number;
  /** FF-A: function name, endpoints, arguments. */
  ffa?: { function: string; caller?: number; callee?: number; args?: bigint[] };
  /** Exception: the syndrome and its exception class. */
  esr?: bigint;
  ec?: number;
}

/**
 * A call the built-in firmware handled (simulator/firmware): an FF-A call, a Hafnium HVC, or a firmware action
 * (secure interrupt injection, managed exit, partition abort). `caller`/`callee` are FF-A endpoint IDs;
 * `args` are x1…; `result` says what the caller got or who runs next.
 */
export interface FirmwareCall {
  step: number;
  pe: number;
  function: string;
  fid: number;
  caller: number;
  callee?: number;
  args: bigint[];
  result: string;
  /** 0-based scenario line of the calling instruction. */
  line?: number;
  /** What the firmware did for the call, for findings that name its writes (e.g. `mapping handle 0x1 into 0x8001's stage 2`). */
  detail?: string;
}

export type TraceEvent =
  | { kind: 'instruction'; step: number; pe: number; pc: number; line?: number; text: string }
  | { kind: 'exception'; step: number; fault: FaultRecord }
  | { kind: 'sysreg-write'; step: number; pe: number; register: string; value: bigint; line?: number }
  | { kind: 'memory-access'; step: number; pe?: number; pa: number; size: number; write: boolean; lo: number; hi: number; attrs: string }
  | {
      kind: 'cache-line';
      step: number;
      /** Cache name, e.g. `L1D.pe0`, `L2.cluster0`. */
      cache: string;
      /** Line-aligned physical address. */
      pa: number;
      from: string;
      to: string;
      /** Attributes of the copy (`Normal-WB ISH`). */
      attrs?: string;
      cause?: string;
      pe?: number;
      /** 0-based source line of the instruction that caused the change, when one did. */
      line?: number;
    }
  | { kind: 'finding'; step: number; finding: Finding }
  | { kind: 'event-fired'; step: number; index: number; line: number; description: string }
  | { kind: 'halted'; step: number; pe: number; reason: string }
  | ({ kind: 'ffa-call' } & FirmwareCall)
  | { kind: 'expectation'; line: number; text: string; held: boolean; detail?: string }
  /**
   * The GIC (simulator/gic): an interrupt became pending, was acknowledged (ICC_IAR or the firmware), had its
   * priority dropped (EOI) or was deactivated. `pe`: the PE (redistributor or CPU interface), absent for an SPI
   * becoming pending; `group` `0`/`1s`/`1ns`; `priority` as the distributor holds it; `line` of the PE's instruction.
   */
  | { kind: 'interrupt'; step: number; pe?: number; intid: number; what: 'pending' | 'acknowledge' | 'eoi' | 'deactivate'; group: '0' | '1s' | '1ns'; priority: number; line?: number };

export type TraceKind = TraceEvent['kind'];
export type TraceListener<K extends TraceKind = TraceKind> = (event: Extract<TraceEvent, { kind: K }>) => void;
