/**
 * Registration of request and notification handlers with their params
 * shapes (params.ts). Every request gets exactly one answer:
 * - params that do not fit the shape: `InvalidParams` with one line naming the field;
 * - a request cancelled before it ran (`$/cancelRequest`): `RequestCancelled`;
 * - a bug in a feature: `InternalError` with a one-line message (the stack goes
 *   to the server log), never a raw JavaScript message.
 * A malformed notification is ignored with a warning in the log.
 *
 * `register` also records each method, so tests can fuzz every one.
 */
import {
  type CancellationToken,
  type Connection,
  type ConnectionOptions,
  ErrorCodes,
  LSPErrorCodes,
  type Message,
  type MessageStrategy,
  type NotificationMessage,
  type RequestMessage,
  ResponseError,
  type ResponseMessage,
} from 'vscode-languageserver/node';
import { ParamError, read, type Shape } from './params';
import { LIBRARY_METHODS } from './shapes';

/** The internal method a request with malformed params for a library-handled method is re-routed to. */
export const INVALID_PARAMS_METHOD = 'armscope/$invalidParams';

export class Rpc {
  /** Requests and notifications registered here (method names). */
  readonly requests: string[] = [];
  readonly notifications: string[] = [];
  /** Requests answered with InternalError (a bug); tests assert none. */
  internalErrors = 0;

  constructor(private readonly connection: Connection) {
    connection.onRequest(INVALID_PARAMS_METHOD, (p: { method: string; message: string }) => new ResponseError(ErrorCodes.InvalidParams, `${p.method}: ${p.message}`));
  }

  request<P, R>(method: string, shape: Shape<P>, handle: (p: P, token: CancellationToken) => R | Promise<R>): void {
    this.requests.push(method);
    this.connection.onRequest(method, (...args: unknown[]) => {
      const { raw, token } = splitArgs(args);
      if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${method}: cancelled`);
      let params: P;
      try {
        params = read(shape, raw);
      } catch (e) {
        if (e instanceof ParamError) return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${e.message}`);
        return this.internal(method, e);
      }
      try {
        const result = handle(params, token ?? NEVER_CANCELLED);
        if (result instanceof Promise) return result.catch((e: unknown) => this.internal(method, e));
        return result;
      } catch (e) {
        return this.internal(method, e);
      }
    });
  }

  notification<P>(method: string, shape: Shape<P>, handle: (p: P) => void | Promise<void>): void {
    this.notifications.push(method);
    this.connection.onNotification(method, (...args: unknown[]) => {
      let params: P;
      try {
        params = read(shape, args.length === 1 ? args[0] : args.length === 0 ? undefined : args);
      } catch (e) {
        this.connection.console.warn(`${method} ignored: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      try {
        const r = handle(params);
        if (r instanceof Promise) r.catch((e: unknown) => this.internal(method, e));
      } catch (e) {
        this.internal(method, e);
      }
    });
  }

  private internal(method: string, e: unknown): ResponseError<void> {
    this.internalErrors++;
    this.connection.console.error(`${method} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return new ResponseError(ErrorCodes.InternalError, `${method} failed: internal error in the Armscope language server (details in its log)`);
  }
}

const NEVER_CANCELLED: CancellationToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };

function isToken(x: unknown): x is CancellationToken {
  return typeof x === 'object' && x !== null && typeof (x as CancellationToken).isCancellationRequested === 'boolean' && typeof (x as CancellationToken).onCancellationRequested === 'function';
}

/** vscode-jsonrpc calls a handler with the params (spread when positional) and the token last. */
function splitArgs(args: unknown[]): { raw: unknown; token: CancellationToken | undefined } {
  const last = args[args.length - 1];
  const token = isToken(last) ? last : undefined;
  const params = token ? args.slice(0, -1) : args;
  return { raw: params.length === 0 ? undefined : params.length === 1 ? params[0] : params, token };
}

/**
 * Methods the vscode-languageserver library answers itself, with the params
 * shapes it assumes: a malformed request is re-routed to INVALID_PARAMS_METHOD
 * (answered InvalidParams), a malformed notification dropped, before the
 * library reads a field of it.
 */
export function guardLibraryMethods(shapes: Record<string, Shape<unknown>>, warn: (message: string) => void): MessageStrategy {
  return {
    handleMessage(message: Message, next: (message: Message) => void): void {
      const m = message as Partial<RequestMessage & NotificationMessage>;
      const shape = typeof m.method === 'string' && Object.prototype.hasOwnProperty.call(shapes, m.method) ? shapes[m.method] : undefined;
      if (shape) {
        try {
          // Positional params reach a handler spread: one positional param is the params.
          read(shape, Array.isArray(m.params) && m.params.length === 1 ? (m.params as unknown[])[0] : m.params);
        } catch (e) {
          const text = e instanceof Error ? e.message : String(e);
          if (m.id === undefined) {
            warn(`${m.method} ignored: ${text}`);
            return;
          }
          next({ ...message, method: INVALID_PARAMS_METHOD, params: { method: m.method, message: text } } as RequestMessage);
          return;
        }
      }
      next(message);
    },
  };
}

/**
 * The connection options of the server (main.ts, and tests that run it in
 * process): library-handled methods guarded, and a request cancelled while
 * still queued answered `RequestCancelled` at once.
 */
export function connectionOptions(warn: (message: string) => void): ConnectionOptions {
  return {
    messageStrategy: guardLibraryMethods(LIBRARY_METHODS, warn),
    connectionStrategy: {
      cancelUndispatched: (message: Message): ResponseMessage => {
        const m = message as RequestMessage;
        return { jsonrpc: '2.0', id: m.id, error: { code: LSPErrorCodes.RequestCancelled, message: `${m.method}: cancelled` } };
      },
    },
  };
}
