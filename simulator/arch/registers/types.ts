/**
 * Types of THE register table: one `RegisterDef` per AArch64 system register
 * (Arm ARM D24 "AArch64 System Register Descriptions"). Every front end —
 * decode, hover, DAP variables, validation and the CLI — reads these.
 */

/** Context a layout can depend on (e.g. HCR_EL2.E2H changes SCTLR_EL2/TCR_EL2/CPTR_EL2/CNTHCTL_EL2). */
export interface DecodeContext {
  /** HCR_EL2.E2H: the EL2 registers use their EL1-style (VHE) layouts. */
  e2h?: boolean;
}

export type FieldKind = 'field' | 'res0' | 'res1';

/**
 * One field of a layout. The type parameters keep the literal name and bit
 * positions of fields written in the table (`b('TGE', 27, …)` is a
 * `FieldDef<'TGE', 27, 27>`), so the accessors generated from a layout
 * (`accessors.ts`) are typed by field name and know at compile time which
 * 32-bit half of the register holds each field.
 */
export interface FieldDef<N extends string = string, M extends number = number, L extends number = number> {
  name: N;
  /** Most significant bit, inclusive, counted in the whole register. */
  msb: M;
  /** Least significant bit, inclusive, counted in the whole register. */
  lsb: L;
  description: string;
  /** Enumerated values → their architectural meaning. */
  values?: Record<number, string>;
  kind?: FieldKind;
  /** Custom meaning for values an enumeration cannot express (addresses, sizes, attribute bytes). */
  format?: (fieldValue: bigint, registerValue: bigint) => string;
  /** Sub-fields (bit positions counted in the whole register), e.g. ESR_ELx.ISS by EC. */
  children?: FieldDef[];
  /**
   * How much users look for the field: `primary` fields (TCR.T0SZ, SH0; HCR_EL2.VM, TGE) are
   * listed first, `rare` ones (feature controls the modelled PE lacks: TCR.HWU0, MTX0) last
   * (format.ts `byRelevance`). Unset: in between, in bit order.
   */
  relevance?: Relevance;
}

export type Relevance = 'primary' | 'rare';

export type FieldLayout = FieldDef[] | ((value: bigint, ctx: DecodeContext) => FieldDef[]);

export interface SysregEncoding {
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
}

export interface RegisterAccess {
  /** Lowest exception level that can access the register (before traps). */
  minEl: 0 | 1 | 2 | 3;
  read: boolean;
  write: boolean;
}

export interface RegisterDef {
  /** Canonical upper-case name (`SCTLR_EL1`, `SCTLR_EL12`). */
  name: string;
  description: string;
  width: 32 | 64;
  /** MRS/MSR encoding; absent for registers that are not system-register-instruction accessible by this name. */
  encoding?: SysregEncoding;
  /** Fixed layout, or a function of the value / context (ESR_ELx ISS by EC, SCTLR_EL2 with E2H). */
  fields: FieldLayout;
  /** RES0 bits of the default layout (ctx {}). */
  res0: bigint;
  /** RES1 bits of the default layout (ctx {}). */
  res1: bigint;
  access: RegisterAccess;
  /** HCR_EL2.TVM/TRVM trap group (Arm ARM D1.11.x: the "virtual memory controls"). */
  trapGroup?: 'TVM';
  vhe?: {
    /** With HCR_EL2.E2H=1, an access at EL2 to this _EL1/_EL0 name reaches `redirectTo` instead (Arm ARM D5.11.x "Virtualization Host Extensions"). */
    redirectTo?: string;
    /** This _EL12/_EL02 name reaches the real `aliasOf` register from EL2 with E2H=1 (UNDEFINED when E2H=0). */
    aliasOf?: string;
  };
  /** 'secure': accessible only in Secure state (e.g. VSTTBR_EL2, VSTCR_EL2). */
  security?: 'secure' | 'any';
  /** Other names that find this register (e.g. `SP_EL0` for nothing; `ICC_CTLR_EL1` none). */
  aliases?: string[];
}

export interface DecodedField {
  name: string;
  msb: number;
  lsb: number;
  value: bigint;
  /**
   * What this value means: the enumeration's text, a decoded address or size, the
   * description for a set one-bit field and `Not set (1: …)` for a clear one,
   * else the field's description.
   */
  meaning: string;
  /** What the field is (the architectural description). */
  description: string;
  kind: FieldKind;
  /** A RES0 field that is not 0 or a RES1 field that is not all ones. */
  violation?: boolean;
  children?: DecodedField[];
  /** From the table (FieldDef.relevance). */
  relevance?: Relevance;
}

export interface DecodedRegister {
  register: string;
  value: bigint;
  width: 32 | 64;
  description: string;
  fields: DecodedField[];
}

export interface ReservedBitViolation {
  bit: number;
  expected: 0 | 1;
}
