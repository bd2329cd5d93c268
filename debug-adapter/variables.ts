/**
 * The scopes of a stopped PE as trees of plain nodes: general registers,
 * system registers (decoded by the register table), caches (per cache, the
 * copies with state, attributes and data), TLB, translation tables (decoded
 * descriptors from the base down), interrupt lines, faults and findings.
 * Everything comes from simulator APIs; this file only arranges it.
 */
import { byRelevance, decodePstate, decodeValue, fieldValueText, type DecodedField } from '../simulator/arch/index';
import { CacheHierarchy, type LineCopyView } from '../simulator/cache/index';
import type { Machine } from '../simulator/engine/machine';
import { describeTlb } from '../simulator/mmu/view';
import { translationTables, type DescriptorNode, type TranslationTable } from '../simulator/mmu/tableTree';
import { VmsaMmu } from '../simulator/mmu/vmsa';
import { decodeFfaMemoryAttributes } from '../simulator/arch/index';
import type { Firmware } from '../simulator/firmware/index';
import type { Gic } from '../simulator/gic/gic';
import { SPI_LAST } from '../simulator/gic/types';
import type { Pe } from '../simulator/pe/pe';
import { hex } from '../simulator/util/hex';

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  evaluateName?: string;
  /** `main:PA` or `peN:PA` (see session readMemory). */
  memoryReference?: string;
  /** Data breakpoint id when one can be set on it (`mem:PA:SIZE`, `line:PA`). */
  dataId?: string;
  dataDescription?: string;
  children?: () => VarNode[];
  /** Register the node names (for setVariable). */
  register?: string;
}

export interface ScopeDef {
  name: string;
  children: () => VarNode[];
  expensive: boolean;
  presentationHint?: 'registers' | 'locals';
}

function fieldNodes(fields: DecodedField[], prefix: string): VarNode[] {
  return byRelevance(fields)
    .filter((f) => f.kind !== 'res0' || f.violation)
    .map((f) => ({
      name: `${f.name} [${f.msb === f.lsb ? f.msb : `${f.msb}:${f.lsb}`}]`,
      value: `${fieldValueText(f)}  ${f.meaning}`,
      evaluateName: undefined,
      children: f.children && f.children.length > 0 ? () => fieldNodes(f.children!, prefix) : undefined,
    }));
}

function pstateValue(pe: Pe): bigint {
  // SPSR_ELx layout (Arm ARM C5.2.19): NZCV[31:28], IL[20], DAIF[9:6], M[3:0] = EL:SP.
  return BigInt((pe.nzcv() >>> 0) | ((pe.il & 1) << 20) | pe.daif() | (pe.el << 2) | pe.spsel);
}

function generalRegisters(machine: Machine, pe: Pe): VarNode[] {
  const out: VarNode[] = [];
  const q = `pe${pe.id}.`;
  for (let i = 0; i < 31; i++) {
    const v = pe.getX(i);
    out.push({ name: `x${i}`, value: hex(v), type: 'u64', evaluateName: `${q}x${i}`, memoryReference: `pe${pe.id}:${hex(v)}`, register: `x${i}` });
  }
  const sp = pe.getSp(pe.spsel === 0 ? 0 : pe.el);
  out.push({ name: 'sp', value: hex(sp), type: 'u64', evaluateName: `${q}sp`, memoryReference: `pe${pe.id}:${hex(sp)}`, register: 'sp' });
  const line = machine.lineOfPc(pe.pc);
  out.push({ name: 'pc', value: hex(pe.getPc()) + (line !== undefined ? `  (line ${line + 1})` : ''), type: 'u64', evaluateName: `${q}pc`, memoryReference: `pe${pe.id}:${hex(pe.getPc())}` });
  const ps = decodePstate(pstateValue(pe));
  out.push({ name: 'pstate', value: `EL${pe.el}${pe.spsel ? 'h' : 't'} NZCV=${(pe.nzcv() >>> 28).toString(2).padStart(4, '0')} DAIF=${(pe.daif() >>> 6).toString(2).padStart(4, '0')}`, children: () => fieldNodes(ps.fields, q) });
  for (let el = 0; el <= 3; el++) out.push({ name: `sp_el${el}`, value: hex(pe.getSp(el)), type: 'u64', evaluateName: `${q}sp_el${el}`, register: `sp_el${el}` });
  out.push({ name: 'state', value: pe.state + (pe.stopReason ? `: ${pe.stopReason}` : ''), type: 'string' });
  out.push({ name: 'instret', value: String(pe.instret), type: 'number' });
  return out;
}

function systemRegisters(pe: Pe): VarNode[] {
  const e2h = ((pe.readSysreg('HCR_EL2') >> 34n) & 1n) === 1n;
  return [...pe.sysregs.keys()].sort().map((name) => {
    const v = pe.sysregs.get(name) ?? 0n;
    const d = decodeValue(name, v, { e2h });
    return {
      name: name.toLowerCase(),
      value: hex(v),
      type: 'u64',
      evaluateName: `pe${pe.id}.${name.toLowerCase()}`,
      register: name,
      children: d ? () => fieldNodes(d.fields, `pe${pe.id}.`) : undefined,
    };
  });
}

function lineWordNodes(l: LineCopyView): VarNode[] {
  const out: VarNode[] = [];
  for (let off = 0; off < l.data.length; off += 8) {
    let v = 0n;
    for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(l.data[off + b]);
    out.push({ name: `[${hex(l.pa + off)}]`, value: hex(v, 16), memoryReference: `main:${hex(l.pa + off)}`, dataId: `mem:${l.pa + off}:8`, dataDescription: `write to ${hex(l.pa + off)}` });
  }
  return out;
}

/** One cached copy: `0x611_1800 Normal-WB OSH` = `M dirty`. */
export function lineNode(l: LineCopyView): VarNode {
  const flags = [l.dirty ? 'dirty' : 'clean', l.stale ? 'stale' : '', l.speculative ? 'speculative' : ''].filter((x) => x).join(', ');
  return {
    name: `${hex(l.pa)} ${l.attrs}`,
    value: `${l.state} (${flags})`,
    memoryReference: `main:${hex(l.pa)}`,
    dataId: `line:${l.pa}`,
    dataDescription: `cache line ${hex(l.pa)} changes state in any cache`,
    children: () => [
      { name: 'state', value: l.state },
      { name: 'attributes', value: l.attrs },
      { name: 'set/way', value: `${l.set}/${l.way}` },
      { name: 'dirty', value: String(l.dirty) },
      { name: 'stale', value: String(l.stale) },
      { name: 'speculative', value: String(l.speculative) },
      { name: 'data', value: '64 bytes', children: () => lineWordNodes(l) },
    ],
  };
}

function caches(h: CacheHierarchy): VarNode[] {
  return h.summaries().map((c) => ({
    name: c.name,
    value: `${c.valid} valid, ${c.dirty} dirty (L${c.level}, ${c.sets} sets × ${c.ways} ways, PE ${c.pes.join(',')})`,
    children: () => c.lines.map(lineNode),
  }));
}

function descriptorNode(n: DescriptorNode, inputName: string): VarNode {
  const d = n.decoded;
  const kids: VarNode[] = [];
  return {
    name: `[${n.index}] ${inputName} ${hex(n.inputBase)}`,
    value: `${hex(n.value, 16)} ${d.summary}`,
    memoryReference: `main:${hex(n.descriptorPa)}`,
    dataId: `mem:${n.descriptorPa}:8`,
    dataDescription: `write to descriptor at ${hex(n.descriptorPa)}`,
    children: () => {
      if (kids.length > 0) return kids;
      kids.push({ name: 'descriptor at', value: hex(n.descriptorPa), memoryReference: `main:${hex(n.descriptorPa)}` });
      kids.push({ name: 'fields', value: d.type, children: () => fieldNodes(d.fields, '') });
      if (n.unresolved) kids.push({ name: 'next level', value: n.unresolved });
      if (n.children) {
        for (const c of n.children) kids.push(descriptorNode(c, inputName));
        if (n.invalidChildren) kids.push({ name: 'invalid entries', value: String(n.invalidChildren) });
      }
      return kids;
    },
  };
}

function tableNode(t: TranslationTable): VarNode {
  const input = t.stage === 2 ? 'IPA' : 'VA';
  return {
    name: `${t.name} stage ${t.stage}`,
    value: t.enabled
      ? `${t.regime}: base ${hex(t.base)}${t.basePa !== undefined && t.basePa !== t.base ? ` (PA ${hex(t.basePa)})` : ''}, level ${t.startLevel}, ${t.inputBits}-bit ${input}, walks ${t.walkAttrs}${t.note ? ` — ${t.note}` : ''}`
      : `${t.regime}: ${t.note ?? 'disabled'}`,
    children: t.enabled
      ? () => [...t.entries.map((n) => descriptorNode(n, input)), ...(t.invalidEntries ? [{ name: 'invalid entries', value: String(t.invalidEntries) }] : [])]
      : undefined,
  };
}

function interrupts(pe: Pe): VarNode[] {
  const hcr = pe.readSysreg('HCR_EL2');
  return [
    { name: 'IRQ line', value: pe.irqLine ? 'asserted' : 'low' },
    { name: 'FIQ line', value: pe.fiqLine ? 'asserted' : 'low' },
    { name: 'vIRQ', value: pe.virqLine || ((hcr >> 7n) & 1n) === 1n ? 'pending' : 'none' },
    { name: 'vFIQ', value: pe.vfiqLine || ((hcr >> 6n) & 1n) === 1n ? 'pending' : 'none' },
    { name: 'SError', value: pe.serrorLine ? 'pending' : 'none' },
    { name: 'PSTATE.DAIF', value: (pe.daif() >>> 6).toString(2).padStart(4, '0') },
    { name: 'event register', value: String(pe.eventRegister) },
  ];
}

function faultsAndFindings(machine: Machine): VarNode[] {
  const out: VarNode[] = [];
  for (const f of machine.exceptions) {
    out.push({
      name: `step ${f.step} PE${f.pe}`,
      value: `${f.kind ? `${f.stage ? `stage ${f.stage} ` : ''}${f.kind}${f.level !== undefined ? ` level ${f.level}` : ''}` : f.type} EL${f.fromEl}→EL${f.el} ESR ${hex(f.esr)}${f.line !== undefined ? ` (line ${f.line + 1})` : ''}`,
      children: () => [
        { name: 'ESR', value: hex(f.esr), children: () => fieldNodes(decodeValue(`ESR_EL${Math.max(1, f.el)}`, f.esr)?.fields ?? [], '') },
        ...(f.far !== undefined ? [{ name: 'FAR', value: hex(f.far) }] : []),
        ...(f.ipa !== undefined ? [{ name: 'IPA', value: hex(f.ipa) }] : []),
        { name: 'PC', value: hex(f.pc) },
        ...(f.reason ? [{ name: 'reason', value: f.reason }] : []),
      ],
    });
  }
  for (const fd of machine.findings)
    out.push({ name: `finding ${fd.rule}`, value: `${fd.severity}${fd.line !== undefined ? ` line ${fd.line + 1}` : ''}: ${fd.message}` });
  return out;
}

function vcpuText(v: { state: string; pe: number; pendingVirq: number[]; activeVirq: number[] }): string {
  return `${v.state} on PE${v.pe}${v.pendingVirq.length ? `, vIRQ pending ${v.pendingVirq.join(',')}` : ''}${v.activeVirq.length ? `, vIRQ active ${v.activeVirq.join(',')}` : ''}`;
}

/** FF-A (simulator/firmware): endpoints per PE, partitions and their vCPUs, memory transactions by handle. */
function ffa(fw: Firmware, machine: Machine): VarNode[] {
  const out: VarNode[] = [];
  out.push({
    name: 'endpoints on PEs',
    value: machine.pes.map((p) => `PE${p.id}: ${fw.currentEndpoint(p.id).name}`).join('; '),
    children: () =>
      machine.pes.map((p) => {
        const e = fw.currentEndpoint(p.id);
        const chain = fw.st.pes[p.id]?.chain ?? [];
        return {
          name: `PE${p.id}`,
          value: `${e.name} (${hex(e.id, 4)})${chain.length ? `, ${chain.length} call(s) in progress` : ''}`,
          children: chain.length
            ? () => chain.map((f) => ({ name: f.name, value: `${hex(f.caller, 4)}→${hex(f.callee, 4)} ${f.secure ? 'S' : 'NS'}-EL${f.el} step ${f.step}${f.line !== undefined ? ` line ${f.line + 1}` : ''} args ${f.args.join(' ')}` }))
            : undefined,
        };
      }),
  });
  fw.cfg.partitions.forEach((decl, i) => {
    const st = fw.st.partitions[i];
    out.push({
      name: `${decl.name} (${hex(decl.id, 4)})`,
      value: `S-EL${decl.el}, ${st.vcpus.map((v) => v.state).join('/')}`,
      children: () => [
        ...st.vcpus.map((v, k) => ({ name: `vCPU ${k}`, value: vcpuText(v) })),
        { name: 'UUID', value: decl.uuidText },
        { name: 'entry', value: hex(decl.entry) },
        { name: 'FF-A version', value: `${st.version >> 16}.${st.version & 0xffff}` },
        ...decl.memory.map((m, k) => ({ name: `memory ${k}`, value: `${hex(m.base)} size ${hex(m.size)}` })),
        ...(st.rxtx ? [{ name: 'RX/TX', value: `TX ${hex(st.rxtx.tx)} RX ${hex(st.rxtx.rx)} ${st.rxtx.pages} page(s)${st.rxtx.rxFull ? ', RX full' : ''}` }] : []),
        ...(st.s2 ? [{ name: 'stage-2 root', value: hex((st.s2 as { root?: number }).root ?? 0) }] : []),
      ],
    });
  });
  out.push({
    name: 'memory transactions',
    value: `${fw.st.shares.length}`,
    children: () =>
      fw.st.shares.map((t) => {
        const a = decodeFfaMemoryAttributes(t.attributes);
        return {
          name: `handle ${t.handle}`,
          value: `${t.type} from ${hex(t.sender, 4)} to ${t.receivers.map((r) => hex(r.id, 4)).join(',')}`,
          children: () => [
            { name: 'attributes', value: `${hex(t.attributes)} ${a.type} ${a.cacheability} ${a.shareability}` },
            { name: 'flags', value: hex(t.flags) },
            ...t.receivers.map((r) => ({ name: `receiver ${hex(r.id, 4)}`, value: `permissions ${hex(r.permissions)}, retrieved ${r.retrieved}×` })),
            ...t.constituents.map((c, k) => ({ name: `constituent ${k}`, value: `${hex(c.address)} ${c.pages} page(s)`, memoryReference: `main:${hex(c.address)}` })),
          ],
        };
      }),
  });
  return out;
}

/** GIC (simulator/gic): the interrupts pending or active for PE `pe` (its SGIs/PPIs and the SPIs). */
function gic(g: Gic, pe: Pe): VarNode[] {
  const out: VarNode[] = [];
  for (let intid = 0; intid <= SPI_LAST; intid++) {
    const i = g.index(intid, pe.id);
    if (i < 0) continue;
    const pending = g.isPending(intid, pe.id);
    const active = g.isActive(intid, pe.id);
    if (!pending && !active) continue;
    const kind = intid < 16 ? 'SGI' : intid < 32 ? 'PPI' : 'SPI';
    const group = g.igroup[i] ? 'Group 1 NS' : g.igrpmod[i] ? 'Group 1 S' : 'Group 0';
    out.push({
      name: `INTID ${intid} (${kind})`,
      value: `${[pending ? 'pending' : '', active ? 'active' : ''].filter((x) => x).join(' and ')}, ${g.enabled[i] ? 'enabled' : 'disabled'}, priority ${hex(g.priority[i], 2)}, ${group}`,
    });
  }
  if (out.length === 0) out.push({ name: 'no interrupt pending or active', value: '' });
  out.push({ name: 'ICC_PMR_EL1', value: hex(g.pmr[pe.id] ?? 0, 2) });
  return out;
}

/** The scopes shown for a frame of PE `pe`. */
export function scopesFor(machine: Machine, pe: Pe): ScopeDef[] {
  const out: ScopeDef[] = [
    { name: 'Registers', children: () => generalRegisters(machine, pe), expensive: false, presentationHint: 'registers' },
    { name: 'System registers', children: () => systemRegisters(pe), expensive: false, presentationHint: 'registers' },
  ];
  const mem = machine.memory;
  if (mem instanceof CacheHierarchy) out.push({ name: 'Caches', children: () => caches(mem), expensive: false });
  const mmu = machine.mmu;
  if (mmu instanceof VmsaMmu) {
    out.push({
      name: 'TLB',
      children: () => describeTlb(mmu, pe).map((r) => ({ name: `${r.context} ${r.input}`, value: `→ ${r.output} ${r.attrs} ${r.permissions} (level ${r.level})` })),
      expensive: false,
    });
  }
  out.push({ name: 'Translation', children: () => translationTables(mem, pe).map(tableNode), expensive: false });
  const fw = (machine as { firmware?: Firmware }).firmware;
  if (fw) out.push({ name: 'FF-A', children: () => ffa(fw, machine), expensive: false });
  const g = (machine as { gic?: Gic }).gic;
  if (g) out.push({ name: 'GIC', children: () => gic(g, pe), expensive: false });
  out.push({ name: 'Interrupt lines', children: () => interrupts(pe), expensive: false });
  out.push({ name: 'Faults & findings', children: () => faultsAndFindings(machine), expensive: false });
  return out;
}
