import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  compose,
  decodeValue,
  ESR_ELx,
  fieldOf,
  fieldValue,
  HCR_EL2,
  ICH_LR,
  ISS_DATA_ABORT,
  PAR_EL1,
  PAR_EL1_FAULT,
  SCR_EL3,
  SCTLR_EL1,
  SCTLR_EL2,
  TCR_EL1,
  TCR_EL2,
  VTCR_EL2,
  type DecodeContext,
  type FieldAccessor,
} from '../../simulator/arch';
import * as fields from '../../simulator/arch/registers/fields';

/**
 * Which register (and layout: context and a value selecting it) each accessor
 * set was generated from. Every accessor set exported by fields.ts must be here.
 */
const SOURCES: Record<string, { register: string; ctx?: DecodeContext; value?: bigint }> = {
  ESR_ELx: { register: 'ESR_EL2' },
  HPFAR_EL2: { register: 'HPFAR_EL2' },
  ISR_EL1: { register: 'ISR_EL1' },
  ISS_DATA_ABORT: { register: 'ESR_EL2', value: (0x24n << 26n) | (1n << 24n) | 0x10n },
  ISS_INSTRUCTION_ABORT: { register: 'ESR_EL2', value: (0x20n << 26n) | 0x10n },
  ISS_SYSREG: { register: 'ESR_EL2', value: 0x18n << 26n },
  ISS_WFX: { register: 'ESR_EL2', value: 0x01n << 26n },
  ICC_BPR: { register: 'ICC_BPR1_EL1' },
  ICC_CTLR_EL1: { register: 'ICC_CTLR_EL1' },
  ICC_IGRPEN: { register: 'ICC_IGRPEN1_EL1' },
  ICC_SRE: { register: 'ICC_SRE_EL3' },
  ICC_CTLR_EL3: { register: 'ICC_CTLR_EL3' },
  ICC_IGRPEN1_EL3: { register: 'ICC_IGRPEN1_EL3' },
  ICC_INTID: { register: 'ICC_IAR1_EL1' },
  ICC_PMR_EL1: { register: 'ICC_PMR_EL1' },
  ICC_SGI1R_EL1: { register: 'ICC_SGI1R_EL1' },
  ICH_HCR_EL2: { register: 'ICH_HCR_EL2' },
  ICH_LR: { register: 'ICH_LR0_EL2' },
  ICH_MISR_EL2: { register: 'ICH_MISR_EL2' },
  ICH_VMCR_EL2: { register: 'ICH_VMCR_EL2' },
  ICH_VTR_EL2: { register: 'ICH_VTR_EL2' },
  HCR_EL2: { register: 'HCR_EL2' },
  MDCR_EL2: { register: 'MDCR_EL2' },
  SCR_EL3: { register: 'SCR_EL3' },
  SCTLR_EL1: { register: 'SCTLR_EL1' },
  SCTLR_EL2: { register: 'SCTLR_EL2', ctx: { e2h: false } },
  CLIDR_EL1: { register: 'CLIDR_EL1' },
  CTR_EL0: { register: 'CTR_EL0' },
  DCZID_EL0: { register: 'DCZID_EL0' },
  ID_AA64MMFR0_EL1: { register: 'ID_AA64MMFR0_EL1' },
  ID_AA64MMFR1_EL1: { register: 'ID_AA64MMFR1_EL1' },
  ID_AA64PFR0_EL1: { register: 'ID_AA64PFR0_EL1' },
  MIDR_EL1: { register: 'MIDR_EL1' },
  MPIDR_EL1: { register: 'MPIDR_EL1' },
  DAIF: { register: 'DAIF' },
  NZCV: { register: 'NZCV' },
  CURRENT_EL: { register: 'CurrentEL' },
  SPSR: { register: 'SPSR_EL1' },
  CNT_CTL: { register: 'CNTP_CTL_EL0' },
  PAR_EL1: { register: 'PAR_EL1' },
  PAR_EL1_FAULT: { register: 'PAR_EL1', value: 1n },
  TCR_EL1: { register: 'TCR_EL1' },
  TCR_EL2: { register: 'TCR_EL2', ctx: { e2h: false } },
  TTBR: { register: 'TTBR0_EL1' },
  VSTCR_EL2: { register: 'VSTCR_EL2' },
  VTCR_EL2: { register: 'VTCR_EL2' },
  VTTBR_EL2: { register: 'VTTBR_EL2' },
  CCSIDR_EL1: { register: 'CCSIDR_EL1' },
  CSSELR_EL1: { register: 'CSSELR_EL1' },
  MAIR: { register: 'MAIR_EL1' },
  SPSEL: { register: 'SPSel' },
  VBAR: { register: 'VBAR_EL2' },
};

/** Accessor sets that split one field of the table (its sub-fields): each lies inside that field. */
const SUB_LAYOUTS: Record<string, { register: string; field: string }> = {
  SPSR_M: { register: 'SPSR_EL1', field: 'M[3:0]' },
};

/** The exported accessor sets (objects of field accessors; not the MAIR_ATTR list or the flag groups). */
const isAccessorSet = (e: [string, unknown]): e is [string, Record<string, FieldAccessor>] =>
  typeof e[1] === 'object' && e[1] !== null && !Array.isArray(e[1]) && Object.values(e[1]).every((a) => typeof a === 'object' && a !== null && 'mask' in a);
const exported = Object.entries(fields as unknown as Record<string, unknown>).filter(isAccessorSet);
const sets = exported.filter(([n]) => SUB_LAYOUTS[n] === undefined);
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('arch: field accessors generated from the register table', () => {
  it('every accessor names a field of the table with the same bits', () => {
    assert.deepEqual(sets.map(([n]) => n).sort(), Object.keys(SOURCES).sort(), 'SOURCES lists every accessor set');
    for (const [setName, set] of exported.filter(([n]) => SUB_LAYOUTS[n] !== undefined)) {
      const sub = SUB_LAYOUTS[setName];
      const whole = fieldOf(sub.register, sub.field);
      assert.ok(whole, `${sub.register}.${sub.field}`);
      for (const a of Object.values(set)) assert.ok(a.msb <= whole.msb && a.lsb >= whole.lsb, `${setName}.${a.name} lies in ${sub.field}`);
    }
    assert.deepEqual(fields.MAIR_ATTR.map((a) => a.name), ['Attr0', 'Attr1', 'Attr2', 'Attr3', 'Attr4', 'Attr5', 'Attr6', 'Attr7']);
    assert.equal(fields.NZCV_FLAGS.of(fields.NZCV.N.lo | fields.NZCV.V.lo), 0b1001);
    assert.equal(fields.DAIF_FLAGS.place(0b0010), fields.DAIF.I.lo);
    for (const [setName, set] of sets) {
      const src = SOURCES[setName];
      for (const a of Object.values(set)) {
        // ICH_LR: EOI exists in the HW=0 layout, pINTID in the HW=1 one.
        const value = setName === 'ICH_LR' && a.name === 'pINTID' ? 1n << 61n : (src.value ?? 0n);
        const fd = fieldOf(src.register, a.name, value, src.ctx ?? {});
        assert.ok(fd, `${setName}.${a.name} is a field of ${src.register}`);
        assert.deepEqual([fd.msb, fd.lsb], [a.msb, a.lsb], `${setName}.${a.name} bits`);
      }
    }
  });

  it('of/num/isSet/set/ofHalves agree with the table decode for any value', () => {
    const all = sets.flatMap(([setName, set]) => Object.values(set).map((a) => [setName, a] as const));
    fc.assert(
      fc.property(u64, fc.integer({ min: 0, max: all.length - 1 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v, k, x) => {
        const [setName, a] = all[k];
        const src = SOURCES[setName];
        const expected = fieldValue(src.register, v, a.name, src.ctx ?? {});
        // The layout of a value may differ (ESR by EC): compare against the bits the accessor names.
        const bits = (v >> BigInt(a.lsb)) & ((1n << BigInt(a.width)) - 1n);
        if (expected !== undefined && fieldOf(src.register, a.name, v, src.ctx ?? {})?.lsb === a.lsb) assert.equal(a.of(v), expected);
        assert.equal(a.of(v), bits);
        assert.equal(a.isSet(v), bits !== 0n);
        if (a.width <= 53) assert.equal(a.num(v), Number(bits));
        if (a.width <= 32) assert.equal(a.ofHalves(Number(v & 0xffff_ffffn), Number(v >> 32n)), Number(bits));
        const w = a.set(v, x);
        assert.equal(a.of(w), x & ((1n << BigInt(a.width)) - 1n));
        assert.equal(w & ~a.mask, v & ~a.mask, 'set leaves the other bits alone');
      }),
      { numRuns: 2000 },
    );
  });

  it('word masks: lo for fields in bits [31:0], hi for fields in bits [63:32]', () => {
    assert.equal(HCR_EL2.TGE.lo, 1 << 27);
    assert.equal(HCR_EL2.E2H.hi, 1 << 2);
    assert.equal(HCR_EL2.RW.lo, 1 << 31, 'bit 31 is an int32 mask');
    assert.equal(HCR_EL2.RW.ofLo(0x8000_0000 | 0), 1);
    assert.equal(SCR_EL3.NS.ofLo(1), 1);
    assert.equal(TCR_EL1.IPS.ofHi(0b101), 5);
    assert.equal(VTCR_EL2.SL0.ofLo(0b1000_0000), 2);
    // @ts-expect-error E2H is bit 34: it has no low-word mask.
    void HCR_EL2.E2H.lo;
    // @ts-expect-error TGE is bit 27: it has no high-word mask.
    void HCR_EL2.TGE.hi;
    // Fields straddling bit 32 have neither; ofHalves still reads them.
    assert.equal(ESR_ELx.ISS2.ofHalves(0, 0xab), 0xab);
  });

  it('compose starts from the layout RES1 bits and rejects values that do not fit', () => {
    assert.equal(compose(PAR_EL1_FAULT, { F: 1, FST: 0x07, S: 1 }), 1n | (0x07n << 1n) | (1n << 9n) | (1n << 11n));
    assert.equal(compose(HCR_EL2, { VM: 1, BSU: 1, RW: 1 }), 1n | (1n << 10n) | (1n << 31n));
    assert.equal(compose(SCTLR_EL2, { M: 1 }), 0x30c5_0831n, 'SCTLR_EL2 (E2H=0) RES1 bits 4, 5, 11, 16, 18, 22, 23, 28, 29');
    assert.throws(() => compose(TCR_EL2, { T0SZ: 64 }), /T0SZ is 6 bit\(s\) wide/);
    assert.equal(compose(PAR_EL1, { PA: 0x8_8000n, SH: 3 }), (0x8_8000n << 12n) | (3n << 7n) | (1n << 11n), 'bit 11 RES1 (no FEAT_RME)');
  });

  it('ISS accessors read a data-abort syndrome the decode agrees with', () => {
    const esr = 0x93c2_8007n; // ldr x2, [x1] faulting at stage 2, level 3 (issue #9 item 3)
    assert.equal(ESR_ELx.EC.num(esr), 0x24);
    assert.equal(ISS_DATA_ABORT.ISV.num(esr), 1);
    assert.equal(ISS_DATA_ABORT.SRT.num(esr), 2);
    assert.equal(ISS_DATA_ABORT.DFSC.num(esr), 7);
    const d = decodeValue('ESR_EL2', esr)!;
    const iss = d.fields.find((x) => x.name === 'ISS')!;
    assert.equal(iss.children!.find((x) => x.name === 'SRT')!.value, 2n);
  });

  it('SCTLR_EL1 accessors also read SCTLR_EL2 in its E2H=1 layout', () => {
    for (const name of ['M', 'C', 'I', 'SPAN', 'nTWE'] as const) {
      const fd = fieldOf('SCTLR_EL2', name, 0n, { e2h: true })!;
      assert.deepEqual([fd.msb, fd.lsb], [SCTLR_EL1[name].msb, SCTLR_EL1[name].lsb]);
    }
    assert.equal(ICH_LR.EOI.lsb, 41);
  });
});
