import * as assert from 'node:assert/strict';
import { findRegister } from '../../simulator/arch/registers';
import { SyncException, EC } from '../../simulator/pe/exception';
import { ID_VALUES, idAa64pfr0, resetSysregs } from '../../simulator/pe/reset';
import { tlbiScope } from '../../simulator/mmu/tlbi';
import { Pe } from '../../simulator/pe/pe';
import type { SystemModel } from '../../simulator/pe/system';
import { HCR_BITS, makeHarness, setReg } from './harness';

const IL = 1 << 25;
const CODE = 0x8000_0000;
const VBAR1 = 0x8010_0000;
const VBAR2 = 0x8020_0000;

function machine(el: 0 | 1 | 2 | 3) {
  const h = makeHarness({ el });
  setReg(h.pe, 'VBAR_EL1', BigInt(VBAR1));
  setReg(h.pe, 'VBAR_EL2', BigInt(VBAR2));
  for (let off = 0; off < 0x800; off += 0x80) {
    h.nop(VBAR1 + off);
    h.nop(VBAR2 + off);
  }
  h.pe.pc = CODE;
  return h;
}

const sysIss = (op1: number, crn: number, crm: number, op2: number, rt: number): number =>
  (1 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1);

describe('pe: DC/IC', () => {
  it('DC IVAC at EL0 is UNDEFINED', () => {
    const h = machine(0);
    h.pe.setXBig(0, 0x8800_0000n);
    h.at(CODE, 'dc ivac, x0', (p) => p.sys.cacheMaintenance(p, 'dc', 'ivac', 0));
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
    assert.equal(h.mem.maint.length, 0);
  });

  it('DC CIVAC at EL0 traps to EL1 with EC 0x18 unless SCTLR_EL1.UCI=1', () => {
    const h = machine(0);
    h.pe.setXBig(3, 0x8800_0040n);
    h.at(CODE, 'dc civac, x3', (p) => p.sys.cacheMaintenance(p, 'dc', 'civac', 3));
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(((0x18 << 26) | IL | sysIss(3, 7, 14, 1, 3)) >>> 0));

    const u = machine(0);
    setReg(u.pe, 'SCTLR_EL1', u.pe.readSysreg('SCTLR_EL1') | (1n << 26n));
    u.pe.setXBig(3, 0x8800_0040n);
    u.at(CODE, 'dc civac, x3', (p) => p.sys.cacheMaintenance(p, 'dc', 'civac', 3));
    u.pe.step();
    assert.equal(u.pe.el, 0);
    assert.deepEqual(u.mem.maint, [{ op: 'civac', pa: 0x8800_0040 }]);
  });

  it('DC by VA translates the VA (AccessType.Maintenance) and reports a fault on it', () => {
    const h = machine(1);
    const va = 0x4000_0000;
    h.mmu.faults.set(va, () => new SyncException(EC.DABT_SAME, 0x107, { far: va, stage: 1, level: 3, kind: 'translation' }));
    h.pe.setXBig(1, BigInt(va));
    h.at(CODE, 'dc cvac, x1', (p) => p.sys.cacheMaintenance(p, 'dc', 'cvac', 1));
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(((0x25 << 26) | IL | 0x107) >>> 0));
    assert.equal(h.pe.readSysreg('FAR_EL1'), BigInt(va));
  });

  it('DC IVAC at EL1 with stage 2 enabled is performed as DC CIVAC', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.VM);
    h.pe.setXBig(1, 0x8800_0000n);
    h.at(CODE, 'dc ivac, x1', (p) => p.sys.cacheMaintenance(p, 'dc', 'ivac', 1));
    h.at(CODE + 4, 'dc ivac, x1', (p) => p.sys.cacheMaintenance(p, 'dc', 'ivac', 1));
    h.pe.step();
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW);
    h.pe.step();
    assert.deepEqual(h.mem.maint.map((m) => m.op), ['civac', 'ivac']);
  });

  it('DC ZVA writes 64 zero bytes at the aligned block; at EL0 it needs SCTLR_EL1.DZE', () => {
    const h = machine(1);
    for (let i = 0; i < 80; i += 4) h.mem.physical.writeU32(0x8800_0000 + i, 0xdeadbeef);
    h.pe.setXBig(2, 0x8800_0013n);
    h.at(CODE, 'dc zva, x2', (p) => p.sys.cacheMaintenance(p, 'dc', 'zva', 2));
    h.pe.step();
    for (let i = 0; i < 64; i += 4) assert.equal(h.mem.physical.readU32(0x8800_0000 + i), 0, `offset ${i}`);
    assert.equal(h.mem.physical.readU32(0x8800_0040), 0xdeadbeef, 'the next block is untouched');

    const u = machine(0);
    setReg(u.pe, 'SCTLR_EL1', u.pe.readSysreg('SCTLR_EL1') & ~(1n << 14n));
    u.pe.setXBig(2, 0x8800_0000n);
    u.at(CODE, 'dc zva, x2', (p) => p.sys.cacheMaintenance(p, 'dc', 'zva', 2));
    u.pe.step();
    assert.equal(u.pe.readSysreg('ESR_EL1'), BigInt(((0x18 << 26) | IL | sysIss(3, 7, 4, 1, 2)) >>> 0));
  });

  it('DC CISW goes to the set/way hook; HCR_EL2.TSW traps it from EL1 to EL2', () => {
    const h = machine(1);
    h.pe.setXBig(4, 0x2n);
    h.at(CODE, 'dc cisw, x4', (p) => p.sys.cacheMaintenance(p, 'dc', 'cisw', 4));
    h.pe.step();
    assert.deepEqual(h.mem.setWay, [{ op: 'cisw', sw: 2n }]);
    const t = machine(1);
    setReg(t.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TSW);
    t.at(CODE, 'dc cisw, x4', (p) => p.sys.cacheMaintenance(p, 'dc', 'cisw', 4));
    t.pe.step();
    assert.equal(t.pe.el, 2);
    assert.equal(t.pe.readSysreg('ESR_EL2'), BigInt(((0x18 << 26) | IL | sysIss(0, 7, 14, 2, 4)) >>> 0));
  });

  it('IC IALLU at EL0 is UNDEFINED; IC IVAU translates; HCR_EL2.FB broadcasts IALLU', () => {
    const z = machine(0);
    z.at(CODE, 'ic iallu', (p) => p.sys.cacheMaintenance(p, 'ic', 'iallu', undefined));
    z.pe.step();
    assert.equal(z.pe.readSysreg('ESR_EL1'), BigInt(IL));
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.FB);
    h.pe.setXBig(0, 0x8000_1000n);
    h.at(CODE, 'ic ivau, x0', (p) => p.sys.cacheMaintenance(p, 'ic', 'ivau', 0));
    h.at(CODE + 4, 'ic iallu', (p) => p.sys.cacheMaintenance(p, 'ic', 'iallu', undefined));
    h.run(2);
    assert.deepEqual(h.mem.icache, [
      { op: 'ivau', pa: 0x8000_1000 },
      { op: 'ialluis', pa: undefined },
    ]);
  });

  it('barriers reach the memory system; ISB drops the MMU configuration cache', () => {
    const h = machine(1);
    h.at(CODE, 'dsb ish', (p) => p.sys.barrier(p, 'dsb', 'ish'));
    h.at(CODE + 4, 'isb', (p) => p.sys.barrier(p, 'isb', 'sy'));
    const before = h.mmu.invalidations;
    h.run(2);
    assert.deepEqual(h.mem.barriers, ['dsb ish', 'isb sy']);
    assert.equal(h.mmu.invalidations, before + 1);
  });
});

describe('pe: TLBI and AT', () => {
  it('TLBI at EL0 is UNDEFINED; TLBI ALLE2 at EL1 is UNDEFINED', () => {
    const h = machine(0);
    h.at(CODE, 'tlbi vmalle1', (p) => p.sys.tlbi(p, 'vmalle1', undefined));
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
    const g = machine(1);
    g.at(CODE, 'tlbi alle2', (p) => p.sys.tlbi(p, 'alle2', undefined));
    g.pe.step();
    assert.equal(g.pe.readSysreg('ESR_EL1'), BigInt(IL));
    assert.equal(g.mmu.tlbiCalls.length, 0);
  });

  it('TLBI at EL1 reaches the MMU with its operand; HCR_EL2.FB makes its scope Inner Shareable', () => {
    const h = machine(1);
    h.pe.setXBig(5, 0x12345n);
    h.at(CODE, 'tlbi vae1, x5', (p) => p.sys.tlbi(p, 'vae1', 5));
    h.pe.step();
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.FB);
    h.at(CODE + 4, 'tlbi vmalle1', (p) => p.sys.tlbi(p, 'vmalle1', undefined));
    h.at(CODE + 8, 'tlbi vmalle1is', (p) => p.sys.tlbi(p, 'vmalle1is', undefined));
    h.run(2);
    assert.deepEqual(h.mmu.tlbiCalls, [
      { op: 'vae1', operand: 0x12345n },
      { op: 'vmalle1', operand: undefined },
      { op: 'vmalle1is', operand: undefined },
    ]);
    // The broadcast is the operation's scope (simulator/mmu/tlbi.ts), which the TLBs and the checkers share.
    const fb = tlbiScope(h.pe, 'vmalle1', undefined);
    assert.deepEqual([fb.reach, fb.forcedBroadcast], ['inner', true]);
  });

  it('TLBI IPAS2E1IS needs EL2; at EL2 it reaches the MMU', () => {
    const h = machine(1);
    h.at(CODE, 'tlbi ipas2e1is, x0', (p) => p.sys.tlbi(p, 'ipas2e1is', 0));
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
    const g = machine(2);
    g.at(CODE, 'tlbi ipas2e1is, x0', (p) => p.sys.tlbi(p, 'ipas2e1is', 0));
    g.pe.step();
    assert.equal(g.mmu.tlbiCalls[0].op, 'ipas2e1is');
  });

  it('AT S1E1R without an MMU hook writes PAR_EL1 from the translation; a fault sets PAR_EL1.F', () => {
    const h = machine(1);
    h.pe.setXBig(0, 0x8800_0123n);
    h.at(CODE, 'at s1e1r, x0', (p) => p.sys.addressTranslate(p, 'S1E1R'.toLowerCase(), 0));
    h.pe.step();
    const par = h.pe.readSysreg('PAR_EL1');
    assert.equal(par & 1n, 0n, 'F=0');
    assert.equal(par & 0xf_ffff_ffff_f000n, 0x8800_0000n, 'PA[51:12]');
    assert.equal(par >> 56n, 0xffn, 'Normal WB attributes');
    assert.equal((par >> 7n) & 3n, 3n, 'Inner Shareable');

    const f = machine(1);
    f.mmu.faults.set(0x4000_0000, () => new SyncException(EC.DABT_SAME, 0x05, { stage: 1, level: 1 }));
    f.pe.setXBig(0, 0x4000_0000n);
    f.at(CODE, 'at s1e1r, x0', (p) => p.sys.addressTranslate(p, 's1e1r', 0));
    f.pe.step();
    const fp = f.pe.readSysreg('PAR_EL1');
    assert.equal(fp & 1n, 1n, 'F=1');
    assert.equal((fp >> 1n) & 0x3fn, 0x05n, 'FST = translation fault level 1');
    assert.equal(f.exceptions.length, 0, 'AT does not take the fault');
  });

  it('AT S1E2R at EL1 is UNDEFINED', () => {
    const h = machine(1);
    h.at(CODE, 'at s1e2r, x0', (p) => p.sys.addressTranslate(p, 's1e2r', 0));
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
  });
});

describe('pe: reset values', () => {
  it('gives RES1 bits, MPIDR affinity, IDs and the initial PSTATE', () => {
    const h = makeHarness({ el: 2, aff0: 3, cluster: 1 });
    const pe = h.pe;
    assert.equal(pe.readSysreg('MPIDR_EL1'), 0x8000_0103n);
    assert.equal(pe.readSysreg('VMPIDR_EL2'), 0x8000_0103n);
    assert.equal(pe.readSysreg('SCTLR_EL2'), 0x30c5_0830n);
    assert.equal(pe.readSysreg('SCTLR_EL2') & findRegister('SCTLR_EL2')!.res1, findRegister('SCTLR_EL2')!.res1);
    assert.equal(pe.readSysreg('SCTLR_EL1') & 1n, 0n, 'MMU off');
    assert.equal(pe.readSysreg('ID_AA64MMFR0_EL1') & 0xfn, 5n, 'PARange = 48 bits');
    const pfr0 = pe.readSysreg('ID_AA64PFR0_EL1');
    assert.equal((pfr0 >> 8n) & 0xfn, 1n, 'EL2 implemented');
    assert.equal((pfr0 >> 12n) & 0xfn, 1n, 'EL3 implemented');
    assert.equal(pfr0, idAa64pfr0(true, true));
    assert.equal((pe.readSysreg('CTR_EL0') >> 16n) & 0xfn, 4n, 'DminLine = 64 bytes');
    assert.equal(pe.readSysreg('CLIDR_EL1'), ID_VALUES.CLIDR_EL1);
    assert.equal(pe.readSysreg('SCR_EL3') & 1n, 1n, 'Non-secure by default');
    assert.deepEqual([pe.el, pe.spsel, pe.d, pe.a, pe.i, pe.f], [2, 1, 1, 1, 1, 1]);
  });

  it('a Secure PE gets SCR_EL3.NS=0 and EEL2=1; without EL2 there is no HCR_EL2 and ID_AA64PFR0_EL1.EL2=0', () => {
    const h = makeHarness({ el: 1, secure: true });
    assert.equal(h.pe.readSysreg('SCR_EL3') & 1n, 0n);
    assert.equal((h.pe.readSysreg('SCR_EL3') >> 18n) & 1n, 1n);
    resetSysregs(h.pe, { el: 1, hasEl2: false });
    assert.equal(h.pe.sysregs.has('HCR_EL2'), false);
    assert.equal((h.pe.readSysreg('ID_AA64PFR0_EL1') >> 8n) & 0xfn, 0n);
    // HVC without EL2 is UNDEFINED.
    setReg(h.pe, 'VBAR_EL1', BigInt(VBAR1));
    h.nop(VBAR1 + 0x200);
    h.pe.pc = CODE;
    h.at(CODE, 'hvc #0', (p) => p.sys.exceptionGenerating(p, 'hvc', 0));
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
  });
});

describe('pe: EL2 traps of maintenance (TTLB, TPCP, TPU)', () => {
  it('HCR_EL2.TTLB traps TLBI VMALLE1IS from EL1 with the exact ISS', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | (1n << 25n));
    h.at(CODE, 'tlbi vmalle1is', (p) => p.sys.tlbi(p, 'vmalle1is', undefined));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    // TLBI VMALLE1IS: op0=1 op1=0 CRn=8 CRm=3 op2=0, Rt=31.
    assert.equal(h.pe.readSysreg('ESR_EL2'), BigInt(((0x18 << 26) | IL | sysIss(0, 8, 3, 0, 31)) >>> 0));
    assert.equal(h.mmu.tlbiCalls.length, 0);
  });

  it('HCR_EL2.TPCP traps DC CIVAC at EL1; HCR_EL2.TPU traps IC IVAU', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | (1n << 23n));
    h.at(CODE, 'dc civac, x1', (p) => p.sys.cacheMaintenance(p, 'dc', 'civac', 1));
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL2'), BigInt(((0x18 << 26) | IL | sysIss(3, 7, 14, 1, 1)) >>> 0));
    const u = machine(1);
    setReg(u.pe, 'HCR_EL2', HCR_BITS.RW | (1n << 24n));
    u.at(CODE, 'ic ivau, x2', (p) => p.sys.cacheMaintenance(p, 'ic', 'ivau', 2));
    u.pe.step();
    assert.equal(u.pe.readSysreg('ESR_EL2'), BigInt(((0x18 << 26) | IL | sysIss(3, 7, 5, 1, 2)) >>> 0));
  });
});

describe('pe: global exclusive monitor', () => {
  it("a store by another PE to the reservation granule clears a PE's exclusive monitor; its own store does not", () => {
    const h = machine(1);
    const sys = h.pe.sys as SystemModel;
    const other = new Pe(1, h.pe.env);
    resetSysregs(other, { el: 1 });
    sys.setPes([h.pe, other]);
    h.pe.exclusivePa = 0x8800_0010;
    h.pe.exclusiveSize = 8;
    h.pe.store(0x8800_0010, 8, 1, 0);
    assert.equal(h.pe.exclusivePa, 0x8800_0010, 'own store keeps the monitor');
    other.store(0x8800_0040, 8, 1, 0);
    assert.equal(h.pe.exclusivePa, 0x8800_0010, 'a store outside the 64-byte granule keeps it');
    h.pe.eventRegister = 0;
    other.store(0x8800_0038, 8, 1, 0);
    assert.equal(h.pe.exclusivePa, -1, 'a store into the granule clears it');
    assert.equal(h.pe.eventRegister, 1, 'and generates a WFE wake-up event');
    sys.setPes([h.pe]);
    assert.equal(sys.observeStore, undefined, 'one PE: no store observer on the hot path');
  });
});
