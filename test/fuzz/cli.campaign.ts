/**
 * `npm run fuzz` campaign "cli": random command lines (cliInputs.ts) over
 * awkward files until the deadline, in a worker with a watchdog; every 25th
 * one also through the built CLI as a process (so a blocking open or an
 * abort of the process itself shows as a hang or a crash).
 */
import { join } from 'node:path';
import { repoRoot } from '../engine/helpers';
import type { FuzzCampaign } from './campaign';
import { cliArgs, cliFixtures, spawnCli } from './cliInputs';
import { runIsolated } from './loop';

const HANG_MS = 90_000;

export const campaign: FuzzCampaign = {
  name: 'cli',
  run: (opts) =>
    runIsolated(
      {
        name: 'cli',
        arb: cliArgs(cliFixtures().files),
        module: join(__dirname, 'cliInputs.js'),
        fn: 'checkCliArgs',
        hangMs: HANG_MS,
        heapMb: 1024,
        save: (args) => ({ text: JSON.stringify(args, null, 1), ext: 'json' }),
        extra: (args, index) => {
          if (index % 25 !== 0) return undefined;
          const p = spawnCli(join(repoRoot(), 'dist', 'cli.js'), args, HANG_MS);
          return p === undefined ? undefined : { kind: p.startsWith('hang') ? 'hang' : 'crash', detail: `dist/cli.js: ${p}` };
        },
      },
      opts,
    ),
};
