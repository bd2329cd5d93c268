/**
 * Virtualization Host Extensions (FEAT_VHE, Arm ARM D5.11 / D24 "_EL12 and
 * _EL02 accessors"): with HCR_EL2.E2H=1, at EL2 the _EL1/_EL0 names below access
 * the EL2 register instead, and the _EL12/_EL02 encodings (op1=5) reach the
 * real EL1/EL0 register. The _EL12/_EL02 encodings are UNDEFINED when E2H=0.
 * ZCR, SCXTNUM and TFSR redirect too when their feature is implemented.
 * (Also ../shared/reference/arch-facts.md §4; QEMU target/arm/helper.c.)
 */
import type { RegisterDef } from './types';

/** _EL1/_EL0 name → the EL2 register it reaches from EL2 with E2H=1 (and from EL0 with E2H=TGE=1 for the timers). */
export const VHE_REDIRECTS: Readonly<Record<string, string>> = {
  SCTLR_EL1: 'SCTLR_EL2',
  CPACR_EL1: 'CPTR_EL2',
  TTBR0_EL1: 'TTBR0_EL2',
  TTBR1_EL1: 'TTBR1_EL2',
  TCR_EL1: 'TCR_EL2',
  AFSR0_EL1: 'AFSR0_EL2',
  AFSR1_EL1: 'AFSR1_EL2',
  ESR_EL1: 'ESR_EL2',
  FAR_EL1: 'FAR_EL2',
  MAIR_EL1: 'MAIR_EL2',
  AMAIR_EL1: 'AMAIR_EL2',
  VBAR_EL1: 'VBAR_EL2',
  CONTEXTIDR_EL1: 'CONTEXTIDR_EL2',
  CNTKCTL_EL1: 'CNTHCTL_EL2',
  SPSR_EL1: 'SPSR_EL2',
  ELR_EL1: 'ELR_EL2',
  ZCR_EL1: 'ZCR_EL2',
  SCXTNUM_EL1: 'SCXTNUM_EL2',
  TFSR_EL1: 'TFSR_EL2',
  CNTP_TVAL_EL0: 'CNTHP_TVAL_EL2',
  CNTP_CTL_EL0: 'CNTHP_CTL_EL2',
  CNTP_CVAL_EL0: 'CNTHP_CVAL_EL2',
  CNTV_TVAL_EL0: 'CNTHV_TVAL_EL2',
  CNTV_CTL_EL0: 'CNTHV_CTL_EL2',
  CNTV_CVAL_EL0: 'CNTHV_CVAL_EL2',
};

/** _EL12/_EL02 alias → the real EL1/EL0 register. */
export const VHE_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(VHE_REDIRECTS).map((n) => [n.replace(/_EL1$/, '_EL12').replace(/_EL0$/, '_EL02'), n]),
);

/** Build the alias RegisterDefs: same layout, encoding with op1=5, accessible from EL2 only. */
export function vheAliases(base: readonly RegisterDef[]): RegisterDef[] {
  const out: RegisterDef[] = [];
  for (const [alias, real] of Object.entries(VHE_ALIASES)) {
    const r = base.find((x) => x.name === real);
    if (!r || !r.encoding) throw new Error(`VHE alias ${alias}: ${real} missing from the table`);
    out.push({
      ...r,
      name: alias,
      description: `${r.description} (${real} accessed from EL2 with HCR_EL2.E2H=1)`,
      encoding: { ...r.encoding, op1: 5 },
      access: { ...r.access, minEl: 2 },
      trapGroup: undefined,
      vhe: { aliasOf: real },
      aliases: undefined,
    });
  }
  return out;
}
