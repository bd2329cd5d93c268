import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, ScenarioModel } from '../../simulator/scenario/model';

/** `line:col-line:col` of a range (0-based), for exact-range assertions. */
export function at(d: { range: Diagnostic['range'] }): string {
  return `${d.range.start.line}:${d.range.start.col}-${d.range.end.line}:${d.range.end.col}`;
}

/** Diagnostics as `range severity rule: message` lines. */
export function diags(m: ScenarioModel): string[] {
  return m.diagnostics.map((d) => `${at(d)} ${d.severity} ${d.rule}: ${d.message}`);
}

export function errors(m: ScenarioModel): Diagnostic[] {
  return m.diagnostics.filter((d) => d.severity === 'error');
}

/** The repository's test/scenario/fixtures folder (works from out/ and from a bundle). */
export function fixturesDir(): string {
  const candidates: string[] = [];
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    candidates.push(path.join(dir, 'test', 'scenario', 'fixtures'));
    candidates.push(path.join(dir, 'fixtures'));
    dir = path.dirname(dir);
  }
  candidates.push(path.join(process.cwd(), 'test', 'scenario', 'fixtures'));
  for (const c of candidates) if (fs.existsSync(c) && fs.statSync(c).isDirectory() && c.includes(path.join('test', 'scenario'))) return c;
  throw new Error('test/scenario/fixtures not found');
}

/** Lines joined with \n (keeps test sources readable and line numbers countable). */
export function src(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
