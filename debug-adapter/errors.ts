/**
 * Error answers: a request the adapter cannot serve gets an error response
 * with one readable line that names what was wrong — never a JavaScript
 * stack trace or an absolute path of the machine running the adapter.
 */

/** A request's argument or state problem, with the one-line message the client shows. */
export class RequestError extends Error {
  /** Shown to the user (false for e.g. a hover over text that is not an expression). */
  readonly showUser: boolean;

  constructor(message: string, showUser = true) {
    super(message);
    this.showUser = showUser;
  }
}

const MAX_MESSAGE = 300;

/** Absolute paths (`/home/…/file.ts`, `C:\…`) reduced to their last component. */
function withoutPaths(text: string): string {
  return text.replace(/(?:[A-Za-z]:)?(?:[\\/][^\s\\/:'"`()]+){2,}/g, (p) => p.split(/[\\/]/).pop() ?? p);
}

/** One line of text for any thrown value: its message's first line, without paths, at most 300 characters. */
export function oneLine(e: unknown): string {
  const raw = e instanceof Error ? e.message : typeof e === 'string' ? e : 'unexpected error';
  const first = raw.split(/\r?\n/).find((l) => l.trim().length > 0)?.trim() ?? 'unexpected error';
  const text = withoutPaths(first);
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/** Text of a user-supplied value for an error message (quoted, shortened). */
export function shown(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (typeof v === 'bigint') s = `${v}`;
  else if (v === undefined) s = 'nothing';
  else {
    try {
      s = JSON.stringify(v) ?? typeof v;
    } catch {
      s = typeof v;
    }
  }
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
