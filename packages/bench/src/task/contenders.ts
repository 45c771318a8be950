/**
 * The contenders of a task run, in one list ({@link TASK_CONTENDER_LIST}, table order): the floor,
 * poolkit's Pool on each backend that can run a user's function, then the peers. Their ids are
 * the suite's (`--backend` takes the same names), so the harness, the verdict and the report
 * writers serve both. `where` says where the task runs: `main` (this thread), `threads` (worker
 * threads: inputs and outputs are structured-cloned), `native` (a Rust kernel instead of the
 * function) or `process` (poolkit-worker processes through Redis).
 */
import { Pool } from '@poolkit/core';
import type { ContenderKind } from '../contender.js';
import { tinypoolAtomics, workerpoolType } from '../contenders/peer-settings.js';
import { openPiscinaTarget, type PoolPiscinaSetup } from '../contenders/pool-piscina.js';
import { destroyPoolifier } from '../contenders/poolifier.js';
import type { ContenderId } from '../contenders/registry.js';
import { openTaskBullmq } from './bullmq.js';
import { openTaskNative } from './native.js';
import { importPeer, memberOf, requirePeer } from './peers.js';
import { type TaskRunner, type TaskSetup, taskName } from './setup.js';

/** One contender of a task run. */
export interface TaskContenderSpec<Id extends ContenderId = ContenderId> {
  /** Its id, the suite's for the same set-up (what `--backend` takes). */
  readonly id: Id;
  /** Shown in tables and charts. */
  readonly label: string;
  /** The floor, poolkit, a worker-thread peer or an in-process peer (colours the chart). */
  readonly kind: ContenderKind;
  /** Where the task runs (see the module comment). */
  readonly where: 'main' | 'threads' | 'native' | 'process';
  /** Why it sits this task out, or undefined. */
  unsupported(setup: TaskSetup): string | undefined;
  /** Sets up a runner; throws SkipError when something it needs is missing (a peer, Redis). */
  open(setup: TaskSetup): Promise<TaskRunner>;
}

/** Why fastq and p-queue sit out a synchronous task. */
const SYNC_TASK =
  'the task is synchronous: an in-process queue runs it one call at a time on the main thread, like the floor (fastq and p-queue take part for async tasks)';

const always = (): undefined => undefined;

/** Why the NativeBackend rows sit out a run without a kernel. */
const NO_NATIVE = 'no Rust kernel named: pass --library <path> --kernel <name> to compare one';
/** Why the BullMQ rows sit out a run without Redis. */
const NO_REDIS =
  'no Redis named: pass --redis <url>, or --redis local for a throwaway redis-server, to compare';

/** The task function called on each item, one after another, on this thread. */
function floorRunner(setup: TaskSetup): TaskRunner {
  const { fn } = setup.task;
  if (setup.async) {
    return {
      async batch(items) {
        const out = new Array<unknown>(items.length);
        for (let i = 0; i < items.length; i++) out[i] = await fn(items[i]);
        return out;
      },
      one: async (item) => fn(item),
      async close() {},
    };
  }
  return {
    async batch(items) {
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = fn(items[i]);
      return out;
    },
    one: async (item) => fn(item),
    async close() {},
  };
}

/** A Pool + PiscinaBackend contender on the user's module. */
function poolPiscina<Id extends ContenderId>(
  id: Id,
  label: string,
  setup: PoolPiscinaSetup,
): TaskContenderSpec<Id> {
  return {
    id,
    label,
    kind: 'poolkit',
    where: 'threads',
    unsupported: always,
    async open(s) {
      const runner = openPiscinaTarget(
        {
          filename: s.task.path,
          task: taskName(s),
          threads: s.threads,
          tasks: s.tasks,
          ...(s.execArgv === undefined ? {} : { execArgv: s.execArgv }),
        },
        setup,
      );
      return runner;
    },
  };
}

/** The execArgv option of a peer's threads, when the task needs one (tsx). */
const withExecArgv = (s: TaskSetup) => (s.execArgv === undefined ? {} : { execArgv: [...s.execArgv] });

/**
 * The two rows of an opt-in backend (NativeBackend with a kernel, BullMQBackend with a Redis): one
 * task per call (`maxBatch: 1`, "one task per message/job") and the Pool's adaptive batching
 * (`<id>-batched`), both opened by `open` and sitting out a run for the same reason.
 */
function optInPair<Id extends 'pool-native' | 'pool-bullmq-1w'>(
  id: Id,
  label: string,
  where: 'native' | 'process',
  open: (s: TaskSetup, maxBatch: number | undefined) => Promise<TaskRunner>,
  unsupported: (s: TaskSetup) => string | undefined,
): [TaskContenderSpec<Id>, TaskContenderSpec<`${Id}-batched`>] {
  const unit = where === 'native' ? 'message' : 'job';
  return [
    {
      id,
      label: `${label} (one task per ${unit})`,
      kind: 'poolkit',
      where,
      unsupported,
      open: (s) => open(s, 1),
    },
    {
      id: `${id}-batched`,
      label: `${label} (batched)`,
      kind: 'poolkit',
      where,
      unsupported,
      open: (s) => open(s, undefined),
    },
  ];
}

/**
 * Every contender of a task run, in table order. The ids are the suite's; the list is the only
 * place a task contender is named (ids, `--backend` choices and the table order come from it).
 */
export const TASK_CONTENDER_LIST = [
  {
    id: 'floor',
    label: 'floor: main thread, one call after another',
    kind: 'floor',
    where: 'main',
    unsupported: always,
    open: async (s) => floorRunner(s),
  } satisfies TaskContenderSpec<'floor'>,
  {
    id: 'pool-inline',
    label: 'poolkit Pool + InlineBackend',
    kind: 'poolkit',
    where: 'main',
    unsupported: always,
    async open(s) {
      const { fn } = s.task;
      const pool = new Pool<unknown, unknown>({
        executor: (item) => fn(item),
        concurrency: s.threads,
        capacity: Math.max(1, s.tasks),
      });
      return {
        batch: (items) => Promise.all(items.map((item) => pool.submit(item))),
        one: (item) => pool.submit(item),
        close: () => pool.close(),
        stop: () => pool.stop(),
      };
    },
  } satisfies TaskContenderSpec<'pool-inline'>,
  poolPiscina('pool-piscina', 'poolkit Pool + PiscinaBackend (one task per message)', {
    maxBatch: 1,
    entry: 'submit',
  }),
  poolPiscina('pool-piscina-batched', 'poolkit Pool + PiscinaBackend (batched)', { entry: 'submit' }),
  poolPiscina('pool-piscina-submitall', 'poolkit Pool + PiscinaBackend (submitAll)', { entry: 'submitAll' }),
  ...optInPair('pool-native', 'poolkit Pool + NativeBackend', 'native', openTaskNative, (s) =>
    s.native === undefined ? NO_NATIVE : undefined,
  ),
  ...optInPair(
    'pool-bullmq-1w',
    'poolkit Pool + BullMQBackend, 1 local worker process',
    'process',
    openTaskBullmq,
    (s) => (s.redis === undefined ? NO_REDIS : undefined),
  ),
  {
    id: 'piscina',
    label: 'piscina',
    kind: 'worker-pool',
    where: 'threads',
    unsupported: always,
    async open(s) {
      const ns = await importPeer('piscina', s.projectDir);
      const Piscina = memberOf<typeof import('piscina').Piscina>(ns, 'Piscina');
      const pool = new Piscina({
        filename: s.wrappers.defaultExport(),
        minThreads: s.threads,
        maxThreads: s.threads,
        ...withExecArgv(s),
      });
      return {
        batch: (items) => Promise.all(items.map((item) => pool.run(item))),
        one: (item) => pool.run(item),
        close: () => pool.close(),
        stop: () => pool.destroy(),
      };
    },
  } satisfies TaskContenderSpec<'piscina'>,
  {
    id: 'tinypool',
    label: 'tinypool',
    kind: 'worker-pool',
    where: 'threads',
    unsupported: always,
    async open(s) {
      const ns = await importPeer('tinypool', s.projectDir);
      const Tinypool = (ns.default ?? ns.Tinypool) as typeof import('tinypool').default;
      const atomics = await tinypoolAtomics(Tinypool);
      const pool = new Tinypool({
        filename: s.wrappers.defaultExport(),
        minThreads: s.threads,
        maxThreads: s.threads,
        ...withExecArgv(s),
        ...atomics.options,
      });
      return {
        ...(atomics.notes.length > 0 ? { notes: [...atomics.notes] } : {}),
        batch: (items) => Promise.all(items.map((item) => pool.run(item))),
        one: (item) => pool.run(item),
        close: () => pool.destroy(),
      };
    },
  } satisfies TaskContenderSpec<'tinypool'>,
  {
    id: 'workerpool',
    label: 'workerpool',
    kind: 'worker-pool',
    where: 'threads',
    unsupported: always,
    async open(s) {
      const peer = requirePeer('workerpool', s.projectDir);
      const ns = await importPeer('workerpool', s.projectDir);
      const type = await workerpoolType();
      const pool = memberOf<typeof import('workerpool').pool>(ns, 'pool')(s.wrappers.workerpool(peer.url), {
        ...type.options,
        minWorkers: s.threads,
        maxWorkers: s.threads,
        ...(s.execArgv === undefined ? {} : { workerThreadOpts: { execArgv: [...s.execArgv] } }),
      });
      // workerpool's promises are its own thenables: wrap them so Promise.all sees native ones.
      const run = (item: unknown): Promise<unknown> => Promise.resolve(pool.exec('task', [item]));
      return {
        ...(type.notes.length > 0 ? { notes: [...type.notes] } : {}),
        batch: (items) => Promise.all(items.map(run)),
        one: run,
        close: async () => {
          await pool.terminate();
        },
        stop: async () => {
          await pool.terminate(true);
        },
      };
    },
  } satisfies TaskContenderSpec<'workerpool'>,
  {
    id: 'poolifier',
    label: 'poolifier',
    kind: 'worker-pool',
    where: 'threads',
    unsupported: always,
    async open(s) {
      const peer = requirePeer('poolifier', s.projectDir);
      const ns = await importPeer('poolifier', s.projectDir);
      const FixedThreadPool = memberOf<typeof import('poolifier').FixedThreadPool>(ns, 'FixedThreadPool');
      const pool = new FixedThreadPool<unknown, unknown>(s.threads, s.wrappers.poolifier(peer.url, s.async), {
        errorHandler: () => {},
        ...(s.execArgv === undefined ? {} : { workerOptions: { execArgv: [...s.execArgv] } }),
      });
      const notes: string[] = [];
      return {
        notes,
        batch: (items) => Promise.all(items.map((item) => pool.execute(item))),
        one: (item) => pool.execute(item),
        close: () => destroyPoolifier(pool, notes),
      };
    },
  } satisfies TaskContenderSpec<'poolifier'>,
  {
    id: 'fastq',
    label: 'fastq (promise)',
    kind: 'in-process',
    where: 'main',
    unsupported: (s) => (s.async ? undefined : SYNC_TASK),
    async open(s) {
      const ns = await importPeer('fastq', s.projectDir);
      const promise = memberOf<typeof import('fastq').promise>(ns, 'promise');
      const { fn } = s.task;
      const queue = promise(async (item: unknown) => fn(item), s.threads);
      return {
        batch: (items) => Promise.all(items.map((item) => queue.push(item))),
        one: (item) => queue.push(item),
        close: () => queue.drained(),
        stop: async () => queue.killAndDrain(),
      };
    },
  } satisfies TaskContenderSpec<'fastq'>,
  {
    id: 'p-queue',
    label: 'p-queue',
    kind: 'in-process',
    where: 'main',
    unsupported: (s) => (s.async ? undefined : SYNC_TASK),
    async open(s) {
      const ns = await importPeer('p-queue', s.projectDir);
      const PQueue = ns.default as typeof import('p-queue').default;
      const { fn } = s.task;
      const queue = new PQueue({ concurrency: s.threads });
      return {
        batch: (items) => Promise.all(items.map((item) => queue.add(() => fn(item)))),
        one: (item) => queue.add(() => fn(item)),
        close: () => queue.onIdle(),
        stop: async () => queue.clear(),
      };
    },
  } satisfies TaskContenderSpec<'p-queue'>,
] as const satisfies readonly TaskContenderSpec[];

/** The id of a task contender: what `--backend` takes with `--task`. */
export type TaskContenderId = (typeof TASK_CONTENDER_LIST)[number]['id'];

/** Every task contender id, in table order. */
export const TASK_CONTENDER_IDS: readonly TaskContenderId[] = TASK_CONTENDER_LIST.map((c) => c.id);
