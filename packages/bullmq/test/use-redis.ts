// One real redis-server for the tests of a describe block, and what each test leaves to close.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type RedisServer, requireRedis, startRedis } from '../src/testing/index.js';

/**
 * Starts a redis-server before the block's tests (failing in CI when there is none: requireRedis)
 * and stops it by PID after them; after each test, closes what the test pushed on `closers`,
 * newest first. Call it inside the describe block (with `describe.skipIf(skipRedis)` around it).
 */
export function useRedis(): {
  readonly url: string;
  readonly port: number;
  /** The server itself, for tests that stop or restart it. */
  readonly server: RedisServer;
  /** Closed after each test, newest first; a failing close does not hide the test's own result. */
  readonly closers: Array<() => Promise<unknown>>;
} {
  let server: RedisServer | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    requireRedis();
    server = await startRedis();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url() {
      return (server as RedisServer).url;
    },
    get port() {
      return (server as RedisServer).port;
    },
    get server() {
      return server as RedisServer;
    },
    closers,
  };
}
