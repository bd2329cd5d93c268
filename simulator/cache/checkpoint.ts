/**
 * The cache hierarchy's part of the machine's checkpoints and state hash
 * (component/state.ts `Snapshottable`): every valid copy with its place,
 * state, attributes, data, age and provenance; the LRU clock; which keys were
 * used; the instruction side; exploration's refill candidates; and the
 * memory side behind the caches.
 */
import { StateHasher } from '../component/state';
import type { MemAttrs } from '../memory/attributes';
import type { CacheHierarchy } from './hierarchy';
import { isDirty, LineState } from './line';
import type { RefillCandidate } from './speculation';

interface CopySnapshot {
  pa: number;
  attrs: MemAttrs;
  state: LineState;
  data: Uint8Array;
  lru: number;
  prov: number[];
  speculative: boolean;
  staleByAttrs?: MemAttrs;
  staleReported: boolean;
}

interface HierarchySnapshot {
  memory: unknown;
  caches: (CopySnapshot | undefined)[][];
  tick: number;
  anyCached: boolean;
  soleKey: MemAttrs | undefined | null;
  soleKeyCoherent: boolean;
  icache: unknown;
  candidates: RefillCandidate[] | undefined;
}

export function captureHierarchy(h: CacheHierarchy): HierarchySnapshot {
  const caches = h.caches.map((c) =>
    c.lines.map((l) =>
      l.state === LineState.I
        ? undefined
        : {
            pa: l.pa,
            attrs: l.attrs,
            state: l.state,
            data: l.data.slice(),
            lru: l.lru,
            prov: [l.writePe, l.writePc, l.writeStep, l.pouCleanPe, l.pouCleanPc, l.specPc, l.specPe, l.staleByPe, l.staleByPc, l.staleByStep],
            speculative: l.speculative,
            staleByAttrs: l.staleByAttrs,
            staleReported: l.staleReported,
          },
    ),
  );
  return {
    memory: h.backing.snapshot(),
    caches,
    tick: h.tick,
    anyCached: h.anyCached,
    soleKey: h.domains.soleKey,
    soleKeyCoherent: h.domains.soleKeyCoherent,
    icache: h.icache.snapshot(),
    candidates: h.speculation.refillCandidates?.map((c) => ({ ...c })),
  };
}

export function restoreHierarchy(h: CacheHierarchy, s: unknown): void {
  const snap = s as HierarchySnapshot;
  h.backing.restore(snap.memory);
  h.dirtyCopies = 0;
  h.caches.forEach((c, ci) => {
    c.lines.forEach((l, li) => {
      const x = snap.caches[ci][li];
      if (x === undefined) {
        l.state = LineState.I;
        return;
      }
      l.pa = x.pa;
      l.attrs = x.attrs;
      l.state = x.state;
      if (isDirty(x.state)) h.dirtyCopies++;
      l.data.set(x.data);
      l.lru = x.lru;
      [l.writePe, l.writePc, l.writeStep, l.pouCleanPe, l.pouCleanPc, l.specPc, l.specPe, l.staleByPe, l.staleByPc, l.staleByStep] = x.prov;
      l.speculative = x.speculative;
      l.staleByAttrs = x.staleByAttrs;
      l.staleReported = x.staleReported;
    });
  });
  h.tick = snap.tick;
  h.anyCached = snap.anyCached;
  h.domains.soleKey = snap.soleKey;
  h.domains.soleKeyCoherent = snap.soleKeyCoherent;
  h.icache.restore(snap.icache);
  // Candidates are tracked from the moment an action source asked: a checkpoint from before restores an empty list.
  if (h.speculation.refillCandidates !== undefined) h.speculation.refillCandidates = (snap.candidates ?? []).map((c) => ({ ...c }));
}

/**
 * Every valid copy with its place (cache, index), line address, state,
 * attributes, data, replacement age and speculative mark; the instruction
 * caches; refill candidates while tracked; the devices behind the caches.
 * Physical memory itself is hashed by the machine. Provenance kept for
 * findings (who wrote a line) is not state.
 */
export function hashHierarchy(h: CacheHierarchy): number {
  const hh = new StateHasher();
  for (const c of h.caches) {
    hh.str(c.name);
    for (let i = 0; i < c.lines.length; i++) {
      const l = c.lines[i];
      if (l.state === LineState.I) continue;
      hh.word(i).num(l.pa).word(l.state).str(l.attrs.label).num(l.lru).word(l.speculative ? 1 : 0).bytes(l.data);
    }
  }
  hh.num(h.tick);
  h.icache.hashInto(hh);
  for (const c of h.speculation.refillCandidates ?? []) hh.word(c.pe).num(c.line).str(c.attrs.label).num(c.pc);
  hh.hash(h.backing.stateHash());
  return hh.value();
}
