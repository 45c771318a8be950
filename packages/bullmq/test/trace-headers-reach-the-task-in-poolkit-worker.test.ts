/**
 * The trace context of a try travels with its job: headers a poolkit:task subscriber puts in the
 * try's `carrier` on the main thread reach the task in a poolkit-worker process (a real
 * redis-server), where the task runs inside core's poolkit:task:run channel with them — one job per
 * task and batched. Without a subscriber, nothing travels.
 */
import * as diagnostics from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { Pool, TASK_CHANNEL, type TaskTrace } from '@poolkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMQBackend } from '../src/index.js';
import { skipRedis } from '../src/testing/index.js';
import { useRedis } from './use-redis.js';
import { startWorkerProcess, type WorkerProcess } from './workers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/trace-headers.mjs', import.meta.url));
const QUEUE = `trace-${process.pid}`;

interface Seen {
  n: number;
  headers: Record<string, string> | null;
  pid: number;
}

describe.skipIf(skipRedis)('trace headers reach the task in poolkit-worker (a real redis-server)', () => {
  const redis = useRedis();
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    worker = await startWorkerProcess(redis.url, [
      '--module',
      FIXTURE,
      '--queue',
      QUEUE,
      '--concurrency',
      '4',
    ]);
  });
  afterAll(async () => {
    await worker?.stop();
  });

  function pool(maxBatch: number): Pool<number, Seen> {
    const backend = new BullMQBackend({
      connection: redis.url,
      queue: QUEUE,
      concurrency: 4,
      closeTimeout: 3_000,
    });
    const made = new Pool<number, Seen>({ backend: backend as never, maxBatch, paused: maxBatch > 1 });
    redis.closers.push(() => made.close());
    return made;
  }

  for (const maxBatch of [1, 64]) {
    it(maxBatch === 1 ? 'one job per task' : 'batched', async () => {
      const channel = diagnostics.tracingChannel<unknown, TaskTrace>(TASK_CHANNEL);
      const onStart = (trace: TaskTrace) => {
        trace.carrier = { traceparent: `tp-${String(trace.input)}-${trace.attempt}` };
      };
      channel.start.subscribe(onStart as (message: unknown) => void);
      try {
        const p = pool(maxBatch);
        const inputs = [1, 2, 3, 4, 5, 6];
        const all = Promise.all(inputs.map((n) => p.submit(n)));
        p.resume();
        const seen = await all;
        expect(seen.map((s) => s.headers)).toEqual(inputs.map((n) => ({ traceparent: `tp-${n}-1` })));
        expect(seen.every((s) => s.pid !== process.pid)).toBe(true);
      } finally {
        channel.start.unsubscribe(onStart as (message: unknown) => void);
      }
    });
  }

  it('without a subscriber no headers travel', async () => {
    const seen = await pool(1).submit(7);
    expect(seen.headers).toBeNull();
  });
});
