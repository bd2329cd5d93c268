/**
 * The Memory model scope, under Arm's concurrency model (`memory_model
 * promising`; simulator/engine/promising.ts): which write each PE has seen of
 * each location. In Promising-ARM a read takes one message (write) of the
 * location's list, at or after the PE's coherence view of it, and moves that
 * view to it; a write moves it to the new message (Pulte et al., PLDI 2019 §3;
 * Arm ARM B2.3 coherence order). So the message at a PE's coherence view is
 * the write its last access to the location read or made: when it is older
 * than the newest, the PE read a stale value — the relaxed outcome a witness
 * of `armscope explore` shows. Everything here comes from the model's state,
 * so it is right at every step of time travel.
 */
import type { Machine } from '../../simulator/engine/machine';
import type { PromisingMemory } from '../../simulator/engine/promising';
import { hex } from '../../simulator/util/hex';
import { named, type Children, type VarNode } from '../handles';

function valueText(lo: number, hi: number): string {
  return hex(BigInt(hi >>> 0) * 2n ** 32n + BigInt(lo >>> 0));
}

/** The label at `pa` (litmus locations are identity-mapped: their label is their address), if any. */
function labelAt(machine: Machine, pa: number): string | undefined {
  for (const s of machine.model.symbols.values()) if (s.kind === 'label' && s.value !== undefined && Number(BigInt.asUintN(64, s.value)) === pa) return s.name;
  return undefined;
}

/** `write #T = V by PEn` (T 0: the initial value). */
function messageText(order: PromisingMemory, loc: number, ts: number): string {
  const v = order.log.valueAt(loc, ts);
  const m = order.log.get(ts);
  return m === undefined ? `the initial value ${valueText(v.lo, v.hi)}` : `write #${ts} = ${valueText(v.lo, v.hi)} by PE${m.tid}`;
}

/** Locations the model holds, by PA: those written and those a PE has read. */
function locations(order: PromisingMemory): number[] {
  const locs = new Set<number>();
  for (let t = 1; t <= order.log.length; t++) locs.add(order.log.get(t)!.loc);
  for (const l of order.locals) for (const loc of l.coh.keys()) locs.add(loc);
  return [...locs].sort((a, b) => a - b);
}

function locationNode(machine: Machine, order: PromisingMemory, loc: number, pe: number): VarNode {
  const name = labelAt(machine, loc);
  const seen = order.locals[pe].cohOf(loc);
  const newest = order.log.latestTs(loc, order.log.length);
  const stale = seen < newest ? ` — older than the newest, ${messageText(order, loc, newest)}` : '';
  return {
    name: name !== undefined ? `${name} (${hex(loc)})` : hex(loc),
    value: `PE${pe} last read or wrote ${messageText(order, loc, seen)}${stale}`,
    children: named(() =>
      [0, ...order.log.timestampsOf(loc)].map((ts) => {
        const by = order.locals.filter((l) => l.cohOf(loc) === ts).map((l) => `PE${l.tid}`);
        const promised = order.locals.some((l) => l.promises.includes(ts));
        return {
          name: ts === 0 ? 'initial' : `write #${ts}`,
          value: `${messageText(order, loc, ts)}${promised ? ' (promised, not yet written)' : ''}${by.length > 0 ? `; last seen by ${by.join(', ')}` : ''}`,
        };
      }),
    ),
  };
}

/** The scope for PE `pe` (undefined without the concurrency model). */
export function memoryModelScope(machine: Machine, pe: number): Children | undefined {
  const order = machine.memoryOrder;
  if (order === undefined) return undefined;
  return named(() => {
    const out = locations(order).map((loc) => locationNode(machine, order, loc, pe));
    const owed = order.locals.flatMap((l) => l.promises.map((ts) => `PE${l.tid}: ${messageText(order, order.log.get(ts)!.loc, ts)}`));
    if (owed.length > 0) out.push({ name: 'promises outstanding', value: owed.join('; ') });
    if (out.length === 0) out.push({ name: '(no access yet)', value: 'no PE has accessed memory under the model yet' });
    return out;
  });
}
