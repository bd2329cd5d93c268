/**
 * Stack frames of a stopped PE and the ids that name them.
 *
 * Frames are the current instruction, then the PE's call chain (FF-A calls
 * and exceptions, simulator/engine/callChain.ts), each a label frame followed
 * by the caller's code frame. A code frame says where it runs the way
 * firmware engineers say it — `S-EL1 optee`, `NS-EL1`, `S-EL2`, `EL3` — so the
 * partition shows even where the client hides the thread name (one PE).
 *
 * Ids stay valid until the next resume: every stackTrace request of one stop
 * gets the same frames and ids. Ids are never reused, so a request for a
 * frame of an earlier stop (a client still rendering it while the user steps
 * fast) is recognised as stale and answered politely, not with another
 * stop's frame or an error dialog.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { callChain, type ChainEntry } from '../simulator/engine/callChain';
import type { Machine } from '../simulator/engine/machine';
import type { Firmware } from '../simulator/firmware/firmware';
import { endpointOn, partitionName } from '../simulator/firmware/query';
import { runsAt, worldEl } from '../simulator/firmware/view';
import type { Pe } from '../simulator/pe/pe';
import { hex } from '../simulator/util/hex';

export interface FrameRef {
  pe: number;
  /** Chain index: -1 for the current instruction (and the labels of what the next step does). */
  index: number;
}

export type FrameLookup = { kind: 'live'; frame: FrameRef } | { kind: 'stale' } | { kind: 'unknown' };

export class FrameTable {
  private frames = new Map<number, FrameRef>();
  private traces = new Map<number, DebugProtocol.StackFrame[]>();
  private next = 1;

  /** The machine moved: every frame id so far is stale. */
  reset(): void {
    this.frames.clear();
    this.traces.clear();
  }

  resolve(id: number): FrameLookup {
    const f = this.frames.get(id);
    if (f) return { kind: 'live', frame: f };
    return id > 0 && id < this.next ? { kind: 'stale' } : { kind: 'unknown' };
  }

  /** PE `pe`'s frames at this stop (built once per stop). */
  stackTrace(pe: number, build: (newId: (index: number) => number) => DebugProtocol.StackFrame[]): DebugProtocol.StackFrame[] {
    let t = this.traces.get(pe);
    if (!t) {
      t = build((index) => {
        const id = this.next++;
        this.frames.set(id, { pe, index });
        return id;
      });
      this.traces.set(pe, t);
    }
    return t;
  }
}

/** A code frame's PC as an instruction reference (64-bit, from the sign-extended VA form). */
export function pcText(pc: number): string {
  return hex(pc < 0 ? BigInt.asUintN(64, BigInt(pc)) : pc);
}

/** Where the caller of a chain entry ran: `NS-EL1`, `S-EL1 optee`, `EL3`. */
function callerAt(pe: Pe, fw: Firmware | undefined, e: ChainEntry): string {
  const el = e.fromEl;
  if (el === undefined) return '?';
  if (e.kind === 'ffa') {
    const world = el === 3 ? 'EL3' : `${e.secure ? 'S' : 'NS'}-EL${el}`;
    const caller = e.ffa?.caller;
    const partition = fw && caller !== undefined && e.secure ? partitionName(fw, caller) : undefined;
    return partition !== undefined ? `${world} ${partition}` : world;
  }
  // An exception of the live context: taken from the code the current endpoint runs.
  const world = worldEl(pe, el);
  const partition = fw && el <= 1 && world.startsWith('S-') ? endpointOn(fw, pe.id).partition : undefined;
  return partition !== undefined ? `${world} ${partition}` : world;
}

export interface FrameMaker {
  /** A frame with source location and instruction reference for `pc` (line: 0-based, when known). */
  code(id: number, name: string, pc: number, line: number | undefined): DebugProtocol.StackFrame;
  label(id: number, name: string): DebugProtocol.StackFrame;
}

/**
 * PE `peId`'s frames, innermost first: labels for what the next step does
 * (a stop shown before its step), the current instruction, then each chain
 * entry as a label and its caller's code frame.
 */
export function buildFrames(machine: Machine, peId: number, pending: string[], newId: (index: number) => number, make: FrameMaker): DebugProtocol.StackFrame[] {
  const pe = machine.pes[peId];
  const fw = machine.firmware;
  const frames: DebugProtocol.StackFrame[] = [];
  for (const p of pending) frames.push(make.label(newId(-1), p));
  const text = machine.instrAt(pe.pc)?.text ?? '(no code)';
  frames.push(make.code(newId(-1), `${text}  [${runsAt(pe, fw)} ${pcText(pe.pc)}]`, pe.pc, machine.lineOfPc(pe.pc)));
  callChain(machine, peId).forEach((e, i) => {
    frames.push(make.label(newId(i), e.label));
    if (e.pc !== undefined) {
      const caller = machine.instrAt(e.pc)?.text ?? '';
      frames.push(make.code(newId(i), `${caller}  [${callerAt(pe, fw, e)} ${pcText(e.pc)}]`, e.pc, e.line));
    }
  });
  return frames;
}
