/**
 * The differential suites need Debian's cross binutils and QEMU. A developer
 * without them gets a skip that says what to install; in CI (`CI=true`) a
 * missing prerequisite fails the suite, so CI cannot go green without running it.
 */
import { missingTools } from '../isa/gnuToolchain';
import { requirePrerequisite } from '../prerequisites';

/** The Debian package that provides each tool. */
const PACKAGES: Record<string, string> = {
  'aarch64-linux-gnu-as': 'binutils-aarch64-linux-gnu',
  'aarch64-linux-gnu-ld': 'binutils-aarch64-linux-gnu',
  'aarch64-linux-gnu-objdump': 'binutils-aarch64-linux-gnu',
  'qemu-aarch64': 'qemu-user',
  'qemu-system-aarch64': 'qemu-system-arm',
};

/** Undefined when every tool is installed; otherwise what is missing and how to install it. */
export function missingPrerequisites(tools: string[]): string | undefined {
  const missing = tools.filter((t) => missingTools([t]) !== undefined);
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map((t) => PACKAGES[t] ?? t))];
  return `not installed: ${missing.join(', ')} (apt-get install -y ${packages.join(' ')})`;
}

/** Call from a `before` hook: skip (with the reason) or, in CI, fail when a tool is missing (test/prerequisites.ts). */
export function requireTools(ctx: Mocha.Context, tools: string[], what = 'the differential tests'): void {
  requirePrerequisite(ctx, missingPrerequisites(tools), { what });
}
