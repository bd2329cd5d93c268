/**
 * Building a machine's components (the Machine constructor calls these in
 * this order; each uses what the ones before it built):
 *
 *   1. platform      GICv3, declared devices (PL011 UARTs), the Generic Timer
 *   2. memory system the cache hierarchy (`cache_model on`) or flat memory, with the platform's MMIO
 *   3. MMU           VMSAv8-64 translation and every PE's TLBs
 *   4. PEs           reset, then initialised from the scenario's `pe` blocks
 *   5. firmware      the built-in EL3 monitor and SPMC, when the scenario declares them
 *   6. checkers      the architectural rules (simulator/checks), over every hook above
 *
 * Wiring is subscriptions: the platform follows the PEs' state-change hook,
 * the machine records exceptions from the exception hook, the trace bridge
 * subscribes while front ends listen (trace.ts). No component replaces
 * another's methods.
 */
import { CacheHierarchy, createCacheHierarchy } from '../cache';
import { cacheIdRegisters, csselrKey } from '../cache/idRegisters';
import { Platform } from '../devices/platform';
import { FlatMemorySystem } from '../memory/flat';
import type { MemorySystem } from '../memory/system';
import type { ShareabilityDomains } from '../memory/shareability';
import { MmuDomain } from '../mmu/domain';
import type { Mmu } from '../mmu/types';
import { VmsaMmu } from '../mmu/vmsa';
import type { PeHooks } from '../pe/hooks';
import { Pe, type PeEnvironment } from '../pe/pe';
import type { SystemModel } from '../pe/system';
import type { ExceptionLevel } from '../scenario/model';
import { applyPeInit, declsFor } from './init';
import type { ComponentContext, Machine } from './machine';
import { createSystemOps, resetPe } from './peCore';
import type { InstrIndex } from './program';

/** 2. The memory system: `cache_model on` the cache hierarchy, else flat coherent memory; MMIO from the platform. */
export function buildMemorySystem(ctx: ComponentContext, custom?: (ctx: ComponentContext) => MemorySystem): MemorySystem {
  if (custom !== undefined) return custom(ctx);
  if (ctx.options.cacheModel === 'on') return createCacheHierarchy(ctx);
  const m = new FlatMemorySystem(ctx.physical);
  for (const r of ctx.mmio) m.mapDevice(r.base, r.size, r.device);
  return m;
}

/** 3. The MMU: VMSAv8-64 (with every MMU off it is the identity with the D8.2.11 attributes); broadcast TLBI reaches the PEs `shareability` says. */
export function buildMmu(ctx: ComponentContext, custom: ((ctx: ComponentContext) => Mmu) | undefined, shareability: ShareabilityDomains): Mmu {
  return custom !== undefined ? custom(ctx) : new VmsaMmu(new MmuDomain(shareability));
}

/**
 * 4. The PEs: one environment each (the machine's services), reset from the
 * `pe` blocks' EL and Security state, then their registers; the system model
 * serves every PE. Cache discovery (set/way loops) sees the configured
 * hierarchy: CLIDR_EL1 at reset, CCSIDR_EL1 by CSSELR_EL1 (Arm ARM D24.2).
 */
export function buildPes(m: Machine, hooks: PeHooks, instrs: InstrIndex): SystemModel {
  const model = m.model;
  const sys = model.system;
  const sysOps = createSystemOps() as SystemModel;
  const memory = m.memory;
  const cacheIds = memory instanceof CacheHierarchy ? cacheIdRegisters(memory.config) : undefined;
  const ccsidrOf = (pe: Pe): bigint => cacheIds?.ccsidr.get(csselrKey(pe.readSysreg('CSSELR_EL1'))) ?? 0n;
  if (cacheIds !== undefined) {
    // MRS reads the selected cache's geometry; the stored value follows CSSELR_EL1 too, for views and expectations.
    sysOps.setSysregHandler('CCSIDR_EL1', { read: ccsidrOf });
    sysOps.setSysregHandler('CSSELR_EL1', {
      write: (pe, v) => {
        pe.writeSysreg('CSSELR_EL1', v);
        pe.writeSysreg('CCSIDR_EL1', ccsidrOf(pe));
      },
    });
  }
  for (let id = 0; id < sys.pes; id++) {
    const env: PeEnvironment = {
      mmu: m.mmu,
      memory,
      sys: sysOps,
      // The instruction side of the memory system when it models one (I-cache: may be stale), else the program.
      // (Each PE remembers what it fetched at which PC, `Pe.fetchPc`: source lines of VAs without translating again.)
      fetchInstr: memory.fetchInstr ? (pa, pe) => memory.fetchInstr!(pe, pa, pe.tAttrs) : (pa) => instrs.get(pa),
      instructionGeneration: memory.instructionGeneration !== undefined ? () => memory.instructionGeneration ?? 0 : undefined,
      // The EL (and maybe the Security state) changed, then the exception is recorded and published.
      onException: (pe, info) => {
        hooks.stateChange.emit(pe);
        hooks.exception.emit(pe, info);
      },
      onExceptionReturn: (pe) => hooks.stateChange.emit(pe),
      onSysregWrite: (pe, register, value) => {
        if (register === 'SCR_EL3') hooks.stateChange.emit(pe);
        if (hooks.sysregWrite.active) hooks.sysregWrite.emit(pe, register, value);
      },
      // SEV: the event register of every PE in the system (Arm ARM D1.6.1).
      onSendEvent: () => {
        for (const p of m.pes) p.eventRegister = 1;
      },
      // Exceptions taken to an EL whose vector holds no code: the built-in firmware, when the scenario has it.
      builtinHandler: (pe, info) => m.handleInFirmware(pe, info),
    };
    const pe = new Pe(id, env);
    const decls = declsFor(model, id);
    const el = decls.reduce<ExceptionLevel | undefined>((acc, d) => d.el ?? acc, undefined);
    const security = decls.reduce<string | undefined>((acc, d) => d.security ?? acc, undefined);
    resetPe(pe, { cluster: sys.clusterOf[id] ?? 0, aff0: indexInCluster(sys.clusterOf, id), el: el ?? 1, secure: security === 'secure' });
    // Before the scenario's own register values, which may still override it.
    if (cacheIds !== undefined) pe.writeSysreg('CLIDR_EL1', cacheIds.CLIDR_EL1);
    applyPeInit(pe, model);
    if (cacheIds !== undefined) pe.writeSysreg('CCSIDR_EL1', ccsidrOf(pe));
    m.pes.push(pe);
  }
  // Global exclusive monitor: a store by one PE clears the others' LDXR reservations (Arm ARM B2.9.3).
  sysOps.setPes(m.pes);
  return sysOps;
}

/** 1. (attached after the PEs) The platform drives the PEs' interrupt lines and follows their EL and Security state. */
export function attachPlatform(m: Machine, platform: Platform, sysOps: SystemModel, hooks: PeHooks): void {
  // The GIC drives the PEs' IRQ/FIQ lines; ICC_* and timer registers reach the platform; the system counter is the step count.
  platform.attach(m.pes, sysOps, () => m.steps);
  // The GIC re-picks IRQ vs FIQ for a PE whose EL or Security state changed (IHI 0069 §4.6.2).
  hooks.stateChange.subscribe((pe) => platform.peStateChanged(pe));
}

function indexInCluster(clusterOf: number[], id: number): number {
  let k = 0;
  for (let i = 0; i < id; i++) if (clusterOf[i] === clusterOf[id]) k++;
  return k;
}
