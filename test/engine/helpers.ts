/** Shared helpers for engine/CLI/example tests. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseScenario } from '../../simulator';
import type { ScenarioModel } from '../../simulator/scenario/model';

/** The repository root (works from out/test/** and from a bundle anywhere under the tree or cwd). */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let d = start;
    for (;;) {
      if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'examples'))) return d;
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  return process.cwd();
}

/** Parse a scenario and fail loudly on errors (tests must start from valid scenarios). */
export function model(text: string, file = 'test.armscope'): ScenarioModel {
  const m = parseScenario(text, file);
  const errors = m.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`scenario errors:\n${errors.map((d) => `  ${d.range.start.line + 1}:${d.range.start.col + 1} ${d.message} [${d.rule}]`).join('\n')}`);
  return m;
}
