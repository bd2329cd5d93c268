/**
 * Register scopes of a stopped PE: general registers, PSTATE, the system
 * registers it holds (each decoded field by field by the register table), and
 * its interrupt lines. GIC CPU interface registers are listed only when the
 * scenario has a GIC (simulator/gic/presence.ts).
 */
import { decodeContextOf, decodePstate, decodeValue, fieldValueText, type DecodedField, byRelevance, DAIF_FLAGS, HCR_EL2, NZCV_FLAGS } from '../../simulator/arch/index';
import { currentSpsr } from '../../simulator/pe/entry';
import type { Machine } from '../../simulator/engine/machine';
import { isGicRegister } from '../../simulator/gic/presence';
import type { Pe } from '../../simulator/pe/pe';
import { hex } from '../../simulator/util/hex';
import { named, type VarNode } from '../handles';
import { formatMemoryReference } from '../memory';

/** The fields of a decoded value (RES0 fields only when they hold a violation), nested fields as children. */
export function fieldNodes(fields: DecodedField[]): VarNode[] {
  return byRelevance(fields)
    .filter((f) => f.kind !== 'res0' || f.violation)
    .map((f) => ({
      name: `${f.name} [${f.msb === f.lsb ? f.msb : `${f.msb}:${f.lsb}`}]`,
      value: `${fieldValueText(f)}  ${f.meaning}`,
      children: f.children && f.children.length > 0 ? named(() => fieldNodes(f.children!)) : undefined,
    }));
}

/** PSTATE.{N,Z,C,V} as four binary digits. */
function nzcvBits(pe: Pe): string {
  return NZCV_FLAGS.of(pe.nzcv()).toString(2).padStart(4, '0');
}

/** PSTATE.{D,A,I,F} as four binary digits. */
function daifBits(pe: Pe): string {
  return DAIF_FLAGS.of(pe.daif()).toString(2).padStart(4, '0');
}

export function generalRegisters(machine: Machine, pe: Pe): VarNode[] {
  const out: VarNode[] = [];
  const q = `pe${pe.id}.`;
  const view = { pe: pe.id };
  for (let i = 0; i < 31; i++) {
    const v = pe.getX(i);
    out.push({ name: `x${i}`, value: hex(v), type: 'u64', evaluateName: `${q}x${i}`, memoryReference: formatMemoryReference(view, v), register: `x${i}` });
  }
  const sp = pe.getSp(pe.spsel === 0 ? 0 : pe.el);
  out.push({ name: 'sp', value: hex(sp), type: 'u64', evaluateName: `${q}sp`, memoryReference: formatMemoryReference(view, sp), register: 'sp' });
  const line = machine.lineOfPc(pe.pc);
  out.push({ name: 'pc', value: hex(pe.getPc()) + (line !== undefined ? `  (line ${line + 1})` : ''), type: 'u64', evaluateName: `${q}pc`, memoryReference: formatMemoryReference(view, pe.getPc()) });
  // PSTATE in the SPSR_ELx layout, as an exception taken now would save it (simulator/pe/entry.ts).
  const ps = decodePstate(BigInt(currentSpsr(pe)));
  out.push({
    name: 'pstate',
    value: `EL${pe.el}${pe.spsel ? 'h' : 't'} NZCV=${nzcvBits(pe)} DAIF=${daifBits(pe)}`,
    children: named(() => fieldNodes(ps.fields)),
  });
  for (let el = 0; el <= 3; el++) out.push({ name: `sp_el${el}`, value: hex(pe.getSp(el)), type: 'u64', evaluateName: `${q}sp_el${el}`, register: `sp_el${el}` });
  out.push({ name: 'state', value: pe.state + (pe.stopReason ? `: ${pe.stopReason}` : ''), type: 'string' });
  out.push({ name: 'instret', value: String(pe.instret), type: 'number' });
  return out;
}

/** Every system register the PE holds, decoded (with HCR_EL2.E2H for the layouts that depend on it). */
export function systemRegisters(pe: Pe, withGic: boolean): VarNode[] {
  const ctx = decodeContextOf(pe.readSysreg('HCR_EL2'));
  return [...pe.sysregs.keys()]
    .filter((name) => withGic || !isGicRegister(name))
    .sort()
    .map((name) => {
      const v = pe.sysregs.get(name) ?? 0n;
      const d = decodeValue(name, v, ctx);
      return {
        name: name.toLowerCase(),
        value: hex(v),
        type: 'u64',
        evaluateName: `pe${pe.id}.${name.toLowerCase()}`,
        register: name,
        children: d ? named(() => fieldNodes(d.fields)) : undefined,
      };
    });
}

/** The PE's interrupt inputs: physical and virtual lines (HCR_EL2.VI/VF, Arm ARM D1.3.6), PSTATE masks, the event register. */
export function interruptLines(pe: Pe): VarNode[] {
  const hcr = pe.readSysreg('HCR_EL2');
  return [
    { name: 'IRQ line', value: pe.irqLine ? 'asserted' : 'low' },
    { name: 'FIQ line', value: pe.fiqLine ? 'asserted' : 'low' },
    { name: 'vIRQ', value: pe.virqLine || HCR_EL2.VI.isSet(hcr) ? 'pending' : 'none' },
    { name: 'vFIQ', value: pe.vfiqLine || HCR_EL2.VF.isSet(hcr) ? 'pending' : 'none' },
    { name: 'SError', value: pe.serrorLine ? 'pending' : 'none' },
    { name: 'PSTATE.DAIF', value: daifBits(pe) },
    { name: 'event register', value: String(pe.eventRegister) },
  ];
}
