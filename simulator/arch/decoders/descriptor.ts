/**
 * VMSAv8-64 translation table descriptors, stage 1 and stage 2 (Arm ARM D8.3
 * "Translation table descriptor formats", D8.4 "Memory access control",
 * D8.5/D8.6 memory attributes; arch-facts.md §3 descriptors and §2 Hafnium's
 * stage-2 software bits).
 */
import { hex, sizeText } from '../../util/hex';
import { b, f, fmt } from '../registers/define';
import { decodeLayout } from '../registers/index';
import type { DecodedField, FieldDef } from '../registers/types';
import { decodeMairAttr, decodeStage2MemAttr, decodeStage2MemAttrFwb } from './memoryAttributes';

export type Granule = 4096 | 16384 | 65536;

/** Which translation regime a stage-1 descriptor belongs to: EL1&0 and EL2&0 have two privilege levels, EL2 and EL3 one. */
export type Stage1Regime = 'EL10' | 'EL20' | 'EL2' | 'EL3';

export interface DescriptorContext {
  stage: 1 | 2;
  level: number;
  granule?: Granule;
  /** Stage-1 regime (default EL10); decides AP/XN meaning. */
  regime?: Stage1Regime;
  /** HCR_EL2.FWB for stage-2 MemAttr. */
  fwb?: boolean;
  /** Interpret stage-2 software bits [57:55] with Hafnium's meaning (OWNED, EXCLUSIVE, NS). Default true. */
  hafnium?: boolean;
  /** Stage 1: the regime's MAIR_ELx, so that AttrIndx is named by the memory type it selects (`Attr1 Normal WB RWA`). */
  mair?: bigint;
}

export type DescriptorType = 'invalid' | 'table' | 'block' | 'page' | 'reserved';

export interface DecodedDescriptor {
  value: bigint;
  type: DescriptorType;
  stage: 1 | 2;
  level: number;
  /** Next-level table address (table) or output address (block/page). */
  address?: bigint;
  /** Bytes mapped by a block or page. */
  size?: number;
  /** Stage 1: MAIR index. */
  attrIndx?: number;
  /** Stage 2: MemAttr[3:0]. */
  memAttr?: number;
  sh?: number;
  /** Stage-1 AP[2:1] or stage-2 S2AP. */
  ap?: number;
  af?: boolean;
  /** Stage-1 not-global. */
  nG?: boolean;
  /** Stage-1 NS bit (Secure state only). */
  ns?: boolean;
  dbm?: boolean;
  contiguous?: boolean;
  /** Stage 1: PXN/UXN (UXN is XN for single-privilege regimes). */
  pxn?: boolean;
  uxn?: boolean;
  /** Stage 2: XN[1:0]. */
  xn?: number;
  /** Software-defined bits [58:55]. */
  software?: number;
  /** Hafnium stage-2 software bits (OWNED:55 EXCLUSIVE:56 NS:57). */
  hafnium?: { owned: boolean; exclusive: boolean; ns: boolean };
  /** Stage-1 table descriptor hierarchical attributes. */
  table?: { pxnTable: boolean; uxnTable: boolean; apTable: number; nsTable: boolean };
  /** One-line human summary. */
  summary: string;
  /** The same decode as fields (for the formatter, hovers and the debugger). */
  fields: DecodedField[];
}

const SH_TEXT: Record<number, string> = { 0: 'Non-shareable', 1: 'Reserved', 2: 'Outer Shareable', 3: 'Inner Shareable' };

const AP_TWO_PRIV: Record<number, string> = {
  0: 'EL1 RW, EL0 none',
  1: 'EL1 RW, EL0 RW',
  2: 'EL1 RO, EL0 none',
  3: 'EL1 RO, EL0 RO',
};
// Single-privilege regimes (EL2 without E2H, EL3) use AP[2] only (Arm ARM D8.4.1).
const AP_ONE_PRIV: Record<number, string> = { 0: 'RW', 1: 'RW', 2: 'RO', 3: 'RO' };
const S2AP_TEXT: Record<number, string> = { 0: 'No access', 1: 'Read-only', 2: 'Write-only', 3: 'Read/write' };
const S2XN_TEXT: Record<number, string> = {
  0: 'Executable at EL1 and EL0',
  1: 'Executable at EL0 only (not EL1)',
  2: 'Not executable',
  3: 'Executable at EL1 only (not EL0)',
};
const AP_TABLE: Record<number, string> = {
  0: 'No effect',
  1: 'EL0 access not permitted below',
  2: 'Write not permitted below',
  3: 'Write and EL0 access not permitted below',
};

/** log2 of the bytes mapped by one entry at `level`. */
function entryShift(granule: Granule, level: number): number {
  const g = granule === 4096 ? 12 : granule === 16384 ? 14 : 16;
  return g + (3 - level) * (g - 3);
}

function canBlock(granule: Granule, level: number): boolean {
  if (granule === 4096) return level === 1 || level === 2;
  if (granule === 16384) return level === 2;
  return level === 2; // 64KB level-1 blocks need FEAT_LPA
}

/** Decode one 64-bit descriptor. */
export function decodeDescriptor(value: bigint, ctx: DescriptorContext): DecodedDescriptor {
  const v = BigInt.asUintN(64, value);
  const granule = ctx.granule ?? 4096;
  const level = ctx.level;
  const stage = ctx.stage;
  const bit = (n: number) => ((v >> BigInt(n)) & 1n) === 1n;
  const num = (msb: number, lsb: number) => Number((v >> BigInt(lsb)) & ((1n << BigInt(msb - lsb + 1)) - 1n));
  const gShift = granule === 4096 ? 12 : granule === 16384 ? 14 : 16;

  if (!bit(0)) {
    return { value: v, type: 'invalid', stage, level, summary: 'Invalid (bit 0 = 0): any access faults (translation fault)', fields: decodeLayout([b('Valid', 0, 'Descriptor valid', { 0: 'Invalid' }), f('Ignored', 63, 1, 'Ignored by hardware (software may use)')], v) };
  }
  const isTableOrPage = bit(1);
  let type: DescriptorType;
  if (level === 3) type = isTableOrPage ? 'page' : 'reserved';
  else if (isTableOrPage) type = 'table';
  else type = canBlock(granule, level) ? 'block' : 'reserved';

  if (type === 'reserved') {
    return {
      value: v,
      type,
      stage,
      level,
      summary: level === 3 ? 'Reserved (0b01 at level 3): treated as invalid' : `Reserved (block not permitted at level ${level} with a ${granule / 1024}KB granule): translation fault`,
      fields: decodeLayout([f('Type', 1, 0, 'Descriptor type', { 1: 'Block (not permitted here)' }), f('Bits', 63, 2, 'Remaining bits')], v),
    };
  }

  if (type === 'table') {
    const address = (v & (((1n << 48n) - 1n) & ~((1n << BigInt(gShift)) - 1n)));
    const layout: FieldDef[] = [
      f('Type', 1, 0, 'Descriptor type', { 3: 'Table' }),
      fmt('NLTA', 47, gShift, 'Next-level table address', (x) => hex(x << BigInt(gShift))),
      f('Ignored', 11, 2, 'Ignored by hardware'),
    ];
    const d: DecodedDescriptor = { value: v, type, stage, level, address, summary: '', fields: [] };
    if (stage === 1) {
      layout.push(
        b('PXNTable', 59, 'PXN limit for subsequent levels', { 0: 'No PXN limit on subsequent levels', 1: 'Subsequent levels are privileged execute-never' }),
        b('UXNTable', 60, 'UXN (XN) limit for subsequent levels', { 0: 'No UXN/XN limit on subsequent levels', 1: 'Subsequent levels are unprivileged execute-never (XN)' }),
        f('APTable', 62, 61, 'Access permission limit for subsequent levels', AP_TABLE),
        b('NSTable', 63, 'PA space of subsequent levels (Secure state only)', {
          0: 'Subsequent levels stay in the current PA space',
          1: 'Subsequent levels are in the Non-secure PA space (Secure state only)',
        }),
      );
      layout.push(f('Ignored', 58, 51, 'Ignored by hardware'));
      d.table = { pxnTable: bit(59), uxnTable: bit(60), apTable: num(62, 61), nsTable: bit(63) };
    } else {
      layout.push(f('Ignored', 63, 51, 'Ignored: stage-2 table descriptors carry no attributes'));
    }
    d.fields = decodeLayout(layout, v);
    const extras: string[] = [];
    if (d.table?.nsTable) extras.push('NSTable');
    if (d.table?.apTable) extras.push(`APTable=${d.table.apTable}`);
    if (d.table?.pxnTable) extras.push('PXNTable');
    if (d.table?.uxnTable) extras.push('UXNTable');
    d.summary = `Table → next level at ${hex(address)}${extras.length ? ' ' + extras.join(' ') : ''}`;
    return d;
  }

  // Block or page: output address bits [47:shift].
  const shift = type === 'page' ? gShift : entryShift(granule, level);
  const address = v & (((1n << 48n) - 1n) & ~((1n << BigInt(shift)) - 1n));
  const size = 2 ** shift;
  const layout: FieldDef[] = [
    f('Type', 1, 0, 'Descriptor type', type === 'page' ? { 3: 'Page' } : { 1: 'Block' }),
    f('SH', 9, 8, 'Shareability', SH_TEXT),
    b('AF', 10, 'Access Flag', { 0: 'Not accessed: first access faults (access flag fault)', 1: 'Accessed' }),
    fmt('OA', 47, shift, 'Output address', (x) => hex(x << BigInt(shift))),
    b('DBM', 51, 'Dirty Bit Modifier', { 0: 'No hardware dirty-state management', 1: 'Writable-clean: hardware may set it writable on write (FEAT_HAFDBS)' }),
    b('Contiguous', 52, 'Contiguous hint', { 0: 'Not part of a contiguous set', 1: 'One of a contiguous set of entries (TLB may cache them as one)' }),
  ];
  const d: DecodedDescriptor = {
    value: v,
    type,
    stage,
    level,
    address,
    size,
    sh: num(9, 8),
    ap: num(7, 6),
    af: bit(10),
    dbm: bit(51),
    contiguous: bit(52),
    summary: '',
    fields: [],
  };
  const parts = [`${type === 'page' ? 'Page' : 'Block'} ${sizeText(size)} → ${hex(address)}`];
  if (stage === 1) {
    const regime = ctx.regime ?? 'EL10';
    const twoPriv = regime === 'EL10' || regime === 'EL20';
    // AttrIndx selects MAIR_ELx.Attr<n> (Arm ARM D8.6.1): with the MAIR known, name the memory type it holds.
    const mair = ctx.mair;
    const attrName = (i: number): string => (mair === undefined ? `Attr${i}` : `Attr${i} ${decodeMairAttr(Number((mair >> BigInt(8 * i)) & 0xffn)).text}`);
    layout.push(
      fmt('AttrIndx', 4, 2, mair === undefined ? 'MAIR_ELx attribute index' : 'MAIR_ELx attribute index, and the memory type MAIR_ELx gives it', (x) => attrName(Number(x))),
      b('NS', 5, 'Non-secure output (Secure state only)', { 0: 'Secure PA space (in Secure state)', 1: 'Non-secure PA space' }),
      f('AP', 7, 6, 'Access permissions AP[2:1]', twoPriv ? AP_TWO_PRIV : AP_ONE_PRIV),
      b('nG', 11, 'not Global: TLB entry is ASID-tagged', { 0: 'Global', 1: 'Non-global (ASID-specific)' }),
      b('GP', 50, 'Guarded Page (FEAT_BTI)'),
      b(twoPriv ? 'PXN' : 'PXN(RES0)', 53, twoPriv ? 'Privileged execute-never' : 'RES0 in single-privilege regimes'),
      b(twoPriv ? 'UXN' : 'XN', 54, twoPriv ? 'Unprivileged execute-never' : 'Execute-never'),
      f('SW', 58, 55, 'Software use'),
      f('PBHA', 62, 59, 'Page-based hardware attributes (IMPLEMENTATION DEFINED)'),
      f('Ignored', 63, 63, 'Ignored by hardware'),
    );
    if (type === 'block') layout.push(b('nT', 16, 'Block translation entry (FEAT_BBM)'));
    d.attrIndx = num(4, 2);
    d.ns = bit(5);
    d.nG = bit(11);
    d.pxn = bit(53);
    d.uxn = bit(54);
    d.software = num(58, 55);
    parts.push(attrName(d.attrIndx), SH_TEXT[d.sh!], (twoPriv ? AP_TWO_PRIV : AP_ONE_PRIV)[d.ap!]);
    if (d.ns) parts.push('NS');
    if (d.nG) parts.push('nG');
    if (twoPriv) {
      if (d.pxn) parts.push('PXN');
      if (d.uxn) parts.push('UXN');
    } else if (d.uxn) parts.push('XN');
  } else {
    const hf = ctx.hafnium ?? true;
    layout.push(
      fmt('MemAttr', 5, 2, ctx.fwb ? 'Stage-2 memory attributes (FWB=1: MemAttr[2:0])' : 'Stage-2 memory attributes (FWB=0)', (x) =>
        ctx.fwb ? decodeStage2MemAttrFwb(Number(x)) : decodeStage2MemAttr(Number(x)),
      ),
      f('S2AP', 7, 6, 'Stage-2 access permissions', S2AP_TEXT),
      f('XN', 54, 53, 'Stage-2 execute-never XN[1:0] (FEAT_XNX)', S2XN_TEXT),
    );
    if (hf) {
      layout.push(
        b('OWNED', 55, 'Software bit 55: Hafnium OWNED (the VM owns the page)'),
        b('EXCLUSIVE', 56, 'Software bit 56: Hafnium EXCLUSIVE (no other VM has access)'),
        b('SW_NS', 57, 'Software bit 57: Hafnium NS (Non-secure memory, Secure EL2)'),
        b('SW58', 58, 'Software bit 58'),
      );
      d.hafnium = { owned: bit(55), exclusive: bit(56), ns: bit(57) };
    } else {
      layout.push(f('SW', 58, 55, 'Software use'));
    }
    layout.push(f('PBHA', 62, 59, 'Page-based hardware attributes (IMPLEMENTATION DEFINED)'), f('Ignored', 63, 63, 'Ignored by hardware'));
    d.memAttr = num(5, 2);
    d.xn = num(54, 53);
    d.software = num(58, 55);
    parts.push(ctx.fwb ? decodeStage2MemAttrFwb(d.memAttr) : decodeStage2MemAttr(d.memAttr), SH_TEXT[d.sh!], `S2AP ${S2AP_TEXT[d.ap!]}`);
    if (d.xn) parts.push(`XN=${d.xn}`);
    if (d.hafnium) {
      const flags = [d.hafnium.owned ? 'OWNED' : '', d.hafnium.exclusive ? 'EXCLUSIVE' : '', d.hafnium.ns ? 'NS' : ''].filter(Boolean);
      if (flags.length) parts.push(`[${flags.join(' ')}]`);
    }
  }
  if (!d.af) parts.push('AF=0');
  d.fields = decodeLayout(layout, v);
  d.summary = parts.join(', ');
  return d;
}

/** Bytes mapped by one entry at a level (4KB: L0 512GB, L1 1GB, L2 2MB, L3 4KB). */
export function levelSize(level: number, granule: Granule = 4096): number {
  return 2 ** entryShift(granule, level);
}
