/**
 * Worker side: the answers of lone tasks that piscina is about to send back, so that a send that
 * fails names its own task.
 *
 * A value with something uncloneable nested in it (a function, a symbol…) makes piscina's
 * `postMessage` throw a DataCloneError, which piscina rethrows uncaught: the thread dies, and
 * every task it held is rejected with the thread's error. The main side used to read "the task
 * had finished (DONE) and its thread died" as "its answer could not be cloned". But with
 * `concurrentTasksPerWorker > 1`, or when something the task left behind ends the thread right
 * after it returned, a task can finish, and its thread die of something else before the answer
 * is read: that task then failed with ERR_RESULT_NOT_CLONEABLE though its value was fine (the
 * fault storm under load, issue 23). Now the dying thread marks the culprits LOST in the shared
 * table (task-table.ts) before the main side hears of the death, and only LOST means that.
 *
 * Which tasks are the culprits: when a DataCloneError surfaces uncaught, every held value is
 * cloned again (the thread is ending anyway); those that fail could never have been sent. A
 * value that was sent already clones fine, so a stale entry never marks anything.
 *
 * How long a value is held: piscina sends a lone task's answer in the same turn of the event
 * loop as the task ends (a few microtasks later), so values are dropped at the next
 * `setImmediate`; and a thread holds at most `concurrentTasksPerWorker` unsent answers at once
 * (piscina gives it a new task only after the answer of one arrived), so no more are kept even
 * while a synchronous Atomics loop keeps `setImmediate` from running. A send that piscina delays
 * past that (with `atomics: 'sync'`, it first waits for pending stdout writes) is not matched:
 * that task then fails like its thread's other tasks, with ERR_WORKER_CRASHED — less precise,
 * never wrong. Values sent with `move()` are not held (cloning them again without their transfer
 * list would fail for the wrong reason); they too fall back to ERR_WORKER_CRASHED.
 */
import { DONE, LOST } from './task-table.js';

let states: Int32Array | undefined;
let slots = new Int32Array(1);
let values: unknown[] = [undefined];
/** Entries held, and where the next one goes (a ring: the oldest is dropped first). */
let held = 0;
let next = 0;
let dropScheduled = false;

const drop = (): void => {
  dropScheduled = false;
  values.fill(undefined);
  held = 0;
};

/**
 * Starts watching this thread's sends. Call once per thread, before any task runs; `capacity` is
 * the most answers the thread can owe at once (its `concurrentTasksPerWorker`).
 */
export function watchSends(table: Int32Array, capacity: number): void {
  states = table;
  slots = new Int32Array(Math.max(1, capacity));
  values = new Array(slots.length).fill(undefined);
  // A monitor: it observes the uncaught error and leaves what happens next (the thread dies, the
  // main side hears of it) to Node and piscina.
  process.on('uncaughtExceptionMonitor', (error: unknown) => {
    if ((error as { name?: unknown } | null)?.name === 'DataCloneError') markUnsendable();
  });
}

/**
 * Holds the value a lone task in `slot` finished with, until piscina has sent it. Only objects:
 * a primitive always clones (functions and symbols never reach here: the shim refuses them
 * before the send), so the hot path of tasks that return numbers or strings does nothing.
 */
export function holdAnswer(slot: number, value: unknown): void {
  if (slot < 0 || typeof value !== 'object' || value === null || states === undefined) return;
  slots[next] = slot;
  values[next] = value;
  next = (next + 1) % slots.length;
  if (held < slots.length) held++;
  if (!dropScheduled) {
    dropScheduled = true;
    setImmediate(drop).unref();
  }
}

/** Marks LOST each held task whose value cannot be cloned (only while its slot still says DONE). */
function markUnsendable(): void {
  for (let k = 0; k < held; k++) {
    const i = (next - 1 - k + slots.length) % slots.length;
    try {
      structuredClone(values[i]);
    } catch {
      Atomics.compareExchange(states!, slots[i], DONE, LOST);
    }
  }
}
