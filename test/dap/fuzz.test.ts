/**
 * DAP fuzz suite (issue #10 "Deliver": DAP requests for every command with
 * random and missing arguments), fixed seeds, a few seconds: every request is
 * answered (at most once, serialisable), error messages are one line, nothing
 * is thrown past the session (no unhandled rejection or uncaught exception
 * while it runs), and the adapter answers `threads` afterwards. The long
 * campaign with the same generators is test/fuzz/dap.campaign.ts (`npm run fuzz`).
 */
import * as assert from 'node:assert/strict';
import { logger } from '@vscode/debugadapter';
import fc from 'fast-check';
import { COMMANDS, fuzzPrograms, playSession, sessionArb } from '../fuzz/dapRequests';
import { findRoot } from './helpers';
import { InlineClient } from './inline';

/** Many seconds: a request unanswered this long is a hang, not a slow machine. */
const HANG_MS = 15_000;

describe('DAP fuzz (fast-check, fixed seeds)', function () {
  this.timeout(180_000);
  const escaped: string[] = [];
  const onRejection = (e: unknown): void => void escaped.push(`unhandled rejection: ${String(e)}`);
  const onException = (e: unknown): void => void escaped.push(`uncaught exception: ${String(e)}`);
  const programs = fuzzPrograms(findRoot());

  before(() => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  after(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });

  it('answers every command with no, null, empty, wrong-typed and random arguments, before and after launch', async () => {
    for (const launchFirst of [false, true]) {
      const c = new InlineClient();
      if (launchFirst) await c.launch({ program: programs[0], stopOnEntry: true }, []);
      for (const command of COMMANDS)
        for (const args of [undefined, null, {}, [], 7, 'x', { threadId: 1, frameId: 1, variablesReference: 1 }, { threadId: 'a', memoryReference: 5, count: -1 }]) {
          const r = await c.request(command, args, HANG_MS);
          if (!r.success) assert.ok(r.message && !r.message.includes('\n'), `${command} ${JSON.stringify(args)}: ${r.message}`);
        }
      assert.equal((await c.request('threads')).success, true);
      assert.deepEqual(c.wireErrors, []);
      assert.deepEqual(c.duplicateResponses, []);
      await c.request('pause', { threadId: 1 });
      await c.close();
    }
    assert.deepEqual(escaped, []);
  });

  it('plays 40 random sessions: a response to every request, no crash, the adapter alive afterwards, nothing kept per message', async () => {
    // The library's logger queues every message it is given until someone configures it: the adapter must not log them.
    const queued = (): number => (logger as unknown as { _pendingLogQ?: unknown[] | null })._pendingLogQ?.length ?? 0;
    const queuedBefore = queued();
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(sessionArb(programs, 25), async (s) => {
        const o = await playSession(s, HANG_MS);
        requests += o.requests;
        assert.deepEqual(o.hangs, []);
        assert.deepEqual(o.problems, []);
      }),
      { seed: 0x0da9_f022, numRuns: 40 },
    );
    assert.deepEqual(escaped, []);
    assert.ok(requests > 400, `only ${requests} requests were sent`);
    assert.equal(queued(), queuedBefore);
  });
});
