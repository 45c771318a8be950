/**
 * The real-Redis helper: a server that answers, loses its data on restart() but keeps its port,
 * and is gone after stop(): port refused, process ended, temporary directory removed. Without
 * redis-server this file fails in CI (CI=true) and is skipped, saying so, elsewhere.
 */

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkRedis,
  findRedisServer,
  REDIS_INSTALL,
  type RedisServer,
  redisAvailable,
  redisRequired,
  requireRedis,
  skipReason,
  skipRedis,
  startRedis,
} from '../src/testing/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'poolkit-redis-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = join(scratch, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** True while `pid` runs (a zombie, ended but not yet reaped, does not count). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The error code of a TCP connection to 127.0.0.1:`port`, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('finding redis-server, and failing without it in CI', () => {
  it('finds redis-server on PATH, then at the fallbacks, else nothing', () => {
    const a = mkdtempSync(join(scratch, 'a-'));
    const b = mkdtempSync(join(scratch, 'b-'));
    writeFileSync(join(a, 'redis-server'), ''); // not executable
    const fallback = script('fallback-redis-server', 'exit 0');
    expect(findRedisServer(`${a}:${b}`, [])).toBeUndefined();
    expect(findRedisServer(`${a}:${b}`, [join(scratch, 'nothing'), fallback])).toBe(fallback);
    const onPath = script('b-redis', 'exit 0');
    writeFileSync(join(b, 'redis-server'), readFileSync(onPath));
    chmodSync(join(b, 'redis-server'), 0o755);
    expect(findRedisServer(`${a}:${b}`, [fallback])).toBe(join(b, 'redis-server'));
    expect(findRedisServer('', [])).toBeUndefined();
  });

  it('throws in CI when redis-server is missing, naming the install command; warns elsewhere', () => {
    expect(() => checkRedis(false, true)).toThrow(/must be installed.*apt-get install -y redis-server/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(() => checkRedis(false, false)).not.toThrow();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(REDIS_INSTALL));
    } finally {
      warn.mockRestore();
    }
    expect(() => checkRedis(true, true)).not.toThrow();
    expect(skipReason).toContain(REDIS_INSTALL);
    // The Redis tests are skipped only outside CI: in CI they run and fail without the server.
    expect(skipRedis).toBe(!redisAvailable && !redisRequired);
  });

  it('rejects when the given redis-server cannot be run', async () => {
    await expect(startRedis({ binary: join(scratch, 'no-such-redis-server') })).rejects.toThrow(
      /could not run .*no-such-redis-server/,
    );
  });
});

describe.skipIf(skipRedis)('a real redis-server', () => {
  beforeAll(requireRedis);

  const clients: Redis[] = [];
  function client(url: string): Redis {
    const c = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    c.on('error', () => {}); // a stopped server: the command's rejection says it
    clients.push(c);
    return c;
  }
  afterEach(async () => {
    // A client of a stopped server has ended already: disconnect() would only leave a timer behind.
    await Promise.all(
      clients
        .splice(0)
        .map(async (c) =>
          c.status === 'ready' ? void (await c.quit()) : c.status !== 'end' && c.disconnect(),
        ),
    );
  });

  let server: RedisServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('starts on 127.0.0.1 with no persistence, in its own temporary directory, and answers', async () => {
    server = await startRedis();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(alive(server.pid)).toBe(true);
    const redis = client(server.url);
    expect(await redis.set('greeting', 'hello')).toBe('OK');
    expect(await redis.get('greeting')).toBe('hello');
    expect(await redis.config('GET', 'save')).toEqual(['save', '']);
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    const [, dir] = (await redis.config('GET', 'dir')) as string[];
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(dir)).toBe(true);
  });

  it('restart() loses the data and answers again on the same port, as a new process', async () => {
    if (server === undefined) server = await startRedis();
    const { port, pid } = server;
    const before = client(server.url);
    await before.set('key', 'value');
    const [, oldDir] = (await before.config('GET', 'dir')) as string[];
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(alive(pid)).toBe(false);
    expect(existsSync(oldDir)).toBe(false);
    const after = client(server.url);
    expect(await after.ping()).toBe('PONG');
    expect(await after.get('key')).toBeNull();
    expect(await after.dbsize()).toBe(0);
  });

  it('stop() ends the process, refuses the port and removes its directory; a second stop() is a no-op', async () => {
    if (server === undefined) server = await startRedis();
    const redis = client(server.url);
    const [, dir] = (await redis.config('GET', 'dir')) as string[];
    const { pid, port } = server;
    await server.stop();
    expect(alive(pid)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    expect(existsSync(dir)).toBe(false);
    await server.stop();
  });

  it('rejects with the server output when it exits at once', async () => {
    await expect(startRedis({ args: ['--no-such-directive', 'x'] })).rejects.toThrow(
      /exited before answering PING[\s\S]*Bad directive/,
    );
  });

  it('rejects, and ends the process, when nothing answers PING in time', async () => {
    const pidFile = join(scratch, 'silent.pid');
    const silent = script(
      'silent-redis-server',
      `echo $$ > ${pidFile}; echo listening, honest; exec sleep 30`,
    );
    await expect(startRedis({ binary: silent, startTimeoutMs: 500 })).rejects.toThrow(
      /did not answer PING within 500 ms[\s\S]*listening, honest/,
    );
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});
