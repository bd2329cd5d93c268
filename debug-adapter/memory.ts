/**
 * Memory references and the requests that take them (readMemory,
 * disassemble, instruction breakpoints).
 *
 * A reference is `main:0x…` (main memory, below every cache), `peN:0x…` (what
 * PE N's loads would return through its caches) or a bare address (main).
 * Addresses are exact 64-bit values at this boundary (BigInt): `-1` is
 * 0xffff_ffff_ffff_ffff (two's complement, as a debugger shows a negative
 * register), anything at or past 2^64 is refused. Bytes past the physical
 * address space (2^52, simulator/memory/physical.ts) are unreadable.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Machine } from '../simulator/engine/machine';
import { readMemoryView } from '../simulator/engine/evaluate';
import { decodeInstruction } from '../simulator/isa/decode';
import { PA_LIMIT } from '../simulator/memory/physical';
import { hex, parseInteger } from '../simulator/util/hex';
import { RequestError, shown } from './errors';
import { MAX_DISASSEMBLE_INSTRUCTIONS, MAX_READ_MEMORY_BYTES } from './limits';

export type MemoryViewName = 'main' | { pe: number };

export interface MemoryReference {
  /** 0 ≤ address < 2^64. */
  address: bigint;
  view: MemoryViewName;
}

const TWO_64 = 1n << 64n;
const PA_END = BigInt(PA_LIMIT);

/** A 64-bit address from text: decimal, 0x…, 0b…, `_` groups; negatives down to −2^63 wrap to two's complement. */
export function parseAddress(text: string, what = 'address'): bigint {
  const v = parseInteger(text.trim());
  if (v === undefined) throw new RequestError(`${what} ${shown(text)} is not a number`);
  if (v >= TWO_64) throw new RequestError(`${what} ${hex(v)} is past 2^64`);
  if (v < -(1n << 63n)) throw new RequestError(`${what} ${shown(text)} is below -2^63`);
  return BigInt.asUintN(64, v);
}

/** `main:0x…`, `peN:0x…` or a bare address; throws a RequestError that names the reference. */
export function parseMemoryReference(ref: string): MemoryReference {
  const m = /^\s*(?:(main|pe(\d{1,3})):)?(.+)$/.exec(ref);
  if (!m) throw new RequestError(`memoryReference ${shown(ref)}: expected main:0x…, peN:0x… or an address`);
  const address = parseAddress(m[3], `memoryReference ${shown(ref)}: address`);
  return { address, view: m[2] !== undefined ? { pe: Number(m[2]) } : 'main' };
}

/**
 * An address in a protocol field the client parses as a number (DAP
 * `DisassembledInstruction.address`, `ReadMemoryResponse.address`: "treated as
 * a hex value if prefixed with 0x"). VS Code reads it with `BigInt()`, which
 * rejects `_` groups: plain hex here, grouped hex everywhere users read text.
 */
export function protocolHex(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

export function formatMemoryReference(view: MemoryViewName, address: bigint | number): string {
  return `${typeof view === 'object' ? `pe${view.pe}` : 'main'}:${hex(BigInt.asUintN(64, BigInt(address)))}`;
}

/** The reference moved by a signed byte offset, which must stay within 0…2^64. */
export function offsetAddress(base: bigint, offset: number | undefined, what: string): bigint {
  const a = base + BigInt(offset ?? 0);
  if (a < 0n || a >= TWO_64) throw new RequestError(`${what} ${offset} moves ${hex(base)} outside 0…2^64`);
  return a;
}

function checkView(machine: Machine, view: MemoryViewName): void {
  if (typeof view === 'object' && !machine.pes[view.pe]) throw new RequestError(`memoryReference names PE ${view.pe}; the scenario has ${machine.pes.length} PE(s)`);
}

/**
 * DAP readMemory: at most MAX_READ_MEMORY_BYTES from `memoryReference + offset`,
 * never past 2^64; bytes past the physical address space are unreadable.
 */
export function readMemory(machine: Machine, args: DebugProtocol.ReadMemoryArguments): DebugProtocol.ReadMemoryResponse['body'] {
  const ref = parseMemoryReference(args.memoryReference);
  checkView(machine, ref.view);
  const base = offsetAddress(ref.address, args.offset, 'offset');
  const wanted = BigInt(Math.min(args.count, MAX_READ_MEMORY_BYTES));
  const count = Number(wanted < TWO_64 - base ? wanted : TWO_64 - base);
  const readable = base >= PA_END ? 0 : Math.min(count, Number(PA_END - base));
  const bytes = Buffer.alloc(readable);
  const pa = Number(base);
  for (let i = 0; i < readable; i++) bytes[i] = Number(readMemoryView(machine, pa + i, 1, ref.view));
  const body: DebugProtocol.ReadMemoryResponse['body'] = { address: protocolHex(base), data: bytes.toString('base64') };
  if (readable < count) body.unreadableBytes = count - readable;
  return body;
}

/** Labels by address, for `resolveSymbols`. */
function labelsOf(machine: Machine): Map<number, string> {
  const labels = new Map<number, string>();
  for (const s of machine.model.symbols.values()) if (s.kind === 'label' && s.value !== undefined) labels.set(Number(BigInt.asUintN(64, s.value)), s.name);
  return labels;
}

/**
 * DAP disassemble: `instructionCount` instructions from `memoryReference +
 * offset + 4 × instructionOffset`. At most MAX_DISASSEMBLE_INSTRUCTIONS per
 * request (larger requests are refused: page with `instructionOffset`);
 * addresses outside 0…2^64 or the physical address space are `invalid`.
 */
export function disassemble(
  machine: Machine,
  args: DebugProtocol.DisassembleArguments,
  where: (pa: number) => { line?: number },
): DebugProtocol.DisassembledInstruction[] {
  if (args.instructionCount > MAX_DISASSEMBLE_INSTRUCTIONS)
    throw new RequestError(`instructionCount ${args.instructionCount.toLocaleString('en')} is above the limit of ${MAX_DISASSEMBLE_INSTRUCTIONS.toLocaleString('en')} instructions per request (page with instructionOffset)`);
  const ref = parseMemoryReference(args.memoryReference);
  const start = ref.address + BigInt(args.offset ?? 0) + 4n * BigInt(args.instructionOffset ?? 0);
  const labels = args.resolveSymbols ? labelsOf(machine) : undefined;
  const out: DebugProtocol.DisassembledInstruction[] = [];
  for (let i = 0; i < args.instructionCount; i++) {
    const a = start + BigInt(i) * 4n;
    if (a < 0n || a + 4n > PA_END) {
      // Outside 0…2^64 the address wraps, so that it stays a number the client can parse.
      out.push({ address: protocolHex(a), instruction: '(no memory here)', presentationHint: 'invalid' });
      continue;
    }
    const pa = Number(a);
    const word = (machine.physical.readU32(pa) >>> 0);
    const instr = machine.instrAt(pa) ?? decodeInstruction(word, a);
    const d: DebugProtocol.DisassembledInstruction = {
      address: protocolHex(a),
      instructionBytes: word.toString(16).padStart(8, '0'),
      instruction: instr?.text ?? `.word ${hex(word)}`,
    };
    const label = labels?.get(pa);
    if (label !== undefined) d.symbol = label;
    const { line } = where(pa);
    if (line !== undefined) d.line = line;
    out.push(d);
  }
  return out;
}
