/**
 * The GICv3 memory-mapped frames (IHI 0069 chapter 12.8-12.10): the
 * distributor (GICD_*, 64 KB) and one redistributor per PE (GICR_*: RD_base
 * frame, then the SGI_base frame 64 KB above it; 128 KB per PE, the last one
 * has GICR_TYPER.Last=1).
 *
 * With GICD_CTLR.DS=0 a Non-secure access (the accessing PE is in Non-secure
 * state) sees the Non-secure view (IHI 0069 §12.1.7 and each register's
 * "Security" notes): fields of Group 0 and Secure Group 1 interrupts are
 * RAZ/WI, GICD_IGROUPR/IGRPMODR and GICR_NSACR are RAZ/WI, priorities of
 * Non-secure interrupts are shifted (§4.8.6), and GICD_CTLR shows
 * EnableGrp1 (bit 0, the Non-secure Group 1 enable) and ARE_NS (bit 4). An
 * access with no PE (a scenario `write` event) is Secure.
 *
 * INTIDs 0-31 are banked in the redistributors: with affinity routing their
 * GICD_* fields (register n = 0) are RAZ/WI.
 */
import type { MmioDevice } from '../memory/flat';
import { isSecure, refreshConfig } from '../pe/config';
import type { Pe } from '../pe/pe';
import type { Gic } from './gic';
import { GICD_CTLR, GICD_SIZE, GICR_STRIDE } from './state';
import { G1NS, PRIORITY_MASK, SPI_FIRST, SPI_LAST, groupCode } from './types';

type BitKind = 'igroup' | 'igrpmod' | 'isenable' | 'icenable' | 'ispend' | 'icpend' | 'isactive' | 'icactive';

function secureAccess(pe: Pe | undefined): boolean {
  if (pe === undefined) return true;
  refreshConfig(pe);
  return isSecure(pe);
}

/** Can a Non-secure access see interrupt i? Only Non-secure Group 1 interrupts (GICR_NSACR = 0). */
function visible(gic: Gic, i: number, secure: boolean): boolean {
  return secure || groupCode(gic.igroup[i], gic.igrpmod[i]) === G1NS;
}

/** Read a 1-bit-per-interrupt register covering INTIDs first..first+31 (PE `pe` for SGIs/PPIs). */
function readBits(gic: Gic, kind: BitKind, first: number, pe: number, secure: boolean): number {
  if ((kind === 'igroup' || kind === 'igrpmod') && !secure) return 0;
  let v = 0;
  for (let k = 0; k < 32; k++) {
    const intid = first + k;
    const i = gic.index(intid, pe);
    if (i < 0 || !visible(gic, i, secure)) continue;
    let bit: number;
    switch (kind) {
      case 'igroup':
        bit = gic.igroup[i];
        break;
      case 'igrpmod':
        bit = gic.igrpmod[i];
        break;
      case 'isenable':
      case 'icenable':
        bit = gic.enabled[i];
        break;
      case 'ispend':
      case 'icpend':
        bit = gic.isPending(intid, pe) ? 1 : 0;
        break;
      default:
        bit = gic.active[i];
    }
    if (bit !== 0) v |= 1 << k;
  }
  return v >>> 0;
}

function writeBits(gic: Gic, kind: BitKind, first: number, pe: number, secure: boolean, value: number): void {
  if ((kind === 'igroup' || kind === 'igrpmod') && !secure) return;
  for (let k = 0; k < 32; k++) {
    const intid = first + k;
    const i = gic.index(intid, pe);
    if (i < 0 || !visible(gic, i, secure)) continue;
    const bit = (value >>> k) & 1;
    switch (kind) {
      case 'igroup':
        gic.igroup[i] = bit;
        break;
      case 'igrpmod':
        gic.igrpmod[i] = bit;
        break;
      case 'isenable':
        if (bit) gic.enabled[i] = 1;
        break;
      case 'icenable':
        if (bit) gic.enabled[i] = 0;
        break;
      case 'ispend':
        if (bit) gic.setPending(intid, true, pe);
        break;
      case 'icpend':
        if (bit) gic.setPending(intid, false, pe);
        break;
      case 'isactive':
        if (bit) gic.active[i] = 1;
        break;
      case 'icactive':
        if (bit) gic.active[i] = 0;
        break;
    }
  }
}

/** One priority byte (Non-secure view: (p << 1) for Non-secure interrupts, RAZ for Secure ones). */
function readPriority(gic: Gic, intid: number, pe: number, secure: boolean): number {
  const i = gic.index(intid, pe);
  if (i < 0 || !visible(gic, i, secure)) return 0;
  const p = gic.priority[i];
  return secure ? p : (p << 1) & 0xff;
}

function writePriority(gic: Gic, intid: number, pe: number, secure: boolean, v: number): void {
  const i = gic.index(intid, pe);
  if (i < 0 || !visible(gic, i, secure)) return;
  gic.priority[i] = (secure ? v : (v >> 1) | 0x80) & PRIORITY_MASK;
}

/** GICD_ICFGR / GICR_ICFGR: 2 bits per interrupt, Int_config[1] = edge (IHI 0069 §12.9.9). */
function readCfg(gic: Gic, first: number, pe: number, secure: boolean): number {
  let v = 0;
  for (let k = 0; k < 16; k++) {
    const i = gic.index(first + k, pe);
    if (i < 0 || !visible(gic, i, secure)) continue;
    if (gic.edge[i] !== 0) v |= 2 << (2 * k);
  }
  return v >>> 0;
}

function writeCfg(gic: Gic, first: number, pe: number, secure: boolean, value: number): void {
  for (let k = 0; k < 16; k++) {
    const intid = first + k;
    const i = gic.index(intid, pe);
    if (i < 0 || intid < 16 || !visible(gic, i, secure)) continue;
    gic.edge[i] = (value >>> (2 * k + 1)) & 1;
  }
}

/** Split an access into 32-bit register accesses (8-byte accesses to pairs of registers, as GICD_IROUTER). */
abstract class Frame implements MmioDevice {
  abstract readonly name: string;
  protected readonly gic: Gic;
  constructor(gic: Gic) {
    this.gic = gic;
  }
  protected abstract read32(offset: number, secure: boolean): number;
  protected abstract write32(offset: number, value: number, secure: boolean): void;
  /** Byte-accessible range (IPRIORITYR): [lo, hi). */
  protected abstract byteRange(offset: number): boolean;
  protected abstract readByte(offset: number, secure: boolean): number;
  protected abstract writeByte(offset: number, v: number, secure: boolean): void;

  read(offset: number, size: number, out: { ldLo: number; ldHi: number }, pe?: Pe): void {
    const secure = secureAccess(pe);
    if (this.byteRange(offset)) {
      let lo = 0;
      let hi = 0;
      for (let b = 0; b < size; b++) {
        const v = this.readByte(offset + b, secure);
        if (b < 4) lo |= v << (8 * b);
        else hi |= v << (8 * (b - 4));
      }
      out.ldLo = lo >>> 0;
      out.ldHi = hi >>> 0;
      return;
    }
    const aligned = offset & ~3;
    const word = this.read32(aligned, secure) >>> 0;
    if (size === 8) {
      out.ldLo = word;
      out.ldHi = this.read32(aligned + 4, secure) >>> 0;
      return;
    }
    const shift = (offset & 3) * 8;
    out.ldLo = size === 4 ? word : (word >>> shift) & (size === 1 ? 0xff : 0xffff);
    out.ldHi = 0;
  }

  write(offset: number, size: number, lo: number, hi: number, pe?: Pe): void {
    const secure = secureAccess(pe);
    if (this.byteRange(offset)) {
      for (let b = 0; b < size; b++) this.writeByte(offset + b, b < 4 ? (lo >>> (8 * b)) & 0xff : (hi >>> (8 * (b - 4))) & 0xff, secure);
    } else if (size === 8) {
      this.write32(offset, lo >>> 0, secure);
      this.write32(offset + 4, hi >>> 0, secure);
    } else if (size === 4) this.write32(offset, lo >>> 0, secure);
    // Sub-word writes to word-only registers are ignored (IHI 0069 §12.1.3: byte access only where stated).
    this.gic.updateAll();
  }
}

/** GICD_* (IHI 0069 §12.9). */
export class Distributor extends Frame {
  readonly name = 'GICD';
  readonly size = GICD_SIZE;

  protected byteRange(offset: number): boolean {
    return offset >= 0x400 && offset < 0x800;
  }
  protected readByte(offset: number, secure: boolean): number {
    const intid = offset - 0x400;
    return intid < SPI_FIRST ? 0 : readPriority(this.gic, intid, 0, secure);
  }
  protected writeByte(offset: number, v: number, secure: boolean): void {
    const intid = offset - 0x400;
    if (intid >= SPI_FIRST) writePriority(this.gic, intid, 0, secure, v);
  }

  protected read32(offset: number, secure: boolean): number {
    const g = this.gic;
    if (offset === 0x0000) {
      if (secure) return g.ctlr;
      // Non-secure view: EnableGrp1 (bit 0) = EnableGrp1NS, ARE_NS (bit 4).
      return ((g.ctlr & GICD_CTLR.EnableGrp1NS) !== 0 ? 1 : 0) | (1 << 4);
    }
    // GICD_TYPER: ITLinesNumber=31 (INTIDs up to 1019), SecurityExtn=1, IDbits=9 (10-bit INTIDs), No1N=0.
    if (offset === 0x0004) return 31 | (1 << 10) | (9 << 19);
    if (offset === 0x0008) return 0x0000_043b; // GICD_IIDR: Implementer Arm (0x43B)
    if (offset === 0xffe8) return 0x3b; // GICD_PIDR2: ArchRev = 3 (GICv3)
    const bits = bitRegister(offset);
    if (bits !== undefined) return bits.n === 0 ? 0 : readBits(g, bits.kind, bits.n * 32, 0, secure);
    if (offset >= 0xc00 && offset < 0xd00) {
      const n = (offset - 0xc00) >> 2;
      return n < 2 ? 0 : readCfg(g, n * 16, 0, secure);
    }
    if (offset >= 0x6100 && offset < 0x6000 + 8 * (SPI_LAST + 1)) {
      const intid = (offset - 0x6000) >> 3;
      const i = g.index(intid);
      if (!visible(g, i, secure)) return 0;
      return (offset & 4) === 0 ? g.routeLo[intid - SPI_FIRST] : g.routeAff3[intid - SPI_FIRST];
    }
    return 0;
  }

  protected write32(offset: number, value: number, secure: boolean): void {
    const g = this.gic;
    if (offset === 0x0000) {
      if (secure) g.ctlr = (value & (GICD_CTLR.EnableGrp0 | GICD_CTLR.EnableGrp1NS | GICD_CTLR.EnableGrp1S)) | GICD_CTLR.ARE_S | GICD_CTLR.ARE_NS;
      else g.ctlr = (g.ctlr & ~GICD_CTLR.EnableGrp1NS) | ((value & 1) !== 0 ? GICD_CTLR.EnableGrp1NS : 0);
      return;
    }
    // GICD_SETSPI_NSR/CLRSPI_NSR (0x40/0x48) and the Secure GICD_SETSPI_SR/CLRSPI_SR (0x50/0x58): INTID in bits [9:0] (IHI 0069 §12.9.x).
    if (offset === 0x40 || offset === 0x48 || ((offset === 0x50 || offset === 0x58) && secure)) {
      const intid = value & 0x3ff;
      if (intid < SPI_FIRST || intid > SPI_LAST) return;
      const i = g.index(intid);
      // The _NSR forms reach only Non-secure Group 1 SPIs from a Non-secure access.
      if ((offset === 0x40 || offset === 0x48) && !visible(g, i, secure)) return;
      g.setPending(intid, offset === 0x40 || offset === 0x50);
      return;
    }
    const bits = bitRegister(offset);
    if (bits !== undefined) {
      if (bits.n !== 0) writeBits(g, bits.kind, bits.n * 32, 0, secure, value);
      return;
    }
    if (offset >= 0xc00 && offset < 0xd00) {
      const n = (offset - 0xc00) >> 2;
      if (n >= 2) writeCfg(g, n * 16, 0, secure, value);
      return;
    }
    if (offset >= 0x6100 && offset < 0x6000 + 8 * (SPI_LAST + 1)) {
      const intid = (offset - 0x6000) >> 3;
      const i = g.index(intid);
      if (!visible(g, i, secure)) return;
      // IROUTER: Aff2.Aff1.Aff0 [23:0], IRM [31], Aff3 [39:32]; other bits RES0.
      if ((offset & 4) === 0) g.routeLo[intid - SPI_FIRST] = (value & 0x80ff_ffff) >>> 0;
      else g.routeAff3[intid - SPI_FIRST] = value & 0xff;
    }
  }
}

/** The 1-bit-per-interrupt registers by offset (same offsets in GICD_* and the GICR SGI_base frame). */
function bitRegister(offset: number): { kind: BitKind; n: number } | undefined {
  if (offset < 0x80 || offset >= 0x400) {
    if (offset >= 0xd00 && offset < 0xd80) return { kind: 'igrpmod', n: (offset - 0xd00) >> 2 };
    return undefined;
  }
  const kinds: BitKind[] = ['igroup', 'isenable', 'icenable', 'ispend', 'icpend', 'isactive', 'icactive'];
  const k = (offset >> 7) - 1;
  return { kind: kinds[k], n: (offset & 0x7f) >> 2 };
}

/** All redistributors as one device: PE = offset / 128 KB (IHI 0069 §12.10). */
export class Redistributors extends Frame {
  readonly name = 'GICR';
  readonly size: number;

  constructor(gic: Gic) {
    super(gic);
    this.size = GICR_STRIDE * gic.peCount;
  }

  private split(offset: number): { pe: number; off: number } {
    return { pe: Math.floor(offset / GICR_STRIDE), off: offset % GICR_STRIDE };
  }

  protected byteRange(offset: number): boolean {
    const off = offset % GICR_STRIDE;
    return off >= 0x1_0400 && off < 0x1_0420;
  }
  protected readByte(offset: number, secure: boolean): number {
    const { pe, off } = this.split(offset);
    return readPriority(this.gic, off - 0x1_0400, pe, secure);
  }
  protected writeByte(offset: number, v: number, secure: boolean): void {
    const { pe, off } = this.split(offset);
    writePriority(this.gic, off - 0x1_0400, pe, secure, v);
  }

  protected read32(offset: number, secure: boolean): number {
    const g = this.gic;
    const { pe, off } = this.split(offset);
    switch (off) {
      case 0x0000: // GICR_CTLR: no LPIs, nothing to report
        return 0;
      case 0x0004: // GICR_IIDR
        return 0x0000_043b;
      case 0x0008: // GICR_TYPER[31:0]: Processor_Number [23:8], Last [4]
        return ((pe & 0xffff) << 8) | (pe === g.peCount - 1 ? 1 << 4 : 0);
      case 0x000c: // GICR_TYPER[63:32]: Affinity_Value Aff3.Aff2.Aff1.Aff0
        return g.affinityOf(pe) >>> 0;
      case 0x0014: // GICR_WAKER: ProcessorSleep [1], ChildrenAsleep [2]
        return g.waker[pe];
      case 0xffe8:
        return 0x3b;
      case 0x1_0e00: // GICR_NSACR: Secure only; 0 (no Non-secure access to Secure SGIs)
        return 0;
    }
    if (off >= 0x1_0000) {
      const sgiOff = off - 0x1_0000;
      const bits = bitRegister(sgiOff);
      if (bits !== undefined && bits.n === 0) return readBits(g, bits.kind, 0, pe, secure);
      if (sgiOff === 0xc00) return readCfg(g, 0, pe, secure);
      if (sgiOff === 0xc04) return readCfg(g, 16, pe, secure);
    }
    return 0;
  }

  protected write32(offset: number, value: number, secure: boolean): void {
    const g = this.gic;
    const { pe, off } = this.split(offset);
    if (off === 0x0014) {
      // ChildrenAsleep follows ProcessorSleep at once (no power-management handshake modelled). Delivery does not depend on it.
      const sleep = (value >>> 1) & 1;
      g.waker[pe] = (sleep << 1) | (sleep << 2);
      return;
    }
    if (off >= 0x1_0000) {
      const sgiOff = off - 0x1_0000;
      const bits = bitRegister(sgiOff);
      if (bits !== undefined && bits.n === 0) writeBits(g, bits.kind, 0, pe, secure, value);
      else if (sgiOff === 0xc04) writeCfg(g, 16, pe, secure, value);
      // GICR_ICFGR0 (SGIs) is read-only: SGIs are always edge-triggered.
    }
  }
}

