/**
 * Generations of a PE's system registers (`Pe.sysregGen`): caches of what is
 * derived from them (MMU regime and micro-TLB, routing, PE configuration) are
 * keyed by the generation. Every change takes a generation never handed out
 * before — by any PE of any machine — so a generation names one content of
 * the registers, and a restore can hand back the generation its capture had
 * (engine/snapshot.ts): what was derived for it holds again.
 */

let sysregGens = 0;

/** A `sysregGen` value never handed out before. */
export function freshSysregGen(): number {
  return ++sysregGens;
}
