/**
 * TLB maintenance instructions (Arm ARM D8.13.5 "TLB maintenance instructions",
 * C5.5 "A64 TLB maintenance instructions").
 *
 * An operation is first turned into its *scope* (`tlbiScope`): the PEs it
 * reaches (its own TLB, or broadcast: the IS forms to its Inner Shareable
 * domain, the OS forms to every PE; HCR_EL2.FB broadcasts EL1 forms), the
 * entries it removes (regime, Security state, VMID, ASID or global, input
 * address or range) and whether it is a last-level form. `tlbiMismatch` is
 * THE match rule: the TLBs apply it to their entries (`performTlbi`), and the
 * checkers ask it whether an operation removed the entry a descriptor may
 * still be cached in (simulator/checks, `break-before-make`), with the
 * reason when it did not.
 *
 * Invalidation is immediate; completion is what the DSB that software must
 * issue afterwards guarantees, so modelling it as immediate is one of the
 * behaviours the architecture allows.
 */
import { HCR_EL2, SCR_EL3 } from '../arch/registers/fields';
import { TLBI_BY_IPA, TLBI_BY_VA, TLBI_RANGE } from '../arch/decoders/tlbi';
import type { ShareabilityDomains } from '../memory/shareability';
import type { Pe } from '../pe/pe';
import { hex, sizeText } from '../util/hex';
import { el2Enabled, isSecure, Regime, REGIME_NAMES, vttbrVmid } from './regime';
import type { TlbContext, TlbEntry } from './tlb';
import type { MmuDomain } from './domain';

/** Which TLBs an operation reaches: the executing PE's, its Inner Shareable domain's, or every PE's. */
export type TlbiReach = 'local' | 'inner' | 'outer';

/** What a TLB maintenance operation removes (data, so the match rule can say why an entry stays). */
export interface TlbiScope {
  /** As written: `TLBI VAE1IS`. */
  readonly text: string;
  /** The PE that executed it. */
  readonly pe: number;
  readonly reach: TlbiReach;
  /** HCR_EL2.FB made an EL1 form broadcast. */
  readonly forcedBroadcast: boolean;
  /** Combined (stage 1, or stage 1+2) entries it removes; undefined: none. */
  readonly combined?: {
    readonly regimes: readonly Regime[];
    /** Only entries of this VMID (EL1&0 forms under EL2); undefined: any. */
    readonly vmid?: number;
    /** Non-global entries of other ASIDs are kept; undefined: any ASID. */
    readonly asid?: number;
    /** ASIDE1: global entries (nG=0) are kept. */
    readonly nonGlobalOnly: boolean;
  };
  /** Stage-2 (IPA → PA) entries it removes; undefined: none. */
  readonly stage2?: {
    /** Undefined: any VMID (ALLE1). */
    readonly vmid?: number;
    /** The IPA space (Secure state: Xt[63] selects the Non-secure one); undefined: both. */
    readonly secureIpa?: boolean;
  };
  /** Security state of the entries it removes; undefined: either (the EL3 regime has one). */
  readonly secure?: boolean;
  /** By-address forms: input addresses (VA, or IPA for the IPAS2 forms) [base, base+length). */
  readonly range?: { readonly base: number; readonly length: number };
  /** Last-level forms (VALE1, IPAS2LE1, RVALE1…): only entries from last-level descriptors need go. */
  readonly lastLevelOnly: boolean;
  /** An operation this model does not decode: it removes everything it could reach. */
  readonly everything: boolean;
}

/** VA[55:12] from Xt[43:0], sign-extended from VA bit 55 (upper-range VAs). */
function operandVa(x: bigint): number {
  const page = TLBI_BY_VA.VA.num(x);
  return (page >= 2 ** 43 ? page - 2 ** 44 : page) * 4096;
}

/**
 * Range forms (FEAT_TLBIRANGE): BaseADDR, NUM, SCALE, TG (01 4K, 10 16K, 11 64K);
 * range = (NUM+1) * 2^(5*SCALE+1) pages.
 */
function operandRange(x: bigint): { base: number; length: number } {
  const tg = TLBI_RANGE.TG.num(x);
  const granule = tg === 2 ? 16384 : tg === 3 ? 65536 : 4096;
  let base = TLBI_RANGE.BaseADDR.num(x) * granule;
  if (base >= 2 ** 48) base -= 2 ** 49; // BaseADDR holds VA[48:12] for 4K; sign from VA bit 48
  return { base, length: (TLBI_RANGE.NUM.num(x) + 1) * 2 ** (5 * TLBI_RANGE.SCALE.num(x) + 1) * granule };
}

const PAGE = 4096;

/** The scope of `TLBI <op>, Xt` executed by `pe` now (its EL, Security state, HCR_EL2 and VMID decide it). */
export function tlbiScope(pe: Pe, opIn: string, operand: bigint | undefined): TlbiScope {
  let op = opIn.toLowerCase();
  const text = `TLBI ${op.toUpperCase()}`;
  if (op.endsWith('nxs')) op = op.slice(0, -3);
  let reach: TlbiReach = 'local';
  if (op.endsWith('is')) reach = 'inner';
  else if (op.endsWith('os')) reach = 'outer';
  if (reach !== 'local') op = op.slice(0, -2);
  // The target Security state: the PE's, or SCR_EL3.NS when executed at EL3.
  const secure = pe.el === 3 ? !SCR_EL3.NS.isSet(pe.readSysreg('SCR_EL3')) : isSecure(pe);
  const hcr = el2Enabled(pe, secure) ? pe.readSysreg('HCR_EL2') : 0n;
  const e2h = HCR_EL2.E2H.isSet(hcr);
  const tge = HCR_EL2.TGE.isSet(hcr);
  // HCR_EL2.FB: EL1 TLB maintenance is broadcast within the Inner Shareable domain (Arm ARM D24.2 HCR_EL2.FB).
  const forcedBroadcast = pe.el === 1 && reach === 'local' && HCR_EL2.FB.isSet(hcr);
  if (forcedBroadcast) reach = 'inner';
  const vmid = el2Enabled(pe, secure) ? vttbrVmid(pe) : 0;
  const x = operand ?? 0n;
  const asid = TLBI_BY_VA.ASID.num(x);
  // EL1 operations executed at EL2 with E2H=TGE=1 act on the EL2&0 regime (Arm ARM D8.13.5).
  const el1Regime = pe.el === 2 && e2h && tge ? Regime.EL20 : Regime.EL10;
  const el1 = { regimes: [el1Regime], vmid: el1Regime === Regime.EL20 ? undefined : vmid, nonGlobalOnly: false };
  const el2 = { regimes: [Regime.EL2, Regime.EL20], nonGlobalOnly: false };
  const el3 = { regimes: [Regime.EL3], nonGlobalOnly: false };
  const base = { text, pe: pe.id, reach, forcedBroadcast, secure, lastLevelOnly: false, everything: false };
  const lastLevel = /^r?(va|vaa)le|^r?ipas2le/.test(op);
  const va = (): { base: number; length: number } => ({ base: operandVa(x), length: PAGE });
  // In Secure state, Xt[63] selects the Non-secure IPA space (IPAS2 forms).
  const secureIpa = secure && !TLBI_BY_IPA.NS.isSet(x);
  switch (op) {
    case 'vmalle1':
      return { ...base, combined: el1 };
    case 'vae1':
    case 'vale1':
      return { ...base, combined: { ...el1, asid }, range: va(), lastLevelOnly: lastLevel };
    case 'vaae1':
    case 'vaale1':
      return { ...base, combined: el1, range: va(), lastLevelOnly: lastLevel };
    case 'aside1':
      return { ...base, combined: { ...el1, asid, nonGlobalOnly: true } };
    case 'rvae1':
    case 'rvale1':
      return { ...base, combined: { ...el1, asid }, range: operandRange(x), lastLevelOnly: lastLevel };
    case 'rvaae1':
    case 'rvaale1':
      return { ...base, combined: el1, range: operandRange(x), lastLevelOnly: lastLevel };
    case 'ipas2e1':
    case 'ipas2le1':
      return { ...base, stage2: { vmid, secureIpa }, range: { base: TLBI_BY_IPA.IPA.num(x) * PAGE, length: PAGE }, lastLevelOnly: lastLevel };
    case 'ripas2e1':
    case 'ripas2le1': {
      const r = operandRange(x);
      return { ...base, stage2: { vmid, secureIpa }, range: { base: Math.max(r.base, 0), length: r.length }, lastLevelOnly: lastLevel };
    }
    case 'vmalls12e1':
      return { ...base, combined: { regimes: [Regime.EL10], vmid, nonGlobalOnly: false }, stage2: { vmid } };
    case 'alle1':
      return { ...base, combined: { regimes: [Regime.EL10], nonGlobalOnly: false }, stage2: {} };
    case 'alle2':
      return { ...base, combined: el2 };
    case 'vae2':
    case 'vale2':
      return { ...base, combined: { ...el2, asid: e2h ? asid : undefined }, range: va(), lastLevelOnly: lastLevel };
    case 'rvae2':
    case 'rvale2':
      return { ...base, combined: { ...el2, asid: e2h ? asid : undefined }, range: operandRange(x), lastLevelOnly: lastLevel };
    case 'alle3':
      return { ...base, secure: undefined, combined: el3 };
    case 'vae3':
    case 'vale3':
      return { ...base, secure: undefined, combined: el3, range: va(), lastLevelOnly: lastLevel };
    case 'rvae3':
    case 'rvale3':
      return { ...base, secure: undefined, combined: el3, range: operandRange(x), lastLevelOnly: lastLevel };
    default:
      // An operation this model does not know (e.g. FEAT_RME's PAALL): invalidate everything it
      // could reach. Dropping TLB entries is always architecturally permitted (Arm ARM D8.13.1).
      return { ...base, everything: true };
  }
}

/**
 * Why an entry of context `c` stays after the operation (undefined: its
 * context is one the operation removes). THE context match rule.
 */
export function tlbiContextMismatch(s: TlbiScope, c: TlbContext): string | undefined {
  if (s.everything) return undefined;
  if (c.kind === 's2') {
    const m = s.stage2;
    if (m === undefined) return `${s.text} removes stage-1 (combined) entries only, not stage-2 IPA entries`;
    if (s.secure !== undefined && c.secure !== s.secure) return `${s.text} acts on ${secText(s.secure)} entries; the entry is ${secText(c.secure)}`;
    if (m.vmid !== undefined && c.vmid !== m.vmid) return `${s.text} acts on VMID ${m.vmid}; the entry is VMID ${c.vmid}`;
    if (m.secureIpa !== undefined && c.secureIpa !== m.secureIpa) return `${s.text} names the ${m.secureIpa ? 'Secure' : 'Non-secure'} IPA space; the entry is in the ${c.secureIpa ? 'Secure' : 'Non-secure'} one`;
    return undefined;
  }
  const m = s.combined;
  if (m === undefined) return `${s.text} removes stage-2 IPA entries only, not the combined stage 1+2 entry (also TLBI VMALLE1 or VMALLS12E1 for that)`;
  if (!m.regimes.includes(c.regime)) return `${s.text} acts on the ${m.regimes.map((r) => REGIME_NAMES[r]).join('/')} regime; the entry is in the ${REGIME_NAMES[c.regime]} regime`;
  if (s.secure !== undefined && c.secure !== s.secure) return `${s.text} acts on ${secText(s.secure)} entries; the entry is ${secText(c.secure)}`;
  if (m.vmid !== undefined && c.vmid !== m.vmid) return `${s.text} acts on VMID ${m.vmid}; the entry is VMID ${c.vmid}`;
  if (m.nonGlobalOnly && c.asid < 0) return `${s.text} keeps global entries (nG=0)`;
  // Global entries (asid -1) and stage-1-off entries (-2) match any ASID; 8-bit ASIDs compare on the low byte.
  if (m.asid !== undefined && (m.nonGlobalOnly || c.asid >= 0) && c.asid !== m.asid && c.asid !== (m.asid & 0xff)) {
    return `${s.text} names ASID ${m.asid}; the entry is ASID ${c.asid}`;
  }
  return undefined;
}

/** Why an entry covering [base, base+size) stays (undefined: the operation's addresses reach it). */
export function tlbiAddressMismatch(s: TlbiScope, e: { readonly base: number; readonly size: number }, stage2: boolean): string | undefined {
  const r = s.range;
  if (r === undefined || (e.base < r.base + r.length && r.base < e.base + e.size)) return undefined;
  const what = stage2 ? 'IPA' : 'VA';
  const named = r.length === PAGE ? `${what} ${hex(vaBig(r.base))}` : `${what}s ${hex(vaBig(r.base))}..${hex(vaBig(r.base + r.length - 1))}`;
  return `${s.text} names ${named}; the entry maps the ${sizeText(e.size)} at ${what} ${hex(vaBig(e.base))}`;
}

function vaBig(va: number): bigint {
  return BigInt.asUintN(64, BigInt(va));
}

function secText(secure: boolean): string {
  return secure ? 'Secure' : 'Non-secure';
}

/** Whether the operation reaches PE `q`'s TLB. */
export function tlbiReaches(s: TlbiScope, q: number, domains: ShareabilityDomains | undefined): boolean {
  if (s.reach === 'outer') return true;
  if (s.reach === 'local') return q === s.pe;
  return domains === undefined || domains.sameInner(s.pe, q);
}

/**
 * Why the operation leaves an entry of PE `q` (undefined: it removes it).
 * `leaf`: the descriptor in question is the entry's last-level descriptor
 * (a last-level form need not remove what a table descriptor left in walk caches).
 */
export function tlbiEntryMismatch(s: TlbiScope, q: number, e: TlbEntry, leaf: boolean, domains: ShareabilityDomains | undefined): string | undefined {
  if (!tlbiReaches(s, q, domains)) {
    if (s.reach === 'local') return `${s.text} is local to PE ${s.pe}; PE ${q} holds the entry (use the IS form to broadcast)`;
    return `${s.text} reaches ${domains?.describe(s.pe, 'ish') ?? 'the Inner Shareable domain'}; PE ${q} is outside it (use the OS form)`;
  }
  const ctx = tlbiContextMismatch(s, e.ctx);
  if (ctx !== undefined) return ctx;
  const addr = tlbiAddressMismatch(s, e, e.ctx.kind === 's2');
  if (addr !== undefined) return addr;
  if (s.lastLevelOnly && !leaf) return `${s.text} is a last-level form; the descriptor is a table descriptor, whose walk-cache entries it need not remove`;
  return undefined;
}

/** Apply a TLBI to the TLBs it reaches. Returns the number of entries removed (tests, views). */
export function performTlbi(domain: MmuDomain, pe: Pe, op: string, operand: bigint | undefined): number {
  const s = tlbiScope(pe, op, operand);
  const ctx = (c: TlbContext): boolean => tlbiContextMismatch(s, c) === undefined;
  const entry = s.range === undefined ? undefined : (e: TlbEntry): boolean => tlbiAddressMismatch(s, e, e.ctx.kind === 's2') === undefined;
  let removed = 0;
  domain.states.forEach((st, q) => {
    if (st === undefined || !tlbiReaches(s, q, domain.shareability)) return;
    removed += st.tlb.invalidate(ctx, entry);
    st.micro.flush();
  });
  return removed;
}
