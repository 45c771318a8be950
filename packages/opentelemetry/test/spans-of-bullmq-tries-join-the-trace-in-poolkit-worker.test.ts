/**
 * A BullMQBackend's tries get their spans on the producer, children of the submitter's span, and a
 * span a task starts in a poolkit-worker process (a real redis-server; the process's telemetry
 * loaded with NODE_OPTIONS='--import …', then traceWorkerTasks()) is a child of its own try's span
 * — one job per task and batched.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { propagation, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BullMQBackend } from '@poolkit/bullmq';
import { type RedisServer, requireRedis, skipRedis, startRedis } from '@poolkit/bullmq/testing';
import { type Backend, Pool } from '@poolkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrument, useContextManager } from './otel.js';

useContextManager();
beforeAll(() => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  propagation.disable();
});

const TELEMETRY = fileURLToPath(new URL('./fixtures/worker-telemetry.mjs', import.meta.url));
const TASKS = fileURLToPath(new URL('./fixtures/bullmq-traced.mjs', import.meta.url));
const QUEUE = `otel-${process.pid}`;

/** The poolkit-worker CLI, found through the package's `bin` (its dist/ is not exported). */
function cliPath(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@poolkit/bullmq/package.json');
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), bin['poolkit-worker'] as string);
}

interface WorkerProcess {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Forks one poolkit-worker on QUEUE that loads the telemetry fixture before anything else;
 * resolves once it says it is ready (IPC message), rejects with its stderr if it exits first.
 */
function startWorkerProcess(url: string): Promise<WorkerProcess> {
  const options = `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(TELEMETRY).href}`.trim();
  const child: ChildProcess = fork(
    cliPath(),
    ['--redis', url, '--module', TASKS, '--queue', QUEUE, '--concurrency', '4'],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, NODE_OPTIONS: options } },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`poolkit-worker was not ready in 20 s: ${stderr}`));
    }, 20_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve({ pid: child.pid as number, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`poolkit-worker exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
  });
}

/** What the task reports from inside the poolkit-worker process. */
interface Seen {
  n: number;
  pid: number;
  traceId: string;
  parentSpanId: string | null;
}

describe.skipIf(skipRedis)(
  'spans of BullMQ tries join the trace in poolkit-worker (a real redis-server)',
  () => {
    let redis: RedisServer | undefined;
    let worker: WorkerProcess | undefined;
    const closers: Array<() => Promise<unknown>> = [];
    beforeAll(async () => {
      requireRedis();
      redis = await startRedis();
      worker = await startWorkerProcess(redis.url);
    });
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close().catch(() => {});
    });
    afterAll(async () => {
      try {
        await worker?.stop();
      } finally {
        await redis?.stop();
      }
    });

    /** A pool over a new BullMQBackend on QUEUE, closed (with its backend) after the test. */
    function pool(maxBatch: number): Pool<number, Seen> {
      const backend = new BullMQBackend({
        connection: (redis as RedisServer).url,
        queue: QUEUE,
        concurrency: 4,
        closeTimeout: 3_000,
      });
      closers.push(() => backend.close());
      // BullMQBackend is untyped (its results are whatever the worker's module returns, as JSON).
      const typed = backend as Backend<number, Seen>;
      const made = new Pool<number, Seen>({ name: 'jobs', backend: typed, maxBatch, paused: maxBatch > 1 });
      closers.push(() => made.close());
      return made;
    }

    it('one try span per task, a child of the submitter, and a failing task fails its span', async () => {
      const otel = instrument();
      const p = pool(1);
      const { span: parent, value } = await otel.inSpan('request', () =>
        Promise.all([1, 2, 3].map((n) => p.submit(n))),
      );
      expect(value.map((seen) => seen.n)).toEqual([1, 2, 3]);
      const tries = otel.spans();
      expect(tries).toHaveLength(3);
      for (const s of tries) {
        expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
        expect(s.spanContext().traceId).toBe(parent.spanContext().traceId);
        expect(String(s.attributes['poolkit.backend'])).toMatch(/^bullmq/);
        expect(s.attributes).toMatchObject({ 'poolkit.pool.name': 'jobs', 'poolkit.outcome': 'succeeded' });
        expect(s.status.code).not.toBe(SpanStatusCode.ERROR);
      }

      const { span: failing } = await otel.inSpan('failing request', async () => {
        await expect(p.submit(4, { task: 'fail' })).rejects.toThrow('task 4 failed');
      });
      const failed = otel.spans().slice(3);
      expect(failed).toHaveLength(1);
      expect(failed[0]?.parentSpanContext?.spanId).toBe(failing.spanContext().spanId);
      expect(failed[0]?.attributes).toMatchObject({
        'poolkit.outcome': 'failed',
        'poolkit.task.name': 'fail',
      });
      expect(String(failed[0]?.attributes['poolkit.backend'])).toMatch(/^bullmq/);
      expect(failed[0]?.status.code).toBe(SpanStatusCode.ERROR);
    });

    for (const maxBatch of [1, 64]) {
      it(`a span a task starts in poolkit-worker is a child of its try span (${maxBatch === 1 ? 'one job per task' : 'batched'})`, async () => {
        const otel = instrument();
        const p = pool(maxBatch);
        const inputs = [1, 2, 3, 4, 5, 6];
        const { span: parent, value } = await otel.inSpan('request', async () => {
          const all = Promise.all(inputs.map((n) => p.submit(n)));
          p.resume(); // batched: everything waited, so it goes in batches
          return all;
        });
        expect(value.map((seen) => seen.n)).toEqual(inputs);
        expect(value.every((seen) => seen.pid === worker?.pid)).toBe(true);
        const tries = otel.spans();
        expect(tries).toHaveLength(inputs.length);
        if (maxBatch > 1) {
          expect(tries.some((s) => Number(s.attributes['poolkit.batch.size']) > 1)).toBe(true);
        }
        const tryOf = new Map(tries.map((s) => [s.spanContext().spanId, s]));
        for (const seen of value) {
          expect(seen.traceId).toBe(parent.spanContext().traceId);
          const owner = tryOf.get(seen.parentSpanId ?? '');
          expect(owner, `input ${seen.n}: the job's span has a try span as its parent`).toBeDefined();
          expect(owner?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
        }
        // Each try is the parent of exactly one span in the worker process.
        expect(new Set(value.map((seen) => seen.parentSpanId)).size).toBe(inputs.length);
      });
    }
  },
);
