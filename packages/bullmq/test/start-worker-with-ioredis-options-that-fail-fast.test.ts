/**
 * Regression (issue 25 §5, from an adversarial run): valid ioredis options made startWorker fail
 * with an uncoded error — `enableOfflineQueue: false` even with Redis up ("Stream isn't
 * writeable"), `lazyConnect: true` and a `retryStrategy` that gives up ("Connection is closed.",
 * the first keeping the process alive 15 s). The first two are refused by name (a worker must
 * connect and wait); a connection that gives up is ERR_REDIS_UNREACHABLE with its cause. No
 * redis-server needed: port 1 on 127.0.0.1 refuses every connection.
 */
import { describe, expect, it } from 'vitest';
import { startWorker } from '../src/index.js';
import { TASKS } from './workers.js';

const NOWHERE = { host: '127.0.0.1', port: 1 };

describe('startWorker with ioredis options that fail fast', () => {
  it.each([
    ['enableOfflineQueue: false', { enableOfflineQueue: false }, /enableOfflineQueue/],
    ['lazyConnect: true', { lazyConnect: true }, /lazyConnect/],
  ])('%s is refused by name before any connection', async (_what, extra, named) => {
    const error = await startWorker({
      redis: { ...NOWHERE, ...extra },
      module: TASKS,
      connectMs: 2_000,
    }).then(
      () => undefined,
      (thrown: unknown) => thrown as Error & { code?: string },
    );
    expect(error).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(error?.message).toMatch(named);
  });

  it('a retryStrategy that gives up: ERR_REDIS_UNREACHABLE at once, its cause kept', async () => {
    const begun = Date.now();
    const error = await startWorker({
      redis: { ...NOWHERE, retryStrategy: () => null },
      module: TASKS,
      connectMs: 10_000,
    }).then(
      () => undefined,
      (thrown: unknown) => thrown as Error & { code?: string },
    );
    expect(error).toMatchObject({ code: 'ERR_REDIS_UNREACHABLE' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(Date.now() - begun).toBeLessThan(9_000); // it did not wait out connectMs
  });
});
