/**
 * `armscope` entry point (bundled to dist/cli.js; bin/armscope runs it).
 */
import { runCli } from './commands';

const code = runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  cwd: process.cwd(),
});
// `explore` with worker threads answers with a promise.
if (typeof code === 'number') process.exitCode = code;
else void code.then((c) => (process.exitCode = c));
