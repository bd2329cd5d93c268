/**
 * Generic Timer registers (Arm ARM D11 "The Generic Timer in AArch64 state";
 * D24.8 timer registers): counters, EL1 physical/virtual timers, EL2 timers,
 * secure physical timer, CNTHCTL_EL2 (layout by E2H) and CNTKCTL_EL1.
 */
import { accessors } from './accessors';
import { b, enc, f, fmt, reg, whole } from './define';
import type { DecodeContext, FieldDef, RegisterDef, SysregEncoding } from './types';

const ctlFields = () => [
  b('ISTATUS', 2, 'Timer condition met (read-only)', { 0: 'Condition not met', 1: 'Condition met' }),
  b('IMASK', 1, 'Timer interrupt mask', { 0: 'Not masked', 1: 'Masked' }),
  b('ENABLE', 0, 'Timer enable', { 0: 'Disabled', 1: 'Enabled' }),
];

const tvalFields = (): FieldDef[] => [
  fmt('TimerValue', 31, 0, 'Signed 32-bit down-counter view of CVAL minus the count', (v) => `${BigInt.asIntN(32, v)}`),
];

/** The CTL/TVAL/CVAL triple of one timer at CRm, op2 = 0 (TVAL), 1 (CTL), 2 (CVAL). */
function timer(prefix: string, suffix: string, what: string, op1: number, crm: number, redirect?: string, el?: 0 | 1 | 2 | 3, security?: 'secure'): RegisterDef[] {
  const e = (op2: number): SysregEncoding => enc(3, op1, 14, crm, op2);
  const r = (k: string) => (redirect ? `${redirect}_${k}_EL2` : undefined);
  return [
    reg({ name: `${prefix}_TVAL_${suffix}`, description: `${what} TimerValue`, encoding: e(0), fields: tvalFields(), redirectTo: r('TVAL'), el, security }),
    reg({ name: `${prefix}_CTL_${suffix}`, description: `${what} Control`, encoding: e(1), fields: ctlFields(), redirectTo: r('CTL'), el, security }),
    reg({ name: `${prefix}_CVAL_${suffix}`, description: `${what} CompareValue`, encoding: e(2), fields: whole('CompareValue', 'Absolute compare value'), redirectTo: r('CVAL'), el, security }),
  ];
}

const EVENT_STREAM: FieldDef[] = [
  b('EVNTEN', 2, 'Event stream enable'),
  b('EVNTDIR', 3, 'Event stream transition direction', { 0: '0 to 1 transition', 1: '1 to 0 transition' }),
  f('EVNTI', 7, 4, 'Event stream counter bit select'),
  b('EVNTIS', 17, 'Event stream uses CNTxCT_EL0[23:8]'),
];

/** CNTHCTL_EL2 (Arm ARM D24.8): bit meanings move with E2H. */
function cnthctlFields(_v: bigint, ctx: DecodeContext): FieldDef[] {
  const common = [
    ...EVENT_STREAM,
    b('ECV', 12, 'Enhanced Counter Virtualization enable'),
    b('EL1TVT', 13, 'Trap EL0/EL1 virtual timer accesses'),
    b('EL1TVCT', 14, 'Trap EL0/EL1 virtual counter accesses'),
    b('EL1NVPCT', 15, 'Trap EL1 physical counter accesses with NV'),
    b('EL1NVVCT', 16, 'Trap EL1 virtual counter accesses with NV'),
    b('CNTVMASK', 18, 'Mask the virtual timer interrupt'),
    b('CNTPMASK', 19, 'Mask the physical timer interrupt'),
  ];
  if (ctx.e2h) {
    return [
      ...common,
      b('EL0PCTEN', 0, 'EL0 physical counter access not trapped'),
      b('EL0VCTEN', 1, 'EL0 virtual counter access not trapped'),
      b('EL0VTEN', 8, 'EL0 virtual timer access not trapped'),
      b('EL0PTEN', 9, 'EL0 physical timer access not trapped'),
      b('EL1PCTEN', 10, 'EL0/EL1 physical counter access not trapped'),
      b('EL1PTEN', 11, 'EL0/EL1 physical timer access not trapped'),
    ];
  }
  return [
    ...common,
    b('EL1PCTEN', 0, 'EL0/EL1 physical counter access not trapped'),
    b('EL1PCEN', 1, 'EL0/EL1 physical timer access not trapped'),
  ];
}

export const TIMER_REGISTERS: RegisterDef[] = [
  reg({ name: 'CNTFRQ_EL0', description: 'Counter-timer Frequency: system counter frequency in Hz', encoding: enc(3, 3, 14, 0, 0), fields: [fmt('ClockFreq', 31, 0, 'Clock frequency in Hz', (v) => `${v} Hz`)] }),
  reg({ name: 'CNTPCT_EL0', description: 'Counter-timer Physical Count', encoding: enc(3, 3, 14, 0, 1), ro: true, fields: whole('PhysicalCount', 'Physical count value') }),
  reg({ name: 'CNTVCT_EL0', description: 'Counter-timer Virtual Count (physical count minus CNTVOFF_EL2)', encoding: enc(3, 3, 14, 0, 2), ro: true, fields: whole('VirtualCount', 'Virtual count value') }),
  reg({ name: 'CNTPCTSS_EL0', description: 'Counter-timer Self-Synchronized Physical Count (FEAT_ECV)', encoding: enc(3, 3, 14, 0, 5), ro: true, fields: whole('SSPhysicalCount', 'Self-synchronized physical count') }),
  reg({ name: 'CNTVCTSS_EL0', description: 'Counter-timer Self-Synchronized Virtual Count (FEAT_ECV)', encoding: enc(3, 3, 14, 0, 6), ro: true, fields: whole('SSVirtualCount', 'Self-synchronized virtual count') }),
  ...timer('CNTP', 'EL0', 'EL1 physical timer', 3, 2, 'CNTHP'),
  ...timer('CNTV', 'EL0', 'Virtual timer', 3, 3, 'CNTHV'),
  ...timer('CNTHP', 'EL2', 'EL2 physical timer', 4, 2),
  ...timer('CNTHV', 'EL2', 'EL2 virtual timer (FEAT_VHE)', 4, 3),
  ...timer('CNTHVS', 'EL2', 'Secure EL2 virtual timer (FEAT_SEL2)', 4, 4, undefined, undefined, 'secure'),
  ...timer('CNTHPS', 'EL2', 'Secure EL2 physical timer (FEAT_SEL2)', 4, 5, undefined, undefined, 'secure'),
  ...timer('CNTPS', 'EL1', 'Secure physical timer', 7, 2, undefined, 1, 'secure'),
  reg({ name: 'CNTVOFF_EL2', description: 'Counter-timer Virtual Offset: CNTVCT_EL0 = CNTPCT_EL0 - CNTVOFF_EL2', encoding: enc(3, 4, 14, 0, 3), fields: whole('VOffset', 'Virtual offset') }),
  reg({ name: 'CNTPOFF_EL2', description: 'Counter-timer Physical Offset (FEAT_ECV)', encoding: enc(3, 4, 14, 0, 6), fields: whole('PhysicalOffset', 'Physical offset') }),
  reg({ name: 'CNTHCTL_EL2', description: 'Counter-timer Hypervisor Control: EL1/EL0 timer traps (layout depends on HCR_EL2.E2H)', encoding: enc(3, 4, 14, 1, 0), fields: cnthctlFields }),
  reg({
    name: 'CNTKCTL_EL1',
    description: 'Counter-timer Kernel Control: EL0 access to counters and timers',
    encoding: enc(3, 0, 14, 1, 0),
    redirectTo: 'CNTHCTL_EL2',
    fields: [
      ...EVENT_STREAM,
      b('EL0PCTEN', 0, 'EL0 physical counter access not trapped'),
      b('EL0VCTEN', 1, 'EL0 virtual counter access not trapped'),
      b('EL0VTEN', 8, 'EL0 virtual timer access not trapped'),
      b('EL0PTEN', 9, 'EL0 physical timer access not trapped'),
    ],
  }),
];

/** Field accessors (accessors.ts): the CTL register of every timer (CNTP_CTL_EL0, CNTV_CTL_EL0, CNTHP_CTL_EL2, …). */
export const CNT_CTL = accessors(ctlFields());
