/**
 * The decoder, generated from the class tables as decodetree generates one:
 * a tree that switches on bits every pattern of a node fixes (at most 8 at a
 * time), down to leaves whose few patterns are tried in table order
 * (overlapping patterns, such as PRFM inside the LDR space, are resolved by that
 * order and by each encoding's `valid` condition).
 */
import { compilePattern, extract, type CompiledPattern } from './pattern';
import type { Encoding, Fields, InstrClass } from './types';

export interface TableEntry {
  readonly enc: Encoding;
  readonly pat: CompiledPattern;
  readonly cls: InstrClass;
}

interface Leaf {
  readonly leaf: true;
  readonly entries: readonly TableEntry[];
}

interface Switch {
  readonly leaf: false;
  /** Bit runs [lo, width] read from the most significant, concatenated into the child index. */
  readonly runs: readonly (readonly [number, number])[];
  /** The runs for lookup: index = ((w >>> lo1) & m1) << w2 | ((w >>> lo2) & m2); no second run: m2 = w2 = 0. */
  readonly lo1: number;
  readonly m1: number;
  readonly w2: number;
  readonly lo2: number;
  readonly m2: number;
  readonly children: readonly (DecodeNode | undefined)[];
}

type DecodeNode = Leaf | Switch;

/** Largest number of bits one switch reads (2^8 children). */
const MAX_SWITCH_BITS = 8;
/** Largest number of bit runs one switch reads (the lookup reads two without a loop). */
const MAX_SWITCH_RUNS = 2;

/** Contiguous runs of set bits of `bits`, most significant first, at most MAX_SWITCH_RUNS runs of MAX_SWITCH_BITS in total. */
function pickRuns(bits: number): [number, number][] {
  const runs: [number, number][] = [];
  let total = 0;
  let b = 31;
  while (b >= 0 && total < MAX_SWITCH_BITS && runs.length < MAX_SWITCH_RUNS) {
    if (((bits >>> b) & 1) === 0) {
      b--;
      continue;
    }
    let lo = b;
    while (lo > 0 && ((bits >>> (lo - 1)) & 1) === 1 && b - lo + 1 < MAX_SWITCH_BITS - total) lo--;
    runs.push([lo, b - lo + 1]);
    total += b - lo + 1;
    b = lo - 1;
  }
  return runs;
}

function indexOf(runs: readonly (readonly [number, number])[], w: number): number {
  let idx = 0;
  for (const [lo, width] of runs) idx = (idx << width) | ((w >>> lo) & ((1 << width) - 1));
  return idx;
}

function runsMask(runs: readonly (readonly [number, number])[]): number {
  let m = 0;
  for (const [lo, width] of runs) m |= ((2 ** width - 1) << lo) >>> 0;
  return m >>> 0;
}

function build(entries: TableEntry[], tested: number): DecodeNode {
  if (entries.length <= 2) return { leaf: true, entries };
  let common = 0xffffffff;
  for (const e of entries) common &= e.pat.mask;
  common = (common & ~tested) >>> 0;
  if (common === 0) return { leaf: true, entries };
  const runs = pickRuns(common);
  const groups = new Map<number, TableEntry[]>();
  for (const e of entries) {
    const idx = indexOf(runs, e.pat.value);
    const g = groups.get(idx);
    if (g) g.push(e);
    else groups.set(idx, [e]);
  }
  let width = 0;
  for (const [, w] of runs) width += w;
  const children = new Array<DecodeNode | undefined>(1 << width).fill(undefined);
  const now = (tested | runsMask(runs)) >>> 0;
  for (const [idx, g] of groups) children[idx] = build(g, now);
  const [lo1, w1] = runs[0];
  const [lo2, w2] = runs.length > 1 ? runs[1] : [0, 0];
  return { leaf: false, runs, lo1, m1: (1 << w1) - 1, w2, lo2, m2: (1 << w2) - 1, children };
}

export class DecodeTree {
  private readonly root: DecodeNode;
  readonly entries: readonly TableEntry[];

  constructor(classes: readonly InstrClass[]) {
    const entries: TableEntry[] = [];
    for (const cls of classes) for (const enc of cls.encodings) entries.push({ enc, pat: compilePattern(enc.pattern), cls });
    this.entries = entries;
    this.root = build(entries, 0);
  }

  /** The encoding of `w` and its fields, or undefined for a word no table row describes. */
  lookup(w: number): { entry: TableEntry; fields: Fields } | undefined {
    let node: DecodeNode | undefined = this.root;
    while (node !== undefined && !node.leaf) node = node.children[(((w >>> node.lo1) & node.m1) << node.w2) | ((w >>> node.lo2) & node.m2)];
    if (node === undefined) return undefined;
    for (const e of node.entries) {
      if ((w & e.pat.mask) >>> 0 !== e.pat.value) continue;
      const fields = extract(e.pat, w);
      if (e.enc.valid === undefined || e.enc.valid(fields)) return { entry: e, fields };
    }
    return undefined;
  }
}
