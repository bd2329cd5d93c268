/**
 * The instruction side of each PE: an instruction cache that holds the
 * instructions it fetched until IC maintenance invalidates them, and fills
 * from the Point of Unification (Arm ARM D7.4.6, D7.5.10 "Instruction cache
 * maintenance instructions"). Code written with data stores is seen by
 * instruction fetch only after DC CVAU (to the PoU), DSB, IC IVAU/IALLU, DSB,
 * ISB — this model shows the stale instructions otherwise (B2.2.5
 * "Concurrent modification and execution of instructions").
 *
 * Fill: the whole 64-byte line at the first fetch from it. Lines the program
 * never wrote since it was loaded fill with the assembled instructions (with
 * their source lines); written lines are read at the PoU and each word is
 * re-decoded unless it still holds the original encoding. The I-cache has no
 * capacity limit (lines are never evicted) and is not keyed by attributes:
 * enough to show staleness, not a timing model.
 *
 * Hot path: the last line each PE fetched from is kept in two fields, so
 * straight-line code costs one subtraction and an array load per fetch.
 */
import type { MemAttrs } from '../memory/attributes';
import type { Instr } from '../isa/instr';
import type { Pe } from '../pe/pe';
import type { Program } from '../scenario/model';
import { digestString, FingerprintSum, Lanes } from '../component/fingerprint';
import { LINE_SIZE } from './config';

type ILine = (Instr | undefined)[];

export interface WordSource {
  readWordAtPoU(pe: Pe, pa: number, attrs: MemAttrs): number;
}

/** `digest`'s running hash, reused (a fingerprint per explored state asks). */
const icacheLanes = new Lanes();

/** Digests of held lines (immutable arrays: the program's, or a fill's), computed once each. */
const lineDigests = new WeakMap<ILine, number>();

/** Digest of a held line: its instructions' encodings and texts. */
function lineDigest(arr: ILine): number {
  let d = lineDigests.get(arr);
  if (d === undefined) {
    const h = new Lanes().reset(0x1c4c_0001);
    for (const i of arr) h.word(i === undefined ? 0xdead_0000 : (i.encoding ?? 0)).digest(digestString(i?.text ?? ''));
    d = h.value();
    lineDigests.set(arr, d);
  }
  return d;
}

/** A modified code line's part of the digest (its address is the sum's key). */
const MODIFIED = 0x3d_0000;

export class InstructionSide {
  /** Per PE, the lines held: shared with captures until written (`own`). */
  private readonly lines: Map<number, ILine>[] = [];
  /** Per PE: `lines[pe]` is this object's own (not shared with a capture). */
  private readonly owned: boolean[] = [];
  /** `modified` is this object's own. */
  private modifiedOwned = true;
  /** Per PE: the order-independent sum of its held lines (key: line address, part: `lineDigest`); then the modified lines'. */
  private readonly sums: FingerprintSum[] = [];
  private readonly modifiedSum = new FingerprintSum();
  private readonly lastLine: Float64Array;
  private readonly lastArr: (ILine | undefined)[] = [];
  /** The program's instructions grouped by line. */
  private readonly program = new Map<number, ILine>();
  /** Code lines written since the program was loaded. */
  private modified = new Set<number>();
  /**
   * Bumped by every change to the lines held or the modified set: a snapshot
   * or digest taken at the same version is reused (the I-side changes rarely).
   */
  private version = 0;
  private snapVersion = -1;
  private lastSnap: InstructionSideSnapshot | undefined;
  private digestVersion = -1;
  private lastDigest = 0;
  /** Bounds of the lines holding program code. */
  readonly codeLo: number;
  readonly codeHi: number;
  /** Bumped whenever a held line may be dropped or replaced (IC maintenance, restore): decoded blocks of older generations are stale. */
  generation = 0;

  constructor(
    private readonly source: WordSource,
    pes: number,
    program: Program | undefined,
    private readonly decode: ((word: number, pc: bigint) => Instr | undefined) | undefined,
    private readonly innerDomain: number[],
  ) {
    this.lastLine = new Float64Array(pes).fill(-Infinity);
    for (let p = 0; p < pes; p++) {
      this.lines.push(new Map());
      this.owned.push(true);
      this.sums.push(new FingerprintSum());
      this.lastArr.push(undefined);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const [pa, instr] of program?.instrs ?? []) {
      const line = pa - (pa % LINE_SIZE);
      let arr = this.program.get(line);
      if (!arr) {
        arr = new Array<Instr | undefined>(LINE_SIZE / 4).fill(undefined);
        this.program.set(line, arr);
      }
      arr[(pa - line) >>> 2] = instr;
      lo = Math.min(lo, line);
      hi = Math.max(hi, line + LINE_SIZE);
    }
    this.codeLo = lo;
    this.codeHi = hi;
  }

  /** A data write to [pa, pa+size): remember code lines that changed. */
  noteWrite(pa: number, size: number): void {
    if (pa + size <= this.codeLo || pa >= this.codeHi) return;
    for (let a = pa - (pa % LINE_SIZE); a < pa + size; a += LINE_SIZE)
      if (this.program.has(a) && !this.modified.has(a)) {
        if (!this.modifiedOwned) {
          this.modified = new Set(this.modified);
          this.modifiedOwned = true;
        }
        this.modified.add(a);
        this.modifiedSum.add(a, MODIFIED);
        this.version++;
      }
  }

  fetch(pe: Pe, pa: number, attrs: MemAttrs): Instr | undefined {
    const id = pe.id;
    const off = pa - this.lastLine[id];
    if (off >= 0 && off < LINE_SIZE) return this.lastArr[id]![off >>> 2];
    const line = pa - (pa & (LINE_SIZE - 1));
    const m = this.lines[id];
    let arr = m.get(line);
    if (arr === undefined) {
      arr = this.fill(pe, line, attrs);
      this.own(id).set(line, arr);
      this.sums[id].add(line, lineDigest(arr));
      this.version++;
    }
    this.lastLine[id] = line;
    this.lastArr[id] = arr;
    return arr[(pa - line) >>> 2];
  }

  private fill(pe: Pe, line: number, attrs: MemAttrs): ILine {
    const orig = this.program.get(line);
    if (!this.modified.has(line)) return orig ?? EMPTY;
    const arr = new Array<Instr | undefined>(LINE_SIZE / 4).fill(undefined);
    for (let i = 0; i < LINE_SIZE / 4; i++) {
      const pa = line + 4 * i;
      const word = this.source.readWordAtPoU(pe, pa, attrs);
      const o = orig?.[i];
      if (o !== undefined && o.encoding === word) arr[i] = o;
      else if (o === undefined && word === 0) arr[i] = undefined;
      else arr[i] = this.decode?.(word, BigInt(pa));
    }
    return arr;
  }

  /** The lines PE `pe`'s instruction cache holds, with the instruction text of each word (views). */
  view(pe: number): { pa: number; instrs: (string | undefined)[] }[] {
    const m = this.lines[pe];
    if (m === undefined) return [];
    return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([pa, arr]) => ({ pa, instrs: arr.map((i) => i?.text) }));
  }

  /** Whether PE `pe`'s instruction cache holds the line of `pa` (views, tests). */
  holds(pe: number, pa: number): boolean {
    return this.lines[pe]?.has(pa - (pa % LINE_SIZE)) ?? false;
  }

  /** IC IALLU (this PE), IC IALLUIS (the Inner Shareable domain), IC IVAU (the line, in every PE: broadcast). */
  maintain(pe: Pe, op: string, pa: number | undefined): void {
    this.generation++;
    switch (op) {
      case 'iallu':
        this.clear(pe.id);
        break;
      case 'ialluis':
        for (const q of this.innerDomain.includes(pe.id) ? this.innerDomain : [pe.id]) this.clear(q);
        break;
      case 'ivau':
        if (pa === undefined) break;
        for (let q = 0; q < this.lines.length; q++) {
          const line = pa - (pa % LINE_SIZE);
          const held = this.lines[q].get(line);
          if (held !== undefined) {
            this.own(q).delete(line);
            this.sums[q].remove(line, lineDigest(held));
            this.version++;
          }
          if (this.lastLine[q] === line) this.forget(q);
        }
        break;
      default:
        break;
    }
  }

  private clear(q: number): void {
    const m = this.lines[q];
    if (m !== undefined && m.size > 0) {
      this.lines[q] = new Map();
      this.owned[q] = true;
      this.sums[q].set(0, 0);
      this.version++;
    }
    this.forget(q);
  }

  /** PE `q`'s lines, copied first when a capture shares them. */
  private own(q: number): Map<number, ILine> {
    if (!this.owned[q]) {
      this.lines[q] = new Map(this.lines[q]);
      this.owned[q] = true;
    }
    return this.lines[q];
  }

  private forget(q: number): void {
    this.lastLine[q] = -Infinity;
    this.lastArr[q] = undefined;
  }

  /**
   * Digest (53 bits) of the I-cache contents: per PE, each held line and its
   * instructions' encodings; the modified lines. Kept as sums updated as lines
   * are filled and dropped: it costs the PEs, not the lines.
   */
  digest(): number {
    if (this.digestVersion === this.version) return this.lastDigest;
    const h = icacheLanes.reset(0x1c4c_0000);
    const lines = this.lines;
    for (let pe = 0; pe < lines.length; pe++) h.word(pe).word(lines[pe].size).digest(this.sums[pe].value(lines[pe].size));
    h.digest(this.modifiedSum.value(this.modified.size));
    this.lastDigest = h.value();
    this.digestVersion = this.version;
    return this.lastDigest;
  }

  /** Capture (immutable): the same object again while nothing changed; it shares the live maps (copied before they change). */
  snapshot(): unknown {
    if (this.snapVersion !== this.version || this.lastSnap === undefined) {
      const sums: number[] = [];
      for (const x of this.sums) sums.push(x.a, x.b);
      sums.push(this.modifiedSum.a, this.modifiedSum.b);
      this.lastSnap = { lines: this.lines.slice(), modified: this.modified, sums };
      this.owned.fill(false);
      this.modifiedOwned = false;
      this.snapVersion = this.version;
    }
    return this.lastSnap;
  }

  restore(s: unknown): void {
    const snap = s as InstructionSideSnapshot;
    if (snap === this.lastSnap && this.snapVersion === this.version) return;
    // Held lines are replaced: blocks decoded from the old ones are stale (a restore of the live state keeps them).
    let replaced = false;
    snap.lines.forEach((m, i) => {
      this.sums[i].set(snap.sums[2 * i], snap.sums[2 * i + 1]);
      if (this.lines[i] === m) return;
      replaced = true;
      this.lines[i] = m;
      this.owned[i] = false;
      this.forget(i);
    });
    if (replaced) this.generation++;
    this.modified = snap.modified as Set<number>;
    this.modifiedOwned = false;
    const n = snap.lines.length;
    this.modifiedSum.set(snap.sums[2 * n], snap.sums[2 * n + 1]);
    this.version++;
    this.lastSnap = snap;
    this.snapVersion = this.version;
  }
}

interface InstructionSideSnapshot {
  readonly lines: readonly Map<number, ILine>[];
  readonly modified: ReadonlySet<number>;
  /** `sums`' lanes (a, b) per PE, then the modified lines' sum's. */
  readonly sums: readonly number[];
}

const EMPTY: ILine = new Array<Instr | undefined>(LINE_SIZE / 4).fill(undefined);
