/**
 * The FF-A scope (built-in firmware): the endpoint on each PE with its calls
 * in progress, the FF-A exchange of the stopped PE (the call log with repeating
 * sequences folded, so a livelock's ping-pong shows once with its count),
 * partitions and their vCPUs, memory transactions by handle. The data comes
 * from the firmware's query and view APIs (simulator/firmware/query.ts, view.ts).
 */
import type { Firmware } from '../../simulator/firmware/firmware';
import { callArguments, callExchange, type CallGroup } from '../../simulator/firmware/query';
import { ffaStateView, type PartitionView } from '../../simulator/firmware/view';
import type { FirmwareCallRecord } from '../../simulator/firmware/state';
import { hex } from '../../simulator/util/hex';
import { indexedOf, named, type Children, type VarNode } from '../handles';
import { formatMemoryReference } from '../memory';

function vcpuText(v: PartitionView['vcpus'][number]): string {
  return `${v.state} on PE${v.pe}${v.pendingVirq.length ? `, vIRQ pending ${v.pendingVirq.join(',')}` : ''}${v.activeVirq.length ? `, vIRQ active ${v.activeVirq.join(',')}` : ''}`;
}

function callNode(fw: Firmware, c: FirmwareCallRecord): VarNode {
  return {
    name: `step ${c.step}: ${c.function}`,
    value: `${hex(c.caller, 4)}${c.callee !== undefined ? `→${hex(c.callee, 4)}` : ''} → ${c.result}${c.line !== undefined ? ` (line ${c.line + 1})` : ''}`,
    children: named(() => [
      { name: 'arguments', value: callArguments(fw, c) || '(none)' },
      { name: 'result', value: c.result },
      ...(c.detail ? [{ name: 'what the firmware did', value: c.detail }] : []),
      ...(c.line !== undefined ? [{ name: 'line', value: String(c.line + 1) }] : []),
    ]),
  };
}

/** One group of the exchange: a single call, or a sequence and how often it repeated in a row. */
function groupNode(fw: Firmware, g: CallGroup): VarNode {
  if (g.repeats === 1 && g.calls.length === 1) return callNode(fw, g.calls[0]);
  const names = g.calls.map((c) => `${c.function} → ${c.result}`).join('; ');
  return {
    name: `×${g.repeats} from step ${g.steps[0]}: ${g.calls.map((c) => c.function).join(', ')}`,
    value: `repeats ${g.repeats} times in a row (steps ${g.steps.join(', ')}): ${names}`,
    children: named(() => g.calls.map((c) => callNode(fw, c))),
  };
}

/** The FF-A calls of PE `pe` (oldest first, the firmware keeps the last 500), repetitions folded. */
export function exchangeNode(fw: Firmware, pe: number): VarNode {
  const groups = callExchange(fw, pe);
  const repeating = groups.find((g) => g.repeats > 2);
  return {
    name: `FF-A exchange on PE${pe}`,
    value: `${groups.reduce((n, g) => n + g.calls.length * g.repeats, 0)} call(s)${repeating ? `; repeating ×${repeating.repeats}: ${repeating.calls.map((c) => c.function).join(', ')}` : ''}`,
    children: indexedOf(() => groups, (g) => groupNode(fw, g)),
  };
}

export function ffaScope(fw: Firmware, peCount: number, stoppedPe: number): Children {
  return named(() => {
    const v = ffaStateView(fw, peCount);
    const out: VarNode[] = [];
    out.push({
      name: 'endpoints on PEs',
      value: v.endpoints.map((e) => `PE${e.pe}: ${e.endpoint.name}`).join('; '),
      children: named(() =>
        v.endpoints.map((e) => ({
          name: `PE${e.pe}`,
          // The endpoint's name carries its ID (`SP 0x8001 (optee)`): shown once.
          value: `${e.endpoint.name}${e.calls.length ? `, ${e.calls.length} call(s) in progress` : ''}`,
          children: e.calls.length
            ? named(() => e.calls.map((f) => ({ name: f.name, value: `${hex(f.caller, 4)}→${hex(f.callee, 4)} ${f.secure ? 'S' : 'NS'}-EL${f.el} step ${f.step}${f.line !== undefined ? ` line ${f.line + 1}` : ''} args ${f.args.join(' ')}` })))
            : undefined,
        })),
      ),
    });
    out.push(exchangeNode(fw, stoppedPe));
    for (const p of v.partitions)
      out.push({
        name: `${p.name} (${hex(p.id, 4)})`,
        value: `S-EL${p.el}, ${p.vcpus.map((x) => x.state).join('/')}`,
        children: named(() => [
          ...p.vcpus.map((x, k) => ({ name: `vCPU ${k}`, value: vcpuText(x) })),
          { name: 'UUID', value: p.uuid },
          { name: 'entry', value: hex(p.entry) },
          { name: 'FF-A version', value: p.version },
          ...p.memory.map((m, k) => ({ name: `memory ${k}`, value: `${hex(m.base)} size ${hex(m.size)}`, memoryReference: formatMemoryReference('main', m.base) })),
          ...(p.rxtx ? [{ name: 'RX/TX', value: `TX ${hex(p.rxtx.tx)} RX ${hex(p.rxtx.rx)} ${p.rxtx.pages} page(s)${p.rxtx.rxFull ? ', RX full' : ''}` }] : []),
          ...(p.s2Root !== undefined ? [{ name: 'stage-2 root', value: hex(p.s2Root), memoryReference: formatMemoryReference('main', p.s2Root) }] : []),
        ]),
      });
    out.push({
      name: 'memory transactions',
      value: `${v.transactions.length}`,
      children: indexedOf(
        () => v.transactions,
        (t) => ({
          name: `handle ${t.handle}`,
          value: `${t.type} from ${hex(t.sender, 4)} to ${t.receivers.map((r) => hex(r.id, 4)).join(',')}`,
          children: named(() => [
            { name: 'attributes', value: `${hex(t.attributes)} ${t.attributesText}` },
            { name: 'flags', value: hex(t.flags) },
            ...t.receivers.map((r) => ({ name: `receiver ${hex(r.id, 4)}`, value: `permissions ${hex(r.permissions)}, retrieved ${r.retrieved}×` })),
            ...t.constituents.map((c, k) => ({ name: `constituent ${k}`, value: `${hex(c.address)} ${c.pages} page(s)`, memoryReference: formatMemoryReference('main', c.address) })),
          ]),
        }),
      ),
    });
    return out;
  });
}
