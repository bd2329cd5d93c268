/**
 * Assembler syntax → encoding for system instructions: MRS/MSR (system
 * registers resolved through THE register table, simulator/arch/registers,
 * plus generic S<op0>_<op1>_C<n>_C<m>_<op2> names), MSR (PSTATE fields),
 * exception generation, hints, barriers, CLREX and the SYS aliases DC/IC/AT/TLBI.
 */
import { findRegister } from '../arch/registers';
import { minElFromOp1 } from '../arch/registers/define';
import type { Hint, PstateField, SysregRef } from '../pe/systemOps';
import { AsmError, Operands } from './operands';
import type { AsmHandler } from './asmTypes';
import { BARRIER_OPTIONS, EXCEPTION_GENERATING, findSysOp, HINTS, NOP_HINTS, PSTATE_FIELDS, SPECULATION_BARRIERS, SysOp, sysOpsOf } from './system';

const GENERIC = /^s([0-3])_([0-7])_c([0-9]|1[0-5])_c([0-9]|1[0-5])_([0-7])$/i;

/** Resolve a system-register operand; warns (does not fail) when the expected EL is too low to access it. */
function sysregAt(o: Operands, i: number, write: boolean): SysregRef {
  const text = o.text(i);
  const g = GENERIC.exec(text);
  if (g) {
    const op0 = Number(g[1]);
    if (op0 < 2) throw new AsmError(o.range(i), `${text} has op0=${op0}; MRS/MSR need op0 2 or 3 (use SYS aliases for op0=1)`, 'operand');
    return { name: text.toUpperCase(), op0, op1: Number(g[2]), crn: Number(g[3]), crm: Number(g[4]), op2: Number(g[5]) };
  }
  const def = findRegister(text);
  if (!def) throw new AsmError(o.range(i), `unknown system register '${text}'`, 'operand');
  if (!def.encoding) throw new AsmError(o.range(i), `${def.name} is not accessible with ${write ? 'MSR' : 'MRS'} (no system-register encoding)`, 'operand');
  if (write && !def.access.write) throw new AsmError(o.range(i), `${def.name} is read-only; MSR cannot write it`, 'operand');
  if (!write && !def.access.read) throw new AsmError(o.range(i), `${def.name} is write-only; MRS cannot read it`, 'operand');
  const el = o.ctx.el;
  if (el !== undefined && def.access.minEl > el) {
    o.ctx.report(
      o.range(i),
      `${def.name} is not accessible at EL${el} (lowest EL ${def.access.minEl}); the access is UNDEFINED or trapped${elBecause(o)}`,
      'el-access',
      'warning',
    );
  }
  return { name: def.name, ...def.encoding };
}

/** ` — this code runs at EL1: PE 0 starts here at EL1` when the EL was inferred (the user did not write `el N`). */
function elBecause(o: Operands): string {
  return o.ctx.elReason ? ` (this code runs at EL${o.ctx.el}: ${o.ctx.elReason})` : '';
}

/** Warn when the code's expected EL is below the lowest EL that may execute the instruction. */
function warnBelowEl(o: Operands, minEl: number, what: string): void {
  const el = o.ctx.el;
  if (el !== undefined && el < minEl)
    o.ctx.report(o.line.mnemonicRange ?? o.line.range, `${what} is UNDEFINED at EL${el} (lowest EL ${minEl})${elBecause(o)}`, 'el-access', 'warning');
}

function sysregEncoding(l: number, r: SysregRef, t: number): number {
  return (0xd5000000 | (l << 21) | (r.op0 << 19) | (r.op1 << 16) | (r.crn << 12) | (r.crm << 8) | (r.op2 << 5) | t) >>> 0;
}

const mrsHandler: AsmHandler = (o) => {
  o.count(2, 2, 'xt, system_register');
  const t = o.gpr(0, 'x', 'zr');
  return sysregEncoding(1, sysregAt(o, 1, false), t.n);
};

const msrHandler: AsmHandler = (o) => {
  o.count(2, 2, 'system_register, xt | pstate_field, #imm');
  const field = o.word(0) as PstateField;
  // `msr spsel, #1` is the PSTATE form; `msr spsel, x0` writes the SPSel system register.
  if (Object.prototype.hasOwnProperty.call(PSTATE_FIELDS, field) && !o.isRegister(1)) {
    const f = PSTATE_FIELDS[field];
    const v = o.immRange(1, 0, f.max, `${field} value`);
    return (0xd500401f | (f.op1 << 16) | (v << 8) | (f.op2 << 5)) >>> 0;
  }
  const r = sysregAt(o, 0, true);
  const t = o.gpr(1, 'x', 'zr');
  return sysregEncoding(0, r, t.n);
};

const exceptionHandler =
  (name: keyof typeof EXCEPTION_GENERATING | 'udf'): AsmHandler =>
  (o) => {
    o.count(1, 1, '#imm16');
    const v = o.immRange(0, 0, 0xffff, 'immediate');
    if (name === 'udf') return v;
    // HVC and SMC are UNDEFINED at EL0 (Arm ARM C6.2 HVC/SMC).
    if (name === 'hvc' || name === 'smc') warnBelowEl(o, 1, name.toUpperCase());
    return (EXCEPTION_GENERATING[name] | (v << 5)) >>> 0;
  };

const hintHandler =
  (hint: Hint): AsmHandler =>
  (o) => {
    o.count(0, 0);
    return (0xd503201f | (HINTS[hint] << 5)) >>> 0;
  };

const rawHintHandler: AsmHandler = (o) => {
  o.count(1, 1, '#imm7');
  return (0xd503201f | (o.immRange(0, 0, 127, 'hint number') << 5)) >>> 0;
};

const barrierHandler =
  (op2: number): AsmHandler =>
  (o, name) => {
    const isb = name === 'isb';
    o.count(isb ? 0 : 1, 1, isb ? '{sy}' : 'option (sy, ish, ishst, ishld, nsh, osh, …)');
    let crm = 15;
    if (o.length === 1) {
      const w = o.word(0);
      if (w.startsWith('#') || /^[0-9]/.test(w)) crm = o.immRange(0, 0, 15, 'barrier option');
      else if (isb) {
        if (w !== 'sy') throw new AsmError(o.range(0), `ISB takes only 'sy', got '${o.text(0)}'`, 'operand');
      } else {
        const v = BARRIER_OPTIONS[w];
        if (v === undefined)
          throw new AsmError(o.range(0), `unknown barrier option '${o.text(0)}'; expected one of ${Object.keys(BARRIER_OPTIONS).join(' ')}`, 'operand');
        crm = v;
      }
    }
    return (0xd503301f | (crm << 8) | (op2 << 5)) >>> 0;
  };

const clrexHandler: AsmHandler = (o) => {
  o.count(0, 1, '{#imm4}');
  const crm = o.length === 0 ? 15 : o.immRange(0, 0, 15, 'immediate');
  return (0xd503305f | (crm << 8)) >>> 0;
};

const sysAliasHandler =
  (kind: SysOp['kind']): AsmHandler =>
  (o, name) => {
    o.count(1, 2, 'op{, xt}');
    const op = findSysOp(kind, o.word(0));
    if (!op)
      throw new AsmError(
        o.range(0),
        `unknown ${name.toUpperCase()} operation '${o.text(0)}'; expected one of ${sysOpsOf(kind)
          .map((s) => s.op)
          .join(' ')}`,
        'operand',
      );
    // op1 encodes the lowest EL of the operation (Arm ARM C5.3); EL0 ones may still be trapped by SCTLR_EL1.UCI/DZE.
    warnBelowEl(o, minElFromOp1(op.op1), `${name.toUpperCase()} ${op.op.toUpperCase()}`);
    let t = 31;
    if (op.rt) {
      o.count(2, 2, `${op.op}, xt`);
      t = o.gpr(1, 'x', 'zr').n;
    } else if (o.length > 1) throw new AsmError(o.range(1), `${name.toUpperCase()} ${op.op} takes no register operand`, 'syntax');
    return (0xd5080000 | (op.op1 << 16) | (op.crn << 12) | (op.crm << 8) | (op.op2 << 5) | t) >>> 0;
  };

/** Named NOP-space hints (`paciasp`, `bti c`, `psb csync`, …): the operand, if any, is part of the name. */
const NAMED_HINTS: Record<string, AsmHandler> = {};
for (const [value, full] of Object.entries(NOP_HINTS)) {
  const [mn, arg] = full.split(' ');
  const prev = NAMED_HINTS[mn];
  const mine: AsmHandler = (o, name) => {
    const given = o.length === 0 ? undefined : o.word(0);
    if (given === arg) {
      o.count(arg === undefined ? 0 : 1, arg === undefined ? 0 : 1);
      return (0xd503201f | (Number(value) << 5)) >>> 0;
    }
    if (prev) return prev(o, name);
    const options = Object.values(NOP_HINTS)
      .filter((f) => f.split(' ')[0] === mn)
      .map((f) => f.split(' ')[1] ?? '(none)');
    if (o.length === 0) throw new AsmError(o.line.mnemonicRange ?? o.line.range, `${mn} needs an operand: ${options.join(', ')}`, 'syntax');
    throw new AsmError(o.range(0), `${mn} takes ${options.join(', ')}, got '${o.text(0)}'`, 'operand');
  };
  NAMED_HINTS[mn] = mine;
}

const speculationBarrierHandler =
  (crm: number, op2: number): AsmHandler =>
  (o) => {
    o.count(0, 0);
    return (0xd503301f | (crm << 8) | (op2 << 5)) >>> 0;
  };

export const SYSTEM_HANDLERS: Record<string, AsmHandler> = {
  ...NAMED_HINTS,
  ...Object.fromEntries(Object.entries(SPECULATION_BARRIERS).map(([n, b]) => [n, speculationBarrierHandler(b.crm, b.op2)])),
  mrs: mrsHandler,
  msr: msrHandler,
  svc: exceptionHandler('svc'),
  hvc: exceptionHandler('hvc'),
  smc: exceptionHandler('smc'),
  brk: exceptionHandler('brk'),
  hlt: exceptionHandler('hlt'),
  udf: exceptionHandler('udf'),
  nop: hintHandler('nop'),
  yield: hintHandler('yield'),
  wfe: hintHandler('wfe'),
  wfi: hintHandler('wfi'),
  sev: hintHandler('sev'),
  sevl: hintHandler('sevl'),
  hint: rawHintHandler,
  dsb: barrierHandler(4),
  dmb: barrierHandler(5),
  isb: barrierHandler(6),
  clrex: clrexHandler,
  dc: sysAliasHandler('dc'),
  ic: sysAliasHandler('ic'),
  at: sysAliasHandler('at'),
  tlbi: sysAliasHandler('tlbi'),
};
