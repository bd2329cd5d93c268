/**
 * A tiny machine for the PE tests: one PE, flat memory, an identity MMU
 * (optionally faulting at chosen addresses), instructions placed by hand at
 * addresses, and every taken exception recorded.
 */
import { findRegister } from '../../simulator/arch/registers';
import type { Instr } from '../../simulator/isa/instr';
import { NORMAL_NC, NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { FlatMemorySystem } from '../../simulator/memory/flat';
import { AccessType, type Mmu } from '../../simulator/mmu/types';
import type { ExceptionRecord } from '../../simulator/pe/exception';
import { SyncException } from '../../simulator/pe/exception';
import { Pe, type PeEnvironment } from '../../simulator/pe/pe';
import { resetSysregs, type ResetOptions } from '../../simulator/pe/reset';
import { SystemModel } from '../../simulator/pe/system';
import type { SysregRef } from '../../simulator/pe/systemOps';

export class TestMmu implements Mmu {
  /** VA → exception to throw when it is translated. */
  faults = new Map<number, () => SyncException>();
  tlbiCalls: { op: string; operand: bigint | undefined }[] = [];
  invalidations = 0;
  translate(pe: Pe, va: number, _size: number, access: AccessType): void {
    const f = this.faults.get(va);
    if (f !== undefined) throw f();
    pe.tPa = va < 0 ? va + 2 ** 64 : va;
    pe.tAttrs = access === AccessType.Fetch ? NORMAL_NC : NORMAL_WB_ISH;
  }
  invalidateConfig(): void {
    this.invalidations++;
  }
  tlbi(_pe: Pe, op: string, operand: bigint | undefined): void {
    this.tlbiCalls.push({ op, operand });
  }
}

export class TestMemory extends FlatMemorySystem {
  maint: { op: string; pa: number }[] = [];
  barriers: string[] = [];
  icache: { op: string; pa: number | undefined }[] = [];
  setWay: { op: string; sw: bigint }[] = [];
  maintainByVa(_pe: Pe, op: string, pa: number): void {
    this.maint.push({ op, pa });
  }
  override barrier(_pe: Pe, kind: string, domain: string): void {
    this.barriers.push(`${kind} ${domain}`);
  }
  instructionCacheMaintenance(_pe: Pe, op: string, pa: number | undefined): void {
    this.icache.push({ op, pa });
  }
  maintainBySetWay(_pe: Pe, op: string, sw: bigint): void {
    this.setWay.push({ op, sw });
  }
}

export interface Harness {
  pe: Pe;
  mmu: TestMmu;
  mem: TestMemory;
  code: Map<number, Instr>;
  exceptions: ExceptionRecord[];
  /** Place an instruction at an address. */
  at(addr: number, text: string, exec: (pe: Pe) => void): void;
  /** Place a `nop` at an address (e.g. a vector entry). */
  nop(addr: number): void;
  run(steps: number): void;
}

export function makeHarness(opts: ResetOptions & { el?: 0 | 1 | 2 | 3 } = {}): Harness {
  const mmu = new TestMmu();
  const mem = new TestMemory();
  const code = new Map<number, Instr>();
  const exceptions: ExceptionRecord[] = [];
  const env: PeEnvironment = {
    mmu,
    memory: mem,
    sys: new SystemModel(),
    fetchInstr: (pa) => code.get(pa),
    onException: (_pe, info) => exceptions.push(info),
  };
  const pe = new Pe(0, env);
  resetSysregs(pe, { el: opts.el ?? 1, ...opts });
  const h: Harness = {
    pe,
    mmu,
    mem,
    code,
    exceptions,
    at(addr, text, exec) {
      code.set(addr, { mnemonic: text.split(' ')[0], text, exec });
    },
    nop(addr) {
      h.at(addr, 'nop', (p) => p.sys.hint(p, 'nop'));
    },
    run(steps) {
      for (let i = 0; i < steps; i++) pe.step();
    },
  };
  return h;
}

/** The SysregRef the assembler would build for a register name (encoding from THE table). */
export function ref(name: string): SysregRef {
  const def = findRegister(name);
  if (!def?.encoding) throw new Error(`no encoding for ${name}`);
  return { name: def.name, ...def.encoding };
}

/** Set a system register by name (raw). */
export function setReg(pe: Pe, name: string, v: bigint): void {
  pe.writeSysreg(name, v);
}

export const HCR_BITS = {
  VM: 1n << 0n,
  FMO: 1n << 3n,
  IMO: 1n << 4n,
  VF: 1n << 6n,
  VI: 1n << 7n,
  FB: 1n << 9n,
  TWI: 1n << 13n,
  TWE: 1n << 14n,
  TID3: 1n << 18n,
  TSC: 1n << 19n,
  TSW: 1n << 22n,
  TVM: 1n << 26n,
  TGE: 1n << 27n,
  TRVM: 1n << 30n,
  RW: 1n << 31n,
  E2H: 1n << 34n,
};
