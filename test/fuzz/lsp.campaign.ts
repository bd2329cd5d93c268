/**
 * `npm run fuzz` campaign for the language server: the generators of
 * lspFuzz.ts (random and malformed params for every registered method, random
 * edits through didOpen/didChange) against the server in this process, batch
 * after batch with consecutive seeds until the deadline. A crash is a request
 * answered with an internal error or an error logged; a hang is a request not
 * answered within HANG_MS (longer than any bound of the server, limits.ts).
 */
import fc from 'fast-check';
import type { FuzzCampaign } from './campaign';
import { exchange, fuzzServer, messageArb, type Outcome, stillAnswers } from './lspFuzz';

const HANG_MS = 120_000;
const BATCH = 50;

export const campaign: FuzzCampaign = {
  name: 'lsp',
  async run({ seed, deadline, log }) {
    const s = await fuzzServer();
    const out: Outcome = { answered: 0, crashes: [], hangs: [] };
    let inputs = 0;
    let maxRssMb = 0;
    const requests = [...s.server.rpc.requests, 'initialize'];
    const notifications = [...s.server.rpc.notifications, '$/setTrace', '$/cancelRequest', 'window/workDoneProgress/cancel'];
    try {
      for (let batch = 0; Date.now() < deadline; batch++) {
        const messages = fc.sample(messageArb(requests, notifications), { numRuns: BATCH, seed: seed + batch });
        for (const m of messages) {
          if (Date.now() >= deadline) break;
          await exchange(s, m, HANG_MS, out);
          inputs++;
        }
        maxRssMb = Math.max(maxRssMb, process.memoryUsage().rss / 2 ** 20);
        if (batch % 20 === 0) log(`lsp: ${inputs} messages, ${out.crashes.length} crashes, ${out.hangs.length} hangs, ${maxRssMb.toFixed(0)} MB`);
      }
      if (!(await stillAnswers(s))) out.crashes.push('the server no longer answers a hover correctly');
    } finally {
      await s.stop();
    }
    return { inputs, crashes: out.crashes, hangs: out.hangs, maxRssMb: Math.round(maxRssMb) };
  },
};
