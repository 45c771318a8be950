/**
 * The Redis server and the poolkit-worker processes of the distributed scenario, shared by its
 * contenders: started on first use, stopped when the last contender lets go — or at once by
 * {@link stopCluster}, which the CLI calls on SIGINT, SIGTERM and on an unexpected error.
 *
 *   acquire({ workers: 1 }) ──▶ redis-server (startRedis of @poolkit/bullmq/testing)
 *                           ──▶ group "1w-c4": 1 poolkit-worker on queue bench-1w-c4
 *   acquire({ workers: 2 }) ──▶ group "2w-c4": 2 poolkit-workers on queue bench-2w-c4
 *   release() of the last lease ──▶ every worker stopped, then Redis
 *
 * Contenders with the same group (batched and unbatched) share its queue and processes; the
 * harness runs one contender at a time, so they never compete for them. Should the bench die
 * without stopping anything, Redis dies with it (`setpriv --pdeathsig KILL`) and each worker stops
 * when its IPC channel closes.
 */
import type { RedisServer } from '@poolkit/bullmq/testing';
import { SkipError } from '../contender.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

/** A set of poolkit-worker processes on one queue of the shared Redis. */
export interface WorkerGroup {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly queue: string;
  readonly pids: readonly number[];
}

/** What a contender asks for. */
export interface GroupSpec {
  /** poolkit-worker processes. */
  readonly workers: number;
  /** Jobs each runs at once (`--concurrency`). */
  readonly concurrency: number;
  /** The task module the workers load. */
  readonly module: string;
  /** Worker threads each process runs its tasks on (`--threads`); undefined = its main thread. */
  readonly threads?: number;
  /** Node flags of the worker processes (tsx for a TypeScript module); undefined = this process's. */
  readonly execArgv?: readonly string[];
  /** The queue's name; undefined = `bench-<workers>w-c<concurrency>`. */
  readonly queue?: string;
  /**
   * An existing Redis (`redis://…`) to use instead of starting a throwaway server. The first
   * acquire of a cluster decides; every spec while it lives must agree.
   */
  readonly redis?: string;
}

/** A contender's hold on the cluster: `release()` once, when it closes (idempotent). */
export interface Lease {
  readonly group: WorkerGroup;
  release(): Promise<void>;
}

/** A process the cluster started, for tests that check nothing outlives a run. */
export interface StartedProcess {
  readonly kind: 'redis-server' | 'poolkit-worker';
  readonly pid: number;
}

/** The Redis a cluster uses: a server it started, or one it was pointed at (stopping that does nothing). */
type ClusterRedis = Pick<RedisServer, 'url' | 'stop'>;

interface Cluster {
  readonly redis: Promise<ClusterRedis>;
  readonly groups: Map<string, Promise<WorkerProcess[]>>;
  leases: number;
}

let cluster: Cluster | undefined;
const started: StartedProcess[] = [];

/** Every process started so far in this process, in start order (stopped ones included). */
export function startedProcesses(): readonly StartedProcess[] {
  return [...started];
}

/**
 * What a missing redis-server is: undefined when `available`; else, in CI (`required`), a plain
 * error — the contender fails and so does the run — and elsewhere a {@link SkipError}: the
 * contender is reported skipped with `reason` (where it was looked for, how to install it).
 */
export function missingRedis(available: boolean, required: boolean, reason: string): Error | undefined {
  if (available) return undefined;
  if (required) return new Error(`redis-server must be installed in CI (CI=true): ${reason}`);
  return new SkipError(reason);
}

/** A redis-server from `@poolkit/bullmq/testing`; rejects with {@link missingRedis}'s error without one. */
async function startServer(): Promise<RedisServer> {
  const testing = await import('@poolkit/bullmq/testing');
  const missing = missingRedis(testing.redisAvailable, testing.redisRequired, testing.skipReason);
  if (missing !== undefined) throw missing;
  const server = await testing.startRedis();
  started.push({ kind: 'redis-server', pid: server.pid });
  return server;
}

async function startGroup(url: string, queue: string, spec: GroupSpec): Promise<WorkerProcess[]> {
  const results = await Promise.allSettled(
    Array.from({ length: spec.workers }, () =>
      startWorkerProcess({
        url,
        queue,
        module: spec.module,
        concurrency: spec.concurrency,
        ...(spec.threads === undefined ? {} : { threads: spec.threads }),
        ...(spec.execArgv === undefined ? {} : { execArgv: spec.execArgv }),
      }).then((w) => {
        started.push({ kind: 'poolkit-worker', pid: w.pid });
        return w;
      }),
    ),
  );
  const up = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(up.map((w) => w.stop()));
    throw failure.reason;
  }
  return up;
}

/**
 * Redis (started on the first call) and the group `spec` names (started on its first call), held
 * until `release()`. Rejects with {@link SkipError} when redis-server is missing outside CI; a
 * failed acquire holds nothing.
 */
export async function acquire(spec: GroupSpec): Promise<Lease> {
  const external = spec.redis;
  cluster ??= {
    redis: external === undefined ? startServer() : Promise.resolve({ url: external, stop: async () => {} }),
    groups: new Map(),
    leases: 0,
  };
  const held = cluster;
  held.leases++;
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    held.leases--;
    if (held.leases === 0 && cluster === held) await stopCluster();
  };
  try {
    const redis = await held.redis;
    const queue = spec.queue ?? `bench-${spec.workers}w-c${spec.concurrency}`;
    const key = queue;
    let group = held.groups.get(key);
    if (group === undefined) {
      group = startGroup(redis.url, queue, spec);
      held.groups.set(key, group);
    }
    const workers = await group;
    return { group: { url: redis.url, queue, pids: workers.map((w) => w.pid) }, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Stops every worker process, then Redis, whatever still holds a lease (their `release()` then
 * does nothing); waits for starts in progress first. Resolves once all of them have exited.
 */
export async function stopCluster(): Promise<void> {
  const stopping = cluster;
  if (stopping === undefined) return;
  cluster = undefined;
  const groups = await Promise.allSettled(stopping.groups.values());
  await Promise.all(groups.flatMap((g) => (g.status === 'fulfilled' ? g.value : [])).map((w) => w.stop()));
  const redis = await stopping.redis.catch(() => undefined);
  await redis?.stop();
}
