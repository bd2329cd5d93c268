/**
 * Validation of request and notification params. Every method the server
 * registers reads its params through one of the shapes below, so a malformed
 * message (a missing field, `position: null`, `tabSize: 1e9`, a string where
 * a number goes) is answered with `InvalidParams` and a one-line message that
 * names the field — never a JavaScript error from deep inside a feature.
 *
 * Shapes accept what the LSP 3.17 specification allows (extra fields are
 * ignored) and bound every size (limits.ts).
 */
import { MAX_NAME_LENGTH, MAX_POSITION, MAX_URI_LENGTH } from './limits';

/** A params problem: `path` names the field (`position.line`), the message says what was expected. */
export class ParamError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`'${path}' must be ${expected}, not ${preview(got)}`);
  }
}

/** A short rendering of the offending value for the message. */
export function preview(x: unknown): string {
  if (x === undefined) return 'missing';
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : String(x);
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (x === null) return 'null';
  return typeof x === 'object' ? 'an object' : typeof x;
}

export type Shape<T> = (x: unknown, path: string) => T;

const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);

export function integer(min: number, max: number): Shape<number> {
  return (x, path) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) throw new ParamError(path, `an integer from ${min} to ${max}`, x);
    return x;
  };
}

export function string(maxLength: number): Shape<string> {
  return (x, path) => {
    if (typeof x !== 'string') throw new ParamError(path, 'a string', x);
    if (x.length > maxLength) throw new ParamError(path, `a string of at most ${maxLength} characters`, `${x.length} characters`);
    return x;
  };
}

export const boolean: Shape<boolean> = (x, path) => {
  if (typeof x !== 'boolean') throw new ParamError(path, 'true or false', x);
  return x;
};

export function oneOf<T extends string>(values: readonly T[]): Shape<T> {
  return (x, path) => {
    if (typeof x !== 'string' || !values.includes(x as T)) throw new ParamError(path, `one of ${values.map((v) => `'${v}'`).join(', ')}`, x);
    return x as T;
  };
}

/** Any JSON value (kept as is: e.g. a diagnostic's `data`, which the server checks where it reads it). */
export const anything: Shape<unknown> = (x) => x;

export function optional<T>(shape: Shape<T>): Shape<T | undefined> {
  return (x, path) => (x === undefined || x === null ? undefined : shape(x, path));
}

export function arrayOf<T>(item: Shape<T>, maxLength: number): Shape<T[]> {
  return (x, path) => {
    if (!Array.isArray(x)) throw new ParamError(path, 'an array', x);
    if (x.length > maxLength) throw new ParamError(path, `an array of at most ${maxLength} items`, x);
    return x.map((v, i) => item(v, `${path}[${i}]`));
  };
}

type Fields = Record<string, Shape<unknown>>;
type Out<F extends Fields> = { [K in keyof F]: ReturnType<F[K]> };

export function object<F extends Fields>(fields: F): Shape<Out<F>> {
  return (x, path) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ParamError(path || 'params', 'an object', x);
    const src = x as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(fields)) {
      const v = fields[key](src[key], at(path, key));
      if (v !== undefined) out[key] = v;
    }
    return out as Out<F>;
  };
}

// Shapes of the LSP structures the server reads.

export const uri = string(MAX_URI_LENGTH);
export const position = object({ line: integer(0, MAX_POSITION), character: integer(0, MAX_POSITION) });
export const range = object({ start: position, end: position });
export const textDocumentIdentifier = object({ uri });
export const textDocumentPosition = object({ textDocument: textDocumentIdentifier, position });
export const textDocumentOnly = object({ textDocument: textDocumentIdentifier });
export const registerName = string(MAX_NAME_LENGTH);

/** Read `raw` with `shape`; the caller turns a ParamError into InvalidParams. */
export function read<T>(shape: Shape<T>, raw: unknown): T {
  return shape(raw, '');
}
