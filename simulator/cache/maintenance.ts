/**
 * Cache maintenance (Arm ARM D7.5 "Cache maintenance instructions").
 *
 * By VA (D7.5.9 "Data cache maintenance instructions"): acts on every copy of
 * the line whatever its attributes, in the shareability domain of the
 * address: to the PoC for DC CIVAC/CVAC/CVAP, to the PoU for DC CVAU; DC IVAC
 * discards dirty data; DC ZVA is a store of zeros. By set/way (D7.5.8): one
 * local cache only. Instruction cache maintenance goes to the instruction
 * side (icache.ts). Every operation is published on the memory system's
 * `maintenance` hook once it took effect (speculation.ts refills from there).
 */
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import { LINE_SIZE } from './config';
import type { CacheHierarchy } from './hierarchy';
import { CacheLine, isDirty, LineState } from './line';
import { pushDown, writeMemLine } from './writeback';

export function maintainByVa(h: CacheHierarchy, pe: Pe, op: string, pa: number, attrs: MemAttrs): void {
  const line = pa - (pa & 63);
  h.curPc = pe.pc;
  if (op === 'zva') {
    // DC ZVA behaves as a store of zeros to the whole block (DCZID_EL0.BS = 4: 64 bytes).
    for (let i = 0; i < LINE_SIZE; i += 8) h.write(pe, line + i, 8, 0, 0, attrs);
  } else {
    const copies: CacheLine[] = [];
    for (const c of h.domains.of(pe.id, attrs)) c.copiesOf(line, copies);
    const cause = `dc ${op}`;
    switch (op) {
      case 'cvac':
      case 'cvap':
      case 'cvadp':
        cleanToPoc(h, copies, pe, cause);
        break;
      case 'civac':
        cleanToPoc(h, copies, pe, cause);
        for (const cp of copies) h.setState(cp, LineState.I, cause, pe.id);
        break;
      case 'ivac':
        for (const cp of copies) h.setState(cp, LineState.I, cause, pe.id);
        break;
      case 'cvau':
        cleanToPou(h, copies, pe, cause);
        break;
      default:
        break;
    }
  }
  const hook = h.hooks.maintenance;
  if (hook.active) hook.emit(pe, op, line, attrs);
}

function cleanToPoc(h: CacheHierarchy, copies: CacheLine[], pe: Pe, cause: string): void {
  const dirty = copies.filter((c) => isDirty(c.state)).sort((a, b) => a.writeStep - b.writeStep || b.cache.level - a.cache.level);
  for (const cp of dirty) {
    writeMemLine(h, cp);
    cp.touch();
    cp.pouCleanPe = -1;
    cp.pouCleanPc = NaN;
    h.setState(cp, cp.state === LineState.M ? LineState.E : LineState.S, cause, pe.id);
  }
  // Copies at or below the PoC now agree with memory again.
  for (const cp of copies)
    if (cp.staleByStep >= 0 && !isDirty(cp.state) && dirty.includes(cp)) {
      cp.touch();
      cp.staleByStep = -1;
    }
}

function cleanToPou(h: CacheHierarchy, copies: CacheLine[], pe: Pe, cause: string): void {
  if (h.pouLevel >= 4) {
    cleanToPoc(h, copies, pe, cause);
    return;
  }
  const dirty = copies.filter((c) => isDirty(c.state) && c.cache.level < h.pouLevel).sort((a, b) => b.cache.level - a.cache.level);
  for (const cp of dirty) {
    let l: CacheLine | undefined = cp;
    // Push level by level until the data sits in the PoU cache.
    while (l !== undefined && l.cache.level < h.pouLevel) l = pushDown(h, l, true, pe.id, cause);
    if (l !== undefined) {
      l.touch();
      l.pouCleanPe = pe.id;
      l.pouCleanPc = pe.pc;
    }
  }
  // Data already at the PoU level that stays dirty: note the clean for the checkers.
  for (const cp of copies) {
    if (isDirty(cp.state) && cp.cache.level >= h.pouLevel) {
      cp.touch();
      cp.pouCleanPe = pe.id;
      cp.pouCleanPc = pe.pc;
    }
  }
}

/** DC ISW/CSW/CISW: the line at (set, way) of the cache level the operand names, on this PE's path only (D7.5.8). */
export function maintainBySetWay(h: CacheHierarchy, pe: Pe, op: string, setWay: bigint): void {
  h.curPc = pe.pc;
  const level = Number((setWay >> 1n) & 7n);
  const c = h.paths[pe.id][level];
  if (c !== undefined) {
    const a = Math.ceil(Math.log2(c.ways));
    const way = a === 0 ? 0 : Number((setWay >> BigInt(32 - a)) & BigInt(c.ways - 1));
    const set = Number((setWay >> 6n) & BigInt(c.sets - 1));
    const l = c.lineAt(set, way);
    const cause = `dc ${op}`;
    if (l !== undefined && l.state !== LineState.I) {
      if (op === 'isw') h.setState(l, LineState.I, cause, pe.id);
      else if (op === 'csw') {
        if (isDirty(l.state)) pushDown(h, l, true, pe.id, cause);
      } else if (op === 'cisw') {
        if (isDirty(l.state)) pushDown(h, l, false, pe.id, cause);
        h.setState(l, LineState.I, cause, pe.id);
      }
    }
  }
  const hook = h.hooks.maintenance;
  if (hook.active) hook.emit(pe, op, undefined, undefined);
}

/** IC IALLU/IALLUIS/IVAU: the instruction side (icache.ts). */
export function instructionCacheMaintenance(h: CacheHierarchy, pe: Pe, op: string, pa: number | undefined): void {
  h.icache.maintain(pe, op, pa);
  const hook = h.hooks.maintenance;
  if (hook.active) hook.emit(pe, `ic ${op}`, pa, undefined);
}
