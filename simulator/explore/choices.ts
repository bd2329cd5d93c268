/**
 * The cache choices exploration adds to the machine (DESIGN.md "The
 * machine": a cache evicts or speculatively fills a line), as one component
 * whose actions are enabled actions of the one engine:
 *
 * - **Speculative fill** (Arm ARM B2.7.1 "Normal memory": a PE may read any
 *   location mapped Normal cacheable at any time, speculatively): PE p fills
 *   line L, clean, into its L1 data cache with the attributes its current
 *   translation gives L. Which lines:
 *   - the *speculation footprint*: every line PE p has accessed (load, store,
 *     table walk, cache maintenance by VA) with cacheable attributes in its
 *     current translation regime, so far in this execution, with the
 *     attributes of that access (a TLB entry may still give them);
 *   - every line any PE has accessed so far (with any attributes, MMU on or
 *     off) and every line the scenario's data holds, that p's current regime
 *     maps Normal cacheable — found by reverse translation of its tables
 *     (mapped.ts), with the attributes that mapping gives; at most
 *     `speculative_lines` such lines per PE (a bound, reported when hit), and
 *     at most `mapped_fills` such fills per execution (default 1: each is a
 *     branch at every state, over every data line).
 *   A line no PE ever accesses and no data block holds cannot change what the
 *   scenario observes through a clean copy (nothing reads it; its eviction
 *   writes nothing back). Enabled while the regime is the one the line was
 *   accessed in (or mapped by) and its MMU is on (SCTLR_ELx.M, or
 *   HCR_EL2.DC), and the L1 does not hold that copy; at most
 *   `speculative_fills` per execution (docs/explore.md).
 * - **Eviction**: any cache drops any valid copy, writing it back to the next
 *   level when it is dirty (B2.7.1: a cache may evict at any time); at most
 *   `evictions` per execution.
 *
 * Both are enabled only while the execution runs (some PE can step): the
 * caches do not keep an execution alive after its end.
 *
 * Its state (the footprints, the lines accessed, the counts used) is part of the machine's
 * checkpoints and fingerprint, so two executions merge only when they may
 * make the same choices from there.
 */
import { CacheHierarchy } from '../cache/hierarchy';
import { isDirty, LineState } from '../cache/line';
import { evict } from '../cache/writeback';
import type { Action, ActionSource, ComponentAction } from '../component/actions';
import { FingerprintSum, Lanes, digestString } from '../component/fingerprint';
import type { Snapshottable } from '../component/state';
import type { Machine } from '../engine/machine';
import { canStep } from '../engine/peCore';
import { sysregsIdentity } from '../engine/snapshot';
import type { MemAttrs } from '../memory/attributes';
import { deriveConfig } from '../mmu/regime';
import { VmsaMmu } from '../mmu/vmsa';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import type { ExploreSettings } from './config';
import { ReverseMap } from './mapped';

/** Lines per PE in the speculation footprint: beyond this the footprint stops growing and the bound is reported. */
export const MAX_FOOTPRINT_LINES = 1024;

/** Lines accessed that are kept as candidates for other PEs' fills: beyond, the set stops growing (bound `speculative-lines`). */
export const MAX_TOUCHED_LINES = 65_536;

/** The lines the scenario's initial memory image holds as data (not instructions), ascending. */
function dataLinesOf(m: Machine, h: CacheHierarchy): number[] {
  const instrs = m.model.program.instrs;
  const lines = new Set<number>();
  for (const c of m.model.program.chunks) {
    for (let a = c.address - (c.address % 4); a < c.address + c.bytes.length; a += 4) if (!instrs.has(a) && !h.isDevice(a)) lines.add(a - (a % 64));
  }
  return [...lines].sort((a, b) => a - b);
}

interface Candidate {
  line: number;
  attrs: MemAttrs;
  /** The translation regime (regime, Security state, VMID) the line was accessed in. */
  regime: string;
  /** The fill's key (`fill pe N LINE ATTRS`), made once. */
  label: string;
  /** `candidateDigest` of it. */
  digest: number;
  /** Its fill action, made at its first offer (immutable: offered again in every state that has it). */
  action: ComponentAction | undefined;
}

interface FillData {
  kind: 'fill';
  pe: number;
  line: number;
  attrs: MemAttrs;
  /** Lines of the descriptors that give the fill its attributes (a mapped line's; footprint.ts: the fill reads them); set only for mapped fills. */
  deps?: number[];
}

/** A fill of a line the PE's regime maps (beyond its own footprint), made once per map and line list. */
interface MappedFill {
  line: number;
  attrs: MemAttrs;
  /** Its key in the PE's own footprint (`line|attrs`): the same fill is offered once. */
  key: string;
  label: string;
  deps: number[];
  /** Its fill action, made at its first offer (immutable, as `Candidate.action`). */
  action: ComponentAction | undefined;
}

interface EvictData {
  kind: 'evict';
  cache: number;
  way: number;
}

interface ChoicesSnapshot {
  fills: number;
  evictions: number;
  mapped: number;
  footprint: Candidate[][];
  /** Per PE: the footprint's fingerprint sum (lanes a, b). */
  sums: number[];
  full: boolean;
  /** Lines any PE accessed, and their fingerprint sum (lanes a, b). */
  touched: number[];
  touchedSum: [number, number];
  /** Per PE: the reverse translation of its regime, while its tables are unchanged. */
  maps: (ReverseMap | undefined)[];
}

/** `stateHash`'s running hash, reused (a fingerprint per explored state asks). */
const choicesLanes = new Lanes();

/** A candidate's contribution to its PE's footprint fingerprint (an order-independent sum: the footprint is a set). */
function candidateDigest(c: Candidate): number {
  return digestString(`${c.line}|${c.attrs.label}|${c.regime}`);
}

export class ExploreChoices implements ActionSource, Snapshottable {
  readonly name = 'exploration choices';
  private fillsUsed = 0;
  private evictionsUsed = 0;
  /** Fills of mapped lines (kind 2: lines the PE did not access itself) so far in this execution. */
  private mappedUsed = 0;
  /** Per PE: the speculation footprint, by `line|attrs`. */
  private readonly footprint: Map<string, Candidate>[];
  /** Per PE: the order-independent fingerprint of its footprint, kept up to date as it grows. */
  private readonly sums: FingerprintSum[];
  /** Per PE: a capture of its footprint equal to the live one (undefined after it grew): captures share it. */
  private readonly lists: (Candidate[] | undefined)[];
  /** The footprint reached MAX_FOOTPRINT_LINES on some PE (a bound the report names). */
  full = false;
  private version = 0;
  private snapVersion = -1;
  private lastSnap: ChoicesSnapshot | undefined = undefined;
  private hashVersion = -1;
  private lastHash = 0;
  /** Per PE: the regime key and whether its MMU is on, cached on (sysregGen, EL). */
  private readonly regimeCache: { gen: number; el: number; key: string; on: boolean }[];
  /** The same by register capture and EL: a state restored again finds its regime without deriving it. */
  private readonly regimeByCapture = new WeakMap<object, Map<number, { key: string; on: boolean }>>();
  private readonly hierarchy: CacheHierarchy | undefined;
  private readonly offs: (() => void)[] = [];
  /** Lines any PE has accessed (any attributes, MMU on or off), in the order first accessed. */
  private readonly touched = new Set<number>();
  private readonly touchedSum = new FingerprintSum();
  /** A capture of `touched` equal to the live set (undefined after it grew): captures share it. */
  private touchedList: number[] | undefined = [];
  /** Lines the scenario's data blocks hold (not its code): candidates from the start. */
  private readonly dataLines: number[];
  /** The lines mapped fills are looked for in (data lines, then lines accessed; at most `speculative_lines`), by `touchedList`. */
  private candidateCache: { list: number[] | undefined; lines: number[] } = { list: undefined, lines: [] };
  /** Per PE: the reverse translation of its regime (state: dropped when a line of its tables changes). */
  private readonly maps: (ReverseMap | undefined)[];
  /** Per PE: its mapped fills for one (map, candidate lines). */
  private readonly mappedFills: { map: ReverseMap | undefined; lines: number[] | undefined; fills: MappedFill[] }[];
  private readonly mmu: VmsaMmu | undefined;
  /** Bounds hit anywhere in the search (not state: a bound hit in one execution stays reported). */
  readonly boundsHit = new Set<string>();

  constructor(
    private readonly m: Machine,
    private readonly settings: ExploreSettings,
  ) {
    this.hierarchy = m.memory instanceof CacheHierarchy ? m.memory : undefined;
    this.footprint = m.pes.map(() => new Map<string, Candidate>());
    this.lastNote = m.pes.map(() => ({ line: NaN, attrs: undefined, key: '' }));
    this.made = m.pes.map(() => new Map<string, Candidate>());
    this.sums = m.pes.map(() => new FingerprintSum());
    this.lists = m.pes.map(() => undefined);
    this.regimeCache = m.pes.map(() => ({ gen: -1, el: -1, key: '', on: false }));
    this.maps = m.pes.map(() => undefined);
    this.mappedFills = m.pes.map(() => ({ map: undefined, lines: undefined, fills: [] }));
    const h = this.hierarchy;
    this.mmu = h !== undefined && settings.fills > 0 && settings.fillLines > 0 && settings.mappedFills > 0 && m.mmu instanceof VmsaMmu ? m.mmu : undefined;
    this.dataLines = this.mmu === undefined || h === undefined ? [] : dataLinesOf(m, h);
    if (h !== undefined && settings.fills > 0) {
      const mapped = this.mmu !== undefined;
      const note = (pe: Pe | undefined, pa: number | undefined, attrs: MemAttrs | undefined): void => {
        if (pa === undefined || h.isDevice(pa)) return;
        const line = pa - (pa % 64);
        if (mapped) {
          this.touch(line);
          this.tableChanged(line);
        }
        if (pe !== undefined && attrs !== undefined && attrs.cacheable) this.note(pe, line, attrs);
      };
      this.offs.push(
        m.hooks.memory.read.subscribe((pe, pa, _size, _lo, _hi, attrs) => {
          if (pa === undefined || h.isDevice(pa)) return;
          if (mapped) this.touch(pa - (pa % 64));
          if (pe !== undefined && attrs.cacheable) this.note(pe, pa - (pa % 64), attrs);
        }),
        m.hooks.memory.write.subscribe((pe, pa, _size, _lo, _hi, attrs) => note(pe, pa, attrs)),
        // DC by VA carries the line and the attributes it was translated with; set/way and IC operations carry none.
        m.hooks.memory.maintenance.subscribe((pe, _op, pa, attrs) => note(pe, pa, attrs)),
      );
      // A dirty copy written back changes what a walk with other attributes reads from memory.
      if (mapped) this.offs.push(h.cacheHooks.lineState.subscribe((l, from, to) => {
          if (isDirty(from) && !isDirty(to)) this.tableChanged(l.pa);
        }));
    }
  }

  /** Line `line` was accessed by some PE: a candidate for every PE's mapped fills from now on. */
  private touch(line: number): void {
    if (this.touched.has(line)) return;
    if (this.touched.size >= MAX_TOUCHED_LINES) {
      this.boundsHit.add('speculative-lines');
      return;
    }
    this.touched.add(line);
    this.touchedSum.add(1, digestString(String(line)));
    this.touchedList = undefined;
    this.version++;
  }

  /** Line `line` may have changed (written, maintained, written back): a reverse translation that read it is stale. */
  private tableChanged(line: number): void {
    const maps = this.maps;
    for (let i = 0; i < maps.length; i++) {
      if (maps[i]?.tableLines.has(line) === true) {
        maps[i] = undefined;
        this.version++;
      }
    }
  }

  /** The lines mapped fills are looked for in: the data lines, then the lines accessed, at most `speculative_lines`. */
  private candidateLines(): number[] {
    const list = (this.touchedList ??= [...this.touched]);
    const c = this.candidateCache;
    if (c.list === list) return c.lines;
    const limit = this.settings.fillLines;
    const lines = this.dataLines.slice(0, limit);
    const seen = new Set(lines);
    if (this.dataLines.length > limit) this.boundsHit.add('speculative-lines');
    for (const l of list) {
      if (seen.has(l)) continue;
      if (lines.length >= limit) {
        this.boundsHit.add('speculative-lines');
        break;
      }
      lines.push(l);
    }
    this.candidateCache = { list, lines };
    return lines;
  }

  /** PE `pe`'s fills of lines its current regime maps Normal cacheable (reverse translation, mapped.ts). */
  private mappedFillsOf(pe: Pe): MappedFill[] {
    let map = this.maps[pe.id];
    if (map === undefined || !map.current(pe)) {
      map = new ReverseMap(this.mmu!, this.hierarchy!, pe);
      if (map.full) this.boundsHit.add('speculative-lines');
      this.maps[pe.id] = map;
      this.version++;
    }
    const lines = this.candidateLines();
    const c = this.mappedFills[pe.id];
    if (c.map !== map || c.lines !== lines) {
      const fills: MappedFill[] = [];
      for (const line of lines) {
        for (const copy of map.copiesOf(line)) {
          fills.push({ line, attrs: copy.attrs, key: `${line}|${copy.attrs.label}`, label: `fill pe ${pe.id} ${hex(line)} ${copy.attrs.label}`, deps: copy.descriptorLines, action: undefined });
        }
      }
      c.map = map;
      c.lines = lines;
      c.fills = fills;
    }
    return c.fills;
  }

  /** Eviction keys (`evict CACHE LINE ATTRS`) made so far, by cache, line and attributes. */
  private readonly evictLabels = new Map<string, string>();

  /** Per cache and way: the line and attributes it was last offered with, and that eviction action. */
  private readonly wayActions: { pa: Float64Array; attrs: (string | undefined)[]; action: (ComponentAction | undefined)[] }[] = [];

  /**
   * The eviction of the line in `way` of cache `cache`: the same action (immutable: key, way) as long as the way
   * holds the same line with the same attributes — no action made per state.
   */
  private evictAction(cache: number, name: string, way: number, pa: number, attrs: string): ComponentAction {
    let w = this.wayActions[cache];
    if (w === undefined) {
      const n = this.hierarchy!.caches[cache].lines.length;
      w = this.wayActions[cache] = { pa: new Float64Array(n).fill(NaN), attrs: new Array<string | undefined>(n).fill(undefined), action: new Array<ComponentAction | undefined>(n).fill(undefined) };
    }
    const known = w.action[way];
    if (known !== undefined && w.pa[way] === pa && w.attrs[way] === attrs) return known;
    const data: EvictData = { kind: 'evict', cache, way };
    const action: ComponentAction = { kind: 'component', source: this, name: 'evict', label: this.evictLabel(cache, name, pa, attrs), eager: false, data };
    w.pa[way] = pa;
    w.attrs[way] = attrs;
    w.action[way] = action;
    return action;
  }

  private evictLabel(cache: number, name: string, pa: number, attrs: string): string {
    const k = `${cache}|${pa}|${attrs}`;
    let label = this.evictLabels.get(k);
    if (label === undefined) {
      label = `evict ${name} ${hex(pa)} ${attrs}`;
      if (this.evictLabels.size < 65_536) this.evictLabels.set(k, label);
    }
    return label;
  }

  /** Stop observing the machine (the explorer is done with it). */
  detach(): void {
    for (const off of this.offs.splice(0)) off();
  }

  /** The regime PE `pe` translates data accesses in now, and whether its MMU makes them cacheable (stage 1 on, or HCR_EL2.DC). */
  private regime(pe: Pe): { key: string; on: boolean } {
    const c = this.regimeCache[pe.id];
    if (c.gen !== pe.sysregGen || c.el !== pe.el) {
      const id = sysregsIdentity(pe);
      let byEl = id === undefined ? undefined : this.regimeByCapture.get(id);
      let r = byEl?.get(pe.el);
      if (r === undefined) {
        const cfg = deriveConfig(pe, pe.el);
        r = { key: `${cfg.regime}|${cfg.secure ? 's' : 'ns'}|${cfg.vmid}`, on: cfg.s1Enabled || cfg.dc };
        if (id !== undefined) {
          if (byEl === undefined) this.regimeByCapture.set(id, (byEl = new Map<number, { key: string; on: boolean }>()));
          byEl.set(pe.el, r);
        }
      }
      c.gen = pe.sysregGen;
      c.el = pe.el;
      c.key = r.key;
      c.on = r.on;
    }
    return c;
  }

  /** Per PE: the line, attributes and footprint key of its last `note` (a PE touches the same line many times in a row). */
  private readonly lastNote: { line: number; attrs: MemAttrs | undefined; key: string }[];

  /** Per PE: the candidates made so far, by footprint key (the last one made for each key). */
  private readonly made: Map<string, Candidate>[];

  private note(pe: Pe, line: number, attrs: MemAttrs): void {
    const fp = this.footprint[pe.id];
    const last = this.lastNote[pe.id];
    let key: string;
    if (last.line === line && last.attrs === attrs) key = last.key;
    else {
      key = `${line}|${attrs.label}`;
      last.line = line;
      last.attrs = attrs;
      last.key = key;
    }
    if (fp.has(key)) return;
    const r = this.regime(pe);
    if (!r.on) return;
    if (fp.size >= MAX_FOOTPRINT_LINES) {
      this.full = true;
      this.boundsHit.add('speculation-footprint');
      return;
    }
    // Candidates are immutable: the one made when this line was first noted in this regime (another state) serves again.
    const made = this.made[pe.id];
    let c = made.get(key);
    if (c === undefined || c.attrs !== attrs || c.regime !== r.key) {
      c = { line, attrs, regime: r.key, label: `fill pe ${pe.id} ${hex(line)} ${attrs.label}`, digest: 0, action: undefined };
      c.digest = candidateDigest(c);
      if (made.size < MAX_FOOTPRINT_LINES * 4) made.set(key, c);
    }
    fp.set(key, c);
    this.sums[pe.id].add(0, c.digest);
    this.lists[pe.id] = undefined;
    this.version++;
  }

  enabledActions(out: Action[]): void {
    const h = this.hierarchy;
    if (h === undefined) return;
    const pes = this.m.pes;
    if (!pes.some(canStep)) return;
    if (this.fillsUsed < this.settings.fills) {
      for (const pe of pes) {
        if (pe.state === 'halted') continue;
        const fp = this.footprint[pe.id];
        if (fp.size === 0 && this.mmu === undefined) continue;
        const r = this.regime(pe);
        if (!r.on) continue;
        const l1 = h.l1[pe.id];
        for (const c of fp.values()) {
          if (c.regime !== r.key || l1.find(c.line, c.attrs) !== undefined) continue;
          if (c.action === undefined) {
            const data: FillData = { kind: 'fill', pe: pe.id, line: c.line, attrs: c.attrs };
            c.action = { kind: 'component', source: this, name: 'fill', label: c.label, eager: false, data };
          }
          out.push(c.action);
        }
        if (this.mmu === undefined || this.mappedUsed >= this.settings.mappedFills) continue;
        for (const f of this.mappedFillsOf(pe)) {
          // The same fill from the PE's own footprint is offered above.
          if (fp.get(f.key)?.regime === r.key || l1.find(f.line, f.attrs) !== undefined) continue;
          if (f.action === undefined) {
            const data: FillData = { kind: 'fill', pe: pe.id, line: f.line, attrs: f.attrs, deps: f.deps };
            f.action = { kind: 'component', source: this, name: 'fill', label: f.label, eager: false, data };
          }
          out.push(f.action);
        }
      }
    }
    if (this.evictionsUsed < this.settings.evictions) {
      for (const c of h.caches) {
        const lines = c.lines;
        // A tag is -1 exactly while its way is invalid (line.ts `Cache.tags`): the scan reads one typed array.
        const tags = c.tags;
        for (let way = 0; way < tags.length; way++) {
          if (tags[way] === -1) continue;
          const l = lines[way];
          out.push(this.evictAction(c.index, c.name, way, l.pa, l.attrs.label));
        }
      }
    }
  }

  apply(action: ComponentAction): void {
    const h = this.hierarchy!;
    const d = action.data as FillData | EvictData;
    this.version++;
    if (d.kind === 'fill') {
      this.fillsUsed++;
      if (d.deps !== undefined) this.mappedUsed++;
      h.speculation.speculate(this.m.pes[d.pe], d.line, d.attrs);
      return;
    }
    this.evictionsUsed++;
    const l = h.caches[d.cache].lines[d.way];
    h.curPc = NaN;
    if (l.state !== LineState.I) evict(h, l, 'evict', -1);
  }

  snapshot(): ChoicesSnapshot {
    if (this.snapVersion !== this.version || this.lastSnap === undefined) {
      const sums: number[] = [];
      for (const x of this.sums) sums.push(x.a, x.b);
      this.lastSnap = {
        fills: this.fillsUsed,
        evictions: this.evictionsUsed,
        mapped: this.mappedUsed,
        footprint: this.footprint.map((fp, i) => (this.lists[i] ??= [...fp.values()])),
        sums,
        full: this.full,
        touched: (this.touchedList ??= [...this.touched]),
        touchedSum: [this.touchedSum.a, this.touchedSum.b],
        maps: this.maps.slice(),
      };
      this.snapVersion = this.version;
    }
    return this.lastSnap;
  }

  restore(s: unknown): void {
    const snap = s as ChoicesSnapshot | undefined;
    // Unchanged since this very capture was taken or restored: nothing to do.
    if (snap !== undefined && snap === this.lastSnap && this.snapVersion === this.version) return;
    this.fillsUsed = snap?.fills ?? 0;
    this.evictionsUsed = snap?.evictions ?? 0;
    this.mappedUsed = snap?.mapped ?? 0;
    this.full = snap?.full ?? false;
    this.footprint.forEach((fp, i) => {
      const list = snap?.footprint[i] ?? [];
      // The live footprint is this very list already: no rebuild.
      if (this.lists[i] !== list) {
        fp.clear();
        for (const c of list) fp.set(`${c.line}|${c.attrs.label}`, c);
        this.lists[i] = list;
      }
      this.sums[i].set(snap?.sums[2 * i] ?? 0, snap?.sums[2 * i + 1] ?? 0);
    });
    const touched = snap?.touched ?? [];
    if (this.touchedList !== touched) {
      this.touched.clear();
      for (const l of touched) this.touched.add(l);
      this.touchedList = touched;
    }
    this.touchedSum.set(snap?.touchedSum[0] ?? 0, snap?.touchedSum[1] ?? 0);
    for (let i = 0; i < this.maps.length; i++) this.maps[i] = snap?.maps[i];
    this.version++;
    // The restored capture is the current one: a checkpoint right after a restore shares it.
    if (snap !== undefined) {
      this.lastSnap = snap;
      this.snapVersion = this.version;
    }
  }

  /** Fingerprint: the counts used (while bounded) and the footprint as a set per PE. */
  stateHash(): number {
    if (this.hashVersion === this.version) return this.lastHash;
    const h = choicesLanes.reset(0x0e7c_0000);
    h.word(Number.isFinite(this.settings.fills) ? this.fillsUsed : 0).word(this.evictionsUsed);
    const footprint = this.footprint;
    for (let pe = 0; pe < footprint.length; pe++) h.word(pe).digest(this.sums[pe].value(footprint[pe].size));
    if (this.mmu !== undefined) h.digest(this.touchedSum.value(this.touched.size)).word(Number.isFinite(this.settings.mappedFills) ? this.mappedUsed : 0);
    this.lastHash = h.value();
    this.hashVersion = this.version;
    return this.lastHash;
  }
}
