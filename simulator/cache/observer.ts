/**
 * What the cache hierarchy tells the architectural checkers
 * (simulator/checks). The hierarchy detects the *moments* at which the
 * architecture's guarantees are lost (a non-cacheable access bypassing a dirty
 * copy, a cacheable access next to a dirty copy with other attributes, a read
 * of a copy that memory was updated behind); the checkers decide which rule
 * explains it and name the source lines.
 *
 * Hazard objects are built only when something is wrong, never per access.
 */
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import type { StateName } from './line';

/** A cached copy as a hazard report sees it (plain data, safe to keep). */
export interface CopyInfo {
  cache: string;
  level: number;
  pa: number;
  attrs: MemAttrs;
  state: StateName;
  writePe: number;
  writePc: number;
  writeStep: number;
  /** DC CVAU that pushed this data to the PoU (the data is still above the PoC). */
  pouCleanPe: number;
  pouCleanPc: number;
  speculative: boolean;
  specPe: number;
  specPc: number;
  staleByPe: number;
  staleByPc: number;
  staleByStep: number;
  staleByAttrs?: MemAttrs;
}

export type Hazard =
  /** A non-cacheable or Device access went to memory while caches hold dirty data for the line (read: stale; write: will be overwritten). */
  | { kind: 'bypass-dirty'; pe?: Pe; pc: number; pa: number; size: number; write: boolean; attrs: MemAttrs; copies: CopyInfo[]; step: number }
  /** A cacheable access used key `attrs` while copies of the line with other attributes hold dirty data (B2.8). */
  | { kind: 'mismatch'; pe?: Pe; pc: number; pa: number; size: number; write: boolean; attrs: MemAttrs; copies: CopyInfo[]; step: number }
  /** A cacheable read hit a copy older than memory (memory was written behind it). */
  | { kind: 'stale-hit'; pe?: Pe; pc: number; pa: number; size: number; attrs: MemAttrs; copy: CopyInfo; step: number }
  /** A dirty copy older than memory was written back, overwriting the newer data. */
  | { kind: 'stale-writeback'; pa: number; copy: CopyInfo; step: number };

export interface CacheObserver {
  hazard?(h: Hazard): void;
  maintenance?(pe: Pe, op: string, pa: number | undefined, attrs: MemAttrs | undefined): void;
  barrier?(pe: Pe, kind: 'dmb' | 'dsb' | 'isb', domain: string): void;
  /** A write to a granule registered with `CacheHierarchy.watchGranule` (reported before the data lands). */
  watchedWrite?(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void;
}
