/**
 * The declarative `pagetable` block (docs/language.md "Page tables"):
 *
 *   pagetable NAME [stage 1|2] [regime el1|el2|el20|el3] at ADDR
 *             [t0sz N] [sl0 N] [pool ADDR size SIZE] [upper] {
 *     map IA [size SIZE] to OA ATTRIBUTES…
 *   }
 *
 * Each block becomes real VMSAv8-64 descriptors in the initial memory image
 * (`model.program.chunks`), so the walker — and the cache model — read them like
 * any other memory. Problems (overlapping maps, misalignment, pool exhaustion,
 * inconsistent SL0/T0SZ, tables outside declared memory) are reported as
 * diagnostics with the range of the offending words.
 */
import { evaluateExpression } from '../../isa/expr';
import type { LanguageExtension, PredefinedSymbol } from '../../scenario/keywords';
import type { Diagnostic, GenericBlock, RelatedLocation, ScenarioModel, SourceRange } from '../../scenario/model';
import { count, MAX_TABLE_DESCRIPTORS } from '../../scenario/limits';
import { hex } from '../../util/hex';
import { lowerBound } from '../../util/search';
import { stage1Geometry, stage1Leaf, stage2Geometry, stage2Leaf, TableBuilder, TableBuildError, type LeafBits } from './builder';

/**
 * Standard MAIR attribute indices used by `pagetable` stage-1 maps. Write
 * `MAIR_DEFAULT` (0x000C_08BB_0444_FF00) into MAIR_ELx, or any MAIR value whose
 * attribute bytes at these indices mean the same memory types.
 */
export const MAIR_INDEX = {
  device_ngnrne: 0,
  normal_wb: 1,
  normal_nc: 2,
  device_ngnre: 3,
  normal_wt: 4,
  device_ngre: 5,
  device_gre: 6,
} as const;
export type MemoryTypeName = keyof typeof MAIR_INDEX;

/** The MAIR attribute byte of each memory type name (Arm ARM D19 MAIR_ELx). */
export const MAIR_BYTE: Record<MemoryTypeName, number> = {
  device_ngnrne: 0x00,
  normal_wb: 0xff,
  normal_nc: 0x44,
  device_ngnre: 0x04,
  normal_wt: 0xbb,
  device_ngre: 0x08,
  device_gre: 0x0c,
};

/** MAIR value matching MAIR_INDEX: idx0 00, idx1 FF, idx2 44, idx3 04, idx4 BB, idx5 08, idx6 0C. */
export const MAIR_DEFAULT = 0x000c_08bb_0444_ff00n;

const MAIR_DEFAULT_SYMBOL: PredefinedSymbol = {
  name: 'MAIR_DEFAULT',
  value: MAIR_DEFAULT,
  description:
    'MAIR_ELx value matching the `pagetable` attribute names: Attr0 Device-nGnRnE, Attr1 Normal WB, Attr2 Normal NC, Attr3 Device-nGnRE, Attr4 Normal WT, Attr5 Device-nGRE, Attr6 Device-GRE',
};

/** Predefined symbols a lookup falls back to: the language's (the parse pass), else this layer's own. */
type SymbolLookup = (name: string) => PredefinedSymbol | undefined;
const OWN_SYMBOLS: SymbolLookup = (name) => (name === MAIR_DEFAULT_SYMBOL.name ? MAIR_DEFAULT_SYMBOL : undefined);

/** Stage-2 MemAttr[3:0] (FWB=0) of each memory type name (Arm ARM D8.5.5). */
const S2_MEMATTR: Record<MemoryTypeName, number> = {
  device_ngnrne: 0b0000,
  device_ngnre: 0b0001,
  device_ngre: 0b0010,
  device_gre: 0b0011,
  normal_nc: 0b0101,
  normal_wt: 0b1010,
  normal_wb: 0b1111,
};

const SH: Record<string, number> = { nsh: 0, osh: 2, ish: 3 };

export type RegimeName = 'el1' | 'el2' | 'el20' | 'el3';

export interface MapSpec {
  ia: number;
  size: number;
  oa: number;
  leaf: LeafBits;
  blocks: boolean;
  range: SourceRange;
  /** Attribute words as written (views). */
  attributes: string[];
}

export interface PageTableSpec {
  name: string;
  stage: 1 | 2;
  regime: RegimeName;
  root: number;
  tsz: number;
  sl0: number;
  poolBase: number;
  poolSize: number;
  upper: boolean;
  maps: MapSpec[];
  range: SourceRange;
}

export interface BuiltPageTable {
  spec: PageTableSpec;
  builder: TableBuilder;
}

type Word = { text: string; range: SourceRange };

class BlockReader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    private model: ScenarioModel,
    private readonly predefined: SymbolLookup,
  ) {}

  error(range: SourceRange, message: string, rule = 'pagetable', related?: RelatedLocation[]): void {
    this.diagnostics.push(related ? { range, severity: 'error', message, rule, related } : { range, severity: 'error', message, rule });
  }

  warn(range: SourceRange, message: string, rule = 'pagetable'): void {
    this.diagnostics.push({ range, severity: 'warning', message, rule });
  }

  value(w: Word | undefined, what: string, after: SourceRange): number | undefined {
    if (w === undefined) {
      this.error(after, `expected ${what}`);
      return undefined;
    }
    const r = evaluateExpression(w.text, (name) => this.model.symbols.get(name)?.value ?? this.model.constants.get(name)?.value ?? (this.model.symbols.has(name) ? undefined : this.predefined(name)?.value));
    if ('error' in r) {
      this.error(w.range, `${what}: ${r.error}`);
      return undefined;
    }
    // Upper-range VAs (0xFFFF_…) become the signed-number form the simulator uses.
    const v = r.value >= 1n << 63n && r.value < 1n << 64n ? BigInt.asIntN(64, r.value) : r.value;
    if (v <= -(1n << 53n) || v >= 1n << 53n) {
      this.error(w.range, `${what} ${hex(r.value)} is out of range`);
      return undefined;
    }
    return Number(v);
  }
}

function parseHeader(block: GenericBlock, rd: BlockReader): PageTableSpec | undefined {
  const a = block.args;
  const name = a[0]?.text;
  if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    rd.error(a[0]?.range ?? block.range, 'pagetable: expected a table name, e.g. `pagetable guest_s2 stage 2 at 0x0610_0000 t0sz 32 sl0 1 { … }`');
    return undefined;
  }
  const spec: PageTableSpec = { name, stage: 1, regime: 'el1', root: -1, tsz: -1, sl0: -1, poolBase: -1, poolSize: 0x10_0000, upper: false, maps: [], range: block.range };
  let regimeWord: Word | undefined;
  for (let i = 1; i < a.length; i++) {
    const w = a[i];
    const next = a[i + 1];
    const v = (what: string): number | undefined => {
      i++;
      return rd.value(next, what, w.range);
    };
    switch (w.text.toLowerCase()) {
      case 'stage': {
        const s = v('stage (1 or 2)');
        if (s === 1 || s === 2) spec.stage = s;
        else if (s !== undefined) rd.error(next.range, 'stage must be 1 or 2');
        break;
      }
      case 'regime': {
        i++;
        const r = next?.text.toLowerCase();
        if (r === 'el1' || r === 'el2' || r === 'el20' || r === 'el3') {
          spec.regime = r;
          regimeWord = next;
        } else rd.error(next?.range ?? w.range, 'regime must be el1 (EL1&0), el2, el20 (EL2&0) or el3');
        break;
      }
      case 'at':
        spec.root = v('table address') ?? -1;
        break;
      case 't0sz':
      case 't1sz':
      case 'tsz':
        spec.tsz = v('TnSZ') ?? -1;
        break;
      case 'sl0':
        spec.sl0 = v('SL0') ?? -1;
        break;
      case 'pool':
        spec.poolBase = v('pool address') ?? -1;
        if (a[i + 1]?.text.toLowerCase() === 'size') {
          spec.poolSize = rd.value(a[i + 2], 'pool size', a[i + 1].range) ?? spec.poolSize;
          i += 2;
        }
        break;
      case 'upper':
        spec.upper = true;
        break;
      case 'granule': {
        i++;
        if (next?.text.toLowerCase() !== '4k') rd.error(next?.range ?? w.range, 'only the 4k granule is supported by pagetable blocks');
        break;
      }
      default:
        rd.error(w.range, `pagetable: unknown option '${w.text}' (stage, regime, at, t0sz, sl0, pool … size, upper, granule)`);
    }
  }
  if (spec.root < 0) {
    rd.error(a[0].range, `pagetable ${name}: missing 'at ADDRESS' (the root table)`);
    return undefined;
  }
  if (spec.root % 4096 !== 0) rd.error(a[0].range, `pagetable ${name}: root table ${hex(spec.root)} must be 4 KB aligned`, 'pagetable-misaligned');
  if (spec.stage === 2 && regimeWord) rd.error(regimeWord.range, 'a stage 2 table has no regime (it serves EL1&0)');
  if (spec.tsz < 0) spec.tsz = spec.stage === 2 ? 32 : 25;
  if (spec.tsz < 16 || spec.tsz > 39) rd.error(block.args[0].range, `TnSZ ${spec.tsz} is outside 16..39`);
  if (spec.poolBase < 0) spec.poolBase = spec.root;
  return spec;
}

function parseMap(stmt: GenericBlock['body'][number], spec: PageTableSpec, rd: BlockReader): MapSpec | undefined {
  const w = stmt.words;
  if (w[0]?.text.toLowerCase() !== 'map') {
    rd.error(w[0]?.range ?? stmt.range, `pagetable: expected 'map IA [size SIZE] to OA ATTRIBUTES…', found '${w[0]?.text ?? ''}'`);
    return undefined;
  }
  let i = 1;
  const ia = rd.value(w[i], 'input address', w[0].range);
  i++;
  let size = 4096;
  if (w[i]?.text.toLowerCase() === 'size') {
    size = rd.value(w[i + 1], 'size', w[i].range) ?? 4096;
    i += 2;
  }
  if (w[i]?.text.toLowerCase() !== 'to') {
    rd.error(w[i]?.range ?? stmt.range, "expected 'to OUTPUT_ADDRESS'");
    return undefined;
  }
  const oa = rd.value(w[i + 1], 'output address', w[i].range);
  i += 2;
  if (ia === undefined || oa === undefined) return undefined;
  const attrs = w.slice(i);
  let type: MemoryTypeName = 'normal_wb';
  let sh: number | undefined;
  let write = true;
  let el0 = false;
  let pxn = false;
  let uxn = false;
  let ng = false;
  let ns = false;
  let af = true;
  let blocks = true;
  let s2ap = 3;
  let s2xn = 0;
  for (const a of attrs) {
    const t = a.text.toLowerCase();
    if (t in MAIR_INDEX) type = t as MemoryTypeName;
    else if (t in SH) sh = SH[t];
    else if (t === 'rw') {
      write = true;
      s2ap = 3;
    } else if (t === 'ro') {
      write = false;
      s2ap = 1;
    } else if (spec.stage === 2 && t === 'wo') s2ap = 2;
    else if (spec.stage === 2 && t === 'none') s2ap = 0;
    else if (t === 's2ap') continue;
    else if (t === 'x') {
      pxn = uxn = false;
      s2xn = 0;
    } else if (t === 'xn') {
      pxn = uxn = true;
      s2xn = 2;
    } else if (spec.stage === 1 && t === 'pxn') pxn = true;
    else if (spec.stage === 1 && t === 'uxn') uxn = true;
    else if (spec.stage === 1 && t === 'el0') el0 = true;
    else if (spec.stage === 1 && t === 'ng') ng = true;
    else if (spec.stage === 1 && t === 'ns') ns = true;
    else if (t === 'noaf') af = false;
    else if (t === 'pages') blocks = false;
    else {
      const known =
        spec.stage === 1
          ? 'normal_wb normal_wt normal_nc device_ngnrne device_ngnre device_ngre device_gre, nsh ish osh, rw ro, el0, x xn pxn uxn, ng, ns, noaf, pages'
          : 'normal_wb normal_wt normal_nc device_*, nsh ish osh, s2ap rw|ro|wo|none, x xn, noaf, pages';
      rd.error(a.range, `unknown ${spec.stage === 1 ? 'stage-1' : 'stage-2'} attribute '${a.text}' (known: ${known})`);
    }
  }
  const isDevice = type.startsWith('device');
  const shBits = sh ?? (isDevice ? 2 : 3);
  let leaf: LeafBits;
  if (spec.stage === 1) {
    const single = spec.regime === 'el2' || spec.regime === 'el3';
    if (el0 && single) rd.error(attrs.find((x) => x.text.toLowerCase() === 'el0')!.range, `'el0' needs a regime with EL0 (el1 or el20)`);
    // AP[2:1]: AP[2] read-only, AP[1] EL0 access; AP[1] is RES1 in the single-privilege regimes (EL2, EL3).
    const ap = (write ? 0 : 2) | (el0 || single ? 1 : 0);
    leaf = stage1Leaf({ attrIndx: MAIR_INDEX[type], sh: shBits, ap, af, ng, ns, pxn: single ? false : pxn, uxn: single ? pxn || uxn : uxn });
  } else {
    leaf = stage2Leaf({ memAttr: S2_MEMATTR[type], sh: shBits, s2ap, xn: s2xn, af });
  }
  return { ia, size, oa, leaf, blocks, range: stmt.range, attributes: attrs.map((x) => x.text) };
}

/** Which declared memory region holds [a, a+len), if any. */
function inMemory(model: ScenarioModel, a: number, len: number): boolean {
  return model.system.memory.some((m) => a >= Number(m.base) && a + len <= Number(m.base) + Number(m.size));
}

/** Parse and build every `pagetable` block of the model. Never throws. */
export function buildPageTables(model: ScenarioModel, predefined: SymbolLookup = OWN_SYMBOLS): { tables: BuiltPageTable[]; diagnostics: Diagnostic[] } {
  const rd = new BlockReader(model, predefined);
  const tables: BuiltPageTable[] = [];
  const names = new Map<string, SourceRange>();
  for (const block of model.blocks) {
    if (block.keyword !== 'pagetable') continue;
    const spec = parseHeader(block, rd);
    if (spec === undefined) continue;
    const prev = names.get(spec.name);
    if (prev) rd.error(block.args[0].range, `pagetable '${spec.name}' is defined twice`, 'pagetable', [{ range: prev, message: 'first definition' }]);
    names.set(spec.name, block.args[0].range);
    let geo;
    if (spec.stage === 2) {
      const sl0 = spec.sl0 >= 0 ? spec.sl0 : defaultSl0(spec.tsz);
      geo = stage2Geometry(spec.tsz, sl0);
      if (geo === undefined) {
        rd.error(block.args[0].range, `pagetable ${spec.name}: SL0=${sl0} is inconsistent with T0SZ=${spec.tsz} (start level needs 1..16 concatenated tables)`, 'pagetable-geometry');
        continue;
      }
    } else geo = stage1Geometry(spec.tsz);
    const builder = new TableBuilder({ stage: spec.stage, root: spec.root, poolBase: spec.poolBase, poolSize: spec.poolSize, granuleBits: 12, upper: spec.upper, ...geo }, MAX_TABLE_DESCRIPTORS);
    const lines: number[] = [];
    lineOfWrites.set(builder, lines);
    /** Earlier maps of this block, sorted by input address (disjoint): an overlap check is a binary search. */
    const mapped: { start: number; end: number; range: SourceRange }[] = [];
    for (const stmt of block.body) {
      if (stmt.words.length === 0) continue;
      const m = parseMap(stmt, spec, rd);
      if (m === undefined) continue;
      if (m.ia % 4096 !== 0 || m.oa % 4096 !== 0 || m.size % 4096 !== 0 || m.size <= 0) {
        rd.error(m.range, `map ${hex(m.ia)} size ${hex(m.size)} to ${hex(m.oa)}: addresses and size must be multiples of the 4 KB granule`, 'pagetable-misaligned');
        continue;
      }
      if (!m.blocks && m.size / 4096 > MAX_TABLE_DESCRIPTORS) {
        // Refused before building: with 'pages' every 4 KB is one descriptor.
        rd.error(
          m.range,
          `map ${hex(m.ia)} size ${hex(m.size)} with 'pages' needs ${count(m.size / 4096)} page descriptors: a pagetable block generates at most ${count(MAX_TABLE_DESCRIPTORS)}; drop 'pages' (blocks of 2 MB and 1 GB) or map less`,
          'pagetable-too-large',
        );
        continue;
      }
      const at = lowerBound(mapped, (x) => x.start < m.ia);
      const clash = [mapped[at - 1], mapped[at]].find((x) => x !== undefined && m.ia < x.end && x.start < m.ia + m.size);
      if (clash) {
        rd.error(m.range, `map overlaps an earlier map of ${spec.name} (input ${hex(Math.max(m.ia, clash.start))})`, 'pagetable-overlap', [
          { range: clash.range, message: 'earlier map' },
        ]);
        continue;
      }
      try {
        builder.map(m.ia, m.size, m.oa, m.leaf, m.blocks);
        mapped.splice(at, 0, { start: m.ia, end: m.ia + m.size, range: m.range });
        spec.maps.push(m);
      } catch (e) {
        if (!(e instanceof TableBuildError)) throw e;
        const rule = e.message.includes('pool') ? 'pagetable-pool-exhausted' : e.message.includes('descriptors') ? 'pagetable-too-large' : 'pagetable';
        rd.error(m.range, `${spec.name}: ${e.message}`, rule);
        if (rule === 'pagetable-too-large') break;
      } finally {
        while (lines.length < builder.writes.length) lines.push(m.range.start.line);
      }
    }
    const rootBytes = 2 ** (geo.startIndexBits + 3);
    if (model.system.memory.length > 0 && !inMemory(model, spec.root, rootBytes)) {
      rd.warn(block.args[0].range, `pagetable ${spec.name}: root table ${hex(spec.root)} is not inside a declared memory region`, 'pagetable-memory');
    }
    if (model.system.memory.length > 0 && builder.poolUsed > 0 && !inMemory(model, spec.poolBase, builder.poolUsed)) {
      rd.warn(block.args[0].range, `pagetable ${spec.name}: table pool ${hex(spec.poolBase)} is not inside a declared memory region`, 'pagetable-memory');
    }
    tables.push({ spec, builder });
  }
  // Tables of different blocks must not share memory: one map from table address to its first owner
  // (linear in the tables; each block is reported once, against the first earlier block it shares with).
  const owner = new Map<number, BuiltPageTable>();
  for (const t of tables) {
    let reported = false;
    for (const at of t.builder.tables) {
      const first = owner.get(at);
      if (first === undefined) owner.set(at, t);
      else if (first !== t && !reported) {
        reported = true;
        rd.error(t.spec.range, `pagetables ${first.spec.name} and ${t.spec.name} both place a table at ${hex(at)}`, 'pagetable-overlap', [{ range: first.spec.range, message: first.spec.name }]);
      }
    }
  }
  return { tables, diagnostics: rd.diagnostics };
}

/** Source line of each descriptor write (for the memory image's line map). */
const lineOfWrites = new WeakMap<TableBuilder, number[]>();

/** SL0 giving the shallowest tree (deepest start level, up to 16 concatenated tables), as Hafnium chooses. */
function defaultSl0(t0sz: number): number {
  for (const sl0 of [0, 1, 2]) if (stage2Geometry(t0sz, sl0) !== undefined) return sl0;
  return 1;
}

const applied = new WeakMap<ScenarioModel, BuiltPageTable[]>();

/**
 * Build the model's `pagetable` blocks into its initial memory image and add their
 * diagnostics. Idempotent (the parser and the engine may both call it).
 */
export function applyPageTables(model: ScenarioModel, predefined: SymbolLookup = OWN_SYMBOLS): BuiltPageTable[] {
  const done = applied.get(model);
  if (done) return done;
  const { tables, diagnostics } = buildPageTables(model, predefined);
  applied.set(model, tables);
  model.diagnostics.push(...diagnostics);
  for (const t of tables) {
    const lines = lineOfWrites.get(t.builder) ?? [];
    t.builder.writes.forEach((w, k) => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setUint32(0, w.lo, true);
      new DataView(bytes.buffer).setUint32(4, w.hi, true);
      model.program.chunks.push({ address: w.pa, bytes, line: lines[k] });
    });
  }
  return tables;
}

/**
 * The `pagetable` block, `MAIR_DEFAULT` and the parse-time pass that builds the
 * tables (scenario/keywords.ts): `armscope check` and the editor show page-table diagnostics.
 */
export const PAGETABLE_LANGUAGE: LanguageExtension = {
  name: 'pagetable',
  blocks: ['pagetable'],
  symbols: [MAIR_DEFAULT_SYMBOL],
  pass: (model, language) => void applyPageTables(model, (name) => language.symbol(name)),
};
