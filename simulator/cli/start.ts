/**
 * `armscope`'s launcher (bundled to dist/cli.js; bin/armscope runs it): runs
 * the CLI bundle (dist/cli-main.js, from main.ts) with V8's code cache
 * (simulator/util/codeCache.ts), so a start-up does not parse and compile
 * again what the previous run of the same command compiled. A
 * one-process-per-file run (`armscope explore F.litmus`, herd7's way) pays
 * Node's start-up on every file; the cache takes about a quarter off it
 * (docs/litmus.md "Speed"). The cache is one file per command (`explore`,
 * `check`, …).
 *
 * Imports nothing of the simulator but the cache: the bundle of this file is a few lines.
 */
import { join } from 'node:path';
import { runWithCodeCache } from '../util/codeCache';

runWithCodeCache(join(__dirname, 'cli-main.js'), process.argv[2]);
