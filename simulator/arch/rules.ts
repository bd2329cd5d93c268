/**
 * THE rule registry: every architectural rule a run can report as a finding,
 * with what it means, where the Arm ARM (or FF-A) states it, how to fix code
 * that breaks it, whether it needs `cache_model on`, and which layer reports
 * it. One source for: the checkers and the firmware (they report only ids
 * from here), expectation validation (`finding RULE` / `no finding RULE`
 * with an unknown id is an error with a "did you mean"), completion in the
 * editor, the debugger's exception filters, the grammar's word list and the
 * rule table in docs/memory-model.md (test/checks/rules.test.ts keeps it
 * equal to this table).
 *
 * It lives in arch/ (architecture knowledge, importing nothing) so the
 * scenario language below the checkers and the firmware can use it.
 */

export type RuleOwner = 'checks' | 'firmware';

export interface RuleDef {
  readonly id: string;
  /** Severity of the rule's findings (a rule may also report a milder form, e.g. `stale-descriptor` that happened to work). */
  readonly severity: 'error' | 'warning';
  /** What the rule detects, in one sentence. */
  readonly summary: string;
  /** Where the architecture states the rule. */
  readonly reference: string;
  /** How code that breaks it is fixed. */
  readonly fix: string;
  /** Reported only with `cache_model on` (it is about cached copies and their attributes). */
  readonly needsCacheModel: boolean;
  /** The layer that reports it: the checkers (simulator/checks) or the built-in firmware (simulator/firmware). */
  readonly owner: RuleOwner;
  /**
   * Reported by a checker `attachCheckers` attaches (checks/index.ts: the
   * checkers' rules and the firmware's checkers over its hooks); false for what
   * the firmware reports itself as it runs (the EL3 monitor's panic).
   */
  readonly checker: boolean;
  /** A finding of it ends the run because the run can make no progress (the debugger's "Livelock" filter stops on it). */
  readonly livelock: boolean;
  /**
   * Where the fix is mechanical: the instructions to insert after the write a
   * finding names as related (the editor's quick fix), for findings of
   * `severities` only when given.
   */
  readonly barrierFix?: { readonly insert: readonly string[]; readonly severities?: readonly ('error' | 'warning' | 'info')[] };
}

const rule = <I extends string>(d: RuleDef & { id: I }): RuleDef & { id: I } => d;

export const RULES = [
  rule({
    id: 'mismatched-attributes',
    severity: 'error',
    summary: 'One location accessed with different memory attributes (cacheability or shareability) without the maintenance that keeps the copies coherent.',
    reference: 'Arm ARM B2.8 "Mismatched memory attributes"',
    fix: 'Use the same attributes for every access to a location, or clean and invalidate to the PoC between accesses with different attributes.',
    needsCacheModel: true,
    checker: true,
    livelock: false,
    owner: 'checks',
  }),
  rule({
    id: 'mmu-off-with-dirty-lines',
    severity: 'error',
    summary: 'An access made with the stage-1 MMU off (Device-nGnRnE) found dirty cache lines for its location.',
    reference: 'Arm ARM D8.2.11 "The effects of disabling an address translation stage", B2.8',
    fix: 'Clean to the PoC (DC CVAC/CIVAC, then DSB) data written with the MMU on before it is accessed with the MMU off.',
    needsCacheModel: true,
    checker: true,
    livelock: false,
    owner: 'checks',
  }),
  rule({
    id: 'pou-where-poc-needed',
    severity: 'error',
    summary: 'A non-cacheable observer read data that DC CVAU had cleaned only to the Point of Unification.',
    reference: 'Arm ARM D7.4.6 "Points of coherency and unification", D7.5.9',
    fix: 'Clean to the Point of Coherency with DC CVAC (or DC CIVAC).',
    needsCacheModel: true,
    checker: true,
    livelock: false,
    owner: 'checks',
  }),
  rule({
    id: 'stale-descriptor',
    severity: 'error',
    summary: 'A translation table walk read a descriptor older than the latest write to it, or one whose write no DSB of a domain including the walking PE had completed.',
    reference: 'Arm ARM D8.2.6 "Ordering of memory accesses from translation table walks", B2.3.12',
    fix: 'After writing a descriptor: DSB of a domain that includes every PE that walks it (DSB ISH or OSH), and table memory attributes that match the walk attributes (TCR_ELx/VTCR_EL2 IRGN/ORGN/SH).',
    needsCacheModel: true,
    checker: true,
    livelock: false,
    owner: 'checks',
    // The warning form (no DSB after the table write): DSB makes the write visible to the walker, ISB orders the walk after it.
    // The error form (mismatched attributes) is not fixed by barriers.
    barrierFix: { insert: ['dsb ish', 'isb'], severities: ['warning'] },
  }),
  rule({
    id: 'break-before-make',
    severity: 'error',
    summary: 'A valid descriptor was replaced by a different valid one while the old translation could still be in a TLB that no TLBI (of the right scope) had cleared.',
    reference: 'Arm ARM D8.16.1 "Using break-before-make when updating translation table entries"',
    fix: 'Write an invalid descriptor, DSB, TLBI that covers the address, ASID/VMID, regime and every PE that may hold the entry (IS/OS form), DSB, then write the new descriptor.',
    needsCacheModel: false,
    checker: true,
    livelock: false,
    owner: 'checks',
  }),
  rule({
    id: 'tlbi-without-sync',
    severity: 'warning',
    summary: 'A translation used a TLB after a TLBI that no DSB had completed yet.',
    reference: 'Arm ARM D8.13.x "Ordering and completion of TLB maintenance instructions"',
    fix: 'Follow TLBI with DSB (of the TLBI\'s domain) and ISB before relying on the new translation.',
    needsCacheModel: false,
    checker: true,
    livelock: false,
    owner: 'checks',
    // TLBI completes only at a DSB; ISB then refetches with the new translation.
    barrierFix: { insert: ['dsb ish', 'isb'] },
  }),
  rule({
    id: 'sysreg-without-isb',
    severity: 'warning',
    summary: 'A memory access used the translation configuration after a write to SCTLR, TCR, TTBRn, MAIR, HCR_EL2, VTCR_EL2 or VTTBR_EL2 with no context synchronization in between.',
    reference: 'Arm ARM D24.1.2 "Synchronization of changes to System registers"',
    fix: 'Put an ISB after the register write.',
    needsCacheModel: false,
    checker: true,
    livelock: false,
    owner: 'checks',
    // A system register write is visible to later instructions only after a context synchronization event.
    barrierFix: { insert: ['isb'] },
  }),
  rule({
    id: 'ffa-livelock',
    severity: 'error',
    summary: 'The same cycle of FF-A calls repeats with no progress (e.g. FFA_ERROR(INTERRUPTED) answered with FFA_ERROR).',
    reference: 'FF-A v1.2 (DEN 0077) "Partition runtime models" and the FFA_MSG_SEND_DIRECT_RESP return values',
    fix: 'Break the cycle in the partition: handle the pending interrupt (unmask IRQs around the SMC), or answer the SPMC\'s return value as the ABI specifies.',
    needsCacheModel: false,
    checker: true,
    livelock: true,
    owner: 'firmware',
  }),
  rule({
    id: 'partition-isolation',
    severity: 'error',
    summary: 'A partition translated a page outside its manifest\'s memory that was never shared with it (an S-EL0 partition under HCR_EL2.{E2H,TGE}={1,1} through its EL2&0 table, an S-EL1 one through its stage 2).',
    reference: 'FF-A v1.2 (DEN 0077) "Partition isolation" (memory isolation between partitions); Arm ARM D8.1 (translation regimes)',
    fix: 'Give each partition tables that map only its own and shared memory (a stage 2 per S-EL1 partition; a separate EL2&0 table per S-EL0 partition).',
    needsCacheModel: false,
    checker: true,
    livelock: false,
    owner: 'firmware',
  }),
  rule({
    id: 'el3-panic',
    severity: 'error',
    summary: 'A Group 0 interrupt reached the EL3 monitor that the platform does not handle: TF-A panics (the run stops with the interrupt active).',
    reference: 'TF-A SPMD plat_spmd_handle_group0_interrupt; GIC IHI 0069 §4.6 (Group 0 interrupts are FIQs to EL3)',
    fix: 'Declare it with firmware { el3_interrupts INTID }, or make it Secure Group 1 for a partition.',
    needsCacheModel: false,
    checker: false,
    livelock: false,
    owner: 'firmware',
  }),
] as const;

/** A registered rule's id. */
export type RuleId = (typeof RULES)[number]['id'];

const BY_ID: ReadonlyMap<string, RuleDef> = new Map(RULES.map((r) => [r.id, r]));

/** Every rule id, in registry order. */
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

/** The rule with this id, if registered. */
export function findRule(id: string): RuleDef | undefined {
  return BY_ID.get(id);
}

/** Whether `id` is a registered rule. */
export function isRuleId(id: string): id is RuleId {
  return BY_ID.has(id);
}

/**
 * Ids of the rules the checkers attached to a machine report: the checkers'
 * own (only those that do not need the caches with `cache_model off`) and,
 * with the built-in firmware, its checkers'.
 */
export function checkerRules(opts: { cacheModel: boolean; firmware: boolean }): RuleId[] {
  return RULES.filter((r) => r.checker && (r.owner === 'checks' || opts.firmware) && (opts.cacheModel || !r.needsCacheModel)).map((r) => r.id);
}

/** Ids of the rules that end a run that can make no progress. */
export const LIVELOCK_RULES: readonly RuleId[] = RULES.filter((r) => r.livelock).map((r) => r.id);

/** Ids of the rules a layer reports. */
export function rulesOf(owner: RuleOwner): RuleId[] {
  return RULES.filter((r) => r.owner === owner).map((r) => r.id);
}

/**
 * The rule table for docs (`| rule | severity | needs cache_model on | what it detects | reference | fix |`),
 * kept in docs/memory-model.md between the `rules` markers.
 */
export function rulesMarkdownTable(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = RULES.map((r) => `| \`${r.id}\` | ${r.severity} | ${r.needsCacheModel ? 'yes' : 'no'} | ${r.owner} | ${cell(r.summary)} | ${cell(r.reference)} | ${cell(r.fix)} |`);
  return ['| rule | severity | needs `cache_model on` | reported by | what it detects | reference | fix |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}
