/**
 * Endpoint contexts: what a world switch (TF-A's SPMD, context_mgmt.c
 * cm_el1_sysregs_context_save/restore and cm_el2_sysregs_context_*) and a
 * vCPU switch (Hafnium's arch/aarch64 vcpu save/restore) preserve — the
 * general registers, the stack pointers, the return address and PSTATE (as
 * an SPSR), and the system registers of the ELs the endpoint owns.
 *
 * Contexts are plain data (arrays, [name, value] pairs) so firmware snapshots
 * are deep copies by construction.
 */
import { findRegister } from '../arch/index';
import { currentSpsr, vaToBig } from '../pe/entry';
import type { Pe } from '../pe/pe';
import { freshSysregGen } from '../pe/sysregGen';
import { exceptionReturn } from '../pe/system';

export interface SavedContext {
  xlo: number[];
  xhi: number[];
  /** SP_EL0, SP_EL1, SP_EL2 halves. */
  splo: number[];
  sphi: number[];
  /** Where the endpoint resumes (signed-number VA form) and its PSTATE there, as an SPSR. */
  pc: number;
  spsr: number;
  sysregs: [string, bigint][];
}

/** Registers a world switch never touches: identification, the counter, the GIC CPU interface (banked per PE, owned by the GIC). */
function switchable(name: string, upTo: 1 | 2): boolean {
  const m = name.match(/_EL([0-3])$/);
  if (!m) return false;
  const el = Number(m[1]);
  if (el > upTo) return false;
  if (name.startsWith('ICC_') || name.startsWith('ICH_') || name.startsWith('ID_') || name.startsWith('CNTPCT') || name.startsWith('CNTVCT') || name === 'CNTFRQ_EL0') return false;
  const def = findRegister(name);
  return def === undefined || def.access.write;
}

/**
 * Capture the PE's state as `owner` of ELs up to `upTo` (1: an SP vCPU or an
 * EL1 Normal-world OS; 2: a Normal world with its own EL2), resuming at `pc`
 * with `spsr`.
 */
export function saveContext(pe: Pe, pc: number, spsr: number, upTo: 1 | 2): SavedContext {
  const sysregs: [string, bigint][] = [];
  for (const [k, v] of pe.sysregs) if (switchable(k, upTo)) sysregs.push([k, v]);
  return {
    xlo: Array.from(pe.xlo),
    xhi: Array.from(pe.xhi),
    splo: [pe.splo[0], pe.splo[1], pe.splo[2]],
    sphi: [pe.sphi[0], pe.sphi[1], pe.sphi[2]],
    pc,
    spsr,
    sysregs,
  };
}

/** Context of the PE as it is now (before it ran: the scenario's initial state). */
export function captureCurrent(pe: Pe, upTo: 1 | 2): SavedContext {
  return saveContext(pe, pe.pc, currentSpsr(pe), upTo);
}

/** A fresh context: entry point, PSTATE, stack, and the system registers given. */
export function freshContext(pc: number, spsr: number, sysregs: [string, bigint][], sp?: { el: number; value: number }): SavedContext {
  const ctx: SavedContext = { xlo: new Array<number>(32).fill(0), xhi: new Array<number>(32).fill(0), splo: [0, 0, 0], sphi: [0, 0, 0], pc, spsr, sysregs };
  if (sp) {
    ctx.splo[sp.el] = sp.value >>> 0;
    ctx.sphi[sp.el] = Math.floor(sp.value / 4294967296) >>> 0;
  }
  return ctx;
}

/**
 * Load a context into the PE and enter it: system registers, general
 * registers (then `regs` on top: the FF-A call's results in x0…), and an
 * exception return from EL3 with the context's ELR/SPSR and SCR_EL3 = `scr`
 * (the Security state it runs in). Extra EL2 registers (`el2`) are the
 * SPMC's per-partition configuration (HCR_EL2, VTTBR_EL2…).
 */
export function enterContext(pe: Pe, ctx: SavedContext, regs: readonly bigint[] | undefined, scr: bigint, el2: readonly [string, bigint][] = []): void {
  for (const [k, v] of ctx.sysregs) pe.sysregs.set(k, v);
  for (const [k, v] of el2) pe.sysregs.set(k, v);
  pe.sysregs.set('SCR_EL3', scr);
  for (let i = 0; i < 31; i++) {
    pe.xlo[i] = ctx.xlo[i];
    pe.xhi[i] = ctx.xhi[i];
  }
  for (let i = 0; i < 3; i++) {
    pe.splo[i] = ctx.splo[i];
    pe.sphi[i] = ctx.sphi[i];
  }
  if (regs) for (let i = 0; i < regs.length; i++) pe.setXBig(i, regs[i]);
  pe.sysregs.set('ELR_EL3', vaToBig(ctx.pc));
  pe.sysregs.set('SPSR_EL3', BigInt(ctx.spsr >>> 0));
  pe.sysregGen = freshSysregGen();
  pe.el = 3;
  exceptionReturn(pe);
  pe.env.mmu.invalidateConfig?.(pe);
}

/** Return to the endpoint that trapped to `el` (2 or 3): results in x0…, ERET from that EL. */
export function returnToCaller(pe: Pe, regs: readonly bigint[], advance: boolean): void {
  for (let i = 0; i < regs.length; i++) pe.setXBig(i, regs[i]);
  if (advance) {
    // An SMC trapped by HCR_EL2.TSC reports the SMC itself as the return address (Arm ARM D1.10.1): step over it.
    const name = `ELR_EL${pe.el}`;
    pe.writeSysreg(name, pe.readSysreg(name) + 4n);
  }
  exceptionReturn(pe);
}

/** SPSR for a fresh endpoint: EL1h or EL0t with D, A, I, F masked (Arm ARM C5.2.18). */
export function entrySpsr(el: 0 | 1 | 2): number {
  return 0x3c0 | (el === 0 ? 0 : (el << 2) | 1);
}
