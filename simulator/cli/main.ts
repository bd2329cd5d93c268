/**
 * `armscope` entry point (bundled to dist/cli.js; bin/armscope runs it).
 */
import { runCli } from './commands';

process.exitCode = runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  cwd: process.cwd(),
});
