/**
 * QEMU's side: one `qemu-system-aarch64 -M virt,secure=on,virtualization=on`
 * process (EL3 and EL2, Secure EL2, GICv3, `-cpu max`) for a whole batch of
 * cases, driven through its gdbstub on stdio.
 *
 * Results are read over the gdbstub rather than by code in the guest: at a stop
 * QEMU reports every system register (target/arm/gdbstub.c exposes the cpregs
 * as the `system-registers.xml` feature, raw values with no VHE redirection),
 * so observing the state changes nothing — guest code that read ESR_EL2 from
 * EL1 would first have to take an exception to EL2, which rewrites it.
 * A case stops at a breakpoint: the simulator stops on HLT and at vectors
 * without code, and gdb breakpoints there stop QEMU before the instruction.
 */
import { execFileSync, spawn } from 'node:child_process';
import { COMPARED_SYSREGS } from './context';
import { GdbRemote } from './gdbRemote';
import { HARNESS_BASE, MAILBOX, RAM_MB } from './image';
import type { Observation } from './simulate';

export const QEMU_SYSTEM = 'qemu-system-aarch64';

/** Seconds a case may run before QEMU is interrupted: a hang guard, far above the few milliseconds a case takes. */
export const HANG_GUARD_SECONDS = 30;

/** How many times the PC is read after a reset before giving up. */
const RESET_POLLS = 100;

/** aarch64-core.xml register numbers (gdb/features/aarch64-core.xml). */
const REG_SP = 31;
const REG_PC = 32;
const REG_CPSR = 33;

/**
 * Registers QEMU defines once for AArch32 and AArch64 (ARM_CP_STATE_BOTH) and
 * therefore names without the `_EL1` suffix in its gdb XML.
 */
const QEMU_NAMES: Record<string, string> = { SCTLR_EL1: 'SCTLR', VBAR_EL1: 'VBAR', CPACR_EL1: 'CPACR' };

function qemuName(register: string): string {
  return QEMU_NAMES[register] ?? register;
}

export interface QemuStop extends Observation {
  /** The hang guard interrupted the run: QEMU never reached a stop point. */
  timedOut: boolean;
}

/** `major.minor` of the installed qemu-system-aarch64 (`QEMU emulator version 7.2.22 (Debian …)`). */
export function qemuSystemVersion(): string {
  const text = execFileSync(QEMU_SYSTEM, ['--version'], { encoding: 'utf8' });
  const m = /version (\d+\.\d+)/.exec(text);
  if (m === null) throw new Error(`cannot read the QEMU version from '${text.split('\n')[0]}'`);
  return m[1];
}

export class QemuSystem {
  private breakpoints: number[] = [];

  private constructor(
    private readonly gdb: GdbRemote,
    private readonly sysregNumbers: Map<string, number>,
    readonly stderr: () => string,
  ) {}

  static async start(blobPath: string): Promise<QemuSystem> {
    const args = [
      '-M', 'virt,secure=on,virtualization=on,gic-version=3',
      '-cpu', 'max',
      '-smp', '1',
      '-m', `${RAM_MB}M`,
      '-display', 'none', '-serial', 'none', '-monitor', 'none',
      '-S', '-gdb', 'stdio',
      '-device', `loader,file=${blobPath},addr=0x${HARNESS_BASE.toString(16)},force-raw=on`,
      // The PC the CPU resets to (after every system_reset too): the boot stub, at EL3.
      '-device', `loader,addr=0x${HARNESS_BASE.toString(16)},cpu-num=0`,
    ];
    const child = spawn(QEMU_SYSTEM, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += d.toString();
    });
    const gdb = new GdbRemote(child);
    try {
      await gdb.request('qSupported:xmlRegisters=aarch64');
      const xml = await gdb.readXfer('features', 'system-registers.xml');
      const numbers = new Map<string, number>();
      for (const m of xml.matchAll(/<reg name="([^"]+)"[^>]*regnum="(\d+)"/g)) numbers.set(m[1].toUpperCase(), Number(m[2]));
      const missing = COMPARED_SYSREGS.filter((r) => !numbers.has(qemuName(r)));
      if (missing.length > 0) throw new Error(`QEMU's gdbstub does not report ${missing.join(', ')}`);
      return new QemuSystem(gdb, numbers, () => stderr);
    } catch (err) {
      await gdb.close();
      throw new Error(`${(err as Error).message}${stderr ? `\nQEMU: ${stderr}` : ''}`, { cause: err });
    }
  }

  /** Reset the machine, point the boot stub at one case's descriptor, run to a stop point, read the state. */
  async run(descriptor: number, breakpoints: number[]): Promise<QemuStop> {
    const gdb = this.gdb;
    await gdb.monitor('system_reset');
    // QEMU performs a requested reset between two turns of its main loop: wait (a bounded number
    // of requests) until the CPU sits at the boot stub before touching memory or continuing.
    let pc = await gdb.readRegister(REG_PC);
    for (let i = 0; i < RESET_POLLS && pc !== BigInt(HARNESS_BASE); i++) pc = await gdb.readRegister(REG_PC);
    if (pc !== BigInt(HARNESS_BASE)) throw new Error(`after system_reset the PC is 0x${pc.toString(16)}, not the boot stub`);
    const mailbox = Buffer.alloc(8);
    mailbox.writeBigUInt64LE(BigInt(descriptor));
    await gdb.writeMemory(MAILBOX, mailbox);
    for (const b of this.breakpoints) await gdb.command(`z0,${b.toString(16)},4`);
    for (const b of breakpoints) await gdb.command(`Z0,${b.toString(16)},4`);
    this.breakpoints = breakpoints;
    const { timedOut } = await gdb.continueUntilStop(HANG_GUARD_SECONDS);
    const x: bigint[] = [];
    for (let i = 0; i < 31; i++) x.push(await gdb.readRegister(i));
    const sysregs = new Map<string, bigint>();
    for (const r of COMPARED_SYSREGS) sysregs.set(r, await gdb.readRegister(this.sysregNumbers.get(qemuName(r))!));
    return {
      timedOut,
      x,
      sp: await gdb.readRegister(REG_SP),
      pc: await gdb.readRegister(REG_PC),
      pstate: await gdb.readRegister(REG_CPSR),
      sysregs,
    };
  }

  close(): Promise<void> {
    return this.gdb.close();
  }
}
