/**
 * The exception level a code block runs at, for EL-access diagnostics
 * (`mrs x0, hcr_el2` in code that runs at EL1 is UNDEFINED, Arm ARM D1.1) and
 * for register completion in the editor.
 *
 * A block's own `el N` wins. Otherwise the EL is inferred: the EL of each PE
 * whose entry point lies in the block, and N for a block that a PE's initial
 * VBAR_ELN points into (its vectors run at ELN). When several apply, the
 * highest, so an inference never flags an access the block may legitimately
 * make (EL2 code that ERETs to EL1 code in the same block).
 */
import type { CodeBlock, ExceptionLevel, PeDecl, ValueExpr } from './model';

/** Value of an expression (undefined when unknown), and the address extent [lo, hi] of a block. */
export interface ElInputs {
  pes: readonly PeDecl[];
  valueOf(expr: ValueExpr): bigint | undefined;
  /** The initial EL of a PE block (default: its `el` value). */
  elOf?(pe: PeDecl): ExceptionLevel | undefined;
  extentOf(block: CodeBlock): { lo: bigint; hi: bigint } | undefined;
}

const VBAR = /^vbar_el([123])$/i;

/** The EL a block runs at and, when inferred, why (for messages: "PE 0 starts here at EL1"). */
export interface CodeEl {
  el: ExceptionLevel;
  reason?: string;
}

function peName(pe: PeDecl): string {
  return pe.ids.length === 1 ? `PE ${pe.ids[0]}` : `PEs ${pe.ids[0]}-${pe.ids[pe.ids.length - 1]}`;
}

export function codeElOf(block: CodeBlock, inputs: ElInputs): CodeEl | undefined {
  if (block.el !== undefined) return { el: block.el };
  const ext = inputs.extentOf(block);
  if (!ext) return undefined;
  const inBlock = (v: bigint | undefined): boolean => v !== undefined && v >= ext.lo && v <= ext.hi;
  let best: CodeEl | undefined;
  const consider = (el: ExceptionLevel, reason: string): void => {
    if (best === undefined || el > best.el) best = { el, reason };
  };
  for (const pe of inputs.pes) {
    const el = inputs.elOf ? inputs.elOf(pe) : pe.el;
    if (el !== undefined && pe.entry && inBlock(inputs.valueOf(pe.entry))) consider(el, `${peName(pe)} starts here at EL${el}`);
    for (const r of pe.registers) {
      const m = VBAR.exec(r.name);
      if (m && inBlock(inputs.valueOf(r.value))) consider(Number(m[1]) as ExceptionLevel, `VBAR_EL${m[1]} of ${peName(pe)} points here`);
    }
  }
  return best;
}

export function inferredCodeEl(block: CodeBlock, inputs: ElInputs): ExceptionLevel | undefined {
  return codeElOf(block, inputs)?.el;
}

/** The EL of a block in a parsed model (declared or inferred from the PE blocks' values). */
export function codeBlockEl(model: { pes: readonly PeDecl[] }, block: CodeBlock): ExceptionLevel | undefined {
  return inferredCodeEl(block, {
    pes: model.pes,
    valueOf: (e) => e.value,
    extentOf: (b) => {
      let lo: bigint | undefined;
      let hi: bigint | undefined;
      for (const l of b.lines) {
        if (l.address === undefined) continue;
        if (lo === undefined) lo = l.address;
        hi = l.address;
      }
      return lo !== undefined && hi !== undefined ? { lo, hi } : undefined;
    },
  });
}
