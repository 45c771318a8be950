/**
 * A task contender as the harness measures it: the spec's own reasons to sit out, plus what the
 * inputs rule out, and its runners held to the per-task limit.
 */
import type { Contender, Runner } from '../contender.js';
import type { ContenderId } from '../contenders/registry.js';
import { formatMs } from '../report/format.js';
import type { TaskContenderSpec } from './contenders.js';
import type { TaskRunner, TaskSetup } from './setup.js';

/**
 * A harness contender for `spec`: sits out what the spec or the inputs rule out, and a runner it
 * opens off the main thread (or for an async task) is held to the per-task limit — a batch may
 * take limit × (tasks + 1), a lone task 2 × limit; past that it rejects, and the pool is stopped
 * instead of closed.
 */
export function asContender(
  spec: TaskContenderSpec,
  setup: TaskSetup,
  offThread: string | undefined,
  notJson: string | undefined,
): Contender<ContenderId> {
  return {
    id: spec.id,
    label: spec.label,
    kind: spec.kind,
    unsupported() {
      const own = spec.unsupported(setup);
      if (own !== undefined) return own;
      if ((spec.where === 'threads' || spec.where === 'process') && offThread !== undefined)
        return `the inputs cannot be cloned to a thread: ${offThread}`;
      if (spec.where === 'process' && notJson !== undefined) return notJson;
      return undefined;
    },
    // On the main thread a sync task cannot be interrupted, so the bound would only add a timer
    // to every lone task there: it is kept for what can be cut (other threads, async tasks).
    open: async () => {
      const runner = await spec.open(setup);
      return spec.where === 'main' && !setup.async ? runner : guard(runner, setup.limitMs);
    },
  };
}

/** `runner` with every batch and lone task bounded in time (see {@link asContender}). */
export function guard(runner: TaskRunner, limitMs: number): Runner {
  let cut = false;
  const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          cut = true;
          reject(new Error(`${what} did not finish in ${formatMs(ms)} (per-task limit ${limitMs} ms)`));
        },
        Math.min(ms, 2_147_483_647),
      );
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  return {
    ...(runner.split === undefined ? {} : { split: runner.split.bind(runner) }),
    ...(runner.notes === undefined ? {} : { notes: runner.notes }),
    batch: (items) =>
      within(runner.batch(items), limitMs * (items.length + 1), `a batch of ${items.length} tasks`),
    one: (item) => within(runner.one(item), 2 * limitMs, 'a lone task'),
    close: () => (cut && runner.stop !== undefined ? runner.stop() : runner.close()),
  };
}
