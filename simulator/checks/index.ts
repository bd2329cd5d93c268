/**
 * The architectural checkers (DESIGN.md "Architectural checkers"): beside
 * what happened, a run reports which architectural rule made it possible,
 * naming the source lines of both sides.
 *
 * `attachCheckers(machine)` subscribes to what the layers already publish:
 * - the cache hierarchy's observer (hazards, barriers, writes to watched descriptors);
 * - the MMU's observer (walk reads, TLB uses) — chained after any observer already set;
 * - trace events `sysreg-write` (SCTLR/TCR/TTBR… writes) and `exception`;
 * - TLBI: the MMU's `tlbi` entry point (the contract method), wrapped to notify first.
 * With `cache_model off` (flat memory) only the rules that do not need the
 * caches run: `break-before-make`, `tlbi-without-sync`, `sysreg-without-isb`.
 *
 * Rules (ids, references and fixes in the registry, simulator/arch/rules.ts):
 * mismatched-attributes, mmu-off-with-dirty-lines, pou-where-poc-needed
 * (memoryRules.ts), stale-descriptor, break-before-make, tlbi-without-sync
 * (translationRules.ts), sysreg-without-isb (sysregRules.ts).
 */
import { findRule, rulesOf, type RuleId } from '../arch/rules';
import { CacheHierarchy } from '../cache/hierarchy';
import type { MemAttrs } from '../memory/attributes';
import { ShareabilityDomains } from '../memory/shareability';
import type { MmuObserver } from '../mmu/types';
import type { Pe } from '../pe/pe';
import { FindingSink, type CheckerHost } from './host';
import { MemoryRules, MmuOffTracker } from './memoryRules';
import { SysregRules } from './sysregRules';
import { TranslationRules } from './translationRules';

export type { CheckerHost } from './host';

/** The rules these checkers report (the registry's `checks` rules, simulator/arch/rules.ts). */
export const CHECKER_RULES: readonly RuleId[] = rulesOf('checks');

/** Checker state joins the machine's checkpoints (engine/snapshot.ts Snapshottable). */
export interface CheckerSet {
  readonly rules: readonly string[];
  snapshot(): unknown;
  restore(s: unknown): void;
  detach(): void;
}

const POINT_NAMES: Record<string, string> = { l1: 'the L1 data cache', l2: 'the L2 cache', system: 'the system cache', memory: 'memory' };

const attached = new WeakMap<object, CheckerSet>();

/** Attach the checkers to a machine (idempotent: a second call returns the same set). */
export function attachCheckers(host: CheckerHost & { snapshottables?: { snapshot(): unknown; restore(s: unknown): void }[] }): CheckerSet {
  const existing = attached.get(host);
  if (existing) return existing;
  const sink = new FindingSink(host);
  const hier = host.memory instanceof CacheHierarchy ? host.memory : undefined;
  const shadow = hier?.enableShadow();
  const mmuOff = new MmuOffTracker();
  const memRules = new MemoryRules(sink, mmuOff, {
    pou: POINT_NAMES[hier?.config.pou ?? 'memory'],
    poc: POINT_NAMES[hier?.config.poc ?? 'memory'],
  }, (pa) => shadow?.writer(pa));
  const otherCopies = (pa: number, attrs: MemAttrs): string[] =>
    hier ? hier.linesOf(pa).filter((l) => l.dirty && l.attrs !== attrs.label).map((l) => `${l.cache} (${l.attrs}, ${l.state})`) : [];
  // The shareability domains coherence, barriers and broadcast TLBI share (the scenario's inner_domain).
  const domains = host.shareability ?? new ShareabilityDomains(host.pes.length);
  const trans = new TranslationRules(sink, host.pes, () => host.steps + 1, shadow, hier ? (pa) => hier.watchGranule(pa) : flatWatch(), otherCopies, domains);
  const sysr = new SysregRules(sink, host.pes.length);
  const offs: (() => void)[] = [];

  /**
   * Flat memory has no write hook: once a walk has used a descriptor, wrap the
   * memory system's `write` (the contract method) to see writes to watched
   * granules. Runs that never walk a table never pay for it.
   */
  function flatWatch(): (pa: number) => void {
    const mem = host.memory;
    const watched = new Set<number>();
    let installed = false;
    return (pa) => {
      watched.add(pa - (pa & 7));
      if (installed) return;
      installed = true;
      const write = mem.write;
      mem.write = (pe, wpa, size, lo, hi, attrs) => {
        write.call(mem, pe, wpa, size, lo, hi, attrs);
        if (watched.has(wpa - (wpa & 7))) trans.onDescriptorWrite(pe, wpa, size, lo, hi);
      };
      offs.push(() => {
        mem.write = write;
      });
    };
  }

  const onBarrier = (pe: Pe, kind: 'dmb' | 'dsb' | 'isb', option: string): void => {
    trans.onBarrier(pe, kind, option);
    if (kind === 'isb') sysr.synchronized(pe.id);
  };

  if (hier) {
    const prev = hier.observer;
    hier.observer = {
      hazard: (h) => {
        prev?.hazard?.(h);
        memRules.hazard(h);
      },
      barrier: (pe, kind, domain) => {
        prev?.barrier?.(pe, kind, domain);
        onBarrier(pe, kind, domain);
      },
      maintenance: prev?.maintenance?.bind(prev),
      watchedWrite: (pe, pa, size, lo, hi, attrs) => {
        prev?.watchedWrite?.(pe, pa, size, lo, hi, attrs);
        trans.onDescriptorWrite(pe, pa, size, lo, hi);
      },
    };
    offs.push(() => {
      hier.observer = prev;
    });
  } else {
    // Flat memory has no barrier hook of its own: add one (the PE calls it when present).
    const mem = host.memory;
    const prev = mem.barrier;
    mem.barrier = (pe, kind, domain) => {
      prev?.call(mem, pe, kind, domain);
      onBarrier(pe, kind, domain);
    };
    offs.push(() => {
      mem.barrier = prev;
    });
  }

  const mmu = host.mmu;
  const prevObs = mmu.observer;
  const obs: MmuObserver = {
    onWalkRead: (pe, r) => {
      prevObs?.onWalkRead?.(pe, r);
      trans.onWalkRead(pe, r);
      sysr.access(pe, r.va);
    },
    onTlbUse: (pe, u) => {
      prevObs?.onTlbUse?.(pe, u);
      trans.onTlbUse(pe, u);
      sysr.access(pe, u.va);
    },
    onTlbFill: (pe, e) => {
      prevObs?.onTlbFill?.(pe, e);
      trans.onTlbFill(pe, e);
    },
  };
  mmu.observer = obs;
  offs.push(() => {
    mmu.observer = prevObs;
  });
  const tlbi = mmu.tlbi;
  if (tlbi !== undefined) {
    mmu.tlbi = (pe, op, operand) => {
      trans.onTlbi(pe, op, operand);
      tlbi.call(mmu, pe, op, operand);
    };
    offs.push(() => {
      mmu.tlbi = tlbi;
    });
  }

  offs.push(
    host.trace.on('sysreg-write', (e) => {
      mmuOff.onSysregWrite(e.pe, e.register, e.value, e.line);
      const pe = host.pes[e.pe];
      if (pe) sysr.onSysregWrite(pe, e.register, e.line);
    }),
  );
  offs.push(host.trace.on('exception', (e) => sysr.synchronized(e.fault.pe)));
  // Built-in firmware (simulator/firmware) writes tables from its vector, which has no source line: findings name
  // the FF-A call it was handling instead (the PE's EL while handling tells the SPMC from the EL3 monitor).
  offs.push(
    host.trace.on('ffa-call', (e) =>
      sink.noteFirmwareCall(e.step, { pe: e.pe, el: host.pes[e.pe]?.el ?? 0, fn: e.function, caller: e.caller, line: e.line, detail: e.detail }),
    ),
  );

  const set: CheckerSet = {
    rules: hier ? CHECKER_RULES : CHECKER_RULES.filter((r) => !findRule(r)!.needsCacheModel),
    snapshot: () => ({ trans: trans.snapshot(), sysr: sysr.snapshot(), mmuOff: mmuOff.snapshot() }),
    restore: (s) => {
      const snap = s as { trans: unknown; sysr: unknown; mmuOff: unknown } | undefined;
      trans.restore(snap?.trans);
      sink.forgetFirmwareCallsAfter(host.steps);
      sysr.restore(snap?.sysr);
      mmuOff.restore(snap?.mmuOff);
    },
    detach: () => {
      for (const off of offs.reverse()) off();
      attached.delete(host);
    },
  };
  host.snapshottables?.push(set);
  attached.set(host, set);
  return set;
}
