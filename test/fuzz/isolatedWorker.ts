/**
 * The worker side of `Isolated` (isolated.ts): loads the check function once,
 * then answers each `{ id, input }` with the problem it found, if any, or
 * what the check threw.
 */
import { parentPort, workerData } from 'node:worker_threads';

// (Not named `module`: that is CommonJS's own binding.)
const { modulePath, fn } = workerData as { modulePath: string; fn: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const check = (require(modulePath) as Record<string, (input: unknown) => string | undefined>)[fn];

// Loaded: the parent now knows a later death is the input's doing.
parentPort?.postMessage({ id: -1 });

parentPort?.on('message', (msg: { id: number; input: unknown }) => {
  try {
    const problem = check(msg.input);
    parentPort?.postMessage({ id: msg.id, problem });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, threw: e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]} @ ${e.stack?.split('\n')[1]?.trim() ?? ''}` : String(e) });
  }
});
