/**
 * The background run: debounced after edits, performed by the worker
 * (workerPool.ts: off the main thread, bounded in steps, wall time and
 * memory), cancelled by the next edit. Its report becomes diagnostics at the
 * lines involved: faults, failed expectations, checker findings (with
 * `relatedInformation` for the other lines), an exhausted step budget, a run
 * stopped at its time limit.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { faultLine } from '../simulator/cli/format';
import type { RunReport } from '../simulator/engine/report';
import { hasErrors } from '../simulator/engine/run';
import type { Analysis } from './analysis';
import type { JobOutcome, RunSettings } from './backgroundJobs';
import { lineRange } from './convert';
import { barrierFixFor } from './knowledge';
import { LIVE_RUN_TIMEOUT_MS } from './limits';
import type { WorkerPool } from './workerPool';

export type { RunSettings } from './backgroundJobs';

export interface LiveDiagnosticData {
  /** Line after which a quick fix inserts barriers (the write that was not made visible). */
  fixLine?: number;
  insert?: string[];
}

/** The report of a run as diagnostics at the lines it involves. */
export function reportDiagnostics(a: Analysis, report: RunReport): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  const seen = new Set<string>();
  const add = (d: LspDiagnostic): void => {
    const key = `${d.range.start.line}:${d.code}:${d.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  };
  const related = (lines: number[], message: (l: number) => string) =>
    lines.filter((l) => l >= 0 && l < a.lines.length).map((l) => ({ location: { uri: a.uri, range: lineRange(a.lines, l) }, message: message(l) }));
  const faultExpected = report.expectations.some((e) => e.held && /^fault\b/.test(e.text.trim()));

  for (const f of report.faults) {
    if (f.line === undefined) continue;
    add({
      range: lineRange(a.lines, f.line),
      severity: faultExpected ? DiagnosticSeverity.Information : DiagnosticSeverity.Warning,
      source: 'armscope run',
      code: 'fault',
      message: faultLine(f),
    });
  }
  for (const f of report.findings) {
    if (f.line === undefined) continue;
    const d: LspDiagnostic = {
      range: lineRange(a.lines, f.line),
      severity: f.severity === 'error' ? DiagnosticSeverity.Error : f.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      source: 'armscope run',
      code: f.rule,
      message: f.message,
    };
    if (f.related.length > 0) {
      const info = new Map((f.relatedInfo ?? []).map((r) => [r.line, r.message]));
      d.relatedInformation = related(f.related, (l) => info.get(l) ?? `involved: ${(a.lines[l] ?? '').trim()}`);
    }
    const fix = barrierFixFor(f.rule, f.severity);
    if (fix) {
      // The barrier goes after the write, which these rules name as the related line.
      const writeLine = [...f.related, f.line].find((l) => /^(st|msr|dc|tlbi|ic)/.test(a.asmAt(l)?.line.mnemonic ?? '')) ?? f.related[0] ?? f.line;
      const data: LiveDiagnosticData = { fixLine: writeLine, insert: fix };
      d.data = data;
    }
    add(d);
  }
  const faultLines = report.faults.map((f) => f.line).filter((l): l is number => l !== undefined);
  for (const e of report.expectations) {
    if (e.held) continue;
    const d: LspDiagnostic = {
      range: lineRange(a.lines, e.line),
      severity: DiagnosticSeverity.Error,
      source: 'armscope run',
      code: 'expectation-failed',
      message: `expectation failed: ${e.text} — ${e.detail}`,
    };
    if (faultLines.length > 0) d.relatedInformation = related(faultLines.slice(0, 4), () => 'fault taken here');
    add(d);
  }
  if (report.stop.kind === 'budget' || report.stop.kind === 'checker') {
    const pcLines = report.pes.map((p) => p.line).filter((l): l is number => l !== undefined);
    const first = pcLines[0] ?? 0;
    const d: LspDiagnostic = {
      range: lineRange(a.lines, first),
      severity: report.stop.kind === 'checker' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      source: 'armscope run',
      code: report.stop.kind === 'budget' ? 'step-budget' : 'run-stopped',
      message: `${report.stop.reason} (after ${report.steps} steps)`,
    };
    if (pcLines.length > 0) d.relatedInformation = related(pcLines, (l) => `a PE was here (line ${l + 1})`);
    add(d);
  }
  return out;
}

/** What a finished background job adds to a document's diagnostics (none for a cancelled one). */
export function outcomeDiagnostics(a: Analysis, outcome: JobOutcome): LspDiagnostic[] | undefined {
  switch (outcome.kind) {
    case 'done':
      return reportDiagnostics(a, outcome.report);
    case 'timeout': {
      const out = reportDiagnostics(a, outcome.report);
      out.push({
        range: lineRange(a.lines, firstPcLine(outcome.report)),
        severity: DiagnosticSeverity.Information,
        source: 'armscope run',
        code: 'run-timeout',
        message: `background run stopped after ${Math.round(outcome.afterMs / 1000)} s at step ${outcome.report.steps} (limit ${LIVE_RUN_TIMEOUT_MS / 1000} s; run it with 'armscope run' to go further)`,
      });
      return out;
    }
    case 'error':
      return [{ range: lineRange(a.lines, 0), severity: DiagnosticSeverity.Warning, source: 'armscope run', code: 'run-error', message: `background run ${outcome.message}` }];
    case 'not-run':
    case 'checked':
    case 'explored':
      return [];
    case 'cancelled':
      return undefined;
  }
}

function firstPcLine(report: RunReport): number {
  return report.pes.map((p) => p.line).find((l): l is number => l !== undefined) ?? 0;
}

/** Debounced background runs per document; a new schedule cancels the pending or running one. */
export class LiveRunner {
  /** Per document, the generation of its current run: an outcome of an older one is ignored. Numbers are never reused, so a reopened document cannot take an old run's outcome. */
  private readonly generation = new Map<string, number>();
  private lastGeneration = 0;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly jobs = new Map<string, number>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly delayMs: number,
    private readonly publish: (a: Analysis, diagnostics: LspDiagnostic[]) => void,
  ) {}

  schedule(a: Analysis, settings: RunSettings): void {
    this.cancel(a.uri);
    if (hasErrors(a.model)) return;
    const gen = this.generation.get(a.uri) ?? 0;
    const timer = setTimeout(() => {
      this.timers.delete(a.uri);
      this.start(a, settings, gen);
    }, this.delayMs);
    this.timers.set(a.uri, timer);
  }

  cancel(uri: string): void {
    this.generation.set(uri, ++this.lastGeneration);
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
    const job = this.jobs.get(uri);
    if (job !== undefined) this.pool.cancel(job);
    this.jobs.delete(uri);
  }

  /** A closed document: its run cancelled and nothing of it kept. */
  forget(uri: string): void {
    this.cancel(uri);
    this.generation.delete(uri);
  }

  /** Documents with a run waiting or going. */
  get pending(): number {
    return this.timers.size + this.jobs.size;
  }

  /** Documents the runner holds anything of. */
  get documents(): number {
    return this.generation.size;
  }

  private start(a: Analysis, settings: RunSettings, gen: number): void {
    const { id, outcome } = this.pool.submit({ kind: 'run', text: a.text, file: a.model.file, settings, timeoutMs: LIVE_RUN_TIMEOUT_MS });
    this.jobs.set(a.uri, id);
    void outcome.then((o) => {
      if (this.jobs.get(a.uri) === id) this.jobs.delete(a.uri);
      if (this.generation.get(a.uri) !== gen) return;
      const diagnostics = outcomeDiagnostics(a, o);
      if (diagnostics) this.publish(a, diagnostics);
    });
  }
}
