/**
 * The memory-system scopes: Caches, TLB and Translation. They can be large
 * (tens of thousands of cached copies, thousands of descriptors), so they are
 * lazy (`expensive`, built only when expanded), paged (indexed children, a
 * page at a time) and open with what this stop is about: the walk of the
 * faulting access (or of the PC) and the cached copies of the lines it read
 * and touched, and of the watched lines.
 */
import { cacheContents, copiesOfLines } from '../../simulator/cache/contents';
import type { CacheHierarchy, LineCopyView } from '../../simulator/cache/index';
import type { Machine } from '../../simulator/engine/machine';
import { translationTables, type DescriptorNode, type TranslationTable } from '../../simulator/mmu/tableTree';
import { describeTlb, describeTranslation, type TlbRow, type TranslationView } from '../../simulator/mmu/view';
import type { VmsaMmu } from '../../simulator/mmu/vmsa';
import type { Pe } from '../../simulator/pe/pe';
import type { FaultRecord } from '../../simulator/trace/events';
import { hex } from '../../simulator/util/hex';
import { indexedOf, named, type Children, type VarNode } from '../handles';
import { formatMemoryReference } from '../memory';
import { fieldNodes } from './registers';

/** What the stop is about, for the scopes that show it first. */
export interface StopFocus {
  /** The fault the stop is about, when it concerns this PE. */
  fault?: FaultRecord;
  /** Physical addresses the data breakpoints watch. */
  watched: number[];
  /** Physical addresses the stopped PE's next instruction accesses (a peek: asked only when shown). */
  nextAccesses: () => number[];
}

function lineWordNodes(l: LineCopyView): VarNode[] {
  const out: VarNode[] = [];
  for (let off = 0; off < l.data.length; off += 8) {
    let v = 0n;
    for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(l.data[off + b]);
    out.push({ name: `[${hex(l.pa + off)}]`, value: hex(v, 16), memoryReference: formatMemoryReference('main', l.pa + off), dataId: `mem:${l.pa + off}:8`, dataDescription: `write to ${hex(l.pa + off)}` });
  }
  return out;
}

/** One cached copy: `0x611_1800 Normal-WB OSH` = `M (dirty)`. */
export function lineNode(l: LineCopyView, withCache = false): VarNode {
  const flags = [l.dirty ? 'dirty' : 'clean', l.stale ? 'stale' : '', l.speculative ? 'speculative' : ''].filter((x) => x).join(', ');
  return {
    name: `${withCache ? `${l.cache} ` : ''}${hex(l.pa)} ${l.attrs}`,
    value: `${l.state} (${flags})`,
    memoryReference: formatMemoryReference('main', l.pa),
    dataId: `line:${l.pa}`,
    dataDescription: `cache line ${hex(l.pa)} changes state in any cache`,
    children: named(() => [
      { name: 'cache', value: l.cache },
      { name: 'state', value: l.state },
      { name: 'attributes', value: l.attrs },
      { name: 'set/way', value: `${l.set}/${l.way}` },
      { name: 'dirty', value: String(l.dirty) },
      { name: 'stale', value: String(l.stale) },
      { name: 'speculative', value: String(l.speculative) },
      { name: 'data', value: '64 bytes', children: named(() => lineWordNodes(l)) },
    ]),
  };
}

/** The walk this stop is about: of the faulting address at the EL that faulted, else of the PC. */
function focusWalk(mmu: VmsaMmu, pe: Pe, focus: StopFocus): { label: string; view: TranslationView } {
  const f = focus.fault;
  if (f?.va !== undefined && f.pe === pe.id) {
    const va = Number(BigInt.asIntN(64, f.va));
    return { label: `walk of FAR ${hex(f.va)} (the faulting access at EL${f.fromEl})`, view: describeTranslation(mmu, pe, va, { el: f.fromEl }) };
  }
  return { label: `walk of the PC ${hex(pe.getPc())} (EL${pe.el})`, view: describeTranslation(mmu, pe, pe.pc) };
}

function walkNode(label: string, v: TranslationView): VarNode {
  const result = v.fault ? `${v.fault.kind} fault, stage ${v.fault.stage} level ${v.fault.level}` : v.pa !== undefined ? `→ PA ${hex(v.pa)} ${v.attrs ?? ''}` : '';
  return {
    name: label,
    value: `${v.regime}: ${result}${v.tlb ? `; TLB holds ${hex(v.tlb.pa)}${v.tlb.stale ? ' (stale)' : ''}` : ''}`,
    children: named(() => [
      ...v.steps.map((s) => ({
        name: `stage ${s.stage} level ${s.level}${s.ipa !== undefined ? ` (IPA ${hex(s.ipa)})` : ''}`,
        value: `${hex(s.value, 16)} ${s.decoded.summary} — read ${s.attrs} at ${hex(s.descriptorPa)}`,
        memoryReference: formatMemoryReference('main', s.descriptorPa),
        dataId: `mem:${s.descriptorPa}:8`,
        dataDescription: `write to descriptor at ${hex(s.descriptorPa)}`,
        children: named(() => fieldNodes(s.decoded.fields)),
      })),
      ...(v.fault ? [{ name: 'fault', value: v.fault.reason }] : []),
    ]),
  };
}

/** Physical addresses the stop concerns: the walk's descriptors, the access's PA, the watched addresses. */
function focusAddresses(machine: Machine, pe: Pe, focus: StopFocus): number[] {
  const out: number[] = [];
  const mmu = machine.mmu as VmsaMmu;
  if (typeof mmu.derive === 'function') {
    const { view } = focusWalk(mmu, pe, focus);
    for (const s of view.steps) out.push(s.descriptorPa);
    if (view.pa !== undefined) out.push(view.pa);
  }
  if (focus.fault?.pa !== undefined) out.push(Number(focus.fault.pa));
  out.push(...focus.watched);
  return out;
}

/** Each line's copies in every cache or, when no cache holds it, one node saying so (`why` it is listed). */
function lineCopies(h: CacheHierarchy, pas: number[], why: string): VarNode[] {
  const lines = [...new Set(pas.map((pa) => pa - (pa % 64)))];
  return lines.flatMap((line): VarNode[] => {
    const copies = copiesOfLines(h, [line]);
    if (copies.length > 0) return copies.map((l) => lineNode(l, true));
    return [{ name: hex(line), value: `not cached${why}`, memoryReference: formatMemoryReference('main', line), dataId: `line:${line}`, dataDescription: `cache line ${hex(line)} changes state in any cache` }];
  });
}

/**
 * The lines this stop is about: first those the stopped PE's next instruction
 * touches (worked out by a peek when expanded: a step and back), then those of
 * the faulting walk and access and the watched addresses.
 */
function atThisStop(machine: Machine, h: CacheHierarchy, pe: Pe, focus: StopFocus): VarNode[] {
  const text = machine.instrAt(pe.pc)?.text ?? '(no code)';
  const next: VarNode = {
    name: `PE${pe.id}'s next instruction`,
    value: `${text} — the lines it reads and writes, table walks included`,
    children: named(() => lineCopies(h, focus.nextAccesses(), ` — PE${pe.id}'s next instruction accesses it`)),
  };
  return [next, ...lineCopies(h, focusAddresses(machine, pe, focus), '')];
}

export function cachesScope(machine: Machine, h: CacheHierarchy, pe: Pe, focus: StopFocus): Children {
  return named(() => {
    return [
      { name: 'at this stop', value: 'the lines of the faulting walk and access, of the next instruction and the watched addresses', children: named(() => atThisStop(machine, h, pe, focus)) },
      ...cacheContents(h).map((c) => ({
        name: c.name,
        value: `${c.valid} valid, ${c.dirty} dirty (L${c.level}, ${c.sets} sets × ${c.ways} ways, PE ${c.pes.join(',')})`,
        children: { indexed: { count: c.valid, page: (start: number, n: number) => c.page(start, n).map((l) => lineNode(l)) } },
      })),
    ];
  });
}

/** The PE's TLB entries, counted when the scope is listed and described a page at a time. */
export function tlbScope(mmu: VmsaMmu, pe: Pe): Children {
  let rows: TlbRow[] | undefined;
  return {
    indexed: {
      get count() {
        return mmu.tlbEntries(pe).length;
      },
      page: (start, n) =>
        (rows ??= describeTlb(mmu, pe)).slice(start, start + n).map((r) => ({ name: `${r.context} ${r.input}`, value: `→ ${r.output} ${r.attrs} ${r.permissions} (level ${r.level})` })),
    },
  };
}

type TableEntry = { node: DescriptorNode } | { invalid: number };

/** A table's valid entries, then how many are invalid (511 invalid entries are counted, not listed). */
function tableEntries(nodes: DescriptorNode[], invalid: number | undefined): TableEntry[] {
  const out: TableEntry[] = nodes.map((node) => ({ node }));
  if (invalid) out.push({ invalid });
  return out;
}

function entryNode(e: TableEntry, inputName: string): VarNode {
  return 'node' in e ? descriptorNode(e.node, inputName) : { name: 'invalid entries', value: String(e.invalid) };
}

function descriptorChildren(n: DescriptorNode, inputName: string): Children {
  const head = (): VarNode[] => [
    { name: 'descriptor at', value: hex(n.descriptorPa), memoryReference: formatMemoryReference('main', n.descriptorPa) },
    { name: 'fields', value: n.decoded.type, children: named(() => fieldNodes(n.decoded.fields)) },
    ...(n.unresolved ? [{ name: 'next level', value: n.unresolved }] : []),
  ];
  const expand = n.expand;
  if (!expand) return named(head);
  // The next-level table is read when this descriptor is expanded (to count its entries), not before.
  const next: VarNode = {
    name: `level ${n.level + 1} table`,
    value: 'the descriptors it holds',
    children: indexedOf(
      () => {
        expand();
        return tableEntries(n.children ?? [], n.invalidChildren);
      },
      (e) => entryNode(e, inputName),
    ),
  };
  return named(() => [...head(), next]);
}

function descriptorNode(n: DescriptorNode, inputName: string): VarNode {
  return {
    name: `[${n.index}] ${inputName} ${hex(n.inputBase)}`,
    value: `${hex(n.value, 16)} ${n.decoded.summary}`,
    memoryReference: formatMemoryReference('main', n.descriptorPa),
    dataId: `mem:${n.descriptorPa}:8`,
    dataDescription: `write to descriptor at ${hex(n.descriptorPa)}`,
    children: descriptorChildren(n, inputName),
  };
}

function tableNode(t: TranslationTable): VarNode {
  const input = t.stage === 2 ? 'IPA' : 'VA';
  return {
    name: `${t.name} stage ${t.stage}`,
    value: t.enabled
      ? `${t.regime}: base ${hex(t.base)}${t.basePa !== undefined && t.basePa !== t.base ? ` (PA ${hex(t.basePa)})` : ''}, level ${t.startLevel}, ${t.inputBits}-bit ${input}, walks ${t.walkAttrs}${t.note ? ` — ${t.note}` : ''}`
      : `${t.regime}: ${t.note ?? 'disabled'}`,
    children: t.enabled ? indexedOf(() => tableEntries(t.entries, t.invalidEntries), (e) => entryNode(e, input)) : undefined,
  };
}

export function translationScope(machine: Machine, pe: Pe, focus: StopFocus): Children {
  return named(() => {
    const out: VarNode[] = [];
    const mmu = machine.mmu as VmsaMmu;
    if (typeof mmu.derive === 'function') {
      const w = focusWalk(mmu, pe, focus);
      out.push(walkNode(w.label, w.view));
    }
    out.push(...translationTables(machine.memory, pe, pe.el, { lazy: true }).map(tableNode));
    return out;
  });
}
