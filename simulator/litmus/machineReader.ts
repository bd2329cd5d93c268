/**
 * The final state of a generated scenario's machine as the litmus front end
 * reads it (outcome.ts FinalStateReader): registers, main memory (what every
 * observer sees once the caches are written back; litmus scenarios run with
 * `cache_model off`, one coherent memory) and the faults taken.
 */
import type { InspectableMemory } from '../engine/report';
import type { Machine } from '../engine/machine';
import type { FinalStateReader } from './outcome';

export function machineReader(machine: Machine): FinalStateReader {
  return {
    register: (pe, reg) => machine.pes[pe]?.getX(reg) ?? 0n,
    memory: (address, size) => {
      const seen = (machine.memory as InspectableMemory).inspect?.(address, size, 'main');
      if (seen !== undefined) return BigInt.asUintN(size * 8, seen);
      let out = 0n;
      for (let i = size - 1; i >= 0; i--) out = (out << 8n) | BigInt(machine.physical.readU8(address + i));
      return out;
    },
    faults: machine.faults,
  };
}
