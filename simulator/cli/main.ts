/**
 * `armscope` entry point (bundled to dist/cli-main.js; dist/cli.js, the launcher start.ts, runs it with
 * V8's code cache; bin/armscope runs that).
 */
import { runCli } from './commands';

// A reader that stops early (`armscope check big.armscope | head`) closes the pipe: stop quietly, as
// command-line tools do, instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

const code = runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  cwd: process.cwd(),
});
// `explore` with worker threads answers with a promise.
if (typeof code === 'number') process.exitCode = code;
else void code.then((c) => (process.exitCode = c));
