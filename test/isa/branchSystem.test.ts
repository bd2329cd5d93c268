import * as assert from 'node:assert/strict';
import { TestMachine, runSnippet } from './harness';
import { assembleText, decodeInstruction } from '../../simulator/isa/index';
import { CONDITION_NAMES } from '../../simulator/isa/conditions';
import { NORMAL_WB_ISH } from '../../simulator/memory/attributes';

describe('isa: branches', () => {
  it('B.cond: all 16 conditions against every NZCV value', () => {
    // Reference: Arm ARM J1 ConditionHolds().
    const holds = (c: number, n: number, z: number, cf: number, v: number): boolean => {
      const base = [z === 1, cf === 1, n === 1, v === 1, cf === 1 && z === 0, n === v, n === v && z === 0, true][c >> 1];
      return c !== 15 && (c & 1) === 1 ? !base : base;
    };
    for (let cond = 0; cond < 16; cond++) {
      for (let flags = 0; flags < 16; flags++) {
        const m = new TestMachine();
        m.load(`b.${CONDITION_NAMES[cond]} taken\nmov x0, #1\nhlt #0\ntaken: mov x0, #2\nhlt #0`);
        m.pe.setNzcv(flags << 28);
        m.run();
        const want = holds(cond, flags >> 3, (flags >> 2) & 1, (flags >> 1) & 1, flags & 1) ? 2n : 1n;
        assert.equal(m.x(0), want, `b.${CONDITION_NAMES[cond]} with NZCV=${flags.toString(2).padStart(4, '0')}`);
      }
    }
  });

  it('BL/RET link through X30; BLR reads the target before writing X30', () => {
    const m = runSnippet('bl f\nadr x1, g\nblr x1\nhlt #0\nf: mov x0, #5\nret\ng: mov x2, x30\nret x2');
    assert.equal(m.x(0), 5n);
    assert.equal(m.x(30), 0x100cn);
    assert.equal(m.x(2), 0x100cn);
    // If BLR wrote X30 before reading it, it would branch to the NOP (4 steps, not 3).
    const m2 = new TestMachine();
    m2.load('adr x30, h\nblr x30\nnop\nh: hlt #0');
    assert.equal(m2.run(), 3);
    assert.equal(m2.x(30), 0x1008n);
  });

  it('CBZ/CBNZ on W look at the low 32 bits only; TBZ/TBNZ test one bit', () => {
    const m = runSnippet('cbz w1, a\nmov x0, #1\na: tbnz x1, #63, b\nmov x2, #1\nb: tbz w1, #0, c\nmov x3, #1\nc: cbnz x1, d\nmov x4, #1\nd: hlt #0', { 1: 0x8000_0001_0000_0000n });
    assert.deepEqual([m.x(0), m.x(2), m.x(3), m.x(4)], [0n, 0n, 0n, 0n]);
  });

  it('code in the upper (TTBR1) half: ADR/ADRP/BL/literal loads use the sign-extended PC', () => {
    const base = -0x0000_ffff_ffff_f000; // VA 0xffff_0000_0000_1000 in pe.ts's signed-number form
    const m = new TestMachine();
    m.pe.env.mmu.translate = (pe, va) => {
      pe.tPa = va & 0xffff; // upper-half VAs map to low PAs
      pe.tAttrs = NORMAL_WB_ISH;
    };
    m.load('adr x0, here\nadrp x1, here\nbl f\nldr x3, lit\nhlt #0\nf: mov x2, x30\nret\nhere: nop\nlit: .quad 0x1122334455667788', base);
    m.run();
    assert.equal(m.x(0), 0xffff_0000_0000_101cn);
    assert.equal(m.x(1), 0xffff_0000_0000_1000n);
    assert.equal(m.x(2), 0xffff_0000_0000_100cn);
    assert.equal(m.x(3), 0x1122_3344_5566_7788n);
  });

  it('branch closures are position independent (PC-relative at run time)', () => {
    const instr = assembleText('b 0x1010', 0x1000n).instr!;
    const m = new TestMachine();
    m.pe.pc = 0x5000;
    m.pe.nextPc = 0x5004;
    instr.exec(m.pe);
    assert.equal(m.pe.nextPc, 0x5010);
  });
});

describe('isa: system instructions delegate to pe.sys', () => {
  function sysRun(src: string, allow: string[], regs: Record<number, bigint> = {}) {
    return runSnippet(src + '\nhlt #0', regs, (m) => allow.forEach((a) => m.sys.allow.add(a as never)));
  }

  it('MRS/MSR pass the register resolved from the register table', () => {
    const m = sysRun('msr sctlr_el1, x1\nmrs x2, SCTLR_EL1\nmrs x3, s3_0_c1_c0_0\nmsr s3_4_c1_c1_0, x4', ['mrs', 'msr'], { 1: 0x30d0_0980n, 4: 7n });
    assert.deepEqual(m.sys.calls.slice(0, 4), [
      { op: 'msr', reg: 'SCTLR_EL1', rt: 1, value: 0x30d0_0980n },
      { op: 'mrs', reg: 'SCTLR_EL1', rt: 2 },
      { op: 'mrs', reg: 'SCTLR_EL1', rt: 3 },
      { op: 'msr', reg: 'HCR_EL2', rt: 4, value: 7n },
    ]);
    assert.equal(m.x(2), 0x30d0_0980n);
  });

  it('MSR (immediate) to PSTATE fields', () => {
    const m = sysRun('msr daifset, #0xf\nmsr daifclr, #2\nmsr spsel, #0\nmsr pan, #1', ['msrImmediate']);
    assert.deepEqual(m.sys.calls.slice(0, 4), [
      { op: 'msrImmediate', field: 'daifset', imm: 15 },
      { op: 'msrImmediate', field: 'daifclr', imm: 2 },
      { op: 'msrImmediate', field: 'spsel', imm: 0 },
      { op: 'msrImmediate', field: 'pan', imm: 1 },
    ]);
  });

  it('exception-generating instructions carry their immediate', () => {
    const m = new TestMachine();
    m.load('svc #0x10\nhvc #1\nsmc #0xffff\nbrk #3\nudf #9\neret');
    m.sys.allow.add('exception');
    m.sys.allow.add('eret');
    for (let i = 0; i < 6; i++) m.step();
    assert.deepEqual(m.sys.calls, [
      { op: 'exception', kind: 'svc', imm: 0x10 },
      { op: 'exception', kind: 'hvc', imm: 1 },
      { op: 'exception', kind: 'smc', imm: 0xffff },
      { op: 'exception', kind: 'brk', imm: 3 },
      { op: 'exception', kind: 'udf', imm: 9 },
      { op: 'eret' },
    ]);
  });

  it('barriers with their domains, hints, and NOP (which does nothing)', () => {
    const m = sysRun('dmb ish\ndsb sy\ndsb oshst\nisb\nnop\nwfi\nwfe\nsev\nsevl\nyield', ['barrier', 'hint']);
    assert.deepEqual(m.sys.calls.slice(0, 9), [
      { op: 'barrier', kind: 'dmb', domain: 'ish' },
      { op: 'barrier', kind: 'dsb', domain: 'sy' },
      { op: 'barrier', kind: 'dsb', domain: 'oshst' },
      { op: 'barrier', kind: 'isb', domain: 'sy' },
      { op: 'hint', kind: 'wfi' },
      { op: 'hint', kind: 'wfe' },
      { op: 'hint', kind: 'sev' },
      { op: 'hint', kind: 'sevl' },
      { op: 'hint', kind: 'yield' },
    ]);
  });

  it('DC/IC/TLBI/AT with and without Xt', () => {
    const m = sysRun('dc civac, x3\ndc zva, x4\nic ialluis\nic ivau, x5\ntlbi vmalle1is\ntlbi vae2, x6\ntlbi ipas2e1is, x7\nat s12e1r, x8', ['cache', 'tlbi', 'at']);
    assert.deepEqual(m.sys.calls.slice(0, 8), [
      { op: 'cache', kind: 'dc', name: 'civac', rt: 3 },
      { op: 'cache', kind: 'dc', name: 'zva', rt: 4 },
      { op: 'cache', kind: 'ic', name: 'ialluis', rt: undefined },
      { op: 'cache', kind: 'ic', name: 'ivau', rt: 5 },
      { op: 'tlbi', name: 'vmalle1is', rt: undefined },
      { op: 'tlbi', name: 'vae2', rt: 6 },
      { op: 'tlbi', name: 'ipas2e1is', rt: 7 },
      { op: 'at', name: 's12e1r', rt: 8 },
    ]);
  });

  it('decoded MRS/MSR name the register from the table, or generically', () => {
    assert.equal(decodeInstruction(0xd5381000, 0n)!.text, 'mrs x0, sctlr_el1');
    assert.equal(decodeInstruction(0xd53bf203, 0n)!.text, 'mrs x3, s3_3_c15_c2_0');
  });

  it('code written to memory at run time is decoded and executed', () => {
    // movz x0, #0x2a ; hlt #0 stored by the program itself, then jumped to.
    const m = runSnippet('ldr w1, =0xd2800540\nldr w2, =0xd4400000\nstp w1, w2, [x9]\nbr x9', { 9: 0x9000n });
    assert.equal(m.x(0), 0x2an);
    assert.equal(m.pe.pc, 0x9008);
  });
});
