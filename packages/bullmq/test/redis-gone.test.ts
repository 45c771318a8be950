/**
 * Regressions: shutting down once Redis is gone. BullMQ's close() waits for ever without the
 * server (QUIT queued until Redis answers, an 'end' a reconnecting client never emits), a second,
 * forced close() only returned the first one's promise, and clients BullMQ had stopped listening
 * to went on reconnecting, printing "[ioredis] Unhandled error event" at every try.
 *
 * Each test starts its own redis-server, since each one stops it.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from '@poolkit/core';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BullMQBackend, type PoolkitWorker, startWorker } from '../src/index.js';
import { type RedisServer, requireRedis, skipRedis, startRedis } from '../src/testing/index.js';
import { type Exit, startWorkerProcess, TASKS, type WorkerProcess } from './workers.js';

/** The worker's grace period and the backend's close timeout in these tests, ms. */
const GRACE_MS = 1_500;
const CLOSE_MS = 1_500;
/** Slack for a loaded 2-core machine on top of those bounds, ms. */
const MARGIN_MS = 3_000;
const UNHANDLED = 'Unhandled error event';

const signal = () => new AbortController().signal;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let queueNumber = 0;
const freshQueue = () => `gone-${process.pid}-${++queueNumber}`;

/** Does `trigger`, then waits for `w` to exit (SIGKILL after `boundMs`): how, and how long it took. */
async function exitAfter(
  w: WorkerProcess,
  trigger: () => void,
  boundMs: number,
): Promise<Exit & { ms: number }> {
  const start = Date.now();
  trigger();
  const timer = setTimeout(() => w.child.kill('SIGKILL'), boundMs);
  const exit = await w.exited;
  clearTimeout(timer);
  return { ...exit, ms: Date.now() - start };
}

/** Resolves once `queue` holds `count` jobs in `state` (read through a connection of its own). */
async function jobsIn(
  redis: RedisServer,
  queue: string,
  state: 'waiting' | 'active',
  count: number,
): Promise<void> {
  const inspect = new Queue(queue, { connection: { host: '127.0.0.1', port: redis.port } });
  try {
    await expect.poll(() => inspect.getJobCountByTypes(state), { timeout: 5_000 }).toBe(count);
  } finally {
    await inspect.close();
  }
}

describe.skipIf(skipRedis)('shutdown once Redis is gone', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  });

  async function redisServer(): Promise<RedisServer> {
    requireRedis();
    const redis = await startRedis();
    closers.push(() => redis.stop());
    return redis;
  }
  async function workerProcess(redis: RedisServer, queue: string): Promise<WorkerProcess> {
    const w = await startWorkerProcess(redis.url, ['--queue', queue, '--grace-ms', String(GRACE_MS)]);
    closers.push(() => w.stop('SIGKILL'));
    return w;
  }
  async function worker(redis: RedisServer, queue: string): Promise<PoolkitWorker> {
    const w = await startWorker({ redis: redis.url, module: TASKS, queue });
    closers.push(() => w.close(0));
    return w;
  }
  function backend(redis: RedisServer, queue: string, failFast = true): BullMQBackend {
    const b = new BullMQBackend({
      connection: redis.url,
      queue,
      failFast,
      closeTimeout: CLOSE_MS,
      sweepInterval: 200,
    });
    closers.push(() => b.close());
    return b;
  }

  it('poolkit-worker ignored --grace-ms on SIGTERM once Redis was gone: now an idle one exits at once, code 1', async () => {
    const redis = await redisServer();
    const w = await workerProcess(redis, freshQueue());
    await redis.stop();
    await sleep(300); // its connections notice, and start reconnecting
    const exit = await exitAfter(w, () => w.child.kill('SIGTERM'), GRACE_MS + MARGIN_MS);
    expect(exit, w.stderr()).toMatchObject({ code: 1, signal: null });
    expect(exit.ms).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(w.stderr()).toMatch(/stopped by force/);
    expect(w.stderr()).not.toContain(UNHANDLED);
  });

  it('poolkit-worker hung when its parent went away once Redis was gone: now it exits within --grace-ms', async () => {
    const redis = await redisServer();
    const w = await workerProcess(redis, freshQueue());
    await redis.stop();
    await sleep(300);
    const exit = await exitAfter(w, () => w.child.disconnect(), GRACE_MS + MARGIN_MS);
    expect(exit, w.stderr()).toMatchObject({ code: 1, signal: null });
    expect(exit.ms).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(w.stderr()).toMatch(/parent gone/);
    expect(w.stderr()).not.toContain(UNHANDLED);
  });

  it('poolkit-worker hung on SIGTERM when Redis died mid-job: now it waits out --grace-ms for the job, then exits 1', async () => {
    const redis = await redisServer();
    const queue = freshQueue();
    const w = await workerProcess(redis, queue);
    const b = backend(redis, queue);
    const running = b
      .run({ ms: 60_000, value: 'never' }, { task: 'slow', signal: signal() })
      .catch((error: { code?: string }) => error.code);
    await jobsIn(redis, queue, 'active', 1);
    await redis.stop();
    const exit = await exitAfter(w, () => w.child.kill('SIGTERM'), GRACE_MS + MARGIN_MS);
    expect(exit, w.stderr()).toMatchObject({ code: 1, signal: null });
    expect(exit.ms).toBeGreaterThanOrEqual(GRACE_MS - 100); // it gave the job its grace period
    expect(exit.ms).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(w.stderr()).not.toContain(UNHANDLED);
    await b.close();
    expect(await running).toBe('ERR_JOB_LOST');
  });

  it("startWorker().close() never settled once Redis was gone: now it is 'forced' — at once when idle, after the grace period when a job runs, whose signal aborts", async () => {
    const redis = await redisServer();
    const queue = freshQueue();
    const idle = await worker(redis, freshQueue());
    const busy = await worker(redis, queue);
    const b = backend(redis, queue);
    void b.run(null, { task: 'untilCancelled', signal: signal() }).catch(() => {});
    await expect.poll(() => busy.counts.active, { timeout: 5_000 }).toBe(1);
    await redis.stop();
    await sleep(300);

    let start = Date.now();
    expect(await idle.close(GRACE_MS)).toBe('forced');
    expect(Date.now() - start).toBeLessThan(MARGIN_MS);

    start = Date.now();
    expect(await busy.close(GRACE_MS)).toBe('forced');
    const elapsed = Date.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect(elapsed).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(busy.counts.active).toBe(0); // its task saw ctx.signal abort and returned
    expect(await busy.close(0)).toBe('forced'); // idempotent
  });

  it('BullMQBackend.close() never settled once Redis was gone: now it settles within closeTimeout, each pending run() rejecting with a code, and nothing reconnects', async () => {
    const unhandled = vi.spyOn(console, 'error');
    const redis = await redisServer();
    const queue = freshQueue(); // no worker: the job waits in Redis
    const b = backend(redis, queue, false);
    const errors: Error[] = [];
    b.onError((error) => errors.push(error));
    const added = b.run({ value: 1 }, { signal: signal() }).catch((error: { code?: string }) => error.code);
    await jobsIn(redis, queue, 'waiting', 1);
    await redis.stop();
    // Without failFast this one waits for Redis to take it.
    const notAdded = b
      .run({ value: 2 }, { signal: signal() })
      .catch((error: { code?: string }) => error.code);
    await sleep(300);

    const start = Date.now();
    await b.close();
    expect(Date.now() - start).toBeLessThan(CLOSE_MS + MARGIN_MS);
    expect(await added).toBe('ERR_JOB_LOST');
    expect(await notAdded).toBe('ERR_ENQUEUE');
    expect(errors.length).toBeGreaterThan(0); // the connections' failures came to onError
    await sleep(1_000); // long enough for ioredis to try again, had anything been left reconnecting
    const printed = unhandled.mock.calls.filter((call) => String(call[0]).includes(UNHANDLED));
    expect(printed).toEqual([]);
  });

  it("a Pool's close() and stop() over BullMQBackend never finished once Redis was gone: now both settle", async () => {
    const redis = await redisServer();
    const queue = freshQueue();
    await worker(redis, queue);
    const closing = new Pool({ backend: backend(redis, queue) });
    const idle = freshQueue(); // no worker: its task waits
    const stopping = new Pool({ backend: backend(redis, idle) });
    closers.push(
      () => closing.close(),
      () => stopping.close(),
    );
    expect(await closing.submit({ op: 'square', n: 4 })).toBe(16);
    const waiting = stopping.submit({ value: 1 }).catch((error: { code?: string }) => error.code);
    await jobsIn(redis, idle, 'waiting', 1);
    await redis.stop();
    await sleep(300);

    const start = Date.now();
    await Promise.all([closing.close(), stopping.stop({ force: true })]);
    expect(Date.now() - start).toBeLessThan(CLOSE_MS + MARGIN_MS);
    expect(await waiting).toBe('ERR_POOL_STOPPED');
  });

  it('a producer process printed "[ioredis] Unhandled error event" and never exited once Redis was gone: now it exits by itself after close()', async () => {
    const redis = await redisServer();
    const queue = freshQueue();
    await worker(redis, queue);
    const script = fileURLToPath(new URL('./fixtures/producer-redis-gone.mjs', import.meta.url));
    const child = fork(script, [redis.url, queue, String(CLOSE_MS)], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<Exit>((resolve) =>
      child.once('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    // ioredis may wait up to its disconnectTimeout (2 s) for a socket it closed.
    const bound = setTimeout(() => child.kill('SIGKILL'), 20_000 + CLOSE_MS + 2_000 + MARGIN_MS);
    try {
      expect(await new Promise((resolve) => child.once('message', resolve))).toEqual({ value: 9 });
      await redis.stop();
      await sleep(1_000); // a few reconnection tries: each printed the line before the fix
      const asked = Date.now();
      child.send('close');
      const exit = await exited;
      expect(exit, stderr).toEqual({ code: 0, signal: null });
      expect(Date.now() - asked).toBeLessThan(CLOSE_MS + 2_000 + MARGIN_MS);
      const report = JSON.parse(stdout.trim()) as { closeMs: number; errors: number };
      expect(report.closeMs).toBeLessThan(CLOSE_MS + MARGIN_MS);
      expect(report.errors).toBeGreaterThan(0);
      expect(stderr).not.toContain(UNHANDLED);
    } finally {
      clearTimeout(bound);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 40_000);
});
