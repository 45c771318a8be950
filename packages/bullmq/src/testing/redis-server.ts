/**
 * A real, throwaway Redis for tests and benchmarks (`@poolkit/bullmq/testing`): Debian's
 * `redis-server` on 127.0.0.1, on a free port, with no persistence and its working directory in a
 * fresh temporary directory (it never writes into the caller's tree). `restart()` brings it back
 * on the same port with no data, as a Redis restart without persistence does.
 *
 * Without redis-server, what needs it fails in CI (CI=true) and is skipped, saying so, elsewhere:
 *
 *     describe.skipIf(skipRedis)('...', () => {
 *       beforeAll(requireRedis); // throws in CI when redis-server is missing
 *       ...
 *     });
 *
 * Use `skipRedis`, not `!redisAvailable`, as the condition: vitest runs no hook of a file whose
 * tests are all skipped, so a skip on `!redisAvailable` would pass CI silently. For the same
 * reason importing this module warns once on stderr when redis-server is missing outside CI.
 *
 * No server outlives the process: it runs under `setpriv --pdeathsig KILL` (util-linux), so the
 * kernel kills it when the process that started it ends, however that ends (vitest's workers do not
 * always run 'exit' handlers); and one still running at a normal exit is killed there too (this
 * module adds one 'exit' listener to `process` when it is imported).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

/** The command that installs the server on Debian and Ubuntu (poolkit's `.ci/run` runs it). */
export const REDIS_INSTALL = 'apt-get install -y redis-server';

/** Where redis-server is looked for when it is not on PATH (`/usr/bin/redis-server`). */
export const REDIS_FALLBACKS: readonly string[] = ['/usr/bin/redis-server'];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on `path`, else the first executable of `fallbacks`, or undefined. */
function findExecutable(name: string, path: string, fallbacks: readonly string[]): string | undefined {
  const onPath = path
    .split(delimiter)
    .filter((d) => d !== '')
    .map((d) => join(d, name));
  return [...onPath, ...fallbacks].find(executable);
}

/**
 * The first executable file named `redis-server` in a directory of `path` (a PATH-style list),
 * else the first executable of `fallbacks`, else undefined. Only looks; runs nothing.
 *
 *     findRedisServer(); // '/usr/bin/redis-server' on Debian with the package installed
 */
export function findRedisServer(
  path = process.env.PATH ?? '',
  fallbacks: readonly string[] = REDIS_FALLBACKS,
): string | undefined {
  return findExecutable('redis-server', path, fallbacks);
}

/** util-linux's setpriv, to give each server a parent-death signal (without it, only the 'exit' hook). */
const setpriv =
  process.platform === 'linux'
    ? findExecutable('setpriv', process.env.PATH ?? '', ['/usr/bin/setpriv'])
    : undefined;

/** The redis-server {@link startRedis} runs by default: {@link findRedisServer}'s answer at import. */
export const redisServerPath: string | undefined = findRedisServer();

/** Whether {@link redisServerPath} found a redis-server. */
export const redisAvailable: boolean = redisServerPath !== undefined;

/** Whether a missing redis-server is an error rather than a reason to skip: true in CI (`CI=true`). */
export const redisRequired: boolean = process.env.CI === 'true';

/** Why what needs Redis is skipped here: where redis-server was looked for and how to install it. */
export const skipReason = `no redis-server on PATH or at ${REDIS_FALLBACKS.join(', ')} (Debian: ${REDIS_INSTALL}; .ci/run installs it)`;

/**
 * The condition for `describe.skipIf`: true only when redis-server is missing outside CI. In CI it
 * is false even without the server, so the tests run and {@link requireRedis} fails them.
 */
export const skipRedis: boolean = !redisAvailable && !redisRequired;

if (skipRedis) console.warn(`Redis tests and benchmarks skipped: ${skipReason}`);

/** The error a missing redis-server is in CI. */
function missingError(): Error {
  return new Error(
    `redis-server must be installed to run the Redis tests in CI (${REDIS_INSTALL}): ${skipReason}`,
  );
}

/**
 * Throws when redis-server is missing and required (in CI); warns on stderr when it is missing
 * elsewhere; does nothing when it is there. For a `beforeAll` of the Redis tests. (No parameters:
 * vitest reads a hook's first parameter as its fixtures; {@link checkRedis} is the same check on
 * given facts.)
 */
export function requireRedis(): void {
  checkRedis(redisAvailable, redisRequired);
}

/**
 * {@link requireRedis} on given facts: throws (naming {@link REDIS_INSTALL}) when `available` is
 * false and `required` true; warns when both are false; else does nothing.
 */
export function checkRedis(available: boolean, required: boolean): void {
  if (available) return;
  if (required) throw missingError();
  console.warn(`Redis tests skipped: ${skipReason}`);
}

/** Options of {@link startRedis}; every field is optional. */
export interface StartRedisOptions {
  /** The redis-server executable; default {@link redisServerPath}. */
  binary?: string;
  /** More command-line arguments, after the defaults (e.g. `['--maxmemory', '64mb']`). */
  args?: string[];
  /** How long to wait for the server to answer PING; default 10 s. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL; default 5 s. */
  stopTimeoutMs?: number;
}

/**
 * A running server started by {@link startRedis}. Call `stop()` when done (an `afterAll`): the
 * server would otherwise live until this process ends.
 */
export interface RedisServer {
  /** The port on 127.0.0.1; the same after `restart()`. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The server process's id; a new one after `restart()`. */
  readonly pid: number;
  /** SIGTERM, wait for the exit (SIGKILL after `stopTimeoutMs`), remove the temp directory; idempotent. */
  stop(): Promise<void>;
  /** `stop()`, then a new server on the same port, with no data. */
  restart(): Promise<void>;
}

interface Running {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly dir: string;
  /** Settles when the process has exited and its pipes are closed. */
  readonly closed: Promise<void>;
  /** The last few KB of its stdout and stderr (Redis logs to stdout). */
  readonly output: () => string;
}

/** Servers not yet stopped: killed when the process exits. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone already
    }
  }
});

const OUTPUT_TAIL = 4096;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A port that was free on 127.0.0.1 a moment ago (the kernel's pick for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Ends `running`: SIGTERM, then SIGKILL after `timeoutMs`; resolves once it is gone and its pipes closed. */
async function terminate(running: Running, timeoutMs: number): Promise<void> {
  const { child, closed } = running;
  const within = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
    try {
      return await Promise.race([closed.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  if (!exited(child)) child.kill('SIGTERM');
  if (!(await within(timeoutMs))) {
    if (!exited(child)) child.kill('SIGKILL');
    if (!(await within(5_000))) {
      // Exited, but something else holds its pipes: let go of them.
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
  }
  live.delete(child);
  rmSync(running.dir, { recursive: true, force: true });
}

/** The server's answer to PING and its `process_id`, or undefined when it does not answer (yet). */
async function ping(port: number): Promise<number | undefined> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 500,
    commandTimeout: 500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // refused while it starts: expected
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') return undefined;
    const info = await client.info('server');
    await client.quit();
    return Number(/^process_id:(\d+)/m.exec(info)?.[1]);
  } catch {
    return undefined;
  } finally {
    // A refused connection has ended already; disconnect() would leave a 2 s timer waiting for a
    // 'close' that has come and gone.
    if (client.status !== 'end') client.disconnect();
  }
}

type Attempt = { ok: true; running: Running } | { ok: false; portTaken: boolean; output: string };

/** One try at a server on `port`, until it answers PING (as itself), exits, or the deadline passes. */
async function launch(binary: string, port: number, options: StartRedisOptions): Promise<Attempt> {
  const dir = mkdtempSync(join(tmpdir(), 'poolkit-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--dir',
    dir,
    ...(options.args ?? []),
  ];
  // setpriv execs redis-server: the same process, so `child.pid` is the server's.
  const [file, argv] =
    setpriv === undefined ? [binary, args] : [setpriv, ['--pdeathsig', 'KILL', binary, ...args]];
  const child = spawn(file, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: string) => (output = (output + chunk).slice(-OUTPUT_TAIL));
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  let spawnError: Error | undefined;
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', (error) => {
      spawnError = error;
      resolve();
    });
  });
  if (child.pid === undefined) {
    await closed;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not run ${binary}: ${spawnError?.message ?? 'no pid'}`);
  }
  live.add(child);
  const running: Running = { child, pid: child.pid, dir, closed, output: () => output };
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  for (;;) {
    if (exited(child) || spawnError !== undefined) {
      await terminate(running, 1_000);
      return { ok: false, portTaken: /address already in use/i.test(output), output };
    }
    const answered = await ping(port);
    if (answered === running.pid) return { ok: true, running };
    // Another server answered on this port: ours will fail to bind (or already has).
    if (answered !== undefined && !Number.isNaN(answered)) {
      await terminate(running, 1_000);
      return { ok: false, portTaken: true, output };
    }
    if (Date.now() > deadline) {
      await terminate(running, 1_000);
      throw new Error(
        `redis-server on port ${port} did not answer PING within ${options.startTimeoutMs ?? 10_000} ms; its output:\n${output}`,
      );
    }
    await sleep(50);
  }
}

function failed(binary: string, port: number, attempt: Attempt & { ok: false }): Error {
  return new Error(`${binary} on port ${port} exited before answering PING; its output:\n${attempt.output}`);
}

/**
 * Starts redis-server on 127.0.0.1 on a free port (another port when the one picked was taken in
 * the meantime), with no persistence (`--save '' --appendonly no`), and resolves once it answers
 * PING. Rejects when redis-server is missing (in CI with the install command, see
 * {@link requireRedis}), cannot be run, exits, or does not answer within `startTimeoutMs` — and
 * then no process is left behind.
 *
 *     const redis = await startRedis();
 *     try {
 *       const backend = new BullMQBackend({ connection: redis.url });
 *       // ...
 *     } finally {
 *       await redis.stop();
 *     }
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? redisServerPath;
  if (binary === undefined) throw redisRequired ? missingError() : new Error(skipReason);
  if (!executable(binary)) throw new Error(`could not run ${binary}: not an executable file`);
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;

  let port = 0;
  let running: Running | undefined;
  for (let attempt = 1; running === undefined; attempt++) {
    port = await freePort();
    const result = await launch(binary, port, options);
    if (result.ok) running = result.running;
    else if (!result.portTaken || attempt >= 5) throw failed(binary, port, result);
  }

  let current: Running | undefined = running;
  let pid = running.pid;
  const stop = async () => {
    const stopping = current;
    current = undefined;
    if (stopping !== undefined) await terminate(stopping, stopTimeoutMs);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return pid;
    },
    stop,
    async restart() {
      await stop();
      // The same port: it was ours a moment ago, but may take a moment to be free again.
      for (let attempt = 1; ; attempt++) {
        const result = await launch(binary, port, options);
        if (result.ok) {
          current = result.running;
          pid = result.running.pid;
          return;
        }
        if (!result.portTaken || attempt >= 20) throw failed(binary, port, result);
        await sleep(100);
      }
    },
  };
}
