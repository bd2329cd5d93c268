/**
 * The `ffa_descriptor` block: lays out an FF-A memory transaction descriptor
 * (docs/firmware.md "Descriptors in memory") in the initial memory image, e.g.
 * in an endpoint's TX buffer:
 *
 *   ffa_descriptor share_req at DRIVER_TX {
 *     sender 0x0000
 *     receiver 0x8001 rw nx        // one line per receiver: data ro|rw, instruction nx|x (omit: not specified)
 *     attributes normal_wb ish     // normal_wb ish | device_ngnrne | none
 *     pages 0x8810_0000 1          // one line per constituent: address, 4 KB page count
 *     flags 0                      // optional; `type share|lend|donate` sets retrieve flags [4:3]
 *     handle 0                     // optional (a retrieve request names the handle)
 *     tag 0
 *   }
 *
 * The encoding is the one the SPMC parses (descriptors.ts, FF-A v1.1 layout);
 * its length is 48 + 16·receivers (+ 16 + 16·constituents when pages are given).
 */
import { evaluateExpression } from '../isa/expr';
import type { LanguageExtension } from '../scenario/keywords';
import { hex } from '../util/hex';
import type { Diagnostic, GenericBlock, ScenarioModel, SourceRange } from '../scenario/model';
import { encodeMemoryTransaction, ATTR_NORMAL_WB_ISH, TRANSACTION_TYPE_CODE, type Receiver, type Constituent } from './descriptors';

/** The `ffa_descriptor` block (encoded into the initial image by the firmware layer's pass). */
export const FFA_DESCRIPTOR_LANGUAGE: LanguageExtension = { name: 'ffa_descriptor', blocks: ['ffa_descriptor'] };

const applied = new WeakSet<ScenarioModel>();

type Word = { text: string; range: SourceRange };

/**
 * The value of a field word, within [min, max] (the width of its field in the
 * descriptor, FF-A v1.1 §5.11–5.12): anything else is a diagnostic at the
 * word, never a silent mask or an exception in the encoder.
 */
function value(model: ScenarioModel, w: Word | undefined, what: string, at: SourceRange, out: Diagnostic[], max: bigint): bigint | undefined {
  if (!w) {
    out.push({ range: at, severity: 'error', message: `ffa_descriptor: expected ${what}`, rule: 'ffa-descriptor' });
    return undefined;
  }
  const r = evaluateExpression(w.text, (n) => model.symbols.get(n)?.value ?? model.constants.get(n)?.value);
  if ('error' in r) {
    out.push({ range: w.range, severity: 'error', message: `ffa_descriptor: ${what}: ${r.error}`, rule: 'ffa-descriptor' });
    return undefined;
  }
  if (r.value < 0n || r.value > max) {
    const show = (v: bigint): string => (v >= 0n && v <= 0xffffn ? v.toString() : hex(v < 0n ? -v : v));
    out.push({ range: w.range, severity: 'error', message: `ffa_descriptor: ${what} ${r.value < 0n ? '-' : ''}${show(r.value)} is out of range (0 to ${hex(max)})`, rule: 'ffa-descriptor' });
    return undefined;
  }
  return r.value;
}

const U16 = 0xffffn;
const U32 = 0xffff_ffffn;
const U64 = 0xffff_ffff_ffff_ffffn;
/** Addresses are physical (or intermediate physical) addresses: 52 bits at most (Arm ARM D8.1), exact as JS numbers. */
const ADDRESS = (1n << 52n) - 1n;

/** Encode one block; pushes diagnostics; returns the address and bytes. */
export function encodeDescriptorBlock(model: ScenarioModel, b: GenericBlock, out: Diagnostic[]): { address: number; bytes: Uint8Array } | undefined {
  const a = b.args;
  const err = (range: SourceRange, message: string): void => void out.push({ range, severity: 'error', message: `ffa_descriptor: ${message}`, rule: 'ffa-descriptor' });
  const atIdx = a.findIndex((w) => w.text.toLowerCase() === 'at');
  if (atIdx < 0) {
    err(b.range, 'expected `ffa_descriptor NAME at ADDRESS { … }`');
    return undefined;
  }
  const address = value(model, a[atIdx + 1], 'address', a[atIdx].range, out, ADDRESS);
  if (address === undefined) return undefined;
  let sender = 0;
  let attributes = ATTR_NORMAL_WB_ISH;
  let flags = 0;
  let handle = 0n;
  let tag = 0n;
  const receivers: Receiver[] = [];
  const constituents: Constituent[] = [];
  for (const st of b.body) {
    const [k, ...rest] = st.words;
    if (!k) continue;
    switch (k.text.toLowerCase()) {
      case 'sender':
        sender = Number(value(model, rest[0], 'sender ID', k.range, out, U16) ?? 0n);
        break;
      case 'receiver': {
        const id = Number(value(model, rest[0], 'receiver ID', k.range, out, U16) ?? 0n);
        let perm = 0;
        for (const w of rest.slice(1)) {
          const t = w.text.toLowerCase();
          if (t === 'ro') perm |= 1;
          else if (t === 'rw') perm |= 2;
          else if (t === 'nx') perm |= 1 << 2;
          else if (t === 'x') perm |= 2 << 2;
          else err(w.range, `unknown permission '${w.text}' (ro, rw, nx, x)`);
        }
        receivers.push({ id, permissions: perm, flags: 0 });
        break;
      }
      case 'attributes': {
        const t = rest.map((w) => w.text.toLowerCase()).join(' ');
        if (t === 'normal_wb ish') attributes = 0x2f;
        else if (t === 'normal_wb osh') attributes = 0x2e;
        else if (t === 'normal_wb nsh') attributes = 0x2c;
        else if (t === 'normal_nc ish' || t === 'normal_nc') attributes = 0x27;
        else if (t === 'device_ngnrne') attributes = 0x10;
        else if (t === 'device_ngnre') attributes = 0x14;
        else if (t === 'none') attributes = 0;
        else if (rest[0]) attributes = Number(value(model, rest[0], 'attributes', k.range, out, U16) ?? 0n);
        break;
      }
      case 'pages': {
        const addr = value(model, rest[0], 'constituent address', k.range, out, ADDRESS);
        const n = value(model, rest[1], 'page count', k.range, out, U32);
        if (addr !== undefined && n !== undefined) constituents.push({ address: Number(addr), pages: Number(n) });
        break;
      }
      case 'flags':
        flags = Number(value(model, rest[0], 'flags', k.range, out, U32) ?? 0n);
        break;
      case 'type': {
        const t = rest[0]?.text.toLowerCase();
        if (t === 'share' || t === 'lend' || t === 'donate') flags = (flags & ~0x18) | (TRANSACTION_TYPE_CODE[t] << 3);
        else err(rest[0]?.range ?? k.range, 'type: share, lend or donate');
        break;
      }
      case 'handle':
        handle = value(model, rest[0], 'handle', k.range, out, U64) ?? 0n;
        break;
      case 'tag':
        tag = value(model, rest[0], 'tag', k.range, out, U64) ?? 0n;
        break;
      default:
        err(k.range, `unknown field '${k.text}' (sender, receiver, attributes, pages, flags, type, handle, tag)`);
    }
  }
  if (receivers.length === 0) err(b.range, 'at least one `receiver ID PERMISSIONS` line is needed');
  return { address: Number(address), bytes: encodeMemoryTransaction({ sender, attributes, flags, handle, tag, receivers, constituents }) };
}

/** Scenario pass: place every `ffa_descriptor` into the initial image (idempotent per model). */
export function applyDescriptorBlocks(model: ScenarioModel): void {
  if (applied.has(model)) return;
  applied.add(model);
  for (const b of model.blocks) {
    if (b.keyword !== 'ffa_descriptor') continue;
    const enc = encodeDescriptorBlock(model, b, model.diagnostics);
    if (enc) model.program.chunks.push({ address: enc.address, bytes: enc.bytes, line: b.range.start.line });
  }
}
