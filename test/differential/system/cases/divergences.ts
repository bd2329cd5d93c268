/**
 * The investigated differences between the simulator and QEMU 7.2, each with
 * the rule that decides it. A case lists the ones it shows (case.ts); the suite
 * asserts that the correct side holds the correct value and that the other
 * differs in exactly those bits, so a fix on either side makes the case fail
 * until its mark is removed.
 */
import type { Divergence } from '../case';

const ALL = 0xffff_ffff_ffff_ffffn;

/**
 * QEMU clears PSTATE.{N,Z,C,V} when it takes an exception
 * (target/arm/helper.c arm_cpu_do_interrupt_aarch64: `pstate_write(env,
 * PSTATE_DAIF | new_mode)`). The Arm ARM pseudocode AArch64.TakeException
 * (J1.1, aarch64/exceptions/takeexception) writes EL, nRW, SP, SS, IL, D, A,
 * I, F and, with their features, PAN, UAO, BTYPE, SSBS, TCO: the condition
 * flags are left as they were.
 */
export function qemuClearsNzcvOnEntry(nzcv: number): Divergence {
  return {
    register: 'pstate',
    mask: 0xf000_0000n,
    wrong: 'qemu',
    correct: BigInt(nzcv) << 28n,
    why: 'PSTATE.{N,Z,C,V} are unchanged by exception entry (Arm ARM J1.1 AArch64.TakeException); QEMU 7.2 clears them',
  };
}

/**
 * QEMU sets ISV (and SAS/SRT/SF…) for every data abort taken to EL2
 * (target/arm/tlb_helper.c merge_syn_data_abort tests `target_el == 2`), also
 * for a stage-1 abort of the EL2 or EL2&0 regime. The Arm ARM (D24.2 ESR_EL2,
 * "ISS encoding for an exception from a Data Abort", ISV): "For other faults
 * reported in ESR_EL2, ISV is 0 except for the following stage 2 aborts", so
 * ISS[24:14] is 0 for these.
 */
export const QEMU_ISV_ON_STAGE1_EL2: Divergence = {
  register: 'ESR_EL2',
  mask: 0x01ff_c000n,
  wrong: 'qemu',
  correct: 0n,
  why: 'ISV is 1 in ESR_EL2 only for the listed stage 2 aborts (Arm ARM D24.2 ESR_EL2, ISS encoding for a Data Abort, ISV); QEMU 7.2 also sets it for stage-1 aborts of the EL2 regimes',
};

/**
 * A stage-2 fault on a stage-1 table walk reports the level of the stage-2
 * lookup that faulted: AArch64.S1Walk returns the fault record of the stage-2
 * translation of the descriptor address unchanged (Arm ARM J1.1
 * aarch64/translation, AArch64.S1Walk / AArch64.S2Walk; ISS.S1PTW=1). QEMU 7.2
 * overwrites it with the stage-1 level (target/arm/ptw.c get_phys_addr_lpae:
 * `if (!S1_ptw_translate(...)) goto do_fault;` then `fi->level = level`).
 */
export function qemuS1ptwLevel(register: 'ESR_EL2' | 'PAR_EL1', level: number): Divergence {
  // The level is the low two bits of the fault status code: ISS[1:0] in ESR, FST[1:0] = PAR[2:1].
  const shift = register === 'PAR_EL1' ? 1n : 0n;
  return {
    register,
    mask: 3n << shift,
    wrong: 'qemu',
    correct: BigInt(level) << shift,
    why: 'a stage-2 fault on a stage-1 walk reports the stage-2 lookup level (Arm ARM J1.1 AArch64.S1Walk returns the AArch64.S2Walk fault record); QEMU 7.2 reports the stage-1 level',
  };
}

/**
 * A case where QEMU does not take an exception the architecture requires (it
 * runs on to the next HLT): every register the exception writes differs. The
 * simulator's values are the architectural ones, given here in full.
 */
export function qemuMissesException(values: Record<string, bigint>, why: string): Divergence[] {
  return Object.entries(values).map(([register, correct]) => ({ register, mask: ALL, wrong: 'qemu' as const, correct, why }));
}

/**
 * PAR_EL1.ATTR "can be the resulting attribute, as determined by any permitted
 * implementation choices … instead of the value that appears in the
 * translation table descriptor" (Arm ARM D24.2 PAR_EL1, ATTR). The simulator
 * models Write-Through as read-allocate (it has no allocation hints) and
 * reports 0xAA for MAIR 0xBB; QEMU echoes the MAIR byte. Both are permitted.
 */
export const PAR_ATTR_IMPLEMENTATION_CHOICE: Divergence = {
  register: 'PAR_EL1',
  mask: 0xff00_0000_0000_0000n,
  wrong: 'neither',
  correct: 0xaa00_0000_0000_0000n,
  why: 'PAR_EL1.ATTR may report the attributes as implemented rather than as in MAIR (Arm ARM D24.2 PAR_EL1, ATTR): the simulator reports Write-Through as 0xAA, QEMU the MAIR byte 0xBB',
};
