/**
 * Speculative fills (DESIGN.md "Speculation"): with the MMU on, any location
 * mapped Normal cacheable may be filled (clean) into a cache at any time (Arm
 * ARM B2.7.1 "Normal memory": speculative data accesses). What the machine
 * does with that permission is a choice:
 *
 * - `speculation adversarial` (run policy): right after DC maintenance of a
 *   line that is mapped Normal cacheable, the PE refills it — the worst moment
 *   for code that cleaned or invalidated it (seeds 003, 004);
 * - exploration: the lines recently maintained become refill candidates, each
 *   an action the explorer may choose (actions.ts `CacheActionSource`);
 * - a scenario `event … do fill ADDR in CACHE` fills one line when it fires.
 *
 * It subscribes to the memory system's `maintenance` hook only while one of
 * the first two is on: a run without speculation pays nothing.
 */
import { NORMAL_WB_ISH, type MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import type { CacheHierarchy } from './hierarchy';
import { acquire } from './coherence';
import { attrsOfLine } from './views';

export interface RefillCandidate {
  pe: number;
  line: number;
  attrs: MemAttrs;
  /** PC of the maintenance after which the line may be refilled. */
  pc: number;
}

/** Candidates kept for exploration: the newest few (a refill long after the maintenance shows nothing new). */
const MAX_CANDIDATES = 8;

export class Speculation {
  /** Lines an exploration may refill (recently maintained while mapped Normal cacheable), newest last; undefined until tracked. */
  refillCandidates: RefillCandidate[] | undefined = undefined;
  private unsubscribe: (() => void) | undefined = undefined;

  constructor(
    private readonly h: CacheHierarchy,
    readonly mode: 'none' | 'adversarial',
  ) {
    if (mode === 'adversarial') this.listen();
  }

  /** Start tracking refill candidates (an exploration's action source asks for them). */
  trackRefillCandidates(): void {
    this.refillCandidates ??= [];
    this.listen();
  }

  private listen(): void {
    this.unsubscribe ??= this.h.hooks.maintenance.subscribe((pe, op, pa, attrs) => this.afterMaintenance(pe, op, pa, attrs));
  }

  /** DC by VA (not ZVA, not set/way, not IC) of a line mapped Normal cacheable. */
  private afterMaintenance(pe: Pe, op: string, pa: number | undefined, attrs: MemAttrs | undefined): void {
    if (pa === undefined || attrs === undefined || op === 'zva' || op.startsWith('ic ')) return;
    if (!attrs.cacheable || this.h.isDevice(pa)) return;
    if (this.mode === 'adversarial') this.refill(pe, pa, attrs, pe.pc);
    else if (this.refillCandidates !== undefined) this.noteCandidate(pe.id, pa, attrs, pe.pc);
  }

  private noteCandidate(pe: number, line: number, attrs: MemAttrs, pc: number): void {
    const list = this.refillCandidates!;
    const i = list.findIndex((c) => c.pe === pe && c.line === line && c.attrs === attrs);
    if (i >= 0) list.splice(i, 1);
    list.push({ pe, line, attrs, pc });
    if (list.length > MAX_CANDIDATES) list.shift();
  }

  /** Action: PE `pe` speculatively refills candidate `index` into its L1 (clean). */
  applyCandidate(pe: Pe, index: number): void {
    const c = this.refillCandidates?.[index];
    if (c === undefined) return;
    this.refillCandidates!.splice(index, 1);
    this.h.curPc = NaN;
    this.refill(pe, c.line, c.attrs, c.pc);
  }

  /**
   * Exploration's speculative fill (simulator/explore): PE `pe` reads `line`
   * with `attrs` — the attributes its current translation gives it — into its
   * L1 data cache, clean, unless the L1 holds that copy already.
   */
  speculate(pe: Pe, line: number, attrs: MemAttrs): void {
    this.h.curPc = NaN;
    this.refill(pe, line, attrs, pe.pc);
  }

  /** PE `pe` fills `line` into its L1 (clean) after the maintenance at `pc`, unless it holds it already. */
  private refill(pe: Pe, line: number, attrs: MemAttrs, pc: number): void {
    const c = this.h.l1[pe.id];
    if (c.find(line, attrs) !== undefined) return;
    const l = acquire(this.h, c, pe.id, line, attrs, false, 'speculative fill', pe);
    l.touch();
    l.speculative = true;
    l.specPc = pc;
    l.specPe = pe.id;
  }

  /** Scenario `event … do fill ADDR [in CACHE]`: without a cache, PE 0's L1 data cache. */
  fill(pa: number, cacheName: string): void {
    const h = this.h;
    const c = cacheName === 'any' || cacheName === '' ? h.l1[0] : h.cacheByName(cacheName);
    if (c === undefined || h.isDevice(pa)) return;
    const line = pa - (pa & 63);
    const attrs = attrsOfLine(h, line) ?? NORMAL_WB_ISH;
    if (c.find(line, attrs) !== undefined) return;
    const peId = c.pes[0] ?? 0;
    h.curPc = NaN;
    const l = acquire(h, c, peId, line, attrs, false, 'speculative fill');
    l.touch();
    l.speculative = true;
  }
}
