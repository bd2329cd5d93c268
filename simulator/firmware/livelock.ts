/**
 * The `ffa-livelock` checker (a checker over the firmware's call hooks): at
 * every FF-A call a PE makes,
 * fingerprint what could change the outcome — the caller's general registers,
 * stack pointers, return address, PSTATE and EL, the firmware's own state and
 * the contents of memory. A deterministic machine that comes back to the same
 * fingerprint with nothing else happening in between loops forever; seeing the
 * fingerprint a third time (two full turns, so one-off coincidences do not
 * count) stops the run with a `ffa-livelock` finding that names the cycle —
 * the calls, their arguments and source lines.
 *
 * Memory is part of the fingerprint (a loop that counts in memory is
 * progress). With `cache_model on` dirty lines still in caches are not seen:
 * a loop that only changes cached data may be reported; none of the seeds do.
 */
import type { Pe } from '../pe/pe';
import type { PhysicalMemory } from '../memory/physical';
import type { CallEntry, Firmware } from './firmware';

export interface CallNote {
  /** e.g. `SP 0x8001 → FFA_MSG_SEND_DIRECT_RESP_32(w1=0x8001_0000 …)` */
  text: string;
  line?: number;
  step: number;
}

export interface LivelockState {
  /** Per PE: fingerprint → indices into `calls` where it was seen, and the memory hashes from its second sighting on. */
  seen: Map<string, { at: number[]; mem: number[] }>[];
  /** Per PE: the calls observed (bounded). */
  calls: CallNote[][];
}

const MAX_CALLS = 512;

export function newLivelockState(pes: number): LivelockState {
  return { seen: Array.from({ length: pes }, () => new Map<string, { at: number[]; mem: number[] }>()), calls: Array.from({ length: pes }, () => []) };
}

function fnv(h: number, w: number): number {
  for (let i = 0; i < 4; i++) {
    h ^= (w >>> (8 * i)) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fingerprint of all of memory: incremental (memory/physical.ts), it costs the pages written since the last one. */
function memoryHash(mem: PhysicalMemory): number {
  return mem.stateHash();
}

/** Fingerprint of a PE at a firmware call: architectural state plus `extra` (the firmware's state digest); memory separately. */
export function fingerprint(pe: Pe, resumePc: number, spsr: number, extra: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < 31; i++) h = fnv(fnv(h, pe.xlo[i]), pe.xhi[i]);
  for (let i = 0; i < 4; i++) h = fnv(fnv(h, pe.splo[i]), pe.sphi[i]);
  return `${h.toString(16)}:${resumePc}:${spsr}:${pe.el}:${extra}`;
}

/**
 * Record a call; returns the cycle (the calls since the fingerprint was last
 * seen) when this is the third time the PE is in exactly this state and memory
 * did not change over the last turn. Memory is hashed only when the register
 * fingerprint repeats (calls in a loop that makes progress in registers cost nothing).
 */
export function observeCall(st: LivelockState, pe: number, fp: string, mem: PhysicalMemory, note: CallNote): CallNote[] | undefined {
  const calls = st.calls[pe];
  const seen = st.seen[pe];
  if (calls.length >= MAX_CALLS) {
    // Forget the oldest half: livelocks are short cycles.
    const drop = MAX_CALLS / 2;
    calls.splice(0, drop);
    for (const [k, e] of seen) {
      const keep = e.at.map((i) => i - drop).filter((i) => i >= 0);
      if (keep.length === 0) seen.delete(k);
      else {
        e.mem = e.mem.slice(Math.max(0, e.mem.length - keep.length));
        e.at = keep;
      }
    }
  }
  const index = calls.length;
  calls.push(note);
  let entry = seen.get(fp);
  if (!entry) {
    entry = { at: [], mem: [] };
    seen.set(fp, entry);
  }
  entry.at.push(index);
  if (entry.at.length < 2) return undefined;
  entry.mem.push(memoryHash(mem));
  const hashes = entry.mem;
  if (entry.at.length >= 3 && hashes.length >= 2 && hashes[hashes.length - 1] === hashes[hashes.length - 2]) {
    const prev = entry.at[entry.at.length - 2];
    return calls.slice(prev, index);
  }
  return undefined;
}

export class LivelockChecker {
  private live: LivelockState;
  /** The cycle a call closed, reported once its outcome is applied. */
  private pending: { call: CallEntry; cycle: CallNote[] } | undefined = undefined;
  private readonly offs: (() => void)[];

  constructor(private readonly fw: Firmware) {
    this.live = newLivelockState(fw.host.pes.length);
    this.offs = [
      fw.hooks.callEntry.subscribe((pe, call) => this.callEntry(pe, call)),
      fw.hooks.callExit.subscribe((pe, call) => this.callExit(pe, call)),
    ];
  }

  detach(): void {
    for (const off of this.offs) off();
  }

  /**
   * The state changes only in `callEntry` (which counts it in `version`): the capture taken or restored
   * last is returned again, and restored without a copy, while nothing changed since (checkpoints and
   * exploration capture the checkers at every fork).
   */
  snapshot(): unknown {
    if (this.last === undefined || this.lastVersion !== this.version) {
      this.last = structuredClone(this.live);
      this.lastVersion = this.version;
    }
    return this.last;
  }

  /** Back to a checkpoint; `undefined` = the state at attach time. */
  restore(s: unknown): void {
    this.pending = undefined;
    if (s !== undefined && s === this.last && this.lastVersion === this.version) return;
    this.live = s === undefined ? newLivelockState(this.fw.host.pes.length) : (structuredClone(s) as LivelockState);
    this.version++;
    this.last = s;
    this.lastVersion = s === undefined ? -1 : this.version;
  }

  private version = 0;
  private last: unknown = undefined;
  private lastVersion = -1;

  /** The same caller state at the same call, a third time (the firmware's state is part of the fingerprint). */
  private callEntry(pe: Pe, call: CallEntry): void {
    this.version++;
    const fp = fingerprint(pe, call.resume, call.spsr, this.fw.digest());
    const cycle = observeCall(this.live, pe.id, fp, this.fw.host.physical, call);
    this.pending = cycle ? { call, cycle } : undefined;
  }

  private callExit(pe: Pe, call: CallEntry): void {
    const p = this.pending;
    if (p === undefined || p.call !== call) return;
    this.pending = undefined;
    this.report(pe, p.cycle);
  }

  private report(pe: Pe, cycle: CallNote[]): void {
    const lines = cycle.map((c) => c.line).filter((l): l is number => l !== undefined);
    // What led into the cycle: the calls just before its first turn.
    const calls = this.live.calls[pe.id];
    const first = calls.length - 1 - 2 * cycle.length;
    const lead = calls.slice(Math.max(0, first - 2), Math.max(0, first + 1)).map((c) => `${c.text}${c.line !== undefined ? ` (line ${c.line + 1})` : ''}`);
    const message = `PE ${pe.id} livelock: the same FF-A call sequence repeats with identical state and no forward progress — [${cycle.map((c) => `${c.text}${c.line !== undefined ? ` (line ${c.line + 1})` : ''}`).join('; ')}] again and again${lead.length > 0 ? `, entered after: ${lead.join('; ')}` : ''}`;
    const host = this.fw.host;
    host.addFinding({
      rule: 'ffa-livelock',
      severity: 'error',
      message,
      line: lines[0],
      related: lines.slice(1),
      relatedInfo: cycle.slice(1).filter((c) => c.line !== undefined).map((c) => ({ line: c.line!, message: c.text })),
      pe: pe.id,
    });
    host.requestStop(`livelock on PE ${pe.id}: ${cycle.map((c) => c.text).join(' → ')}`);
  }
}
