/** What the CLI tests share: an in-process `armscope` call, a scratch folder and a passing scenario. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../simulator/cli/commands';
import { repoRoot } from '../engine/helpers';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** `armscope ARGS` in-process, from `cwd` (default: the repository root). */
export function cli(args: string[], cwd = repoRoot()): Captured {
  const out: string[] = [];
  const err: string[] = [];
  // Every command here answers synchronously (only `explore` with worker threads returns a promise).
  const code = runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd }) as number;
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A scratch folder for this test run's files. */
export const tmp = mkdtempSync(join(tmpdir(), 'armscope-cli-'));

/** Write `text` to `name` in the scratch folder; its absolute path. */
export function scenarioFile(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

/** One PE sets x1 and halts; both expectations hold (exit 0). */
export const PASSING = `scenario "tiny"
system {
  pes 1
  memory ram at 0x8000_0000 size 0x1000
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    mov   x1, #3
    hlt   #0
}
expect {
  pe 0 x1 == 3
  halted pe 0
}
`;
