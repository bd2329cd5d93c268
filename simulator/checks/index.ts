/**
 * The architectural checkers (DESIGN.md "Architectural checkers"): beside
 * what happened, a run reports which architectural rule made it possible,
 * naming the source lines of both sides.
 *
 * `attachCheckers(machine)` subscribes to the hook points the components
 * publish — nothing is patched:
 * - memory: barriers, writes (the shadow memory: the latest value of every
 *   location) and watched writes to descriptors walks have used;
 * - the cache hierarchy's hazard detector (cache/hazards.ts), a checker over
 *   the hierarchy's hooks, with `cache_model on`;
 * - MMU: walk steps, TLB uses, TLBI;
 * - PEs: system register writes, exceptions;
 * - firmware: its calls (findings about its writes name the call), and its
 *   own checkers: partition isolation and livelock (firmware/isolation.ts,
 *   firmware/livelock.ts).
 * With `cache_model off` (flat memory) only the rules that do not need the
 * caches run.
 *
 * Rules (ids, references and fixes in the registry, simulator/arch/rules.ts):
 * mismatched-attributes, mmu-off-with-dirty-lines, pou-where-poc-needed
 * (memoryRules.ts), stale-descriptor, break-before-make, tlbi-without-sync
 * (translationRules.ts), sysreg-without-isb (sysregRules.ts), partition-isolation,
 * ffa-livelock (firmware).
 */
import { checkerRules, rulesOf, type RuleId } from '../arch/rules';
import { Lanes } from '../component/fingerprint';
import { hashValue, StateHasher, type Snapshottable } from '../component/state';
import { CacheHierarchy } from '../cache/hierarchy';
import { HazardDetector } from '../cache/hazards';
import { ShadowMemory } from '../cache/shadow';
import { PA_SPLIT } from '../cache/config';
import { IsolationChecker } from '../firmware/isolation';
import { LivelockChecker } from '../firmware/livelock';
import type { MemAttrs } from '../memory/attributes';
import { ShareabilityDomains } from '../memory/shareability';
import { FindingSink, type CheckerHost } from './host';
import { MemoryRules, MmuOffTracker } from './memoryRules';
import { SysregRules } from './sysregRules';
import { TranslationRules } from './translationRules';

export type { CheckerHost } from './host';

/** The rules these checkers report (the registry's `checks` rules, simulator/arch/rules.ts). */
export const CHECKER_RULES: readonly RuleId[] = rulesOf('checks');

/** The checkers attached to one machine: their state joins the machine's checkpoints (component/state.ts). */
export interface CheckerSet extends Snapshottable {
  readonly rules: readonly string[];
  detach(): void;
}

interface CheckerSnapshot {
  trans: unknown;
  sysr: unknown;
  mmuOff: unknown;
  shadow: unknown;
  isolation: string[] | undefined;
  livelock: unknown;
}

const POINT_NAMES: Record<string, string> = { l1: 'the L1 data cache', l2: 'the L2 cache', system: 'the system cache', memory: 'memory' };

const attached = new WeakMap<object, CheckerSet>();
/** Structural digests of checker captures that are immutable and returned again while unchanged (translation rules, livelock). */
const captureDigests = new WeakMap<object, number>();

/** `CheckerSet.stateHash`'s running hashes (not re-entered: the parts it folds in use their own). */
const checkerHasher = new StateHasher();
const checkerLanes = new Lanes();

function digestOnce(capture: object): number {
  let d = captureDigests.get(capture);
  if (d === undefined) {
    const h = new StateHasher();
    hashValue(h, capture);
    d = h.value();
    captureDigests.set(capture, d);
  }
  return d;
}

/** Attach the checkers to a machine (idempotent: a second call returns the same set). */
export function attachCheckers(host: CheckerHost): CheckerSet {
  const existing = attached.get(host);
  if (existing) return existing;
  const hooks = host.hooks;
  const offs: (() => void)[] = [];
  const sink = new FindingSink(host);
  const hier = host.memory instanceof CacheHierarchy ? host.memory : undefined;

  // The flat-memory oracle: every write in step order, whatever its attributes (with the caches only).
  const shadow = hier ? new ShadowMemory(host.memory.physical) : undefined;
  if (shadow !== undefined) {
    offs.push(
      hooks.memory.write.subscribe((pe, pa, size, lo, hi) => {
        const step = host.steps + 1;
        // The PA split (cache/config.ts `PA_SPLIT`: no heap number per store).
        shadow.writeBy(pe, step, (pa / PA_SPLIT) | 0, pa & (PA_SPLIT - 1), size, lo, hi, pe === undefined ? 0 : trans.writeEpoch(pe.id, step));
      }),
    );
  }

  const mmuOff = new MmuOffTracker();
  const memRules = new MemoryRules(sink, mmuOff, { pou: POINT_NAMES[hier?.config.pou ?? 'memory'], poc: POINT_NAMES[hier?.config.poc ?? 'memory'] }, (pa) => shadow?.writer(pa));
  const otherCopies = (pa: number, attrs: MemAttrs): string[] =>
    hier ? hier.linesOf(pa).filter((l) => l.dirty && l.attrs !== attrs.label).map((l) => `${l.cache} (${l.attrs}, ${l.state})`) : [];
  // Writes to the descriptors walks have used (break-before-make), before they land.
  const descriptors = host.memory.watch.watcher((pe, pa, size, lo, hi) => trans.onDescriptorWrite(pe, pa, size, lo, hi));
  offs.push(() => descriptors.dispose());
  // The shareability domains coherence, barriers and broadcast TLBI share (the scenario's inner_domain).
  const domains = host.shareability ?? new ShareabilityDomains(host.pes.length);
  const trans: TranslationRules = new TranslationRules(sink, host.pes, () => host.steps + 1, shadow, (pa) => descriptors.add(pa - (pa & 7), 8), otherCopies, domains);
  const sysr = new SysregRules(sink, host.pes.length);

  // The firmware's checkers see each walk step before the translation rules do.
  const fw = host.firmware;
  const isolation = fw ? new IsolationChecker(fw, hooks.mmu) : undefined;
  const livelock = fw ? new LivelockChecker(fw) : undefined;
  if (isolation) offs.push(() => isolation.detach());
  if (livelock) offs.push(() => livelock.detach());

  if (hier) {
    const hazards = new HazardDetector(hier, shadow);
    offs.push(hazards.hazard.subscribe((h) => memRules.hazard(h)), () => hazards.detach());
  }
  offs.push(
    hooks.memory.barrier.subscribe((pe, kind, domain) => {
      trans.onBarrier(pe, kind, domain);
      if (kind === 'isb') sysr.synchronized(pe.id);
    }),
    hooks.mmu.walkStep.subscribe((pe, r) => {
      trans.onWalkRead(pe, r);
      sysr.access(pe, r.va);
    }),
    hooks.mmu.tlbUse.subscribe((pe, u) => {
      trans.onTlbUse(pe, u);
      sysr.access(pe, u.va);
    }),
    hooks.mmu.tlbi.subscribe((pe, op, operand) => trans.onTlbi(pe, op, operand)),
    hooks.mmu.tlbFill.subscribe((pe, e, s2) => trans.onTlbFill(pe, e, s2)),
    hooks.pe.sysregWrite.subscribe((pe, register, value) => {
      const line = host.lineOfPc(pe.pc, pe.id);
      mmuOff.onSysregWrite(pe.id, register, value, line);
      sysr.onSysregWrite(pe, register, line);
    }),
    hooks.pe.exception.subscribe((pe) => sysr.synchronized(pe.id)),
  );
  // Built-in firmware writes tables from its vector, which has no source line: findings name the FF-A call
  // it was handling instead (the PE's EL while handling tells the SPMC from the EL3 monitor).
  const fwHooks = hooks.firmware;
  if (fwHooks) {
    offs.push(
      fwHooks.call.subscribe((_pe, c) =>
        sink.noteFirmwareCall(c.step, { pe: c.pe, el: host.pes[c.pe]?.el ?? 0, fn: c.function, caller: c.caller, line: c.line, detail: c.detail }),
      ),
    );
  }

  const rules = checkerRules({ cacheModel: hier !== undefined, firmware: fw !== undefined });
  /** `stateHash`'s last result and the parts it folded (captures by identity, digests by value). */
  const hashMemo = { valid: false, sysr: undefined as object | undefined, mmuOff: undefined as object | undefined, livelock: undefined as object | undefined, trans: 0, shadow: 0, value: 0 };
  const set: CheckerSet = {
    rules,
    snapshot: (): CheckerSnapshot => ({
      trans: trans.snapshot(),
      sysr: sysr.snapshot(),
      mmuOff: mmuOff.snapshot(),
      shadow: shadow?.snapshot(),
      isolation: isolation?.snapshot(),
      livelock: livelock?.snapshot(),
    }),
    // Fingerprint: the shadow memory's own (incremental, it is large), the other checkers' state structurally;
    // the translation rules' (descriptors walks used) and the livelock checker's once per capture: each is the same
    // capture while unchanged.
    stateHash: (): number => {
      // The system-register and MMU-off rules' captures are the same objects while unchanged: hashed once each, and
      // the whole folded again only when one of its parts moved (`hashMemo`).
      const sysrSnap = sysr.snapshot() as object;
      const mmuOffSnap = mmuOff.snapshot() as object;
      const l = livelock?.snapshot() as object | undefined;
      const transHash = trans.stateHash();
      const shadowHash = shadow?.stateHash() ?? 0;
      const memo = hashMemo;
      if (isolation === undefined && memo.valid && memo.sysr === sysrSnap && memo.mmuOff === mmuOffSnap && memo.livelock === l && memo.trans === transHash && memo.shadow === shadowHash) return memo.value;
      const h = checkerHasher.reset().hash(digestOnce(sysrSnap)).hash(digestOnce(mmuOffSnap));
      if (isolation !== undefined) hashValue(h, isolation.snapshot());
      const value = checkerLanes
        .reset(0x0c4e_c000)
        .digest(transHash)
        .digest(h.value())
        .digest(l !== undefined ? digestOnce(l) : 0)
        .digest(shadowHash)
        .value();
      memo.valid = true;
      memo.sysr = sysrSnap;
      memo.mmuOff = mmuOffSnap;
      memo.livelock = l;
      memo.trans = transHash;
      memo.shadow = shadowHash;
      memo.value = value;
      return value;
    },
    restore: (s) => {
      // `undefined`: a checkpoint from before the checkers were attached — their state at attach time.
      const snap = s as CheckerSnapshot | undefined;
      trans.restore(snap?.trans);
      sink.forgetFirmwareCallsAfter(host.steps);
      sysr.restore(snap?.sysr);
      mmuOff.restore(snap?.mmuOff);
      if (snap?.shadow !== undefined) shadow?.restore(snap.shadow);
      else shadow?.clear();
      isolation?.restore(snap?.isolation);
      livelock?.restore(snap?.livelock);
    },
    detach: () => {
      for (const off of offs.reverse()) off();
      attached.delete(host);
    },
  };
  attached.set(host, set);
  return set;
}
