/**
 * Regressions (issue 25, section 5): startWorker() with no Redis to reach never settled, handed
 * back nothing to close, and kept its process alive for ever (ioredis reconnecting). Now it
 * rejects with ERR_REDIS_UNREACHABLE within `connectMs`, ends every connection it made, and the
 * process exits by itself; poolkit-worker exits 1 saying so. No redis-server needed: port 1 on
 * 127.0.0.1 refuses every connection.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RedisUnreachableError, startWorker } from '../src/index.js';
import { TASKS } from './workers.js';

const NOWHERE = 'redis://127.0.0.1:1';
const CHILD = fileURLToPath(new URL('./fixtures/worker-no-redis.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
/** A bound that holds on a loaded 2-core machine: connectMs, ioredis's 2 s disconnectTimeout, start-up. */
const EXIT_BOUND_MS = 20_000;

describe('startWorker without Redis', () => {
  it('startWorker never settled without Redis: now it rejects with ERR_REDIS_UNREACHABLE after connectMs', async () => {
    const begun = Date.now();
    const error = await startWorker({ redis: NOWHERE, module: TASKS, connectMs: 300 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect(error).toMatchObject({
      code: 'ERR_REDIS_UNREACHABLE',
      address: '127.0.0.1:1',
      connectMs: 300,
      message: expect.stringMatching(/127\.0\.0\.1:1.*300 ms.*ECONNREFUSED/),
    });
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    // Not before connectMs (it waits for a Redis that may come), and not for ever.
    expect(Date.now() - begun).toBeGreaterThanOrEqual(290);
    expect(Date.now() - begun).toBeLessThan(EXIT_BOUND_MS);
  });

  it.each([
    ['a URL', NOWHERE, '0'],
    ['ioredis options', JSON.stringify({ host: '127.0.0.1', port: 1 }), '0'],
    ['ioredis options, with --threads', JSON.stringify({ host: '127.0.0.1', port: 1 }), '1'],
  ])(
    'a process whose startWorker found no Redis never exited: now it exits by itself (%s)',
    (_, redis, threads) => {
      const child = spawnSync(process.execPath, [CHILD, redis, '500', threads], {
        encoding: 'utf8',
        timeout: EXIT_BOUND_MS,
      });
      expect(child.error, child.stderr).toBeUndefined(); // ETIMEDOUT when it hung
      expect(child.status, child.stderr).toBe(0);
      expect(JSON.parse(child.stdout.trim())).toMatchObject({
        code: 'ERR_REDIS_UNREACHABLE',
        name: 'RedisUnreachableError',
      });
      expect(child.stderr).not.toMatch(/Unhandled error event/);
    },
  );

  it('poolkit-worker without Redis hung for ever: now it exits 1 after --connect-ms, saying why', () => {
    const child = spawnSync(
      process.execPath,
      [CLI, '--redis', NOWHERE, '--module', TASKS, '--connect-ms', '500'],
      { encoding: 'utf8', timeout: EXIT_BOUND_MS },
    );
    expect(child.error, child.stderr).toBeUndefined();
    expect(child.status).toBe(1);
    expect(child.stderr).toMatch(/ERR_REDIS_UNREACHABLE.*127\.0\.0\.1:1.*500 ms/);
  });

  it('connectMs is checked: a number of ms > 0 (or Infinity), the refusal naming it', async () => {
    for (const [value, kind] of [
      [0, RangeError],
      [-1, RangeError],
      [2 ** 31, RangeError],
      [Number.NaN, TypeError],
      ['1000', TypeError],
    ] as const) {
      await expect(
        startWorker({ redis: NOWHERE, module: TASKS, connectMs: value as number }),
      ).rejects.toSatisfy(
        (error: Error & { code?: string }) =>
          error instanceof kind &&
          /options\.connectMs/.test(error.message) &&
          (error.code === 'ERR_INVALID_ARG_TYPE' || error.code === 'ERR_INVALID_ARG_VALUE'),
      );
    }
  });
});
