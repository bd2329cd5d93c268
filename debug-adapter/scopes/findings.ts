/**
 * The "Faults & findings" scope: every exception taken and every checker
 * finding so far, newest last, paged. A fault expands to its syndrome decoded
 * by the register table; a finding to its rule, where it happened, the lines
 * involved and what each related access did — and for a livelock, the FF-A
 * exchange that repeats.
 */
import { decodeValue } from '../../simulator/arch/index';
import type { Machine } from '../../simulator/engine/machine';
import { faultSummary } from '../../simulator/engine/report';
import type { FaultRecord, Finding } from '../../simulator/trace/events';
import { hex } from '../../simulator/util/hex';
import { named, type Children, type VarNode } from '../handles';
import { exchangeNode } from './ffa';
import { fieldNodes } from './registers';

function faultNode(f: FaultRecord): VarNode {
  return {
    name: `step ${f.step} PE${f.pe}`,
    value: `${faultSummary(f)}, ESR ${hex(f.esr)}${f.line !== undefined ? ` (line ${f.line + 1})` : ''}`,
    children: named(() => [
      { name: 'ESR', value: hex(f.esr), children: named(() => fieldNodes(decodeValue(`ESR_EL${Math.max(1, f.el)}`, f.esr)?.fields ?? [])) },
      ...(f.far !== undefined ? [{ name: 'FAR', value: hex(f.far) }] : []),
      ...(f.ipa !== undefined ? [{ name: 'IPA', value: hex(f.ipa) }] : []),
      ...(f.pa !== undefined ? [{ name: 'PA', value: hex(f.pa) }] : []),
      { name: 'PC', value: hex(f.pc) },
      ...(f.reason ? [{ name: 'reason', value: f.reason }] : []),
    ]),
  };
}

function findingNode(machine: Machine, fd: Finding): VarNode {
  const where = fd.line !== undefined ? ` line ${fd.line + 1}` : '';
  return {
    name: `finding ${fd.rule}`,
    value: `${fd.severity}${where}: ${fd.message}`,
    children: named(() => {
      const out: VarNode[] = [
        { name: 'rule', value: fd.rule },
        { name: 'severity', value: fd.severity },
        { name: 'message', value: fd.message },
      ];
      if (fd.pe !== undefined) out.push({ name: 'PE', value: String(fd.pe) });
      if (fd.step !== undefined) out.push({ name: 'step', value: String(fd.step) });
      const lines = [fd.line, ...fd.related].filter((l): l is number => l !== undefined);
      if (lines.length > 0) out.push({ name: 'lines', value: lines.map((l) => l + 1).join(', ') });
      const related = fd.relatedInfo ?? [];
      if (related.length > 0)
        out.push({ name: 'related accesses', value: `${related.length}`, children: named(() => related.map((r) => ({ name: `line ${r.line + 1}`, value: r.message }))) });
      if (fd.rule === 'ffa-livelock' && machine.firmware && fd.pe !== undefined) out.push(exchangeNode(machine.firmware, fd.pe));
      return out;
    }),
  };
}

/** Exceptions first, then findings; counted and paged without building the list. */
export function faultsAndFindingsScope(machine: Machine): Children {
  const exceptions = machine.exceptions;
  const findings = machine.findings;
  return {
    indexed: {
      count: exceptions.length + findings.length,
      page: (start, n) => {
        const out: VarNode[] = [];
        for (let i = start; i < Math.min(start + n, exceptions.length + findings.length); i++)
          out.push(i < exceptions.length ? faultNode(exceptions[i]) : findingNode(machine, findings[i - exceptions.length]));
        return out;
      },
    },
  };
}
