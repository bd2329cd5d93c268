/**
 * What of a parsed litmus test the simulator can run. Everything else is
 * refused with a message naming it, at its line and column — never turned
 * into a verdict:
 *
 *   - an architecture other than AArch64;
 *   - `Variant=` values other than vmsa/kvm (translation, which every
 *     generated scenario has), fatal/precise (a fault stops its thread, as
 *     the simulator's PE stops at a vector without code) and mixed;
 *     metadata that changes the machine (`TTHM`: hardware Access flag and
 *     dirty state updates);
 *   - instructions the assembler does not accept (its message is given), and
 *     those whose litmus meaning differs from a scenario's: `HLT` (a NOP in
 *     herd7, a halt here), exception-generating and returning instructions,
 *     `MSR`/`MRS`/`SYS`, `WFI`/`WFE`, directives;
 *   - registers, locations, labels or threads a condition names but the test
 *     does not have; more locations than the layout holds; descriptor values
 *     whose output address is a table page or whose attributes a page table
 *     cannot say (inner and outer cacheability differing, tagged memory).
 */
import { assembleText } from '../isa';
import type { Atom, FaultAtom, LitmusDiagnostic, LitmusTest, Prop, PteValue, SourceRange } from './ast';
import { el0Threads, LAYOUT, MAX_LOCATIONS, memoryAttributes } from './layout';

const ACCEPTED_VARIANTS = new Set(['vmsa', 'kvm', 'fatal', 'precise', 'mixed', 'dontcheckmixed']);
/** Metadata keys that change the machine herd7 models, which a scenario does not reproduce. */
const REFUSED_INFO: Record<string, string> = {
  TTHM: 'hardware updates of the Access flag and dirty state (TTHM)',
  Scopes: 'scopes (GPU models)',
  Levels: 'memory levels (GPU models)',
  MemoryMap: 'a memory map',
};
/** Instructions refused although the assembler knows them: their meaning in a litmus test differs, or they leave the test's world. */
const REFUSED_MNEMONICS: Record<string, string> = {
  hlt: 'HLT is a NOP in herd7 but stops the PE here',
  brk: 'a breakpoint exception',
  svc: 'a supervisor call (an exception)',
  hvc: 'a hypervisor call (an exception)',
  smc: 'a secure monitor call (an exception)',
  eret: 'an exception return',
  msr: 'a system register write',
  mrs: 'a system register read',
  sys: 'a system instruction',
  sysl: 'a system instruction',
  wfi: 'waiting for an interrupt',
  wfe: 'waiting for an event',
};
/** Names the generated scenario uses itself. */
const RESERVED = /^(P[0-9]+(_.*)?|pte_.*|phy_.*|litmus|ram|MAIR_DEFAULT)$/;
const SCENARIO_LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * An instruction as the assembler reads it. herd7 writes shifts and extends
 * without a space before the immediate (`LSL#2`, `SXTW#0`); GNU as syntax
 * separates them.
 */
export function assemblyText(text: string): string {
  return text.replace(/\b(LSL|LSR|ASR|ROR|UXTB|UXTH|UXTW|UXTX|SXTB|SXTH|SXTW|SXTX)#/gi, '$1 #');
}

/** Every construct of `test` the simulator cannot run, as refusals (empty: the test is supported). */
export function checkLitmus(test: LitmusTest): LitmusDiagnostic[] {
  const out: LitmusDiagnostic[] = [];
  const refuse = (message: string, range: SourceRange): void => void out.push({ kind: 'unsupported', message, range });
  const whole = test.condition.range;
  if (test.arch !== 'AArch64') refuse(`architecture '${test.arch}' is not supported: Armscope reads AArch64 litmus tests`, whole);
  for (const i of test.info) {
    const key = i.key;
    if (/^variant$/i.test(key)) {
      for (const v of i.value.split(/[,\s]+/).filter((x) => x.length > 0)) {
        if (!ACCEPTED_VARIANTS.has(v.toLowerCase())) refuse(`variant '${v}' is not supported (${[...ACCEPTED_VARIANTS].join(', ')})`, i.range);
      }
    } else if (key in REFUSED_INFO) refuse(`${key}: ${REFUSED_INFO[key]} is not supported`, i.range);
  }
  const threads = new Set(test.threads.map((t) => t.id));
  for (const p of el0Threads(test)) if (!threads.has(p)) refuse(`EL0=P${p}: the test has no thread P${p}`, test.info.find((i) => i.key === 'EL0')!.range);
  // Locations.
  if (test.symbols.length > MAX_LOCATIONS) refuse(`${test.symbols.length} locations: a test may have at most ${MAX_LOCATIONS} (one 4 KB page each)`, whole);
  for (const s of test.symbols) {
    const at = test.init.find((e) => e.loc.kind !== 'reg' && e.loc.sym === s)?.range ?? whole;
    if (!SCENARIO_LABEL.test(s)) refuse(`location name '${s}' cannot be a scenario label (letters, digits and '_')`, at);
    else if (RESERVED.test(s)) refuse(`location name '${s}' is a name the generated scenario uses itself`, at);
  }
  // Initial state.
  const seen = new Map<string, SourceRange>();
  for (const e of test.init) {
    const key = e.loc.kind === 'reg' ? `${e.loc.thread}:X${e.loc.reg}` : e.loc.kind === 'mem' ? e.loc.sym : `PTE(${e.loc.sym})`;
    if (seen.has(key)) refuse(`${key} is given an initial value twice`, e.range);
    seen.set(key, e.range);
    if (e.loc.kind === 'reg' && !threads.has(e.loc.thread)) refuse(`${key}: the test has no thread P${e.loc.thread}`, e.range);
    if (e.loc.kind === 'reg' && e.type !== undefined && ['int8_t', 'uint8_t', 'int16_t', 'uint16_t', 'char', 'short'].includes(e.type))
      refuse(`${e.type} registers are not supported (compare registers as 32 or 64 bits)`, e.range);
    if (e.value?.kind === 'pte') checkDescriptor(e.value.pte, e.loc.kind === 'pte', refuse, e.range);
    if (e.loc.kind === 'pte' && e.value !== undefined && e.value.kind !== 'pte') refuse(`PTE(${e.loc.sym}) needs a descriptor value (oa:PA(…), …)`, e.range);
  }
  // Code.
  for (const t of test.threads) {
    const labels = new Map<string, number>();
    t.code.forEach((ins, k) => {
      for (const l of ins.labels) {
        if (labels.has(l)) refuse(`label ${l} is defined twice in P${t.id}`, ins.range);
        labels.set(l, k);
      }
    });
    t.code.forEach((ins, k) => {
      if (ins.text.length === 0) return;
      const mnemonic = ins.text.split(/\s+/)[0].toLowerCase();
      if (mnemonic.startsWith('.')) return refuse(`P${t.id}: directive '${mnemonic}' is not an instruction`, ins.range);
      if (mnemonic in REFUSED_MNEMONICS) return refuse(`P${t.id}: '${ins.text}' is not supported: ${REFUSED_MNEMONICS[mnemonic]}`, ins.range);
      const pc = BigInt(LAYOUT.code) + BigInt(k * 4);
      const r = assembleText(assemblyText(ins.text), pc, (name) => (labels.has(name) ? BigInt(LAYOUT.code) + BigInt(labels.get(name)! * 4) : undefined));
      const errors = r.diagnostics.filter((d) => d.severity !== 'warning');
      if (errors.length > 0 || r.instr === undefined) refuse(`P${t.id}: '${ins.text}': ${errors.map((d) => d.message).join('; ') || 'not an instruction'}`, ins.range);
    });
  }
  // Condition, filter, locations.
  const checkAtom = (a: Atom): void => {
    if (a.kind === 'fault') return checkFault(test, a, refuse);
    if (a.loc.kind === 'reg' && !threads.has(a.loc.thread)) refuse(`${a.loc.thread}:X${a.loc.reg}: the test has no thread P${a.loc.thread}`, a.range);
    if (a.value.kind === 'pte') checkDescriptor(a.value.pte, a.loc.kind === 'pte', refuse, a.range);
  };
  const walk = (p: Prop | undefined): void => {
    if (p === undefined) return;
    if (p.kind === 'atom') checkAtom(p.atom);
    else if (p.kind === 'not') walk(p.operand);
    else if (p.kind === 'and' || p.kind === 'or') p.operands.forEach(walk);
    else if (p.kind === 'implies') {
      walk(p.left);
      walk(p.right);
    }
  };
  walk(test.condition.prop);
  walk(test.filter);
  for (const item of test.locations) {
    if (item.kind === 'fault') checkFault(test, item, refuse);
    else if (item.loc.kind === 'reg' && !threads.has(item.loc.thread)) refuse(`${item.loc.thread}:X${item.loc.reg}: the test has no thread P${item.loc.thread}`, item.range);
  }
  return out;
}

function checkFault(test: LitmusTest, f: FaultAtom, refuse: (m: string, r: SourceRange) => void): void {
  const t = test.threads.find((x) => x.id === f.thread);
  if (t === undefined) return refuse(`fault(P${f.thread}…): the test has no thread P${f.thread}`, f.range);
  if (f.label !== undefined && !t.code.some((i) => i.labels.includes(f.label!))) refuse(`fault(P${f.thread}:${f.label}…): P${f.thread} has no label ${f.label}`, f.range);
  if (f.loc?.kind === 'pte') refuse(`fault(…, PTE(${f.loc.sym})): a fault on a descriptor access is not supported`, f.range);
}

function checkDescriptor(p: PteValue, ownOa: boolean, refuse: (m: string, r: SourceRange) => void, range: SourceRange): void {
  if (p.oa.kind === 'pte-address') refuse(`oa:PTE(${p.oa.sym}): an output address in a table page is not supported`, range);
  else if (p.oa.sym === '' && !ownOa) refuse('a descriptor value needs an output address (oa:PA(x))', range);
  if (memoryAttributes(p.attrs) === undefined) refuse(`memory attributes (${p.attrs.join(', ')}) are not supported: a page table maps Normal memory with equal inner and outer cacheability, or Device memory`, range);
}
