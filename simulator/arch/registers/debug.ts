/**
 * Self-hosted debug registers (Arm ARM D2 "AArch64 Self-hosted Debug", D24.3
 * debug registers): breakpoint/watchpoint value and control registers and the
 * debug communication/claim registers. op0=2.
 */
import { hex } from '../../util/hex';
import { b, enc, f, fmt, reg, whole } from './define';
import type { RegisterDef } from './types';

const PRIV: Record<number, string> = { 0: 'Reserved/EL1 and EL0 with HMC', 1: 'EL1 (privileged)', 2: 'EL0 (unprivileged)', 3: 'EL1 and EL0' };

const regs: RegisterDef[] = [];
for (let n = 0; n < 16; n++) {
  regs.push(
    reg({ name: `DBGBVR${n}_EL1`, description: `Breakpoint Value Register ${n}: instruction address (or context ID) to match`, encoding: enc(2, 0, 0, n, 4), fields: [fmt('VA', 63, 0, 'Breakpoint address or context value', (v) => hex(v))] }),
    reg({
      name: `DBGBCR${n}_EL1`,
      description: `Breakpoint Control Register ${n}`,
      encoding: enc(2, 0, 0, n, 5),
      fields: [
        f('BT', 23, 20, 'Breakpoint Type', { 0: 'Unlinked instruction address match', 1: 'Linked instruction address match', 2: 'Unlinked context ID match', 3: 'Linked context ID match' }),
        f('LBN', 19, 16, 'Linked Breakpoint Number'),
        f('SSC', 15, 14, 'Security State Control'),
        b('HMC', 13, 'Higher Mode Control'),
        f('BAS', 8, 5, 'Byte Address Select'),
        f('PMC', 2, 1, 'Privilege Mode Control', PRIV),
        b('E', 0, 'Enable breakpoint'),
      ],
    }),
    reg({ name: `DBGWVR${n}_EL1`, description: `Watchpoint Value Register ${n}: data address to match`, encoding: enc(2, 0, 0, n, 6), fields: [fmt('VA', 63, 0, 'Watchpoint address', (v) => hex(v))] }),
    reg({
      name: `DBGWCR${n}_EL1`,
      description: `Watchpoint Control Register ${n}`,
      encoding: enc(2, 0, 0, n, 7),
      fields: [
        f('MASK', 28, 24, 'Address mask (low bits ignored)'),
        b('WT', 20, 'Watchpoint Type', { 0: 'Unlinked', 1: 'Linked' }),
        f('LBN', 19, 16, 'Linked Breakpoint Number'),
        f('SSC', 15, 14, 'Security State Control'),
        b('HMC', 13, 'Higher Mode Control'),
        f('BAS', 12, 5, 'Byte Address Select'),
        f('LSC', 4, 3, 'Load/Store Control', { 1: 'Loads', 2: 'Stores', 3: 'Loads and stores' }),
        f('PAC', 2, 1, 'Privilege of Access Control', PRIV),
        b('E', 0, 'Enable watchpoint'),
      ],
    }),
  );
}

export const DEBUG_REGISTERS: RegisterDef[] = [
  ...regs,
  reg({ name: 'MDCCINT_EL1', description: 'Monitor DCC Interrupt Enable Register', encoding: enc(2, 0, 0, 2, 0), fields: [b('RX', 30, 'DCC receive interrupt enable'), b('TX', 29, 'DCC transmit interrupt enable')] }),
  reg({ name: 'OSDTRRX_EL1', description: 'OS Lock Data Transfer Register, Receive', encoding: enc(2, 0, 0, 0, 2), fields: whole('DTRRX', 'Data', 31) }),
  reg({ name: 'OSDTRTX_EL1', description: 'OS Lock Data Transfer Register, Transmit', encoding: enc(2, 0, 0, 3, 2), fields: whole('DTRTX', 'Data', 31) }),
  reg({ name: 'OSECCR_EL1', description: 'OS Lock Exception Catch Control Register', encoding: enc(2, 0, 0, 6, 2), fields: whole('EDECCR', 'Exception catch control', 31) }),
  reg({ name: 'MDCCSR_EL0', description: 'Monitor DCC Status Register', encoding: enc(2, 3, 0, 1, 0), ro: true, fields: [b('RXfull', 30, 'DTRRX full'), b('TXfull', 29, 'DTRTX full')] }),
  reg({ name: 'DBGPRCR_EL1', description: 'Debug Power Control Register', encoding: enc(2, 0, 1, 4, 4), fields: [b('CORENPDRQ', 0, 'Core no powerdown request')] }),
  reg({ name: 'DBGCLAIMSET_EL1', description: 'Debug CLAIM Tag Set', encoding: enc(2, 0, 7, 8, 6), fields: [f('CLAIM', 7, 0, 'Claim tag bits')] }),
  reg({ name: 'DBGCLAIMCLR_EL1', description: 'Debug CLAIM Tag Clear', encoding: enc(2, 0, 7, 9, 6), fields: [f('CLAIM', 7, 0, 'Claim tag bits')] }),
  reg({ name: 'DBGAUTHSTATUS_EL1', description: 'Debug Authentication Status', encoding: enc(2, 0, 7, 14, 6), ro: true, fields: [f('SNID', 7, 6, 'Secure non-invasive debug'), f('SID', 5, 4, 'Secure invasive debug'), f('NSNID', 3, 2, 'Non-secure non-invasive debug'), f('NSID', 1, 0, 'Non-secure invasive debug')] }),
  reg({ name: 'DBGVCR32_EL2', description: 'Debug Vector Catch Register (AArch32 state held at EL2)', encoding: enc(2, 4, 0, 7, 0), fields: whole('VCR', 'Vector catch bits', 31) }),
];
