/**
 * Protocol fuzz of the language server (issue #10 items 13–14): random and
 * malformed params for every method the server registers — taken from the
 * server itself, so a new method is fuzzed the day it is added — sent to the
 * real server (in this process). Every request is answered (a result,
 * InvalidParams or RequestCancelled), nothing is logged as an error, and the
 * server still answers correctly at the end. Fixed seed; `npm run fuzz` runs
 * the same generators for as long as asked (test/fuzz/lsp.campaign.ts).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { exchange, fuzzServer, messageArb, type Outcome, stillAnswers, sweep, TEMPLATES } from '../fuzz/lspFuzz';
import { LIBRARY_METHODS } from '../../language-server/shapes';
import type { InProcessServer } from './inProcess';

describe('language server protocol fuzz', function () {
  this.timeout(180_000);
  let s: InProcessServer;

  before(async () => {
    s = await fuzzServer();
  });
  after(async () => {
    await s.stop();
  });

  it('has a well-formed template for every registered method', () => {
    const registered = [...s.server.rpc.requests, ...s.server.rpc.notifications, ...Object.keys(LIBRARY_METHODS)];
    const missing = registered.filter((m) => !(m in TEMPLATES) && m !== 'initialize' && m !== 'workspace/didChangeWorkspaceFolders' && m !== 'window/workDoneProgress/cancel');
    assert.deepEqual(missing, []);
  });

  const methods = () => ({
    requests: [...s.server.rpc.requests, 'initialize'],
    notifications: [...s.server.rpc.notifications, '$/setTrace', '$/cancelRequest', 'window/workDoneProgress/cancel'],
  });

  it('answers every single-field break of every method (each field × null, missing, wrong type, huge, negative, fraction)', async () => {
    const { requests, notifications } = methods();
    const all = [...requests.map((method) => ({ method, notification: false })), ...notifications.map((method) => ({ method, notification: true }))];
    const out: Outcome = { answered: 0, crashes: [], hangs: [] };
    const messages = sweep(all);
    const explored = s.server.explorePool.stats.completed;
    for (const m of messages) await exchange(s, m, 90_000, out);
    // The explore requests that survive their break explore for real (EXPLORE_TEXT has no error): jobs ran to the end.
    assert.ok(s.server.explorePool.stats.completed - explored > 0, `explorations completed: ${s.server.explorePool.stats.completed - explored}`);
    assert.deepEqual(out.crashes, []);
    assert.deepEqual(out.hangs, []);
    assert.equal(out.answered, messages.length);
    assert.ok(await stillAnswers(s), 'the server still answers a hover correctly');
  });

  it('answers random sequences of random and malformed messages without an internal error', async () => {
    const { requests, notifications } = methods();
    const out: Outcome = { answered: 0, crashes: [], hangs: [] };
    await fc.assert(
      fc.asyncProperty(fc.array(messageArb(requests, notifications), { minLength: 1, maxLength: 8 }), async (messages) => {
        for (const m of messages) await exchange(s, m, 90_000, out);
      }),
      { numRuns: 120, seed: Number(process.env.FUZZ_SEED ?? 20261124) },
    );
    assert.deepEqual(out.crashes, []);
    assert.deepEqual(out.hangs, []);
    assert.ok(out.answered > 300, `answered ${out.answered}`);
    assert.ok(await stillAnswers(s), 'the server still answers a hover correctly');
  });
});
