/**
 * `armscope scenario2litmus`: a scenario that fits herd7's format — PEs
 * running plain code on memory locations — as an AArch64 litmus test, so a
 * pattern found here can run on hardware with litmus7 (or be checked by herd7).
 *
 *   each PE              a thread Pn: its entry's code block, labels without the `Pn_` prefix,
 *                        a final `hlt` (the scenario's end of thread) left out
 *   `xN = V` in `pe N`   `N:XN=V` (a data label is a location, `pte_x` is PTE(x), `phy_x` PA(x))
 *   `data x { .word V }` `x=V` (`.quad`: uint64_t, `.hword`: int16_t, `.byte`: int8_t)
 *   `data pte_x { … }`   `[PTE(x)]=…`, and a `map x to y …` line of a page table that says
 *                        something other than herd7's default descriptor: `[PTE(x)]=(oa:PA(y), …)`
 *   expectations         plain ones (`pe 1 w0 == 1`, `mem32[x] == 2`, `fault translation on pe 0 at x`)
 *                        are `forall` of their conjunction
 *
 * What does not fit is refused, naming it: devices, firmware, events, a PE
 * at another EL than 0 or 1, system registers other than the MMU set-up
 * (MAIR_EL1, TCR_EL1, TTBR0_EL1, SCTLR_EL1), code no PE enters, data blocks
 * of more than one value, expectations on findings or on halting.
 */
import type { CodeBlock, ExpectFormula, Expectation, ScenarioModel, SourceRange } from '../scenario/model';
import { herdPteText } from './outcome';
import { decodeDescriptor, defaultDescriptor, type Layout } from './layout';
import type { PteValue } from './ast';

export interface LitmusText {
  text?: string;
  /** What does not fit the format, each at the scenario range that holds it. */
  refusals: { message: string; range: SourceRange }[];
}

/** The system registers every generated scenario sets for its MMU; a litmus test assumes them. */
const MMU_SETUP = new Set(['mair_el1', 'tcr_el1', 'ttbr0_el1', 'sctlr_el1']);
const TYPE_OF_DIRECTIVE: Record<string, string | undefined> = { '.word': undefined, '.quad': 'uint64_t', '.hword': 'int16_t', '.byte': 'int8_t', '.dword': 'uint64_t' };
const DEVICE_ATTR: Record<string, string> = { device_ngnrne: 'Device-nGnRnE', device_ngnre: 'Device-nGnRE', device_ngre: 'Device-nGRE', device_gre: 'Device-GRE' };
const REG = /^[xw]([0-9]|[12][0-9]|30)$/;

/** Data labels by address: what a descriptor's output address can name. */
function dataPages(model: ScenarioModel): Pick<Layout, 'byAddress'> {
  const byAddress = new Map<number, string>();
  for (const c of model.code) {
    const at = c.kind === 'data' && c.name !== undefined ? model.symbols.get(c.name)?.value : undefined;
    if (at !== undefined && !c.name!.startsWith('pte_')) byAddress.set(Number(at), c.name!);
  }
  return { byAddress };
}

/** A register's initial value in herd7's words, with its type when it holds a descriptor. */
function registerValue(text: string, model: ScenarioModel, pages: Pick<Layout, 'byAddress'>): { value: string; type?: string } {
  const t = text.trim().replace(/_/g, '');
  if (/^0x[0-9a-f]+$/i.test(t)) {
    const pte = decodeDescriptor(BigInt(t), pages);
    if (pte !== undefined) return { value: herdPteText(pte), type: 'pteval_t' };
  }
  return { value: nameOfValue(text, model) };
}

function nameOfValue(text: string, model: ScenarioModel): string {
  const t = text.trim();
  if (/^pte_[A-Za-z_][A-Za-z0-9_]*$/.test(t)) return `PTE(${t.slice(4)})`;
  if (/^phy_[A-Za-z_][A-Za-z0-9_]*$/.test(t)) return `PA(${t.slice(4)})`;
  if (model.symbols.get(t)?.block?.kind === 'data') return t;
  const c = model.constants.get(t);
  if (c?.value !== undefined) return c.value.toString();
  return t.replace(/_/g, '');
}

function instructionText(line: CodeBlock['lines'][number], thread: number): string {
  const strip = (s: string): string => s.replace(new RegExp(`\\bP${thread}_([A-Za-z_][A-Za-z0-9_]*)`, 'g'), '$1');
  const ops = line.operands.map((o) => strip(o.text)).join(',');
  return `${line.mnemonic!.toUpperCase()}${ops.length > 0 ? ` ${ops}` : ''}`;
}

/** A `map` line's descriptor in herd7's words (the inverse of litmus2scenario's map words). */
function descriptorOfMap(words: string[]): PteValue | undefined {
  // map NAME to TARGET ATTRS…
  if (words[0] !== 'map' || words[2] !== 'to' || !/^[A-Za-z_]/.test(words[1])) return undefined;
  const p = defaultDescriptor(words[3]);
  const rest = new Set(words.slice(4));
  if (rest.has('ro')) p.db = 0;
  if (rest.has('uxn') || rest.has('xn')) p.x = 0;
  if (!rest.has('el0')) p.el0 = 0;
  if (rest.has('noaf')) p.af = 0;
  const sh = rest.has('osh') ? 'OSH' : rest.has('nsh') ? 'NSH' : 'ISH';
  const device = [...rest].find((w) => w.startsWith('device_'));
  if (device !== undefined) p.attrs = [DEVICE_ATTR[device] ?? device];
  else if (rest.has('normal_wt')) p.attrs = [sh, 'iWT', 'oWT'];
  else if (rest.has('normal_nc')) p.attrs = [sh, 'iNC', 'oNC'];
  else if (sh !== 'ISH') p.attrs = [sh];
  return p;
}

function expectationAtom(e: Expectation, refuse: (m: string, r: SourceRange) => void): string | undefined {
  switch (e.kind) {
    case 'register': {
      const m = REG.exec(e.register);
      if (!m) return void refuse(`expectation '${e.text}': only X and W registers are litmus locations`, e.range);
      const atom = `${e.pe}:X${m[1]}=${e.value.text.replace(/_/g, '')}`;
      return e.op === '==' ? atom : `not (${atom})`;
    }
    case 'memory': {
      if (e.view !== undefined) return void refuse(`expectation '${e.text}': a view of memory (in memory, seen by pe N) has no litmus form`, e.range);
      const atom = `[${e.address.text}]=${e.value.text.replace(/_/g, '')}`;
      return e.op === '==' ? atom : `not (${atom})`;
    }
    case 'fault': {
      if (e.pe === undefined) return void refuse(`expectation '${e.text}': a litmus fault names its thread (on pe N)`, e.range);
      const type = e.fault === 'translation' ? 'MMU:Translation' : e.fault === 'access-flag' ? 'MMU:AccessFlag' : e.fault === 'permission' ? 'MMU:Permission' : undefined;
      if (type === undefined) return void refuse(`expectation '${e.text}': a ${e.fault} fault has no litmus form`, e.range);
      const at = e.at?.text;
      const label = at !== undefined && new RegExp(`^P${e.pe}_`).test(at) ? at.replace(/^P[0-9]+_/, '') : undefined;
      const loc = at !== undefined && label === undefined ? `,${at}` : '';
      return `fault(P${e.pe}${label !== undefined ? `:${label}` : ''}${loc},${type})`;
    }
    default:
      return void refuse(`expectation '${e.text}' has no litmus form (register, memory and fault expectations do)`, e.range);
  }
}

export function scenarioToLitmus(model: ScenarioModel, name = model.title ?? 'test'): LitmusText {
  const refusals: LitmusText['refusals'] = [];
  const refuse = (message: string, range: SourceRange): void => void refusals.push({ message, range });
  const whole: SourceRange = { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
  if (model.system.devices.length > 0) refuse(`devices (${model.system.devices.map((d) => d.name).join(', ')}) have no litmus form`, model.system.devices[0].range);
  if (model.events.length > 0) refuse('events have no litmus form', model.events[0].range);
  // An `explore` block says how to explore the scenario, not what it is: a litmus test has no form for it and needs none.
  for (const b of model.blocks) if (b.keyword !== 'pagetable' && b.keyword !== 'explore') refuse(`'${b.keyword}' blocks have no litmus form`, b.range);
  const n = model.system.pes;
  const init: string[] = [];
  const threads: string[][] = [];
  const entered = new Set<CodeBlock>();
  let vmsa = false;
  const pages = dataPages(model);
  for (let id = 0; id < n; id++) {
    const decls = model.pes.filter((p) => p.ids.includes(id));
    const el = decls.reduce<number | undefined>((a, p) => p.el ?? a, undefined);
    if (el !== undefined && el > 1) refuse(`PE ${id} runs at EL${el}: litmus threads run at EL0 or EL1`, decls.find((p) => p.el !== undefined)!.range);
    const entry = decls.reduce<string | undefined>((a, p) => p.entry?.text ?? a, undefined);
    const block = model.code.find((c) => c.kind === 'code' && (c.name === entry || c.lines.some((l) => l.labels.some((x) => x.name === entry))));
    if (entry === undefined || block === undefined) {
      refuse(`PE ${id} has no entry code block`, decls[0]?.range ?? whole);
      continue;
    }
    entered.add(block);
    for (const d of decls) {
      for (const r of d.registers) {
        if (MMU_SETUP.has(r.name.toLowerCase())) continue;
        const m = REG.exec(r.name.toLowerCase());
        if (!m) refuse(`PE ${id}: register ${r.name} has no litmus form (X0–X30, and the MMU set-up ${[...MMU_SETUP].join(', ')})`, r.range);
        else {
          const v = registerValue(r.value.text, model, pages);
          init.push(`${v.type !== undefined ? `${v.type} ` : ''}${id}:X${m[1]}=${v.value};`);
        }
      }
    }
    const lines = [...block.lines];
    const last = lines[lines.length - 1];
    if (last?.mnemonic === 'hlt' && last.labels.length === 0) lines.pop();
    const cells: string[] = [];
    // A label on a line of its own labels the next instruction (one cell, as herd7 writes `L0: LDR …`).
    let labels = '';
    for (const l of lines) {
      labels += l.labels.map((x) => `${x.name.replace(new RegExp(`^P${id}_`), '')}: `).join('');
      if (l.mnemonic === undefined) continue;
      if (l.mnemonic.startsWith('.')) refuse(`PE ${id}: directive '${l.mnemonic}' in code has no litmus form`, l.range);
      cells.push(`${labels}${instructionText(l, id)}`);
      labels = '';
    }
    if (labels.length > 0) cells.push(labels.trim());
    threads.push(cells);
  }
  for (const c of model.code) if (c.kind === 'code' && !entered.has(c)) refuse(`code block ${c.name ?? ''} is not a PE's entry: a litmus thread is one column of code`, c.range);
  // Locations.
  for (const c of model.code) {
    if (c.kind !== 'data') continue;
    const values = c.lines.filter((l) => l.mnemonic !== undefined);
    if (values.length !== 1 || values[0].operands.length !== 1 || !(values[0].mnemonic! in TYPE_OF_DIRECTIVE)) {
      refuse(`data ${c.name ?? ''}: a litmus location holds one value (.word, .quad, .hword or .byte)`, c.range);
      continue;
    }
    const v = nameOfValue(values[0].operands[0].text, model);
    if (c.name?.startsWith('pte_')) {
      vmsa = true;
      init.push(`[PTE(${c.name.slice(4)})]=${registerValue(values[0].operands[0].text, model, pages).value};`);
      continue;
    }
    const type = TYPE_OF_DIRECTIVE[values[0].mnemonic!];
    init.push(`${type !== undefined ? `${type} ` : ''}${c.name ?? ''}=${v};`);
  }
  for (const b of model.blocks.filter((x) => x.keyword === 'pagetable')) {
    for (const line of b.body) {
      const words = line.words.map((w) => w.text);
      const p = descriptorOfMap(words);
      if (p === undefined || /^P[0-9]+$/.test(words[1])) continue;
      const text = herdPteText(p);
      if (text !== herdPteText(defaultDescriptor(words[1]))) {
        vmsa = true;
        init.push(`[PTE(${words[1]})]=${text};`);
      }
    }
  }
  // Condition: plain (`always`) expectations are `forall` of their conjunction; one `sometimes E` / `never E`
  // (herd7's `exists (E)` / `~exists (E)`) is the test's condition on its own — a litmus test has one.
  const atoms: string[] = [];
  const formula = (f: ExpectFormula): string | undefined => {
    if (f.kind === 'atom') {
      if (f.atom.kind === 'fault') vmsa = true;
      return expectationAtom(f.atom, refuse);
    }
    if (f.kind === 'not') {
      const o = formula(f.operand);
      return o === undefined ? undefined : `not (${o})`;
    }
    const l = formula(f.left);
    const r = formula(f.right);
    return l === undefined || r === undefined ? undefined : `(${l} ${f.kind === 'and' ? '/\\' : '\\/'} ${r})`;
  };
  let quantifier: 'forall' | 'exists' | '~exists' = 'forall';
  const quantified = model.expectations.filter((e) => e.quantifier === 'sometimes' || e.quantifier === 'never');
  if (quantified.length > 0 && model.expectations.length > 1) {
    refuse(`a litmus test has one condition: '${quantified[0].text}' cannot be joined with the other expectations`, quantified[0].range);
  }
  if (quantified.length > 0) quantifier = quantified[0].quantifier === 'never' ? '~exists' : 'exists';
  for (const e of model.expectations) {
    const a = e.kind === 'condition' ? formula(e.formula) : expectationAtom(e, refuse);
    if (a !== undefined) atoms.push(a);
    if (e.kind === 'fault') vmsa = true;
  }
  // Descriptors in the initial state: herd7 reads them only in its VMSA variant.
  if (init.some((i) => i.includes('PTE(') || i.startsWith('pteval_t'))) vmsa = true;
  if (refusals.length > 0) return { refusals };
  const width = Math.max(3, ...threads.flat().map((c) => c.length));
  const rows = Math.max(0, ...threads.map((t) => t.length));
  const row = (cells: string[]): string => ` ${cells.map((c) => c.padEnd(width)).join(' | ')} ;`;
  const out = [`AArch64 ${name}`];
  if (vmsa) out.push('Variant=vmsa');
  out.push('{', ...init.map((i) => ` ${i}`), '}');
  out.push(row(threads.map((_t, i) => `P${i}`)));
  for (let r = 0; r < rows; r++) out.push(row(threads.map((t) => t[r] ?? '')));
  out.push(`${quantifier} (${atoms.length > 0 ? atoms.join(' /\\ ') : 'true'})`);
  return { text: out.join('\n') + '\n', refusals };
}
