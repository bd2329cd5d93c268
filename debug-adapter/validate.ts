/**
 * Argument checks for every DAP request the adapter serves, before any
 * handler runs: a missing, mistyped or out-of-range argument is answered with
 * one line naming it (`next: threadId must be an integer (got "1")`), so no
 * handler ever sees a shape the protocol (DAP specification, "Requests") does
 * not allow. Checks that need the session (does the thread exist?) are the
 * handlers'.
 */
import { RequestError, shown } from './errors';
import { MAX_BREAKPOINTS_PER_REQUEST, MAX_TEXT_LENGTH } from './limits';

type Spec = (v: unknown, path: string) => void;
interface Field {
  spec: Spec;
  required: boolean;
}

function bad(path: string, what: string, v: unknown): RequestError {
  return new RequestError(`${path || 'arguments'} must be ${what} (got ${shown(v)})`);
}

const integer =
  (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Spec =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(path, 'an integer', v);
    if (v < min || v > max) throw new RequestError(`${path} ${v} is out of range (${min}…${max})`);
  };

const boolean: Spec = (v, path) => {
  if (typeof v !== 'boolean') throw bad(path, 'true or false', v);
};

const text =
  (max = MAX_TEXT_LENGTH): Spec =>
  (v, path) => {
    if (typeof v !== 'string') throw bad(path, 'a string', v);
    if (v.length > max) throw new RequestError(`${path} is ${v.length} characters long; at most ${max}`);
  };

const oneOf =
  (...values: string[]): Spec =>
  (v, path) => {
    if (typeof v !== 'string' || !values.includes(v)) throw bad(path, `one of ${values.join(', ')}`, v);
  };

const list =
  (item: Spec, max = MAX_BREAKPOINTS_PER_REQUEST): Spec =>
  (v, path) => {
    if (!Array.isArray(v)) throw bad(path, 'a list', v);
    if (v.length > max) throw new RequestError(`${path} has ${v.length} entries; at most ${max} per request`);
    v.forEach((x, i) => item(x, `${path}[${i}]`));
  };

/** Any JSON value (fields the adapter ignores, e.g. `format`). */
const any: Spec = () => undefined;

function object(fields: Record<string, Field>): Spec {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(path, 'an object', v);
    const o = v as Record<string, unknown>;
    for (const [name, f] of Object.entries(fields)) {
      const x = o[name];
      const p = path ? `${path}.${name}` : name;
      // JSON clients send null for "absent" optional fields.
      if (x === undefined || x === null) {
        if (f.required) throw new RequestError(`${p} is missing`);
        continue;
      }
      f.spec(x, p);
    }
  };
}

const req = (spec: Spec): Field => ({ spec, required: true });
const opt = (spec: Spec): Field => ({ spec, required: false });

const INT = integer();
const COUNT = integer(0, 2 ** 31 - 1);
const ID = integer(0, 2 ** 31 - 1);
const LINE = integer(0, 10_000_000);
const TEXT = text();
const source = object({ path: opt(TEXT), name: opt(TEXT), sourceReference: opt(INT) });
const step = { threadId: req(ID), singleThread: opt(boolean), granularity: opt(oneOf('statement', 'line', 'instruction')), targetId: opt(INT) };
const condition = { condition: opt(TEXT), hitCondition: opt(TEXT) };

/** The arguments each request takes (DAP specification); commands not listed take none the adapter reads. */
const REQUESTS: Record<string, Record<string, Field>> = {
  initialize: {
    adapterID: opt(TEXT),
    clientID: opt(TEXT),
    clientName: opt(TEXT),
    locale: opt(TEXT),
    linesStartAt1: opt(boolean),
    columnsStartAt1: opt(boolean),
    pathFormat: opt(TEXT),
    supportsProgressReporting: opt(boolean),
    supportsInvalidatedEvent: opt(boolean),
  },
  disconnect: { restart: opt(boolean), terminateDebuggee: opt(boolean), suspendDebuggee: opt(boolean) },
  terminate: { restart: opt(boolean) },
  setBreakpoints: { source: req(source), breakpoints: opt(list(object({ line: req(LINE), column: opt(LINE), logMessage: opt(TEXT), ...condition }))), lines: opt(list(LINE)), sourceModified: opt(boolean) },
  setFunctionBreakpoints: { breakpoints: req(list(object({ name: req(TEXT), ...condition }))) },
  setExceptionBreakpoints: { filters: req(list(TEXT, 100)), filterOptions: opt(list(object({ filterId: req(TEXT), condition: opt(TEXT) }), 100)), exceptionOptions: opt(any) },
  setInstructionBreakpoints: { breakpoints: req(list(object({ instructionReference: req(TEXT), offset: opt(INT), ...condition }))) },
  setDataBreakpoints: { breakpoints: req(list(object({ dataId: req(TEXT), accessType: opt(oneOf('read', 'write', 'readWrite')), ...condition }))) },
  dataBreakpointInfo: { variablesReference: opt(ID), name: req(TEXT), frameId: opt(ID), bytes: opt(integer(1, 4096)), asAddress: opt(boolean), mode: opt(TEXT) },
  breakpointLocations: { source: req(source), line: req(LINE), column: opt(LINE), endLine: opt(LINE), endColumn: opt(LINE) },
  continue: { threadId: req(ID), singleThread: opt(boolean) },
  next: step,
  stepIn: step,
  stepOut: step,
  stepBack: step,
  reverseContinue: { threadId: req(ID), singleThread: opt(boolean) },
  pause: { threadId: req(ID) },
  stackTrace: { threadId: req(ID), startFrame: opt(COUNT), levels: opt(COUNT), format: opt(any) },
  scopes: { frameId: req(ID) },
  variables: { variablesReference: req(ID), filter: opt(oneOf('indexed', 'named')), start: opt(COUNT), count: opt(COUNT), format: opt(any) },
  setVariable: { variablesReference: req(ID), name: req(TEXT), value: req(TEXT), format: opt(any) },
  evaluate: { expression: req(TEXT), frameId: opt(ID), context: opt(TEXT), format: opt(any) },
  exceptionInfo: { threadId: req(ID) },
  readMemory: { memoryReference: req(TEXT), offset: opt(INT), count: req(COUNT) },
  disassemble: { memoryReference: req(TEXT), offset: opt(INT), instructionOffset: opt(INT), instructionCount: req(COUNT), resolveSymbols: opt(boolean) },
  'armscope/cacheTimeline': { toEnd: opt(boolean) },
  'armscope/pageTables': { threadId: opt(ID) },
};

/** Requests whose capability the adapter does not announce: answered with an error saying so. */
export const UNSUPPORTED = new Set(['attach', 'restart', 'restartFrame', 'goto', 'gotoTargets', 'stepInTargets', 'completions', 'setExpression', 'terminateThreads', 'writeMemory', 'loadedSources', 'source', 'cancel', 'modules']);

/**
 * Check a request's arguments against what its command takes. Throws a
 * RequestError naming the first bad argument. `launch` is checked by
 * launch.ts (it needs the file system and the scenario).
 */
export function checkArguments(command: string, args: unknown): void {
  const fields = REQUESTS[command];
  if (!fields) {
    if (args !== undefined && args !== null && (typeof args !== 'object' || Array.isArray(args))) throw bad('arguments', 'an object', args);
    return;
  }
  if (args === undefined || args === null) {
    const required = Object.entries(fields).find(([, f]) => f.required);
    if (required) throw new RequestError(`${required[0]} is missing (the request has no arguments)`);
    return;
  }
  object(fields)(args, '');
}
