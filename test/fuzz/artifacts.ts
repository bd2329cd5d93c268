/**
 * Where campaigns keep what they found: `test-artifacts/fuzz/<campaign>/`
 * (git-ignored), one file per failing input, named in the report line so it
 * can be replayed (`armscope check FILE`, or the campaign's check on it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../engine/helpers';

export class Findings {
  readonly crashes: string[] = [];
  readonly hangs: string[] = [];
  /** Inputs handled, but slower than the campaign's goal: saved to look at, not failures. */
  readonly slow: string[] = [];
  private readonly dir: string;

  constructor(campaign: string) {
    this.dir = join(repoRoot(), 'test-artifacts', 'fuzz', campaign);
  }

  /** Save the input and record one report line. */
  add(kind: 'crash' | 'hang' | 'slow', what: string, input: string, ext: string): string {
    const list = kind === 'crash' ? this.crashes : kind === 'hang' ? this.hangs : this.slow;
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${kind}-${list.length + 1}.${ext}`);
    writeFileSync(file, input);
    const line = `${what.split('\n')[0].slice(0, 300)} (input: ${file})`;
    list.push(line);
    return line;
  }
}
