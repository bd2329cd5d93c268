/**
 * Semantic checks on a parsed scenario: things that are well-formed text but
 * cannot describe a machine (PE 9 of 4, an unknown register, a value wider than
 * its register, RES0 bits set…). Register names and layouts come from THE
 * register table (`simulator/arch/registers`), never from a list kept here.
 */
import { allRegisters, checkReservedBits, findRegister, type ReservedBitViolation } from '../arch/registers';
import { hex } from '../util/hex';
import { didYouMean, type Reporter } from './diagnostics';
import type { PeMention } from './eventDecl';
import type { RegisterMention } from './expectBlock';
import type { PeDecl, SourceRange } from './model';
import type { PeHeaderInfo } from './peBlock';
import type { ParseState } from './state';
import { peRangeMessage } from './systemBlock';

export interface CheckInputs {
  peHeaders: PeHeaderInfo[];
  peMentions: PeMention[];
  regMentions: RegisterMention[];
}

/** PSTATE fields a scenario may name, with their widths (Arm ARM D1.4). */
const PSTATE_FIELDS: Record<string, number> = {
  'pstate.daif': 4,
  'pstate.d': 1,
  'pstate.a': 1,
  'pstate.i': 1,
  'pstate.f': 1,
  'pstate.nzcv': 4,
  'pstate.n': 1,
  'pstate.z': 1,
  'pstate.c': 1,
  'pstate.v': 1,
  'pstate.sp': 1,
  'pstate.el': 2,
};

export interface RegisterInfo {
  /** Canonical name for messages (`X0`, `HCR_EL2`, `PSTATE.DAIF`). */
  name: string;
  width: number;
  /** True for registers of the system register table (RES0/RES1 checks apply). */
  sysreg: boolean;
  /** False for read-only system registers (CurrentEL, ID registers…). */
  writable?: boolean;
}

/**
 * Resolve a register name as written in a scenario. `where` selects what is
 * allowed: `init` (pe blocks: x0-x30, sp, PSTATE fields except EL, system
 * registers) or `expect` (also w0-w30, pc and pstate.el).
 */
export function scenarioRegister(name: string, where: 'init' | 'expect'): RegisterInfo | undefined {
  const n = name.toLowerCase();
  let m = /^x([0-9]|[12][0-9]|30)$/.exec(n);
  if (m) return { name: n.toUpperCase(), width: 64, sysreg: false };
  if (where === 'expect') {
    m = /^w([0-9]|[12][0-9]|30)$/.exec(n);
    if (m) return { name: n.toUpperCase(), width: 32, sysreg: false };
    if (n === 'pc') return { name: 'PC', width: 64, sysreg: false };
  }
  if (n === 'sp') return { name: 'SP', width: 64, sysreg: false };
  if (n in PSTATE_FIELDS) {
    if (n === 'pstate.el' && where === 'init') return undefined;
    return { name: n.toUpperCase(), width: PSTATE_FIELDS[n], sysreg: false };
  }
  const def = findRegister(n);
  if (def) return { name: def.name, width: def.width, sysreg: true, writable: def.access.write };
  // SP_EL3 has no MRS/MSR name usable below EL3 but is architectural state (Arm ARM C5.2.15).
  if (n === 'sp_el3') return { name: 'SP_EL3', width: 64, sysreg: false };
  return undefined;
}

let registerNames: string[] | undefined;
function knownRegisterNames(): string[] {
  // General registers follow a naming pattern (Arm ARM C1.2.5), system registers come from the table.
  const gprs = Array.from({ length: 31 }, (_, n) => [`x${n}`, `w${n}`]).flat();
  registerNames ??= [...gprs, 'sp', 'pc', ...Object.keys(PSTATE_FIELDS), ...allRegisters().map((r) => r.name.toLowerCase())];
  return registerNames;
}

function unknownRegisterMessage(rep: Reporter, name: string, where: 'init' | 'expect'): string {
  if (name.toLowerCase() === 'pstate.el' && where === 'init') return "set the initial exception level with 'el N', not pstate.el";
  if (/^w([0-9]|[12][0-9]|30)$/.test(name.toLowerCase()) && where === 'init') return `initialise the whole register: use 'x${name.slice(1)}' instead of '${name}'`;
  const names = knownRegisterNames();
  return `unknown register '${name}'${rep.suggestion(names.length, () => didYouMean(name.toLowerCase(), names))}`;
}

function bitList(v: ReservedBitViolation[]): string {
  const bits = v.map((x) => x.bit).sort((a, b) => b - a);
  // Compress runs: 63:32, 12
  const parts: string[] = [];
  let i = 0;
  while (i < bits.length) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === bits[j] - 1) j++;
    parts.push(i === j ? `${bits[i]}` : `${bits[i]}:${bits[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

export function checkScenario(st: ParseState, inputs: CheckInputs): void {
  const model = st.model;
  const rep = st.rep;
  const pes = model.system.pes;

  // PE ids of pe blocks, events and expectations.
  for (const h of inputs.peHeaders) {
    const bad = h.decl.ids.filter((id) => id >= pes);
    if (bad.length > 0) rep.error(h.idsRange, peRangeMessage(bad[0], pes), 'pe-range');
  }
  for (const m of inputs.peMentions) if (m.pe >= pes) rep.error(m.range, peRangeMessage(m.pe, pes), 'pe-range');

  // Per-PE merged view: entry points. Later blocks may override earlier ones (`pe 0-3 { … }` then
  // `pe 0 { … }`), so only a register assigned twice in one block is suspicious.
  const entryOf = new Map<number, PeDecl>();
  for (const decl of model.pes) {
    for (const id of decl.ids) if (decl.entry) entryOf.set(id, decl);
    const seen = new Map<string, SourceRange>();
    for (const r of decl.registers) {
      const prev = seen.get(r.name);
      if (prev) rep.warning(r.range, `${r.name} is set twice in this block; the last value wins`, 'duplicate', [{ range: prev, message: 'first assignment' }]);
      seen.set(r.name, r.range);
    }
  }
  // A PE block without `entry` starts at the label `start`, else at the first code block (engine/init.ts).
  const start = model.symbols.get('start');
  const fallback = start?.kind === 'label' ? 'start' : st.code.find((c) => c.block.kind === 'code' && c.start !== undefined);
  for (const decl of model.pes) {
    const missing = decl.ids.filter((id) => id < pes && !entryOf.has(id));
    if (missing.length > 0 && !decl.entry) {
      const h = inputs.peHeaders.find((x) => x.decl === decl);
      const range = h ? h.idsRange : decl.range;
      const who = `pe ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no 'entry'`;
      if (fallback === undefined) rep.error(range, `${who} and there is no 'start' label or code block to start at: add 'entry LABEL'`, 'missing-entry');
      else if (typeof fallback !== 'string') {
        rep.warning(range, `${who}: ${missing.length === 1 ? 'it starts' : 'they start'} at the first code block (${hex(fallback.start!)}); add 'entry LABEL' to say where`, 'missing-entry');
      }
    }
    if (decl.el === 3 && decl.security === 'nonsecure') {
      const h = inputs.peHeaders.find((x) => x.decl === decl);
      rep.warning(h?.securityRange ?? decl.range, 'EL3 is always in Secure state: security nonsecure has no effect at EL3', 'security-state');
    }
  }
  if (model.pes.length === 0 && model.code.length > 0) {
    const first = st.code[0];
    rep.warning(first.headerRange, "no 'pe' block: no PE runs this code (add 'pe 0 { entry LABEL }')", 'missing-entry');
  }

  // Register initialisation: names, widths, RES0/RES1.
  for (const decl of model.pes) {
    for (const r of decl.registers) {
      const nameRange: SourceRange = { start: r.range.start, end: { line: r.range.start.line, col: r.range.start.col + r.name.length } };
      const info = scenarioRegister(r.name, 'init');
      if (!info) {
        rep.error(nameRange, unknownRegisterMessage(rep, r.name, 'init'), 'unknown-register');
        continue;
      }
      if (info.writable === false) {
        const hint = info.name.toUpperCase() === 'CURRENTEL' ? "set the exception level with 'el N'" : 'its value comes from the system configuration';
        rep.warning(nameRange, `${info.name} is read-only and cannot be initialised: ${hint}`, 'read-only-register');
        continue;
      }
      const v = r.value.value;
      if (v === undefined) continue;
      if (v >= 1n << BigInt(info.width) || v < -(1n << BigInt(info.width - 1))) {
        rep.error(r.value.range, `value ${v < 0n ? v.toString() : hex(v)} does not fit in ${info.name} (${info.width} bits)`, 'value-too-large');
        continue;
      }
      // Negative values are two's complement in the register's width.
      if (v < 0n) r.value.value = BigInt.asUintN(info.width, v);
      if (info.sysreg) {
        const viol = checkReservedBits(info.name, BigInt.asUintN(info.width, v));
        const res0 = viol.filter((x) => x.expected === 0);
        const res1 = viol.filter((x) => x.expected === 1);
        if (res0.length > 0) {
          rep.warning(r.value.range, `${hex(BigInt.asUintN(info.width, v))} sets RES0 bit${res0.length > 1 ? 's' : ''} ${bitList(res0)} of ${info.name}`, 'res0-violated');
        }
        if (res1.length > 0) {
          rep.warning(r.value.range, `${hex(BigInt.asUintN(info.width, v))} clears RES1 bit${res1.length > 1 ? 's' : ''} ${bitList(res1)} of ${info.name}`, 'res1-violated');
        }
      }
    }
  }

  // Expectations: register names and value widths.
  for (const m of inputs.regMentions) {
    if (!scenarioRegister(m.register, 'expect')) rep.error(m.range, unknownRegisterMessage(rep, m.register, 'expect'), 'unknown-register');
  }
  for (const e of model.expectations) {
    if (e.kind !== 'register' || e.value.value === undefined) continue;
    const info = scenarioRegister(e.register, 'expect');
    const v = e.value.value;
    if (info && (v >= 1n << BigInt(info.width) || v < -(1n << BigInt(info.width - 1)))) {
      rep.error(e.value.range, `value ${v < 0n ? v.toString() : hex(v)} does not fit in ${info.name} (${info.width} bits): this expectation can never hold`, 'value-too-large');
    } else if (info && v < 0n) e.value.value = BigInt.asUintN(info.width, v);
  }

  // Entry points should hold code (with the MMU off the PE fetches at PA = VA).
  for (const decl of model.pes) {
    const e = decl.entry;
    if (!e || e.value === undefined) continue;
    const mmuInit = decl.registers.some((r) => /^sctlr_el[123]$/.test(r.name));
    if (mmuInit) continue;
    const inCode = st.code.some((c) => c.block.kind === 'code' && c.start !== undefined && c.end !== undefined && e.value! >= c.start && e.value! < c.end);
    if (!inCode) rep.warning(e.range, `entry ${hex(BigInt.asUintN(64, e.value))} is not inside any code block`, 'entry-not-code');
  }
}
