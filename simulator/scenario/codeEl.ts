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
import { lowerBound } from '../util/search';

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

/** An address a PE starts at or vectors to, with the EL it implies; `order` breaks ties (the first one considered wins). */
interface ElHint {
  at: bigint;
  el: ExceptionLevel;
  reason: string;
  order: number;
}

/** Every PE entry and initial VBAR_ELn value, evaluated once, best hint per address, sorted by address. */
function elHints(inputs: ElInputs): ElHint[] {
  const best = new Map<bigint, ElHint>();
  let order = 0;
  const add = (at: bigint | undefined, el: ExceptionLevel, reason: string): void => {
    if (at === undefined) return;
    const h = { at, el, reason, order: order++ };
    const prev = best.get(at);
    if (prev === undefined || h.el > prev.el) best.set(at, h);
  };
  for (const pe of inputs.pes) {
    const el = inputs.elOf ? inputs.elOf(pe) : pe.el;
    if (el !== undefined && pe.entry) add(inputs.valueOf(pe.entry), el, `${peName(pe)} starts here at EL${el}`);
    for (const r of pe.registers) {
      const m = VBAR.exec(r.name);
      if (m) add(inputs.valueOf(r.value), Number(m[1]) as ExceptionLevel, `VBAR_EL${m[1]} of ${peName(pe)} points here`);
    }
  }
  return [...best.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** The best hint inside [lo, hi]: the highest EL, the first considered among equals. */
function bestIn(hints: readonly ElHint[], lo: bigint, hi: bigint): CodeEl | undefined {
  let best: ElHint | undefined;
  for (let i = lowerBound(hints, (h) => h.at < lo); i < hints.length && hints[i].at <= hi; i++) {
    const h = hints[i];
    if (best === undefined || h.el > best.el || (h.el === best.el && h.order < best.order)) best = h;
  }
  return best && { el: best.el, reason: best.reason };
}

export function codeElOf(block: CodeBlock, inputs: ElInputs): CodeEl | undefined {
  return codeElsOf([block], inputs).get(block);
}

/**
 * The EL of each block: the PE entries and VBARs are evaluated once and
 * searched by address, so the work is (blocks + PE values) · log, not their
 * product (a file of thousands of each stays fast).
 */
export function codeElsOf(blocks: readonly CodeBlock[], inputs: ElInputs): Map<CodeBlock, CodeEl> {
  const out = new Map<CodeBlock, CodeEl>();
  let hints: ElHint[] | undefined;
  const byExtent = new Map<string, CodeEl | undefined>();
  for (const block of blocks) {
    if (block.el !== undefined) {
      out.set(block, { el: block.el });
      continue;
    }
    const ext = inputs.extentOf(block);
    if (!ext) continue;
    hints ??= elHints(inputs);
    const key = `${ext.lo}:${ext.hi}`;
    if (!byExtent.has(key)) byExtent.set(key, bestIn(hints, ext.lo, ext.hi));
    const el = byExtent.get(key);
    if (el !== undefined) out.set(block, el);
  }
  return out;
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
