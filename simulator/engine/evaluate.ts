/**
 * Expressions over a paused machine, for every front end (debugger watch and
 * hover, CLI, views): `pe1.x0`, `x0` (in the context PE), `esr_el2`,
 * `pstate.el`, `mem[0x8800_0000]`, `mem32[label] seen by pe 1`,
 * `mem[…] in memory`, `decode(esr_el2)`, `decode(pe0.vtcr_el2)`,
 * `decode(tcr_el2, 0x8085_3520)`, labels and constants, integer literals.
 *
 * Memory: `in memory` reads main memory (below every cache); `seen by pe N`
 * what PE N's loads would return through its caches; without a qualifier the
 * context PE's view, and the result says so when main memory differs (the
 * difference is the bug in the cache-coherency seeds).
 */
import { decodeContextOf, decodeValue, findRegister, type DecodedRegister } from '../arch/index';
import { PA_LIMIT } from '../memory/physical';
import type { Pe } from '../pe/pe';
import { hex, parseInteger } from '../util/hex';
import { getRegister } from './init';
import type { Machine } from './machine';

export interface EvalResult {
  /** Display text (`0x9200_0007`, or the decoded fields for `decode(…)`). */
  text: string;
  value?: bigint;
  /** Register the expression named, canonical (`ESR_EL2`, `X0`). */
  register?: string;
  /** Decoded fields (register table) for system registers and `decode(…)`. */
  decoded?: DecodedRegister;
  /** Physical address for `mem…[…]`. */
  address?: number;
  /** How memory was read (`main` or the PE). */
  view?: 'main' | { pe: number };
}

export class EvalError extends Error {}

interface InspectMemory {
  inspect?(pa: number, size: number, view: 'main' | { pe: number }): bigint | undefined;
}

const MEM = /^mem(8|16|32|64)?\s*\[(.+)\]\s*(?:(in\s+memory)|seen\s+by\s+pe\s*(\d+))?$/i;
const QUALIFIED = /^pe\s*(\d+)\s*\.\s*(.+)$/i;
const DECODE = /^decode\s*\(\s*([^,()]+?)\s*(?:,\s*([^()]+?)\s*)?\)$/i;

/** Value of `size` bytes at `pa` in a view (main memory when the memory system has no caches). */
export function readMemoryView(machine: Machine, pa: number, size: number, view: 'main' | { pe: number }): bigint {
  const m = machine.memory as unknown as InspectMemory;
  const v = m.inspect?.(pa, size, view);
  if (v !== undefined) return v;
  let out = 0n;
  for (let i = size - 1; i >= 0; i--) out = (out << 8n) | BigInt(machine.physical.readU8(pa + i));
  return out;
}

/** Resolve a numeric operand: literal, label/constant, or register of the context PE. */
export function evaluateNumber(machine: Machine, text: string, pe?: Pe): bigint {
  const t = text.trim();
  const lit = parseInteger(t);
  if (lit !== undefined) return lit;
  const sym = machine.model.symbols.get(t) ?? machine.model.constants.get(t);
  if (sym?.value !== undefined) return sym.value;
  const r = evaluate(machine, t, pe?.id);
  if (r.value === undefined) throw new EvalError(`${t} has no numeric value`);
  return r.value;
}

function readRegister(machine: Machine, pe: Pe, name: string): EvalResult | undefined {
  const n = name.trim().toLowerCase();
  const general = /^(x([0-9]|[12][0-9]|30)|w([0-9]|[12][0-9]|30)|sp|sp_el[0-3]|pc|xzr|wzr)$/.test(n) || n.startsWith('pstate.');
  if (general) {
    const v = getRegister(pe, n);
    if (v === undefined) return undefined;
    const value = BigInt.asUintN(64, v);
    return { text: hex(value), value, register: n.toUpperCase() };
  }
  const def = findRegister(n);
  if (!def) return undefined;
  const value = pe.readSysreg(def.name);
  return { text: hex(value), value, register: def.name, decoded: decodeValue(def.name, value, decodeContextOf(pe.readSysreg('HCR_EL2'))) };
}

/**
 * Evaluate `expr` with `contextPe` as the PE unqualified registers refer to
 * (default PE 0). Throws EvalError with a user-facing message.
 */
export function evaluate(machine: Machine, expr: string, contextPe = 0): EvalResult {
  const e = expr.trim();
  if (e.length === 0) throw new EvalError('empty expression');
  const pe = machine.pes[contextPe];
  if (!pe) throw new EvalError(`no PE ${contextPe}`);

  let m = DECODE.exec(e);
  if (m) {
    const reg = evaluate(machine, m[1], contextPe);
    const name = reg.register ?? m[1].trim().replace(/^pe\s*\d+\s*\./i, '').toUpperCase();
    const value = m[2] !== undefined ? BigInt.asUintN(64, evaluateNumber(machine, m[2], pe)) : reg.value;
    if (value === undefined) throw new EvalError(`${m[1]} has no value`);
    const decoded = decodeValue(name, value);
    if (!decoded) throw new EvalError(`${name} is not in the register table`);
    const fields = decoded.fields.filter((f) => f.kind === 'field').map((f) => `${f.name}=${hex(f.value)} ${f.meaning}`);
    return { text: `${decoded.register} ${hex(value)}: ${fields.join('; ')}`, value, register: decoded.register, decoded };
  }

  m = MEM.exec(e);
  if (m) {
    const size = m[1] ? Number(m[1]) / 8 : 8;
    const address = BigInt.asUintN(64, evaluateNumber(machine, m[2], pe));
    // A number holds a PA exactly; past the PA space there is no memory to read (and no exact number).
    if (address + BigInt(size) > BigInt(PA_LIMIT)) throw new EvalError(`${hex(address)}: ${size} bytes there are outside the 52-bit physical address space`);
    const pa = Number(address);
    const view: 'main' | { pe: number } = m[3] ? 'main' : m[4] !== undefined ? { pe: Number(m[4]) } : { pe: contextPe };
    if (typeof view === 'object' && !machine.pes[view.pe]) throw new EvalError(`no PE ${view.pe}`);
    const value = readMemoryView(machine, pa, size, view);
    let text = hex(value);
    if (!m[3] && m[4] === undefined) {
      const main = readMemoryView(machine, pa, size, 'main');
      if (main !== value) text += ` (as seen by PE ${contextPe}; main memory holds ${hex(main)})`;
    }
    return { text, value, address: pa, view };
  }

  m = QUALIFIED.exec(e);
  if (m) {
    const target = machine.pes[Number(m[1])];
    if (!target) throw new EvalError(`no PE ${m[1]}`);
    const r = readRegister(machine, target, m[2]);
    if (!r) throw new EvalError(`unknown register ${m[2]}`);
    return r;
  }

  const lit = parseInteger(e);
  if (lit !== undefined) return { text: hex(BigInt.asUintN(64, lit)), value: BigInt.asUintN(64, lit) };
  const sym = machine.model.symbols.get(e) ?? machine.model.constants.get(e);
  if (sym?.value !== undefined) return { text: hex(sym.value), value: sym.value, address: sym.kind === 'label' ? Number(sym.value) : undefined };
  const r = readRegister(machine, pe, e);
  if (r) return r;
  throw new EvalError(`cannot evaluate '${e}': expected a register (x0, pe1.esr_el2), mem[ADDR], decode(REG) or a symbol`);
}

const COMPARISON = /^(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/;

/**
 * A breakpoint condition: `x0 == 3`, `pe1.esr_el2 != 0`, `mem[buf] > 0x10`,
 * or a bare expression (true when nonzero). Values compare as unsigned 64-bit.
 */
export function evaluateCondition(machine: Machine, condition: string, contextPe = 0): boolean {
  const pe = machine.pes[contextPe];
  const m = COMPARISON.exec(condition.trim());
  if (!m || m[1].includes('[') !== m[1].includes(']')) return BigInt.asUintN(64, evaluateNumber(machine, condition, pe)) !== 0n;
  const a = BigInt.asUintN(64, evaluateNumber(machine, m[1], pe));
  const b = BigInt.asUintN(64, evaluateNumber(machine, m[3], pe));
  switch (m[2]) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    default:
      return a > b;
  }
}
