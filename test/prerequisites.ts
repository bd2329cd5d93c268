/**
 * Prerequisites of the tests that drive outside tools: code-server and
 * Chromium (the e2e tests in a real VS Code), Debian's binutils and QEMU (the
 * encoding and differential tests), Neovim (a second LSP client). A developer
 * without them gets the test skipped with the reason; in CI (`CI=true`, which
 * `bash .ci/run` sets) a missing prerequisite fails the test, so CI cannot go
 * green without running them (issue #9 item 8).
 */

/** True when the environment says it is CI (`CI=true`, `1` or `yes`). */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1|yes)$/i.test(env.CI ?? '');
}

/**
 * Call at the start of a test or `before` hook with the reason a prerequisite
 * is missing (undefined when present): skips with the reason, or — in CI —
 * throws, failing the test. `what` names the tests in the CI message.
 */
export function requirePrerequisite(
  ctx: Pick<Mocha.Context, 'skip'>,
  missing: string | undefined,
  opts: { what?: string; env?: NodeJS.ProcessEnv } = {},
): void {
  if (missing === undefined) return;
  if (inCi(opts.env)) throw new Error(`CI=true requires ${opts.what ?? 'this test'} to run: ${missing} (\`bash .ci/run\` installs every prerequisite)`);
  console.log(`      skipped: ${missing}`);
  ctx.skip();
}
