/**
 * The scopes of a stopped PE as trees of plain nodes: general registers,
 * system registers (decoded by the register table), caches (per cache, the
 * copies with state, attributes and data), TLB, translation tables (decoded
 * descriptors from the base down), interrupt lines, faults and findings.
 * Everything comes from simulator APIs; this file only arranges it.
 */
import { decodePstate, decodeValue, fieldValueText, type DecodedField } from '../simulator/arch/index';
import { CacheHierarchy, type LineCopyView } from '../simulator/cache/index';
import type { Machine } from '../simulator/engine/machine';
import { describeTlb } from '../simulator/mmu/view';
import { translationTables, type DescriptorNode, type TranslationTable } from '../simulator/mmu/tableTree';
import { VmsaMmu } from '../simulator/mmu/vmsa';
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
  return fields
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
  out.push({ name: 'Interrupts', children: () => interrupts(pe), expensive: false });
  out.push({ name: 'Faults & findings', children: () => faultsAndFindings(machine), expensive: false });
  return out;
}
