/**
 * The probe thread of `poolkit-bench --task` (dist/workers/probe.js): loads the user's task the
 * way every contender does and runs the inputs it is sent one after another, timing each. Before
 * each call it writes the input's index and start time into the shared state, so the main thread
 * can see a task that runs past the per-task limit and end this thread (see task/probe.ts).
 *
 *   shared state: Int32 [0] = index of the running input + 1 (0 = idle) · Float64 [1] = its start,
 *   ms since the epoch (performance.timeOrigin + performance.now())
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../task/errors.js';
import { exportOf, loadModule } from '../task/pick.js';

/** What the main thread passes as `workerData`. */
interface ProbeData {
  readonly url: string;
  readonly exportName: string;
  readonly state: SharedArrayBuffer;
}

/** One request: run `items`, stopping after `maxMs` when set (calibration). */
interface ProbeRequest {
  readonly items: readonly unknown[];
  readonly maxMs?: number;
}

const { url, exportName, state } = workerData as ProbeData;
const running = new Int32Array(state, 0, 1);
const startedAt = new Float64Array(state, 8, 1);
const port = parentPort as NonNullable<typeof parentPort>;

const loading: Promise<(input: unknown) => unknown> = loadModule(url).then((ns) => {
  const fn = exportOf(ns, exportName);
  if (typeof fn !== 'function')
    throw new TypeError(`the export ${JSON.stringify(exportName)} is not a function`);
  return fn as (input: unknown) => unknown;
});
// Reported with the first request; never an unhandled rejection meanwhile.
loading.catch(() => {});

port.on('message', async ({ items, maxMs }: ProbeRequest) => {
  let fn: (input: unknown) => unknown;
  try {
    fn = await loading;
  } catch (error) {
    port.postMessage({ loadError: errorText(error) });
    return;
  }
  const times = new Float64Array(items.length);
  let ran = 0;
  let errors = 0;
  let firstError: { index: number; text: string } | undefined;
  const t0 = performance.now();
  for (let i = 0; i < items.length; i++) {
    const start = performance.now();
    startedAt[0] = performance.timeOrigin + start;
    Atomics.store(running, 0, i + 1);
    try {
      const out = fn(items[i]);
      if (out !== null && typeof (out as PromiseLike<unknown>)?.then === 'function') await out;
    } catch (error) {
      errors++;
      firstError ??= { index: i, text: errorText(error) };
    }
    times[i] = performance.now() - start;
    ran++;
    if (maxMs !== undefined && performance.now() - t0 >= maxMs) break;
  }
  Atomics.store(running, 0, 0);
  port.postMessage({ times: times.subarray(0, ran), errors, firstError });
});
