/**
 * The V8 flags the extension starts the language server with
 * (language-server/nodeFlags.ts) are ones this node accepts: a flag it did
 * not know would stop the server before it starts. Every stdio test runs the
 * server under them (lspClient.ts), the largest document included.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../../language-server/nodeFlags';

describe('language server node flags', () => {
  it('are accepted by node (an unknown one is refused: exit 9, `bad option`)', () => {
    const ok = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', "process.stdout.write('started')"], { encoding: 'utf8' });
    assert.deepEqual([ok.status, ok.stdout, ok.stderr], [0, 'started', '']);
    const bad = spawnSync(process.execPath, ['--heap-growing-percentage=10', '-e', "process.stdout.write('started')"], { encoding: 'utf8' });
    assert.equal(bad.status, 9);
    assert.match(bad.stderr, /bad option/);
  });
});
