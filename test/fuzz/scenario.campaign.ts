/**
 * `npm run fuzz` campaign "scenario": hostile scenario texts (scenarioInputs.ts)
 * until the deadline, each parsed, built and briefly run in a worker with a
 * watchdog (a hang: no answer within HANG_MS) and a heap limit (a crash: the
 * worker runs out of memory). The issue #10 goal: any file is checked within
 * 10 s and 600 MB; inputs slower than 10 s are logged.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { repoRoot } from '../engine/helpers';
import { Findings } from './artifacts';
import type { FuzzCampaign } from './campaign';
import { Isolated, maxRssMb } from './isolated';
import { exampleScenarios, scenarioText } from './scenarioInputs';

const HANG_MS = 30_000;
const SLOW_MS = 10_000;
const BATCH = 50;

export const campaign: FuzzCampaign = {
  name: 'scenario',
  async run({ seed, deadline, log }) {
    const findings = new Findings('scenario');
    const arb = scenarioText(exampleScenarios(repoRoot()), { maxRepeat: 20_000, maxBlocks: 40 });
    const isolated = new Isolated(join(__dirname, 'scenarioInputs.js'), 'checkScenarioText', { hangMs: HANG_MS, heapMb: 1024 });
    let inputs = 0;
    let lastLog = Date.now();
    try {
      for (let batch = 0; Date.now() < deadline; batch++) {
        for (const text of fc.sample(arb, { seed: seed + batch, numRuns: BATCH })) {
          if (Date.now() >= deadline) break;
          const t0 = Date.now();
          const v = await isolated.check(text);
          const ms = Date.now() - t0;
          inputs++;
          if (v.kind === 'problem' || v.kind === 'crash') findings.add('crash', v.detail, text, 'armscope');
          else if (v.kind === 'hang') findings.add('hang', `no answer within ${HANG_MS / 1000} s (${text.length} characters)`, text, 'armscope');
          else if (ms > SLOW_MS) log(`scenario: slow input (${ms} ms, ${text.length} characters; seed ${seed + batch})`);
          if (Date.now() - lastLog > 60_000) {
            lastLog = Date.now();
            log(`scenario: ${inputs} inputs, ${findings.crashes.length} crashes, ${findings.hangs.length} hangs, max RSS ${maxRssMb()} MB`);
          }
        }
      }
    } finally {
      await isolated.close();
    }
    return { inputs, crashes: findings.crashes, hangs: findings.hangs, maxRssMb: maxRssMb() };
  },
};
