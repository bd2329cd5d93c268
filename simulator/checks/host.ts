/**
 * What the checkers need from the machine (engine/machine.ts `Machine`
 * satisfies it structurally), and the shared way they report: one finding per
 * (rule, line, related lines), with the lines of both sides named.
 */
import type { MemorySystem } from '../memory/system';
import type { Mmu } from '../mmu/types';
import type { Pe } from '../pe/pe';
import type { TraceBus } from '../trace/bus';
import type { Finding, FindingSeverity } from '../trace/events';

export interface CheckerHost {
  readonly pes: Pe[];
  readonly memory: MemorySystem;
  readonly mmu: Mmu;
  readonly trace: TraceBus;
  readonly steps: number;
  /** Findings so far (truncated by the machine when it restores a checkpoint). */
  readonly findings: readonly Finding[];
  addFinding(f: Finding): void;
  /** 0-based source line of the instruction at a PC, if known. */
  lineOfPc(pc: number): number | undefined;
}

export interface Related {
  line: number | undefined;
  message: string;
}

export class FindingSink {
  private seen = new Set<string>();

  constructor(private readonly host: CheckerHost) {}

  lineOf(pc: number): number | undefined {
    return Number.isNaN(pc) ? undefined : this.host.lineOfPc(pc);
  }

  /** "line N" (1-based, as users read it) or a fallback. */
  where(line: number | undefined, fallback = 'an unknown line'): string {
    return line === undefined ? fallback : `line ${line + 1}`;
  }

  report(rule: string, severity: FindingSeverity, message: string, line: number | undefined, related: Related[], pe?: number): void {
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
    });
  }

}
