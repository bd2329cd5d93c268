/**
 * Instruction lookup by physical address for the fetch path. The program's
 * `Map<number, Instr>` is re-indexed into per-4KB-page arrays with a
 * one-page cache, so a fetch in straight-line or looping code is a bounds
 * check and an array load (PAs above 2^31 are heap numbers, slow Map keys).
 */
import type { Instr } from '../isa/instr';

const PAGE = 4096;

export class InstrIndex {
  private pages = new Map<number, (Instr | undefined)[]>();
  private lastBase = -1;
  private lastPage: (Instr | undefined)[] | undefined;

  constructor(instrs: Map<number, Instr>) {
    for (const [pa, instr] of instrs) this.set(pa, instr);
  }

  set(pa: number, instr: Instr | undefined): void {
    const no = Math.floor(pa / PAGE);
    let p = this.pages.get(no);
    if (!p) {
      p = new Array<Instr | undefined>(PAGE / 4).fill(undefined);
      this.pages.set(no, p);
    }
    p[(pa % PAGE) >>> 2] = instr;
  }

  get(pa: number): Instr | undefined {
    const off = pa - this.lastBase;
    if (off >= 0 && off < PAGE && (off & 3) === 0) return this.lastPage![off >>> 2];
    if (pa % 4 !== 0) return undefined;
    const no = Math.floor(pa / PAGE);
    const p = this.pages.get(no);
    if (p === undefined) return undefined;
    this.lastBase = no * PAGE;
    this.lastPage = p;
    return p[(pa % PAGE) >>> 2];
  }
}
