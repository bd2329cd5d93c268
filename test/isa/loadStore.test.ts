import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExtendType } from '../../simulator/isa/arith';
import { eaIndexed, eaReg } from '../../simulator/isa/classes/access';
import { bigToVa } from '../../simulator/pe/entry';
import { SyncException } from '../../simulator/pe/exception';
import { AccessType } from '../../simulator/mmu/types';
import type { Pe } from '../../simulator/pe/pe';
import { NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { TestMachine, runSnippet } from './harness';

const M64 = (1n << 64n) - 1n;
const BUF = 0x8000;

function withBuffer(bytes: number[]): (m: TestMachine) => void {
  return (m) => bytes.forEach((b, i) => m.write(BUF + i, 1, BigInt(b)));
}

describe('isa: loads and stores', () => {
  const pattern = [0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88];

  it('loads every size, zero- or sign-extended', () => {
    const m = runSnippet(
      'ldrb w0, [x9]\nldrsb w1, [x9]\nldrsb x2, [x9]\nldrh w3, [x9]\nldrsh x4, [x9]\nldrsh w5, [x9]\nldr w6, [x9, #4]\nldrsw x7, [x9, #4]\nldr x8, [x9, #8]\nhlt #0',
      { 0: M64, 1: M64, 3: M64, 5: M64, 6: M64, 9: BigInt(BUF) },
      withBuffer(pattern),
    );
    assert.equal(m.x(0), 0x81n);
    assert.equal(m.x(1), 0xffff_ff81n);
    assert.equal(m.x(2), 0xffff_ffff_ffff_ff81n);
    assert.equal(m.x(3), 0x9281n);
    assert.equal(m.x(4), 0xffff_ffff_ffff_9281n);
    assert.equal(m.x(5), 0xffff_9281n);
    assert.equal(m.x(6), 0xf8e7_d6c5n);
    assert.equal(m.x(7), 0xffff_ffff_f8e7_d6c5n);
    assert.equal(m.x(8), 0x8807_0605_0403_0201n);
  });

  it('stores every size (little-endian) and only that many bytes', () => {
    const m = runSnippet('strb w1, [x9]\nstrh w1, [x9, #2]\nstr w1, [x9, #4]\nstr x1, [x9, #8]\nhlt #0', { 1: 0x1122_3344_5566_7788n, 9: BigInt(BUF) }, withBuffer(new Array<number>(16).fill(0xee)));
    assert.equal(m.read(BUF, 8), 0x5566_7788_7788_ee88n);
    assert.equal(m.read(BUF + 8, 8), 0x1122_3344_5566_7788n);
  });

  it('pre-index, post-index and unscaled addressing update the base correctly', () => {
    const m = runSnippet('ldr x0, [x9, #8]!\nldr x1, [x9], #-8\nldur x2, [x9, #1]\nstr x3, [x9, #-16]!\nhlt #0', { 3: 0xabn, 9: BigInt(BUF) }, withBuffer(pattern));
    assert.equal(m.x(0), 0x8807_0605_0403_0201n);
    assert.equal(m.x(1), 0x8807_0605_0403_0201n);
    assert.equal(m.x(2), 0x01f8_e7d6_c5b4_a392n);
    assert.equal(m.x(9), BigInt(BUF - 16));
    assert.equal(m.read(BUF - 16, 8), 0xabn);
  });

  it('the inline register-offset address (Xn + Xm LSL #s) is the extended-register one, carries and wrap-around included', () => {
    const pe = new TestMachine().pe;
    const word = fc.oneof(fc.bigInt({ min: 0n, max: M64 }), fc.constantFrom(0n, M64, 0xffff_ffffn, 0x1_0000_0000n, 0x8000_0000_0000_0000n));
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (xn, xm, shift) => {
        pe.setXBig(9, xn);
        pe.setXBig(10, xm);
        const want = bigToVa(BigInt.asUintN(64, xn + (xm << BigInt(shift))));
        assert.equal(eaIndexed(pe, 9, 10, shift), want);
        assert.equal(eaReg(pe, 9, 10, ExtendType.UXTX, shift), want);
        // m = 31 (XZR, never written): the base register alone.
        assert.equal(eaIndexed(pe, 9, 31, shift), bigToVa(xn));
      }),
    );
  });

  it('register offsets: lsl by the size, uxtw/sxtw of a W index', () => {
    const m = runSnippet('ldr x0, [x9, x10, lsl #3]\nldrb w1, [x9, w11, sxtw]\nldrh w2, [x9, w12, uxtw #1]\nhlt #0', {
      9: BigInt(BUF + 8),
      10: M64, // -1 → BUF
      11: 0xffff_ffffn, // sxtw(-1) → BUF + 7
      12: 0x1_0000_0002n, // uxtw(2) << 1 = 4 → BUF + 12
    }, withBuffer(pattern));
    assert.equal(m.x(0), 0xf8e7_d6c5_b4a3_9281n);
    assert.equal(m.x(1), 0xf8n);
    assert.equal(m.x(2), 0x0605n);
  });

  it('LDP/STP/LDPSW with writeback', () => {
    const m = runSnippet('stp x1, x2, [x9, #-16]!\nldp w3, w4, [x9]\nldpsw x5, x6, [x9], #16\nhlt #0', { 1: 0xffff_ffff_8000_0001n, 2: 2n, 9: BigInt(BUF) });
    assert.equal(m.x(9), BigInt(BUF));
    assert.equal(m.x(3), 0x8000_0001n);
    assert.equal(m.x(4), 0xffff_ffffn);
    assert.equal(m.x(5), 0xffff_ffff_8000_0001n);
    assert.equal(m.x(6), 0xffff_ffff_ffff_ffffn);
  });

  it('stores through SP use the current SP', () => {
    const m = runSnippet('stp x1, x2, [sp, #-16]!\nldr x3, [sp, #8]\nhlt #0', { 1: 1n, 2: 2n });
    assert.equal(m.pe.getSp(1), 0x80000n - 16n);
    assert.equal(m.x(3), 2n);
  });

  it('literal loads, including ldr =value through the literal pool', () => {
    const m = new TestMachine();
    m.load('ldr x0, =0x1234_5678_9abc_def0\nldr w1, =-1\nldrsw x2, =0x80000000\nldr x3, data\nhlt #0\n.word 0\ndata: .quad 0x42');
    m.run();
    assert.equal(m.x(0), 0x1234_5678_9abc_def0n);
    assert.equal(m.x(1), 0xffff_ffffn);
    assert.equal(m.x(2), 0xffff_ffff_8000_0000n);
    assert.equal(m.x(3), 0x42n);
  });

  describe('exclusive monitor (Arm ARM B2.9)', () => {
    it('LDXR arms the monitor; a matching STXR succeeds (status 0) and clears it', () => {
      const m = runSnippet('ldxr x0, [x9]\nadd x0, x0, #1\nstxr w1, x0, [x9]\nstxr w2, x0, [x9]\nhlt #0', { 9: BigInt(BUF) }, withBuffer([5]));
      assert.equal(m.x(1), 0n);
      assert.equal(m.x(2), 1n, 'second STXR without LDXR fails');
      assert.equal(m.read(BUF, 8), 6n);
      assert.equal(m.pe.exclusivePa, -1);
    });
    it('STXR fails after CLREX, to another address, or with another size, and then stores nothing', () => {
      const m = runSnippet(
        'ldxr x0, [x9]\nclrex\nstxr w1, x3, [x9]\nldxr x0, [x9]\nstxr w2, x3, [x10]\nldxr w0, [x9]\nstxr w4, x3, [x9]\nhlt #0',
        { 3: 0x77n, 9: BigInt(BUF), 10: BigInt(BUF + 8) },
        withBuffer(pattern),
      );
      assert.deepEqual([m.x(1), m.x(2)], [1n, 1n]);
      assert.equal(m.x(4), 1n, 'LDXR W then STXR X: size differs');
      assert.equal(m.read(BUF, 8), 0xf8e7_d6c5_b4a3_9281n);
      assert.equal(m.read(BUF + 8, 8), 0x8807_0605_0403_0201n);
    });
    it('LDXP/STXP cover both registers', () => {
      const m = runSnippet('ldxp x0, x1, [x9]\nstxp w2, x1, x0, [x9]\nhlt #0', { 9: BigInt(BUF) }, withBuffer(pattern));
      assert.equal(m.x(2), 0n);
      assert.equal(m.read(BUF, 8), 0x8807_0605_0403_0201n);
      assert.equal(m.read(BUF + 8, 8), 0xf8e7_d6c5_b4a3_9281n);
    });
    it('the monitor holds the PA from translation: two VA aliases of one PA pair up', () => {
      const m = new TestMachine();
      m.load('ldxr x0, [x9]\nstxr w1, x2, [x10]\nhlt #0');
      m.pe.env.mmu.translate = (pe, va) => {
        pe.tPa = va & 0xffff;
        pe.tAttrs = NORMAL_WB_ISH;
      };
      m.setX(9, 0x1_8000n);
      m.setX(10, 0x2_8000n);
      m.setX(2, 0x99n);
      m.run();
      assert.equal(m.x(1), 0n);
      assert.equal(m.read(0x8000, 8), 0x99n);
    });
    it('a store by another agent that clears the monitor (observeStore) makes STXR fail', () => {
      const m = new TestMachine();
      m.load('ldaxr x0, [x9]\nnop\nstlxr w1, x0, [x9]\nhlt #0');
      m.setX(9, BigInt(BUF));
      m.step();
      assert.equal(m.pe.exclusivePa, BUF);
      assert.equal(m.pe.exclusiveSize, 8);
      m.pe.exclusivePa = -1; // what the global monitor does when another PE writes the granule
      m.run();
      assert.equal(m.x(1), 1n);
    });
    it('a faulting STXR takes the abort even when the monitor does not match', () => {
      const m = new TestMachine();
      m.load('stxr w1, x0, [x9]\nhlt #0');
      m.setX(9, 0xdead_0000n);
      m.setX(1, 0x55n);
      const fault = new SyncException(0x25, 0x47, { far: 0xdead_0000 });
      (m.pe.env.mmu as { translate: (pe: Pe, va: number, size: number, a: AccessType) => void }).translate = (pe, va, _s, access) => {
        if (va === 0xdead_0000 && access === AccessType.Write) throw fault;
        pe.tPa = va;
        pe.tAttrs = NORMAL_WB_ISH;
      };
      assert.throws(() => m.step(), (e) => e === fault);
      assert.equal(m.x(1), 0x55n, 'status register untouched by a faulting STXR');
    });
  });

  describe('alignment of exclusive and acquire/release accesses (Arm ARM B2.5.2)', () => {
    const fault = (src: string, x9: bigint, el: 0 | 1 | 2 = 1): SyncException => {
      const m = new TestMachine();
      m.load(src + '\nhlt #0');
      m.pe.el = el;
      m.setX(9, x9);
      try {
        m.step();
      } catch (e) {
        assert.ok(e instanceof SyncException);
        return e;
      }
      assert.fail(`${src} at ${x9.toString(16)} did not fault`);
    };
    it('LDAR to an unaligned address: Data Abort, DFSC alignment, same EL', () => {
      const e = fault('ldar x0, [x9]', 0x8004n);
      assert.equal(e.ec, 0x25);
      assert.equal(e.iss, 0x21);
      assert.equal(e.far, 0x8004);
      assert.equal(e.kind, 'alignment');
      assert.equal(e.targetEl, 1);
    });
    it('STXR/STLR report WnR; from EL0 the abort is taken to EL1 (EC 0x24)', () => {
      const e = fault('stxr w1, w0, [x9]', 0x8002n, 0);
      assert.equal(e.ec, 0x24);
      assert.equal(e.iss, 0x61);
      assert.equal(e.targetEl, 1);
      assert.equal(fault('stlrh w0, [x9]', 0x8001n, 2).ec, 0x25);
    });
    it('LDXP of two X registers needs 16-byte alignment; aligned accesses do not fault', () => {
      assert.equal(fault('ldxp x0, x1, [x9]', 0x8008n).iss, 0x21);
      const m = runSnippet('ldxp x0, x1, [x9]\nldaxrh w2, [x10]\nstlrb w2, [x11]\nhlt #0', { 9: 0x8010n, 10: 0x8002n, 11: 0x8003n });
      assert.equal(m.pe.exclusiveSize, 2);
    });
  });

  describe('FEAT_LSE atomics', () => {
    it('LDADD/LDSMAX/LDUMIN return the old value and store the combination at the access size', () => {
      const m = runSnippet('ldaddal x1, x0, [x9]\nldsmaxh w2, w3, [x10]\nlduminb w4, w5, [x11]\nhlt #0', {
        1: 5n,
        2: 0x7fffn, // signed max(0x8001 = -32767, 0x7fff) = 0x7fff
        4: 0x10n, // unsigned min(0xf0, 0x10) = 0x10
        9: BigInt(BUF),
        10: BigInt(BUF + 8),
        11: BigInt(BUF + 12),
      }, (mm) => {
        mm.write(BUF, 8, 0xffff_ffff_ffff_fffen);
        mm.write(BUF + 8, 2, 0x8001n);
        mm.write(BUF + 12, 1, 0xf0n);
      });
      assert.equal(m.x(0), 0xffff_ffff_ffff_fffen);
      assert.equal(m.read(BUF, 8), 3n);
      assert.equal(m.x(3), 0x8001n);
      assert.equal(m.read(BUF + 8, 2), 0x7fffn);
      assert.equal(m.x(5), 0xf0n);
      assert.equal(m.read(BUF + 12, 1), 0x10n);
    });
    it('CAS stores only when memory equals Rs and always returns the old value in Rs', () => {
      const m = runSnippet('cas x1, x2, [x9]\ncasal w3, w4, [x10]\nhlt #0', { 1: 7n, 2: 0x99n, 3: 1n, 4: 0x55n, 9: BigInt(BUF), 10: BigInt(BUF + 8) }, (mm) => {
        mm.write(BUF, 8, 7n);
        mm.write(BUF + 8, 4, 2n);
      });
      assert.equal(m.x(1), 7n);
      assert.equal(m.read(BUF, 8), 0x99n);
      assert.equal(m.x(3), 2n, 'failed compare returns the value found');
      assert.equal(m.read(BUF + 8, 4), 2n, 'and stores nothing');
    });
    it('SWP and ST<op>; atomics need natural alignment', () => {
      const m = runSnippet('swp x1, x0, [x9]\nstsetb w2, [x9]\nhlt #0', { 1: 0x100n, 2: 0x0fn, 9: BigInt(BUF) }, (mm) => mm.write(BUF, 8, 42n));
      assert.equal(m.x(0), 42n);
      assert.equal(m.read(BUF, 8), 0x10fn);
      const u = new TestMachine();
      u.load('ldadd w1, w0, [x9]\nhlt #0');
      u.setX(9, BigInt(BUF + 2));
      assert.throws(() => u.step(), (e) => e instanceof SyncException && e.iss === 0x61 && e.far === BUF + 2);
    });
  });

  describe('LDTR/STTR (unprivileged)', () => {
    function machine(el: 1 | 2 | 3, setup?: (m: TestMachine) => void) {
      const m = new TestMachine();
      m.load('ldtr x0, [x9]\nsttrb w1, [x9, #8]\nldtrsw x2, [x10]\nhlt #0');
      const seen: number[] = [];
      m.pe.env.mmu.translate = (pe, va) => {
        seen.push(pe.el);
        // A permission fault as the MMU reports it for an EL0 access: taken to EL1, "from a lower EL".
        if (va === 0xdead_0000) throw new SyncException(0x24, 0x4f, { targetEl: 1, far: va, kind: 'permission' });
        pe.tPa = va;
        pe.tAttrs = NORMAL_WB_ISH;
      };
      m.pe.el = el;
      m.setX(9, BigInt(BUF));
      m.setX(10, 0xdead_0000n);
      m.setX(1, 0xabn);
      m.write(BUF, 8, 0x1234n);
      setup?.(m);
      return { m, seen };
    }
    it('at EL1 they are translated as EL0 accesses; a fault is reported as from the current EL', () => {
      const { m, seen } = machine(1);
      m.step();
      m.step();
      assert.deepEqual(seen, [0, 0]);
      assert.equal(m.pe.el, 1);
      assert.equal(m.x(0), 0x1234n);
      assert.equal(m.read(BUF + 8, 1), 0xabn);
      assert.throws(() => m.step(), (e) => e instanceof SyncException && e.ec === 0x25 && e.iss === 0x4f);
      assert.equal(m.pe.el, 1, 'the EL is restored after a fault');
    });
    it('PSTATE.UAO=1 makes them privileged; at EL2 they are unprivileged only with HCR_EL2.{E2H,TGE}=11', () => {
      const uao = machine(1, (m) => (m.pe.pstateOther |= 1 << 23));
      uao.m.step();
      assert.deepEqual(uao.seen, [1]);
      const el2 = machine(2);
      el2.m.step();
      assert.deepEqual(el2.seen, [2]);
      const host = machine(2, (m) => m.pe.writeSysreg('HCR_EL2', (1n << 34n) | (1n << 27n)));
      host.m.step();
      assert.deepEqual(host.seen, [0]);
      assert.equal(host.m.pe.el, 2);
    });
  });

  it('a faulting load with writeback leaves the base register unchanged', () => {
    const m = new TestMachine();
    m.load('ldr x0, [x9, #8]!\nhlt #0');
    m.setX(9, 0x1_0000n);
    const fault = new SyncException(0x25, 0x7);
    m.pe.env.mmu.translate = () => {
      throw fault;
    };
    assert.throws(() => m.step(), (e) => e === fault);
    assert.equal(m.x(9), 0x1_0000n);
    assert.equal(m.pe.pc, 0x1000);
  });

  it('LDAR/STLR access memory like plain loads and stores', () => {
    const m = runSnippet('stlrh w1, [x9]\nldarb w2, [x9]\nstlr x1, [x9, #0]\nldar w3, [x9]\nhlt #0', { 1: 0x1122_3344_5566_7788n, 9: BigInt(BUF) });
    assert.equal(m.x(2), 0x88n);
    assert.equal(m.x(3), 0x5566_7788n);
  });
});
