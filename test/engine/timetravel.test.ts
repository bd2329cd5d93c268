import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findScenarios } from '../../simulator/cli/commands';
import { Machine } from '../../simulator/engine/machine';
import { prepareModel } from '../../simulator/engine/prepare';
import type { InspectableMemory } from '../../simulator/engine/report';
import { parseScenario } from '../../simulator';
import { repoRoot } from './helpers';

/** Everything observable at a step: PEs and memory (hash), cache contents, faults and findings. */
function observe(m: Machine): string {
  const caches = (m.memory as InspectableMemory).cacheReport?.() ?? [];
  return JSON.stringify({
    hash: m.stateHash(),
    steps: m.steps,
    caches: caches.map((c) => [c.name, c.lines.map((l) => [l.pa, l.state, l.attrs, l.data])]),
    faults: m.faults.map((f) => [f.pe, f.kind, f.esr.toString(16), f.step]),
    exceptions: m.exceptions.length,
    findings: m.findings.map((f) => [f.rule, f.line, f.related]),
  });
}

const root = repoRoot();

describe('engine: time travel over every example (caches, checkers, page tables included)', () => {
  for (const file of findScenarios(join(root, 'examples'))) {
    const rel = relative(root, file);
    it(rel, () => {
      const model = prepareModel(parseScenario(readFileSync(file, 'utf8'), rel));
      const straight = Machine.create(model);
      const total = Machine.create(model);
      total.run();
      const end = total.steps;
      const targets = [...new Set([0, 1, Math.floor(end / 3), Math.floor(end / 2), end - 1, end].filter((t) => t >= 0))].sort((a, b) => a - b);
      const want = new Map<number, string>();
      for (const t of targets) {
        straight.run(t - straight.steps);
        want.set(t, observe(straight));
      }
      const tt = Machine.create(model, { checkpointInterval: 7 });
      tt.run();
      assert.equal(tt.steps, end);
      for (const t of [...targets].reverse().concat(targets)) {
        tt.goToStep(t);
        assert.equal(observe(tt), want.get(t), `${rel}: state at step ${t}`);
      }
    });
  }
});
