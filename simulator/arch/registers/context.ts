/**
 * Context and thread ID registers: CONTEXTIDR_ELx, TPIDR_ELx, TPIDRRO_EL0,
 * RVBAR_EL1/EL2, and debug controls commonly touched by firmware (MDSCR_EL1,
 * OSLAR_EL1). Arm ARM D24.2.
 */
import { b, enc, f, reg, whole } from './define';
import type { RegisterDef } from './types';

export const CONTEXT_REGISTERS: RegisterDef[] = [
  reg({
    name: 'CONTEXTIDR_EL1',
    description: 'Context ID Register (EL1): process identifier for debug and trace',
    encoding: enc(3, 0, 13, 0, 1),
    fields: [f('PROCID', 31, 0, 'Process Identifier')],
    trapGroup: 'TVM',
    redirectTo: 'CONTEXTIDR_EL2',
  }),
  reg({ name: 'CONTEXTIDR_EL2', description: 'Context ID Register (EL2)', encoding: enc(3, 4, 13, 0, 1), fields: [f('PROCID', 31, 0, 'Process Identifier')] }),
  reg({ name: 'TPIDR_EL0', description: 'EL0 Read/Write Software Thread ID Register', encoding: enc(3, 3, 13, 0, 2), fields: whole('ThreadID', 'Thread identifying information') }),
  reg({ name: 'TPIDRRO_EL0', description: 'EL0 Read-Only Software Thread ID Register (writable from EL1)', encoding: enc(3, 3, 13, 0, 3), el: 0, fields: whole('ThreadID', 'Thread identifying information') }),
  reg({ name: 'TPIDR_EL1', description: 'EL1 Software Thread ID Register', encoding: enc(3, 0, 13, 0, 4), fields: whole('ThreadID', 'Thread identifying information') }),
  reg({ name: 'TPIDR_EL2', description: 'EL2 Software Thread ID Register', encoding: enc(3, 4, 13, 0, 2), fields: whole('ThreadID', 'Thread identifying information') }),
  reg({ name: 'TPIDR_EL3', description: 'EL3 Software Thread ID Register', encoding: enc(3, 6, 13, 0, 2), fields: whole('ThreadID', 'Thread identifying information') }),
  reg({ name: 'RVBAR_EL1', description: 'Reset Vector Base Address Register (EL1, when EL1 is the highest EL)', encoding: enc(3, 0, 12, 0, 1), ro: true, fields: whole('ResetAddress', 'Reset address') }),
  reg({ name: 'RVBAR_EL2', description: 'Reset Vector Base Address Register (EL2, when EL2 is the highest EL)', encoding: enc(3, 4, 12, 0, 1), ro: true, fields: whole('ResetAddress', 'Reset address') }),
  reg({
    name: 'MDSCR_EL1',
    description: 'Monitor Debug System Control Register',
    encoding: enc(2, 0, 0, 2, 2),
    fields: [
      b('SS', 0, 'Software step enable'),
      b('ERR', 6, 'Saved/restored error flag'),
      b('TDCC', 12, 'Trap DCC accesses from EL0'),
      b('KDE', 13, 'Local (kernel) debug enable'),
      b('HDE', 14, 'Halting debug enable'),
      b('MDE', 15, 'Monitor debug events enable'),
      b('SC2', 19, 'Sample CONTEXTIDR_EL2 with PC'),
      b('TDA', 21, 'Trap debug register access (EL0)'),
      f('INTdis', 23, 22, 'Interrupt disable for debug'),
      b('TXU', 26, 'DTRTX underrun'),
      b('RXO', 27, 'DTRRX overrun'),
      b('TXfull', 29, 'DTRTX full'),
      b('RXfull', 30, 'DTRRX full'),
      b('TFO', 31, 'Trace Filter override'),
    ],
  }),
  reg({ name: 'OSLAR_EL1', description: 'OS Lock Access Register', encoding: enc(2, 0, 1, 0, 4), wo: true, fields: [b('OSLK', 0, 'OS Lock: 1 locks, 0 unlocks')] }),
];
