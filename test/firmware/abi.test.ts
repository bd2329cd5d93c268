import * as assert from 'node:assert/strict';
import { ERR, FID, NWD_RX, NWD_TX, SP_RESULTS, SP_RX, SP_TX, isError, runFirmware, runText, firmwareScenario, readResults } from './harness';

const MAP = [FID.RXTX_MAP_64, NWD_TX, NWD_RX, 1];
const SUCCESS = FID.SUCCESS;

function expectError(r: bigint[], code: bigint, what: string): void {
  assert.ok(isError(r, code), `${what}: expected FFA_ERROR(${code.toString(16)}), got x0=${r[0].toString(16)} x2=${r[2].toString(16)}`);
}

describe('firmware: FF-A setup and discovery ABIs', () => {
  it('FFA_VERSION: 1.1 implemented; another major or bit 31 set → NOT_SUPPORTED', () => {
    const { results } = runFirmware({ calls: [[FID.VERSION, 0x1_0001], [FID.VERSION, 0x1_0000], [FID.VERSION, 0x2_0000], [FID.VERSION, 0x8001_0001]] });
    assert.equal(results[0][0], 0x1_0001n);
    assert.equal(results[1][0], 0x1_0001n);
    assert.equal(results[2][0], 0xffff_ffffn);
    assert.equal(results[3][0], 0xffff_ffffn);
  });

  it('FFA_ID_GET / FFA_SPM_ID_GET: the Normal world is 0x0000, the SPMC 0x8000', () => {
    const { results } = runFirmware({ calls: [[FID.ID_GET], [FID.SPM_ID_GET]] });
    assert.deepEqual(results[0].slice(0, 3), [SUCCESS, 0n, 0n]);
    assert.deepEqual(results[1].slice(0, 3), [SUCCESS, 0n, 0x8000n]);
  });

  it('FFA_FEATURES: implemented FIDs, feature IDs by caller, unknown → NOT_SUPPORTED', () => {
    const { results, spResults } = runFirmware({
      calls: [[FID.FEATURES, FID.MEM_SHARE], [FID.FEATURES, 0x8400_0099], [FID.FEATURES, 2], [FID.FEATURES, 3], [FID.FEATURES, 0x8400_006a], [FID.DIRECT_REQ, 0x8001, 0, 1]],
      spCalls: [[FID.FEATURES, 3], [FID.FEATURES, 1], [FID.FEATURES, 2]],
    });
    assert.equal(results[0][0], SUCCESS);
    expectError(results[1], ERR.NOT_SUPPORTED, 'unassigned FID');
    assert.deepEqual(results[2].slice(0, 3), [SUCCESS, 0n, 8n], 'SRI is INTID 8 for the Normal world');
    expectError(results[3], ERR.NOT_SUPPORTED, 'MEI from the Normal world');
    expectError(results[4], ERR.NOT_SUPPORTED, 'legacy FFA_MSG_POLL');
    assert.deepEqual(spResults[0].slice(0, 3), [SUCCESS, 0n, 4n], 'managed exit is virtual INTID 4');
    assert.deepEqual(spResults[1].slice(0, 3), [SUCCESS, 0n, 5n], 'NPI is virtual INTID 5');
    expectError(spResults[2], ERR.NOT_SUPPORTED, 'SRI from an SP');
  });

  it('FFA_RXTX_MAP: success once, then DENIED; misaligned, zero pages, overlapping → INVALID; memory it does not own → DENIED', () => {
    const { results } = runFirmware({
      calls: [
        [FID.RXTX_MAP_64, NWD_TX + 8, NWD_RX, 1],
        [FID.RXTX_MAP_64, NWD_TX, NWD_RX, 0],
        [FID.RXTX_MAP_64, NWD_TX, NWD_TX, 1],
        [FID.RXTX_MAP_64, 0x0e10_0000, NWD_RX, 1],
        MAP,
        MAP,
      ],
    });
    expectError(results[0], ERR.INVALID_PARAMETERS, 'misaligned TX');
    expectError(results[1], ERR.INVALID_PARAMETERS, 'zero pages');
    expectError(results[2], ERR.INVALID_PARAMETERS, 'TX = RX');
    expectError(results[3], ERR.DENIED, 'secure memory as a Normal-world buffer');
    assert.equal(results[4][0], SUCCESS);
    expectError(results[5], ERR.DENIED, 'second map');
  });

  it('FFA_RXTX_UNMAP and FFA_RX_RELEASE: errors when nothing is mapped or owned', () => {
    const { results } = runFirmware({ calls: [[FID.RXTX_UNMAP, 0], MAP, [FID.RX_RELEASE], [FID.RXTX_UNMAP, 0x1234 << 16], [FID.RXTX_UNMAP, 0], [FID.RXTX_UNMAP, 0]] });
    expectError(results[0], ERR.INVALID_PARAMETERS, 'unmap before map');
    expectError(results[2], ERR.DENIED, 'release with an empty RX buffer');
    expectError(results[3], ERR.INVALID_PARAMETERS, 'unmap naming another endpoint');
    assert.equal(results[4][0], SUCCESS);
    expectError(results[5], ERR.INVALID_PARAMETERS, 'second unmap');
  });

  it('FFA_PARTITION_INFO_GET: descriptors in RX (ID, vCPUs, properties, UUID), BUSY until released, count only, unknown UUID', () => {
    const uuid = [0x486178e0, 0xe7f811e3, 0xbc5e0002, 0xa5d5c51b];
    const { results, machine } = runFirmware({
      calls: [
        [FID.PARTITION_INFO_GET, 0, 0, 0, 0],
        MAP,
        [FID.PARTITION_INFO_GET, ...uuid],
        [FID.PARTITION_INFO_GET, 0, 0, 0, 0],
        [FID.RX_RELEASE],
        [FID.PARTITION_INFO_GET, 0, 0, 0, 0, 1],
        [FID.PARTITION_INFO_GET, 1, 2, 3, 4],
      ],
    });
    expectError(results[0], ERR.BUSY, 'no RX buffer');
    assert.deepEqual(results[2].slice(0, 4), [SUCCESS, 0n, 1n, 24n]);
    assert.equal(machine.physical.readU32(NWD_RX), 0x8001 | (1 << 16), 'ID 0x8001, 1 execution context');
    assert.equal(machine.physical.readU32(NWD_RX + 4), 0x103, 'direct messages both ways, AArch64');
    assert.equal(machine.physical.readU32(NWD_RX + 8), 0, 'UUID field MBZ when a UUID was asked for');
    expectError(results[3], ERR.BUSY, 'RX still full');
    assert.equal(results[4][0], SUCCESS);
    assert.deepEqual(results[5].slice(0, 4), [SUCCESS, 0n, 1n, 0n], 'count only');
    expectError(results[6], ERR.INVALID_PARAMETERS, 'unknown UUID');
  });
});

describe('firmware: SMCCC, PSCI and unknown calls at the EL3 monitor', () => {
  it('SMCCC_VERSION 1.2, PSCI_VERSION 1.1, unknown SMC → SMC_UNK, FFA_MEM_FRAG_TX → NOT_SUPPORTED', () => {
    const { results } = runFirmware({ calls: [[0x8000_0000], [0x8400_0000], [0x8200_0001], [FID.MEM_FRAG_TX, 0, 0, 0, 0]] });
    assert.equal(results[0][0], 0x1_0002n);
    assert.equal(results[1][0], 0x1_0001n);
    assert.equal(results[2][0], 0xffff_ffff_ffff_ffffn);
    expectError(results[3], ERR.NOT_SUPPORTED, 'fragments');
  });

  it('PSCI CPU_ON starts another PE at its entry with x0 = context ID; a second CPU_ON → ALREADY_ON', () => {
    const text = firmwareScenario({ calls: [[0xc400_0003, 1, 0x8810_0000, 0x55], [0xc400_0003, 1, 0x8810_0000, 0x55], [0xc400_0003, 7, 0x8810_0000, 0]] })
      .replace('pes 1', 'pes 2')
      .concat('\ncode secondary at 0x8810_0000 {\n    mov x5, #42\npark:\n    wfe\n    b park\n}\n');
    const { machine } = runText(text);
    const r = readResults(machine, 0x8808_0000, 3);
    assert.equal(r[0][0], 0n, 'SUCCESS');
    assert.equal(r[1][0], 0xffff_ffff_ffff_fffcn, 'ALREADY_ON (-4)');
    assert.equal(r[2][0], 0xffff_ffff_ffff_fffen, 'INVALID_PARAMETERS (-2): no PE with that MPIDR');
    assert.equal(machine.pes[1].getX(5), 42n);
    assert.equal(machine.pes[1].getX(0), 0x55n);
    assert.equal(machine.pes[1].el, 1);
  });
});

describe('firmware: direct messaging and scheduling', () => {
  it('FFA_MSG_SEND_DIRECT_REQ reaches the partition, its DIRECT_RESP comes back with the payload', () => {
    const { results } = runFirmware({ calls: [[FID.DIRECT_REQ, 0x8001, 0, 41, 0, 0, 0, 0], [FID.DIRECT_REQ_64, 0x8001, 0, 99]] });
    assert.deepEqual(results[0].slice(0, 4), [FID.DIRECT_RESP, 0x8001_0000n, 0n, 42n]);
    assert.deepEqual(results[1].slice(0, 4), [FID.DIRECT_RESP, 0x8001_0000n, 0n, 100n]);
  });

  it('DIRECT_REQ errors: wrong sender, unknown receiver, itself → INVALID; framework message from the NWd is accepted', () => {
    const { results } = runFirmware({ calls: [[FID.DIRECT_REQ, 0x0005_8001, 0, 1], [FID.DIRECT_REQ, 0x8009, 0, 1], [FID.DIRECT_REQ, 0x0000, 0, 1]] });
    expectError(results[0], ERR.INVALID_PARAMETERS, 'sender field not the caller');
    expectError(results[1], ERR.INVALID_PARAMETERS, 'no such partition');
    expectError(results[2], ERR.INVALID_PARAMETERS, 'to itself');
  });

  it('a partition that does not receive direct requests → DENIED', () => {
    const { results } = runFirmware({ calls: [[FID.DIRECT_REQ, 0x8001, 0, 1]], spSettings: '  messages send' });
    expectError(results[0], ERR.DENIED, 'messages send');
  });

  it('DIRECT_RESP / MSG_WAIT from the Normal world → NOT_SUPPORTED; RUN: waiting SP → FFA_MSG_WAIT, bad target or vCPU → INVALID', () => {
    const { results } = runFirmware({ calls: [[FID.DIRECT_RESP, 0], [FID.MSG_WAIT], [FID.RUN, 0x8001_0000], [FID.RUN, 0x8007_0000], [FID.RUN, 0x8001_0003], [FID.YIELD]] });
    expectError(results[0], ERR.NOT_SUPPORTED, 'DIRECT_RESP from the NWd');
    expectError(results[1], ERR.NOT_SUPPORTED, 'MSG_WAIT from the NWd');
    assert.equal(results[2][0], FID.MSG_WAIT);
    assert.equal(results[2][1], 0x8001_0000n);
    expectError(results[3], ERR.INVALID_PARAMETERS, 'unknown partition');
    expectError(results[4], ERR.INVALID_PARAMETERS, 'vCPU 3 of a UP partition');
    expectError(results[5], ERR.NOT_SUPPORTED, 'YIELD from the NWd');
  });

  it('a partition calling DIRECT_REQ to a partition already in its call chain → BUSY; to another partition → answered', () => {
    const { results, spResults } = runFirmware({
      sp2: true,
      calls: [[FID.DIRECT_REQ, 0x8001, 0, 1]],
      spCalls: [[FID.DIRECT_REQ, 0x8001_8002, 0, 5], [FID.DIRECT_REQ, 0x8001_8001, 0, 5], [FID.DIRECT_RESP, 0x8001_0007, 0, 0], [FID.MSG_WAIT]],
    });
    assert.deepEqual(spResults[0].slice(0, 4), [FID.DIRECT_RESP, 0x8002_8001n, 0n, 0x105n], 'sp2 answered sp1');
    expectError(spResults[1], ERR.INVALID_PARAMETERS, 'to itself');
    expectError(spResults[2], ERR.INVALID_PARAMETERS, 'DIRECT_RESP to an endpoint that did not call');
    expectError(spResults[3], ERR.DENIED, 'MSG_WAIT while a response is owed');
    assert.deepEqual(results[0].slice(0, 4), [FID.DIRECT_RESP, 0x8001_0000n, 0n, 2n]);
  });

  it('FFA_YIELD: the caller gets FFA_YIELD (ID | vCPU), FFA_RUN resumes the SP with FFA_SUCCESS and returns its response', () => {
    const { results, spResults } = runFirmware({ calls: [[FID.DIRECT_REQ, 0x8001, 0, 1], [FID.DIRECT_REQ, 0x8001, 0, 1], [FID.RUN, 0x8001_0000]], spCalls: [[FID.YIELD]] });
    assert.deepEqual(results[0].slice(0, 2), [FID.YIELD, 0x8001_0000n]);
    expectError(results[1], ERR.BUSY, 'a new request while the first is in progress');
    assert.deepEqual(spResults[0].slice(0, 1), [SUCCESS]);
    assert.deepEqual(results[2].slice(0, 4), [FID.DIRECT_RESP, 0x8001_0000n, 0n, 2n], 'RUN returns the response to the yielded request');
  });

  it('an MP partition: each PE boots its own vCPU, and the request of a PE is served by the vCPU of that PE', () => {
    const text = firmwareScenario({ calls: [[FID.DIRECT_REQ, 0x8001, 0, 5]] }).replace('pes 1', 'pes 2').replace('  stack 0x0e1d_f000', '  vcpus 2').replace('pe 0 {', 'pe 0-1 {');
    const { machine } = runText(text);
    for (const pe of machine.pes) {
      assert.equal(pe.state, 'halted');
      assert.equal(pe.getX(0), FID.DIRECT_RESP);
      assert.equal(pe.getX(3), 6n);
    }
    assert.deepEqual(machine.firmware!.st.partitions[0].vcpus.map((v) => `${v.state}@${v.pe}`), ['waiting@0', 'waiting@1']);
  });

  it('FFA_ERROR from a partition outside initialisation → FFA_ERROR(NOT_SUPPORTED)', () => {
    const { spResults } = runFirmware({ calls: [[FID.DIRECT_REQ, 0x8001, 0, 1]], spCalls: [[FID.ERROR, 0, 0xffff_ffff]] });
    expectError(spResults[0], ERR.NOT_SUPPORTED, 'FFA_ERROR');
  });
});

describe('firmware: memory sharing', () => {
  const shareDesc = (body: string): string => `ffa_descriptor d at ${NWD_TX} {\n${body}\n}\n`;
  const ok = '  sender 0x0000\n  receiver 0x8001 rw nx\n  attributes normal_wb ish\n  pages 0x8810_0000 1';
  const share = (len = 0x60, fid: bigint = FID.MEM_SHARE): bigint[] => [fid, BigInt(len), BigInt(len), 0n, 0n];

  it('FFA_MEM_SHARE: SUCCESS with handle 0; the same pages again → DENIED; RECLAIM → SUCCESS, then INVALID', () => {
    const { results } = runFirmware({ calls: [MAP, share(), share(), [FID.MEM_RECLAIM, 0, 0, 0], [FID.MEM_RECLAIM, 0, 0, 0], [FID.MEM_RECLAIM, 7, 0, 0]], extra: shareDesc(ok) });
    assert.deepEqual(results[1].slice(0, 4), [SUCCESS, 0n, 0n, 0n]);
    expectError(results[2], ERR.DENIED, 'pages already shared');
    assert.equal(results[3][0], SUCCESS);
    expectError(results[4], ERR.INVALID_PARAMETERS, 'reclaimed twice');
    expectError(results[5], ERR.INVALID_PARAMETERS, 'unknown handle');
  });

  const shareErrors: [string, string, bigint[], bigint, boolean?][] = [
    ['no RX/TX buffers mapped', ok, share(), ERR.INVALID_PARAMETERS, true],
    ['an address instead of the TX buffer', ok, [FID.MEM_SHARE, 0x60n, 0x60n, 0x8800_8000n, 1n], ERR.INVALID_PARAMETERS],
    ['fragment shorter than the total', ok, [FID.MEM_SHARE, 0x60n, 0x30n, 0n, 0n], ERR.NOT_SUPPORTED],
    ['a total larger than the TX buffer', ok, share(0x2000), ERR.INVALID_PARAMETERS],
    ['a descriptor naming another sender', ok.replace('sender 0x0000', 'sender 0x0003'), share(), ERR.DENIED],
    ['Outer Shareable attributes', ok.replace('normal_wb ish', 'normal_wb osh'), share(), ERR.DENIED],
    ['memory the Normal world does not own', ok.replace('pages 0x8810_0000 1', 'pages 0x0e10_0000 1'), share(), ERR.DENIED],
    ['an executable share', ok.replace('rw nx', 'rw x'), share(), ERR.INVALID_PARAMETERS],
    ['no data access for a share', ok.replace('rw nx', 'nx'), share(), ERR.INVALID_PARAMETERS],
    ['an unknown receiver', ok.replace('0x8001', '0x8055'), share(), ERR.INVALID_PARAMETERS],
    ['the sender as receiver', ok.replace('receiver 0x8001', 'receiver 0x0000'), share(), ERR.INVALID_PARAMETERS],
    ['the zero-memory flag on a share', `${ok}\n  flags 1`, share(), ERR.INVALID_PARAMETERS],
    ['no constituents', ok.replace('  pages 0x8810_0000 1', ''), share(0x40), ERR.INVALID_PARAMETERS],
    ['a truncated descriptor', ok, share(0x50), ERR.INVALID_PARAMETERS],
    ['a donation with data permissions', ok.replace('attributes normal_wb ish', 'attributes none'), share(0x60, FID.MEM_DONATE), ERR.INVALID_PARAMETERS],
    ['a lend to one borrower naming attributes', ok, share(0x60, FID.MEM_LEND), ERR.INVALID_PARAMETERS],
  ];
  for (const [why, body, call, code, noMap] of shareErrors) {
    it(`FFA_MEM_SHARE/LEND/DONATE with ${why} → FFA_ERROR(${code.toString(16)})`, () => {
      const { results } = runFirmware({ calls: noMap ? [call] : [MAP, call], extra: shareDesc(body) });
      expectError(results[noMap ? 0 : 1], code, why);
    });
  }

  it('FFA_MEM_LEND with unspecified attributes and FFA_MEM_DONATE without permissions succeed', () => {
    const lend = runFirmware({ calls: [MAP, share(0x60, FID.MEM_LEND)], extra: shareDesc(ok.replace('normal_wb ish', 'none')) });
    assert.equal(lend.results[1][0], SUCCESS);
    const donate = runFirmware({ calls: [MAP, share(0x60, FID.MEM_DONATE)], extra: shareDesc(ok.replace('normal_wb ish', 'none').replace('rw nx', '')) });
    assert.equal(donate.results[1][0], SUCCESS);
  });

  it('more transactions than the SPMC tracks → NO_MEMORY', () => {
    const descs: string[] = [];
    const calls: bigint[][] = [MAP.map(BigInt)];
    // 33 shares of different pages: the descriptor for share i is written by the driver (pre) — here, 33 blocks in turn.
    for (let i = 0; i < 33; i++) descs.push(`ffa_descriptor d${i} at ${0x8801_0000 + i * 0x100} {\n${ok.replace('0x8810_0000', `${0x8811_0000 + i * 0x1000}`)}\n}`);
    const text = firmwareScenario({ calls: [], extra: descs.join('\n') });
    // Copy each descriptor into TX before its call.
    const pre = (i: number): string => `    ldr x9, =${0x8801_0000 + i * 0x100}\n    ldr x10, =${NWD_TX}\n    ldp x11, x12, [x9], #16\n    stp x11, x12, [x10], #16\n    ldp x11, x12, [x9], #16\n    stp x11, x12, [x10], #16\n    ldp x11, x12, [x9], #16\n    stp x11, x12, [x10], #16\n    ldp x11, x12, [x9], #16\n    stp x11, x12, [x10], #16\n    ldp x11, x12, [x9], #16\n    stp x11, x12, [x10], #16\n    ldp x11, x12, [x9], #16\n    stp x11, x12, [x10], #16`;
    const all = [{ regs: MAP }, ...Array.from({ length: 33 }, (_, i) => ({ regs: share(), pre: pre(i) }))];
    void text;
    void calls;
    const { results } = runFirmware({ calls: all, extra: descs.join('\n') });
    for (let i = 1; i <= 32; i++) assert.equal(results[i][0], SUCCESS, `share ${i}`);
    expectError(results[33], ERR.NO_MEMORY, '33rd transaction');
  });

  const retrieveDesc = (body: string): string => `ffa_descriptor r at ${SP_TX} {\n${body}\n}\n`;
  const retrieveOk = '  sender 0x0000\n  receiver 0x8001 rw\n  attributes normal_wb ish\n  type share\n  handle 0';
  const retrieve = [FID.MEM_RETRIEVE_REQ, 0x40, 0x40, 0, 0];

  it('FFA_MEM_RETRIEVE_REQ maps the page, writes the response to RX (NS bit set), second retrieve → DENIED; RELINQUISH then RECLAIM', () => {
    const relinquishPre = `    ldr x9, =${SP_TX}\n    mov x10, #0\n    str x10, [x9]\n    str wzr, [x9, #8]\n    mov w10, #1\n    str w10, [x9, #12]\n    ldr w10, =0x8001\n    strh w10, [x9, #16]`;
    const { results, spResults, machine } = runFirmware({
      calls: [MAP, share(), [FID.DIRECT_REQ, 0x8001, 0, 1], [FID.MEM_RECLAIM, 0, 0, 0]],
      spCalls: [retrieve, [FID.RX_RELEASE], retrieve, { regs: [FID.MEM_RELINQUISH], pre: relinquishPre }, { regs: [FID.MEM_RELINQUISH] }],
      extra: shareDesc(ok) + retrieveDesc(retrieveOk),
    });
    assert.deepEqual(spResults[0].slice(0, 3), [FID.MEM_RETRIEVE_RESP, 0x60n, 0x60n], 'response length 48+16+16+16');
    const dv = (off: number): number => machine.physical.readU32(SP_RX + off);
    assert.equal(dv(2 - 2) >>> 16, 0x2f | 0x40, 'attributes with NS');
    assert.equal(dv(28), 1, 'one receiver');
    assert.equal(dv(48) & 0xffff, 0x8001);
    assert.equal((dv(48) >>> 16) & 0xff, 0b0110, 'RW, NX granted');
    assert.equal(dv(80), 0x8810_0000);
    assert.equal(spResults[1][0], SUCCESS, 'RX released');
    expectError(spResults[2], ERR.DENIED, 'retrieved twice');
    assert.equal(spResults[3][0], SUCCESS, 'relinquished');
    expectError(spResults[4], ERR.DENIED, 'relinquish of memory no longer retrieved');
    assert.equal(results[3][0], SUCCESS, 'reclaim after relinquish');
  });

  const retrieveErrors: [string, string, bigint][] = [
    ['an unknown handle', retrieveOk.replace('handle 0', 'handle 5'), ERR.INVALID_PARAMETERS],
    ['another sender', retrieveOk.replace('sender 0x0000', 'sender 0x0004'), ERR.INVALID_PARAMETERS],
    ['the wrong transaction type', retrieveOk.replace('type share', 'type lend'), ERR.INVALID_PARAMETERS],
    ['a receiver that is not the caller', retrieveOk.replace('receiver 0x8001', 'receiver 0x8002'), ERR.INVALID_PARAMETERS],
    ['execute permission on shared memory', retrieveOk.replace('receiver 0x8001 rw', 'receiver 0x8001 rw x'), ERR.DENIED],
    ['Device attributes for Normal memory', retrieveOk.replace('normal_wb ish', 'device_ngnrne'), ERR.DENIED],
  ];
  for (const [why, body, code] of retrieveErrors) {
    it(`FFA_MEM_RETRIEVE_REQ with ${why} → FFA_ERROR(${code.toString(16)})`, () => {
      const { spResults } = runFirmware({ calls: [MAP, share(), [FID.DIRECT_REQ, 0x8001, 0, 1]], spCalls: [retrieve], extra: shareDesc(ok) + retrieveDesc(body) });
      expectError(spResults[0], code, why);
    });
  }

  it('read-only share: a read-write retrieve → DENIED; RECLAIM while retrieved → DENIED; RECLAIM by another endpoint → DENIED', () => {
    const { results, spResults } = runFirmware({
      calls: [MAP, share(), [FID.DIRECT_REQ, 0x8001, 0, 1]],
      spCalls: [retrieve, { regs: retrieve, pre: `    ldr x9, =${SP_TX}\n    mov w10, #0x8001\n    movk w10, #0x0005, lsl #16\n    str w10, [x9, #48]` }, [FID.MEM_RECLAIM, 0, 0, 0]],
      extra: shareDesc(ok.replace('rw nx', 'ro nx')) + retrieveDesc(retrieveOk),
    });
    expectError(spResults[0], ERR.DENIED, 'RW retrieve of RO memory');
    assert.equal(spResults[1][0], FID.MEM_RETRIEVE_RESP, 'RO retrieve');
    expectError(spResults[2], ERR.DENIED, 'reclaim by a borrower');
    assert.equal(results[2][0], FID.DIRECT_RESP);
  });

  it('FFA_MEM_RETRIEVE_REQ from the Normal world → NOT_SUPPORTED; FFA_MEM_RELINQUISH from the Normal world → NOT_SUPPORTED', () => {
    const { results } = runFirmware({ calls: [MAP, [FID.MEM_RETRIEVE_REQ, 0x40, 0x40, 0, 0], [FID.MEM_RELINQUISH]] });
    expectError(results[1], ERR.NOT_SUPPORTED, 'retrieve');
    expectError(results[2], ERR.NOT_SUPPORTED, 'relinquish');
  });

  it('results of the partition calls land where the harness expects them', () => {
    assert.equal(SP_RESULTS % 32, 0);
  });
});

describe('firmware: notifications', () => {
  it('bitmap create/destroy, bind/unbind, set/get, info get — each with its error path', () => {
    const { results, spResults } = runFirmware({
      spSettings: '  notifications on',
      calls: [
        [FID.NOTIFICATION_BIND, 0x8001_0000, 0, 1, 0], // before the bitmap exists
        [FID.NOTIFICATION_BITMAP_CREATE, 0, 1],
        [FID.NOTIFICATION_BITMAP_CREATE, 0, 1],
        [FID.NOTIFICATION_BIND, 0x8001_0000, 0, 0, 0], // empty bitmap
        [FID.NOTIFICATION_BIND, 0x8001_0005, 0, 1, 0], // receiver not the caller
        [FID.NOTIFICATION_BIND, 0x8001_0000, 0, 0b101, 0],
        [FID.NOTIFICATION_INFO_GET_64],
        [FID.DIRECT_REQ, 0x8001, 0, 1],
        [FID.NOTIFICATION_GET, 0x0000_0000, 0b0001],
        [FID.NOTIFICATION_BITMAP_DESTROY, 0],
        [FID.NOTIFICATION_UNBIND, 0x8001_0000, 0, 0b101, 0],
        [FID.NOTIFICATION_BITMAP_DESTROY, 0],
        [FID.NOTIFICATION_BITMAP_DESTROY, 0],
      ],
      spCalls: [
        [FID.NOTIFICATION_SET, 0x8001_0000, 0, 0b010, 0], // bit 1 not bound to sp1
        [FID.NOTIFICATION_SET, 0x8001_0000, 0, 0b100, 0],
        [FID.NOTIFICATION_SET, 0x8001_8001, 0, 1, 0], // to itself, nothing bound
        [FID.NOTIFICATION_BITMAP_CREATE, 0x8001, 1],
      ],
    });
    expectError(results[0], ERR.DENIED, 'bind before the bitmap exists');
    assert.equal(results[1][0], SUCCESS);
    expectError(results[2], ERR.DENIED, 'second bitmap');
    expectError(results[3], ERR.INVALID_PARAMETERS, 'empty bitmap');
    expectError(results[4], ERR.INVALID_PARAMETERS, 'receiver not the caller');
    assert.equal(results[5][0], SUCCESS);
    expectError(results[6], ERR.NO_DATA, 'nothing pending');
    expectError(spResults[0], ERR.DENIED, 'set an unbound bit');
    assert.equal(spResults[1][0], SUCCESS);
    expectError(spResults[2], ERR.DENIED, 'set with nothing bound');
    expectError(spResults[3], ERR.NOT_SUPPORTED, 'bitmap create from an SP');
    assert.deepEqual(results[8].slice(0, 3), [SUCCESS, 0n, 0b100n], 'from-SP bitmap');
    expectError(results[9], ERR.DENIED, 'destroy with bindings');
    assert.equal(results[10][0], SUCCESS);
    assert.equal(results[11][0], SUCCESS);
    expectError(results[12], ERR.DENIED, 'destroyed twice');
  });
});

describe('firmware: partition aborts', () => {
  it('a stage-2 fault in a partition aborts it: the caller gets FFA_ERROR(ABORTED), later requests too', () => {
    const { results, machine } = runFirmware({
      calls: [[FID.DIRECT_REQ, 0x8001, 0, 1], [FID.DIRECT_REQ, 0x8001, 0, 1]],
      spCalls: [{ regs: [0], pre: '    ldr x9, =0x8880_0000\n    ldr x9, [x9]' }],
    });
    expectError(results[0], ERR.ABORTED, 'first request');
    expectError(results[1], ERR.ABORTED, 'aborted partition');
    const f = machine.faults[0];
    assert.equal(f.kind, 'translation');
    assert.equal(f.stage, 2);
    assert.equal(f.el, 2);
  });
});
