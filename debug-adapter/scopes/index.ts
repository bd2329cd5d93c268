/**
 * The scopes of a stopped PE's frame, as lazy trees (debug-adapter/handles.ts):
 * registers, system registers, the memory model's writes (which one each PE
 * has seen), caches, TLB, translation tables, FF-A, GIC,
 * interrupt lines, faults and findings. Everything comes from simulator APIs;
 * these files only arrange it. The large ones (Caches, TLB, Translation, Faults
 * & findings) are `expensive` — the client asks for them when expanded — and paged.
 */
import { CacheHierarchy } from '../../simulator/cache/index';
import type { Machine } from '../../simulator/engine/machine';
import { gicInUse } from '../../simulator/gic/presence';
import { VmsaMmu } from '../../simulator/mmu/vmsa';
import type { Pe } from '../../simulator/pe/pe';
import { named, type Children } from '../handles';
import { ffaScope } from './ffa';
import { faultsAndFindingsScope } from './findings';
import { gicScope } from './gic';
import { cachesScope, tlbScope, translationScope, type StopFocus } from './memory';
import { memoryModelScope } from './memoryModel';
import { generalRegisters, interruptLines, systemRegisters } from './registers';

export type { StopFocus } from './memory';

export interface ScopeDef {
  name: string;
  children: Children;
  expensive: boolean;
  presentationHint?: 'registers' | 'locals';
}

/** The scopes shown for a frame of PE `pe`; `focus` is what the current stop is about. */
export function scopesFor(machine: Machine, pe: Pe, focus: StopFocus): ScopeDef[] {
  const withGic = gicInUse(machine.model, machine.gic);
  const out: ScopeDef[] = [
    { name: 'Registers', children: named(() => generalRegisters(machine, pe)), expensive: false, presentationHint: 'registers' },
    { name: 'System registers', children: named(() => systemRegisters(pe, withGic)), expensive: false, presentationHint: 'registers' },
  ];
  const order = memoryModelScope(machine, pe.id);
  if (order) out.push({ name: 'Memory model', children: order, expensive: false });
  const mem = machine.memory;
  if (mem instanceof CacheHierarchy) out.push({ name: 'Caches', children: cachesScope(machine, mem, pe, focus), expensive: true });
  const mmu = machine.mmu;
  if (mmu instanceof VmsaMmu) out.push({ name: 'TLB', children: tlbScope(mmu, pe), expensive: true });
  out.push({ name: 'Translation', children: translationScope(machine, pe, focus), expensive: true });
  const fw = machine.firmware;
  if (fw) out.push({ name: 'FF-A', children: ffaScope(fw, machine.pes.length, pe.id), expensive: false });
  if (withGic) out.push({ name: 'GIC', children: gicScope(machine.gic, pe), expensive: false });
  out.push({ name: 'Interrupt lines', children: named(() => interruptLines(pe)), expensive: false });
  out.push({ name: 'Faults & findings', children: faultsAndFindingsScope(machine), expensive: false });
  return out;
}
