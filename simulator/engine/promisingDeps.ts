/**
 * What the memory model needs to know of one instruction (docs/memory-model.md "Concurrency",
 * "In the engine"): the registers its address, data and control views come from and go to,
 * and the ordering of its accesses. Derived once per instruction from the instruction table
 * (`DECODE_TREE.lookup`: the encoding's class group and its register fields, whose names are the
 * Arm ARM's operand roles: `Rn` base or first source, `Rm` offset or second source, `Ra` addend,
 * `Rd` destination, `Rt`/`Rt2` transfer registers, `Rs` status/compare/operand register) and from
 * the mnemonic for the ordering variants (acquire, release, exclusive, atomic).
 *
 * Dependencies (Arm ARM B2.3.3 "Dependency definitions"): a register's value carries the view of
 * the reads it was computed from; an access's address and data views are those of its address
 * and data registers; a conditional or indirect branch is a control dependency (its view goes to
 * `vcap`). SP and XZR (register 31) carry no view.
 */
import { DECODE_TREE } from '../isa/table';
import type { Instr } from '../isa/instr';
import { ReadOrder, WriteOrder, type ReadKind, type WriteKind } from '../memory/ordering';

/** View slot of NZCV among a PE's register views (0..30 are X0..X30). */
export const FLAGS = 31;

export interface InstrDeps {
  group: 'data-processing' | 'branch' | 'load-store' | 'system' | 'unknown';
  /** Data processing: the registers the result depends on (with `FLAGS` when it reads the condition flags). */
  srcs: number[];
  /**
   * Conditional selects (CSEL, CSINC, CSINV, CSNEG and their aliases): the condition field; the result depends on
   * the register selected only (`Rn` when the condition holds, else `Rm`), not on NZCV, as herd7's aarch64
   * semantics (MP+rel+CSEL and LB+rel+CSEL are Allowed).
   */
  selectCond: number;
  /** The registers a conditional select chooses between (`Rn`, `Rm`; -1 for XZR). */
  selected: [number, number];
  /** Data processing: destination (-1 none); `setsFlags`: NZCV gets the result's view. */
  dst: number;
  setsFlags: boolean;
  /** Loads/stores: registers of the address. */
  addr: number[];
  /** Stores: the data register of each write, in order (atomics: the operand). */
  data: number[];
  /** Loads: the destination of each read, in order (-1: none). */
  loadDst: number[];
  read: ReadKind;
  write: WriteKind;
  /** Branches: registers (or `FLAGS`) the branch decision depends on; `link`: writes X30. */
  control: number[];
  link: boolean;
  /** DMB/DSB CRm, ISB. */
  barrierCrm: number;
  isb: boolean;
  /** MRS and other system reads: Rt gets no view. */
  sysDst: number;
  /** STXR/STLXR status register (-1 none). */
  status: number;
  /** CAS: `Rs` is the compare value and gets the value read (see `PromisingMemory.after`). */
  compareAndSwap: boolean;
}

const READS_FLAGS = /^(csel|csinc|csinv|csneg|cset|csetm|cinc|cinv|cneg|ccmp|ccmn|adc|adcs|sbc|sbcs|ngc|ngcs)$/;
const SELECTS = /^(csel|csinc|csinv|csneg|cset|csetm|cinc|cinv|cneg)$/;
const SETS_FLAGS = /^(adds|subs|ands|bics|adcs|sbcs|negs|ngcs|cmp|cmn|tst|ccmp|ccmn)$/;
/** Instructions that keep part of Rd (MOVK, the bitfield inserts). */
const KEEPS_RD = /^(movk|bfm|bfi|bfxil|bfc)$/;
const ATOMIC = /^(ld|st)(add|clr|eor|set|smax|smin|umax|umin)(a|l|al)?(b|h)?$/;
const SWP = /^swp(a|l|al)?(b|h)?$/;
const CAS = /^casp?(a|l|al)?(b|h)?$/;

function reg(f: Record<string, number>, name: string): number {
  const r = f[name];
  return r === undefined || r === 31 ? -1 : r;
}

function list(...rs: number[]): number[] {
  return rs.filter((r) => r >= 0);
}

/** The dependencies of `instr` (undefined encoding: no dependency information, treated as a system instruction). */
export function instrDeps(instr: Instr): InstrDeps {
  const d: InstrDeps = {
    group: 'unknown',
    srcs: [],
    selectCond: -1,
    selected: [-1, -1],
    dst: -1,
    setsFlags: false,
    addr: [],
    data: [],
    loadDst: [],
    read: { order: ReadOrder.Plain },
    write: { order: WriteOrder.Plain },
    control: [],
    link: false,
    barrierCrm: -1,
    isb: false,
    sysDst: -1,
    status: -1,
    compareAndSwap: false,
  };
  const hit = instr.encoding === undefined ? undefined : DECODE_TREE.lookup(instr.encoding);
  if (hit === undefined) return d;
  const f = hit.fields;
  const m = instr.mnemonic;
  d.group = hit.entry.cls.group;
  switch (d.group) {
    case 'data-processing':
      d.srcs = list(reg(f, 'Rn'), reg(f, 'Rm'), reg(f, 'Ra'));
      if (KEEPS_RD.test(m)) d.srcs.push(...list(reg(f, 'Rd')));
      if (READS_FLAGS.test(m)) d.srcs.push(FLAGS);
      if (SELECTS.test(m) && f.cond !== undefined) {
        d.selectCond = f.cond;
        d.selected = [reg(f, 'Rn'), reg(f, 'Rm')];
      }
      d.dst = reg(f, 'Rd');
      d.setsFlags = SETS_FLAGS.test(m);
      return d;
    case 'branch':
      if (m.startsWith('b.')) d.control = [FLAGS];
      else if (/^(cbz|cbnz|tbz|tbnz)$/.test(m)) d.control = list(reg(f, 'Rt'));
      else if (/^(br|blr|ret)/.test(m)) d.control = list(reg(f, 'Rn'));
      d.link = m === 'bl' || m.startsWith('blr');
      return d;
    case 'system':
      if (m === 'dmb' || m === 'dsb') d.barrierCrm = f.CRm ?? 15;
      d.isb = m === 'isb';
      if (m === 'mrs') d.sysDst = reg(f, 'Rt');
      return d;
    case 'load-store':
      break;
  }
  d.addr = list(reg(f, 'Rn'), reg(f, 'Rm'));
  const rt = reg(f, 'Rt');
  const rt2 = reg(f, 'Rt2');
  const rs = reg(f, 'Rs');
  // An atomic whose destination is XZR/WZR (ST<op>, SWP/CAS to ZR) is "no return": its read is not an acquire
  // even with A set (Arm ARM C6.2 LDADD, SWP, CAS: "If the destination register is not one of WZR or XZR, ...
  // load from memory with acquire semantics"; herd7 AArch64Sem gives it the NoRet annotation instead of A).
  const acqRel = (o: string | undefined, noReturn = false): void => {
    if ((o === 'a' || o === 'al') && !noReturn) d.read.order = ReadOrder.Acquire;
    if (o === 'l' || o === 'al') d.write.order = WriteOrder.Release;
    if (o === 'al' && !noReturn) d.write.ordersLater = true;
    if (noReturn) d.read.noReturn = true;
  };
  let a: RegExpExecArray | null;
  if ((a = ATOMIC.exec(m)) !== null) {
    acqRel(a[3], a[1] === 'st' || rt < 0);
    d.read.exclusive = true;
    d.write.atomic = true;
    d.loadDst = [a[1] === 'st' ? -1 : rt];
    d.data = [rs];
    return d;
  }
  if ((a = SWP.exec(m)) !== null) {
    acqRel(a[1], rt < 0);
    d.read.exclusive = true;
    d.write.atomic = true;
    d.loadDst = [rt];
    d.data = [rs];
    return d;
  }
  if ((a = CAS.exec(m)) !== null) {
    acqRel(a[1], rs < 0);
    d.read.exclusive = true;
    d.write.atomic = true;
    d.compareAndSwap = true;
    d.loadDst = [rs];
    d.data = [rt];
    return d;
  }
  if (/^(ldar|ldaxr|ldaxp|ldlar)/.test(m)) d.read.order = ReadOrder.Acquire;
  else if (/^ldapu?r/.test(m)) d.read.order = ReadOrder.AcquirePc;
  if (/^(stlr|stlxr|stlxp|stllr|stlur)/.test(m)) d.write.order = WriteOrder.Release;
  if (/^ld(a)?x[rp]/.test(m)) d.read.exclusive = true;
  if (/^st(l)?x[rp]/.test(m)) {
    d.write.exclusive = true;
    d.status = rs;
  }
  d.loadDst = [rt, rt2];
  d.data = [rt, rt2];
  return d;
}
