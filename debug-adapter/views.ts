/**
 * The custom requests the editor's views use: `armscope/cacheTimeline` (the
 * cache-line timeline, by a deterministic re-run to one step past the current
 * one), `armscope/pageTables` (a PE's translation tables as trees, focused on
 * the fault's walk: simulator/mmu/view.ts `pageTableView`), `armscope/status`.
 * Each is bounded: the re-run by MAX_TIMELINE_STEPS, the trees by
 * MAX_PAGE_TABLE_NODES descriptors (tables past that are sent unexpanded and
 * counted in `unexpanded`; the fault's walk is always expanded).
 * `armscope/goToStep` changes the state shown, so the session handles it.
 */
import { cacheTimeline, type CacheTimeline } from '../simulator/engine/timeline';
import type { Machine } from '../simulator/engine/machine';
import { translationTables, type DescriptorNode } from '../simulator/mmu/tableTree';
import { pageTableView, type WalkFocusView } from '../simulator/mmu/view';
import { VmsaMmu } from '../simulator/mmu/vmsa';
import type { FaultRecord } from '../simulator/trace/events';
import type { Pe } from '../simulator/pe/pe';
import type { ScenarioModel } from '../simulator/scenario/model';
import { hex } from '../simulator/util/hex';
import type { DebugController, LaunchOptions, Stop } from './controller';
import { RequestError } from './errors';
import { MAX_PAGE_TABLE_NODES, MAX_TIMELINE_STEPS } from './limits';

/** The timeline up to the current step (or the end of the run, at most MAX_TIMELINE_STEPS). */
export function timelineView(model: ScenarioModel, options: LaunchOptions, current: number, toEnd: boolean): CacheTimeline {
  if (!toEnd && current > MAX_TIMELINE_STEPS)
    throw new RequestError(`the cache-line timeline re-runs the scenario to the current step; at most ${MAX_TIMELINE_STEPS.toLocaleString('en')} steps (now at step ${current.toLocaleString('en')})`);
  // One step past the current one: what the next step does to the lines is marked as such.
  const until = toEnd ? Math.min(options.maxSteps ?? model.system.maxSteps, MAX_TIMELINE_STEPS) : Math.min(current + 1, MAX_TIMELINE_STEPS);
  return cacheTimeline(model, { cacheModel: options.cacheModel, speculation: options.speculation, maxSteps: options.maxSteps }, until);
}

/**
 * PE `pe`'s tables as plain JSON (64-bit values as `0x…` text), expanded breadth first up to MAX_PAGE_TABLE_NODES
 * descriptors, with `fault`'s walk expanded and highlighted.
 */
export function pageTablesView(machine: Machine, pe: Pe, fault?: FaultRecord): { tables: unknown; unexpanded: number; focus?: WalkFocusView } {
  const mmu = machine.mmu;
  const view = mmu instanceof VmsaMmu ? pageTableView(mmu, machine.memory, pe, fault, { lazy: true }) : { tables: translationTables(machine.memory, pe, pe.el, { lazy: true }), focus: undefined };
  const tables = view.tables;
  let budget = MAX_PAGE_TABLE_NODES;
  let unexpanded = 0;
  let level: DescriptorNode[] = tables.flatMap((t) => t.entries);
  budget -= level.length;
  while (level.length > 0) {
    const next: DescriptorNode[] = [];
    for (const n of level) {
      if (!n.expand) continue;
      if (budget <= 0) {
        unexpanded++;
        continue;
      }
      n.expand();
      budget -= n.children?.length ?? 0;
      next.push(...(n.children ?? []));
    }
    level = next;
  }
  const json: unknown = JSON.parse(JSON.stringify(tables, (_k, v: unknown) => (typeof v === 'bigint' ? hex(v) : v)));
  return { tables: json, unexpanded, focus: view.focus };
}

/** What a view request needs from the session. */
export interface ViewContext {
  ctl: DebugController;
  program: string;
  launchOptions: LaunchOptions;
  lastStop: Stop | undefined;
  /** The PE the request names (`threadId`), else the stop's. */
  pe: number;
  toEnd: boolean;
}

/** The body of a custom request (`armscope/…`); an unknown one is an error naming it. */
export function viewRequest(command: string, v: ViewContext): unknown {
  const ctl = v.ctl;
  switch (command) {
    case 'armscope/cacheTimeline':
      return { ...timelineView(ctl.model, v.launchOptions, ctl.steps, v.toEnd), current: ctl.steps, file: v.program };
    case 'armscope/pageTables': {
      const pe = ctl.machine.pes[v.pe];
      // The walk to highlight: the fault this stop is about (a stop shown before its step has no record of it yet),
      // else the PE's latest translation-type fault so far.
      const stop = v.lastStop;
      const fault = stop?.pe === v.pe && stop.fault ? stop.fault : [...ctl.machine.faults].reverse().find((f) => f.pe === v.pe && f.stage !== undefined);
      const view = pageTablesView(ctl.machine, pe, fault);
      return { pe: v.pe, el: pe.el, step: ctl.steps, tables: view.tables, unexpanded: view.unexpanded, focus: view.focus };
    }
    case 'armscope/status':
      // The stop as plain JSON: its fault record holds bigints, which the protocol cannot carry.
      return { step: ctl.steps, frontier: ctl.frontier, checkpoints: ctl.machine.checkpointSteps().length, checkpointInterval: ctl.machine.options.checkpointInterval, stop: v.lastStop ? { ...v.lastStop, fault: undefined } : undefined };
    default:
      throw new RequestError(`unknown request '${String(command).slice(0, 60)}'`);
  }
}
