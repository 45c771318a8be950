/**
 * Bad input never escapes as someone else's exception (issue 25, section 4): every refusal of
 * BullMQBackend.run/runMany, of the backend's and startWorker's options and of poolkit-worker's
 * flags is a TypeError/RangeError with ERR_INVALID_ARG_TYPE/_VALUE naming the argument — never a
 * V8 error, never a hang, never something left registered.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BullMQBackend, startWorker } from '../src/index.js';
import { skipRedis } from '../src/testing/index.js';
import { useRedis } from './use-redis.js';
import { TASKS } from './workers.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const signal = () => new AbortController().signal;

/** A coded TypeError/RangeError whose message matches `named`. */
function refusal(named: RegExp) {
  return (error: unknown) => {
    const { code, message } = error as { code?: string; message?: string };
    return (
      (error instanceof TypeError || error instanceof RangeError) &&
      (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE') &&
      named.test(message ?? '')
    );
  };
}

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function throwing(key: string): object {
  return Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
}

describe.skipIf(skipRedis)('refusals (a real redis-server)', () => {
  const redis = useRedis();
  const { closers } = redis;

  function backend(): BullMQBackend {
    const b = new BullMQBackend({
      connection: redis.url,
      queue: `refusals-${process.pid}`,
      closeTimeout: 30_000,
    });
    closers.push(() => b.close());
    return b;
  }

  it('a caller’s started() or report() that throws is a warning: not an onError, not a crash, every entry keeps its value', async () => {
    const queue = `callbacks-${process.pid}`;
    const w = await startWorker({ redis: redis.url, module: TASKS, queue, concurrency: 1 });
    closers.push(() => w.close(5_000));
    const b = new BullMQBackend({ connection: redis.url, queue, closeTimeout: 30_000 });
    closers.push(() => b.close());
    const errors: Error[] = [];
    b.onError((error) => errors.push(error));
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const broken = () => {
        throw new Error('the caller’s callback broke');
      };
      expect(await b.run({ op: 'square', n: 5 }, { signal: signal(), started: broken })).toBe(25);
      const aborted = new AbortController();
      const results = b.runMany(
        [
          { input: { op: 'square', n: 2 }, options: { signal: signal(), started: broken } },
          { input: { op: 'sleep', ms: 2_000, value: 'late' }, options: { signal: aborted.signal } },
        ],
        broken,
      );
      setTimeout(() => aborted.abort(), 300);
      const settled = await results;
      expect(settled[0]).toMatchObject({ status: 'fulfilled', value: 4 });
      expect(settled[1].status).toBe('rejected');
      await new Promise((resolve) => setImmediate(resolve));
      expect(
        warnings.some((warning) => (warning as Error & { code?: string }).code === 'POOLKIT_CALLBACK_THREW'),
      ).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a non-AbortSignal signal on BullMQBackend.run left a flight registered, so close() rejected and the process never exited: now run() refuses it, naming it, and close() resolves at once', async () => {
    const b = backend();
    await expect(b.run({ op: 'echo', value: 1 }, { signal: {} as AbortSignal })).rejects.toSatisfy(
      refusal(/bullmq: run\(\) options\.signal must be an AbortSignal/),
    );
    const begun = Date.now();
    await expect(b.close()).resolves.toBeUndefined();
    // Nothing pending: close() did not wait out its closeTimeout (30 s) for a phantom job.
    expect(Date.now() - begun).toBeLessThan(15_000);
  });

  it('run() refuses bad options with a coded error naming the field', async () => {
    const b = backend();
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /run\(\) options must be an object/],
      [null, /run\(\) options must be an object/],
      [revoked(), /run\(\) options must be an object/],
      [throwing('signal'), /options\.signal cannot be read \(boom\)/],
      [{ signal: signal(), attempt: 0 }, /options\.attempt/],
      [{ signal: signal(), task: 7 }, /options\.task/],
      [{ signal: signal(), started: 'now' }, /options\.started/],
      [{ signal: signal(), cancellable: 'yes' }, /options\.cancellable/],
    ];
    for (const [options, named] of cases) {
      await expect(b.run(1, options as never)).rejects.toSatisfy(refusal(named));
    }
    await expect(b.run(revoked(), { signal: signal() })).rejects.toSatisfy(refusal(/^input.*cannot be read/));
    await expect(b.run({ bad: throwing('x') }, { signal: signal() })).rejects.toSatisfy(
      refusal(/^input\.bad.*cannot be read/),
    );
    await expect(b.close()).resolves.toBeUndefined();
  });

  it('runMany() refuses a bad batch or report with a coded error, registering nothing', async () => {
    const b = backend();
    const cases: Array<[unknown, unknown, RegExp]> = [
      [null, undefined, /runMany\(\) batch must be an array/],
      [revoked(), undefined, /runMany\(\) batch must be an array/],
      [[], 'report', /runMany\(\) report must be a function/],
      [[null], undefined, /batch\[0\] must be an object/],
      [[{ input: 1, options: { signal: 'no' } }], undefined, /batch\[0\]\.options\.signal/],
      [
        [{ input: 1, options: { signal: signal() } }, throwing('options')],
        undefined,
        /batch\[1\]\.options cannot be read/,
      ],
    ];
    for (const [batch, report, named] of cases) {
      await expect(b.runMany(batch as never, report as never)).rejects.toSatisfy(refusal(named));
    }
    await expect(b.close()).resolves.toBeUndefined();
  });

  it('the backend and startWorker refuse unreadable options, naming the field', async () => {
    expect(() => new BullMQBackend(revoked() as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new BullMQBackend(throwing('connection') as never)).toThrow(
      /options\.connection cannot be read/,
    );
    expect(() => new BullMQBackend({ connection: throwing('keyPrefix') as never })).toThrow(
      /options\.connection\.keyPrefix cannot be read/,
    );
    for (const [options, named] of [
      [revoked(), /^options must be an object/],
      [throwing('module'), /options\.module cannot be read/],
      [
        { redis: redis.url, module: 'file://elsewhere/tasks.mjs' },
        /options\.module must be a path or file: URL/,
      ],
      [{ redis: redis.url, module: TASKS, lockMs: 2 ** 40 }, /options\.lockMs/],
      [{ redis: redis.url, module: TASKS, stalledMs: 2 ** 40 }, /options\.stalledMs/],
      [{ redis: redis.url, module: TASKS, concurrency: 1.5 }, /options\.concurrency/],
    ] as const) {
      await expect(startWorker(options as never)).rejects.toSatisfy(refusal(named));
    }
  });

  it('worker.close(graceMs) refuses a graceMs setTimeout would not honour, and the worker closes afterwards', async () => {
    const w = await startWorker({ redis: redis.url, module: TASKS, queue: `refusals-${process.pid}` });
    for (const graceMs of [-1, 2 ** 31, Number.NaN, '5']) {
      await expect(w.close(graceMs as number)).rejects.toSatisfy(refusal(/graceMs/));
    }
    await expect(w.close(1_000)).resolves.toBe('graceful');
  });
});

describe('poolkit-worker flags', () => {
  it.each([
    [['--concurrency', '0'], /--concurrency must be an integer from 1/],
    [['--lock-ms', '5'], /--lock-ms must be an integer from 100/],
    [['--grace-ms', '99999999999'], /--grace-ms must be a whole number from 0 to 2147483647/],
    [['--connect-ms', '0'], /--connect-ms must be from 1 to 2147483647, or Infinity/],
    [['--threads', 'two'], /--threads must be a whole number/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--redis', 'http://x'], /--redis must be a redis:\/\/ or rediss:\/\/ URL/],
  ])('%j exits 2 with a message naming the flag, before any connection', (args, named) => {
    const child = spawnSync(
      process.execPath,
      [CLI, '--redis', 'redis://127.0.0.1:1', '--module', TASKS, ...args],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.error).toBeUndefined();
    expect(child.status, child.stderr).toBe(2);
    expect(child.stderr).toMatch(named);
    expect(child.stderr).toMatch(/usage: poolkit-worker/);
  });
});
