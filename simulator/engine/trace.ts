/**
 * The trace bridge: turns component hooks into trace events (trace/events.ts)
 * for the front ends, subscribing to a hook only while someone listens to the
 * trace kind it feeds (TraceBus.onWantsChange). A run nobody watches has no
 * bridge subscribed: the hot paths see inactive hooks.
 *
 * Kinds bridged here: `memory-access` (memory read/write hooks), `interrupt`
 * (GIC), `sysreg-write` (PEs), `cache-line` (cache hierarchy), `ffa-call`
 * (firmware). The engine emits the others itself (instruction, exception,
 * finding, halted, event-fired, expectation).
 */
import { CacheHierarchy } from '../cache/hierarchy';
import { STATE_NAMES } from '../cache/line';
import type { TraceKind } from '../trace/events';
import type { Machine } from './machine';

type Bridge = () => () => void;

export function bridgeTrace(m: Machine): void {
  const bus = m.trace;
  const bridges = new Map<TraceKind, Bridge>();
  const step = (): number => m.steps + 1;

  const mem = m.memory.hooks;
  bridges.set('memory-access', () => {
    const off1 = mem.read.subscribe((pe, pa, size, lo, hi, attrs) =>
      bus.emit({ kind: 'memory-access', step: step(), pe: pe?.id, pa, size, write: false, lo, hi, attrs: attrs.label }),
    );
    const off2 = mem.write.subscribe((pe, pa, size, lo, hi, attrs) =>
      bus.emit({ kind: 'memory-access', step: step(), pe: pe?.id, pa, size, write: true, lo, hi, attrs: attrs.label }),
    );
    return () => {
      off1();
      off2();
    };
  });

  const gic = m.gic;
  bridges.set('interrupt', () =>
    gic.hooks.interrupt.subscribe((what, intid, pe) => {
      const p = pe === undefined ? undefined : m.pes[pe];
      bus.emit({
        kind: 'interrupt',
        step: step(),
        pe,
        intid,
        what,
        group: gic.groupOf(intid, pe ?? 0),
        priority: gic.priorityOf(intid, pe ?? 0),
        line: p === undefined || what === 'pending' ? undefined : m.lineOfPc(p.pc, p.id),
      });
    }),
  );

  bridges.set('sysreg-write', () =>
    m.hooks.pe.sysregWrite.subscribe((pe, register, value) => bus.emit({ kind: 'sysreg-write', step: step(), pe: pe.id, register, value, line: m.lineOfPc(pe.pc, pe.id) })),
  );

  const hier = m.memory instanceof CacheHierarchy ? m.memory : undefined;
  if (hier !== undefined) {
    bridges.set('cache-line', () =>
      hier.cacheHooks.lineState.subscribe((l, from, to, cause, pe, pc) =>
        bus.emit({
          kind: 'cache-line',
          step: step(),
          cache: l.cache.name,
          pa: l.pa,
          from: STATE_NAMES[from],
          to: STATE_NAMES[to],
          attrs: l.attrs.label,
          cause,
          pe: pe >= 0 ? pe : undefined,
          // Code sits at physical addresses (identity-mapped when the MMU is on): the line of the code at the PC.
          line: Number.isNaN(pc) ? undefined : m.lineOfPc(pc),
        }),
      ),
    );
  }

  const fw = m.firmware;
  if (fw !== undefined) bridges.set('ffa-call', () => fw.hooks.call.subscribe((_pe, call) => bus.emit({ kind: 'ffa-call', ...call })));

  const live = new Map<TraceKind, () => void>();
  bus.onWantsChange((kind) => {
    const bridge = bridges.get(kind);
    if (bridge === undefined) return;
    const off = live.get(kind);
    if (bus.wants[kind] && off === undefined) live.set(kind, bridge());
    else if (!bus.wants[kind] && off !== undefined) {
      off();
      live.delete(kind);
    }
  });
}
