/**
 * Reverse translation for speculative fills (choices.ts): which attributes a
 * PE's current translation regime gives a physical line, if it maps it at
 * all. Arm ARM B2.7.1 "Normal memory": a PE may speculatively read any
 * location its current regime maps Normal cacheable — lines it has never
 * accessed included, at a VA of its own, with its own attributes.
 *
 * The regime's tables are read once (mmu/tableTree.ts `translationTables`:
 * side-effect free, descriptors as the PE's walks would see them), as the
 * leaf descriptors of stage 1 (VA → IPA, or PA) and, when stage 2 applies,
 * of stage 2 (IPA → PA). For a line, the VAs that map it are found from the
 * leaves backwards (PA → IPAs → VAs), and each is translated forwards by the
 * MMU's own side-effect-free walk (mmu/view.ts `describeTranslation`), which
 * gives the attributes exactly as an access there would (one source of truth
 * for attributes: MAIR, stage-2 combination, FWB, HCR_EL2.DC).
 *
 * A `ReverseMap` holds for one regime state (the PE's system registers and EL)
 * and one content of its tables: `tableLines` are the lines holding those
 * tables, and a write to one of them (or a write-back, or maintenance)
 * makes it stale (choices.ts drops it then).
 */
import type { MemAttrs } from '../memory/attributes';
import type { MemorySystem } from '../memory/system';
import { deriveConfig } from '../mmu/regime';
import { lookupInTree, translationTables, walkNodes } from '../mmu/tableTree';
import { describeTranslation } from '../mmu/view';
import type { VmsaMmu } from '../mmu/vmsa';
import type { Pe } from '../pe/pe';

/** Leaf descriptors (blocks, pages) one reverse translation reads; beyond, the map is cut (`full`, a reported bound). */
export const MAX_MAPPED_LEAVES = 4096;

/** VAs tried per line (the first ones in table order): a line mapped at more VAs is filled with the attributes of these. */
export const MAX_VAS_PER_LINE = 4;

const LINE = 64;

/** One way the regime maps a line: its attributes, and the lines of the descriptors the translation read (what a fill depends on). */
export interface MappedCopy {
  attrs: MemAttrs;
  descriptorLines: number[];
}

interface Leaf {
  input: number;
  size: number;
  output: number;
}

function linesOf(base: number, bytes: number, out: Set<number>): void {
  for (let a = base - (base % LINE); a < base + bytes; a += LINE) out.add(a);
}

export class ReverseMap {
  /** Lines holding the regime's translation tables (every table it reached, whole). */
  readonly tableLines = new Set<number>();
  /** More than MAX_MAPPED_LEAVES leaves: lines mapped by the rest are not found. */
  readonly full: boolean;
  private readonly s1: Leaf[] = [];
  private readonly s2: Leaf[] | undefined;
  private readonly s1On: boolean;
  private readonly memo = new Map<number, readonly MappedCopy[]>();
  /** The PE's `sysregGen` and EL when read (a generation identifies register values: restoring a capture hands its generation back). */
  private readonly gen: number;
  private readonly el: number;

  /** The map of `pe`'s regime as its system registers and EL are now. */
  constructor(
    private readonly mmu: VmsaMmu,
    memory: MemorySystem,
    private readonly pe: Pe,
  ) {
    this.gen = pe.sysregGen;
    this.el = pe.el;
    const el = pe.el;
    const cfg = deriveConfig(pe, el);
    this.s1On = cfg.s1Enabled;
    const s2: Leaf[] | undefined = cfg.stage2 !== undefined ? [] : undefined;
    this.s2 = s2;
    let leaves = 0;
    const tables = translationTables(memory, pe, el);
    const s2Tables = tables.filter((t) => t.stage === 2);
    for (const t of tables) {
      if (t.stage === 2 && s2 === undefined) continue;
      if (t.stage === 1 && !cfg.s1Enabled) continue;
      // Stage-1 table addresses are IPAs under stage 2 (Arm ARM D8.2.4).
      const toPa = (a: number): number | undefined => {
        if (t.stage === 2 || s2 === undefined) return a;
        for (const s of s2Tables) {
          const pa = lookupInTree(s.entries, a);
          if (pa !== undefined) return pa;
        }
        return undefined;
      };
      if (t.basePa !== undefined) linesOf(t.basePa, t.granule, this.tableLines);
      for (const n of walkNodes(t.entries)) {
        this.tableLines.add(n.descriptorPa - (n.descriptorPa % LINE));
        const d = n.decoded;
        if (d.type === 'table' && d.address !== undefined) {
          const pa = toPa(Number(d.address));
          if (pa !== undefined) linesOf(pa, t.granule, this.tableLines);
        } else if ((d.type === 'block' || d.type === 'page') && d.address !== undefined) {
          if (++leaves > MAX_MAPPED_LEAVES) break;
          (t.stage === 2 ? s2! : this.s1).push({ input: n.inputBase, size: d.size ?? n.inputSize, output: Number(d.address) });
        }
      }
    }
    this.full = leaves > MAX_MAPPED_LEAVES;
  }

  /** The regime state this map was read in is the PE's current one (same system registers, same EL). */
  current(pe: Pe): boolean {
    return this.el === pe.el && this.gen === pe.sysregGen;
  }

  /** Each distinct Normal-cacheable mapping of `line` (a 64-byte aligned PA) in the regime; none when it is not so mapped. */
  copiesOf(line: number): readonly MappedCopy[] {
    let r = this.memo.get(line);
    if (r === undefined) {
      r = this.compute(line);
      this.memo.set(line, r);
    }
    return r;
  }

  private compute(line: number): readonly MappedCopy[] {
    const back = (leaves: readonly Leaf[], a: number): number[] => {
      const out: number[] = [];
      for (const l of leaves) if (a >= l.output && a < l.output + l.size) out.push(l.input + (a - l.output));
      return out;
    };
    const ipas = this.s2 === undefined ? [line] : back(this.s2, line);
    const vas: number[] = [];
    for (const ipa of ipas) for (const va of this.s1On ? back(this.s1, ipa) : [ipa]) if (vas.length < MAX_VAS_PER_LINE) vas.push(va);
    const out: MappedCopy[] = [];
    for (const va of vas) {
      const v = describeTranslation(this.mmu, this.pe, va, { el: this.el });
      const attrs = v.dataAttrs;
      if (v.pa !== line || attrs === undefined || !attrs.cacheable || out.some((c) => c.attrs === attrs)) continue;
      out.push({ attrs, descriptorLines: [...new Set(v.steps.map((s) => s.descriptorPa - (s.descriptorPa % LINE)))] });
    }
    return out;
  }
}
