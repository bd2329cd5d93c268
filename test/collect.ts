/**
 * Garbage collection on demand for tests that show a structure is released
 * (a retained parse, a TLB's dropped entries): `collected(ref)` says whether the
 * WeakRef's target is gone after a full collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collect garbage after the current job (a WeakRef's target stays alive until the job that made it ends). */
export async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return ref.deref() === undefined;
}
