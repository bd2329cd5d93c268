/**
 * Move wide (MOVN/MOVZ/MOVK, C6.2.197-199, with the MOV (wide immediate) and MOV
 * (inverted wide immediate) aliases) and PC-relative addressing (ADR/ADRP,
 * C6.2.10-11: relative to the PC at run time, so shared code stays
 * position-independent).
 */
import { vaHi, vaLo } from '../../pe/pe';
import { IMM16, moveWideValue, movWide } from '../codecs/immediates';
import { adrImmediate, adrTarget } from '../codecs/labels';
import { Rd, Xd } from '../codecs/registers';
import { form } from '../decodetree/form';
import type { Encoding, Exec, Fields, InstrClass } from '../decodetree/types';

function moveWide(f: Fields): Exec {
  const sf = f.sf === 1;
  const d = f.Rd;
  const pos = f.hw * 16;
  const imm16 = f.imm16;
  if (f.opc === 3) {
    // MOVK keeps the other bits.
    const keepLo = pos === 0 ? 0xffff0000 : pos === 16 ? 0x0000ffff : 0xffffffff;
    const keepHi = pos === 32 ? 0xffff0000 : pos === 48 ? 0x0000ffff : 0xffffffff;
    const setLo = pos === 0 ? imm16 : pos === 16 ? (imm16 << 16) >>> 0 : 0;
    const setHi = pos === 32 ? imm16 : pos === 48 ? (imm16 << 16) >>> 0 : 0;
    return sf
      ? (pe) => pe.setX(d, ((pe.xlo[d] & keepLo) | setLo) >>> 0, ((pe.xhi[d] & keepHi) | setHi) >>> 0)
      : (pe) => pe.setW(d, ((pe.xlo[d] & keepLo) | setLo) >>> 0);
  }
  const v = moveWideValue(f);
  const vlo = Number(v & 0xffffffffn);
  const vhi = Number((v >> 32n) & 0xffffffffn);
  return (pe) => pe.setX(d, vlo, vhi);
}

function pcRelative(f: Fields): Exec {
  const d = f.Rd;
  const offset = adrImmediate(f);
  if (f.op === 1) {
    const delta = offset * 4096;
    return (pe) => {
      const va = Math.floor(pe.pc / 4096) * 4096 + delta;
      pe.setX(d, vaLo(va), vaHi(va));
    };
  }
  return (pe) => {
    const va = pe.pc + offset;
    pe.setX(d, vaLo(va), vaHi(va));
  };
}

/** MOVZ/MOVN of zero with a shift is written explicitly; as is a 32-bit MOVN of 0xffff (its value is MOVZ's). */
const explicitShift = (f: Fields): boolean => f.imm16 === 0 && f.hw !== 0;

const ENCODINGS: Encoding[] = [
  {
    name: 'MOVN/MOVZ/MOVK',
    pattern: 'sf:1 opc:2 100101 hw:2 imm16:16 Rd:5',
    valid: (f) => f.opc !== 1 && (f.sf === 1 || f.hw < 2),
    flow: 'register',
    exec: moveWide,
    forms: [
      form('mov', [Rd, movWide('movz')], { fixed: { opc: 2 }, when: (f) => !explicitShift(f) }),
      form('movz', [Rd, IMM16], { fixed: { opc: 2 } }),
      form('mov', [Rd, movWide('movn')], { fixed: { opc: 0 }, when: (f) => !explicitShift(f) && !(f.sf === 0 && f.imm16 === 0xffff), asmOrder: 1 }),
      form('movn', [Rd, IMM16], { fixed: { opc: 0 } }),
      form('movk', [Rd, IMM16], { fixed: { opc: 3 } }),
    ],
  },
  {
    name: 'ADR/ADRP',
    pattern: 'op:1 immlo:2 10000 immhi:19 Rd:5',
    flow: 'plain',
    exec: pcRelative,
    forms: [form('adr', [Xd, adrTarget(false)], { fixed: { op: 0 } }), form('adrp', [Xd, adrTarget(true)], { fixed: { op: 1 } })],
  },
];

export const MOVES: InstrClass = {
  name: 'Move wide and PC-relative addressing',
  group: 'data-processing',
  encodings: ENCODINGS,
  docs: {
    movz: 'Move wide with zero',
    movn: 'Move wide with NOT',
    movk: 'Move wide with keep (insert 16 bits)',
    adr: 'PC-relative address (±1 MB)',
    adrp: 'PC-relative 4 KB page address (±4 GB)',
  },
};
