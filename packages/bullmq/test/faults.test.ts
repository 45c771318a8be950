import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from '@poolkit/core';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BullMQBackend, type PoolkitWorker, startWorker } from '../src/index.js';
import { skipRedis } from '../src/testing/index.js';
import { useRedis } from './use-redis.js';
import { startWorkerProcess, TASKS, type WorkerProcess } from './workers.js';

const signal = () => new AbortController().signal;
let queueNumber = 0;
/** A queue name of its own per test: no job of one test reaches another's workers. */
const freshQueue = () => `faults-${process.pid}-${++queueNumber}`;

describe.skipIf(skipRedis)('BullMQBackend under faults (a real redis-server, real worker processes)', () => {
  const redis = useRedis();
  const { closers } = redis;

  function backend(options: Partial<ConstructorParameters<typeof BullMQBackend>[0]> = {}): BullMQBackend {
    const created = new BullMQBackend({
      connection: redis.url,
      sweepInterval: 200,
      closeTimeout: 3_000,
      ...options,
    });
    closers.push(() => created.close());
    return created;
  }
  async function worker(
    queue: string,
    options: Partial<Parameters<typeof startWorker>[0]> = {},
  ): Promise<PoolkitWorker> {
    const started = await startWorker({ redis: redis.url, module: TASKS, queue, ...options });
    closers.push(() => started.close(1_000));
    return started;
  }
  async function processes(queue: string, n: number, args: string[] = []): Promise<WorkerProcess[]> {
    const started: WorkerProcess[] = [];
    for (let i = 0; i < n; i++)
      started.push(await startWorkerProcess(redis.url, ['--queue', queue, ...args]));
    closers.push(() => Promise.all(started.map((w) => w.stop('SIGKILL'))));
    return started;
  }

  it("a task's own error arrives whole; what JSON cannot carry is refused, naming it", async () => {
    const queue = freshQueue();
    await worker(queue);
    const b = backend({ queue });
    await expect(
      b.run({ message: 'no', code: 'E_NO' }, { task: 'fail', signal: signal() }),
    ).rejects.toMatchObject({
      name: 'RangeError',
      message: 'no',
      code: 'E_NO',
      detail: { attempt: 3 },
    });
    for (const [input, named] of [
      [10n, /input.*a bigint/],
      [new Map(), /input.*Map/],
      [{ bytes: new Uint8Array(2) }, /input\.bytes.*Uint8Array/],
      [{ when: new Date() }, /input\.when.*Date/],
      [[1, undefined], /input\[1\].*undefined/],
      [Number.NaN, /NaN/],
    ] as const) {
      await expect(b.run(input, { signal: signal() })).rejects.toThrow(named);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await expect(b.run(cycle, { signal: signal() })).rejects.toThrow(/cycle/);
    const buffer = new ArrayBuffer(4);
    await expect(b.run({ op: 'echo', value: 1 }, { signal: signal(), transfer: [buffer] })).rejects.toThrow(
      TypeError,
    );
  });

  it('abort of a waiting job: AbortError at once, and the job leaves Redis', async () => {
    const queue = freshQueue(); // no worker on it: the job waits
    const b = backend({ queue });
    const controller = new AbortController();
    const running = b.run({ op: 'echo', value: 1 }, { signal: controller.signal });
    const inspect = new Queue(queue, { connection: { host: '127.0.0.1', port: redis.port } });
    closers.push(() => inspect.close());
    await expect.poll(() => inspect.getWaitingCount(), { timeout: 5_000 }).toBe(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => inspect.getWaitingCount(), { timeout: 5_000 }).toBe(0);
  });

  it("abort of a running job: AbortError at once, and its worker's ctx.signal aborts", async () => {
    const queue = freshQueue();
    const w = await worker(queue);
    const b = backend({ queue });
    const controller = new AbortController();
    const running = b.run(null, { task: 'untilCancelled', signal: controller.signal });
    await expect.poll(() => w.counts.active, { timeout: 5_000 }).toBe(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    // The task saw its signal abort and returned.
    await expect.poll(() => w.counts.active, { timeout: 5_000 }).toBe(0);
    expect(w.counts.succeeded).toBe(1);
  });

  it('a timed-out job rejects with ERR_TASK_TIMEOUT and is cancelled on its worker', async () => {
    const queue = freshQueue();
    const w = await worker(queue);
    const pool = new Pool({ backend: backend({ queue }) });
    closers.push(() => pool.close());
    await expect(pool.submit(null, { task: 'untilCancelled', timeout: 200 })).rejects.toMatchObject({
      code: 'ERR_TASK_TIMEOUT',
    });
    await expect.poll(() => w.counts.active, { timeout: 5_000 }).toBe(0);
  });

  it('kill -9 of one worker process mid-run: every task settles once, with its value', async () => {
    const queue = freshQueue();
    const [doomed] = await processes(queue, 2, [
      '--concurrency',
      '4',
      '--lock-ms',
      '1000',
      '--stalled-ms',
      '500',
    ]);
    const pool = new Pool({ backend: backend({ queue, concurrency: 8 }) });
    closers.push(() => pool.close());
    const inputs = Array.from({ length: 30 }, (_, value) => ({ ms: 150, value }));
    const all = pool.submitAll(inputs, { task: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await doomed.stop('SIGKILL');
    const outcomes = await all;
    expect(outcomes.filter((o) => !o.ok).map((o) => (o as { error: unknown }).error)).toEqual([]);
    expect(outcomes.map((o) => (o as { value: { value: number } }).value.value)).toEqual(
      inputs.map((i) => i.value),
    );
    expect(pool.stats).toMatchObject({ submitted: 30, succeeded: 30, failed: 0 });
  }, 60_000);

  it('Redis restarted without persistence: the lost jobs reject with ERR_JOB_LOST in bounded time, later ones succeed', async () => {
    const queue = freshQueue();
    await processes(queue, 1, ['--concurrency', '4']);
    const b = backend({ queue });
    const lost = Array.from({ length: 4 }, (_, value) =>
      b.run({ ms: 3_000, value }, { task: 'slow', signal: signal() }).then(
        () => 'value',
        (error: { code?: string }) => error.code,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const restartedAt = Date.now();
    await redis.server.restart();
    expect(await Promise.all(lost)).toEqual(['ERR_JOB_LOST', 'ERR_JOB_LOST', 'ERR_JOB_LOST', 'ERR_JOB_LOST']);
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
    // The connections come back by themselves: a new task runs.
    await expect
      .poll(
        () =>
          b.run({ op: 'square', n: 7 }, { signal: signal() }).catch((error: { code?: string }) => error.code),
        { timeout: 20_000, interval: 500 },
      )
      .toBe(49);
  }, 60_000);

  it('Redis down: with failFast run() rejects at once with ERR_ENQUEUE; without, it waits for Redis', async () => {
    const queue = freshQueue();
    await processes(queue, 1);
    const fast = backend({ queue });
    const patient = backend({ queue, failFast: false });
    expect(await fast.run({ op: 'square', n: 2 }, { signal: signal() })).toBe(4);
    expect(await patient.run({ op: 'square', n: 2 }, { signal: signal() })).toBe(4);
    await redis.server.stop();
    const started = Date.now();
    await expect(fast.run({ op: 'square', n: 3 }, { signal: signal() })).rejects.toMatchObject({
      code: 'ERR_ENQUEUE',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    const waiting = patient.run({ op: 'square', n: 5 }, { signal: signal() });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await redis.server.restart();
    expect(await waiting).toBe(25);
  }, 60_000);

  it('--threads runs the tasks on worker threads inside the worker process', async () => {
    const queue = freshQueue();
    await processes(queue, 1, ['--threads', '1']);
    const b = backend({ queue });
    expect(await b.run({ op: 'square', n: 9 }, { signal: signal() })).toBe(81);
    await expect(
      b.run({ message: 'on a thread', code: 'E_T' }, { task: 'fail', signal: signal() }),
    ).rejects.toMatchObject({
      name: 'RangeError',
      code: 'E_T',
    });
  }, 30_000);

  it('SIGTERM lets the running job finish within the grace period, then the worker exits 0', async () => {
    const queue = freshQueue();
    const [w] = await processes(queue, 1, ['--grace-ms', '5000']);
    const b = backend({ queue });
    const running = b.run({ ms: 600, value: 'finished' }, { task: 'slow', signal: signal() });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = w.stop('SIGTERM');
    expect(((await running) as { value: string }).value).toBe('finished');
    expect(await exited).toBe(0);
  }, 30_000);

  it('a producer process exits by itself after close()', async () => {
    const queue = freshQueue();
    await processes(queue, 1);
    const script = fileURLToPath(new URL('./fixtures/producer-child.mjs', import.meta.url));
    const child = spawnSync(process.execPath, [script, redis.url, queue], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.signal, child.stderr).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout.trim())).toEqual([1, 4, 9]);
  }, 30_000);
});
