/**
 * Operands of the system instructions: system registers of MRS/MSR (resolved
 * through THE register table, simulator/arch/registers, plus generic
 * `S<op0>_<op1>_C<n>_C<m>_<op2>` names), fixed words (`csync`, `c`, `sy`), barrier
 * options, SYS operation names (DC, IC, AT, TLBI) and PRFM prefetch operations.
 */
import { findRegister } from '../../arch/registers';
import { minElFromOp1 } from '../../arch/registers/define';
import type { SourceRange } from '../../util/source';
import { isImm, isReg, isWord, operand } from '../decodetree/form';
import type { AsmState, Codec, Fields } from '../decodetree/types';
import { imm, reg } from '../format';
import { AsmError } from '../operands';
import { BARRIER_BY_CRM, BARRIER_OPTIONS, findSysOp, sysOpByEncoding, sysOpsOf, sysregRef, type SysOp } from '../system';

/** ` (this code runs at EL1: PE 0 starts here at EL1)` when the EL was inferred (the user did not write `el N`). */
function elBecause(a: AsmState): string {
  return a.ctx.elReason ? ` (this code runs at EL${a.ctx.el}: ${a.ctx.elReason})` : '';
}

/** Warn (rule el-access) when the code's expected EL is below the lowest EL that may execute `what`. */
export function warnBelowEl(a: AsmState, range: SourceRange, minEl: number, what: string): void {
  const el = a.ctx.el;
  if (el !== undefined && el < minEl) a.warnings.push({ range, message: `${what} is UNDEFINED at EL${el} (lowest EL ${minEl})${elBecause(a)}` });
}

/** The mnemonic's range, where instruction-level warnings point. */
export function mnemonicRange(a: AsmState): SourceRange {
  return a.ops.line.mnemonicRange ?? a.ops.line.range;
}

const GENERIC = /^s([0-3])_([0-7])_c([0-9]|1[0-5])_c([0-9]|1[0-5])_([0-7])$/i;

/** The MRS/MSR system register into o0 (op0 = 2 + o0), op1, CRn, CRm, op2; warns when the expected EL cannot access it. */
export function sysreg(write: boolean): Codec {
  return operand({
    usage: 'system_register',
    shape: isWord,
    parse(a: AsmState, f: Fields): void {
      const text = a.ops.text(a.i);
      const range = a.ops.range(a.i);
      const g = GENERIC.exec(text);
      let e: { op0: number; op1: number; crn: number; crm: number; op2: number };
      if (g) {
        const op0 = Number(g[1]);
        if (op0 < 2) throw new AsmError(range, `${text} has op0=${op0}; MRS/MSR need op0 2 or 3 (use SYS aliases for op0=1)`, 'operand');
        e = { op0, op1: Number(g[2]), crn: Number(g[3]), crm: Number(g[4]), op2: Number(g[5]) };
      } else {
        const def = findRegister(text);
        if (!def) throw new AsmError(range, `unknown system register '${text}'`, 'operand');
        if (!def.encoding) throw new AsmError(range, `${def.name} is not accessible with ${write ? 'MSR' : 'MRS'} (no system-register encoding)`, 'operand');
        if (write && !def.access.write) throw new AsmError(range, `${def.name} is read-only; MSR cannot write it`, 'operand');
        if (!write && !def.access.read) throw new AsmError(range, `${def.name} is write-only; MRS cannot read it`, 'operand');
        const el = a.ctx.el;
        if (el !== undefined && def.access.minEl > el)
          a.warnings.push({ range, message: `${def.name} is not accessible at EL${el} (lowest EL ${def.access.minEl}); the access is UNDEFINED or trapped${elBecause(a)}` });
        e = def.encoding;
      }
      f.o0 = e.op0 - 2;
      f.op1 = e.op1;
      f.CRn = e.crn;
      f.CRm = e.crm;
      f.op2 = e.op2;
      a.i++;
    },
    print: (f) => sysregRef(2 + f.o0, f.op1, f.CRn, f.CRm, f.op2).name.toLowerCase(),
  });
}

/** A fixed word (`csync` of PSB, `c` of BTI, `sy` of ISB, a PSTATE field name); `wrong` explains the alternatives. */
export function word(w: string, wrong: (a: AsmState) => string): Codec {
  return operand({
    usage: w,
    shape: (t) => t.toLowerCase() === w,
    parse(a: AsmState): void {
      if (a.ops.word(a.i) !== w) throw new AsmError(a.ops.range(a.i), wrong(a), 'operand', true);
      a.i++;
    },
    print: () => w,
  });
}

/** DMB/DSB option (`ish`, `oshst`, … `sy`) into CRm; printed by name when it has one. */
export const BARRIER_OPTION: Codec = operand({
  usage: 'sy|ish|ishst|ishld|nsh|nshst|nshld|osh|oshst|oshld|st|ld',
  shape: isWord,
  parse(a: AsmState, f: Fields): void {
    const v = BARRIER_OPTIONS[a.ops.word(a.i)];
    if (v === undefined || !Object.prototype.hasOwnProperty.call(BARRIER_OPTIONS, a.ops.word(a.i)))
      throw new AsmError(a.ops.range(a.i), `unknown barrier option '${a.ops.text(a.i)}'; expected one of ${Object.keys(BARRIER_OPTIONS).join(' ')}`, 'operand');
    f.CRm = v;
    a.i++;
  },
  print: (f) => BARRIER_BY_CRM[f.CRm],
  fits: (f) => BARRIER_BY_CRM[f.CRm] !== undefined,
});

/** The SYS operation a word names, for the encoding fields. */
export function sysOpOf(f: Fields): SysOp | undefined {
  return sysOpByEncoding(f.op1, f.CRn, f.CRm, f.op2);
}

/**
 * DC/IC/AT/TLBI `op{, xt}` into op1/CRn/CRm/op2/Rt: the operation names its encoding and whether it
 * takes Xt (Rt = 31 otherwise). op1 encodes the lowest EL that may execute it (Arm ARM C5.3).
 */
export function sysOperation(kind: SysOp['kind']): Codec {
  return {
    usage: 'op{, xt}',
    min: 1,
    max: 2,
    shape: (t, k) => (k === 0 ? isWord(t) : isReg(t)),
    parse(a: AsmState, f: Fields): void {
      const name = kind.toUpperCase();
      const op = findSysOp(kind, a.ops.word(a.i));
      if (!op)
        throw new AsmError(
          a.ops.range(a.i),
          `unknown ${name} operation '${a.ops.text(a.i)}'; expected one of ${sysOpsOf(kind)
            .map((s) => s.op)
            .join(' ')}`,
          'operand',
        );
      // EL0 ones may still be trapped by SCTLR_EL1.UCI/DZE.
      warnBelowEl(a, mnemonicRange(a), minElFromOp1(op.op1), `${name} ${op.op.toUpperCase()}`);
      f.op1 = op.op1;
      f.CRn = op.crn;
      f.CRm = op.crm;
      f.op2 = op.op2;
      f.Rt = 31;
      if (op.rt) {
        a.ops.count(2, 2, `${op.op}, xt`);
        a.i++;
        f.Rt = a.ops.gpr(a.i, 'x', 'zr').n;
      } else if (a.ops.length > 1) throw new AsmError(a.ops.range(1), `${name} ${op.op} takes no register operand`, 'syntax');
      a.i++;
    },
    print(f: Fields): string {
      const op = sysOpOf(f)!;
      return op.rt ? `${op.op}, ${reg(f.Rt, true)}` : op.op;
    },
  };
}

/** PRFM prefetch operation names (C6.2.212): type (pld/pli/pst), target (l1..l3), policy (keep/strm). */
export function prfopName(prfop: number): string {
  const type = prfop >> 3;
  const target = (prfop >> 1) & 3;
  if (type < 3 && target < 3) return `${['pld', 'pli', 'pst'][type]}l${target + 1}${prfop & 1 ? 'strm' : 'keep'}`;
  return imm(prfop);
}

/** PRFM/PRFUM `prfop` (`pldl1keep`, `pstl2strm`, … or `#imm5`) into Rt. */
export const PRFOP: Codec = operand({
  usage: 'prfop',
  shape: (t) => isWord(t) || isImm(t),
  parse(a: AsmState, f: Fields): void {
    const w = a.ops.word(a.i);
    const m = /^(pld|pli|pst)l([123])(keep|strm)$/.exec(w);
    if (m) f.Rt = (['pld', 'pli', 'pst'].indexOf(m[1]) << 3) | ((Number(m[2]) - 1) << 1) | (m[3] === 'strm' ? 1 : 0);
    else if (w.startsWith('#')) f.Rt = a.ops.immRange(a.i, 0, 31, 'prefetch operation');
    else throw new AsmError(a.ops.range(a.i), `unknown prefetch operation '${a.ops.text(a.i)}'; expected e.g. pldl1keep, pstl2strm, plil3keep or #imm5`, 'operand');
    a.i++;
  },
  print: (f) => prfopName(f.Rt),
});
