/**
 * Protocol fuzzing of the language server: fast-check generators of
 * messages for every method the server registers — well-formed params with
 * one field broken (null, missing, the wrong type, huge, negative, fractional),
 * or any JSON at all — and a driver that sends them to the server in this
 * process and checks the contract of issue #10 item 13: every request gets a
 * response, which is a result or InvalidParams/RequestCancelled (never an
 * internal error), nothing is logged as an error, and the server still
 * answers afterwards. Used by test/lsp/protocolFuzz.test.ts (fixed seed, a
 * few seconds, in `npm test`) and test/fuzz/lsp.campaign.ts (`npm run fuzz`).
 */
import fc from 'fast-check';
import { ErrorCodes, LSPErrorCodes } from 'vscode-languageserver/node';
import { MAX_OPEN_DOCUMENTS } from '../../language-server/limits';
import { startInProcess, type InProcessServer } from '../lsp/inProcess';

export const DOC_URI = 'file:///fuzz/doc.armscope';

/** A scenario the requests refer to (every feature has something to work on). */
export const DOC_TEXT = `scenario "fuzz"
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
}
const GUEST = 0x8800_0000
pe 0 {
  el 2
  entry start
  hcr_el2 = 0x8000_0000
}
code boot at 0x8000_0000 {
start:
    mov   x2, #3
    mov   x0, #0x80000000
    msr   hcr_el2, x0
    dbs   ish
    ldr   x1, =GUEST
loop:
    subs  x2, x2, #1
    b.ne  loop
    hlt   #0
}
expect {
  pe 0 x2 == 0
}
`;

/**
 * The document `armscope/explore` and `armscope/witness` name: DOC_TEXT without its error (an exploration
 * of a scenario with errors answers at once without exploring, and would leave the explorer unfuzzed).
 */
export const EXPLORE_URI = 'file:///fuzz/explore.armscope';
export const EXPLORE_TEXT = DOC_TEXT.replace('dbs   ish', 'dsb   ish');

const position = { line: 14, character: 6 };
const range = { start: { line: 14, character: 4 }, end: { line: 16, character: 9 } };
const td = { uri: DOC_URI };

/** Well-formed params of each method (the shapes of language-server/shapes.ts). */
export const TEMPLATES: Record<string, unknown> = {
  'textDocument/hover': { textDocument: td, position },
  'textDocument/completion': { textDocument: td, position },
  'textDocument/definition': { textDocument: td, position: { line: 20, character: 10 } },
  'textDocument/references': { textDocument: td, position: { line: 20, character: 10 }, context: { includeDeclaration: true } },
  'textDocument/documentHighlight': { textDocument: td, position },
  'textDocument/documentSymbol': { textDocument: td },
  'textDocument/foldingRange': { textDocument: td },
  'textDocument/semanticTokens/full': { textDocument: td },
  'textDocument/semanticTokens/full/delta': { textDocument: td, previousResultId: '1' },
  'textDocument/codeAction': {
    textDocument: td,
    range,
    context: {
      diagnostics: [
        { range: { start: { line: 16, character: 4 }, end: { line: 16, character: 7 } }, message: "unknown instruction 'dbs'; did you mean 'dsb'?", code: 'unknown-instruction', source: 'armscope', data: { suggestion: 'dsb' } },
        { range, message: 'x', source: 'armscope run', code: 'sysreg-without-isb', data: { fixLine: 15, insert: ['isb'] } },
      ],
    },
  },
  'textDocument/formatting': { textDocument: td, options: { tabSize: 4, insertSpaces: true } },
  'armscope/run': { uri: DOC_URI, maxSteps: 1_000 },
  'armscope/check': { uri: DOC_URI },
  'armscope/decode': { uri: DOC_URI, position, text: '0x8000_0000', register: 'hcr_el2' },
  'armscope/registers': {},
  'textDocument/codeLens': { textDocument: td },
  'armscope/explore': { uri: EXPLORE_URI, cacheModel: 'scenario', workDoneToken: 'fuzz' },
  'armscope/witness': { uri: EXPLORE_URI, version: 1, outcome: 0 },
  'textDocument/didOpen': { textDocument: { uri: 'file:///fuzz/other.armscope', languageId: 'armscope', version: 1, text: DOC_TEXT } },
  'textDocument/didChange': { textDocument: { uri: DOC_URI, version: 2 }, contentChanges: [{ range, text: 'nop' }] },
  'textDocument/didClose': { textDocument: { uri: 'file:///fuzz/other.armscope' } },
  'workspace/didChangeConfiguration': { settings: { armscope: { liveRun: false, maxSteps: 1_000 } } },
  initialized: {},
  '$/setTrace': { value: 'off' },
  '$/cancelRequest': { id: 1 },
};

/** Values that break a field: wrong types, out of range, huge, empty. */
export const FIXED_BREAKERS: readonly unknown[] = [null, undefined, true, false, 0, -1, 1.5, -0.5, 1e9, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, '', 'x', '0x10', 'a'.repeat(5_000), [], [null], {}, { line: 1 }];

const BREAKERS: fc.Arbitrary<unknown>[] = [
  fc.constantFrom(...FIXED_BREAKERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 20 }),
  fc.nat({ max: 200_000 }).map((n) => 'a'.repeat(n)),
  fc.jsonValue({ maxDepth: 3 }),
];

/** Every path to a field in a JSON value (objects and arrays). */
export function paths(x: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof x !== 'object' || x === null) return out;
  for (const [k, v] of Object.entries(x)) {
    const p = [...prefix, Array.isArray(x) ? Number(k) : k];
    out.push(p);
    paths(v, p, out);
  }
  return out;
}

/** `x` with the field at `path` replaced by `value` (deleted when undefined). */
export function replaced(x: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(x) as Record<string | number, unknown>;
  let obj = copy;
  for (const k of path.slice(0, -1)) obj = obj[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === undefined) delete obj[last];
  else obj[last] = value;
  return copy;
}

export interface Message {
  method: string;
  params: unknown;
  notification: boolean;
}

/** Messages for the given methods: a template with one field broken, the whole params replaced, or the template itself. */
export function messageArb(requests: readonly string[], notifications: readonly string[]): fc.Arbitrary<Message> {
  const method = fc.oneof(fc.constantFrom(...requests).map((m) => ({ m, notification: false })), fc.constantFrom(...notifications).map((m) => ({ m, notification: true })));
  return fc
    .tuple(method, fc.nat(), fc.oneof(...BREAKERS), fc.nat({ max: 9 }))
    .map(([{ m, notification }, pick, value, how]) => {
      const template = TEMPLATES[m] ?? {};
      let params: unknown;
      if (how === 0) params = value;
      else if (how === 1) params = template;
      else {
        const ps = paths(template);
        params = ps.length === 0 ? value : replaced(template, ps[pick % ps.length], value);
      }
      return { method: m, params, notification };
    });
}

/** Every single-field break of every template: each field of each method's params replaced by each fixed breaker. */
export function sweep(methods: readonly { method: string; notification: boolean }[]): Message[] {
  const out: Message[] = [];
  for (const { method, notification } of methods) {
    const template = TEMPLATES[method] ?? {};
    for (const value of FIXED_BREAKERS) {
      out.push({ method, params: value, notification });
      for (const p of paths(template)) out.push({ method, params: replaced(template, p, value), notification });
    }
  }
  return out;
}

export interface Outcome {
  /** Requests answered with a result or an accepted error. */
  answered: number;
  /** Contract violations: internal errors, errors logged, unexpected error codes. */
  crashes: string[];
  /** Requests without a response within the hang guard. */
  hangs: string[];
}

const ACCEPTED = new Set<number>([ErrorCodes.InvalidParams, LSPErrorCodes.RequestCancelled]);
const show = (m: Message) => JSON.stringify({ method: m.method, params: m.params }).slice(0, 300);

/** Send one message; a notification is followed by a cheap request, so the server has handled it when this returns. */
export async function exchange(s: InProcessServer, m: Message, hangMs: number, out: Outcome): Promise<void> {
  const logged = s.log.length;
  const internal = s.server.rpc.internalErrors;
  const send = m.notification ? s.client.sendNotification(m.method, m.params).then(() => s.client.sendRequest('armscope/registers')) : s.client.sendRequest(m.method, m.params);
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), hangMs)));
  try {
    const r = await Promise.race([send.then(() => 'ok' as const), guard]);
    if (r === 'hang') out.hangs.push(show(m));
    else out.answered++;
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (code !== undefined && ACCEPTED.has(code)) out.answered++;
    else out.crashes.push(`${show(m)} → ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (s.server.rpc.internalErrors !== internal) out.crashes.push(`${show(m)} → internal error`);
  for (const l of s.log.slice(logged)) if (l.type === 1) out.crashes.push(`${show(m)} → logged: ${l.message.slice(0, 300)}`);
}

/** A server with the fuzz document open (liveRun off: runs are fuzzed through armscope/run). */
export async function fuzzServer(): Promise<InProcessServer> {
  const s = await startInProcess({ liveRun: false, maxSteps: 1_000 });
  await s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: DOC_URI, languageId: 'armscope', version: 1, text: DOC_TEXT } });
  await s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: EXPLORE_URI, languageId: 'armscope', version: 1, text: EXPLORE_TEXT } });
  return s;
}

/** The URI a document notification names, if it names one. */
function uriOf(params: unknown): string | undefined {
  const td = (params as { textDocument?: { uri?: unknown } } | null | undefined)?.textDocument;
  return typeof td === 'object' && td !== null && typeof td.uri === 'string' ? td.uri : undefined;
}

/** Did the server refuse to open `uri` (its last diagnostics are the `too-many-documents` notice)? */
export function refused(s: InProcessServer, uri: string): boolean {
  const last = s.published.get(uri)?.at(-1);
  return last?.diagnostics.some((d) => (d as { code?: unknown }).code === 'too-many-documents') ?? false;
}

/**
 * The documents the fuzzing client has open, tracked as a real client tracks
 * them: every URI it sent a didOpen for (a superset of what the server
 * holds), forgotten on didClose. Like a user told that the server is full,
 * it closes its oldest half when the server refuses a document, and it never
 * keeps more than `max` open.
 */
export class ClientDocuments {
  private readonly uris = new Set<string>();
  /** Documents this client closed on its own, and refusals it was told of. */
  closed = 0;
  refusals = 0;

  constructor(
    private readonly s: InProcessServer,
    private readonly max = MAX_OPEN_DOCUMENTS + 100,
  ) {}

  get size(): number {
    return this.uris.size;
  }

  /** Note a message that was sent (and answered: exchange()). */
  async sent(m: Message): Promise<void> {
    const uri = uriOf(m.params);
    if (uri === undefined) return;
    if (m.method === 'textDocument/didOpen') {
      this.uris.delete(uri);
      this.uris.add(uri);
      if (refused(this.s, uri)) {
        this.refusals++;
        await this.closeOldest(Math.ceil(this.uris.size / 2));
      }
    } else if (m.method === 'textDocument/didClose') this.uris.delete(uri);
    if (this.uris.size > this.max) await this.closeOldest(this.uris.size - this.max);
  }

  /** Close the `n` oldest documents (the fuzz document stays: requests refer to it). */
  async closeOldest(n: number): Promise<void> {
    for (const uri of [...this.uris].filter((u) => u !== DOC_URI).slice(0, n)) {
      await this.s.client.sendNotification('textDocument/didClose', { textDocument: { uri } });
      this.uris.delete(uri);
      this.closed++;
    }
    // Handled once a request after them is answered.
    await this.s.client.sendRequest('armscope/registers');
  }
}

const FINAL_URI = 'file:///fuzz/final.armscope';

/**
 * Is the server still answering, and right? A fresh document is opened and
 * hovered. When the server refuses it because the client has too many open
 * (the bound is not a failure), the client closes what it has open, as a user
 * told so would, and opens it again. It is closed at the end.
 */
export async function stillAnswers(s: InProcessServer, docs?: ClientDocuments): Promise<boolean> {
  const open = async (): Promise<void> => {
    await s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: FINAL_URI, languageId: 'armscope', version: 1, text: DOC_TEXT } });
    await s.client.sendRequest('armscope/registers');
  };
  await open();
  if (refused(s, FINAL_URI) && docs) {
    await docs.closeOldest(docs.size);
    await open();
  }
  const h = await s.client.sendRequest<{ contents?: { value?: string } } | null>('textDocument/hover', { textDocument: { uri: FINAL_URI }, position: { line: 14, character: 5 } });
  await s.client.sendNotification('textDocument/didClose', { textDocument: { uri: FINAL_URI } });
  await s.client.sendRequest('armscope/registers');
  return typeof h?.contents?.value === 'string' && h.contents.value.startsWith('**mov**');
}
