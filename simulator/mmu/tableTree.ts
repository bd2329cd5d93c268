/**
 * Translation tables as trees of decoded descriptors, from the table base
 * down (debugger "Translation" scope, page-table view, any front end).
 *
 * The trees come from the PE's current configuration (deriveConfig: TTBRn /
 * TCR of the regime its EL uses, VTTBR/VSTTBR + VTCR/VSTCR for stage 2), and
 * every descriptor is read the way the walker would see it now: through the
 * memory system's non-allocating `readAsSeenBy` with the walk attributes
 * (TCR/VTCR IRGN/ORGN/SH), else from physical memory. Nothing is changed (no
 * cache allocation, no Access-flag update). Arm ARM D8.2 "Translation table
 * walks", D8.3 "Translation table descriptor formats".
 */
import { decodeDescriptor, type DecodedDescriptor, type Granule, type Stage1Regime } from '../arch/decoders/descriptor';
import type { MemAttrs } from '../memory/attributes';
import type { MemorySystem } from '../memory/system';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import { deriveConfig, levelShift, Regime, REGIME_NAMES, type TableTree } from './regime';

export interface DescriptorNode {
  stage: 1 | 2;
  level: number;
  /** Index in its table. */
  index: number;
  /** Physical address of the descriptor. */
  descriptorPa: number;
  value: bigint;
  /** First input address (VA or IPA) the entry covers. */
  inputBase: number;
  /** Bytes of input address space the entry covers. */
  inputSize: number;
  decoded: DecodedDescriptor;
  /** Next-level entries (table descriptors only; valid entries only). */
  children?: DescriptorNode[];
  /** Number of invalid entries in the next-level table (table descriptors only). */
  invalidChildren?: number;
  /** Next-level table PA could not be resolved (IPA without a stage-2 mapping). */
  unresolved?: string;
  /**
   * Lazy trees (`translationTables(…, { lazy: true })`), table descriptors only:
   * reads the next-level table the first time it is called and sets `children`
   * and `invalidChildren`; nothing is read before.
   */
  expand?: () => void;
  /** The focused walk (`TableFocus`) read this entry. */
  onWalk?: boolean;
  /** The focused walk stopped here with a fault (the entry is listed even when invalid). */
  faulted?: boolean;
  /**
   * Set when the descriptor's cached copies and memory disagree: what each holds
   * (`memory holds 0x0, L1D.pe0 holds 0x8810_0000_07ff dirty (Normal-WB OSH)`).
   */
  copies?: string;
}

/**
 * A walk to show expanded and highlighted: the descriptors it read (their
 * PAs), and the one at which it faulted (`mmu/view.ts` `pageTableView`).
 */
export interface TableFocus {
  descriptors: ReadonlySet<number>;
  faultPa?: number;
}

export interface TranslationTable {
  /** `TTBR0_EL2`, `VTTBR_EL2`, … */
  name: string;
  stage: 1 | 2;
  /** `EL2`, `EL1&0`, `stage 2 Non-secure IPA space`, … */
  regime: string;
  /** Table base as the register gives it (IPA for EL1&0 stage 1 under stage 2). */
  base: number;
  /** PA of the start-level table. */
  basePa?: number;
  startLevel: number;
  inputBits: number;
  granule: Granule;
  /** Walk attributes (`Normal-WB ISH`). */
  walkAttrs: string;
  enabled: boolean;
  /** Valid entries of the start-level table. */
  entries: DescriptorNode[];
  invalidEntries: number;
  note?: string;
}

/** Entries listed per table at most (the rest are counted as omitted). */
const MAX_ENTRIES = 512;

interface SeeingMemory {
  readAsSeenBy?(pe: number, pa: number, size: number, attrs?: MemAttrs): bigint;
  linesOf?(pa: number): { cache: string; attrs: string; dirty: boolean; data: Uint8Array }[];
}

/**
 * Where the copies of the 8 bytes at `pa` disagree (a cache holds other bytes
 * than memory, Arm ARM B2.8 "Mismatched memory attributes" is one way to get
 * there), what each holds; undefined when they all agree or nothing is cached.
 */
export function descriptorCopies(memory: MemorySystem, pa: number): string | undefined {
  const seeing = memory as unknown as SeeingMemory;
  if (typeof seeing.linesOf !== 'function') return undefined;
  const copies = seeing.linesOf(pa);
  if (copies.length === 0) return undefined;
  const off = pa & 63;
  const memValue = readPhysicalU64(memory, pa);
  const held = copies.map((c) => {
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(c.data[off + i] ?? 0);
    return { c, v };
  });
  if (held.every((h) => h.v === memValue)) return undefined;
  // The copies that differ from memory first (stable: innermost cache first within each group).
  held.sort((a, b) => Number(b.v !== memValue) - Number(a.v !== memValue));
  return [`memory holds ${hex(memValue)}`, ...held.map((h) => `${h.c.cache} holds ${hex(h.v)} ${h.c.dirty ? 'dirty' : 'clean'} (${h.c.attrs})`)].join(', ');
}

function readPhysicalU64(memory: MemorySystem, pa: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(memory.physical.readU8(pa + i));
  return v;
}

const STAGE1_REGIME: Record<Regime, Stage1Regime> = {
  [Regime.EL10]: 'EL10',
  [Regime.EL20]: 'EL20',
  [Regime.EL2]: 'EL2',
  [Regime.EL3]: 'EL3',
};

function readDescriptor(memory: MemorySystem, pe: Pe, pa: number, attrs: MemAttrs): bigint {
  const seeing = memory as unknown as SeeingMemory;
  if (typeof seeing.readAsSeenBy === 'function') return BigInt.asUintN(64, seeing.readAsSeenBy(pe.id, pa, 8, attrs));
  return readPhysicalU64(memory, pa);
}

interface WalkContext {
  memory: MemorySystem;
  pe: Pe;
  stage: 1 | 2;
  tree: TableTree;
  regime: Stage1Regime;
  fwb: boolean;
  /** Stage 1: the regime's MAIR_ELx (AttrIndx named by memory type). */
  mair?: bigint;
  /** Stage-1 table addresses are IPAs: resolve them through stage 2. */
  toPa?: (ipa: number) => number | undefined;
  /** Read next-level tables only when a node is expanded (the focused walk's are read at once). */
  lazy: boolean;
  focus?: TableFocus;
}

function walkTable(ctx: WalkContext, tablePa: number, level: number, entries: number, inputBase: number): { nodes: DescriptorNode[]; invalid: number } {
  const g = ctx.tree.granuleBits;
  const shift = levelShift(g, level);
  const size = 2 ** shift;
  const nodes: DescriptorNode[] = [];
  let invalid = 0;
  for (let i = 0; i < entries; i++) {
    const pa = tablePa + i * 8;
    const value = readDescriptor(ctx.memory, ctx.pe, pa, ctx.tree.walk);
    const onWalk = ctx.focus?.descriptors.has(pa) === true;
    // Level 3 bits[1:0]=0b01 is reserved/invalid, 0b11 a page (Arm ARM D8.3.1). An invalid entry
    // the focused walk read is listed: it is where that walk faulted.
    if ((value & 1n) === 0n && !onWalk) {
      invalid++;
      continue;
    }
    if (nodes.length >= MAX_ENTRIES && !onWalk) {
      invalid++;
      continue;
    }
    const decoded = decodeDescriptor(value, { stage: ctx.stage, level, granule: (2 ** g) as Granule, regime: ctx.regime, fwb: ctx.fwb, mair: ctx.mair });
    const node: DescriptorNode = { stage: ctx.stage, level, index: i, descriptorPa: pa, value, inputBase: inputBase + i * size, inputSize: size, decoded };
    if (onWalk) node.onWalk = true;
    if (ctx.focus?.faultPa === pa) node.faulted = true;
    const copies = descriptorCopies(ctx.memory, pa);
    if (copies !== undefined) node.copies = copies;
    if (decoded.type === 'table' && level < 3 && decoded.address !== undefined) {
      let next: number | undefined = Number(decoded.address);
      if (ctx.toPa) {
        const ipa = next;
        next = ctx.toPa(ipa);
        if (next === undefined) node.unresolved = `next-level table at IPA ${hex(ipa)} is not mapped at stage 2`;
      }
      if (next !== undefined) {
        const tablePa = next;
        node.expand = () => {
          if (node.children) return;
          const sub = walkTable(ctx, tablePa, level + 1, 2 ** (g - 3), node.inputBase);
          node.children = sub.nodes;
          node.invalidChildren = sub.invalid;
        };
        if (!ctx.lazy || onWalk) node.expand();
      }
    }
    nodes.push(node);
  }
  return { nodes, invalid };
}

/**
 * Output address of `input` by reading only the descriptors on its path (one
 * per level), as the walker would: what a lazy tree uses to place stage-1
 * tables that live at IPAs, without reading every stage-2 table.
 */
function lookupByWalk(ctx: WalkContext, tablePa: number, level: number, entries: number, inputBase: number, input: number): number | undefined {
  const g = ctx.tree.granuleBits;
  const size = 2 ** levelShift(g, level);
  const i = Math.floor((input - inputBase) / size);
  if (i < 0 || i >= entries) return undefined;
  const value = readDescriptor(ctx.memory, ctx.pe, tablePa + i * 8, ctx.tree.walk);
  if ((value & 1n) === 0n) return undefined;
  const base = inputBase + i * size;
  const d = decodeDescriptor(value, { stage: ctx.stage, level, granule: (2 ** g) as Granule, regime: ctx.regime, fwb: ctx.fwb });
  if (d.type === 'block' || d.type === 'page') return Number(d.address ?? 0n) + (input - base);
  if (d.type !== 'table' || level >= 3 || d.address === undefined) return undefined;
  const next = ctx.toPa ? ctx.toPa(Number(d.address)) : Number(d.address);
  return next === undefined ? undefined : lookupByWalk(ctx, next, level + 1, 2 ** (g - 3), base, input);
}

/** Output address of `input` in a walked tree (undefined when unmapped). */
export function lookupInTree(entries: DescriptorNode[], input: number): number | undefined {
  for (const n of entries) {
    if (input < n.inputBase || input >= n.inputBase + n.inputSize) continue;
    if (n.decoded.type === 'block' || n.decoded.type === 'page') return Number(n.decoded.address ?? 0n) + (input - n.inputBase);
    n.expand?.();
    if (n.children) return lookupInTree(n.children, input);
    return undefined;
  }
  return undefined;
}

function buildTable(name: string, regime: string, ctx: WalkContext, basePa: number | undefined, note?: string): TranslationTable {
  const tree = ctx.tree;
  const table: TranslationTable = {
    name,
    stage: ctx.stage,
    regime,
    base: tree.base,
    basePa,
    startLevel: tree.startLevel,
    inputBits: tree.inputBits,
    granule: (2 ** tree.granuleBits) as Granule,
    walkAttrs: tree.walk.label,
    enabled: !tree.disabled && !tree.invalid,
    entries: [],
    invalidEntries: 0,
    note,
  };
  if (!table.enabled || basePa === undefined) return table;
  const count = Math.min(2 ** tree.startIndexBits, 2 ** (tree.granuleBits - 3 + 4));
  const r = walkTable(ctx, basePa, tree.startLevel, count, 0);
  table.entries = r.nodes;
  table.invalidEntries = r.invalid;
  return table;
}

/**
 * The translation tables in use by `pe` at `el` (default: its current EL):
 * stage 1 (TTBR0 and, for two-privilege regimes, TTBR1) and, when stage 2
 * applies, the stage-2 tables (Non-secure IPA space, and the Secure one in
 * Secure state).
 */
export function translationTables(memory: MemorySystem, pe: Pe, el: number = pe.el, opts: { lazy?: boolean; focus?: TableFocus } = {}): TranslationTable[] {
  const lazy = opts.lazy === true;
  const focus = opts.focus;
  const cfg = deriveConfig(pe, el);
  const out: TranslationTable[] = [];
  const regimeName = REGIME_NAMES[cfg.regime];
  // At EL2 the stage-2 tables the SPMC/hypervisor manages for EL1&0 are shown too (they are what it debugs).
  const s2 = cfg.stage2 ?? (el === 2 ? deriveConfig(pe, 1).stage2 : undefined);
  const s2Tables: TranslationTable[] = [];
  if (s2) {
    const ctx2 = (tree: TableTree): WalkContext => ({ memory, pe, stage: 2, tree, regime: 'EL10', fwb: s2.fwb, lazy, focus });
    if (s2.secure) s2Tables.push(buildTable('VSTTBR_EL2', 'Secure IPA space', ctx2(s2.secure), s2.secure.base));
    s2Tables.push(buildTable('VTTBR_EL2', `Non-secure IPA space (VMID ${s2.vmid})`, ctx2(s2.ns), s2.ns.base));
  }
  const ttbrSuffix = cfg.regime === Regime.EL3 ? 'EL3' : cfg.regime === Regime.EL10 ? 'EL1' : 'EL2';
  const stage1Trees: [string, TableTree][] = [[`TTBR0_${ttbrSuffix}`, cfg.ttbr0]];
  if (cfg.ttbr1) stage1Trees.push([`TTBR1_${ttbrSuffix}`, cfg.ttbr1]);
  for (const [name, tree] of stage1Trees) {
    if (!cfg.s1Enabled) {
      out.push({
        name,
        stage: 1,
        regime: regimeName,
        base: tree.base,
        startLevel: tree.startLevel,
        inputBits: tree.inputBits,
        granule: (2 ** tree.granuleBits) as Granule,
        walkAttrs: tree.walk.label,
        enabled: false,
        entries: [],
        invalidEntries: 0,
        note: 'stage 1 is off (SCTLR_ELx.M=0)',
      });
      continue;
    }
    // EL1&0 stage-1 tables live at IPAs when stage 2 applies (Arm ARM D8.2.4).
    // Secure EL1&0 tables are in the Secure IPA space (VSTTBR_EL2), listed first.
    const s2Table = cfg.stage2 ? s2Tables[cfg.stage2.secure ? 0 : s2Tables.length - 1] : undefined;
    const s2Tree = cfg.stage2 ? (cfg.stage2.secure ?? cfg.stage2.ns) : undefined;
    let toPa: ((ipa: number) => number | undefined) | undefined;
    if (s2Table && lazy && s2Tree && s2Table.basePa !== undefined) {
      // A lazy tree reads only the stage-2 descriptors on each table's path.
      const ctx: WalkContext = { memory, pe, stage: 2, tree: s2Tree, regime: 'EL10', fwb: cfg.stage2?.fwb ?? false, lazy };
      const root = s2Table.basePa;
      const count = Math.min(2 ** s2Tree.startIndexBits, 2 ** (s2Tree.granuleBits - 3 + 4));
      toPa = (ipa) => lookupByWalk(ctx, root, s2Tree.startLevel, count, 0, ipa);
    } else if (s2Table) toPa = (ipa) => lookupInTree(s2Table.entries, ipa);
    const basePa = toPa ? toPa(tree.base) : tree.base;
    const mair = pe.readSysreg(`MAIR_${ttbrSuffix}`);
    const base: WalkContext = { memory, pe, stage: 1, tree, regime: STAGE1_REGIME[cfg.regime], fwb: false, mair, toPa, lazy, focus };
    const upper = name.startsWith('TTBR1');
    const t = buildTable(name, regimeName, base, basePa, basePa === undefined ? `table base IPA ${hex(tree.base)} is not mapped at stage 2` : undefined);
    if (upper) for (const n of walkNodes(t.entries)) n.inputBase = n.inputBase - 2 ** tree.inputBits;
    out.push(t);
  }
  out.push(...s2Tables);
  return out;
}

/** Every node of a tree, depth first (in a lazy tree: the nodes read so far). */
export function* walkNodes(entries: DescriptorNode[]): Generator<DescriptorNode> {
  for (const n of entries) {
    yield n;
    if (n.children) yield* walkNodes(n.children);
  }
}
