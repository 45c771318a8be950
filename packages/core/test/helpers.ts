/** Test helpers shared by the pool tests. */
import type { PoolStats } from '../src/index.js';

/** A promise with its resolvers exposed (Node 20 has no Promise.withResolvers). */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Lets pending continuations run. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Tracks a promise so a test can read its state synchronously. */
export function track<T>(promise: Promise<T>): {
  state: 'pending' | 'fulfilled' | 'rejected';
  value?: T;
  error?: any;
} {
  const box: { state: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: any } = { state: 'pending' };
  promise.then(
    (value) => {
      box.state = 'fulfilled';
      box.value = value;
    },
    (error) => {
      box.state = 'rejected';
      box.error = error;
    },
  );
  return box;
}

/** The pool invariant: every accepted task is in exactly one state. */
export function addsUp(stats: PoolStats): boolean {
  return stats.submitted === stats.waiting + stats.running + stats.succeeded + stats.failed + stats.cancelled;
}

/** Resolves with `value` once `wait` has settled: an executor that takes its time. */
export async function resolveAfter<T>(wait: Promise<unknown>, value: T): Promise<T> {
  await wait;
  return value;
}

/**
 * An executor whose tasks run until the test releases them, oldest first. `started` lists the
 * inputs in start order; `inFlight` is how many started and were not released yet.
 */
export function gatedExecutor<I>() {
  const started: I[] = [];
  const gates: Array<() => void> = [];
  const executor = async (input: I): Promise<I> => {
    started.push(input);
    const gate = deferred();
    gates.push(gate.resolve);
    await gate.promise;
    return input;
  };
  return {
    executor,
    started,
    get inFlight() {
      return gates.length;
    },
    releaseOne: () => gates.shift()?.(),
    releaseAll: () => {
      for (const release of gates.splice(0)) release();
    },
  };
}

/** A revoked Proxy: every operation on it (even `Array.isArray`, `instanceof`) throws. */
export function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
