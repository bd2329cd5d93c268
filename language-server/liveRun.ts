/**
 * Runs a scenario without blocking the server: the machine runs in slices of
 * a few thousand steps and yields to the event loop between them, so an edit
 * (or any request) gets through, and a newer edit cancels the run. The result
 * becomes diagnostics at the lines involved: faults, failed expectations,
 * checker findings (with `relatedInformation` for the other lines), and an
 * exhausted step budget.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { faultLine } from '../simulator/cli/format';
import { Machine, type MachineOptions } from '../simulator/engine/machine';
import { buildReport, type RunReport } from '../simulator/engine/report';
import { hasErrors } from '../simulator/engine/run';
import type { ScenarioModel } from '../simulator/scenario/model';
import type { Analysis } from './analysis';
import { lineRange } from './convert';
import { barrierFixFor } from './knowledge';

/** Steps per slice: small enough that a slice takes about a millisecond. */
const SLICE = 20_000;

export interface RunSettings {
  maxSteps: number;
  cacheModel: 'scenario' | 'on' | 'off';
}

export type RunOutcome = { kind: 'done'; report: RunReport } | { kind: 'cancelled' } | { kind: 'error'; message: string };

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Run `model` to its end or step budget; `cancelled()` is polled between slices. */
export async function runSliced(model: ScenarioModel, settings: RunSettings, cancelled: () => boolean): Promise<RunOutcome> {
  // The setting caps runs from the editor; a scenario's own `max_steps` (part of what it means) still applies.
  const options: MachineOptions = { maxSteps: Math.min(settings.maxSteps, model.system.maxSteps) };
  if (settings.cacheModel !== 'scenario') options.cacheModel = settings.cacheModel;
  let machine: Machine;
  try {
    machine = Machine.create(model, options);
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
  try {
    while (machine.run(SLICE) === undefined) {
      await yieldToEventLoop();
      if (cancelled()) return { kind: 'cancelled' };
    }
    return { kind: 'done', report: buildReport(machine) };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

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

/** Debounced background runs per document; a new schedule cancels the pending or running one. */
export class LiveRunner {
  private readonly generation = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly delayMs: number,
    private readonly publish: (a: Analysis, diagnostics: LspDiagnostic[]) => void,
  ) {}

  schedule(a: Analysis, settings: RunSettings): void {
    this.cancel(a.uri);
    if (hasErrors(a.model)) return;
    const gen = this.generation.get(a.uri) ?? 0;
    this.timers.set(
      a.uri,
      setTimeout(() => {
        this.timers.delete(a.uri);
        void this.run(a, settings, gen);
      }, this.delayMs),
    );
  }

  cancel(uri: string): void {
    this.generation.set(uri, (this.generation.get(uri) ?? 0) + 1);
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
  }

  private async run(a: Analysis, settings: RunSettings, gen: number): Promise<void> {
    const stale = () => this.generation.get(a.uri) !== gen;
    const outcome = await runSliced(a.model, settings, stale);
    if (stale() || outcome.kind === 'cancelled') return;
    if (outcome.kind === 'error') {
      this.publish(a, [
        { range: lineRange(a.lines, 0), severity: DiagnosticSeverity.Warning, source: 'armscope run', code: 'run-error', message: `background run failed: ${outcome.message}` },
      ]);
      return;
    }
    this.publish(a, reportDiagnostics(a, outcome.report));
  }
}
