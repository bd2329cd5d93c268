import * as assert from 'node:assert/strict';
import {
  decodeDirectMessageFlags,
  decodeFfaMemoryAttributes,
  decodeFfaVersion,
  encodeFfaVersion,
  FFA_FEATURE_IDS,
  PSCI_FUNCTIONS,
  PSCI_RETURN,
  decodeFfaMemoryFlags,
  decodeFfaPermissions,
  decodeFunctionId,
  decodeMode,
  encodeFfaMemoryAttributes,
  encodeFfaPermissions,
  ffaErrorName,
  ffaFid,
  FFA_FUNCTIONS,
  modeEncoding,
  psciFid,
} from '../../simulator/arch';

describe('arch: SMCCC function IDs', () => {
  it('FF-A memory and messaging FIDs', () => {
    const s32 = decodeFunctionId(0x8400_0073);
    assert.equal(s32.name, 'FFA_MEM_SHARE_32');
    assert.equal(s32.fast, true);
    assert.equal(s32.convention, 'SMC32');
    assert.equal(s32.oen, 4);
    assert.equal(s32.functionNumber, 0x73);
    assert.equal(s32.service, 'ffa');
    assert.equal(decodeFunctionId(0xc400_0073).name, 'FFA_MEM_SHARE_64');
    assert.equal(decodeFunctionId(0xc400_0073).convention, 'SMC64');
    assert.equal(decodeFunctionId(0x8400_0070).name, 'FFA_MSG_SEND_DIRECT_RESP_32');
    assert.equal(decodeFunctionId(0x8400_006f).name, 'FFA_MSG_SEND_DIRECT_REQ_32');
    assert.equal(decodeFunctionId(0x8400_0062).name, 'FFA_INTERRUPT_32');
    assert.equal(decodeFunctionId(0x8400_006b).name, 'FFA_MSG_WAIT_32');
    assert.equal(decodeFunctionId(0xc400_008d).name, 'FFA_MSG_SEND_DIRECT_REQ2_64');
    assert.equal(decodeFunctionId(0x8400_0063).name, 'FFA_VERSION_32');
  });

  it('a width the function does not define is flagged', () => {
    const v = decodeFunctionId(0xc400_0063);
    assert.equal(v.name, 'FFA_VERSION_64');
    assert.equal(v.widthUndefined, true);
    assert.match(v.summary, /not defined for SMC64/);
    assert.throws(() => ffaFid('VERSION', 64));
  });

  it('PSCI and Arm architecture calls', () => {
    assert.equal(decodeFunctionId(0x8400_0000).name, 'PSCI_VERSION');
    assert.equal(decodeFunctionId(0x8400_0002).name, 'CPU_OFF');
    assert.equal(decodeFunctionId(0x8400_0003).name, 'CPU_ON');
    assert.equal(decodeFunctionId(0xc400_0003).name, 'CPU_ON_64');
    assert.equal(decodeFunctionId(0x8400_0009).name, 'SYSTEM_RESET');
    assert.equal(decodeFunctionId(0x8000_0000).name, 'SMCCC_VERSION');
    assert.equal(decodeFunctionId(0x8000_8000).name, 'SMCCC_ARCH_WORKAROUND_1');
    assert.equal(psciFid('CPU_ON', 64), 0xc400_0003);
    assert.equal(psciFid('CPU_OFF', 64), undefined);
  });

  it('yielding calls, MBZ bits and other owners', () => {
    const y = decodeFunctionId(0x0400_0001);
    assert.equal(y.callType, 'yielding');
    assert.equal(y.name, undefined);
    const bad = decodeFunctionId(0x8402_0073);
    assert.equal(bad.mbzViolation, true);
    assert.equal(bad.name, undefined);
    assert.equal(decodeFunctionId(0x8200_0001).oenName, 'SiP Service Calls');
    assert.equal(decodeFunctionId(0xb200_0000).oenName, 'Trusted OS Calls');
    assert.equal(decodeFunctionId(0x8401_0073).sveHint, true);
  });

  it('FFA_FUNCTIONS is consistent and ffaFid matches', () => {
    const numbers = new Set<number>();
    for (const f of FFA_FUNCTIONS) {
      assert.ok(!numbers.has(f.number), f.name);
      numbers.add(f.number);
      assert.ok(f.fid32 !== undefined || f.fid64 !== undefined);
      if (f.fid32 !== undefined) assert.equal(decodeFunctionId(f.fid32).name, `${f.name}_32`);
      if (f.fid64 !== undefined) assert.equal(decodeFunctionId(f.fid64).name, `${f.name}_64`);
    }
    assert.equal(ffaFid('MEM_SHARE'), 0x8400_0073);
    assert.equal(ffaFid('MEM_SHARE', 64), 0xc400_0073);
    assert.equal(ffaFid('SECONDARY_EP_REGISTER', 64), 0xc400_0087);
    assert.throws(() => ffaFid('SECONDARY_EP_REGISTER', 32));
    assert.equal(ffaFid('MEM_RETRIEVE_RESP'), 0x8400_0075);
    assert.equal(ffaFid('ERROR'), 0x8400_0060);
    assert.equal(ffaFid('SUCCESS', 64), 0xc400_0061);
  });
});

describe('arch: FF-A encodings', () => {
  it('error codes by signed value or zero-extended w2', () => {
    assert.equal(ffaErrorName(0xffff_ffff), 'FFA_NOT_SUPPORTED');
    assert.equal(ffaErrorName(-5), 'FFA_INTERRUPTED');
    assert.equal(ffaErrorName(0xffff_fffa), 'FFA_DENIED');
    assert.equal(ffaErrorName(0xffff_fff6), 'FFA_NOT_READY');
    assert.equal(ffaErrorName(-11), undefined);
    assert.equal(ffaErrorName(0), undefined);
  });

  it('memory region attributes', () => {
    const a = decodeFfaMemoryAttributes(0x2f);
    assert.equal(a.type, 'normal');
    assert.equal(a.cacheability, 'write-back');
    assert.equal(a.shareability, 'inner');
    assert.equal(a.text, 'Normal Write-Back, Inner Shareable');
    assert.equal(decodeFfaMemoryAttributes(0x2e).shareability, 'outer');
    assert.equal(decodeFfaMemoryAttributes(0x10).text, 'Device-nGnRnE');
    assert.equal(decodeFfaMemoryAttributes(0x6f).ns, true);
    assert.equal(decodeFfaMemoryAttributes(0x8f).mbzViolation, true);
    assert.equal(encodeFfaMemoryAttributes({ type: 'normal', cacheability: 'write-back', shareability: 'inner' }), 0x2f);
    assert.equal(encodeFfaMemoryAttributes({ type: 'device', cacheability: 'nGnRE', shareability: 'non-shareable' }), 0x14);
  });

  it('permissions and flags', () => {
    const p = decodeFfaPermissions(0x06);
    assert.equal(p.data, 'RW');
    assert.equal(p.instruction, 'NX');
    assert.equal(decodeFfaPermissions(0x09).data, 'RO');
    assert.equal(decodeFfaPermissions(0x09).instruction, 'X');
    assert.equal(encodeFfaPermissions({ data: 'RW', instruction: 'NX' }), 0x06);
    const fl = decodeFfaMemoryFlags(0x1 | (2 << 3), true);
    assert.equal(fl.zeroMemory, true);
    assert.equal(fl.transactionType, 'lend');
  });
});

describe('arch: PSTATE modes', () => {
  it('M[4:0] names', () => {
    assert.equal(decodeMode(0b1001).name, 'EL2h');
    assert.equal(decodeMode(0b1001).el, 2);
    assert.equal(decodeMode(0b1001).sp, 'h');
    assert.equal(decodeMode(0b0100).name, 'EL1t');
    assert.equal(decodeMode(0b0010).valid, false);
    assert.equal(decodeMode(0x13).name, 'Supervisor');
    assert.equal(decodeMode(0x13).aarch32, true);
    assert.equal(modeEncoding('el3h'), 0b1101);
    assert.equal(modeEncoding('EL0t'), 0);
  });
});

describe('arch: FF-A version, features, direct messages; PSCI data', () => {
  it('decodes and encodes', () => {
    assert.deepEqual(decodeFfaVersion(0x0001_0002), { major: 1, minor: 2, valid: true, text: 'v1.2' });
    assert.equal(encodeFfaVersion(1, 1), 0x0001_0001);
    assert.equal(decodeFfaVersion(0x8001_0000).valid, false);
    assert.equal(decodeFfaVersion(0xffff_ffff).text, 'FFA_NOT_SUPPORTED');
    assert.equal(FFA_FEATURE_IDS.MEI, 3);
    assert.equal(decodeDirectMessageFlags(0).framework, false);
    assert.equal(decodeDirectMessageFlags(0x8000_0004).text, 'framework message: VM created request');
    assert.equal(PSCI_RETURN[-4], 'ALREADY_ON');
    const cpuOn = PSCI_FUNCTIONS.find((p) => p.name === 'CPU_ON')!;
    assert.equal(cpuOn.fid32, 0x8400_0003);
    assert.equal(cpuOn.fid64, 0xc400_0003);
    assert.equal(PSCI_FUNCTIONS.find((p) => p.name === 'CPU_OFF')!.fid64, undefined);
  });
});
