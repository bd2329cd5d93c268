/**
 * TLB maintenance instructions (Arm ARM D8.13.5 "TLB maintenance instructions",
 * C5.5 "A64 TLB maintenance instructions"). The IS/OS forms, and the EL1 forms
 * when HCR_EL2.FB=1, are broadcast to every PE of the domain; the others act on
 * the executing PE only. Invalidation is immediate; completion is what the DSB
 * that software must issue afterwards guarantees, so modelling it as immediate is
 * one of the behaviours the architecture allows.
 */
import type { Pe } from '../pe/pe';
import { el2Enabled, isSecure, Regime, vttbrVmid } from './regime';
import type { TlbContext, TlbEntry } from './tlb';
import type { MmuDomain } from './domain';

type CtxPred = (c: TlbContext) => boolean;
type EntryPred = (e: TlbEntry) => boolean;

/** VA[55:12] from Xt[43:0], sign-extended from VA bit 55 (upper-range VAs). */
function operandVa(x: bigint): number {
  let va = Number(x & 0xfff_ffff_ffffn) * 4096;
  if ((x >> 43n) & 1n) va -= 2 ** 56;
  return va;
}

/** IPA[51:12] from Xt[39:0] (IPAS2E1*). */
function operandIpa(x: bigint): number {
  return Number(x & 0xff_ffff_ffffn) * 4096;
}

function operandAsid(x: bigint): number {
  return Number((x >> 48n) & 0xffffn);
}

/**
 * Range forms (FEAT_TLBIRANGE): BaseADDR[36:0], NUM[43:39], SCALE[45:44], TG[47:46]
 * (01 4K, 10 16K, 11 64K); range = (NUM+1) * 2^(5*SCALE+1) pages.
 */
function operandRange(x: bigint): { base: number; length: number } {
  const tg = Number((x >> 46n) & 3n);
  const granule = tg === 2 ? 16384 : tg === 3 ? 65536 : 4096;
  const scale = Number((x >> 44n) & 3n);
  const num = Number((x >> 39n) & 0x1fn);
  let base = Number(x & 0x1f_ffff_ffffn) * granule;
  if (base >= 2 ** 48) base -= 2 ** 49; // BaseADDR holds VA[48:12] for 4K; sign from VA bit 48
  return { base, length: (num + 1) * 2 ** (5 * scale + 1) * granule };
}

const covers = (va: number): EntryPred => (e) => e.base <= va && va < e.base + e.size;
const overlaps = (base: number, length: number): EntryPred => (e) => e.base < base + length && base < e.base + e.size;

/** Apply a TLBI to the TLBs it reaches. Returns the number of entries removed (tests, views). */
export function performTlbi(domain: MmuDomain, pe: Pe, opIn: string, operand: bigint | undefined): number {
  let op = opIn.toLowerCase();
  if (op.endsWith('nxs')) op = op.slice(0, -3);
  let broadcast = false;
  if (op.endsWith('is') || op.endsWith('os')) {
    broadcast = true;
    op = op.slice(0, -2);
  }
  // The target security state: the PE's, or SCR_EL3.NS when executed at EL3.
  const secure = pe.el === 3 ? (pe.readSysreg('SCR_EL3') & 1n) === 0n : isSecure(pe);
  const hcr = el2Enabled(pe, secure) ? pe.readSysreg('HCR_EL2') : 0n;
  const e2h = ((hcr >> 34n) & 1n) === 1n;
  const tge = ((hcr >> 27n) & 1n) === 1n;
  // HCR_EL2.FB: EL1 TLB maintenance is broadcast within the Inner Shareable domain.
  if (pe.el === 1 && ((hcr >> 9n) & 1n) === 1n) broadcast = true;
  const vmid = el2Enabled(pe, secure) ? vttbrVmid(pe) : 0;
  const x = operand ?? 0n;
  // EL1 operations executed at EL2 with E2H=TGE=1 act on the EL2&0 regime (Arm ARM D8.13.5).
  const el1Regime = pe.el === 2 && e2h && tge ? Regime.EL20 : Regime.EL10;
  const inEl1Regime: CtxPred = (c) =>
    c.kind === 'combined' && c.regime === el1Regime && c.secure === secure && (el1Regime === Regime.EL20 || c.vmid === vmid);
  const inEl2Regime: CtxPred = (c) => c.kind === 'combined' && (c.regime === Regime.EL2 || c.regime === Regime.EL20) && c.secure === secure;
  const stage2Of = (allVmids: boolean): CtxPred => (c) => c.kind === 's2' && c.secure === secure && (allVmids || c.vmid === vmid);
  const asidMatch = (asid: number): CtxPred => (c) => c.asid < 0 || c.asid === asid || c.asid === (asid & 0xff);

  let ctx: CtxPred;
  let entry: EntryPred | undefined;
  switch (op) {
    case 'vmalle1':
      ctx = inEl1Regime;
      break;
    case 'vae1':
    case 'vale1':
      ctx = (c) => inEl1Regime(c) && asidMatch(operandAsid(x))(c);
      entry = covers(operandVa(x));
      break;
    case 'vaae1':
    case 'vaale1':
      ctx = inEl1Regime;
      entry = covers(operandVa(x));
      break;
    case 'aside1':
      ctx = (c) => inEl1Regime(c) && c.asid !== -1 && (c.asid === operandAsid(x) || c.asid === (operandAsid(x) & 0xff));
      break;
    case 'rvae1':
    case 'rvale1': {
      const r = operandRange(x);
      ctx = (c) => inEl1Regime(c) && asidMatch(operandAsid(x))(c);
      entry = overlaps(r.base, r.length);
      break;
    }
    case 'rvaae1':
    case 'rvaale1': {
      const r = operandRange(x);
      ctx = inEl1Regime;
      entry = overlaps(r.base, r.length);
      break;
    }
    case 'ipas2e1':
    case 'ipas2le1': {
      // In Secure state, Xt[63] selects the Non-secure IPA space.
      const secureIpa = secure && ((x >> 63n) & 1n) === 0n;
      ctx = (c) => stage2Of(false)(c) && c.secureIpa === secureIpa;
      entry = covers(operandIpa(x));
      break;
    }
    case 'ripas2e1':
    case 'ripas2le1': {
      const secureIpa = secure && ((x >> 63n) & 1n) === 0n;
      const r = operandRange(x);
      ctx = (c) => stage2Of(false)(c) && c.secureIpa === secureIpa;
      entry = overlaps(Math.max(r.base, 0), r.length);
      break;
    }
    case 'vmalls12e1':
      ctx = (c) => (c.kind === 'combined' && c.regime === Regime.EL10 && c.secure === secure && c.vmid === vmid) || stage2Of(false)(c);
      break;
    case 'alle1':
      ctx = (c) => (c.kind === 'combined' && c.regime === Regime.EL10 && c.secure === secure) || stage2Of(true)(c);
      break;
    case 'alle2':
      ctx = inEl2Regime;
      break;
    case 'vae2':
    case 'vale2':
      ctx = (c) => inEl2Regime(c) && (!e2h || asidMatch(operandAsid(x))(c));
      entry = covers(operandVa(x));
      break;
    case 'rvae2':
    case 'rvale2': {
      const r = operandRange(x);
      ctx = (c) => inEl2Regime(c) && (!e2h || asidMatch(operandAsid(x))(c));
      entry = overlaps(r.base, r.length);
      break;
    }
    case 'alle3':
      ctx = (c) => c.kind === 'combined' && c.regime === Regime.EL3;
      break;
    case 'vae3':
    case 'vale3':
      ctx = (c) => c.kind === 'combined' && c.regime === Regime.EL3;
      entry = covers(operandVa(x));
      break;
    case 'rvae3':
    case 'rvale3': {
      const r = operandRange(x);
      ctx = (c) => c.kind === 'combined' && c.regime === Regime.EL3;
      entry = overlaps(r.base, r.length);
      break;
    }
    default:
      // An operation this model does not know (e.g. FEAT_RME's PAALL): invalidate everything it
      // could reach. Dropping TLB entries is always architecturally permitted (Arm ARM D8.13.1).
      ctx = () => true;
  }
  let removed = 0;
  const targets = broadcast ? domain.states : [domain.stateFor(pe)];
  for (const st of targets) {
    if (st === undefined) continue;
    removed += st.tlb.invalidate(ctx, entry);
    st.micro.flush();
  }
  return removed;
}
