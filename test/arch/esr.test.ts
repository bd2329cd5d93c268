import * as assert from 'node:assert/strict';
import { decodeValue, esrSummary, EXCEPTION_CLASSES, faultStatus, FAULT_STATUS_CODES } from '../../simulator/arch';
import type { DecodedField } from '../../simulator/arch';

function get(fields: DecodedField[] | undefined, name: string): DecodedField {
  const f = fields?.find((x) => x.name === name);
  assert.ok(f, `field ${name} missing`);
  return f;
}

function esr(value: bigint, reg = 'ESR_EL2') {
  const d = decodeValue(reg, value);
  assert.ok(d);
  const iss = get(d.fields, 'ISS');
  return { d, ec: get(d.fields, 'EC'), iss, sub: (n: string) => get(iss.children, n) };
}

describe('arch: ESR_ELx decode', () => {
  it('0x9600_0047: data abort same EL, write, translation fault level 3', () => {
    const { ec, sub, d } = esr(0x9600_0047n);
    assert.equal(ec.value, 0x25n);
    assert.equal(ec.meaning, 'Data Abort taken without a change in Exception level');
    assert.equal(get(d.fields, 'IL').value, 1n);
    assert.equal(sub('ISV').value, 0n);
    assert.equal(sub('WnR').value, 1n);
    assert.equal(sub('WnR').meaning, 'Write');
    assert.equal(sub('DFSC').value, 0x07n);
    assert.equal(sub('DFSC').meaning, 'Translation fault, level 3');
    assert.deepEqual(faultStatus(0x07), { code: 7, type: 'translation', level: 3, text: 'Translation fault, level 3' });
    // ISV=0: no SAS/SRT fields
    assert.ok(!esr(0x9600_0047n).iss.children!.some((f) => f.name === 'SRT'));
  });

  it('data abort from a lower EL with a valid syndrome', () => {
    // EC 0x24, IL, ISV, SAS=3, SRT=1, SF, WnR, DFSC=0x0F
    const { ec, sub } = esr(0x93c1_804fn);
    assert.equal(ec.value, 0x24n);
    assert.equal(sub('ISV').value, 1n);
    assert.equal(sub('SAS').meaning, 'Doubleword');
    assert.equal(sub('SRT').value, 1n);
    assert.equal(sub('SRT').meaning, 'x1/w1');
    assert.equal(sub('SF').meaning, '64-bit register (Xt)');
    assert.equal(sub('DFSC').meaning, 'Permission fault, level 3');
  });

  it('stage-2 fault on a stage-1 walk (S1PTW)', () => {
    const { sub } = esr(0x9200_0086n);
    assert.equal(sub('S1PTW').value, 1n);
    assert.equal(sub('DFSC').meaning, 'Translation fault, level 2');
    assert.equal(sub('WnR').value, 0n);
  });

  it('instruction abort: IFSC', () => {
    const { ec, sub } = esr(0x8200_0006n);
    assert.equal(ec.value, 0x20n);
    assert.equal(sub('IFSC').meaning, 'Translation fault, level 2');
    const same = esr(0x8600_000fn);
    assert.equal(same.ec.value, 0x21n);
    assert.equal(same.sub('IFSC').meaning, 'Permission fault, level 3');
  });

  it('EC 0x18 MSR SCTLR_EL1, x1 (trapped by HCR_EL2.TVM)', () => {
    // Op0=3 Op2=0 Op1=0 CRn=1 Rt=1 CRm=0 Direction=0
    const { ec, iss, sub } = esr(0x6230_0420n);
    assert.equal(ec.value, 0x18n);
    assert.equal(sub('Op0').value, 3n);
    assert.equal(sub('CRn').value, 1n);
    assert.equal(sub('CRn').msb, 13);
    assert.equal(sub('CRn').lsb, 10);
    assert.equal(sub('Rt').value, 1n);
    assert.equal(sub('CRm').value, 0n);
    assert.equal(sub('Direction').meaning, 'Write (MSR)');
    assert.equal(iss.meaning, 'Trapped MSR SCTLR_EL1, x1');
  });

  it('EC 0x18 MRS x3, TTBR1_EL1 and CRn=12 (bits [13:10] exactly)', () => {
    assert.equal(esr(0x6232_0861n).iss.meaning, 'Trapped MRS x3, TTBR1_EL1');
    const gic = esr(0x6230_3019n, 'ESR_EL1');
    assert.equal(gic.sub('CRn').value, 12n);
    assert.equal(gic.sub('CRm').value, 12n);
    assert.equal(gic.sub('Rt').value, 0n);
    assert.equal(gic.iss.meaning, 'Trapped MRS x0, ICC_IAR1_EL1');
    // unknown encoding is shown generically
    assert.equal(esr(0x6230_3c01n | (7n << 14n)).iss.meaning, 'Trapped MRS x0, S3_7_C15_C0_0');
    assert.equal(esr(0x9600_0047n).iss.meaning, 'Data Abort (same EL): Translation fault, level 3, write');
  });

  it('SMC64/HVC64/SVC64 imm16', () => {
    const smc = esr(0x5e00_0000n | 0x1234n);
    assert.equal(smc.ec.value, 0x17n);
    assert.equal(smc.ec.meaning, 'SMC instruction execution in AArch64 state');
    assert.equal(smc.sub('imm16').value, 0x1234n);
    assert.equal(esr(0x5a00_0001n).sub('imm16').value, 1n);
    assert.equal(esr(0x5a00_0001n).ec.value, 0x16n);
    assert.equal(esr(0x5600_0000n).ec.value, 0x15n);
  });

  it('WFx: TI', () => {
    assert.equal(esr(0x0600_0000n).sub('TI').meaning, 'WFI');
    assert.equal(esr(0x0600_0001n).sub('TI').meaning, 'WFE');
  });

  it('BRK comment and SError', () => {
    assert.equal(esr(0xf200_0800n).sub('Comment').value, 0x800n);
    assert.equal(esr(0xbe00_0011n).sub('DFSC').meaning, 'Asynchronous SError interrupt');
  });

  it('every EC of the architecture is named; unallocated ones are not', () => {
    const expected = [0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x0e, 0x11, 0x12, 0x13, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1c, 0x1d, 0x1f, 0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x28, 0x2c, 0x2d, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x38, 0x3a, 0x3c];
    for (const ec of expected) assert.ok(EXCEPTION_CLASSES[ec], `EC ${ec.toString(16)}`);
    for (const ec of [0x36, 0x37, 0x39, 0x3b]) {
      assert.equal(EXCEPTION_CLASSES[ec], undefined);
      assert.equal(get(decodeValue('ESR_EL1', BigInt(ec) << 26n)!.fields, 'EC').meaning, 'Reserved value');
    }
  });

  it('fault status codes with levels, including level -1', () => {
    for (let l = 0; l < 4; l++) {
      assert.equal(faultStatus(0x00 + l)?.type, 'address-size');
      assert.equal(faultStatus(0x04 + l)?.level, l);
      assert.equal(faultStatus(0x08 + l)?.type, 'access-flag');
      assert.equal(faultStatus(0x0c + l)?.type, 'permission');
      assert.equal(faultStatus(0x14 + l)?.type, 'external-on-walk');
      assert.equal(faultStatus(0x1c + l)?.type, 'ecc-on-walk');
      assert.equal(faultStatus(0x24 + l)?.type, 'granule-protection-on-walk');
    }
    assert.deepEqual(faultStatus(0x2b), { code: 0x2b, type: 'translation', level: -1, text: 'Translation fault, level -1' });
    assert.equal(faultStatus(0x29)?.level, -1);
    assert.equal(faultStatus(0x13)?.level, -1);
    assert.equal(faultStatus(0x10)?.type, 'external');
    assert.equal(faultStatus(0x21)?.type, 'alignment');
    assert.equal(faultStatus(0x30)?.type, 'tlb-conflict');
    assert.equal(faultStatus(0x31)?.type, 'atomic-hw-update');
    assert.equal(faultStatus(0x3f), undefined);
    assert.equal(FAULT_STATUS_CODES.size, 4 * 7 + 5 + 9);
  });

  it('HPFAR_EL2 FIPA', () => {
    const d = decodeValue('HPFAR_EL2', 0x88_0100n)!;
    assert.equal(get(d.fields, 'FIPA').value, 0x8_8010n);
    assert.equal(get(d.fields, 'FIPA').meaning, 'IPA page 0x8801_0000');
  });
});

describe('arch: ESR one-line summary', () => {
  it('summarises aborts, traps and calls', () => {
    assert.equal(esrSummary(0x9600_0047n), 'Data Abort (same EL): Translation fault, level 3, write');
    assert.equal(esrSummary(0x93c1_804fn), 'Data Abort (lower EL): Permission fault, level 3, write, doubleword x1');
    assert.equal(esrSummary(0x9200_0086n), 'Data Abort (lower EL): Translation fault, level 2, read, on stage-1 walk (S1PTW)');
    assert.equal(esrSummary(0x6230_0420n), 'Trapped MSR SCTLR_EL1, x1');
    assert.equal(esrSummary(0x5e00_0000n), 'SMC #0x0');
    assert.equal(esrSummary(0x5a00_1234n), 'HVC #0x1234');
    assert.equal(esrSummary(0x0600_0001n), 'Trapped WFE');
    assert.equal(esrSummary(0x8200_0006n), 'Instruction Abort (lower EL): Translation fault, level 2');
    assert.equal(esrSummary(0x8a00_0000n), 'PC alignment fault');
    assert.equal(esrSummary(0x36n << 26n), 'Reserved exception class 0x36');
  });
});
