/** Test fixtures for the MMU: PEs over flat memory with a shared VmsaMmu, and table builders. */
import { FlatMemorySystem } from '../../simulator/memory/flat';
import { PhysicalMemory } from '../../simulator/memory/physical';
import { Pe, type PeEnvironment } from '../../simulator/pe/pe';
import { resetSysregs } from '../../simulator/pe/reset';
import type { SystemOps } from '../../simulator/pe/systemOps';
import { SyncException } from '../../simulator/pe/exception';
import { MmuDomain } from '../../simulator/mmu/domain';
import { VmsaMmu } from '../../simulator/mmu/vmsa';
import { AccessType } from '../../simulator/mmu/types';
import type { MemorySystem } from '../../simulator/memory/system';
import {
  TableBuilder,
  stage1Geometry,
  stage2Geometry,
  stage1Leaf,
  stage2Leaf,
  type Stage1LeafOptions,
  type Stage2LeafOptions,
} from '../../simulator/mmu/pagetable/builder';

export interface MmuFixture {
  pes: Pe[];
  mmu: VmsaMmu;
  physical: PhysicalMemory;
  memory: MemorySystem;
}

export function mmuFixture(opts: { pes?: number; el?: 0 | 1 | 2 | 3; secure?: boolean; memory?: (p: PhysicalMemory) => MemorySystem } = {}): MmuFixture {
  const physical = new PhysicalMemory();
  const memory = opts.memory ? opts.memory(physical) : new FlatMemorySystem(physical);
  const mmu = new VmsaMmu(new MmuDomain());
  const pes: Pe[] = [];
  for (let i = 0; i < (opts.pes ?? 1); i++) {
    const env: PeEnvironment = { mmu, memory, sys: {} as SystemOps, fetchInstr: () => undefined };
    const pe = new Pe(i, env);
    resetSysregs(pe, { el: opts.el ?? 1, secure: opts.secure ?? false });
    pes.push(pe);
  }
  return { pes, mmu, physical, memory };
}

export function writeDescriptors(f: MmuFixture, b: TableBuilder): void {
  for (const w of b.writes) {
    f.physical.writeU32(w.pa, w.lo);
    f.physical.writeU32(w.pa + 4, w.hi);
  }
}

/** MAIR used by the tests: idx0 Device-nGnRnE, idx1 Normal WB RAWA, idx2 Normal NC, idx3 Device-nGnRE, idx4 Normal WT. */
export const TEST_MAIR = 0xbb_04_44_ff_00n;

export const NORMAL_RW: Stage1LeafOptions = { attrIndx: 1, sh: 3, ap: 0 };

/** A stage-1 tree with TnSZ=25 (39-bit VA, start level 1) at `root`, tables from `pool`. */
export function s1Tree(root: number, pool: number, tsz = 25, upper = false): TableBuilder {
  const g = stage1Geometry(tsz);
  return new TableBuilder({ stage: 1, root, poolBase: pool, poolSize: 0x10_0000, granuleBits: 12, upper, ...g });
}

export function s2Tree(root: number, pool: number, t0sz = 32, sl0 = 1): TableBuilder {
  const g = stage2Geometry(t0sz, sl0)!;
  return new TableBuilder({ stage: 2, root, poolBase: pool, poolSize: 0x10_0000, granuleBits: 12, ...g });
}

export { stage1Leaf, stage2Leaf, type Stage2LeafOptions };

/** Configure the EL1&0 regime: MMU on, TTBR0_EL1=root, T0SZ=25, 4K granule, walks Normal WB ISH. */
export function enableEl1(pe: Pe, root: number, extraTcr = 0n, sctlrExtra = 0n): void {
  pe.writeSysreg('MAIR_EL1', TEST_MAIR);
  // T0SZ=25, IRGN0=ORGN0=01 (WB-WA), SH0=11 (Inner), TG0=00 (4K); EPD1=1; IPS=0b101 (48 bits).
  pe.writeSysreg('TCR_EL1', 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) | (5n << 32n) | extraTcr);
  pe.writeSysreg('TTBR0_EL1', BigInt(root));
  pe.writeSysreg('SCTLR_EL1', pe.readSysreg('SCTLR_EL1') | 1n | (1n << 2n) | (1n << 12n) | sctlrExtra);
}

/** Enable stage 2 for EL1&0: HCR_EL2.VM, VTTBR_EL2=root (VMID), VTCR_EL2 T0SZ/SL0, walks WB with SH0. */
export function enableStage2(pe: Pe, root: number, opts: { t0sz?: number; sl0?: number; sh0?: number; vmid?: number; hcrExtra?: bigint } = {}): void {
  const t0sz = BigInt(opts.t0sz ?? 32);
  const sl0 = BigInt(opts.sl0 ?? 1);
  const sh0 = BigInt(opts.sh0 ?? 3);
  pe.writeSysreg('VTCR_EL2', (1n << 31n) | t0sz | (sl0 << 6n) | (1n << 8n) | (1n << 10n) | (sh0 << 12n) | (5n << 16n));
  pe.writeSysreg('VTTBR_EL2', BigInt(root) | (BigInt(opts.vmid ?? 1) << 48n));
  pe.writeSysreg('HCR_EL2', pe.readSysreg('HCR_EL2') | 1n | (opts.hcrExtra ?? 0n));
}

/** Translate and return the PA; throws the SyncException on a fault. */
export function tr(f: MmuFixture, pe: Pe, va: number, access = AccessType.Read, size = 8): number {
  f.mmu.translate(pe, va, size, access);
  return pe.tPa;
}

/** Translate expecting a fault; returns the SyncException. */
export function fault(f: MmuFixture, pe: Pe, va: number, access = AccessType.Read, size = 8): SyncException {
  try {
    f.mmu.translate(pe, va, size, access);
  } catch (e) {
    if (e instanceof SyncException) return e;
    throw e;
  }
  throw new Error(`expected a fault at ${va.toString(16)}, got PA ${pe.tPa.toString(16)}`);
}

/** The ESR value the PE would write: EC[31:26], IL[25], ISS[24:0]. */
export function esrOf(e: SyncException): number {
  return ((e.ec << 26) | (e.il << 25) | e.iss) >>> 0;
}
