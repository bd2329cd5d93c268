/**
 * `npm run fuzz` campaign "scenario": hostile scenario texts (scenarioInputs.ts)
 * until the deadline, each parsed, built and briefly run in a worker with a
 * watchdog (a hang: no answer within 30 s) and a 600 MB heap limit (a crash:
 * the input needs more live memory). The issue #10 goal: any file is checked
 * within 10 s and 600 MB; slower inputs are logged. (The report's peak RSS is
 * the whole process's: the worker's heap grows towards its limit before it
 * collects, so it is not the cost of one input.)
 */
import { join } from 'node:path';
import { repoRoot } from '../engine/helpers';
import type { FuzzCampaign } from './campaign';
import { runIsolated } from './loop';
import { exampleScenarios, scenarioText } from './scenarioInputs';

export const campaign: FuzzCampaign = {
  name: 'scenario',
  run: (opts) =>
    runIsolated(
      {
        name: 'scenario',
        arb: scenarioText(exampleScenarios(repoRoot()), { maxRepeat: 20_000, maxBlocks: 40 }),
        module: join(__dirname, 'scenarioInputs.js'),
        fn: 'checkScenarioText',
        hangMs: 30_000,
        heapMb: 600,
        slowMs: 10_000,
        save: (text) => ({ text, ext: 'armscope' }),
      },
      opts,
    ),
};
