/**
 * The `partition-isolation` checker (a checker over the MMU's walk-step hook):
 * every stage-1 walk an S-EL0 partition makes (its only translation stage
 * under HCR_EL2.{E2H,TGE} = {1,1}) and every stage-2 walk of an S-EL1
 * partition must end in its manifest memory or in memory shared with it (FF-A
 * v1.1 §5 "Partition isolation"). A walk that reaches anything else is a hole
 * in the isolation the SPMC promises: reported once per partition and page.
 */
import type { MmuHooks, WalkRead } from '../mmu/types';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import type { Firmware } from './firmware';

export class IsolationChecker {
  /** `partition:page` pairs reported so far. */
  private reported: string[] = [];
  private readonly off: () => void;

  constructor(
    private readonly fw: Firmware,
    mmu: MmuHooks,
  ) {
    this.off = mmu.walkStep.subscribe((pe, r) => this.walkStep(pe, r));
  }

  detach(): void {
    this.off();
  }

  snapshot(): string[] {
    return this.reported.slice();
  }

  /** Back to a checkpoint; `undefined` = the state at attach time. */
  restore(s: string[] | undefined): void {
    this.reported = s?.slice() ?? [];
  }

  /** A level-3 page descriptor is the end of a walk: check the page it reached. */
  private walkStep(pe: Pe, r: WalkRead): void {
    if (r.level === 3 && (r.lo & 3) === 3) this.check(pe, r.stage, r.stage === 2 ? (r.ipa ?? r.va) : r.va);
  }

  private check(pe: Pe, stage: 1 | 2, addr: number): void {
    const fw = this.fw;
    const cur = fw.st.pes[pe.id]?.current;
    if (!cur || cur.kind !== 'sp') return;
    const p = fw.cfg.partitions[cur.part];
    if ((p.el === 0) !== (stage === 1)) return;
    const page = Math.floor(addr / 4096) * 4096;
    const inside = (r: { base: number; size: number }): boolean => page >= r.base && page < r.base + r.size;
    if (p.memory.some(inside) || p.devices.some(inside)) return;
    const shared = fw.st.shares.some((s) => s.receivers.some((x) => x.id === p.id && x.retrieved > 0) && s.constituents.some((c) => inside({ base: c.address, size: c.pages * 4096 })));
    if (shared) return;
    const key = `${cur.part}:${page}`;
    if (this.reported.includes(key)) return;
    this.reported.push(key);
    const owner = fw.cfg.partitions.find((q) => q !== p && q.memory.some(inside));
    const how =
      p.el === 0
        ? `through ${fw.cfg.el0Tables === 'shared' ? "the SPMC's own EL2&0 table" : 'its EL2&0 table'} (TTBR0_EL2): under HCR_EL2.{E2H,TGE}={1,1} that stage-1 table is its only translation stage`
        : 'through its stage-2 tables';
    fw.host.addFinding({
      rule: 'partition-isolation',
      severity: 'error',
      message: `${p.el === 0 ? 'S-EL0' : 'S-EL1'} partition ${hex(p.id, 4)} (${p.name}) reached ${hex(page)} ${how}; that page is outside its manifest${owner ? ` and belongs to partition ${hex(owner.id, 4)} (${owner.name})` : ''} and was never shared with it`,
      line: fw.host.lineOfPc(pe.pc),
      related: [p.range.start.line],
      relatedInfo: [{ line: p.range.start.line, message: `partition ${p.name}: its manifest` }],
      pe: pe.id,
    });
  }
}
