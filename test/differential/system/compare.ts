/**
 * Judging one case: the simulator's final state against QEMU's, register by
 * register, with the investigated divergences (case.ts) taken into account.
 */
import type { SystemCase } from './case';
import type { QemuStop } from './qemuSystem';
import type { Observation, SimulatedCase } from './simulate';

export interface Difference {
  register: string;
  simulator: bigint;
  qemu: bigint;
}

const hex = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16);

/** A compared value of an observation by the name a case uses (`x5`, `sp`, `pc`, `pstate`, `ESR_EL2`). */
export function valueOf(o: Observation, register: string): bigint | undefined {
  const m = /^x(\d+)$/i.exec(register);
  if (m) return o.x[Number(m[1])];
  if (register === 'sp' || register === 'pc' || register === 'pstate') return o[register];
  return o.sysregs.get(register.toUpperCase());
}

/**
 * ELR_EL3 and SPSR_EL3 hold the boot stub's ERET on QEMU until the case takes an
 * exception to EL3 (image.ts): they are compared once the simulator's values changed.
 */
function comparable(sim: SimulatedCase, register: string): boolean {
  if (register !== 'ELR_EL3' && register !== 'SPSR_EL3') return true;
  return sim.initial.sysregs.get(register) !== sim.final.sysregs.get(register);
}

/**
 * Fields that depend on a feature QEMU's `-cpu max` implements and the simulator
 * does not (its ID registers say so): they are RES0 on the simulator's PE, so a
 * difference there is a difference of PE, not of behaviour.
 */
export const FEATURE_FIELDS: readonly { registers: readonly string[]; mask: bigint; why: string }[] = [
  {
    registers: ['pstate', 'SPSR_EL1', 'SPSR_EL2', 'SPSR_EL3'],
    mask: 3n << 10n,
    why: 'BTYPE: FEAT_BTI (branches set PSTATE.BTYPE, exception entry saves it for some exceptions; Arm ARM D1.10.x, AArch64.TakeException) is implemented by -cpu max, not by the simulator (ID_AA64PFR1_EL1.BT=0)',
  },
];

function featureMask(register: string): bigint {
  let mask = 0n;
  for (const f of FEATURE_FIELDS) if (f.registers.includes(register)) mask |= f.mask;
  return mask;
}

export function differences(sim: SimulatedCase, qemu: Observation): Difference[] {
  const names = ['pc', 'pstate', 'sp', ...sim.final.x.map((_, i) => `x${i}`), ...sim.final.sysregs.keys()];
  const out: Difference[] = [];
  for (const register of names) {
    if (!comparable(sim, register)) continue;
    const ignore = featureMask(register);
    const s = valueOf(sim.final, register)! & ~ignore;
    const q = valueOf(qemu, register)! & ~ignore;
    if (s !== q) out.push({ register, simulator: s, qemu: q });
  }
  return out;
}

/**
 * The QEMU release the divergences were investigated with (Debian 12's
 * qemu-system-arm). With another release a QEMU defect may have been fixed:
 * its divergence then also accepts agreement, instead of asking for the mark
 * to be removed.
 */
export const INVESTIGATED_QEMU = '7.2';

/** Why the case fails (empty when the two agree, up to its investigated divergences). */
export function judge(c: SystemCase, sim: SimulatedCase, qemu: QemuStop, qemuVersion = INVESTIGATED_QEMU): string[] {
  const failures: string[] = [];
  if (sim.report.result !== 'pass') {
    const failed = sim.report.expectations.filter((e) => !e.held).map((e) => `${e.text} (${e.detail})`);
    failures.push(`the simulator fails the case's own expectations: ${failed.join('; ')}`);
  }
  for (const r of c.focus) {
    if (valueOf(sim.initial, r) === valueOf(sim.final, r)) failures.push(`focus register ${r} never changes in the simulator (${hex(valueOf(sim.final, r) ?? 0n)})`);
  }
  if (qemu.timedOut) failures.push(`QEMU reached no stop point (interrupted at PC ${hex(qemu.pc)}); the simulator stopped at ${hex(sim.final.pc)}`);
  let diffs = differences(sim, qemu);
  for (const d of c.divergences ?? []) {
    const simValue = valueOf(sim.final, d.register);
    const qemuValue = valueOf(qemu, d.register);
    if (simValue === undefined || qemuValue === undefined) {
      failures.push(`divergence names unknown register ${d.register}`);
      continue;
    }
    const s = simValue & ~featureMask(d.register);
    const q = qemuValue & ~featureMask(d.register);
    // `neither`: the simulator's documented choice is checked like a correct value.
    const simRight = d.wrong !== 'simulator';
    const [wrong, right] = simRight ? [q, s] : [s, q];
    const [wrongSide, rightSide] = simRight ? ['QEMU', 'simulator'] : ['simulator', 'QEMU'];
    if ((right & d.mask) !== d.correct) failures.push(`${d.register}: the ${rightSide} holds ${hex(right & d.mask)} in ${hex(d.mask)}, expected ${hex(d.correct)} (${d.why})`);
    else if ((wrong & d.mask) === d.correct) {
      const maybeFixed = d.wrong === 'qemu' && qemuVersion !== INVESTIGATED_QEMU;
      if (!maybeFixed)
        failures.push(`${d.register}: the ${wrongSide} now holds ${hex(d.correct)} in ${hex(d.mask)} too: remove this known divergence (${d.why})`);
    } else if ((s & ~d.mask) === (q & ~d.mask)) diffs = diffs.filter((x) => x.register !== d.register);
  }
  for (const d of diffs) failures.push(`${d.register}: simulator ${hex(d.simulator)}, QEMU ${hex(d.qemu)}`);
  return failures;
}
