/**
 * General-register operands (Arm ARM C1.2.5 "Register names"): which field they
 * fill, how their width is encoded and what register 31 means in that position
 * (SP or the zero register).
 */
import { isReg, operand } from '../decodetree/form';
import type { AsmState, Codec, Fields } from '../decodetree/types';
import { reg } from '../format';
import { AsmError } from '../operands';

/**
 * How the register's width is encoded: fixed (`x`, `w`), by the `sf` field, or by other fields
 * (`{ x: { size: 3 }, w: { size: 2 } }` for LDR's Rt: the width selects the access size).
 */
export type RegWidth = 'x' | 'w' | 'sf' | 'any' | { readonly x: Fields; readonly w: Fields };

export interface GprOptions {
  width: RegWidth;
  /** Meaning of register 31 here. */
  r31: 'zr' | 'sp';
  /** Other fields that always hold the same register (CINC: Rm = Rn; ROR (immediate): Rm = Rn). */
  tie?: readonly string[];
  /** Width shown when the rule is `any` (TBZ's Rt: by the bit number, the width written is kept in `_x`). */
  printWidth?: (f: Fields) => boolean;
}

/** Whether fields agree with a width rule's values (a field not set yet agrees). */
type Agrees = (f: Fields) => boolean;

/**
 * The `Agrees` test of a width rule's values, generated from the table (field names are pattern
 * identifiers, values integers): disassembly asks it of every load and store it prints.
 */
function agreement(want: Fields): Agrees {
  const terms = Object.entries(want).map(([k, v]) => {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(k) || !Number.isInteger(v)) throw new Error(`internal: width rule ${k} = ${v} is not a table field`);
    return `(f.${k} === undefined || f.${k} === ${v})`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the instruction table's width rules only
  return new Function('f', `return ${terms.length === 0 ? 'true' : terms.join(' && ')};`) as Agrees;
}

/** Whether the fields select the 64-bit form of a width rule (undefined: not decided yet); `by`: the rule's tests. */
function isX(width: RegWidth, by: { x: Agrees; w: Agrees } | undefined, f: Fields): boolean | undefined {
  if (width === 'x') return true;
  if (width === 'w') return false;
  if (width === 'sf') return f.sf === undefined ? undefined : f.sf === 1;
  if (by === undefined) return undefined;
  const x = by.x(f);
  const w = by.w(f);
  return x && w ? undefined : x;
}

function usageOf(field: string, o: GprOptions): string {
  const prefix = o.width === 'x' ? 'x' : o.width === 'w' ? 'w' : 'r';
  return `${prefix}${field.replace(/^R/, '').toLowerCase()}${o.r31 === 'sp' ? '|sp' : ''}`;
}

/** A general register in field `field` (Rd, Rn, Rm, Rt, Rt2, Rs, Ra). */
export function gpr(field: string, o: GprOptions): Codec {
  const width = o.width;
  const by = typeof width === 'object' ? { x: agreement(width.x), w: agreement(width.w) } : undefined;
  const tie = o.tie ?? [];
  return operand({
    usage: usageOf(field, o),
    shape: (t) => isReg(t),
    parse(a: AsmState, f: Fields): void {
      const range = a.ops.range(a.i);
      const x = isX(width, by, f);
      const r = a.ops.regNameOrError(a.ops.text(a.i), range, x === undefined ? 'any' : x ? 'x' : 'w', o.r31);
      if (r instanceof AsmError) return a.reject(r);
      if (width === 'sf') f.sf = r.x ? 1 : 0;
      else if (width === 'any') f._x = r.x ? 1 : 0;
      else if (typeof width === 'object') Object.assign(f, r.x ? width.x : width.w);
      f[field] = r.n;
      for (const t of tie) f[t] = r.n;
      a.at[field] = range;
      a.i++;
    },
    fits: by === undefined ? undefined : (f) => by.x(f) || by.w(f),
    print(f: Fields): string {
      const x = o.printWidth ? o.printWidth(f) : (isX(width, by, f) ?? true);
      return reg(f[field], x, o.r31 === 'sp');
    },
  });
}

// Registers by field, the combinations the tables use.
const SF = { width: 'sf', r31: 'zr' } as const;
const SF_SP = { width: 'sf', r31: 'sp' } as const;
export const Rd = gpr('Rd', SF);
export const Rn = gpr('Rn', SF);
export const Rm = gpr('Rm', SF);
export const Ra = gpr('Ra', SF);
export const RdSP = gpr('Rd', SF_SP);
export const RnSP = gpr('Rn', SF_SP);
export const Xd = gpr('Rd', { width: 'x', r31: 'zr' });
export const Xn = gpr('Rn', { width: 'x', r31: 'zr' });
export const Xm = gpr('Rm', { width: 'x', r31: 'zr' });
export const Xa = gpr('Ra', { width: 'x', r31: 'zr' });
export const Xt = gpr('Rt', { width: 'x', r31: 'zr' });
export const Wn = gpr('Rn', { width: 'w', r31: 'zr' });
export const Wm = gpr('Rm', { width: 'w', r31: 'zr' });
