/**
 * What this JavaScript runtime's worker_threads can do, found by asking the runtime (a feature it
 * reports, or one small try), never by reading its name or version. PiscinaBackend runs on Node,
 * Bun and Deno; these are the places where they differ in a way the backend must act on.
 */
import { Worker } from 'node:worker_threads';

/**
 * Whether threads load TypeScript themselves, whole — enums, parameter properties and the `.js`
 * specifiers that name `.ts` files included: `process.features.typescript` is `'transform'` (Bun,
 * Deno). Then a `.ts` worker module needs no loader. Node's `'strip'` (22.18 and later) only
 * erases types, which not every module can live with, so tsx is still added there; Node 20 has no
 * such feature. (@types/node 20 does not declare the field.)
 */
export function threadsLoadTypeScript(): boolean {
  return (process.features as { typescript?: unknown }).typescript === 'transform';
}

let limits: boolean | undefined;

/** What the limits probe writes into its shared flag (0 = no answer yet). */
const ENDED = 1;
const ALIVE = 2;

/**
 * Runs in a probe thread (CommonJS, `eval`): starts a thread under a 16 MB heap limit whose message
 * handler allocates without end, and writes into the shared flag how that ended: ENDED when the
 * thread was ended ('error' or 'exit'), ALIVE when its handler was stopped but the thread went on
 * answering messages (Deno 2.9: no 'error', no 'exit' — a task that ran out of heap would never
 * settle). The handler answers 'ping' with 'pong', and pings are sent every 20 ms, so the second
 * case shows at once rather than by a timeout.
 */
const LIMITS_PROBE = `
const { Worker, workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData);
const tell = (v) => { if (Atomics.compareExchange(flag, 0, 0, v) === 0) Atomics.notify(flag, 0); };
const hog = new Worker(
  "const { parentPort } = require('node:worker_threads');" +
  "parentPort.on('message', (m) => { if (m === 'ping') { parentPort.postMessage('pong'); return; }" +
  " const keep = []; for (;;) keep.push(new Array(10000).fill(0)); });",
  { eval: true, resourceLimits: { maxOldGenerationSizeMb: 16 } },
);
hog.on('error', () => tell(${ENDED}));
hog.on('exit', () => tell(${ENDED}));
hog.on('message', () => tell(${ALIVE}));
hog.postMessage('hog');
setInterval(() => hog.postMessage('ping'), 20);
`;
/** How long the probe may take before the answer is "no" (it takes ~0.1–0.2 s where limits work). */
const PROBE_BUDGET_MS = 5_000;

/**
 * Whether a thread started with `resourceLimits` is ended, and its task failed, when a task passes
 * them. Found once per process, the first time a backend is given `resourceLimits`:
 *
 * 1. a Worker made with them must report them back (`worker.resourceLimits`): Bun 1.4 takes the
 *    option, ignores it and reports `undefined`, and a runaway heap grows until the whole process
 *    runs out of memory (https://github.com/oven-sh/bun/issues/31411);
 * 2. a thread whose message handler — where piscina runs every task — allocates past a 16 MB limit
 *    must end (LIMITS_PROBE): Deno 2.9 stops the handler but keeps the thread, reports neither
 *    'error' nor 'exit', and the task would hang. The main thread waits for the probe's answer on
 *    a shared flag (Atomics.wait), about 0.1–0.2 s on Node.
 */
export function threadsApplyResourceLimits(): boolean {
  if (limits === undefined) limits = reportsLimits() && endsThreadsPastLimits();
  return limits;
}

function reportsLimits(): boolean {
  const probe = new Worker('', { eval: true, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  const reported = (probe as { resourceLimits?: { maxOldGenerationSizeMb?: unknown } }).resourceLimits;
  void probe.terminate();
  return reported?.maxOldGenerationSizeMb === 64;
}

function endsThreadsPastLimits(): boolean {
  const shared = new SharedArrayBuffer(4);
  const flag = new Int32Array(shared);
  const probe = new Worker(LIMITS_PROBE, { eval: true, workerData: shared });
  Atomics.wait(flag, 0, 0, PROBE_BUDGET_MS);
  void probe.terminate();
  return Atomics.load(flag, 0) === ENDED;
}
