/**
 * Rules about data the caches hide or expose (hazards reported by the cache
 * hierarchy's hazard detector, simulator/cache/hazards.ts):
 *
 * - `pou-where-poc-needed`: a non-cacheable observer (an MMU-off or Device
 *   access) read data that DC CVAU had cleaned only to the Point of
 *   Unification; it needed DC CVAC/CIVAC to the Point of Coherency
 *   (Arm ARM D7.4.6 "Points of coherency and unification", D7.5.9).
 * - `mmu-off-with-dirty-lines`: an access made with the stage-1 MMU off
 *   (Device-nGnRnE, D8.2.11) found dirty lines for its location: the lines
 *   should have been cleaned to the PoC before the MMU was turned off.
 * - `mismatched-attributes`: one location accessed with different memory
 *   attributes without the cache maintenance that keeps them coherent
 *   (B2.8 "Mismatched memory attributes"), including a cacheable copy that
 *   memory was written behind (e.g. refilled speculatively before the MMU was
 *   turned off, then read after it was turned back on).
 */
import { HCR_EL2, SCTLR_EL1 } from '../arch/registers/fields';
import { DEVICE_nGnRnE } from '../memory/attributes';
import type { CopyInfo, Hazard } from '../cache/hazards';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import type { FindingSink, Related, WriteSite } from './host';

/** Last SCTLR_ELx write that turned the MMU off, per PE and EL (from `sysreg-write` events). */
export class MmuOffTracker {
  private readonly last = new Map<string, number | undefined>();
  /** The capture of the current state (undefined after a change): checkpoints and fingerprints reuse it. */
  private snap: unknown = undefined;

  onSysregWrite(pe: number, register: string, value: bigint, line: number | undefined): void {
    const m = /^SCTLR_EL([123])$/.exec(register.toUpperCase());
    if (!m) return;
    const key = `${pe}:${m[1]}`;
    if (!SCTLR_EL1.M.isSet(value)) this.last.set(key, line);
    else this.last.delete(key);
    this.snap = undefined;
  }

  snapshot(): unknown {
    this.snap ??= new Map(this.last);
    return this.snap;
  }

  restore(s: unknown): void {
    // The live map is this very capture (nothing changed since it was taken or restored): nothing to do.
    if (s !== undefined && s === this.snap) return;
    this.last.clear();
    for (const [k, v] of (s as Map<string, number | undefined> | undefined) ?? []) this.last.set(k, v);
    this.snap = s;
  }

  lineFor(pe: number, el: number): number | undefined {
    return this.last.get(`${pe}:${Math.max(1, el)}`);
  }
}

/** SCTLR_ELx of the regime the PE's data accesses use (EL0 → EL1; VHE host regimes are not distinguished). */
function mmuOff(pe: Pe): boolean {
  const el = pe.el;
  const sctlr = pe.readSysreg(el === 3 ? 'SCTLR_EL3' : el === 2 ? 'SCTLR_EL2' : 'SCTLR_EL1');
  // SCTLR_ELx.M is bit 0 in every SCTLR layout.
  if (SCTLR_EL1.M.isSet(sctlr)) return false;
  // HCR_EL2.DC makes EL1&0 data accesses Normal WB even with SCTLR_EL1.M=0 (D8.2.11): then they are cacheable.
  if (el <= 1 && HCR_EL2.DC.isSet(pe.readSysreg('HCR_EL2'))) return false;
  return true;
}

function kindOf(write: boolean): string {
  return write ? 'write' : 'read';
}

/** The most recently written copy (the one whose data the access should have seen). */
function newest(copies: CopyInfo[]): CopyInfo {
  return copies.reduce((a, b) => (b.writeStep > a.writeStep ? b : a));
}

export class MemoryRules {
  constructor(
    private readonly sink: FindingSink,
    private readonly mmuOffLines: MmuOffTracker,
    private readonly points: { pou: string; poc: string },
    /** Who last wrote the 8-byte granule of `pa` (the shadow's record), when known. */
    private readonly writer: (pa: number) => { pe: number; pc: number; step: number } | undefined = () => undefined,
  ) {}

  /** The write whose data the access at `pa` should have seen: the granule's last writer, else the copy's. */
  private writeSite(pa: number, c: CopyInfo): WriteSite {
    const w = this.writer(pa);
    if (w !== undefined && !Number.isNaN(w.pc)) return this.sink.writeSite(w.pe, w.pc, w.step);
    return this.copySite(c);
  }

  /** The write that made the copy dirty. */
  private copySite(c: CopyInfo): WriteSite {
    return this.sink.writeSite(c.writePe, c.writePc, c.writeStep);
  }

  hazard(h: Hazard): void {
    switch (h.kind) {
      case 'bypass-dirty':
        this.bypass(h);
        return;
      case 'mismatch':
        this.mismatch(h);
        return;
      case 'stale-hit':
        this.staleHit(h);
        return;
      case 'stale-writeback':
        this.staleWriteback(h);
        return;
    }
  }

  private writeRel(c: CopyInfo, pa: number): Related {
    const site = this.writeSite(pa, c);
    const by = site.firmware ? ` by ${site.subject}` : c.writePe >= 0 ? ` by PE ${c.writePe}` : '';
    return { line: site.line, message: `${c.attrs.label} write${by}, still dirty in ${c.cache}` };
  }

  private bypass(h: Extract<Hazard, { kind: 'bypass-dirty' }>): void {
    const s = this.sink;
    const line = s.lineOf(h.pc);
    const c = newest(h.copies);
    const who = `${kindOf(h.write)} of ${hex(h.pa)}${h.pe ? ` by PE ${h.pe.id}` : ''}`;
    const what = `${h.attrs.label} ${who}`;
    const effect = h.write ? 'will be overwritten when the dirty line is written back' : 'returned the stale value from memory';
    const pou = h.copies.find((x) => x.pouCleanPe >= 0);
    if (pou !== undefined) {
      const cvau = s.lineOf(pou.pouCleanPc);
      s.report(
        'pou-where-poc-needed',
        'error',
        `${what} ${effect}: DC CVAU at ${s.where(cvau)} cleaned the line only to the Point of Unification (${this.points.pou}), ` +
          `where it is still dirty in ${pou.cache}; a non-cacheable observer reads at the Point of Coherency (${this.points.poc}). ` +
          `Clean to the PoC with DC CVAC (or DC CIVAC) (Arm ARM D7.4.6, D7.5.9).`,
        line,
        [this.writeRel(pou, h.pa), { line: cvau, message: 'DC CVAU: cleans to the PoU only' }],
        h.pe?.id,
        h.pa,
      );
      return;
    }
    if (h.pe !== undefined && h.attrs === DEVICE_nGnRnE && mmuOff(h.pe)) {
      const off = this.mmuOffLines.lineFor(h.pe.id, h.pe.el);
      s.report(
        'mmu-off-with-dirty-lines',
        'error',
        `${who} with the MMU off (Device-nGnRnE) ${effect}: ${c.cache} holds a dirty ${c.attrs.label} copy written ${this.writeSite(h.pa, c).written}` +
          `${c.writePe >= 0 && c.writePe !== h.pe.id ? ` by PE ${c.writePe}` : ''}` +
          `${off !== undefined ? `, and the MMU was turned off at ${s.where(off)} without cleaning it` : ''}. ` +
          `Data written with the MMU on must be cleaned to the PoC (DC CVAC/CIVAC, then DSB) before it is accessed with the MMU off (Arm ARM D8.2.11, B2.8).`,
        line,
        [this.writeRel(c, h.pa), ...(off !== undefined ? [{ line: off, message: 'MMU turned off here (SCTLR_ELx.M=0)' }] : [])],
        h.pe.id,
        h.pa,
      );
      return;
    }
    s.report(
      'mismatched-attributes',
      'error',
      `${what} ${effect}: ${c.cache} holds a dirty ${c.attrs.label} copy written ${this.writeSite(h.pa, c).written}. ` +
        `Accesses with different attributes to one location need cache maintenance to the PoC between them (Arm ARM B2.8).`,
      line,
      [this.writeRel(c, h.pa)],
      h.pe?.id,
      h.pa,
    );
  }

  private mismatch(h: Extract<Hazard, { kind: 'mismatch' }>): void {
    const s = this.sink;
    const line = s.lineOf(h.pc);
    const c = newest(h.copies);
    const other = c.attrs === h.attrs ? `the same attributes outside this PE's ${h.attrs.sh.toUpperCase()} domain` : c.attrs.label;
    s.report(
      'mismatched-attributes',
      'error',
      `${h.attrs.label} ${kindOf(h.write)} of line ${hex(h.pa)}${h.pe ? ` by PE ${h.pe.id}` : ' by a table walk'} while ${c.cache} holds dirty data for it with ${other} ` +
        `(written ${this.copySite(c).written}): the two copies are not coherent (Arm ARM B2.8 "Mismatched memory attributes"). ` +
        `Use the same shareability and cacheability for every access, or clean and invalidate between them.`,
      line,
      [this.writeRel(c, h.pa)],
      h.pe?.id,
      h.pa,
    );
  }

  private staleHit(h: Extract<Hazard, { kind: 'stale-hit' }>): void {
    const s = this.sink;
    const c = h.copy;
    const line = s.lineOf(h.pc);
    const bySite = s.writeSite(c.staleByPe, c.staleByPc, c.staleByStep);
    const by = bySite.line;
    const related: Related[] = [{ line: by, message: `${c.staleByAttrs?.label ?? 'non-cacheable'} write to memory, bypassing the cached copy` }];
    let why = '';
    if (c.speculative) {
      const m = s.lineOf(c.specPc);
      related.push({ line: m, message: 'cache maintenance after which the line was refilled speculatively' });
      why =
        ` The copy was refilled speculatively right after the maintenance at ${s.where(m)}, while the location was still mapped Normal cacheable ` +
        `(speculation is prohibited only with the MMU off): invalidate after turning the MMU off, not before.`;
    }
    s.report(
      'mismatched-attributes',
      'error',
      `${h.attrs.label} read of ${hex(h.pa)} by PE ${h.pe?.id ?? '?'} hit a copy in ${c.cache} older than memory: ` +
        `memory was written ${bySite.written} with ${c.staleByAttrs?.label ?? 'other attributes'}, which does not update cached copies (Arm ARM B2.8).${why}`,
      line,
      related,
      h.pe?.id,
      h.pa,
    );
  }

  private staleWriteback(h: Extract<Hazard, { kind: 'stale-writeback' }>): void {
    const s = this.sink;
    const c = h.copy;
    const bySite = s.writeSite(c.staleByPe, c.staleByPc, c.staleByStep);
    const by = bySite.line;
    const own = this.copySite(c);
    s.report(
      'mismatched-attributes',
      'error',
      `dirty ${c.attrs.label} copy of ${hex(h.pa)} in ${c.cache} (written ${own.written}) was written back over newer data ` +
        `written ${bySite.written} with ${c.staleByAttrs?.label ?? 'other attributes'}: that write is lost (Arm ARM B2.8).`,
      own.line,
      [{ line: by, message: 'write that was lost' }],
      c.writePe >= 0 ? c.writePe : undefined,
      h.pa,
    );
  }
}
