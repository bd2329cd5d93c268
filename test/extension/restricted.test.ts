/**
 * Issue #10 item 17: restricted mode. The manifest says which limits apply to
 * untrusted files (all of docs/limits.md, as for trusted ones) and which
 * settings a workspace cannot set when untrusted (`restrictedConfigurations`:
 * VS Code then uses only the user's value). Every setting is classified: one
 * that makes runs bigger, longer or more frequent is restricted; a new
 * setting fails this test until it is classified.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXPLORE_MAX_STATES, EXPLORE_TIMEOUT_MS } from '../../language-server/limits';

interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; description: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, unknown> } };
}

const manifest = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as Manifest;
const trust = manifest.capabilities.untrustedWorkspaces;
const settings = Object.keys(manifest.contributes.configuration.properties);

/** Settings a hostile workspace gains nothing by setting (logging of the user's own session). */
const HARMLESS = ['armscope.trace.server'];

describe('extension: restricted mode', () => {
  it('is supported with limits: some settings restricted', () => {
    assert.equal(trust.supported, 'limited');
    assert.ok(trust.restrictedConfigurations && trust.restrictedConfigurations.length > 0);
  });

  it('restricts the step budget, the background run and the cache model, and only declared settings', () => {
    const restricted = trust.restrictedConfigurations ?? [];
    assert.deepEqual([...restricted].sort(), ['armscope.cacheModel', 'armscope.liveRun', 'armscope.maxSteps']);
    for (const s of restricted) assert.ok(settings.includes(s), `${s} is a declared setting`);
  });

  it('classifies every setting: restricted, or known to be harmless', () => {
    const restricted = new Set(trust.restrictedConfigurations ?? []);
    for (const s of settings) assert.ok(restricted.has(s) || HARMLESS.includes(s), `${s}: restrict it in package.json or list it here as harmless`);
  });

  it('says which limits apply to untrusted files and which settings the workspace cannot set', () => {
    assert.match(trust.description, /executes no host code/);
    assert.match(trust.description, /all the limits of docs\/limits\.md apply to untrusted files exactly as to trusted ones/);
    for (const s of trust.restrictedConfigurations ?? []) assert.ok(trust.description.includes(s), `the description names ${s}`);
    assert.ok(existsSync(path.resolve('docs', 'limits.md')), 'the limits the description points to are documented');
  });

  it("says what applies to Explore untrusted: the language server's explore bounds, and that debugging a witness waits for trust", () => {
    assert.ok(trust.description.includes(`at most ${EXPLORE_MAX_STATES.toLocaleString('en-US')} states and ${EXPLORE_TIMEOUT_MS / 1000} s per exploration`), trust.description);
    assert.match(trust.description, /Tasks and debugging, including Debug this execution, wait for trust/);
  });
});
