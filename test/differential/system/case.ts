/**
 * One case of the system differential suite: a small scenario (the scenario
 * language, run unchanged by the simulator and translated for QEMU) and the
 * registers it is about.
 */

/** A difference between the simulator and QEMU that has been investigated. */
export interface Divergence {
  /** A compared register: a system register's canonical name, `x0`…`x30`, `sp`, `pc` or `pstate`. */
  register: string;
  /** The bits that differ (a field of the register). */
  mask: bigint;
  /**
   * Which side is wrong; `neither` when the architecture permits both values
   * (an IMPLEMENTATION DEFINED choice), `correct` then being the simulator's.
   */
  wrong: 'qemu' | 'simulator' | 'neither';
  /** The architecturally correct value of those bits (already shifted into place). */
  correct: bigint;
  /** The rule (Arm ARM section) and, for a simulator defect, the issue that fixes it. */
  why: string;
}

export interface SystemCase {
  /** Short name; also the scenario's file name in messages. */
  name: string;
  /** The scenario text: one PE, `memory` regions in QEMU's RAM or Secure RAM, ending with the PE stopped. */
  scenario: string;
  /**
   * The registers this case is about (canonical system register names, or
   * `x0`…`x30`). Each must change during the simulator's run — a case that
   * leaves them untouched proves nothing. The whole context (context.ts) is
   * compared in any case.
   */
  focus: string[];
  divergences?: Divergence[];
}
