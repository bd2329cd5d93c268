/**
 * One processing element (PE): the architectural state the instruction
 * closures touch on every step, plus references to the machine's services.
 *
 * Hot-path representation (Arm ARM B1.2 "Registers in AArch64 state"):
 * - X0..X30 as 32-bit halves in `xlo`/`xhi` (no BigInt on the hot path);
 *   index 31 is never stored: as a source it reads XZR=0 (or SP where the
 *   encoding says so), as a destination it is discarded.
 * - SP_EL0..SP_EL3 in `splo`/`sphi`; the current SP is SP_EL0 when
 *   PSTATE.SP (`spsel`) is 0, else SP_ELx for the current EL.
 * - The PC and all VAs are JS numbers holding the 64-bit address sign-extended
 *   from bit 63 (upper-half TTBR1 addresses are negative). Every canonical
 *   address with up to 52 significant bits is exact this way.
 * - PSTATE.{N,Z,C,V,D,A,I,F} are 0/1 numbers.
 *
 * System registers live in `sysregs` keyed by canonical name (bigint, not hot).
 * Writers bump `sysregGen` so caches of derived configuration (MMU regime,
 * routing) know to recompute.
 */
import { DAIF, NZCV, SPSR } from '../arch/registers/fields';
import { VersionedMap } from '../component/versionedMap';
import type { MemAttrs } from '../memory/attributes';
import { direct } from '../memory/direct';
import type { MemorySystem } from '../memory/system';
import type { Mmu } from '../mmu/types';
import { AccessType } from '../mmu/types';
import type { Instr } from '../isa/instr';
import type { SystemOps } from './systemOps';
import type { ExceptionRecord } from './exception';
import type { BlockCache } from './block';
import { stepPe } from './step';
import { freshSysregGen } from './sysregGen';

export type PeRunState = 'running' | 'wfi' | 'wfe' | 'halted';

/** Services the machine provides to a PE. */
export interface PeEnvironment {
  mmu: Mmu;
  memory: MemorySystem;
  sys: SystemOps;
  /**
   * Instruction at a physical address, if any. For a PA it returns the same instruction until
   * `instructionGeneration()` changes (the block engine keeps decoded blocks until then).
   */
  fetchInstr(pa: number, pe: Pe): Instr | undefined;
  /**
   * Changes whenever `fetchInstr` may return another instruction for some PA (instruction-cache
   * maintenance, a restored checkpoint); absent when fetches never change (the program's code).
   */
  instructionGeneration?(): number;
  /** Called after every exception the PE takes (faults, traps, calls, interrupts), with a plain-data record. */
  onException?(pe: Pe, info: ExceptionRecord): void;
  /**
   * Built-in software at the target EL (e.g. the EL3 monitor or the SPMC of
   * simulator/firmware): consulted when an exception is taken to an EL whose
   * vector holds no code. Return true when it handled the exception — it has
   * updated the PE, typically ending with `exceptionReturn(pe)` (pe/system.ts);
   * false leaves the PE halted ("unhandled exception"). User code at the vector
   * always wins: a scenario replaces a built-in by providing vectors.
   */
  builtinHandler?(pe: Pe, info: ExceptionRecord): boolean;
  /** SEV (Arm ARM D1.6.1 "Wait for Event"): set the event register of every PE; absent = this PE only. */
  onSendEvent?(pe: Pe): void;
  /**
   * After every MSR that wrote a register (register form and PSTATE immediates):
   * `register` is the canonical name of the register actually written (after
   * VHE redirection, e.g. `SCTLR_EL2` for `msr sctlr_el1` at EL2 with E2H=1;
   * `DAIF`/`SPSel`/`PAN`… for PSTATE fields), `value` what it now holds.
   * The engine turns it into `sysreg-write` trace events for the checkers.
   */
  onSysregWrite?(pe: Pe, register: string, value: bigint): void;
  /**
   * After every exception return (ERET, or built-in firmware's
   * `exceptionReturn`): the EL and maybe the Security state changed — the GIC
   * re-picks IRQ vs FIQ for the interrupt it signals (IHI 0069 §4.6.2).
   */
  onExceptionReturn?(pe: Pe): void;
}

const TWO32 = 4294967296;
const PAGE = 4096;
/** PSTATE.PAN in `pstateOther` (SPSR layout). */
const PAN = SPSR.PAN.lo;
/** Bit positions of the PSTATE flags in NZCV and DAIF (the register table's fields: constants for the hot path). */
const N_BIT = NZCV.N.lsb;
const Z_BIT = NZCV.Z.lsb;
const C_BIT = NZCV.C.lsb;
const V_BIT = NZCV.V.lsb;
const D_BIT = DAIF.D.lsb;
const A_BIT = DAIF.A.lsb;
const I_BIT = DAIF.I.lsb;
const F_BIT = DAIF.F.lsb;

/** Combine hi:lo into the signed-number VA form (see file comment). */
export function toVa(lo: number, hi: number): number {
  return (hi | 0) * TWO32 + (lo >>> 0);
}

/** Split a signed-number VA back into halves. */
export function vaLo(va: number): number {
  return va >>> 0;
}
export function vaHi(va: number): number {
  return Math.floor(va / TWO32) >>> 0;
}

export class Pe {
  readonly id: number;
  env: PeEnvironment;
  /** Shortcut to `env.sys` (system instruction semantics). */
  sys: SystemOps;

  readonly xlo = new Uint32Array(32);
  readonly xhi = new Uint32Array(32);
  readonly splo = new Uint32Array(4);
  readonly sphi = new Uint32Array(4);
  pc = 0;
  /** Set to pc+4 before exec; branches overwrite it. */
  nextPc = 0;

  n = 0;
  z = 0;
  c = 0;
  v = 0;
  d = 1;
  a = 1;
  i = 1;
  f = 1;
  el: 0 | 1 | 2 | 3 = 1;
  /** PSTATE.SP: 0 = use SP_EL0, 1 = use SP_ELx. */
  spsel = 1;
  /** PSTATE.IL (illegal execution state). */
  il = 0;
  /** Why the last ERET was an illegal exception return (for the EC 0x0E report), if it was. */
  lastIllegalReturn?: string;
  /** Other PSTATE bits we carry for SPSR round-trips (PAN, UAO, SS, DIT, SSBS, TCO, BTYPE) as a raw mask. */
  pstateOther = 0;

  /** System registers by canonical upper-case name (a VersionedMap: checkpoints copy and hash them only after a change). */
  readonly sysregs = new VersionedMap<string, bigint>();
  sysregGen = 0;

  state: PeRunState = 'running';
  /** Why the PE stopped, shown in reports. */
  stopReason?: string;
  /** Steps this PE has executed. */
  instret = 0;

  /** Load result out-fields (set by MemorySystem.read). */
  ldLo = 0;
  ldHi = 0;
  /** Translation out-fields (set by Mmu.translate). */
  tPa = 0;
  tAttrs!: MemAttrs;

  /** Local exclusive monitor (Arm ARM B2.9.2): PA and size of the last LDXR, -1 when open. */
  exclusivePa = -1;
  exclusiveSize = 0;
  /** Event register for WFE/SEV. */
  eventRegister = 0;

  /**
   * Interrupt request lines (driven by the engine, later by the GIC). Level
   * sensitive: the system model takes an interrupt while its line is set and
   * it is routed and unmasked (Arm ARM D1.3.6); whoever drives a line clears it.
   * `virqLine`/`vfiqLine` are ORed with HCR_EL2.VI/VF (a GIC's virtual CPU interface).
   * Every change bumps `lineGen`, so the block engine (block.ts) notices a line that
   * changed during an instruction (a GIC register written by a store) and returns to
   * the step loop, which takes the interrupt before the next instruction.
   */
  get irqLine(): boolean {
    return this.irq;
  }
  set irqLine(v: boolean) {
    if (v !== this.irq) {
      this.irq = v;
      this.lineGen++;
    }
  }
  get fiqLine(): boolean {
    return this.fiq;
  }
  set fiqLine(v: boolean) {
    if (v !== this.fiq) {
      this.fiq = v;
      this.lineGen++;
    }
  }
  get virqLine(): boolean {
    return this.virq;
  }
  set virqLine(v: boolean) {
    if (v !== this.virq) {
      this.virq = v;
      this.lineGen++;
    }
  }
  get vfiqLine(): boolean {
    return this.vfiq;
  }
  set vfiqLine(v: boolean) {
    if (v !== this.vfiq) {
      this.vfiq = v;
      this.lineGen++;
    }
  }
  /** Physical SError request (an external abort reported asynchronously); virtual SError is HCR_EL2.VSE. */
  get serrorLine(): boolean {
    return this.serror;
  }
  set serrorLine(v: boolean) {
    if (v !== this.serror) {
      this.serror = v;
      this.lineGen++;
    }
  }
  private irq = false;
  private fiq = false;
  private virq = false;
  private vfiq = false;
  private serror = false;
  /** Count of interrupt-line changes (see irqLine). */
  lineGen = 0;

  /**
   * The instruction this PE fetched last and the PC (VA) it fetched it at, set before it executes:
   * the source line of a fault, trace event or finding is that instruction's (`Machine.lineOfPc`).
   * Undefined instruction when the fetch found no code.
   */
  fetchPc = NaN;
  fetchInstr: Instr | undefined = undefined;
  /** Decoded straight-line blocks of this PE's instruction side (block.ts); a cache, not state. */
  blocks: BlockCache | undefined = undefined;

  /** Implemented exception levels (ID_AA64PFR0_EL1.EL2/EL3); set by the engine from the system. */
  hasEl2 = true;
  hasEl3 = true;
  /** Security state when EL3 is not implemented (no SCR_EL3.NS to say). */
  secureWithoutEl3 = false;

  /**
   * Hot copies of HCR_EL2 and SCR_EL3 as 32-bit halves, refreshed by the system
   * model when `sysregGen` moves (see pe/config.ts), so the step loop and
   * routing never touch the bigint map.
   */
  hcrLo = 0;
  hcrHi = 0;
  scrLo = 0;
  configGen = -1;

  constructor(id: number, env: PeEnvironment) {
    this.id = id;
    this.env = env;
    this.sys = env.sys;
  }

  /** Execute one step: take a pending interrupt or execute one instruction (pe/step.ts). */
  step(): void {
    stepPe(this);
  }

  // ---- general registers (hot path) -------------------------------------

  /** Low half of Xn, XZR for n=31. */
  lo(n: number): number {
    return n === 31 ? 0 : this.xlo[n];
  }
  /** High half of Xn, XZR for n=31. */
  hi(n: number): number {
    return n === 31 ? 0 : this.xhi[n];
  }
  /** Write Xn (discarded for n=31). */
  setX(n: number, lo: number, hi: number): void {
    if (n !== 31) {
      this.xlo[n] = lo;
      this.xhi[n] = hi;
    }
  }
  /** Write Wn: zero-extends into Xn (Arm ARM B1.2.1). */
  setW(n: number, lo: number): void {
    if (n !== 31) {
      this.xlo[n] = lo;
      this.xhi[n] = 0;
    }
  }

  /** Index into splo/sphi of the SP in use. */
  spIndex(): number {
    return this.spsel === 0 ? 0 : this.el;
  }
  /** Low half of Xn where n=31 means SP (for encodings that use SP, e.g. ADD imm, loads' base). */
  loSp(n: number): number {
    return n === 31 ? this.splo[this.spsel === 0 ? 0 : this.el] : this.xlo[n];
  }
  hiSp(n: number): number {
    return n === 31 ? this.sphi[this.spsel === 0 ? 0 : this.el] : this.xhi[n];
  }
  setXSp(n: number, lo: number, hi: number): void {
    if (n === 31) {
      const i = this.spsel === 0 ? 0 : this.el;
      this.splo[i] = lo;
      this.sphi[i] = hi;
    } else {
      this.xlo[n] = lo;
      this.xhi[n] = hi;
    }
  }

  /** Xn (or SP when n=31 and `sp` is set) as a signed-number VA. */
  addr(n: number, sp = true): number {
    return sp ? toVa(this.loSp(n), this.hiSp(n)) : toVa(this.lo(n), this.hi(n));
  }

  // ---- slow-path accessors for front ends and tests ----------------------

  getX(n: number): bigint {
    return (BigInt(this.hi(n)) << 32n) | BigInt(this.lo(n));
  }
  setXBig(n: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.setX(n, Number(u & 0xffffffffn), Number(u >> 32n));
  }
  getSp(el: number): bigint {
    return (BigInt(this.sphi[el]) << 32n) | BigInt(this.splo[el]);
  }
  setSp(el: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.splo[el] = Number(u & 0xffffffffn);
    this.sphi[el] = Number(u >> 32n);
  }
  /** PC as an unsigned 64-bit value. */
  getPc(): bigint {
    return BigInt.asUintN(64, BigInt(this.pc));
  }
  /** NZCV in its register layout (Arm ARM C5.2.9; bits from the register table). */
  nzcv(): number {
    return ((this.n << N_BIT) | (this.z << Z_BIT) | (this.c << C_BIT) | (this.v << V_BIT)) >>> 0;
  }
  setNzcv(v: number): void {
    this.n = (v >>> N_BIT) & 1;
    this.z = (v >>> Z_BIT) & 1;
    this.c = (v >>> C_BIT) & 1;
    this.v = (v >>> V_BIT) & 1;
  }
  /** DAIF in its register layout (Arm ARM C5.2.2). */
  daif(): number {
    return (this.d << D_BIT) | (this.a << A_BIT) | (this.i << I_BIT) | (this.f << F_BIT);
  }
  setDaif(v: number): void {
    this.d = (v >>> D_BIT) & 1;
    this.a = (v >>> A_BIT) & 1;
    this.i = (v >>> I_BIT) & 1;
    this.f = (v >>> F_BIT) & 1;
  }

  /** Raw system-register storage (no traps, no redirection): for the system model, MMU and views. */
  readSysreg(name: string): bigint {
    return this.sysregs.get(name) ?? 0n;
  }
  writeSysreg(name: string, value: bigint): void {
    this.sysregs.set(name, BigInt.asUintN(64, value));
    this.sysregGen = freshSysregGen();
  }

  // ---- memory (hot path) --------------------------------------------------

  /**
   * The VA of the access `loadAt`/`storeAt` make, and the value a store writes. Fields rather than
   * arguments on the hot path: a number beyond the small-integer range (any VA above 2^30) passed
   * to a call V8 does not inline is boxed into a new heap number at every call, where a number
   * field is updated in place.
   */
  va = NaN;
  stLo = NaN;
  stHi = NaN;

  /** Load `size` bytes from VA into ldLo/ldHi (zero-extended). Throws SyncException on a fault. */
  load(va: number, size: number): void {
    this.va = va;
    this.loadAt(size);
  }

  /**
   * Direct data pages (memory/direct.ts): the VA page number, PA of the page, attributes and words of
   * the page of the last load (`rd…`) and of the last store (`wr…`) the MMU and memory system vouched
   * for, with the generations and PE state they hold for (`dir…`). NaN page: none.
   */
  private rdVpn = NaN;
  private rdPa = 0;
  private rdAttrs: MemAttrs | undefined = undefined;
  private rdWords: Uint32Array = new Uint32Array(0);
  private wrVpn = NaN;
  private wrPa = 0;
  private wrAttrs: MemAttrs | undefined = undefined;
  private wrWords: Uint32Array = new Uint32Array(0);
  private dirGen = -1;
  private dirSysregGen = -1;
  private dirEl = -1;
  private dirPan = -1;
  /**
   * Whether the MMU and memory system can vouch for direct pages at all (`Mmu.repeats`,
   * `MemorySystem.directWords`); false from the first access that finds they cannot (the cache
   * hierarchy): accesses then never look.
   */
  private directCapable = true;

  /** Whether the direct pages were kept in the current generation and PE state. */
  private directValid(): boolean {
    return this.dirGen === direct.generation && this.dirSysregGen === this.sysregGen && this.dirEl === this.el && this.dirPan === (this.pstateOther & PAN);
  }

  /**
   * After a full access of `size` bytes at `this.va` (translated to `tPa`/`tAttrs`): keep its page
   * when the MMU and the memory system vouch for it; forget both pages when the generation or PE
   * state they were kept in is no longer current.
   */
  private keepDirect(size: number, write: boolean): void {
    if (size < 4) return;
    const env = this.env;
    const memory = env.memory;
    const mmu = env.mmu;
    if (memory.directWords === undefined || mmu.repeats === undefined) {
      this.directCapable = false;
      return;
    }
    if (write && this.sys.observeStore !== undefined) return;
    const va = this.va;
    if (!mmu.repeats(this, va, write ? AccessType.Write : AccessType.Read)) return;
    const words = memory.directWords(this.tPa, write);
    if (words === undefined) return;
    if (!this.directValid()) {
      this.rdVpn = NaN;
      this.wrVpn = NaN;
      this.dirGen = direct.generation;
      this.dirSysregGen = this.sysregGen;
      this.dirEl = this.el;
      this.dirPan = this.pstateOther & PAN;
    }
    const vpn = Math.floor(va / PAGE);
    const pa = this.tPa - (va - vpn * PAGE);
    if (write) {
      this.wrVpn = vpn;
      this.wrPa = pa;
      this.wrAttrs = this.tAttrs;
      this.wrWords = words;
    } else {
      this.rdVpn = vpn;
      this.rdPa = pa;
      this.rdAttrs = this.tAttrs;
      this.rdWords = words;
    }
  }

  /**
   * Load `size` bytes from `this.va` into ldLo/ldHi (zero-extended). Throws SyncException on a fault.
   * An aligned word or doubleword in the page of the last load reads its words directly when they
   * are still valid (memory/direct.ts): the same `tPa`, `tAttrs` and result as the full path.
   */
  loadAt(size: number): void {
    if (this.directCapable) {
      this.loadDirect(size);
      return;
    }
    const env = this.env;
    env.mmu.translate(this, this.va, size, AccessType.Read);
    const memory = env.memory;
    if (memory.readTranslated !== undefined) memory.readTranslated(this, size);
    else memory.read(this, this.tPa, size, this.tAttrs);
  }

  /** `loadAt` when direct pages may be kept: the page of the last load directly, else the full path. */
  private loadDirect(size: number): void {
    const va = this.va;
    const vpn = Math.floor(va / PAGE);
    const off = va - vpn * PAGE;
    if (vpn === this.rdVpn && (off & (size - 1)) === 0 && size >= 4 && this.directValid()) {
      const w = this.rdWords;
      this.tPa = this.rdPa + off;
      this.tAttrs = this.rdAttrs!;
      this.ldLo = w[off >>> 2];
      this.ldHi = size === 8 ? w[(off >>> 2) + 1] : 0;
      return;
    }
    const env = this.env;
    env.mmu.translate(this, va, size, AccessType.Read);
    env.memory.read(this, this.tPa, size, this.tAttrs);
    this.keepDirect(size, false);
  }

  /** Store the low `size` bytes of hi:lo at VA. Throws SyncException on a fault. */
  store(va: number, size: number, lo: number, hi: number): void {
    this.va = va;
    this.stLo = lo;
    this.stHi = hi;
    this.storeAt(size);
  }

  /** Store the low `size` bytes of Xt at `this.va` (t < 31). Throws SyncException on a fault. */
  storeRegister(size: number, t: number): void {
    this.stLo = this.xlo[t];
    this.stHi = this.xhi[t];
    this.storeAt(size);
  }

  /** Store the low `size` bytes of stHi:stLo at `this.va`. Throws SyncException on a fault. As `loadAt`, directly when it may. */
  storeAt(size: number): void {
    if (this.directCapable) {
      this.storeDirect(size);
      return;
    }
    const env = this.env;
    env.mmu.translate(this, this.va, size, AccessType.Write);
    const memory = env.memory;
    if (memory.writeTranslated !== undefined) memory.writeTranslated(this, size);
    else memory.write(this, this.tPa, size, this.stLo, this.stHi, this.tAttrs);
    const sys = this.sys;
    if (sys.observeStore !== undefined) sys.observeStore(this, this.tPa, size);
  }

  /** `storeAt` when direct pages may be kept: the page of the last store directly, else the full path. */
  private storeDirect(size: number): void {
    const va = this.va;
    const vpn = Math.floor(va / PAGE);
    const off = va - vpn * PAGE;
    if (vpn === this.wrVpn && (off & (size - 1)) === 0 && size >= 4 && this.directValid()) {
      const w = this.wrWords;
      this.tPa = this.wrPa + off;
      this.tAttrs = this.wrAttrs!;
      w[off >>> 2] = this.stLo;
      if (size === 8) w[(off >>> 2) + 1] = this.stHi;
      return;
    }
    const env = this.env;
    env.mmu.translate(this, va, size, AccessType.Write);
    env.memory.write(this, this.tPa, size, this.stLo, this.stHi, this.tAttrs);
    const sys = this.sys;
    if (sys.observeStore !== undefined) sys.observeStore(this, this.tPa, size);
    else this.keepDirect(size, true);
  }
}
