/**
 * The built-in firmware's run-time state, as plain data: everything here is
 * deep-copied by `structuredClone` for checkpoints (time travel).
 */
import type { SavedContext } from './context';
import type { TablePoolState, TableTreeState } from './tables';
import type { TransactionType } from './descriptors';

/** A 64-bit value as plain `0x…` text (no `_` grouping: `BigInt()` reads it back). */
export function h64(x: bigint | number): string {
  return '0x' + BigInt.asUintN(64, BigInt(x)).toString(16);
}

/** Who owns the PE's live register state. */
export type EndpointRef = { kind: 'nwd' } | { kind: 'sp'; part: number; vcpu: number };

/**
 * vCPU states (Hafnium inc/hf/vcpu.h, FF-A v1.1 §4.10 "Partition runtime models"):
 * off (not booted), running, waiting (FFA_MSG_WAIT: can take a direct request),
 * blocked (made a direct request to another SP), preempted (interrupted; resumed
 * by FFA_RUN or when the interrupt work is done), aborted.
 */
export type VcpuRunState = 'off' | 'running' | 'waiting' | 'blocked' | 'preempted' | 'aborted';

export interface VcpuState {
  state: VcpuRunState;
  ctx?: SavedContext;
  /** PE it runs on (or last ran on). */
  pe: number;
  /** Virtual INTIDs pending (injected, not yet fetched with HF_INTERRUPT_GET), in arrival order. */
  pendingVirq: number[];
  /** Fetched with HF_INTERRUPT_GET and not yet deactivated. */
  activeVirq: number[];
  /** INTIDs the partition enabled with HF_INTERRUPT_ENABLE. */
  enabledVirq: number[];
  /** ffa_interrupt mode: the DIRECT_RESP intercepted because of a pending interrupt, replayed at FFA_MSG_WAIT. */
  intercepted?: string[];
  /** A managed exit is in progress: the SP must answer with FFA_MSG_SEND_DIRECT_RESP. */
  managedExit?: { pmr: number };
  /** Gave the CPU back with FFA_YIELD: FFA_RUN resumes it with FFA_SUCCESS as the result of that call. */
  yielded?: boolean;
  /** Resumed to handle a secure interrupt while waiting: FFA_MSG_WAIT goes back to whoever it preempted. */
  interruptRun?: boolean;
}

export interface RxTxState {
  tx: number;
  rx: number;
  pages: number;
  /** The RX buffer holds a message for the endpoint (owned by it until FFA_RX_RELEASE). */
  rxFull: boolean;
}

export interface NotificationState {
  /** For a receiver: bound bit → sender ID, as [bit, sender] pairs. */
  bindings: [number, number][];
  /** Pending bitmaps by origin: from SPs, from VMs (Normal world), from the framework (SPM). */
  pendingSp: string;
  pendingVm: string;
  pendingSpm: string;
  created: boolean;
}

export interface PartitionState {
  vcpus: VcpuState[];
  s2?: TableTreeState;
  /** S-EL0 partitions: the EL2&0 stage-1 table TTBR0_EL2 points to. */
  s1?: TableTreeState;
  rxtx?: RxTxState;
  version: number;
  notifications: NotificationState;
}

/** One FF-A call in progress on a PE (the call chain): a direct request, a RUN, an interrupt that preempted an endpoint. */
export interface CallFrame {
  kind: 'direct-req' | 'run' | 'interrupt' | 'forward';
  caller: number;
  callee: number;
  /** Caller's endpoint reference, to resume it. */
  callerRef: EndpointRef;
  fid: number;
  name: string;
  /** x1…x7 as hex strings (bigints do not survive every consumer; views parse them back). */
  args: string[];
  pc: number;
  line?: number;
  el: number;
  secure: boolean;
  step: number;
}

export interface MemoryShareState {
  handle: string;
  type: TransactionType;
  sender: number;
  attributes: number;
  flags: number;
  tag: string;
  receivers: { id: number; permissions: number; retrieved: number }[];
  constituents: { address: number; pages: number }[];
}

export interface PeFirmwareState {
  current: EndpointRef;
  nwdCtx?: import('./context').SavedContext;
  chain: CallFrame[];
  /** `spmc none`: the scenario's SPMC at S-EL2 on this PE — its saved context while the Normal world runs. */
  userSpmc?: { ctx?: import('./context').SavedContext; running: boolean; booted: boolean };
  /** ICC_PMR_EL1 to put back when the Normal world resumes (the SPMC masked Non-secure interrupts). */
  pmrRestore?: number;
  /** Partitions (index, vcpu) still to boot on this PE, in order. */
  boot: [number, number][];
}

/** One call the firmware handled, for reports (the `ffa-call` trace event as plain data). */
export interface FirmwareCallRecord {
  step: number;
  pe: number;
  line?: number;
  function: string;
  caller: number;
  callee?: number;
  /** x1… as `0x…` text. */
  args: string[];
  result: string;
  /** What the firmware did for the call (the handle it mapped, the message it delivered). */
  detail?: string;
}

export interface FirmwareState {
  pes: PeFirmwareState[];
  partitions: PartitionState[];
  nwd: { rxtx?: RxTxState; version: number; notifications: NotificationState };
  pool: TablePoolState;
  shares: MemoryShareState[];
  nextHandle: number;
  /** Partition vCPUs ("part:vcpu") that reached FFA_MSG_WAIT once: initialisation is over. */
  waited: string[];
  /** The last calls handled (at most CALL_LOG_LIMIT), oldest first. */
  log: FirmwareCallRecord[];
  /** FF-A calls handled so far (for the call log and livelock reports). */
  calls: number;
}
