/**
 * What a PE's remaining program may still do (relaxed.ts: a step of one PE taken alone while the others' futures
 * cannot touch what it reads or writes — a persistent set, Godefroid, LNCS 1032, ch. 4): the instructions reachable
 * from its PC in the program's control-flow graph, classified as
 *
 * - `Inert`: register-only instructions (flow `register`), direct branches (B, BL, B.cond, CBZ, CBNZ, TBZ, TBNZ),
 *   DMB, ISB, NOP and HLT — by footprint.ts's table they write only the PE's own thread, its "can step" and nothing
 *   any other PE's step reads;
 * - `Loads`: besides, loads that are not atomics (LDR, LDP, LDAR, LDAPR, LDXR, …): they read memory and write nothing
 *   another PE's step reads;
 * - `Memory`: besides, stores and atomics: they write memory lines and the memory model's message list only (with
 *   `fixedSystem`, never a descriptor or code);
 * - `Any`: anything else may be reached (DSB, TLBI, DC, MSR, SEV, WFE, an exception-generating or indirect branch, an
 *   instruction the program does not hold at that address).
 *
 * A load may take a synchronous exception: the future is then the vector's code. The classification is used only
 * when the program has no instruction outside the PEs' paths from their entries (`handlerFree`): an exception then
 * finds no vector code and halts its PE (pe/entry.ts). Addresses are the program's (code runs at its own address,
 * as the litmus tests' generated scenarios map it: relaxed.ts uses this only with `fixedSystem`).
 */
import type { Instr } from '../isa/instr';
import { instrDeps } from '../engine/promisingDeps';

export const enum Future {
  Inert = 0,
  Loads = 1,
  Memory = 2,
  Any = 3,
}

/** Instructions followed in one scan; a program bigger than this is `Any` (docs/limits.md). */
export const MAX_FUTURE_SCAN = 4096;

const CONDITIONAL = /^(b\.\w+|cbz|cbnz|tbz|tbnz)$/;
const INERT_SYSTEM = /^(dmb|isb|nop)$/;

function signed(v: number, bits: number): number {
  return v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

/** A direct branch's target (from its encoding: imm26, imm19 or imm14, Arm ARM C4.1.65), or undefined. */
function target(i: Instr, pc: number): number | undefined {
  const e = i.encoding;
  if (e === undefined) return undefined;
  const m = i.mnemonic;
  if (m === 'b' || m === 'bl') return pc + 4 * signed(e & 0x3ff_ffff, 26);
  if (m === 'tbz' || m === 'tbnz') return pc + 4 * signed((e >>> 5) & 0x3fff, 14);
  if (CONDITIONAL.test(m)) return pc + 4 * signed((e >>> 5) & 0x7_ffff, 19);
  return undefined;
}

/** Exception generation and return: execution continues at a vector or a saved address. */
const LEAVES = /^(svc|hvc|smc|brk|udf|eret|eretaa|eretab|dcps\d|drps)$/;

/** One instruction's class and where execution goes next (`next` undefined: anywhere). */
function classify(i: Instr, pc: number): { cls: Future; next: number[] | undefined } {
  const m = i.mnemonic;
  if (m === 'hlt') return { cls: Future.Inert, next: [] };
  if (i.flow === 'register' || INERT_SYSTEM.test(m)) return { cls: Future.Inert, next: [pc + 4] };
  if (i.flow === 'branch') {
    const t = target(i, pc);
    if (t === undefined) return { cls: Future.Any, next: undefined };
    return { cls: Future.Inert, next: m === 'b' || m === 'bl' ? [t] : [t, pc + 4] };
  }
  if (LEAVES.test(m)) return { cls: Future.Any, next: undefined };
  const d = instrDeps(i);
  if (d.group === 'load-store') return { cls: m.startsWith('ld') && d.write.atomic !== true ? Future.Loads : Future.Memory, next: [pc + 4] };
  return { cls: Future.Any, next: [pc + 4] };
}

export class FutureScan {
  private readonly memo = new Map<number, Future>();
  private readonly atMemo = new Map<number, Future>();
  /** No instruction lies outside the paths from the entries (no exception handler to reach). */
  readonly handlerFree: boolean;

  constructor(
    private readonly instrs: ReadonlyMap<number, Instr>,
    entries: readonly number[],
  ) {
    const reached = new Set<number>();
    let known = true;
    for (const e of entries) known &&= this.scan(e, reached, false) !== undefined;
    this.handlerFree = known && [...instrs.keys()].every((pa) => reached.has(pa));
  }

  /** The class of the instruction at `pc` alone (`Any` when the program holds none there). */
  at(pc: number): Future {
    let f = this.atMemo.get(pc);
    if (f === undefined) {
      const i = this.instrs.get(pc);
      f = i === undefined ? Future.Any : classify(i, pc).cls;
      this.atMemo.set(pc, f);
    }
    return f;
  }

  /** The class of everything reachable from `pc` (memoised: the program does not change). */
  from(pc: number): Future {
    let f = this.memo.get(pc);
    if (f === undefined) {
      f = this.scan(pc, new Set(), true) ?? Future.Any;
      this.memo.set(pc, f);
    }
    return f;
  }

  /**
   * The worst class reachable from `pc`, every instruction reached added to `reached`; undefined when the paths leave
   * the program or are not known (an indirect branch, an exception), or beyond `MAX_FUTURE_SCAN`. `stop`: return
   * `Any` as soon as it is reached.
   */
  private scan(pc: number, reached: Set<number>, stop: boolean): Future | undefined {
    let worst = Future.Inert;
    const toVisit = [pc];
    let budget = MAX_FUTURE_SCAN;
    while (toVisit.length > 0) {
      const at = toVisit.pop()!;
      if (reached.has(at)) continue;
      if (budget-- <= 0) return undefined;
      const i = this.instrs.get(at);
      if (i === undefined) return undefined;
      reached.add(at);
      const c = classify(i, at);
      if (c.cls > worst) worst = c.cls;
      if (c.next === undefined) return undefined;
      if (stop && worst === Future.Any) return Future.Any;
      toVisit.push(...c.next);
    }
    return worst;
  }
}
