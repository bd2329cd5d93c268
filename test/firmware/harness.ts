/**
 * Scenario builder for firmware tests: a Normal-world driver at NS-EL1 makes
 * a list of SMCs and stores x0–x3 after each one (32 bytes per call at
 * RESULTS); partitions answer direct requests, optionally running their own
 * list of calls first (results at SP_RESULTS).
 */
import { Machine, type MachineOptions } from '../../simulator/engine/machine';
import { parseScenario } from '../../simulator';
import type { ScenarioModel } from '../../simulator/scenario/model';

export const RESULTS = 0x8808_0000;
export const SP_RESULTS = 0x0e1e_0000;
export const NWD_TX = 0x8800_8000;
export const NWD_RX = 0x8800_9000;
export const SP_TX = 0x0e1f_0000;
export const SP_RX = 0x0e1f_1000;
export const SP2_TX = 0x0e3f_0000;
export const SP2_RX = 0x0e3f_1000;

export const FID = {
  ERROR: 0x8400_0060n,
  SUCCESS: 0x8400_0061n,
  INTERRUPT: 0x8400_0062n,
  VERSION: 0x8400_0063n,
  FEATURES: 0x8400_0064n,
  RX_RELEASE: 0x8400_0065n,
  RXTX_MAP_64: 0xc400_0066n,
  RXTX_UNMAP: 0x8400_0067n,
  PARTITION_INFO_GET: 0x8400_0068n,
  ID_GET: 0x8400_0069n,
  MSG_WAIT: 0x8400_006bn,
  YIELD: 0x8400_006cn,
  RUN: 0x8400_006dn,
  DIRECT_REQ: 0x8400_006fn,
  DIRECT_REQ_64: 0xc400_006fn,
  DIRECT_RESP: 0x8400_0070n,
  MEM_DONATE: 0x8400_0071n,
  MEM_LEND: 0x8400_0072n,
  MEM_SHARE: 0x8400_0073n,
  MEM_RETRIEVE_REQ: 0x8400_0074n,
  MEM_RETRIEVE_RESP: 0x8400_0075n,
  MEM_RELINQUISH: 0x8400_0076n,
  MEM_RECLAIM: 0x8400_0077n,
  MEM_FRAG_TX: 0x8400_007bn,
  NOTIFICATION_BITMAP_CREATE: 0x8400_007dn,
  NOTIFICATION_BITMAP_DESTROY: 0x8400_007en,
  NOTIFICATION_BIND: 0x8400_007fn,
  NOTIFICATION_UNBIND: 0x8400_0080n,
  NOTIFICATION_SET: 0x8400_0081n,
  NOTIFICATION_GET: 0x8400_0082n,
  NOTIFICATION_INFO_GET_64: 0xc400_0083n,
  SPM_ID_GET: 0x8400_0085n,
} as const;

/** FFA_ERROR codes as the zero-extended w2. */
export const ERR = {
  NOT_SUPPORTED: 0xffff_ffffn,
  INVALID_PARAMETERS: 0xffff_fffen,
  NO_MEMORY: 0xffff_fffdn,
  BUSY: 0xffff_fffcn,
  INTERRUPTED: 0xffff_fffbn,
  DENIED: 0xffff_fffan,
  ABORTED: 0xffff_fff8n,
  NO_DATA: 0xffff_fff7n,
} as const;

export type Regs = (bigint | number)[];
export interface Call {
  regs: Regs;
  /** Assembly run before the call's register set-up (e.g. writing a descriptor). */
  pre?: string;
}

function callAsm(calls: (Call | Regs)[], resultsReg: string, conduit = 'smc #0'): string {
  const out: string[] = [];
  calls.forEach((c, i) => {
    const call: Call = Array.isArray(c) ? { regs: c } : c;
    if (call.pre) out.push(call.pre);
    call.regs.forEach((v, r) => out.push(`    ldr   x${r}, =${BigInt(v) < 0n ? BigInt.asUintN(64, BigInt(v)) : v}`));
    out.push(`call_${resultsReg}_${i}:`);
    out.push(`    ${conduit}`);
    out.push(`    stp   x0, x1, [${resultsReg}], #16`);
    out.push(`    stp   x2, x3, [${resultsReg}], #16`);
  });
  return out.join('\n');
}

export interface FirmwareTestOptions {
  calls: (Call | Regs)[];
  /** Calls the first partition makes when it gets its first direct request (before answering). */
  spCalls?: (Call | Regs)[];
  /** A second partition (0x8002) that answers direct requests. */
  sp2?: boolean;
  /** Extra lines for the first partition block (interrupts, notifications…). */
  spSettings?: string;
  /** Extra lines for the spmc block. */
  spmc?: string;
  /** Extra top-level text (ffa_descriptor blocks, events, gic…). */
  extra?: string;
  /** Extra system settings. */
  system?: string;
  /** No boot-time RXTX_MAP in the partition. */
  spNoRxtx?: boolean;
}

/** The scenario text. */
export function firmwareScenario(o: FirmwareTestOptions): string {
  const sp2 = o.sp2
    ? `
partition sp2 {
  id 0x8002
  entry sp2_entry
  memory 0x0e20_0000 size 0x20_0000
  rxtx ${SP2_TX} ${SP2_RX}
}
code sp2_image at 0x0e20_0000 {
sp2_entry:
    ldr   x0, =0x8400006B
sp2_loop:
    smc   #0
    add   x3, x3, #0x100
    and   w10, w1, #0xffff
    lsr   w11, w1, #16
    orr   w1, w11, w10, lsl #16
    ldr   x0, =0x84000070
    mov   x2, #0
    b     sp2_loop
}
`
    : '';
  return `
system {
  pes 1
  memory spmc_mem  at 0x0600_0000 size 0x20_0000 secure
  memory sp_mem    at 0x0e00_0000 size 0x40_0000 secure
  memory ram       at 0x8800_0000 size 0x20_0000
  cache_model off
  max_steps 20000
${o.system ?? ''}
}

firmware { monitor builtin; spmc builtin }
spmc {
  tables 0x0610_0000 size 0x10_0000
${o.spmc ?? ''}
}

partition sp1 {
  id 0x8001
  uuid 486178e0-e7f8-11e3-bc5e-0002a5d5c51b
  entry sp1_entry
  memory 0x0e10_0000 size 0x10_0000
  stack 0x0e1d_f000
${o.spSettings ?? ''}
}
${sp2}
pe 0 {
  el 1
  security nonsecure
  entry driver
}

code nwd_driver at 0x8800_0000 {
driver:
    ldr   x28, =${RESULTS}
${callAsm(o.calls, 'x28')}
    hlt   #0
}

code sp1_image at 0x0e10_0000 {
sp1_entry:
    ldr   x27, =${SP_RESULTS}
${o.spNoRxtx ? '' : `    ldr   x0, =0xC4000066
    ldr   x1, =${SP_TX}
    ldr   x2, =${SP_RX}
    mov   x3, #1
    smc   #0`}
    mov   x26, #0
    ldr   x0, =0x8400006B
sp1_loop:
    smc   #0
    mov   x24, x3
    mov   x25, x1
    cbnz  x26, sp1_answer
    mov   x26, #1
${callAsm(o.spCalls ?? [], 'x27')}
sp1_answer:
    add   x3, x24, #1
    and   w10, w25, #0xffff
    lsr   w11, w25, #16
    orr   w1, w11, w10, lsl #16
    ldr   x0, =0x84000070
    mov   x2, #0
    b     sp1_loop
}
${o.extra ?? ''}
`;
}

export interface FirmwareRun {
  machine: Machine;
  model: ScenarioModel;
  /** x0–x3 after each driver call. */
  results: bigint[][];
  /** x0–x3 after each partition call. */
  spResults: bigint[][];
}

function read64(m: Machine, pa: number): bigint {
  return (BigInt(m.physical.readU32(pa + 4)) << 32n) | BigInt(m.physical.readU32(pa));
}

export function readResults(m: Machine, base: number, n: number): bigint[][] {
  const out: bigint[][] = [];
  for (let i = 0; i < n; i++) out.push([0, 1, 2, 3].map((k) => read64(m, base + i * 32 + k * 8)));
  return out;
}

export function runText(text: string, opts: MachineOptions = {}): { machine: Machine; model: ScenarioModel } {
  const model = parseScenario(text, 'test.armscope');
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`scenario errors: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}`);
  const machine = Machine.create(model, opts);
  machine.run();
  return { machine, model };
}

export function runFirmware(o: FirmwareTestOptions, opts: MachineOptions = {}): FirmwareRun {
  const { machine, model } = runText(firmwareScenario(o), opts);
  return { machine, model, results: readResults(machine, RESULTS, o.calls.length), spResults: readResults(machine, SP_RESULTS, o.spCalls?.length ?? 0) };
}

/** An FFA_ERROR result with code `code`. */
export function isError(r: bigint[], code: bigint): boolean {
  return r[0] === FID.ERROR && r[2] === code;
}
