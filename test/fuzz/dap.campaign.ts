/**
 * The long DAP fuzz campaign (`npm run fuzz`): random debug sessions against
 * the in-process adapter until the deadline — the test suite's generators
 * (test/fuzz/dapRequests.ts) with longer sessions and larger step budgets.
 * A crash is a session with a problem (a request answered badly or twice, a
 * message that is not JSON, the adapter not answering at the end) or anything
 * thrown past the session; a hang is a request unanswered for 30 seconds.
 */
import * as path from 'node:path';
import fc from 'fast-check';
import type { FuzzCampaign } from './campaign';
import { fuzzPrograms, playSession, sessionArb } from './dapRequests';

const HANG_MS = 30_000;
const SESSIONS_PER_BATCH = 20;

/** The repository root, from out/test/fuzz or test/fuzz. */
function root(): string {
  const here = path.resolve(__dirname);
  return here.includes(`${path.sep}out${path.sep}`) ? path.resolve(here, '..', '..', '..') : path.resolve(here, '..', '..');
}

export const campaign: FuzzCampaign = {
  name: 'dap',
  async run({ seed, deadline, log }) {
    const programs = fuzzPrograms(root());
    const crashes: string[] = [];
    const hangs: string[] = [];
    let inputs = 0;
    let maxRssMb = 0;
    const escaped = (what: string) => (e: unknown) => void crashes.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    const onRejection = escaped('unhandled rejection');
    const onException = escaped('uncaught exception');
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    try {
      for (let batch = 0; Date.now() < deadline; batch++) {
        const sessions = fc.sample(sessionArb(programs, 80, 2_000_000), { seed: seed + batch, numRuns: SESSIONS_PER_BATCH });
        for (const [i, s] of sessions.entries()) {
          if (Date.now() >= deadline) break;
          const o = await playSession(s, HANG_MS);
          inputs += o.requests;
          const where = `seed ${seed + batch} session ${i}`;
          for (const p of o.problems) crashes.push(`${where}: ${p}`);
          for (const h of o.hangs) hangs.push(`${where}: ${h}`);
          maxRssMb = Math.max(maxRssMb, process.memoryUsage().rss / 2 ** 20);
        }
        log(`dap: batch ${batch} (seed ${seed + batch}): ${inputs} requests, ${crashes.length} crashes, ${hangs.length} hangs, max RSS ${maxRssMb.toFixed(0)} MB`);
      }
    } finally {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    }
    return { inputs, crashes, hangs, maxRssMb: Math.round(maxRssMb) };
  },
};
