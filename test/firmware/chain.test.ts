import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../simulator/engine/machine';
import { callChain } from '../../simulator/engine/callChain';
import { parseScenario } from '../../simulator';
import type { TraceEvent } from '../../simulator/trace/events';
import { repoRoot } from '../engine/helpers';
import { FID, firmwareScenario, runText } from './harness';

/** NWd → sp1 → sp2, and sp2 stops (hlt) while handling the request. */
function nestedText(): string {
  return firmwareScenario({
    sp2: true,
    calls: [[FID.DIRECT_REQ, 0x8001, 0, 1]],
    spCalls: [[FID.DIRECT_REQ, 0x8001_8002, 0, 5]],
  }).replace('    add   x3, x3, #0x100', 'sp2_stop:\n    hlt   #0');
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle));
}

describe('firmware: call-chain API', () => {
  it('NWd → SP 0x8001 → SP 0x8002: two FF-A frames, innermost first, with function, endpoints, arguments, lines, world and EL', () => {
    const text = nestedText();
    const { machine } = runText(text);
    assert.equal(machine.pes[0].state, 'halted');
    assert.equal(machine.firmware!.currentEndpoint(0).id, 0x8002);
    const chain = callChain(machine, 0);
    const ffa = chain.filter((c) => c.kind === 'ffa');
    assert.equal(ffa.length, 2);
    assert.equal(ffa[0].ffa?.function, 'FFA_MSG_SEND_DIRECT_REQ_32');
    assert.equal(ffa[0].ffa?.caller, 0x8001);
    assert.equal(ffa[0].ffa?.callee, 0x8002);
    assert.equal(ffa[0].secure, true, 'called from the Secure world');
    assert.equal(ffa[0].fromEl, 1);
    assert.equal(ffa[0].ffa?.args?.[0], 0x8001_8002n, 'w1 = sender | receiver');
    assert.equal(ffa[0].ffa?.args?.[2], 5n, 'payload x3');
    assert.equal(ffa[0].line, lineOf(text, 'call_x27_0:') + 1, 'the SMC in sp1');
    assert.equal(ffa[1].ffa?.caller, 0x0000);
    assert.equal(ffa[1].ffa?.callee, 0x8001);
    assert.equal(ffa[1].secure, false);
    assert.equal(ffa[1].line, lineOf(text, 'call_x28_0:') + 1, 'the SMC in the driver');
    assert.match(ffa[1].label, /FFA_MSG_SEND_DIRECT_REQ_32 0x0000→0x8001 \(Non-secure EL1\)/);
  });

  it('the chain follows time travel: back before the nested request it has one frame, forward again two', () => {
    const text = nestedText();
    const model = parseScenario(text, 't.armscope');
    const machine = Machine.create(model, { checkpointInterval: 4 });
    const calls: Extract<TraceEvent, { kind: 'ffa-call' }>[] = [];
    machine.trace.on('ffa-call', (e) => calls.push(e));
    machine.run();
    const end = machine.steps;
    const nested = calls.find((c) => c.caller === 0x8001 && c.callee === 0x8002 && c.function.startsWith('FFA_MSG_SEND_DIRECT_REQ'));
    assert.ok(nested, 'the trace has the sp1 → sp2 call');
    assert.equal(nested.function, 'FFA_MSG_SEND_DIRECT_REQ_32');
    machine.goToStep(nested.step - 1);
    assert.equal(callChain(machine, 0).filter((c) => c.kind === 'ffa').length, 1);
    assert.equal(machine.firmware!.currentEndpoint(0).id, 0x8001);
    machine.goToStep(end);
    assert.equal(callChain(machine, 0).filter((c) => c.kind === 'ffa').length, 2);
    assert.equal(machine.firmware!.currentEndpoint(0).id, 0x8002);
  });

  it('an SP handling a fault: the chain starts with the exception entry (EC) it is in', () => {
    // sp1 with its own S-EL1 vectors takes an SVC to itself and stops in the handler.
    const text = firmwareScenario({ calls: [[FID.DIRECT_REQ, 0x8001, 0, 1]], spCalls: [{ regs: [0], pre: '    ldr x9, =sp1_vec\n    msr vbar_el1, x9\n    svc #0x12' }] }).concat(
      '\ncode sp1_vec_code at 0x0e15_0000 {\nsp1_vec:\n    .skip 0x200\n    hlt #0\n}\n',
    );
    const { machine } = runText(text);
    const chain = callChain(machine, 0);
    assert.equal(chain[0].kind, 'exception');
    assert.equal(chain[0].ec, 0x15, 'SVC');
    assert.equal(chain[0].fromEl, 1);
    assert.equal(chain[0].toEl, 1);
    assert.equal(chain[1].kind, 'ffa');
  });

  it('the seed-001 bug run stops with an ffa-livelock finding naming the calls and lines', () => {
    const file = join(repoRoot(), 'examples', 'seed-001', 'bug-resp-interrupted.armscope');
    const text = readFileSync(file, 'utf8');
    const machine = Machine.create(parseScenario(text, file));
    machine.run();
    assert.equal(machine.stopInfo?.kind, 'checker');
    const f = machine.findings.find((x) => x.rule === 'ffa-livelock');
    assert.ok(f);
    assert.equal(f.line, lineOf(text, '    smc   #0                               // trapped to the SPMC (HCR_EL2.TSC)'));
    assert.match(f.message, /FFA_ERROR_32.*FFA_NOT_SUPPORTED/);
    assert.match(f.message, /FFA_MSG_SEND_DIRECT_RESP_32.*FFA_INTERRUPTED/, 'names how the cycle was entered');
  });
});

describe('firmware: livelock detection', () => {
  const loop = (body: string): string =>
    firmwareScenario({ calls: [] }).replace('    ldr   x28, =0x8808_0000\n', '').replace(/driver:\n[\s\S]*? {4}hlt {3}#0\n}/, `driver:\n${body}\n    hlt   #0\n}`);

  it('the same call from the same state three times stops the run', () => {
    const text = loop('    ldr x6, =0x8808_0000\nagain:\n    ldr x0, =0x84000069\n    mov x1, #0\n    mov x2, #0\nid_call:\n    smc #0\n    b again');
    const { machine } = runText(text);
    assert.equal(machine.stopInfo?.kind, 'checker');
    const f = machine.findings.find((x) => x.rule === 'ffa-livelock');
    assert.ok(f);
    assert.equal(f.line, lineOf(text, 'id_call:') + 1);
    assert.match(f.message, /NWd 0x0000 FFA_ID_GET_32/);
  });

  it('a loop that counts in a register is progress: no finding (x19: the SPMC zeroes unused result registers x1–x7, as Hafnium)', () => {
    const { machine } = runText(loop('    mov x19, #0\nagain:\n    add x19, x19, #1\n    ldr x0, =0x84000069\n    smc #0\n    cmp x19, #20\n    b.ne again'));
    assert.equal(machine.findings.filter((f) => f.rule === 'ffa-livelock').length, 0);
    assert.equal(machine.pes[0].state, 'halted');
  });

  it('a loop that counts in memory is progress too', () => {
    const { machine } = runText(
      loop('    ldr x6, =0x8808_0100\nagain:\n    ldr x5, [x6]\n    add x5, x5, #1\n    str x5, [x6]\n    mov x5, #0\n    ldr x0, =0x84000069\n    smc #0\n    ldr x5, [x6]\n    cmp x5, #20\n    b.ne again'),
    );
    assert.equal(machine.findings.filter((f) => f.rule === 'ffa-livelock').length, 0);
    assert.equal(machine.pes[0].state, 'halted');
  });
});

describe('firmware: the run report lists the firmware calls', () => {
  it('seed 000: share, direct request, retrieve (with what each caller got), then the partition abort', async () => {
    const { runScenario } = await import('../../simulator/engine/run');
    const file = join(repoRoot(), 'examples', 'seed-000', 'bug-ffa-share-osh.armscope');
    const r = runScenario(parseScenario(readFileSync(file, 'utf8'), file));
    const calls = r.firmwareCalls!.map((c) => `${c.caller.toString(16)} ${c.function} → ${c.result}`);
    assert.deepEqual(calls, [
      '8001 FFA_RXTX_MAP_64 → FFA_SUCCESS_32',
      '8001 FFA_MSG_WAIT_32 → resume NWd 0x0000',
      '0 FFA_RXTX_MAP_64 → FFA_SUCCESS_32',
      '0 FFA_MEM_SHARE_32 → FFA_SUCCESS_32',
      '0 FFA_MSG_SEND_DIRECT_REQ_32 → SP 0x8001 (optee) gets FFA_MSG_SEND_DIRECT_REQ_32',
      '8001 FFA_MEM_RETRIEVE_REQ_32 → FFA_MEM_RETRIEVE_RESP_32',
      '8001 partition abort → SP 0x8001 (optee) aborted: stage 2 translation fault at level 3: IPA 0x8810_0000, descriptor at 0x610_4800 is invalid (0x0) (VA 0x8810_0000)',
    ]);
  });
});
