/**
 * `npm run fuzz` campaign "cli": random command lines (cliInputs.ts) over
 * awkward files until the deadline, in a worker with a watchdog; every 25th
 * one also through the built CLI as a process (so a blocking open or an
 * abort of the process itself shows as a hang or a crash).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { repoRoot } from '../engine/helpers';
import { Findings } from './artifacts';
import type { FuzzCampaign } from './campaign';
import { cliArgs, cliFixtures, spawnCli } from './cliInputs';
import { Isolated, maxRssMb } from './isolated';

const HANG_MS = 90_000;
const BATCH = 100;

export const campaign: FuzzCampaign = {
  name: 'cli',
  async run({ seed, deadline, log }) {
    const findings = new Findings('cli');
    const arb = cliArgs(cliFixtures().files);
    const isolated = new Isolated(join(__dirname, 'cliInputs.js'), 'checkCliArgs', { hangMs: HANG_MS, heapMb: 1024 });
    const cli = join(repoRoot(), 'dist', 'cli.js');
    let inputs = 0;
    let lastLog = Date.now();
    const saved = (args: string[]): string => JSON.stringify(args, null, 1);
    try {
      for (let batch = 0; Date.now() < deadline; batch++) {
        for (const args of fc.sample(arb, { seed: seed + batch, numRuns: BATCH })) {
          if (Date.now() >= deadline) break;
          inputs++;
          const v = await isolated.check(args);
          if (v.kind === 'problem' || v.kind === 'crash') findings.add('crash', v.detail, saved(args), 'json');
          else if (v.kind === 'hang') findings.add('hang', `runCli gave no answer within ${HANG_MS / 1000} s`, saved(args), 'json');
          if (inputs % 25 === 0) {
            const p = spawnCli(cli, args, HANG_MS);
            if (p !== undefined) findings.add(p.startsWith('hang') ? 'hang' : 'crash', `dist/cli.js: ${p}`, saved(args), 'json');
          }
          if (Date.now() - lastLog > 60_000) {
            lastLog = Date.now();
            log(`cli: ${inputs} inputs, ${findings.crashes.length} crashes, ${findings.hangs.length} hangs, max RSS ${maxRssMb()} MB`);
          }
        }
      }
    } finally {
      await isolated.close();
    }
    return { inputs, crashes: findings.crashes, hangs: findings.hangs, maxRssMb: maxRssMb() };
  },
};
