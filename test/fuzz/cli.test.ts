/**
 * The CLI part of the fuzz suite in `npm test` (issue #10 item 15): random
 * command lines over awkward files, in-process, fixed seed, a few seconds; a
 * few through the built CLI as processes with a hang guard. The same
 * generators run for longer in `npm run fuzz` (cli.campaign.ts).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { repoRoot } from '../engine/helpers';
import { checkCliArgs, cliArgs, cliFixtures, spawnCli } from './cliInputs';

describe('fuzz: armscope command lines (fast-check, fixed seeds)', function () {
  this.timeout(120_000);

  it('random commands, options and files: exit 0/1/2, one-line errors, never an internal error', () => {
    const { files } = cliFixtures();
    fc.assert(
      fc.property(cliArgs(files), (args) => {
        const problem = checkCliArgs(args);
        assert.equal(problem, undefined, `${problem ?? ''}\nargs: ${JSON.stringify(args.map((a) => (a.length > 60 ? `${a.slice(0, 60)}…` : a)))}`);
      }),
      { seed: 20_001, numRuns: 300 },
    );
  });

  it('the built CLI as a process: every file kind answered (hang guard 20 s per call)', () => {
    const cli = join(repoRoot(), 'dist', 'cli.js');
    const { files } = cliFixtures();
    // `check` goes on past each unreadable file: one process sees them all.
    for (const args of [['check', ...files], ['run', files.includes('fifo.armscope') ? 'fifo.armscope' : 'sparse.armscope'], ['demo', 'demo', '--timeout', '5']]) {
      const problem = spawnCli(cli, args, 20_000);
      assert.equal(problem, undefined, `armscope ${args.join(' ')}: ${problem ?? ''}`);
    }
  });
});
