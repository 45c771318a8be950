#!/usr/bin/env node
import { fork } from 'node:child_process';
// A smoke run of every backend on the runtime that runs this file (the runtime matrix,
// scripts/test-runtimes.mjs, runs it on Node 22/24/26, Bun and Deno; `node scripts/smoke-backends.mjs`
// runs it here). Each check is a few tasks whose outcome is known, through the built packages the
// way a user's program imports them:
//   - Pool + InlineBackend: values, an error with its code;
//   - Pool + PiscinaBackend: values, a task's own error, a timeout that ends a spinning thread, an
//     abort of a running task, a thread that exits, submitAll, close();
//   - NativeBackend (@poolkit/native): the built-in `square` and `md5` kernels, runBatch and a Pool;
//   - BullMQBackend with one poolkit-worker process, when redis-server is found (CI=true: it must be).
// Prints one line per check; exits 1 naming every check whose outcome was wrong (or that hung past
// CHECK_MS), 0 when all were right. Needs the packages built (`npm install` does it).
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { InlineBackend, Pool } from '@poolkit/core';

const TASKS = fileURLToPath(new URL('./smoke-backends-tasks.mjs', import.meta.url));
const WORKER_CLI = fileURLToPath(new URL('../packages/bullmq/dist/cli.js', import.meta.url));
/** How long one check may take before it counts as a hang. */
const CHECK_MS = 15_000;

const failures = [];
let passed = 0;

/** Throws unless `actual` and `expected` print the same as JSON. */
function same(what, actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Awaits `promise` and returns what it rejected with (throws if it resolved). */
async function rejection(promise) {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    return error;
  }
}

async function check(name, body) {
  const started = performance.now();
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome within ${CHECK_MS} ms (a hang)`)), CHECK_MS);
  });
  try {
    await Promise.race([body(), hang]);
    passed++;
    console.log(`  ok    ${name} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    failures.push(`${name}: ${error?.message ?? error}`);
    console.log(`  FAIL  ${name}: ${error?.stack ?? error}`);
  } finally {
    clearTimeout(timer);
  }
}

const runtime = process.versions.bun
  ? `Bun ${process.versions.bun}`
  : process.versions.deno
    ? `Deno ${process.versions.deno}`
    : `Node ${process.versions.node}`;
console.log(`smoke-backends on ${runtime} (${process.platform}-${process.arch})`);

await check('Pool + InlineBackend: values, and an error keeps its code', async () => {
  const pool = new Pool({
    backend: new InlineBackend(async (n) => {
      if (n < 0) throw Object.assign(new Error('negative'), { code: 'ERR_SMOKE' });
      return n * 2;
    }),
  });
  same('values', await Promise.all([1, 2, 3].map((n) => pool.submit(n))), [2, 4, 6]);
  same('error code', (await rejection(pool.submit(-1))).code, 'ERR_SMOKE');
  await pool.close();
});

const { PiscinaBackend } = await import('@poolkit/adapters');
const piscina = (options = {}) => new PiscinaBackend({ filename: TASKS, threads: 2, ...options });

await check('Pool + PiscinaBackend: values, and a task error keeps class, message and code', async () => {
  const pool = new Pool({ backend: piscina() });
  same('values', await Promise.all([1, 2, 3, 4].map((n) => pool.submit(n))), [2, 4, 6, 8]);
  const error = await rejection(pool.submit('bad input', { task: 'fail' }));
  same('error', [error.name, error.message, error.code], ['RangeError', 'bad input', 'ERR_SMOKE']);
  await pool.close();
});

await check(
  'Pool + PiscinaBackend: a timeout rejects a spinning task with ERR_TASK_TIMEOUT; the pool goes on',
  async () => {
    const pool = new Pool({ backend: piscina({ threads: 1 }), timeout: 300 });
    same(
      'timeout code',
      (await rejection(pool.submit(undefined, { task: 'spin' }))).code,
      'ERR_TASK_TIMEOUT',
    );
    same('after', await pool.submit(5), 10);
    await pool.close();
  },
);

await check('Pool + PiscinaBackend: aborting a running task rejects at once; the pool goes on', async () => {
  const pool = new Pool({ backend: piscina({ threads: 1 }) });
  const controller = new AbortController();
  const running = rejection(pool.submit(undefined, { task: 'spin', signal: controller.signal }));
  await new Promise((resolve) => setTimeout(resolve, 150));
  const aborted = performance.now();
  controller.abort();
  same('abort name', (await running).name, 'AbortError');
  const took = performance.now() - aborted;
  if (took > 2_000) throw new Error(`the abort took ${Math.round(took)} ms to reject`);
  same('after', await pool.submit(6), 12);
  await pool.close();
});

await check(
  'Pool + PiscinaBackend: a thread that exits fails its task with ERR_WORKER_CRASHED only',
  async () => {
    const pool = new Pool({ backend: piscina() });
    const outcomes = await Promise.allSettled([
      pool.submit(7, { task: 'exit' }),
      pool.submit(8),
      pool.submit(9),
    ]);
    same(
      'outcomes',
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.reason.code)),
      ['ERR_WORKER_CRASHED', 16, 18],
    );
    same('after', await pool.submit(10), 20);
    await pool.close();
  },
);

await check('Pool + PiscinaBackend: submitAll of 200 tasks, every value in order', async () => {
  const pool = new Pool({ backend: piscina() });
  const inputs = Array.from({ length: 200 }, (_, i) => i);
  const outcomes = await pool.submitAll(inputs);
  same(
    'values',
    outcomes.map((o) => (o.ok ? o.value : `error ${o.error?.code}`)),
    inputs.map((n) => n * 2),
  );
  same('stats', [pool.stats.succeeded, pool.stats.failed], [200, 0]);
  await pool.close();
  same('after close', (await rejection(pool.submit(1))).code, 'ERR_POOL_CLOSED');
});

await check('NativeBackend: the square and md5 kernels, through runBatch and a Pool', async () => {
  const { NativeBackend, runBatch } = await import('@poolkit/native');
  same('square', [...(await runBatch('square', [1, 2, 3, 1.5]))], [1, 4, 9, 2.25]);
  const words = ['a', 'poolkit', ''];
  const digests = await runBatch('md5', words);
  same(
    'md5',
    digests.map((d) => Buffer.from(d).toString('hex')),
    words.map((w) => createHash('md5').update(w).digest('hex')),
  );
  const pool = new Pool({ backend: new NativeBackend({ kernel: 'square' }) });
  same('pool', await Promise.all([2, 3, 4].map((n) => pool.submit(n))), [4, 9, 16]);
  same(
    'submitAll',
    (await pool.submitAll([5, 6])).map((o) => o.ok && o.value),
    [25, 36],
  );
  await pool.close();
});

const { findRedisServer, startRedis } = await import('@poolkit/bullmq/testing');
if (findRedisServer() === undefined) {
  if (process.env.CI === 'true')
    failures.push('BullMQBackend: no redis-server found, and CI=true requires it');
  else console.log('  skip  BullMQBackend: no redis-server on PATH (apt-get install -y redis-server)');
} else {
  await check('BullMQBackend with one poolkit-worker process: values and a task error', async () => {
    const { BullMQBackend } = await import('@poolkit/bullmq');
    const redis = await startRedis();
    const worker = fork(WORKER_CLI, ['--redis', redis.url, '--module', TASKS, '--concurrency', '2'], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    worker.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    try {
      await Promise.race([
        new Promise((resolve) => worker.once('message', resolve)),
        exited.then((code) => {
          throw new Error(`poolkit-worker exited with ${code} before it was ready: ${stderr}`);
        }),
      ]);
      const pool = new Pool({ backend: new BullMQBackend({ connection: redis.url, closeTimeout: 2_000 }) });
      same('values', await Promise.all([1, 2, 3].map((n) => pool.submit(n))), [2, 4, 6]);
      const error = await rejection(pool.submit('remote', { task: 'fail' }));
      same('error', [error.message, error.code], ['remote', 'ERR_SMOKE']);
      await pool.close();
    } finally {
      worker.kill('SIGTERM');
      const killer = setTimeout(() => worker.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
      await redis.stop();
    }
  });
}

console.log(`\nsmoke-backends on ${runtime}: ${passed} passed, ${failures.length} failed`);
for (const failure of failures) console.log(`  - ${failure}`);
// Explicitly: on a runtime whose terminate() does not stop a spinning thread (Deno 2.9), the
// timed-out task's thread would otherwise keep the CPU busy while the process lingers.
process.exit(failures.length === 0 ? 0 : 1);
