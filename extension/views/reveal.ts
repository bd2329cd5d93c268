/**
 * Which files a debugging webview may ask the editor to open. A webview is
 * content the extension renders but does not fully control (its messages are
 * untrusted input, issue #10 item 18): a `reveal` names a file, and only the
 * current debug session's scenario or a file inside an open workspace folder
 * is accepted. Paths are compared after resolving symbolic links and `..`, so
 * neither can lead outside. No `vscode` import: unit-tested as is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function real(p: string): string | undefined {
  try {
    return fs.realpathSync.native(path.resolve(p));
  } catch {
    return undefined;
  }
}

function inside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The real path of `file` when it may be revealed: it exists and is the
 * session's `program` or lies inside one of `workspaceFolders`; otherwise
 * undefined.
 */
export function revealablePath(file: unknown, allowed: { program?: string; workspaceFolders: readonly string[] }): string | undefined {
  if (typeof file !== 'string' || file.length === 0 || file.length > 4096 || file.includes('\0')) return undefined;
  const target = real(file);
  if (target === undefined || !fs.statSync(target).isFile()) return undefined;
  const program = allowed.program !== undefined ? real(allowed.program) : undefined;
  if (program !== undefined && target === program) return target;
  for (const folder of allowed.workspaceFolders) {
    const root = real(folder);
    if (root !== undefined && inside(target, root)) return target;
  }
  return undefined;
}

/** A 0-based line number from a webview message, or undefined when it is not one. */
export function lineNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 10_000_000 ? v : undefined;
}
