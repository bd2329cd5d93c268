/**
 * `npm run fuzz` campaign for the language server: the generators of
 * lspFuzz.ts (random and malformed params for every registered method, random
 * edits through didOpen/didChange) against the server in this process, batch
 * after batch with consecutive seeds until the deadline. A crash is a request
 * answered with an internal error or an error logged; a hang is a request not
 * answered within HANG_MS (longer than any bound of the server, limits.ts).
 *
 * The client side behaves like an editor: it tracks the documents it opened
 * and closes some (ClientDocuments), and keeps no history of what the server
 * sent (its log and diagnostics are dropped after each batch), so the
 * process's memory is the server's. Each progress line and the report give
 * the RSS, the JS heap and what the server holds (documents, characters,
 * diagnostics, tokens, background runs and jobs, workers started).
 */
import fc from 'fast-check';
import type { FuzzCampaign } from './campaign';
import { ClientDocuments, exchange, fuzzServer, messageArb, type Outcome, stillAnswers } from './lspFuzz';
import type { InProcessServer } from '../lsp/inProcess';

const HANG_MS = 120_000;
const BATCH = 50;

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

/** One line: memory of this process (the heap after a full GC when node runs with --expose-gc) and what the server and the client hold. */
function state(s: InProcessServer, docs: ClientDocuments): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  const h = s.server.held();
  const pool = s.server.pool.stats;
  return (
    `RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB${gc ? ' after GC' : ''}, external ${mb(m.external)} MB; server: ${h.documents} documents (${h.analysed} analysed, ` +
    `${h.analysedChars.toLocaleString('en-US')}/${h.keptChars.toLocaleString('en-US')} characters analysed/kept), diagnostics of ${h.diagnostics}, tokens of ${h.semanticTokens}, ` +
    `runs ${h.liveRuns} (of ${h.liveRunDocuments} documents), checks ${h.checks}, jobs ${h.jobs}, workers started ${pool.started} (${pool.terminated} terminated); ` +
    `client: ${docs.size} open, ${docs.closed} closed, ${docs.refusals} refused`
  );
}

export const campaign: FuzzCampaign = {
  name: 'lsp',
  async run({ seed, deadline, log }) {
    const s = await fuzzServer();
    const docs = new ClientDocuments(s);
    const out: Outcome = { answered: 0, crashes: [], hangs: [] };
    let inputs = 0;
    const startRssMb = mb(process.memoryUsage().rss);
    let maxRssMb = startRssMb;
    let lastLog = 0;
    const details: string[] = [];
    const requests = [...s.server.rpc.requests, 'initialize'];
    const notifications = [...s.server.rpc.notifications, '$/setTrace', '$/cancelRequest', 'window/workDoneProgress/cancel'];
    try {
      for (let batch = 0; Date.now() < deadline; batch++) {
        const messages = fc.sample(messageArb(requests, notifications), { numRuns: BATCH, seed: seed + batch });
        for (const m of messages) {
          if (Date.now() >= deadline) break;
          await exchange(s, m, HANG_MS, out);
          await docs.sent(m);
          inputs++;
        }
        // exchange() has read them: an editor keeps no history of what the server sent.
        s.log.length = 0;
        s.published.clear();
        maxRssMb = Math.max(maxRssMb, mb(process.memoryUsage().rss));
        // How often the campaign prints its progress (a log cadence, not a limit: nothing is decided by it).
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          log(`lsp: ${inputs} messages, ${out.crashes.length} crashes, ${out.hangs.length} hangs; ${state(s, docs)}`);
        }
      }
      details.push(`at the end: ${state(s, docs)}`);
      if (!(await stillAnswers(s, docs))) out.crashes.push('the server no longer answers a hover correctly');
      details.push(`after the health check: ${state(s, docs)}`);
    } finally {
      await s.stop();
    }
    details.push(`RSS at start ${startRssMb} MB, at the end ${mb(process.memoryUsage().rss)} MB, max ${maxRssMb} MB`);
    for (const d of details) log(`lsp: ${d}`);
    return { inputs, crashes: out.crashes, hangs: out.hangs, maxRssMb };
  },
};
