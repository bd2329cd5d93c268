/**
 * Translation regimes and their configuration, derived from the system
 * registers (Arm ARM D8.1 "Translation regimes", D8.2 "Translation process").
 *
 * The derived `RegimeConfig` is cached per PE keyed by `pe.sysregGen` and the
 * EL the access is made at, so the hot path never reads a BigInt register.
 */
import type { MemAttrs } from '../memory/attributes';
import { memAttrs } from '../memory/attributes';
import { HCR_EL2, ID_AA64MMFR0_EL1, SCR_EL3, SCTLR_EL1, TCR_EL1, TCR_EL2, TTBR, VSTCR_EL2, VTCR_EL2, VTTBR_EL2 } from '../arch/registers/fields';
import type { Pe } from '../pe/pe';
import { mairTable, walkAttrs } from './attributes';

export const enum Regime {
  /** EL1&0: TTBR0/1_EL1, TCR_EL1, optionally stage 2. */
  EL10 = 0,
  /** EL2&0 (FEAT_VHE, HCR_EL2.E2H=1): TTBR0/1_EL2, TCR_EL2 in the TCR_EL1 layout. */
  EL20 = 1,
  /** EL2 (E2H=0): TTBR0_EL2, TCR_EL2 in its own layout. */
  EL2 = 2,
  /** EL3: TTBR0_EL3, TCR_EL3. */
  EL3 = 3,
}

export const REGIME_NAMES = ['EL1&0', 'EL2&0', 'EL2', 'EL3'] as const;

/** One translation table tree: a TTBRn (stage 1) or VTTBR/VSTTBR (stage 2). */
export interface TableTree {
  /** Translation disabled for this range (TCR.EPDn=1): every lookup faults at level 0. */
  disabled: boolean;
  /** Table base (PA for stage 1 of EL2/EL3 and stage 2; IPA for EL1&0 stage 1 under stage 2). */
  base: number;
  /** TTBR/VTTBR base holds bits above the output size: address size fault (level 0). */
  baseOutOfRange: boolean;
  /** Input address bits (64 - TnSZ). */
  inputBits: number;
  /** log2 of the granule: 12 (4 KB), 14 (16 KB), 16 (64 KB). */
  granuleBits: number;
  startLevel: number;
  /** Number of index bits at the start level (more than granuleBits-3 means concatenated tables at stage 2). */
  startIndexBits: number;
  /** The start-level configuration is not valid (stage 2 SL0/T0SZ inconsistent): translation fault. */
  invalid: boolean;
  /** Walk attributes from IRGN/ORGN/SH. */
  walk: MemAttrs;
  /** ASID (stage 1 with two privilege levels) or 0. */
  asid: number;
  /** TCR.HPDn: hierarchical permissions disabled. */
  hpd: boolean;
  /** Which VTCR/VSTCR field group this came from, for reports. */
  name: string;
}

export interface Stage2Config {
  vmid: number;
  /** Tree for the Non-secure IPA space (VTTBR_EL2/VTCR_EL2). */
  ns: TableTree;
  /** Tree for the Secure IPA space (VSTTBR_EL2/VSTCR_EL2), Secure EL1&0 only. */
  secure: TableTree | undefined;
  oaBits: number;
  /** HCR_EL2.FWB */
  fwb: boolean;
  /** HCR_EL2.PTW: stage-1 walks to stage-2 Device memory give a permission fault. */
  ptw: boolean;
  /** HCR_EL2.CD / HCR_EL2.ID: stage-2 data / instruction accesses Non-cacheable. */
  cd: boolean;
  id: boolean;
  /** VTCR_EL2.HA: hardware Access flag update at stage 2. */
  ha: boolean;
  /** Secure state: VTCR_EL2.NSA / VSTCR_EL2.SA — output of the Non-secure / Secure IPA space is in the Non-secure PA space. */
  nsa: boolean;
  sa: boolean;
}

export interface RegimeConfig {
  regime: Regime;
  secure: boolean;
  /** The EL the access is made from (0..3). */
  el: number;
  /** Privileged access (EL1/EL2/EL3) — selects the PAN/AP privileged rights. */
  privileged: boolean;
  /** Two privilege levels (EL1&0, EL2&0): AP[1] and UXN are meaningful, ASIDs apply. */
  twoPrivilege: boolean;
  /** EL stage-1 faults of this access are taken to. */
  s1TargetEl: number;
  /** Stage 1 enabled (SCTLR_ELx.M=1 and not overridden by HCR_EL2.DC/TGE). */
  s1Enabled: boolean;
  /** HCR_EL2.DC=1 applies: stage-1-off accesses are Normal WB Non-shareable. */
  dc: boolean;
  ttbr0: TableTree;
  ttbr1: TableTree | undefined;
  /** MAIR_ELx decoded: index*4 + SH. */
  mair: readonly MemAttrs[];
  wxn: boolean;
  /** SCTLR_ELx.EPAN (FEAT_PAN3): PAN also covers EL0-executable pages. */
  epan: boolean;
  /** SCTLR_ELx.A: alignment checking. */
  alignCheck: boolean;
  /** SCTLR_ELx.C / .I */
  dataCacheable: boolean;
  instCacheable: boolean;
  /** TCR.HA: hardware Access flag update. */
  ha: boolean;
  /** Output address size in bits: min(TCR.{I}PS, ID_AA64MMFR0_EL1.PARange). */
  oaBits: number;
  paBits: number;
  /** Attributes with stage 1 off (Arm ARM D8.2.11). */
  offData: MemAttrs;
  offFetch: MemAttrs;
  stage2: Stage2Config | undefined;
  /** TLB context (regime, security, VMID) identity used for tagging. */
  vmid: number;
  /** PSTATE.PAN in effect (set per access by the MMU). */
}

const PA_SIZES = [32, 36, 40, 42, 44, 48, 52];

export function sizeBits(code: number): number {
  return PA_SIZES[code] ?? 48;
}

/** ID_AA64MMFR0_EL1.PARange; 48 bits when the scenario never set the register. */
export function physicalAddressBits(pe: Pe): number {
  if (!pe.sysregs.has('ID_AA64MMFR0_EL1')) return 48;
  return sizeBits(ID_AA64MMFR0_EL1.PARange.num(pe.readSysreg('ID_AA64MMFR0_EL1')));
}

/**
 * Security state of the PE: EL3 is always Secure; below EL3 SCR_EL3.NS decides
 * (Arm ARM D1.1 "Security state"). The machine initialises SCR_EL3.NS from the
 * scenario's `security` setting.
 */
export function isSecure(pe: Pe, el: number = pe.el): boolean {
  if (!pe.hasEl3) return pe.secureWithoutEl3;
  if (el === 3) return true;
  return !SCR_EL3.NS.isSet(pe.readSysreg('SCR_EL3'));
}

/** EL2 is enabled in the current security state: always for Non-secure, SCR_EL3.EEL2 for Secure (FEAT_SEL2). */
export function el2Enabled(pe: Pe, secure: boolean): boolean {
  if (!pe.hasEl2) return false;
  if (!pe.hasEl3) return true;
  return !secure || SCR_EL3.EEL2.isSet(pe.readSysreg('SCR_EL3'));
}

/** TG0 encoding: 00 4K, 01 64K, 10 16K (reserved → 4K). */
function tg0Bits(tg: number): number {
  return tg === 1 ? 16 : tg === 2 ? 14 : 12;
}
/** TG1 encoding: 01 16K, 10 4K, 11 64K (reserved → 4K). */
function tg1Bits(tg: number): number {
  return tg === 1 ? 14 : tg === 3 ? 16 : 12;
}

/** Size in bits covered by one entry at `level` for a granule (Arm ARM D8.2 "Translation table walks"). */
export function levelShift(granuleBits: number, level: number): number {
  return granuleBits + (granuleBits - 3) * (3 - level);
}

/** Clamp TnSZ to the architected range (16..39 without FEAT_LVA/FEAT_TTST: CONSTRAINED UNPREDICTABLE → nearest). */
function clampTsz(tsz: number): number {
  return tsz < 16 ? 16 : tsz > 39 ? 39 : tsz;
}

function stage1Tree(
  ttbr: bigint,
  tsz: number,
  granuleBits: number,
  irgn: number,
  orgn: number,
  sh: number,
  disabled: boolean,
  asid: number,
  hpd: boolean,
  oaBits: number,
  name: string,
): TableTree {
  const inputBits = 64 - clampTsz(tsz);
  const stride = granuleBits - 3;
  const levels = Math.ceil((inputBits - granuleBits) / stride);
  const startLevel = 4 - levels;
  const startIndexBits = inputBits - levelShift(granuleBits, startLevel);
  const raw = Number(ttbr & TTBR.BADDR.mask);
  const align = Math.max(2 ** (startIndexBits + 3), 64);
  const base = raw - (raw % align);
  return {
    disabled,
    base,
    baseOutOfRange: base >= 2 ** oaBits,
    inputBits,
    granuleBits,
    startLevel,
    startIndexBits,
    invalid: false,
    walk: walkAttrs(irgn, orgn, sh),
    asid,
    hpd,
    name,
  };
}

/**
 * Stage-2 tree (Arm ARM D8.2.5 "Stage 2 translation": VTCR_EL2.SL0 selects the start
 * level; the start level may use up to 16 concatenated tables, aligned to their total size).
 */
export function stage2Tree(vttbr: bigint, tsz: number, sl0: number, granuleBits: number, walk: MemAttrs, oaBits: number, name: string): TableTree {
  const inputBits = 64 - clampTsz(tsz);
  let startLevel: number;
  if (granuleBits === 12) startLevel = sl0 === 0 ? 2 : sl0 === 1 ? 1 : sl0 === 2 ? 0 : 3;
  else startLevel = sl0 === 0 ? 3 : sl0 === 1 ? 2 : sl0 === 2 ? 1 : 0;
  const stride = granuleBits - 3;
  const startIndexBits = inputBits - levelShift(granuleBits, startLevel);
  // Valid when the start level covers at least one index bit and needs at most 16 tables.
  const invalid = startIndexBits < 1 || startIndexBits > stride + 4 || (granuleBits === 12 && sl0 === 3);
  const raw = Number(vttbr & VTTBR_EL2.BADDR.mask);
  const align = Math.max(2 ** (Math.max(startIndexBits, 0) + 3), 64);
  const base = raw - (raw % align);
  return {
    disabled: false,
    base,
    baseOutOfRange: base >= 2 ** oaBits,
    inputBits,
    granuleBits,
    startLevel,
    startIndexBits,
    invalid,
    walk,
    asid: 0,
    hpd: true,
    name,
  };
}

/** VMID from VTTBR_EL2[63:48] (8 bits unless VTCR_EL2.VS=1). */
export function vttbrVmid(pe: Pe): number {
  return vmidOf(pe.readSysreg('VTTBR_EL2'), pe.readSysreg('VTCR_EL2'));
}

/** VTTBR_EL2.VMID, of which only the low 8 bits count unless VTCR_EL2.VS=1 (16-bit VMIDs). */
function vmidOf(vttbr: bigint, vtcr: bigint): number {
  const vmid = VTTBR_EL2.VMID.num(vttbr);
  return VTCR_EL2.VS.isSet(vtcr) ? vmid : vmid & 0xff;
}

function stage2Config(pe: Pe, secure: boolean, hcr: bigint, paBits: number): Stage2Config {
  const vtcr = pe.readSysreg('VTCR_EL2');
  const vttbr = pe.readSysreg('VTTBR_EL2');
  const V = VTCR_EL2;
  const oaBits = Math.min(sizeBits(V.PS.num(vtcr)), paBits);
  const walk = walkAttrs(V.IRGN0.num(vtcr), V.ORGN0.num(vtcr), V.SH0.num(vtcr));
  const ns = stage2Tree(vttbr, V.T0SZ.num(vtcr), V.SL0.num(vtcr), tg0Bits(V.TG0.num(vtcr)), walk, oaBits, 'VTTBR_EL2');
  const vstcr = pe.readSysreg('VSTCR_EL2');
  let sec: TableTree | undefined;
  if (secure) {
    // VSTCR_EL2 has its own T0SZ/SL0/TG0; the walk attributes stay those of VTCR_EL2 (Arm ARM D19 VSTCR_EL2).
    const S = VSTCR_EL2;
    sec = stage2Tree(pe.readSysreg('VSTTBR_EL2'), S.T0SZ.num(vstcr), S.SL0.num(vstcr), tg0Bits(S.TG0.num(vstcr)), walk, oaBits, 'VSTTBR_EL2');
  }
  return {
    vmid: vmidOf(vttbr, vtcr),
    ns,
    secure: sec,
    oaBits,
    fwb: HCR_EL2.FWB.isSet(hcr),
    ptw: HCR_EL2.PTW.isSet(hcr),
    cd: HCR_EL2.CD.isSet(hcr),
    id: HCR_EL2.ID.isSet(hcr),
    ha: V.HA.isSet(vtcr),
    nsa: !secure || V.NSA.isSet(vtcr),
    sa: VSTCR_EL2.SA.isSet(vstcr),
  };
}

/** Instruction fetch with stage 1 off: Normal, Outer Shareable, NC when SCTLR.I=0 or WT when I=1 (Arm ARM D8.2.11). */
const FETCH_OFF_NC = memAttrs('normal', { inner: 'nc', outer: 'nc', sh: 'osh' });
const FETCH_OFF_WT = memAttrs('normal', { inner: 'wt', outer: 'wt', sh: 'osh' });
const DEVICE_NGNRNE = memAttrs('device', { device: 'nGnRnE' });
const DC_NORMAL = memAttrs('normal', { inner: 'wb', outer: 'wb', sh: 'nsh' });

/** Which regime an access at `el` uses (Arm ARM D8.1.2). */
export function regimeFor(el: number, e2h: boolean, tge: boolean): Regime {
  if (el === 3) return Regime.EL3;
  if (el === 2) return e2h ? Regime.EL20 : Regime.EL2;
  if (el === 0 && e2h && tge) return Regime.EL20;
  return Regime.EL10;
}

/**
 * Derive the configuration of the regime used by an access at `el`
 * (`forceRegime` for AT instructions that name one). `withStage2=false` gives stage 1 only.
 */
export function deriveConfig(pe: Pe, el: number, forceRegime?: Regime): RegimeConfig {
  const secure = isSecure(pe, el);
  const hcr = el2Enabled(pe, secure) && el < 3 ? pe.readSysreg('HCR_EL2') : 0n;
  const e2h = HCR_EL2.E2H.isSet(hcr);
  const tge = HCR_EL2.TGE.isSet(hcr);
  const regime = forceRegime ?? regimeFor(el, e2h, tge);
  const paBits = physicalAddressBits(pe);

  let sctlr: bigint, tcr: bigint, mair: bigint, ttbr0: bigint, ttbr1: bigint;
  switch (regime) {
    case Regime.EL3:
      sctlr = pe.readSysreg('SCTLR_EL3');
      tcr = pe.readSysreg('TCR_EL3');
      mair = pe.readSysreg('MAIR_EL3');
      ttbr0 = pe.readSysreg('TTBR0_EL3');
      ttbr1 = 0n;
      break;
    case Regime.EL2:
    case Regime.EL20:
      sctlr = pe.readSysreg('SCTLR_EL2');
      tcr = pe.readSysreg('TCR_EL2');
      mair = pe.readSysreg('MAIR_EL2');
      ttbr0 = pe.readSysreg('TTBR0_EL2');
      ttbr1 = pe.readSysreg('TTBR1_EL2');
      break;
    default:
      sctlr = pe.readSysreg('SCTLR_EL1');
      tcr = pe.readSysreg('TCR_EL1');
      mair = pe.readSysreg('MAIR_EL1');
      ttbr0 = pe.readSysreg('TTBR0_EL1');
      ttbr1 = pe.readSysreg('TTBR1_EL1');
  }
  const twoPrivilege = regime === Regime.EL10 || regime === Regime.EL20;
  let ttbr0Tree: TableTree;
  let ttbr1Tree: TableTree | undefined;
  let oaBits: number;
  let ha: boolean;
  if (twoPrivilege) {
    // TCR_EL1 layout (also TCR_EL2 with E2H=1). Arm ARM D19 TCR_EL1.
    const T = TCR_EL1;
    oaBits = Math.min(sizeBits(T.IPS.num(tcr)), paBits);
    const asidWide = TTBR.ASID.num(T.A1.isSet(tcr) ? ttbr1 : ttbr0);
    const asid = T.AS.isSet(tcr) ? asidWide : asidWide & 0xff;
    ha = T.HA.isSet(tcr);
    ttbr0Tree = stage1Tree(ttbr0, T.T0SZ.num(tcr), tg0Bits(T.TG0.num(tcr)), T.IRGN0.num(tcr), T.ORGN0.num(tcr), T.SH0.num(tcr), T.EPD0.isSet(tcr), asid, T.HPD0.isSet(tcr), oaBits, 'TTBR0');
    ttbr1Tree = stage1Tree(ttbr1, T.T1SZ.num(tcr), tg1Bits(T.TG1.num(tcr)), T.IRGN1.num(tcr), T.ORGN1.num(tcr), T.SH1.num(tcr), T.EPD1.isSet(tcr), asid, T.HPD1.isSet(tcr), oaBits, 'TTBR1');
  } else {
    // TCR_EL2 (E2H=0) / TCR_EL3 layout: PS, HA, HPD.
    const T = TCR_EL2;
    oaBits = Math.min(sizeBits(T.PS.num(tcr)), paBits);
    ha = T.HA.isSet(tcr);
    ttbr0Tree = stage1Tree(ttbr0, T.T0SZ.num(tcr), tg0Bits(T.TG0.num(tcr)), T.IRGN0.num(tcr), T.ORGN0.num(tcr), T.SH0.num(tcr), false, 0, T.HPD.isSet(tcr), oaBits, 'TTBR0');
  }

  // SCTLR_EL1's layout: M, A, C, I, WXN sit at the same bits in SCTLR_EL2/EL3 (EPAN is RES0 there).
  const S = SCTLR_EL1;
  let s1Enabled = S.M.isSet(sctlr);
  let dc = false;
  let stage2: Stage2Config | undefined;
  if (regime === Regime.EL10 && el2Enabled(pe, secure)) {
    // HCR_EL2.TGE=1 (E2H=0): SCTLR_EL1.M behaves as 0 for EL0 (Arm ARM D8.2.11; HCR_EL2.TGE).
    // TGE does not switch stage 2 off: the Arm ARM forces the Effective values of
    // HCR_EL2.{VM,DC} to 0 only for {E2H,TGE} = {1,1} (the EL2&0 regime, not this one),
    // so an EL0 access with E2H=0, TGE=1 is VA=IPA and then translated by stage 2.
    if (tge) s1Enabled = false;
    dc = HCR_EL2.DC.isSet(hcr);
    if (dc) s1Enabled = false;
    const vm = HCR_EL2.VM.isSet(hcr) || dc;
    if (vm) stage2 = stage2Config(pe, secure, hcr, paBits);
  }
  const sctlrI = S.I.isSet(sctlr);
  let s1TargetEl: number;
  switch (regime) {
    case Regime.EL3:
      s1TargetEl = 3;
      break;
    case Regime.EL2:
    case Regime.EL20:
      s1TargetEl = 2;
      break;
    default:
      s1TargetEl = el === 0 && tge && el2Enabled(pe, secure) ? 2 : 1;
  }
  return {
    regime,
    secure,
    el,
    privileged: el !== 0,
    twoPrivilege,
    s1TargetEl,
    s1Enabled,
    dc,
    ttbr0: ttbr0Tree,
    ttbr1: ttbr1Tree,
    mair: mairTable(Number(mair & 0xffff_ffffn), Number(mair >> 32n)),
    wxn: S.WXN.isSet(sctlr),
    epan: S.EPAN.isSet(sctlr),
    alignCheck: S.A.isSet(sctlr),
    dataCacheable: S.C.isSet(sctlr),
    instCacheable: sctlrI,
    ha,
    oaBits: s1Enabled ? oaBits : paBits,
    paBits,
    offData: dc ? DC_NORMAL : DEVICE_NGNRNE,
    offFetch: dc ? DC_NORMAL : sctlrI ? FETCH_OFF_WT : FETCH_OFF_NC,
    stage2,
    vmid: regime === Regime.EL10 && el2Enabled(pe, secure) ? vttbrVmid(pe) : 0,
  };
}
