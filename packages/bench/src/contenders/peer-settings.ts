/**
 * The settings of peer pools that depend on the runtime. Two peers hang, as configured by
 * default, on a runtime that is not Node; each has a documented setting that works there. The
 * runtime is tried, not named: a check decides, and the report's notes say what was changed.
 *
 * - workerpool's worker script listens on the global `message` event when it finds the Web
 *   Worker globals; where worker_threads messages never reach that event (Bun 1.4), its
 *   `workerType: 'thread'` workers never answer. `workerType: 'web'` does.
 * - tinypool's worker blocks in `Atomics.wait` and then reads its port with
 *   `receiveMessageOnPort`; where that misses a message already taken by the port's listener
 *   (Deno 2.9), a task is never run. `useAtomics: false` does.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SkipError } from '../contender.js';
import { threadFeatures } from '../thread-features.js';

/** A peer's runtime-dependent options, and what the report should say about them. */
export interface PeerSetting<O> {
  readonly options: O;
  readonly notes: readonly string[];
}

/** workerpool's `workerType`: 'thread', or 'web' where its thread workers cannot hear the pool. */
export async function workerpoolType(): Promise<PeerSetting<{ workerType: 'thread' | 'web' }>> {
  const f = await threadFeatures();
  if (!f.webGlobals || f.globalMessage) return { options: { workerType: 'thread' }, notes: [] };
  const why =
    'its worker script listens on the Web Worker globals, which worker_threads messages do not reach on this runtime';
  if (typeof (globalThis as { Worker?: unknown }).Worker !== 'function')
    throw new SkipError(`workerpool's thread workers never answer here (${why}) and there is no Web Worker`);
  return {
    options: { workerType: 'web' },
    notes: [`workerType 'web': its 'thread' workers never answer here (${why})`],
  };
}

/** The part of a tinypool constructor the check uses. */
type TinypoolClass = new (options: {
  filename: string;
  minThreads: number;
  maxThreads: number;
}) => {
  run(task: unknown, options: { name: string }): Promise<unknown>;
  destroy(): Promise<void>;
};

/** Bursts of noop tasks the check runs, and how long they may take by default (a few ms on Node). */
const BURSTS = 6;
const BURST = 16;
const DEADLINE_MS = 5_000;
// The built worker module, also when this module runs from src/ (the tests).
const PLAIN = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'dist', 'workers', 'plain.js');

const checked = new WeakMap<TinypoolClass, Promise<PeerSetting<{ useAtomics?: false }>>>();

/**
 * tinypool's `useAtomics`: its default where bursts of noop tasks finish, else `false`. Checked
 * once per tinypool class per process: a 2-thread pool runs {@link BURSTS} bursts, which take a
 * few milliseconds where the default works and never finish where it does not.
 */
export function tinypoolAtomics(
  Tinypool: TinypoolClass,
  deadlineMs = DEADLINE_MS,
): Promise<PeerSetting<{ useAtomics?: false }>> {
  let answer = checked.get(Tinypool);
  if (answer === undefined) {
    answer = burstsFinish(Tinypool, deadlineMs).then((ok) =>
      ok
        ? { options: {}, notes: [] }
        : {
            options: { useAtomics: false },
            notes: [
              `useAtomics: false — with its default, ${BURSTS} bursts of ${BURST} noop tasks did not finish in ${deadlineMs / 1000} s on this runtime (a worker blocked in Atomics.wait misses its task)`,
            ],
          },
    );
    checked.set(Tinypool, answer);
  }
  return answer;
}

async function burstsFinish(Tinypool: TinypoolClass, deadlineMs: number): Promise<boolean> {
  const pool = new Tinypool({ filename: PLAIN, minThreads: 2, maxThreads: 2 });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const bursts = (async () => {
    for (let b = 0; b < BURSTS; b++)
      await Promise.all(Array.from({ length: BURST }, (_, i) => pool.run(i, { name: 'noop' })));
    return true as const;
  })();
  try {
    return await Promise.race([bursts, deadline]);
  } finally {
    clearTimeout(timer);
    // A hung worker is ended by destroy; its pending tasks reject, which is expected here.
    bursts.catch(() => {});
    await pool.destroy().catch(() => {});
  }
}
