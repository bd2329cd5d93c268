/**
 * One step of a PE (the engine's "PE executes its next instruction" action):
 * take a pending, unmasked interrupt, or fetch and execute one instruction
 * (Arm ARM D1.3: interrupts are taken between instructions; D1.3.x PC
 * alignment checking; D1.4 Illegal Execution state). `runPe` (block.ts) does
 * the same for many steps at once.
 *
 * Hot path: no allocation, no BigInt. Interrupt lines are sampled with four
 * boolean reads and one AND; HCR_EL2/SCR_EL3 are refreshed from the bigint map
 * only when a system register was written (`sysregGen`).
 */
import { HCR_EL2 } from '../arch/registers/fields';
import type { Instr } from '../isa/instr';
import { AccessType } from '../mmu/types';
import { hex } from '../util/hex';
import { refreshConfig } from './config';
import { takeSyncException } from './entry';
import { EC, ISS, SyncException } from './exception';
import { takePendingInterrupt, wakeupPending } from './interrupts';
import type { Pe } from './pe';

/** HCR_EL2.VSE | HCR_EL2.VI | HCR_EL2.VF. */
const HCR_VIRTUAL_PENDING = HCR_EL2.VSE.lo | HCR_EL2.VI.lo | HCR_EL2.VF.lo;

/** Leave WFI/WFE when a wake-up event is present (Arm ARM D1.6). Returns false while the PE keeps waiting. */
export function tryWake(pe: Pe): boolean {
  if (pe.state === 'wfe' && pe.eventRegister !== 0) {
    pe.eventRegister = 0;
    pe.state = 'running';
    return true;
  }
  if (wakeupPending(pe)) {
    pe.state = 'running';
    return true;
  }
  return false;
}

/**
 * What comes before an instruction: leave WFI/WFE when woken, refresh the hot copies of
 * HCR_EL2/SCR_EL3, take a pending unmasked interrupt. False when the step is used up by that
 * (the PE stays stopped or waiting, or it took an interrupt).
 */
export function beforeInstruction(pe: Pe): boolean {
  if (pe.state !== 'running') {
    if (pe.state === 'halted' || !tryWake(pe)) return false;
  }
  if (pe.configGen !== pe.sysregGen) refreshConfig(pe);
  if (pe.irqLine || pe.fiqLine || pe.virqLine || pe.vfiqLine || pe.serrorLine || (pe.hcrLo & HCR_VIRTUAL_PENDING) !== 0) {
    if (takePendingInterrupt(pe)) return false;
  }
  return true;
}

/**
 * The instruction syndrome of a Data Abort (Arm ARM D24.2 ESR_EL2, "ISS encoding for an exception
 * from a Data Abort", ISV): only a stage-2 fault taken to EL2 on the instruction's own access (not on
 * a stage-1 table walk, S1PTW) reports ISV=1 with SAS/SSE/SRT/SF/AR, and only for the instructions
 * whose table row provides them (`Instr.iss`: single-register loads and stores without writeback,
 * load-acquire/store-release); every other Data Abort has ISS[24:14] = 0.
 */
export function withInstructionSyndrome(err: SyncException, instr: Instr | undefined): void {
  if (instr === undefined || !instr.iss) return;
  if (err.ec !== EC.DABT_LOWER && err.ec !== EC.DABT_SAME) return;
  if (err.stage !== 2 || err.targetEl !== 2 || (err.iss & ISS.S1PTW) !== 0) return;
  err.iss |= instr.iss;
}

/** Take the synchronous exception `err` raised by the instruction at `pc` (`instr`; undefined when its fetch faulted). */
export function fault(pe: Pe, err: unknown, pc: number, instr: Instr | undefined): void {
  if (!(err instanceof SyncException)) throw err;
  // What the PE fetched at `pc` (nothing, when the fetch faulted): a front end reads the PC of the step that retired last here.
  pe.fetchPc = pc;
  pe.fetchInstr = instr;
  pe.instret++;
  pe.pc = pc;
  withInstructionSyndrome(err, instr);
  takeSyncException(pe, err);
}

/** The PE found no code where it fetched: it stops (a run-termination rule, docs/language.md). */
export function noCode(pe: Pe, pc: number): void {
  pe.fetchPc = pc;
  pe.fetchInstr = undefined;
  pe.state = 'halted';
  pe.stopReason = `no code at ${hex(BigInt.asUintN(64, BigInt(pc)))}`;
}

/** Fetch and execute the instruction at the PC, or take the exception its fetch or execution raises. */
export function executeOne(pe: Pe): void {
  const pc = pe.pc;
  const env = pe.env;
  let instr: Instr | undefined;
  try {
    // PSTATE.IL=1 (after an illegal exception return): the next instruction raises EC 0x0E (Arm ARM D1.4.1).
    if (pe.il !== 0) {
      const why = pe.lastIllegalReturn === undefined ? 'PSTATE.IL=1' : `PSTATE.IL=1 after an illegal exception return: ${pe.lastIllegalReturn}`;
      throw new SyncException(EC.ILLEGAL_STATE, 0, { kind: 'illegal-state', reason: `Illegal Execution state (${why})` });
    }
    // PC alignment fault (Arm ARM D1.3.5.x): checked on fetch, FAR = PC.
    if ((pc & 3) !== 0) throw new SyncException(EC.PC_ALIGN, 0, { far: pc, kind: 'pc-alignment', reason: `PC alignment fault at ${hex(BigInt.asUintN(64, BigInt(pc)))}` });
    env.mmu.translate(pe, pc, 4, AccessType.Fetch);
    instr = env.fetchInstr(pe.tPa, pe);
    if (instr === undefined) {
      noCode(pe, pc);
      return;
    }
    pe.fetchPc = pc;
    pe.fetchInstr = instr;
    pe.nextPc = pc + 4;
    instr.exec(pe);
    pe.pc = pe.nextPc;
    pe.instret++;
  } catch (err) {
    fault(pe, err, pc, instr);
  }
}

export function stepPe(pe: Pe): void {
  if (beforeInstruction(pe)) executeOne(pe);
}
