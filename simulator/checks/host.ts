/**
 * What the checkers need from the machine (engine/machine.ts `Machine`
 * satisfies it structurally): its components and their hook points, and the
 * shared way they report: one finding per (rule, line, related lines), with
 * the lines of both sides named.
 */
import type { Firmware, FirmwareHooks } from '../firmware/firmware';
import type { MemoryHooks } from '../memory/hooks';
import type { MemorySystem } from '../memory/system';
import type { ShareabilityDomains } from '../memory/shareability';
import type { MmuHooks } from '../mmu/types';
import type { PeHooks } from '../pe/hooks';
import type { Pe } from '../pe/pe';
import type { RuleId } from '../arch/rules';
import type { Finding, FindingSeverity } from '../trace/events';
import { hex } from '../util/hex';

export interface CheckerHost {
  readonly pes: Pe[];
  readonly memory: MemorySystem;
  readonly firmware: Firmware | undefined;
  /** The hook points the checkers subscribe to. */
  readonly hooks: { readonly pe: PeHooks; readonly memory: MemoryHooks; readonly mmu: MmuHooks; readonly firmware: FirmwareHooks | undefined };
  readonly steps: number;
  /** Findings so far (truncated by the machine when it restores a checkpoint). */
  readonly findings: readonly Finding[];
  addFinding(f: Finding): void;
  requestStop(reason: string): void;
  /** 0-based source line of the instruction at a PC (with `pe`: the one that PE last fetched there), if known. */
  lineOfPc(pc: number, pe?: number): number | undefined;
  /** The shareability domains of the machine (the scenario's inner_domain); absent: every PE in one Inner Shareable domain. */
  readonly shareability?: ShareabilityDomains;
}

export interface Related {
  line: number | undefined;
  message: string;
}

/**
 * Where a write came from, for messages: a source line, or the built-in
 * firmware's FF-A handling (its stores run at the vector, which has no line)
 * named with the call and the line of the SMC/HVC that made it.
 */
export interface WriteSite {
  /** The line to point at (the write, or the call the firmware was handling). */
  line: number | undefined;
  /** As a sentence subject: `line 65`, `the SPMC (built-in, S-EL2) handling FFA_MEM_RETRIEVE_REQ from 0x8001 at line 97`. */
  subject: string;
  /** After "written": `at line 65`, `by the SPMC (built-in, S-EL2) handling …`. */
  written: string;
  /** Written by built-in firmware (then `line` is the line of the call it was handling). */
  firmware: boolean;
}

/** An FF-A call the built-in firmware handled (from `ffa-call` trace events), by step. */
interface FirmwareCall {
  pe: number;
  el: number;
  fn: string;
  caller: number;
  line: number | undefined;
  detail?: string;
}

export class FindingSink {
  private seen = new Set<string>();
  /** Firmware calls by the step they were handled at (the `ffa-call` event's step). */
  private fwCalls = new Map<number, FirmwareCall[]>();

  constructor(private readonly host: CheckerHost) {}

  lineOf(pc: number): number | undefined {
    return Number.isNaN(pc) ? undefined : this.host.lineOfPc(pc);
  }

  /** Remember an FF-A call handled by built-in firmware; `el` is the PE's EL while handling it (2: SPMC, 3: monitor). */
  noteFirmwareCall(step: number, call: FirmwareCall): void {
    let list = this.fwCalls.get(step);
    if (list === undefined) this.fwCalls.set(step, (list = []));
    list.push(call);
  }

  /** Time travel: calls after `step` have not happened (yet) in the restored history. */
  forgetFirmwareCallsAfter(step: number): void {
    for (const k of this.fwCalls.keys()) if (k > step) this.fwCalls.delete(k);
  }

  /** Where the write by PE `pe` at PC `pc` during step `step` (numbered as trace events are: the step it completes) happened. */
  writeSite(pe: number, pc: number, step: number): WriteSite {
    const line = this.lineOf(pc);
    // Built-in firmware stores run inside the one PE step that took the SMC/HVC (with the PC at the call, or at
    // a vector without code): the `ffa-call` event of that step names what it was doing.
    const call = this.fwCalls.get(step)?.find((c) => c.pe === pe && (line === undefined || c.line === line));
    if (call !== undefined) {
      const who = call.el === 3 ? 'the EL3 monitor (built-in)' : call.el === 2 ? 'the SPMC (built-in, S-EL2)' : 'the built-in firmware';
      const subject = `${who} handling ${call.fn} from ${hex(call.caller, 4)}${call.line !== undefined ? ` at line ${call.line + 1}` : ''}${call.detail ? ` (${call.detail})` : ''}`;
      return { line: call.line, subject, written: `by ${subject}`, firmware: true };
    }
    if (line !== undefined) return { line, subject: `line ${line + 1}`, written: `at line ${line + 1}`, firmware: false };
    return { line: undefined, subject: 'an unknown line', written: 'at an unknown line', firmware: false };
  }

  /** "line N" (1-based, as users read it) or a fallback. */
  where(line: number | undefined, fallback = 'an unknown line'): string {
    return line === undefined ? fallback : `line ${line + 1}`;
  }

  report(rule: RuleId, severity: FindingSeverity, message: string, line: number | undefined, related: Related[], pe?: number, pa?: number): void {
    const rel = related.filter((r): r is { line: number; message: string } => r.line !== undefined);
    const relLines = rel.map((r) => r.line);
    const key = `${rule}|${line}|${relLines.join(',')}`;
    // Seen before and still in the machine's list (time travel truncates the list: then report again).
    if (this.seen.has(key) && this.host.findings.some((f) => f.rule === rule && f.line === line && f.related.join(',') === relLines.join(','))) return;
    this.seen.add(key);
    this.host.addFinding({
      rule,
      severity,
      message,
      line,
      related: rel.map((r) => r.line),
      relatedInfo: rel,
      pe,
      step: this.host.steps,
      ...(pa !== undefined ? { pa } : {}),
    });
  }

}
