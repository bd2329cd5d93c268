/**
 * Litmus shapes over the model's rules, for the rule tests: each thread is a
 * list of abstract accesses (the instructions of a herd7 litmus test reduced
 * to what the model sees: location, value, ordering, the registers whose
 * views flow into an address, a datum or a branch), and `outcomes` returns
 * every final state the model allows, searched exhaustively: every
 * interleaving of thread steps, every message each read may take, and every
 * promise of a thread's later write at any point (Promising-ARM's
 * `Machine.exec`: any sequence of steps ending with no promise outstanding).
 *
 * This is a test oracle of `simulator/memory/ordering` alone, not a second
 * engine: the engine's PEs drive the same `ThreadLocal` rules.
 */
import { BARRIER_OPTIONS } from '../../simulator/isa/system';
import { barrierOption, MessageLog, ReadOrder, ThreadLocal, WriteOrder, type LocalSnapshot, type Message, type WriteKind } from '../../simulator/memory/ordering';

export type Op =
  | { op: 'R'; loc: string; reg: string; addr?: string; order?: ReadOrder; ex?: boolean; noRet?: boolean }
  | { op: 'W'; loc: string; val: number; addr?: string; data?: string; order?: WriteOrder }
  /** An atomic swap (SWP…): reads `loc` into `reg` and writes `val` in one single-copy-atomic step. */
  | { op: 'RMW'; loc: string; reg: string; val: number; rOrder?: ReadOrder; wOrder?: WriteOrder; noRet?: boolean }
  | { op: 'DMB'; option: string }
  | { op: 'ISB' }
  | { op: 'CTRL'; reg: string };


interface Reg {
  val: number;
  view: number;
}

interface Thread {
  ops: Op[];
  pc: number;
  regs: Map<string, Reg>;
  local: ThreadLocal;
  /** Timestamp promised for the write at each op index. */
  promised: Map<number, number>;
}

const LOCS = new Map<string, number>();
function locOf(name: string): number {
  let l = LOCS.get(name);
  if (l === undefined) {
    l = 0x1000 * (LOCS.size + 1);
    LOCS.set(name, l);
  }
  return l;
}

/** Work counter (searches stay small: asserted by the tests). */
export const stats = { steps: 0 };

/**
 * Every final state of the program: `T:reg=v` for each register read, `[loc]=v` for each location written
 * (its coherence-last value), joined with `; ` in a fixed order.
 */
export function outcomes(program: Op[][]): Set<string> {
  const mem = new MessageLog(() => ({ lo: 0, hi: 0 }));
  const threads: Thread[] = program.map((ops, tid) => ({ ops, pc: 0, regs: new Map(), local: new ThreadLocal(tid), promised: new Map() }));
  const found = new Set<string>();
  const written = [...new Set(program.flat().flatMap((o) => (o.op === 'W' || o.op === 'RMW' ? [o.loc] : [])))].sort();

  const viewOf = (t: Thread, r: string | undefined): number => (r === undefined ? 0 : (t.regs.get(r)?.view ?? 0));

  type Saved = { mem: readonly Message[]; ts: { pc: number; regs: Map<string, Reg>; local: LocalSnapshot; promised: Map<number, number> }[] };
  const save = (): Saved => ({
    mem: mem.snapshot(),
    ts: threads.map((t) => ({ pc: t.pc, regs: new Map(t.regs), local: t.local.snapshot(), promised: new Map(t.promised) })),
  });
  const load = (s: Saved): void => {
    mem.restore(s.mem);
    s.ts.forEach((x, i) => {
      const t = threads[i];
      t.pc = x.pc;
      t.regs = new Map(x.regs);
      t.local.restore(x.local);
      t.promised = new Map(x.promised);
    });
  };

  const finish = (): void => {
    const parts: string[] = [];
    threads.forEach((t, i) => {
      for (const r of [...t.regs.keys()].sort()) parts.push(`${i}:${r}=${t.regs.get(r)!.val}`);
    });
    for (const l of written) {
      const loc = locOf(l);
      parts.push(`[${l}]=${mem.valueAt(loc, mem.latestTs(loc, mem.length)).lo}`);
    }
    found.add(parts.join('; '));
  };

  const search = (): void => {
    stats.steps++;
    if (threads.every((t) => t.pc === t.ops.length)) {
      // Promising-ARM `Machine.exec`: only executions that fulfilled every promise count.
      if (threads.every((t) => t.local.promises.length === 0)) finish();
      return;
    }
    const here = save();
    for (const t of threads) {
      // A promise of any later, not yet promised write of this thread.
      for (let i = t.pc; i < t.ops.length; i++) {
        const o = t.ops[i];
        if ((o.op !== 'W' && o.op !== 'RMW') || t.promised.has(i)) continue;
        t.promised.set(i, t.local.promise(mem, locOf(o.loc), o.val, 0));
        search();
        load(here);
      }
      if (t.pc === t.ops.length) continue;
      const o = t.ops[t.pc];
      /** The instruction completed (when `ok`): go on from there, then back to this state for the next choice. */
      const next = (ok = true): void => {
        if (ok) {
          t.pc++;
          search();
        }
        load(here);
      };
      /** A write of `o` (plain or the atomic's): its own promise fulfilled if it made one (else stuck: no outcome), or a new message. */
      const write = (loc: number, val: number, a: number, d: number, kind: WriteKind): boolean => {
        const p = t.promised.get(t.pc);
        if (p === undefined) return t.local.writeNow(mem, loc, val, 0, a, d, kind) !== undefined;
        if (!t.local.fulfils(mem, p, loc, val, 0) || !t.local.writable(mem, loc, p, a, d, kind)) return false;
        t.local.fulfil(loc, p, a, d, kind);
        return true;
      };
      switch (o.op) {
        case 'R':
        case 'RMW': {
          const loc = locOf(o.loc);
          const a = o.op === 'R' ? viewOf(t, o.addr) : 0;
          const order = (o.op === 'R' ? o.order : o.rOrder) ?? ReadOrder.Plain;
          const kind = { order, exclusive: o.op === 'RMW' || o.ex, noReturn: o.noRet };
          for (const ts of t.local.readable(mem, loc, a, kind)) {
            const view = t.local.read(mem, loc, ts, a, kind);
            t.regs.set(o.reg, { val: mem.valueAt(loc, ts).lo, view });
            if (o.op === 'R') next();
            else next(write(loc, o.val, 0, 0, { order: o.wOrder ?? WriteOrder.Plain, atomic: true, ordersLater: order === ReadOrder.Acquire && o.wOrder === WriteOrder.Release }));
          }
          break;
        }
        case 'W':
          next(write(locOf(o.loc), o.val, viewOf(t, o.addr), viewOf(t, o.data), { order: o.order ?? WriteOrder.Plain }));
          break;
        case 'DMB':
          t.local.dmb(barrierOption(BARRIER_OPTIONS[o.option])!.order);
          next();
          break;
        case 'ISB':
          t.local.isb();
          next();
          break;
        case 'CTRL':
          t.local.control(viewOf(t, o.reg));
          next();
          break;
      }
    }
  };
  search();
  return found;
}
