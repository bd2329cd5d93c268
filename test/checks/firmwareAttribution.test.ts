/**
 * Writes made by the built-in firmware (the SPMC writing a partition's
 * stage-2 descriptor while handling FFA_MEM_RETRIEVE_REQ) are named in
 * findings by what the firmware was doing and the line of the call — not
 * "an unknown line" and not just the SMC's line as if the SMC had stored.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../engine/helpers';
import { runChecked } from './harness';

const FILE = 'examples/seed-000/bug-ffa-share-osh.armscope';

describe('checkers: attribution of built-in firmware writes (seed 000, FF-A)', () => {
  const text = readFileSync(join(repoRoot(), FILE), 'utf8');
  // 1-based line of the SP's SMC that asks for the retrieve (the instruction after the `retrieve:` label).
  const smcLine = text.split('\n').findIndex((l) => /^retrieve:/.test(l)) + 2;

  it('the stage-2 descriptor write is attributed to the SPMC handling the retrieve, at the SMC line', () => {
    assert.ok(smcLine > 1, 'the example has a `retrieve:` label');
    const { report } = runChecked(text, {}, FILE);
    const stale = report.findings.find((f) => f.rule === 'stale-descriptor');
    const mismatch = report.findings.find((f) => f.rule === 'mismatched-attributes');
    assert.ok(stale && mismatch, report.findings.map((f) => f.rule).join(', '));
    // With the firmware's `detail` of the call (the handle it was mapping), as the lead asked.
    const who = `the SPMC (built-in, S-EL2) handling FFA_MEM_RETRIEVE_REQ_32 from 0x8001 at line ${smcLine} (mapping handle 0x0 (1 page at 0x8810_0000, RW, XN) into 0x8001's stage 2)`;
    assert.ok(stale.message.includes(`but ${who} wrote 0x`), stale.message);
    assert.ok(mismatch.message.includes(`written by ${who}`), mismatch.message);
    assert.doesNotMatch(stale.message + mismatch.message, /unknown line/);
    // Related lines point at the call (0-based in the report).
    assert.deepEqual(stale.related, [smcLine - 1]);
    assert.ok(mismatch.relatedInfo?.some((r) => r.line === smcLine - 1 && r.message.includes('by the SPMC (built-in, S-EL2)')), JSON.stringify(mismatch.relatedInfo));
  });

  it('a user store at a plain line is still reported as that line', () => {
    const { report } = runChecked(readFileSync(join(repoRoot(), 'examples/seed-000/bug-osh-tables.armscope'), 'utf8'));
    const stale = report.findings.find((f) => f.rule === 'stale-descriptor');
    assert.ok(stale);
    assert.match(stale.message, /but line \d+ wrote 0x/);
  });
});
