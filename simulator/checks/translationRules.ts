/**
 * Rules about translation tables and TLBs, observed through the MMU's
 * walk/TLB hooks (mmu/types.ts `MmuObserver`), TLBI, barriers and writes to
 * descriptors the walker has used:
 *
 * - `stale-descriptor`: a walk read a descriptor older than the latest write
 *   to it, or one whose write no DSB had completed for the walking PE — no DSB
 *   at all, or only DSBs whose shareability domain leaves the walker out (a DSB
 *   ISH by a PE outside the walker's Inner Shareable domain) (Arm ARM D8.2.6
 *   "Ordering of memory accesses from translation table walks", B2.3.12).
 * - `break-before-make`: a valid descriptor replaced by a different valid one
 *   (output address, memory type or shareability) without first writing an
 *   invalid descriptor and a TLBI that removes every entry cached from it
 *   (D8.16.1 "Using break-before-make when updating translation table
 *   entries"). Whether a TLBI removed an entry — address, ASID, VMID, regime,
 *   Security state, last-level form, local or broadcast and to which PEs — is
 *   the TLB model's own match rule (mmu/tlbi.ts), asked for every translation
 *   cached from the descriptor (tlbUses.ts).
 * - `tlbi-without-sync`: a translation used the TLB after a TLBI that no DSB
 *   of the TLBI's domain had completed yet (D8.13.x "Ordering and completion of
 *   TLB maintenance instructions": TLBI; DSB; ISB).
 */
import type { MemAttrs } from '../memory/attributes';
import type { DomainScope, ShareabilityDomains } from '../memory/shareability';
import { entryDigest, type TlbEntry } from '../mmu/tlb';
import { digestString, FingerprintSum, Lanes } from '../component/fingerprint';
import { hashValue, StateHasher } from '../component/state';
import { tlbiEntryMismatch, tlbiReaches, tlbiScope, type TlbiScope } from '../mmu/tlbi';
import type { WalkRead, TlbUse } from '../mmu/types';
import type { Pe } from '../pe/pe';
import type { ShadowMemory } from '../cache/shadow';
import { hex, sizeText } from '../util/hex';
import { DsbRecord, effectiveBarrierScope, type DsbSnapshot } from './barriers';
import type { FindingSink } from './host';
import { DescriptorUses, descriptorKey, descriptorPa, TlbUses, type DescriptorUse } from './tlbUses';

/**
 * A descriptor a walk has used, and (the `DescriptorUses` it extends) the translations cached
 * from it while it was valid: one object, so a walk read and a TLB fill touch one record per
 * descriptor.
 */
class LiveDescriptor extends DescriptorUses {
  /** live: seen valid by a walk; invalidated: an invalid value was written; synced: TLBIs removed every cached copy. */
  state: 'live' | 'invalidated' | 'synced' = 'live';
  invLine: number | undefined = undefined;
  /** The last TLBI after the invalid write that left a cached copy, and why. */
  miss: { text: string; line: number | undefined; why: string } | undefined = undefined;

  constructor(
    public lo: number,
    public hi: number,
  ) {
    super();
  }

  /** A copy with copies of the uses (their `covered` changes). */
  copy(): LiveDescriptor {
    const c = new LiveDescriptor(this.lo, this.hi);
    c.state = this.state;
    c.invLine = this.invLine;
    c.miss = this.miss ? { ...this.miss } : undefined;
    c.copyUses(this);
    return c;
  }
}

interface PendingTlbi {
  scope: TlbiScope;
  line: number | undefined;
  pc: number;
}

/** The DSB shareability that completes a TLBI: any for a local one, ISH for the IS forms, OSH for the OS forms. */
const TLBI_COMPLETION: Record<TlbiScope['reach'], DomainScope> = { local: 'nsh', inner: 'ish', outer: 'osh' };

/** Descriptor bits whose change requires break-before-make: OA [47:12], AttrIndx/MemAttr [5:2], SH [9:8], type [1]. */
function bbmRelevant(lo: number, hi: number): string {
  return `${(hi & 0xffff) >>> 0}:${(lo & 0xfffff000) >>> 0}:${(lo >>> 2) & 0xf}:${(lo >>> 8) & 3}:${(lo >>> 1) & 1}`;
}

function valid(lo: number): boolean {
  return (lo & 1) === 1;
}

function desc(lo: number, hi: number): string {
  return hex((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), 16);
}

/** Make `d` the record of a descriptor first seen valid with value (lo, hi): as a new record, with no uses (the object stays: reads pending a TLB fill name it). */
function renew(d: LiveDescriptor, lo: number, hi: number): void {
  d.lo = lo;
  d.hi = hi;
  d.state = 'live';
  d.clear();
  d.invLine = undefined;
  d.miss = undefined;
}

export class TranslationRules {
  /** By `descriptorKey(pa)` (a small integer: a PA above 2^31 as a key is a boxed double). */
  private readonly live = new Map<number, LiveDescriptor>();
  /**
   * The records made invalid since their last TLBI check (state 'invalidated'; some may have
   * left that state since — dropped when next seen): a TLBI looks at these, not every descriptor
   * a walk ever used (a TLBI per sweep over 1,024 pages would touch every page's record).
   */
  private readonly invalidated = new Set<LiveDescriptor>();
  private readonly pendingTlbi: (PendingTlbi | undefined)[] = [];
  private readonly dsbs: DsbRecord;
  private readonly uses: TlbUses<LiveDescriptor>;
  /** Moves on every change to the state above: a checkpoint taken at the same version reuses the last capture. */
  private version = 0;
  private snapVersion = -1;
  private lastSnap: unknown = undefined;
  private hashVersion = -1;
  private lastHash = 0;
  /**
   * The fingerprint of the state each capture holds, once computed while the live state was that capture: a
   * restore of it (an explorer comes back to a state for each of its actions) gives the fingerprint back without
   * rehashing every descriptor. Captures are immutable, so the value never goes stale.
   */
  private readonly captureHashes = new WeakMap<object, number>();

  constructor(
    private readonly sink: FindingSink,
    pes: readonly Pe[],
    private readonly step: () => number,
    private readonly shadow: ShadowMemory | undefined,
    /** Ask the memory system to report writes to a descriptor (absent: break-before-make cannot be checked). */
    private readonly watch: ((pa: number) => void) | undefined,
    /** Dirty copies of a line with attributes other than the walk's (for the explanation). */
    private readonly otherCopies: (pa: number, attrs: MemAttrs) => string[],
    /** The machine's shareability domains (the scenario's inner_domain). */
    private readonly domains: ShareabilityDomains,
  ) {
    for (let i = 0; i < pes.length; i++) this.pendingTlbi.push(undefined);
    this.dsbs = new DsbRecord(pes.length, domains);
    this.uses = new TlbUses(pes.length, this.live);
  }

  snapshot(): unknown {
    if (this.snapVersion !== this.version) {
      this.uses.applyLog();
      this.lastSnap = {
        live: [...this.live].map(([k, v]) => [k, v.copy()] as const),
        pendingTlbi: this.pendingTlbi.map((p) => (p ? { ...p } : undefined)),
        dsbs: this.dsbs.snapshot(),
      };
      this.snapVersion = this.version;
      if (this.hashVersion === this.version) this.captureHashes.set(this.lastSnap as object, this.lastHash);
    }
    return this.lastSnap;
  }

  /** Back to a checkpoint; `undefined` = the state at attach time. */
  restore(s: unknown): void {
    // Walk reads waiting for their TLB fill belong to the step in progress, never to a checkpoint.
    this.uses.reset();
    // Unchanged since this very capture was taken or restored: nothing to do.
    if (s !== undefined && s === this.lastSnap && this.snapVersion === this.version) return;
    this.restoreCopy(s);
    const known = s === undefined ? undefined : this.captureHashes.get(s as object);
    if (known !== undefined) {
      this.lastHash = known;
      this.hashVersion = this.version;
    }
  }

  /** Make the live state copies of capture `s` (`undefined`: the state at attach time). */
  private restoreCopy(s: unknown): void {
    const snap = s as { live: [number, LiveDescriptor][]; pendingTlbi: (PendingTlbi | undefined)[]; dsbs: DsbSnapshot } | undefined;
    this.version++;
    this.live.clear();
    this.invalidated.clear();
    for (const [k, v] of snap?.live ?? []) {
      const d = v.copy();
      this.live.set(k, d);
      if (d.state === 'invalidated') this.invalidated.add(d);
    }
    for (let i = 0; i < this.pendingTlbi.length; i++) {
      const p = snap?.pendingTlbi[i];
      this.pendingTlbi[i] = p ? { ...p } : undefined;
    }
    this.dsbs.restore(snap?.dsbs);
    // The live state is this capture again (copies of it): the next snapshot may hand it back.
    if (s !== undefined) {
      this.lastSnap = s;
      this.snapVersion = this.version;
    }
  }

  /**
   * Fingerprint of what the rules decide by, in terms independent of how the
   * PEs' steps interleave: each used descriptor (address, value, state, and
   * the translations cached from it as a set), each PE's pending TLBI scope,
   * and the DSB epochs (barriers.ts). Source lines, PCs, steps and the
   * explanations kept for messages are provenance, not state.
   */
  stateHash(): number {
    if (this.hashVersion === this.version) return this.lastHash;
    this.uses.applyLog();
    const sum = new FingerprintSum();
    const h = new Lanes();
    for (const [key, d] of this.live) {
      const pa = descriptorPa(key);
      const uses = new FingerprintSum();
      for (const u of d) uses.add(u.pe, h.reset(0x05e5_0000).digest(entryDigest(u.entry)).word((u.leaf ? 1 : 0) | (u.covered ? 2 : 0)).value());
      sum.add(pa, h.reset(0x11fe_0000).word(d.lo).word(d.hi).digest(digestString(d.state)).digest(uses.value(d.length)).value());
    }
    h.reset(0x7a45_0000).digest(sum.value(this.live.size));
    for (const t of this.pendingTlbi) {
      if (t === undefined) h.word(-1);
      else {
        const s = new StateHasher();
        hashValue(s, t.scope);
        h.digest(s.value());
      }
    }
    this.dsbs.stateHash(h);
    this.lastHash = h.value();
    this.hashVersion = this.version;
    if (this.snapVersion === this.version && this.lastSnap !== undefined) this.captureHashes.set(this.lastSnap as object, this.lastHash);
    return this.lastHash;
  }

  /** The epoch of a write by PE `pe` at `step` (the shadow memory keeps it: barriers.ts `DsbRecord`). */
  writeEpoch(pe: number, step: number): number {
    return this.dsbs.writeEpoch(pe, step);
  }

  get canCheckBbm(): boolean {
    return this.watch !== undefined;
  }

  onWalkRead(pe: Pe, r: WalkRead): void {
    this.translationUsed(pe, r.va);
    this.checkStale(pe, r);
    if (valid(r.lo) && this.watch !== undefined) {
      const key = descriptorKey(r.pa);
      let e = this.live.get(key);
      if (e === undefined) {
        this.watch(r.pa);
        this.version++;
        e = new LiveDescriptor(r.lo, r.hi);
        this.live.set(key, e);
      } else if (e.lo !== r.lo || e.hi !== r.hi) {
        // Another value than the one followed: a new descriptor, in the same record (the pending reads hold it).
        this.version++;
        this.uses.applyLog();
        renew(e, r.lo, r.hi);
      } else if (e.state !== 'live') {
        this.version++;
        e.state = 'live';
      }
      // (A walk reading a descriptor already live with this value changes nothing here: captures and fingerprint stay.)
      this.uses.onWalkRead(pe.id, r, e);
    }
  }

  /** The MMU cached `entry` in PE `pe`'s TLB: remember which live descriptors it holds. */
  onTlbFill(pe: Pe, entry: TlbEntry, s2: TlbEntry | undefined): void {
    if (this.watch !== undefined && this.uses.onFill(pe.id, entry, s2) > 0) this.version++;
  }

  onTlbUse(pe: Pe, u: TlbUse): void {
    this.translationUsed(pe, u.va);
  }

  onTlbi(pe: Pe, op: string, operand: bigint | undefined): void {
    this.version++;
    const scope = tlbiScope(pe, op, operand);
    const line = this.sink.lineOf(pe.pc);
    this.pendingTlbi[pe.id] = { scope, line, pc: pe.pc };
    for (const d of this.invalidated) {
      if (d.state !== 'invalidated') {
        this.invalidated.delete(d);
        continue;
      }
      for (const u of d) {
        if (u.covered) continue;
        const why = tlbiEntryMismatch(scope, u.pe, u.entry, u.leaf, this.domains);
        if (why === undefined) u.covered = true;
        else d.miss = { text: scope.text, line, why: `${why} (the entry ${entryText(u)})` };
      }
      if (d.every((u) => u.covered)) {
        d.state = 'synced';
        this.invalidated.delete(d);
      }
    }
  }

  onBarrier(pe: Pe, kind: 'dmb' | 'dsb' | 'isb', option: string): void {
    if (kind !== 'dsb') return;
    this.version++;
    const scope = effectiveBarrierScope(pe, option);
    this.dsbs.onDsb(pe.id, scope, this.step(), this.sink.lineOf(pe.pc));
    const t = this.pendingTlbi[pe.id];
    // A broadcast TLBI completes for the PEs it reached only with a DSB of its domain (Arm ARM D8.13.x).
    if (t !== undefined && this.wider(scope, TLBI_COMPLETION[t.scope.reach])) this.pendingTlbi[pe.id] = undefined;
  }

  private wider(a: DomainScope, b: DomainScope): boolean {
    const rank: Record<DomainScope, number> = { nsh: 0, ish: 1, osh: 2, sy: 2 };
    return rank[a] >= rank[b];
  }

  /** A write to a descriptor a walk has used. */
  onDescriptorWrite(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number): void {
    const g = pa - (pa % 8);
    const e = this.live.get(descriptorKey(g));
    if (e === undefined) return;
    this.version++;
    // The record's uses and state change: the uses fills logged come first.
    this.uses.applyLog();
    if (size !== 8 || pa !== g) {
      // A partial write: treat as making a new value (rare in table code).
      return;
    }
    if (!valid(lo)) {
      e.state = 'invalidated';
      this.invalidated.add(e);
      e.invLine = pe ? this.sink.lineOf(pe.pc) : undefined;
      e.lo = lo;
      e.hi = hi;
      e.miss = undefined;
      for (const u of e) u.covered = false;
      return;
    }
    const s = this.sink;
    const line = pe ? s.lineOf(pe.pc) : undefined;
    if (e.state === 'live' && valid(e.lo) && bbmRelevant(e.lo, e.hi) !== bbmRelevant(lo, hi)) {
      s.report(
        'break-before-make',
        'error',
        `valid descriptor at ${hex(pa)} replaced (${desc(e.lo, e.hi)} → ${desc(lo, hi)}) while the old entry may be cached in TLBs: ` +
          `write an invalid descriptor, DSB, TLBI for the address, DSB, then write the new one (Arm ARM D8.16.1 break-before-make).`,
        line,
        [],
        pe?.id,
        pa,
      );
    } else if (e.state === 'invalidated') {
      const m = e.miss;
      const related = [{ line: e.invLine, message: 'descriptor invalidated here' }];
      if (m !== undefined) related.push({ line: m.line, message: `${m.text}: does not remove the cached entry` });
      s.report(
        'break-before-make',
        'error',
        m === undefined
          ? `descriptor at ${hex(pa)} made valid again (${desc(lo, hi)}) after the invalid write at ${s.where(e.invLine)} without a TLBI in between: ` +
              `the old translation may still be in a TLB (Arm ARM D8.16.1).`
          : `descriptor at ${hex(pa)} made valid again (${desc(lo, hi)}) after the invalid write at ${s.where(e.invLine)}, but ${m.text} at ${s.where(m.line)} ` +
              `does not remove every entry cached from it: ${m.why}. The old translation may still be used (Arm ARM D8.16.1, D8.13.x).`,
        line,
        related,
        pe?.id,
        pa,
      );
    }
    e.lo = lo;
    e.hi = hi;
    e.state = 'synced';
    e.clear();
    e.miss = undefined;
  }

  private translationUsed(pe: Pe, va: number): void {
    // The fetch of the next instruction is translated too: only data translations count
    // (a translation of the instruction's own address is its fetch).
    if (va >= pe.pc && va < pe.pc + 4) return;
    for (let q = 0; q < this.pendingTlbi.length; q++) {
      const t = this.pendingTlbi[q];
      if (t === undefined || !tlbiReaches(t.scope, pe.id, this.domains)) continue;
      const s = this.sink;
      s.report(
        'tlbi-without-sync',
        'warning',
        `translation of ${hex(BigInt.asUintN(64, BigInt(va)))} by PE ${pe.id} used the TLB after ${t.scope.text} at ${s.where(t.line)} ` +
          `with no DSB${t.scope.reach === 'local' ? '' : ` ${TLBI_COMPLETION[t.scope.reach].toUpperCase()} (or wider)`} to complete it: the old translation may still be used. ` +
          `Follow TLBI with DSB (and ISB) (Arm ARM D8.13).`,
        s.lineOf(pe.pc),
        [{ line: t.line, message: `${t.scope.text} not completed by a DSB` }],
        pe.id,
      );
      this.pendingTlbi[q] = undefined;
      this.version++;
    }
  }

  private checkStale(pe: Pe, r: WalkRead): void {
    const shadow = this.shadow;
    if (shadow === undefined || !shadow.written(r.pa)) return;
    const latest = shadow.value(r.pa, 8);
    const got = (BigInt(r.hi >>> 0) << 32n) | BigInt(r.lo >>> 0);
    const w = shadow.writer(r.pa);
    const s = this.sink;
    const site = w ? s.writeSite(w.pe, w.pc, w.step) : undefined;
    const wline = site?.line;
    const walk = `stage-${r.stage} level ${r.level} walk for ${hex(BigInt.asUintN(64, BigInt(r.va)))}${r.ipa !== undefined ? ` (IPA ${hex(r.ipa)})` : ''}`;
    if (latest !== got) {
      const others = this.otherCopies(r.pa, r.attrs);
      const why =
        others.length > 0
          ? ` The write left the descriptor dirty in ${others.join(', ')}, and the walk reads with ${r.attrs.label} (TCR_ELx/VTCR_EL2 IRGN/ORGN/SH): ` +
            `mismatched attributes hit a different copy (Arm ARM B2.8). Make the table memory attributes match the walk attributes.`
          : ` Make the write visible to the walker: DSB after the write, and clean to the PoC if the walk is not coherent with the write (Arm ARM D8.2.6).`;
      s.report(
        'stale-descriptor',
        'error',
        `${walk} read descriptor ${hex(r.pa)} = ${hex(got, 16)}, but ${site?.subject ?? 'an unknown line'} wrote ${hex(latest, 16)} there.${why}`,
        s.lineOf(pe.pc),
        [{ line: wline, message: `descriptor write (${hex(latest, 16)}) the walk did not see${site?.firmware ? `, by ${site.subject}` : ''}` }],
        pe.id,
        r.pa,
      );
      return;
    }
    if (w === undefined || w.pe < 0) return;
    const done = this.dsbs.completion(w.pe, w.step, pe.id);
    if (done.done) return;
    const narrower = done.narrower;
    if (narrower === undefined) {
      s.report(
        'stale-descriptor',
        'warning',
        `${walk} read descriptor ${hex(r.pa)} written ${site?.written ?? 'at an unknown line'} by PE ${w.pe} with no DSB since: ` +
          `the walk is not guaranteed to observe the write (Arm ARM D8.2.6); it happened to here.`,
        s.lineOf(pe.pc),
        [{ line: wline, message: 'descriptor write not followed by a DSB' }],
        pe.id,
        r.pa,
      );
      return;
    }
    s.report(
      'stale-descriptor',
      'warning',
      `${walk} by PE ${pe.id} read descriptor ${hex(r.pa)} written ${site?.written ?? 'at an unknown line'} by PE ${w.pe}, which completed the write only with ` +
        `DSB ${narrower.scope.toUpperCase()} at ${s.where(narrower.line)}: that completes it for ${this.dsbs.describe(w.pe, narrower.scope)}, and PE ${pe.id} is outside it. ` +
        `The walk is not guaranteed to observe the write (Arm ARM B2.3.12, D8.2.6); it happened to here. ` +
        `Use DSB OSH (or SY), or put PE ${pe.id} in the writer's Inner Shareable domain (caches { inner_domain … }).`,
      s.lineOf(pe.pc),
      [
        { line: wline, message: 'descriptor write' },
        { line: narrower.line, message: `DSB ${narrower.scope.toUpperCase()}: does not complete the write for PE ${pe.id}` },
      ],
      pe.id,
      r.pa,
    );
  }
}

/** `for VA 0x1000 (4 KB, ASID 1) in PE 1's TLB`. */
function entryText(u: DescriptorUse): string {
  const e = u.entry;
  const c = e.ctx;
  const what = c.kind === 's2' ? 'IPA' : 'VA';
  const tags = [sizeText(e.size)];
  if (c.kind === 'combined' && c.asid >= 0) tags.push(`ASID ${c.asid}`);
  if (c.kind === 'combined' && c.asid === -1) tags.push('global');
  if (c.vmid !== 0 || c.kind === 's2') tags.push(`VMID ${c.vmid}`);
  return `for ${what} ${hex(BigInt.asUintN(64, BigInt(e.base)))} (${tags.join(', ')}) in PE ${u.pe}'s TLB`;
}
