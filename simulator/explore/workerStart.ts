/**
 * The explore worker's launcher (bundled to dist/explore-worker.js; parallel.ts
 * starts it in each worker thread): runs the worker's bundle
 * (dist/explore-worker-main.js, from worker.ts) with V8's code cache
 * (simulator/util/codeCache.ts, the CLI launcher's mechanism), so a worker
 * does not compile afresh the search code every other worker and every
 * earlier run compiled: a worker started cold searched at half the speed of
 * a warm one (docs/explore.md "--jobs").
 *
 * Imports nothing of the simulator but the cache: the bundle of this file is a few lines.
 */
import { join } from 'node:path';
import { runWithCodeCache } from '../util/codeCache';

runWithCodeCache(join(__dirname, 'explore-worker-main.js'), 'explore-worker');
