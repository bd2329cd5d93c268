import * as assert from 'node:assert/strict';
import {
  allRegisters,
  checkReservedBits,
  decodePstate,
  decodeValue,
  encodeFields,
  fieldValue,
  findRegister,
  findRegisterByEncoding,
  genericName,
  VHE_ALIASES,
  VHE_REDIRECTS,
} from '../../simulator/arch';
import type { DecodedField } from '../../simulator/arch';

function field(fields: DecodedField[], name: string): DecodedField {
  const f = fields.find((x) => x.name === name);
  assert.ok(f, `field ${name} missing`);
  return f;
}

describe('arch: register table lookup', () => {
  // Encodings from the Arm ARM / Linux arch/arm64/include/asm/sysreg.h.
  const known: [string, number, number, number, number, number][] = [
    ['SCTLR_EL1', 3, 0, 1, 0, 0],
    ['HCR_EL2', 3, 4, 1, 1, 0],
    ['SCTLR_EL12', 3, 5, 1, 0, 0],
    ['ICC_IAR1_EL1', 3, 0, 12, 12, 0],
    ['ICC_EOIR1_EL1', 3, 0, 12, 12, 1],
    ['ICC_PMR_EL1', 3, 0, 4, 6, 0],
    ['ICC_SGI1R_EL1', 3, 0, 12, 11, 5],
    ['ICC_SRE_EL2', 3, 4, 12, 9, 5],
    ['ICC_SRE_EL3', 3, 6, 12, 12, 5],
    ['ICH_HCR_EL2', 3, 4, 12, 11, 0],
    ['ICH_LR15_EL2', 3, 4, 12, 13, 7],
    ['VTTBR_EL2', 3, 4, 2, 1, 0],
    ['VTCR_EL2', 3, 4, 2, 1, 2],
    ['VSTTBR_EL2', 3, 4, 2, 6, 0],
    ['VSTCR_EL2', 3, 4, 2, 6, 2],
    ['TCR_EL1', 3, 0, 2, 0, 2],
    ['TTBR1_EL2', 3, 4, 2, 0, 1],
    ['ESR_EL2', 3, 4, 5, 2, 0],
    ['ESR_EL3', 3, 6, 5, 2, 0],
    ['FAR_EL2', 3, 4, 6, 0, 0],
    ['HPFAR_EL2', 3, 4, 6, 0, 4],
    ['PAR_EL1', 3, 0, 7, 4, 0],
    ['MAIR_EL1', 3, 0, 10, 2, 0],
    ['MAIR_EL2', 3, 4, 10, 2, 0],
    ['VBAR_EL2', 3, 4, 12, 0, 0],
    ['ELR_EL2', 3, 4, 4, 0, 1],
    ['SPSR_EL2', 3, 4, 4, 0, 0],
    ['SP_EL0', 3, 0, 4, 1, 0],
    ['SP_EL1', 3, 4, 4, 1, 0],
    ['SP_EL2', 3, 6, 4, 1, 0],
    ['DAIF', 3, 3, 4, 2, 1],
    ['NZCV', 3, 3, 4, 2, 0],
    ['CurrentEL', 3, 0, 4, 2, 2],
    ['SPSel', 3, 0, 4, 2, 0],
    ['PAN', 3, 0, 4, 2, 3],
    ['MPIDR_EL1', 3, 0, 0, 0, 5],
    ['MIDR_EL1', 3, 0, 0, 0, 0],
    ['CTR_EL0', 3, 3, 0, 0, 1],
    ['CLIDR_EL1', 3, 1, 0, 0, 1],
    ['CCSIDR_EL1', 3, 1, 0, 0, 0],
    ['CSSELR_EL1', 3, 2, 0, 0, 0],
    ['DCZID_EL0', 3, 3, 0, 0, 7],
    ['ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0],
    ['ID_AA64PFR0_EL1', 3, 0, 0, 4, 0],
    ['ID_AA64ISAR0_EL1', 3, 0, 0, 6, 0],
    ['SCR_EL3', 3, 6, 1, 1, 0],
    ['CPTR_EL2', 3, 4, 1, 1, 2],
    ['CPTR_EL3', 3, 6, 1, 1, 2],
    ['MDCR_EL2', 3, 4, 1, 1, 1],
    ['MDCR_EL3', 3, 6, 1, 3, 1],
    ['CPACR_EL1', 3, 0, 1, 0, 2],
    ['CNTFRQ_EL0', 3, 3, 14, 0, 0],
    ['CNTPCT_EL0', 3, 3, 14, 0, 1],
    ['CNTVCT_EL0', 3, 3, 14, 0, 2],
    ['CNTP_CTL_EL0', 3, 3, 14, 2, 1],
    ['CNTV_CVAL_EL0', 3, 3, 14, 3, 2],
    ['CNTVOFF_EL2', 3, 4, 14, 0, 3],
    ['CNTHCTL_EL2', 3, 4, 14, 1, 0],
    ['CNTHP_CTL_EL2', 3, 4, 14, 2, 1],
    ['CNTHPS_CTL_EL2', 3, 4, 14, 5, 1],
    ['CNTHVS_CTL_EL2', 3, 4, 14, 4, 1],
    ['CNTKCTL_EL1', 3, 0, 14, 1, 0],
    ['CNTP_CTL_EL02', 3, 5, 14, 2, 1],
    ['CNTV_TVAL_EL02', 3, 5, 14, 3, 0],
    ['TCR_EL12', 3, 5, 2, 0, 2],
    ['CPACR_EL12', 3, 5, 1, 0, 2],
    ['CNTKCTL_EL12', 3, 5, 14, 1, 0],
    ['CONTEXTIDR_EL1', 3, 0, 13, 0, 1],
    ['TPIDR_EL2', 3, 4, 13, 0, 2],
    ['TPIDRRO_EL0', 3, 3, 13, 0, 3],
  ];
  for (const [name, op0, op1, crn, crm, op2] of known) {
    it(`${name} is ${op0},${op1},C${crn},C${crm},${op2}`, () => {
      const r = findRegister(name);
      assert.ok(r, `${name} missing`);
      assert.deepEqual(r.encoding, { op0, op1, crn, crm, op2 });
      assert.equal(findRegisterByEncoding(op0, op1, crn, crm, op2), r);
    });
  }

  it('finds names case-insensitively and by generic S-name', () => {
    assert.equal(findRegister('sctlr_el1')?.name, 'SCTLR_EL1');
    assert.equal(findRegister('currentel')?.name, 'CurrentEL');
    assert.equal(findRegister('S3_4_C1_C1_0')?.name, 'HCR_EL2');
    assert.equal(findRegister('s3_5_c1_c0_0')?.name, 'SCTLR_EL12');
    const impdef = findRegister('S3_0_C15_C2_0');
    assert.ok(impdef);
    assert.equal(impdef.name, 'S3_0_C15_C2_0');
    assert.deepEqual(impdef.encoding, { op0: 3, op1: 0, crn: 15, crm: 2, op2: 0 });
    assert.equal(impdef.access.minEl, 1);
    assert.equal(findRegister('S3_6_C15_C0_0')?.access.minEl, 3);
    assert.equal(findRegister('NOT_A_REGISTER'), undefined);
    assert.equal(findRegister('S3_0_C16_C0_0'), undefined);
  });

  it('every register has a unique name and encoding, and round-trips by generic name', () => {
    const names = new Set<string>();
    for (const r of allRegisters()) {
      assert.ok(!names.has(r.name.toUpperCase()), r.name);
      names.add(r.name.toUpperCase());
      assert.equal(findRegister(r.name), r);
      if (r.encoding) assert.equal(findRegister(genericName(r.encoding)), r, r.name);
    }
    assert.ok(allRegisters().length > 180);
  });

  it('access levels follow op1 and the register', () => {
    assert.equal(findRegister('HCR_EL2')?.access.minEl, 2);
    assert.equal(findRegister('SCR_EL3')?.access.minEl, 3);
    assert.equal(findRegister('SCTLR_EL1')?.access.minEl, 1);
    assert.equal(findRegister('CNTVCT_EL0')?.access.minEl, 0);
    assert.equal(findRegister('CNTVCT_EL0')?.access.write, false);
    assert.equal(findRegister('ICC_EOIR1_EL1')?.access.read, false);
    assert.equal(findRegister('SCTLR_EL12')?.access.minEl, 2);
    assert.equal(findRegister('VSTTBR_EL2')?.security, 'secure');
  });

  it('marks the HCR_EL2.TVM/TRVM group', () => {
    const tvm = allRegisters().filter((r) => r.trapGroup === 'TVM').map((r) => r.name).sort();
    assert.deepEqual(tvm, [
      'AFSR0_EL1', 'AFSR1_EL1', 'AMAIR_EL1', 'CONTEXTIDR_EL1', 'ESR_EL1', 'FAR_EL1', 'MAIR_EL1', 'SCTLR_EL1', 'TCR_EL1', 'TTBR0_EL1', 'TTBR1_EL1',
    ]);
  });

  it('VHE redirects and _EL12/_EL02 aliases', () => {
    assert.equal(findRegister('SCTLR_EL1')?.vhe?.redirectTo, 'SCTLR_EL2');
    assert.equal(findRegister('CPACR_EL1')?.vhe?.redirectTo, 'CPTR_EL2');
    assert.equal(findRegister('CNTKCTL_EL1')?.vhe?.redirectTo, 'CNTHCTL_EL2');
    assert.equal(findRegister('CNTV_CTL_EL0')?.vhe?.redirectTo, 'CNTHV_CTL_EL2');
    assert.equal(findRegister('SCTLR_EL12')?.vhe?.aliasOf, 'SCTLR_EL1');
    assert.equal(findRegister('CNTP_CVAL_EL02')?.vhe?.aliasOf, 'CNTP_CVAL_EL0');
    assert.equal(findRegister('HCR_EL2')?.vhe, undefined);
    for (const [alias, real] of Object.entries(VHE_ALIASES)) {
      const a = findRegister(alias)!;
      const r = findRegister(real)!;
      assert.equal(a.encoding!.op1, 5, alias);
      assert.deepEqual({ ...a.encoding, op1: 0 }, { ...r.encoding, op1: 0 }, alias);
      assert.equal(VHE_REDIRECTS[real] !== undefined, true);
      assert.equal(findRegister(VHE_REDIRECTS[real]) !== undefined, true, VHE_REDIRECTS[real]);
    }
    for (const n of ['SCTLR_EL12', 'TTBR0_EL12', 'TTBR1_EL12', 'TCR_EL12', 'ESR_EL12', 'FAR_EL12', 'MAIR_EL12', 'VBAR_EL12', 'ELR_EL12', 'SPSR_EL12', 'CONTEXTIDR_EL12', 'CNTKCTL_EL12', 'CPACR_EL12', 'AFSR0_EL12', 'AFSR1_EL12', 'AMAIR_EL12', 'CNTP_CTL_EL02', 'CNTP_CVAL_EL02', 'CNTP_TVAL_EL02', 'CNTV_CTL_EL02', 'CNTV_CVAL_EL02', 'CNTV_TVAL_EL02']) {
      assert.ok(findRegister(n), n);
    }
  });
});

describe('arch: register decode', () => {
  it('VTCR_EL2 0xC005_3590 (Hafnium S-EL2, 48-bit PA)', () => {
    const d = decodeValue('VTCR_EL2', 0xc005_3590n)!;
    const v = (n: string) => field(d.fields, n).value;
    assert.equal(v('T0SZ'), 16n);
    assert.equal(v('SL0'), 2n);
    assert.equal(field(d.fields, 'SL0').meaning, 'Start at level 0');
    assert.equal(v('IRGN0'), 1n);
    assert.equal(v('ORGN0'), 1n);
    assert.equal(v('SH0'), 3n);
    assert.equal(field(d.fields, 'SH0').meaning, 'Inner Shareable');
    assert.equal(v('TG0'), 0n);
    assert.equal(field(d.fields, 'TG0').meaning, '4KB granule');
    assert.equal(v('PS'), 5n);
    assert.equal(field(d.fields, 'PS').meaning, '48 bits, 256TB');
    assert.equal(v('NSA'), 1n);
    assert.equal(v('NSW'), 0n);
    const r1 = d.fields.find((f) => f.kind === 'res1' && f.msb === 31)!;
    assert.equal(r1.value, 1n);
    assert.equal(r1.violation, undefined);
    assert.deepEqual(checkReservedBits('VTCR_EL2', 0xc005_3590n), []);
    assert.deepEqual(checkReservedBits('VTCR_EL2', 0x4005_3590n), [{ bit: 31, expected: 1 }]);
  });

  it('HCR_EL2 fields (Hafnium vCPU value)', () => {
    // TID3 RW TACR TIDCP TSC PTW VM TSW APK API
    const value = (1n << 18n) | (1n << 31n) | (1n << 21n) | (1n << 20n) | (1n << 19n) | (1n << 2n) | 1n | (1n << 22n) | (1n << 40n) | (1n << 41n) | (1n << 34n);
    const d = decodeValue('HCR_EL2', value)!;
    const set = d.fields.filter((f) => f.value !== 0n).map((f) => f.name).sort();
    assert.deepEqual(set, ['API', 'APK', 'E2H', 'PTW', 'RW', 'TACR', 'TID3', 'TIDCP', 'TSC', 'TSW', 'VM'].sort());
    assert.equal(field(d.fields, 'RW').meaning, 'EL1 is AArch64');
    assert.equal(field(d.fields, 'MIOCNCE').msb, 38);
    assert.equal(field(d.fields, 'TWEDEL').lsb, 60);
    assert.equal(decodeValue('HCR_EL2', 2n << 10n)!.fields.find((f) => f.name === 'BSU')!.meaning, 'Outer Shareable');
    assert.deepEqual(checkReservedBits('HCR_EL2', (1n << 64n) - 1n), []);
  });

  it('SCTLR_EL2 layout depends on E2H; RES1 bits only with E2H=0', () => {
    const res1 = checkReservedBits('SCTLR_EL2', 0n).map((x) => x.bit);
    assert.deepEqual(res1, [4, 5, 11, 16, 18, 22, 23, 28, 29]);
    assert.ok(checkReservedBits('SCTLR_EL2', 0n).every((x) => x.expected === 1));
    assert.deepEqual(checkReservedBits('SCTLR_EL2', 0n, { e2h: true }), []);
    const vhe = decodeValue('SCTLR_EL2', 1n << 23n, { e2h: true })!;
    assert.equal(field(vhe.fields, 'SPAN').value, 1n);
    assert.equal(decodeValue('SCTLR_EL2', 0x30c5_0838n)!.fields.some((f) => f.violation), false);
    assert.deepEqual(checkReservedBits('SCTLR_EL3', 0x30c5_0838n), []);
  });

  it('SCR_EL3 RES1 [5:4] and RES0 bit 6', () => {
    assert.deepEqual(checkReservedBits('SCR_EL3', 0x30n | 1n), []);
    assert.deepEqual(checkReservedBits('SCR_EL3', 0x1n), [{ bit: 4, expected: 1 }, { bit: 5, expected: 1 }]);
    assert.deepEqual(checkReservedBits('SCR_EL3', 0x70n), [{ bit: 6, expected: 0 }]);
    const d = decodeValue('SCR_EL3', 0x30n | 1n | (1n << 10n) | (1n << 18n))!;
    assert.equal(field(d.fields, 'NS').meaning, 'Non-secure');
    assert.equal(field(d.fields, 'EEL2').value, 1n);
    assert.equal(field(d.fields, 'RW').meaning, 'AArch64');
  });

  it('TCR_EL2 has both layouts', () => {
    const nvhe = decodeValue('TCR_EL2', 0x8080_3520n)!;
    assert.equal(field(nvhe.fields, 'PS').value, 0n);
    assert.equal(field(nvhe.fields, 'T0SZ').value, 32n);
    assert.deepEqual(checkReservedBits('TCR_EL2', 0x8080_3520n), []);
    assert.deepEqual(checkReservedBits('TCR_EL2', 0x3520n).map((x) => x.bit), [23, 31]);
    const vhe = decodeValue('TCR_EL2', (5n << 32n) | (2n << 30n), { e2h: true })!;
    assert.equal(field(vhe.fields, 'IPS').meaning, '48 bits, 256TB');
    assert.equal(field(vhe.fields, 'TG1').meaning, '4KB granule');
  });

  it('TCR_EL1 fields', () => {
    const d = decodeValue('TCR_EL1', 0x0000_0005_b5_10_35_10n)!;
    assert.equal(field(d.fields, 'T0SZ').value, 16n);
    assert.equal(field(d.fields, 'SH0').meaning, 'Inner Shareable');
    assert.equal(field(d.fields, 'T1SZ').value, 16n);
    assert.equal(field(d.fields, 'TG1').meaning, '4KB granule');
    assert.equal(field(d.fields, 'IPS').meaning, '48 bits, 256TB');
  });

  it('MAIR_EL1 decodes every Attr byte', () => {
    const d = decodeValue('MAIR_EL1', 0xf0_bb_44_4f_ff_0c_04_00n)!;
    const m = (n: number) => field(d.fields, `Attr${n}`).meaning;
    assert.equal(m(0), '0x00 Device-nGnRnE');
    assert.equal(m(1), '0x04 Device-nGnRE');
    assert.equal(m(2), '0x0c Device-GRE');
    assert.equal(m(3), '0xff Normal WB RWA');
    assert.equal(m(4), '0x4f Normal Inner WB RWA, Outer Non-cacheable');
    assert.equal(m(5), '0x44 Normal Non-cacheable');
    assert.equal(m(6), '0xbb Normal WT RWA');
    assert.equal(m(7), '0xf0 Tagged Normal WB RWA (FEAT_MTE2)');
  });

  it('TTBR/VTTBR: ASID/VMID and BADDR', () => {
    const d = decodeValue('VTTBR_EL2', 0x0005_0000_8840_0000n)!;
    assert.equal(field(d.fields, 'VMID').value, 5n);
    assert.equal(field(d.fields, 'BADDR').meaning, '0x8840_0000');
    const t = decodeValue('TTBR0_EL1', 0x0012_0000_8000_1001n)!;
    assert.equal(field(t.fields, 'ASID').value, 0x12n);
    assert.equal(field(t.fields, 'CnP').value, 1n);
    assert.equal(decodeValue('TTBR0_EL2', 1n << 48n)!.fields[0].violation, true);
    assert.equal(field(decodeValue('TTBR0_EL2', 1n << 48n, { e2h: true })!.fields, 'ASID').value, 1n);
  });

  it('PAR_EL1: F=0 and F=1 layouts', () => {
    const ok = decodeValue('PAR_EL1', 0xff00_0000_8800_0380n)!;
    assert.equal(field(ok.fields, 'PA').meaning, '0x8800_0000');
    assert.equal(field(ok.fields, 'SH').meaning, 'Inner Shareable');
    assert.equal(field(ok.fields, 'ATTR').meaning, '0xff Normal WB RWA');
    const fault = decodeValue('PAR_EL1', 0x80bn | (1n << 9n))!; // F=1, FST=0x05, S=1
    assert.equal(field(fault.fields, 'FST').meaning, 'Translation fault, level 1');
    assert.equal(field(fault.fields, 'S').meaning, 'Stage 2');
    assert.ok(!fault.fields.some((f) => f.name === 'PA'));
  });

  it('SPSR: AArch64 mode names and AArch32 layout', () => {
    const d = decodeValue('SPSR_EL2', 0x3c9n)!;
    assert.equal(field(d.fields, 'M[3:0]').meaning, 'EL2h');
    assert.equal(field(d.fields, 'D').meaning, 'Masked');
    assert.equal(field(decodeValue('SPSR_EL1', 0x5n)!.fields, 'M[3:0]').meaning, 'EL1h');
    assert.equal(field(decodeValue('SPSR_EL1', 0x0n)!.fields, 'M[3:0]').meaning, 'EL0t');
    const a32 = decodeValue('SPSR_EL1', 0x1d3n)!;
    assert.equal(field(a32.fields, 'M[3:0]').meaning, 'Supervisor');
    assert.ok(a32.fields.some((f) => f.name === 'T'));
  });

  it('CurrentEL, MPIDR, CTR, CNTHCTL', () => {
    assert.equal(field(decodeValue('CurrentEL', 0x8n)!.fields, 'EL').meaning, 'EL2');
    const mp = decodeValue('MPIDR_EL1', 0x8000_0102n)!;
    assert.equal(field(mp.fields, 'Aff1').value, 1n);
    assert.equal(field(mp.fields, 'Aff0').value, 2n);
    assert.deepEqual(checkReservedBits('MPIDR_EL1', 0x102n), [{ bit: 31, expected: 1 }]);
    const ctr = decodeValue('CTR_EL0', 0x8444_c004n)!;
    assert.equal(field(ctr.fields, 'DminLine').meaning, '64 bytes (4)');
    assert.equal(field(ctr.fields, 'L1Ip').meaning, 'PIPT');
    assert.equal(field(decodeValue('CNTHCTL_EL2', 1n << 10n, { e2h: true })!.fields, 'EL1PCTEN').value, 1n);
    assert.equal(field(decodeValue('CNTHCTL_EL2', 1n)!.fields, 'EL1PCTEN').value, 1n);
  });

  it('GIC CPU interface: INTIDs and SGI targets', () => {
    assert.equal(field(decodeValue('ICC_IAR1_EL1', 1023n)!.fields, 'INTID').meaning, '1023: spurious, no pending interrupt');
    assert.equal(field(decodeValue('ICC_IAR1_EL1', 33n)!.fields, 'INTID').meaning, '33 (SPI)');
    const sgi = decodeValue('ICC_SGI1R_EL1', (1n << 40n) | (5n << 24n) | 0x6n)!;
    assert.equal(field(sgi.fields, 'IRM').value, 1n);
    assert.equal(field(sgi.fields, 'INTID').value, 5n);
    assert.equal(field(sgi.fields, 'TargetList').meaning, 'Aff0 1, 2');
    assert.equal(field(decodeValue('ICH_LR0_EL2', (1n << 62n) | (1n << 60n) | (0xa0n << 48n) | 27n)!.fields, 'State').meaning, 'Pending');
  });

  it('decodeValue truncates to the register width and rejects unknown names', () => {
    assert.equal(decodeValue('NOPE', 1n), undefined);
    assert.equal(decodeValue('ESR_EL1', -1n)!.value, (1n << 64n) - 1n);
  });
});

describe('arch: field access by name', () => {
  it('fieldValue and encodeFields round-trip', () => {
    assert.equal(encodeFields('VTCR_EL2', { T0SZ: 16, SL0: 2, IRGN0: 1, ORGN0: 1, SH0: 3, TG0: 0, PS: 5, NSA: 1 }), 0xc005_3590n);
    assert.equal(fieldValue('HCR_EL2', 1n << 34n, 'e2h'), 1n);
    assert.equal(fieldValue('ESR_EL2', 0x9600_0047n, 'DFSC'), 7n);
    assert.equal(fieldValue('ESR_EL2', 0x6230_0420n, 'CRn'), 1n);
    assert.equal(encodeFields('ESR_EL2', { EC: 0x25, IL: 1, WnR: 1, DFSC: 7 }), 0x9600_0047n);
    assert.equal(encodeFields('SCTLR_EL2', { M: 1 }), 0x30c5_0831n);
    assert.equal(encodeFields('SCTLR_EL2', { M: 1 }, { e2h: true }), 1n);
    assert.throws(() => encodeFields('HCR_EL2', { BSU: 4 }), /2 bits wide/);
    assert.throws(() => encodeFields('HCR_EL2', { NOPE: 1 }), /no field NOPE/);
    assert.equal(fieldValue('HCR_EL2', 1n, 'NOPE'), undefined);
  });
});

describe('arch: PSTATE view', () => {
  it('decodes PSTATE in the SPSR layout', () => {
    const d = decodePstate(0x6000_03c9n);
    assert.equal(d.register, 'PSTATE');
    assert.equal(field(d.fields, 'M[3:0]').meaning, 'EL2h');
    assert.equal(field(d.fields, 'Z').value, 1n);
    assert.equal(field(d.fields, 'C').value, 1n);
    assert.equal(field(d.fields, 'N').value, 0n);
  });
});

describe('arch: CPTR_EL2 reserved bits (no SVE, no SME)', () => {
  it('E2H=0: TZ (8) and TSM (12) are RES1 with 13, 9 and [7:0]: mask 0x33ff, as TF-A CPTR_EL2_RES1', () => {
    assert.equal(findRegister('CPTR_EL2')!.res1, 0x33ffn);
    assert.deepEqual(checkReservedBits('CPTR_EL2', 0x33ffn), []);
    // Linux's nVHE value 0x32ff leaves TZ clear, which this PE (no FEAT_SVE) treats as a RES1 violation.
    assert.deepEqual(checkReservedBits('CPTR_EL2', 0x32ffn).map((x) => x.bit), [8]);
    assert.deepEqual(checkReservedBits('CPTR_EL2', 0x22ffn).map((x) => x.bit), [8, 12]);
    const d = decodeValue('CPTR_EL2', 0x22ffn)!;
    const tsm = d.fields.find((f) => f.name === 'TSM')!;
    assert.equal(tsm.violation, true);
    assert.equal(d.fields.find((f) => f.name === 'TFP')!.value, 0n);
  });
  it('E2H=1: the CPACR-like layout has no RES1 bits', () => {
    assert.deepEqual(checkReservedBits('CPTR_EL2', 0x0030_0000n, { e2h: true }), []);
  });
});
