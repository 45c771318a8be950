/**
 * What the contenders of a task run are given: the loaded task and how to run it. A leaf of the
 * task modules (types and one helper), so contenders, the runner and the recommendation share it.
 */
import type { Runner } from '../contender.js';
import type { LoadedTask } from './load.js';
import type { Wrappers } from './wrappers.js';

/** A Rust kernel to compare (`--library`, `--kernel`). */
export interface NativeTarget {
  /** Path of the kernel library (a `cdylib` built against poolkit's kernel SDK). */
  readonly library: string;
  /** The kernel in it that computes what the task computes. */
  readonly kernel: string;
}

/** Everything a task contender needs to open. */
export interface TaskSetup {
  readonly task: LoadedTask;
  /** True when the task returned a promise on the main thread. */
  readonly async: boolean;
  /** Worker threads per pool, tasks in flight per in-process queue. */
  readonly threads: number;
  /** Tasks per batch. */
  readonly tasks: number;
  /** Node flags for worker threads (tsx for a TypeScript task); undefined = each library's default. */
  readonly execArgv: readonly string[] | undefined;
  /** Where peers are looked up (the user's project). */
  readonly projectDir: string;
  /** dist/workers of this package. */
  readonly workerDir: string;
  /** The generated wrapper modules of the peers. */
  readonly wrappers: Wrappers;
  /** The per-task limit, ms. */
  readonly limitMs: number;
  /** Why the inputs cannot go to a thread (the first one that cannot be cloned), or undefined. */
  readonly uncloneable: string | undefined;
  /** The Rust kernel to compare, if one was named. */
  readonly native: NativeTarget | undefined;
  /** Where Redis is for BullMQ (`redis://…`), `local` for a throwaway server, or undefined: no BullMQ. */
  readonly redis: string | undefined;
}

/** The export a Pool task names: undefined for the default export. */
export function taskName(setup: Pick<TaskSetup, 'task'>): string | undefined {
  return setup.task.exportName === 'default' ? undefined : setup.task.exportName;
}

/** A runner that can also be stopped at once (after a task ran past the limit). */
export interface TaskRunner extends Runner {
  /** Ends every thread at once; used instead of close() after a task was cut. */
  stop?(): Promise<void>;
}
