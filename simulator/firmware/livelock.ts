/**
 * Livelock detection (issue #4 part 5): at every firmware call a PE makes,
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
  return { seen: Array.from({ length: pes }, () => new Map()), calls: Array.from({ length: pes }, () => []) };
}

function fnv(h: number, w: number): number {
  for (let i = 0; i < 4; i++) {
    h ^= (w >>> (8 * i)) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function memoryHash(mem: PhysicalMemory): number {
  let h = 0x811c9dc5;
  for (const no of mem.pageNumbers()) {
    h = fnv(h, no);
    const p = mem.page(no * 4096, false);
    if (!p) continue;
    for (let i = 0; i < p.length; i++) {
      h ^= p[i];
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
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
