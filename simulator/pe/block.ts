/**
 * The block engine: many steps of one PE per call, with the per-instruction
 * work of `stepPe` (interrupt sampling, fetch translation, fetch) done once per
 * straight-line block instead of once per instruction. The result is the same
 * as calling `stepPe` repeatedly — every architectural and trace effect, step
 * count and source line — because a block only spans what cannot change between
 * its instructions:
 *
 * - **Fetch.** A block is the run of instructions from its entry to the end of
 *   its 64-byte line, ending at the first branch. Within a 4 KB page the fetch
 *   translation of every instruction is the entry's (translation granules are
 *   at least 4 KB, and only system instructions change the regime or the TLBs),
 *   and within a line the instruction side returns what it filled at the first
 *   fetch (the I-cache fills whole lines), so the block holds exactly the
 *   instructions the PE would fetch one by one.
 * - **Interrupts.** They are taken between instructions (Arm ARM D1.3); whether
 *   one is taken changes only with the interrupt lines (`Pe.lineGen`), the
 *   system registers (`Pe.sysregGen`: DAIF, routing) and exception entry/return.
 *   The block stops after any instruction that changed one of those, and system
 *   instructions (flow `system`: MSR, MRS, exception generation, barriers,
 *   maintenance, ERET, WFx) are never part of a block: each is a step of its own,
 *   after which control goes back to the caller (the machine re-checks its
 *   timers, events and stop requests).
 * - **Code changes.** Blocks are decoded from the PE's instruction side and kept
 *   until `PeEnvironment.instructionGeneration()` changes (IC maintenance, a
 *   restored checkpoint): code rewritten with stores runs when the instruction
 *   side would fetch it, as with single steps.
 *
 * A block that has run `HOT_RUNS` times is compiled into a function of its own
 * (`compile`): the same statements as `interpret`, unrolled, with each
 * instruction's `exec` closure at its own call site, so V8 can inline them. The
 * generated text depends only on the block's length; the code it runs is the
 * closures decoded from instruction words, never anything from scenario text.
 */
import type { Instr } from '../isa/instr';
import { AccessType } from '../mmu/types';
import { beforeInstruction, executeOne, fault, noCode } from './step';
import type { Pe } from './pe';

/** The machine's step counter and stop flag, as the run loop keeps them. */
export interface StepClock {
  /** Actions applied so far: `runPe` adds one per PE step. */
  steps: number;
  /** Set when a checker or the debugger asked the run to stop or pause: `runPe` returns after the current step. */
  readonly interrupted: boolean;
  /**
   * Whether reading `interrupted` examines the step just retired (pause conditions, engine/pause.ts):
   * then every instruction of a block is followed by that read; otherwise the block engine may
   * account `register` instructions together (`compile`).
   */
  readonly eachStep: boolean;
}

const LINE = 64;
const PAGE = 4096;

/**
 * Runs a block from `pc` with `lineGen`/`sysregGen` as at the chain's start: true when every
 * instruction retired (`pe.pc` is the next), false when it stopped early (a stop request, a line or
 * system-register change, or `limit`). An exception propagates, the faulting instruction being
 * `pe.fetchInstr` at `pe.fetchPc`.
 */
type Runner = (pe: Pe, clock: StepClock, limit: number, lineGen: number, sysregGen: number, pc: number) => boolean;

/** A straight-line run of `plain` instructions, the last one possibly a branch; or one system instruction. */
interface Block {
  readonly instrs: readonly Instr[];
  /** A system instruction at the entry (executed as a single step), when the block is one. */
  readonly system: Instr | undefined;
  /** Times interpreted so far (compiled at HOT_RUNS). */
  runs: number;
  /** The block compiled for a clock that examines every step (`StepClock.eachStep`), and for one that does not. */
  compiled: Runner | undefined;
  fast: Runner | undefined;
}

/** Runs after which a block is compiled: code run a few times is not worth a compilation. */
export const HOT_RUNS = 64;

/** One instruction of a block, as both runners execute it: `fetchPc`/`fetchInstr` first, so a fault or trace event knows it. */
function interpret(pe: Pe, clock: StepClock, limit: number, lineGen: number, sysregGen: number, pc: number, instrs: readonly Instr[]): boolean {
  for (let i = 0; i < instrs.length; i++) {
    if (clock.steps >= limit) {
      pe.pc = pc;
      return false;
    }
    const instr = instrs[i];
    pe.fetchPc = pc;
    pe.fetchInstr = instr;
    pe.pc = pc;
    pe.nextPc = pc + 4;
    instr.exec(pe);
    pc = pe.nextPc;
    pe.instret++;
    clock.steps++;
    if (clock.interrupted || pe.lineGen !== lineGen || pe.sysregGen !== sysregGen) {
      pe.pc = pc;
      return false;
    }
  }
  pe.pc = pc;
  return true;
}

/** Blocks compiled so far: each compiled block's source carries its number, so V8 never shares one function (and its call feedback) between blocks. */
let compiledCount = 0;

/**
 * `interpret` unrolled for one block: each instruction's statements with its own closure variable
 * (`e0`, `e1`, …), called directly (not through `Function.prototype.call`, the closures are arrow
 * functions) so V8 sees one target per call site and inlines it. A `plain` instruction never writes
 * `pe.nextPc` (decodetree/types.ts `Flow`): its successor is `pc + 4`, written to `pe.nextPc` after it
 * for the clock's check (a pause condition looks at the next PC of every retired instruction).
 * Called only with room for the whole block before `limit`, so the limit is checked once per pass. A
 * block that branches back to its own entry (a loop in one block) runs again without returning, as
 * the chain would run it: each pass starts from `entry` (a PC carried from one pass to the next
 * would be a loop variable V8 keeps as a heap number, a new one for every `pc += 4`).
 *
 * `fast` (the clock does not examine every step, `StepClock.eachStep`): a `register` instruction has
 * no bookkeeping of its own. It cannot fault, read the PC, touch memory or change what the checks
 * after it look at (a stop request, the interrupt lines, the system registers), so its PC, its
 * step and its retirement are accounted together with the next instruction that can (before that
 * one executes, so a fault there sees them) or at the block's end: the same steps, counts and state
 * at every point anything can observe them.
 */
function compile(instrs: readonly Instr[], fast: boolean): Runner {
  let decl = '';
  let body = '';
  const n = instrs.length;
  const exit = 'pe.pc = pc; pe.nextPc = pc;';
  /** `register` instructions executed since the last accounting (fast only). */
  let pending = 0;
  const account = (): void => {
    if (pending > 0) body += `pc += ${4 * pending}; pe.instret += ${pending}; clock.steps += ${pending};\n`;
    pending = 0;
  };
  for (let k = 0; k < n; k++) {
    const flow = instrs[k].flow;
    decl += `const i${k} = instrs[${k}], e${k} = i${k}.exec;\n`;
    if (fast && flow === 'register') {
      body += `e${k}(pe);\n`;
      pending++;
      continue;
    }
    account();
    const plain = flow === 'plain' || flow === 'register';
    body +=
      `pe.fetchPc = pc; pe.fetchInstr = i${k}; pe.pc = pc;${plain ? '' : ' pe.nextPc = pc + 4;'}\n` +
      `e${k}(pe);\n` +
      `${plain ? 'pc += 4; pe.nextPc = pc;' : 'pc = pe.nextPc;'} pe.instret++; clock.steps++;\n` +
      `if (clock.interrupted || pe.lineGen !== lineGen || pe.sysregGen !== sysregGen) { ${exit} return false; }\n`;
  }
  account();
  const source =
    `// compiled block ${++compiledCount}${fast ? ' (fast)' : ''}\n${decl}return function block(pe, clock, limit, lineGen, sysregGen, entry) {\nfor (;;) {\nlet pc = entry;\n${body}` +
    `if (pc !== entry || limit - clock.steps < ${n}) { ${exit} return true; }\n}\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the block's length and its instructions' flow only; it calls decoded instructions' closures
  return (new Function('instrs', source) as (instrs: readonly Instr[]) => Runner)(instrs);
}

/** The decoded blocks of one PE, by physical page and entry offset. */
export class BlockCache {
  private readonly pages = new Map<number, (Block | undefined)[]>();

  constructor(readonly generation: number) {}

  /** Entry slots (one per word) of the physical page at `base`. */
  page(base: number): (Block | undefined)[] {
    let p = this.pages.get(base);
    if (p === undefined) {
      p = new Array<Block | undefined>(PAGE / 4).fill(undefined);
      this.pages.set(base, p);
    }
    return p;
  }
}

/** Decode the block at `pa` from the PE's instruction side (fetches only within pa's line); undefined: no code there. */
function build(pe: Pe, pa: number): Block | undefined {
  const env = pe.env;
  const instrs: Instr[] = [];
  const end = pa - (pa & (LINE - 1)) + LINE;
  for (let a = pa; a < end; a += 4) {
    const instr = env.fetchInstr(a, pe);
    if (instr === undefined) break;
    const flow = instr.flow ?? 'system';
    if (flow === 'system') {
      if (a === pa) return { instrs, system: instr, runs: 0, compiled: undefined, fast: undefined };
      break;
    }
    instrs.push(instr);
    if (flow === 'branch') break;
  }
  return instrs.length === 0 ? undefined : { instrs, system: undefined, runs: 0, compiled: undefined, fast: undefined };
}

/** The block cache of a PE, rebuilt when its instruction side changed. */
function cacheOf(pe: Pe): BlockCache {
  const generation = pe.env.instructionGeneration?.() ?? 0;
  let cache = pe.blocks;
  if (cache === undefined || cache.generation !== generation) {
    cache = new BlockCache(generation);
    pe.blocks = cache;
  }
  return cache;
}

/**
 * Run PE steps while `clock.steps < limit`, the PE runs and nobody asked to stop: the same as
 * `stepPe` once per step (the caller counts nothing; `clock.steps` is advanced here). Returns early
 * after a system instruction, an exception or interrupt taken, or a change of the PE's state, so
 * the caller re-checks its timers and events before the next step.
 */
export function runPe(pe: Pe, clock: StepClock, limit: number): void {
  const cache = cacheOf(pe);
  const env = pe.env;
  while (clock.steps < limit && !clock.interrupted && pe.state === 'running') {
    if (!beforeInstruction(pe)) {
      clock.steps++;
      return;
    }
    const pc = pe.pc;
    if (pe.il !== 0 || (pc & 3) !== 0) {
      // Illegal Execution state or a misaligned PC: the exception a single step raises.
      executeOne(pe);
      clock.steps++;
      return;
    }
    try {
      env.mmu.translate(pe, pc, 4, AccessType.Fetch);
    } catch (err) {
      fault(pe, err, pc, undefined);
      clock.steps++;
      return;
    }
    const pa = pe.tPa;
    // (PAs are non-negative integers: `&` gives the offset; `%` would be a slow floating-point remainder above 2^31.)
    const offset = pa & (PAGE - 1);
    const slots = cache.page(pa - offset);
    let block = slots[offset >>> 2];
    if (block === undefined) {
      block = build(pe, pa);
      if (block === undefined) {
        noCode(pe, pc);
        clock.steps++;
        return;
      }
      slots[offset >>> 2] = block;
    }
    if (block.system !== undefined) {
      systemStep(pe, block.system, pc);
      clock.steps++;
      return;
    }
    if (!runChain(pe, clock, limit, block, slots, pc, pc - offset)) return;
  }
}

/** One system instruction, fetched at `pc`: a step exactly as `stepPe` makes it. */
function systemStep(pe: Pe, instr: Instr, pc: number): void {
  pe.fetchPc = pc;
  pe.fetchInstr = instr;
  pe.nextPc = pc + 4;
  try {
    instr.exec(pe);
    pe.pc = pe.nextPc;
    pe.instret++;
  } catch (err) {
    fault(pe, err, pc, instr);
  }
}

/**
 * Execute `block` at `pc` and the blocks that follow it in the same page (already decoded: a new
 * one is decoded by the caller, after a fresh fetch translation). Returns false when `runPe` must
 * return (limit reached, an exception taken, a line or system register changed, a stop request),
 * true to continue with a fresh fetch translation at `pe.pc`.
 */
function runChain(pe: Pe, clock: StepClock, limit: number, first: Block, slots: (Block | undefined)[], pc: number, vaPage: number): boolean {
  const lineGen = pe.lineGen;
  const sysregGen = pe.sysregGen;
  const eachStep = clock.eachStep;
  let block = first;
  for (;;) {
    let runner = eachStep ? block.compiled : block.fast;
    if (runner === undefined && ++block.runs >= HOT_RUNS) {
      runner = compile(block.instrs, !eachStep);
      if (eachStep) block.compiled = runner;
      else block.fast = runner;
    }
    try {
      const done =
        runner !== undefined && limit - clock.steps >= block.instrs.length
          ? runner(pe, clock, limit, lineGen, sysregGen, pc)
          : interpret(pe, clock, limit, lineGen, sysregGen, pc, block.instrs);
      if (!done) return false;
    } catch (err) {
      // The faulting instruction is the one fetched last.
      fault(pe, err, pe.fetchPc, pe.fetchInstr);
      clock.steps++;
      return false;
    }
    pc = pe.pc;
    const d = pc - vaPage;
    // Another page (a fresh translation) or a misaligned target (the PC alignment fault of a step).
    if (d < 0 || d >= PAGE || (d & 3) !== 0) return true;
    const next = slots[d >>> 2];
    if (next === undefined || next.system !== undefined) return true;
    block = next;
  }
}
