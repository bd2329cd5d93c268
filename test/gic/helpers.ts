/** Helpers for the GIC tests: parse a scenario (failing on errors) and build a machine. */
import { findRegister } from '../../simulator/arch/registers';
import { DEVICE_nGnRnE } from '../../simulator/memory/attributes';
import type { SysregRef } from '../../simulator/pe/systemOps';
import { Machine, type MachineOptions } from '../../simulator/engine/machine';
import { parseScenario } from '../../simulator';
import type { ScenarioModel } from '../../simulator/scenario/model';

export function model(text: string): ScenarioModel {
  const m = parseScenario(text, 'gic-test.armscope');
  const errors = m.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`scenario errors:\n${errors.map((d) => `  ${d.range.start.line + 1}:${d.range.start.col + 1} ${d.message} [${d.rule}]`).join('\n')}`);
  return m;
}

export function machine(text: string, opts: MachineOptions = {}): Machine {
  return Machine.create(model(text), { cacheModel: 'off', ...opts });
}


function ref(name: string): SysregRef {
  const def = findRegister(name);
  if (def?.encoding === undefined) throw new Error(`no encoding for ${name}`);
  return { name: def.name.toUpperCase(), ...def.encoding };
}

/** What `mrs x0, <name>` on PE `pe` returns (through the system model: access checks, then the GIC). */
export function mrs(m: Machine, pe: number, name: string): bigint {
  const p = m.pes[pe];
  p.sys.mrs(p, ref(name), 0);
  return p.getX(0);
}

/** `msr <name>, x0` on PE `pe`. */
export function msr(m: Machine, pe: number, name: string, value: bigint): void {
  const p = m.pes[pe];
  p.setXBig(0, value);
  p.sys.msr(p, ref(name), 0);
}

/** An MMIO read of `size` bytes by PE `pe` (its Security state decides the GIC view). */
export function rd(m: Machine, pe: number, pa: number, size = 4): number {
  const p = m.pes[pe];
  m.memory.read(p, pa, size, DEVICE_nGnRnE);
  return size === 8 ? p.ldHi * 2 ** 32 + (p.ldLo >>> 0) : p.ldLo >>> 0;
}

export function wr(m: Machine, pe: number, pa: number, value: number, size = 4): void {
  const lo = size === 8 ? value % 2 ** 32 : value;
  const hi = size === 8 ? Math.floor(value / 2 ** 32) : 0;
  m.memory.write(m.pes[pe], pa, size, lo >>> 0, hi >>> 0, DEVICE_nGnRnE);
}

export const GICD = 0x2f00_0000;
export const GICR = 0x2f10_0000;
export const SGI_BASE = 0x1_0000;

/** A system with `pes` PEs doing nothing (each spins on `b .`), at EL `el` in `security`, plus scenario lines. */
export function idle(opts: { pes?: number; el?: number; security?: 'secure' | 'nonsecure'; extra?: string; pe?: string; clusters?: number } = {}): Machine {
  return machine(`
system {
  pes ${opts.pes ?? 1}
  ${opts.clusters !== undefined ? `clusters ${opts.clusters}` : ''}
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 100000
}
pe 0-${(opts.pes ?? 1) - 1} {
  el ${opts.el ?? 1}
  security ${opts.security ?? 'nonsecure'}
  entry start
${opts.pe ?? ''}
}
code at 0x8000_0000 {
start:
    b     start
}
${opts.extra ?? ''}
`);
}
