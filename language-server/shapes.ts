/**
 * The params shape of every method the server handles (params.ts builds
 * them): LSP requests and notifications, the custom `armscope/*` requests
 * and the library-handled lifecycle methods.
 */
import { MAX_CODE_ACTION_DIAGNOSTICS, MAX_CONTENT_CHANGES, MAX_DECODE_TEXT, MAX_STEPS_LIMIT, MAX_TAB_SIZE, MIN_TAB_SIZE } from './limits';
import {
  anything,
  arrayOf,
  boolean,
  integer,
  object,
  oneOf,
  optional,
  position,
  range,
  registerName,
  string,
  textDocumentIdentifier,
  textDocumentOnly,
  textDocumentPosition,
  uri,
  type Shape,
} from './params';

const MAX_TEXT = Number.MAX_SAFE_INTEGER; // document texts: sized by the document store (limits.ts), not refused here
const version = integer(-2_147_483_648, 2_147_483_647);

export const didOpen = object({ textDocument: object({ uri, languageId: string(100), version, text: string(MAX_TEXT) }) });
export const contentChange = object({ range: optional(range), text: string(MAX_TEXT) });
export const didChange = object({ textDocument: object({ uri, version }), contentChanges: arrayOf(contentChange, MAX_CONTENT_CHANGES) });
export const didClose = textDocumentOnly;
export const didChangeConfiguration = object({ settings: anything });
export const anyObject = object({});

export const hover = textDocumentPosition;
export const completion = textDocumentPosition;
export const definition = textDocumentPosition;
export const documentHighlight = textDocumentPosition;
export const references = object({ textDocument: textDocumentIdentifier, position, context: object({ includeDeclaration: boolean }) });
export const documentSymbol = textDocumentOnly;
export const foldingRange = textDocumentOnly;
export const semanticTokensFull = textDocumentOnly;
export const semanticTokensDelta = object({ textDocument: textDocumentIdentifier, previousResultId: string(100) });

/** A diagnostic as the client echoes it in a code-action request: the fields the quick fixes read. */
export const diagnostic = object({
  range,
  message: string(100_000),
  severity: optional(integer(1, 4)),
  code: optional((x: unknown, path: string) => (typeof x === 'number' ? integer(-2_147_483_648, 2_147_483_647)(x, path) : string(200)(x, path))),
  source: optional(string(200)),
  data: anything,
});
export const codeAction = object({
  textDocument: textDocumentIdentifier,
  range,
  context: object({ diagnostics: arrayOf(diagnostic, MAX_CODE_ACTION_DIAGNOSTICS) }),
});
export const formatting = object({
  textDocument: textDocumentIdentifier,
  options: object({ tabSize: integer(MIN_TAB_SIZE, MAX_TAB_SIZE), insertSpaces: boolean }),
});

export const cacheModel = oneOf(['scenario', 'on', 'off'] as const);
export const run = object({ uri, maxSteps: optional(integer(1, MAX_STEPS_LIMIT)), cacheModel: optional(cacheModel) });
export const check = object({ uri });
export const decode = object({ uri, position, text: optional(string(MAX_DECODE_TEXT)), register: optional(registerName) });
/** A progress token (LSP `ProgressToken`: integer or string). */
export const progressToken: Shape<string | number> = (x, path) => (typeof x === 'number' ? integer(-2_147_483_648, 2_147_483_647)(x, path) : string(200)(x, path));
export const explore = object({ uri, cacheModel: optional(cacheModel), workDoneToken: optional(progressToken) });
export const witness = object({ uri, version, outcome: integer(0, 1_000_000_000) });
export const codeLens = textDocumentOnly;
/** `armscope/registers` takes no params (anything sent is ignored). */
export const none: Shape<undefined> = () => undefined;

/** Lifecycle methods the vscode-languageserver library handles, with the fields it reads. */
export const LIBRARY_METHODS: Record<string, Shape<unknown>> = {
  initialize: object({
    processId: optional(integer(0, 2_147_483_647)),
    capabilities: anyObject,
    trace: optional(string(20)),
    initializationOptions: anything,
  }),
  '$/setTrace': object({ value: string(20) }),
  'window/workDoneProgress/cancel': object({ token: anything }),
  'workspace/didChangeWorkspaceFolders': object({ event: anything }),
};
