/**
 * The `detail` of `ffa-call` events and call-log entries: what the SPMC did
 * for a memory transaction (handle, pages, permissions, whose tables) or a
 * direct message (endpoints, payload, interception) — and the seed-000
 * finding that names the SPMC's stage-2 write by the handle it was mapping.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../simulator/engine/machine';
import { parseScenario } from '../../simulator';
import type { TraceEvent } from '../../simulator/trace/events';
import { repoRoot } from '../engine/helpers';
import { FID, NWD_RX, NWD_TX, SP_TX, runFirmware } from './harness';

type FfaCallEvent = Extract<TraceEvent, { kind: 'ffa-call' }>;

function runExample(rel: string): { machine: Machine; calls: FfaCallEvent[] } {
  const file = join(repoRoot(), rel);
  const model = parseScenario(readFileSync(file, 'utf8'), file);
  const machine = Machine.create(model);
  const calls: FfaCallEvent[] = [];
  machine.trace.on('ffa-call', (e) => void calls.push(e));
  machine.run();
  return { machine, calls };
}

describe('firmware: ffa-call detail', () => {
  it('seed 000: the share names its handle, the retrieve names the handle it maps and whose stage 2; the log carries the same text', () => {
    const { machine, calls } = runExample('examples/seed-000/bug-ffa-share-osh.armscope');
    const share = calls.find((c) => c.function === 'FFA_MEM_SHARE_32');
    assert.equal(share?.detail, 'handle 0x0: share of 1 page at 0x8810_0000 (Normal WB Inner Shareable) from 0x0000 to 0x8001 RW, XN');
    const req = calls.find((c) => c.function === 'FFA_MSG_SEND_DIRECT_REQ_32');
    assert.equal(req?.detail, 'direct request 0x0000 → 0x8001 vCPU 0 (waiting), x5=0x8810_0000', 'the handle (0) travels in x3–x4, the address in x5');
    const retrieve = calls.find((c) => c.function === 'FFA_MEM_RETRIEVE_REQ_32');
    assert.equal(retrieve?.detail, "mapping handle 0x0 (1 page at 0x8810_0000, RW, XN) into 0x8001's stage 2");
    const logged = machine.firmware!.st.log.find((c) => c.function === 'FFA_MEM_RETRIEVE_REQ_32');
    assert.equal(logged?.detail, retrieve?.detail);
    assert.equal(calls.find((c) => c.function === 'FFA_RXTX_MAP_64')?.detail, undefined, 'calls without a transaction or message carry none');
  });

  it('seed 000: the stale-descriptor and mismatched-attributes findings say which handle the SPMC was mapping', () => {
    const { machine } = runExample('examples/seed-000/bug-ffa-share-osh.armscope');
    const text = "handling FFA_MEM_RETRIEVE_REQ_32 from 0x8001 at line 118 (mapping handle 0x0 (1 page at 0x8810_0000, RW, XN) into 0x8001's stage 2)";
    for (const rule of ['stale-descriptor', 'mismatched-attributes']) {
      const f = machine.findings.find((x) => x.rule === rule);
      assert.ok(f, rule);
      assert.ok(f.message.includes(text), f.message);
    }
  });

  it('seed 001: the direct response names the request it answers and why it was refused (FFA_ERROR) or intercepted (FFA_INTERRUPT, replayed)', () => {
    const bug = runExample('examples/seed-001/bug-resp-interrupted.armscope').calls.find((c) => c.function.startsWith('FFA_MSG_SEND_DIRECT_RESP') && /INTERRUPTED/.test(c.result));
    assert.ok(bug, 'the bug variant refuses a response');
    assert.match(bug.detail ?? '', /^direct response 0x8001 → 0x0000 to the request at line \d+, .*; refused: virtual interrupt \d+ is pending and the SP runs with PSTATE\.I=1$/);
    const later = runExample('examples/seed-001/fix-ffa-interrupt.armscope').calls;
    const intercepted = later.find((c) => /intercepted/.test(c.detail ?? ''));
    assert.ok(intercepted, later.map((c) => `${c.function}: ${c.detail}`).join('\n'));
    assert.match(intercepted.detail!, /the response is replayed at the SP's next FFA_MSG_WAIT$/);
    assert.ok(later.some((c) => c.function.startsWith('FFA_MSG_WAIT') && /^replaying the intercepted direct response 0x8001 → 0x0000/.test(c.detail ?? '')));
  });

  it('relinquish and reclaim name the handle; an unknown handle is said to name no transaction', () => {
    const shareDesc = `ffa_descriptor d at ${NWD_TX} {\n  sender 0x0000\n  receiver 0x8001 rw nx\n  attributes normal_wb ish\n  pages 0x8810_0000 2\n}\n`;
    const retrieveDesc = `ffa_descriptor r at ${SP_TX} {\n  sender 0x0000\n  receiver 0x8001 rw\n  attributes normal_wb ish\n  type share\n  handle 0\n}\n`;
    const relinquishPre = `    ldr x9, =${SP_TX}\n    mov x10, #0\n    str x10, [x9]\n    str wzr, [x9, #8]\n    mov w10, #1\n    str w10, [x9, #12]\n    ldr w10, =0x8001\n    strh w10, [x9, #16]`;
    const { machine } = runFirmware({
      calls: [[FID.RXTX_MAP_64, NWD_TX, NWD_RX, 1], [FID.MEM_SHARE, 0x60, 0x60, 0, 0], [FID.DIRECT_REQ, 0x8001, 0, 1], [FID.MEM_RECLAIM, 0, 0, 0], [FID.MEM_RECLAIM, 7, 0, 0]],
      spCalls: [[FID.MEM_RETRIEVE_REQ, 0x40, 0x40, 0, 0], { regs: [FID.MEM_RELINQUISH], pre: relinquishPre }],
      extra: shareDesc + retrieveDesc,
    });
    const detail = (fn: string): (string | undefined)[] => machine.firmware!.st.log.filter((c) => c.function.startsWith(fn)).map((c) => c.detail);
    assert.deepEqual(detail('FFA_MEM_RETRIEVE_REQ'), ["mapping handle 0x0 (2 pages at 0x8810_0000, RW, XN) into 0x8001's stage 2"]);
    assert.deepEqual(detail('FFA_MEM_RELINQUISH'), ["unmapping handle 0x0 (2 pages at 0x8810_0000) from 0x8001's stage 2"]);
    assert.deepEqual(detail('FFA_MEM_RECLAIM'), ['reclaiming handle 0x0 (share of 2 pages at 0x8810_0000)', 'reclaiming handle 0x7, which names no transaction']);
  });
});
