/**
 * Pool + BullMQBackend for a user's task (`--redis <url>`, or `--redis local`): tasks go as BullMQ
 * jobs through Redis to one local poolkit-worker process, which loads the user's module and runs
 * the jobs on `threads` worker threads (`poolkit-worker --threads`). Two set-ups, as in the
 * suite: one task per job (`maxBatch: 1`) and adaptive batching; both share the process and a
 * queue named for this run. `local` starts a throwaway redis-server (127.0.0.1, no persistence),
 * stopped with the workers when the last contender closes.
 *
 * Jobs carry JSON: an input JSON cannot write sits these contenders out (see `jsonProblem`).
 */
import { SkipError } from '../contender.js';
import { acquire } from '../distributed/cluster.js';
import { leasedPool } from '../distributed/leased-pool.js';
import { errorText } from './errors.js';
import { type TaskRunner, type TaskSetup, taskName } from './setup.js';

/** The queue of this process's task runs: unique, so a shared Redis never mixes two runs. */
const QUEUE = `poolkit-bench-task-${process.pid}-${Date.now().toString(36)}`;

/** Why `items` cannot travel as BullMQ jobs (the first input JSON cannot carry), or undefined. */
export async function jsonProblem(items: readonly unknown[]): Promise<string | undefined> {
  const { checkJson } = await import('@poolkit/bullmq');
  for (let i = 0; i < items.length; i++) {
    try {
      checkJson(items[i]);
    } catch (error) {
      return `input #${i} cannot travel as a BullMQ job (JSON): ${errorText(error)}`;
    }
  }
  return undefined;
}

/** Opens a Pool + BullMQBackend runner on the setup's Redis; `maxBatch` undefined = adaptive. */
export async function openTaskBullmq(s: TaskSetup, maxBatch: number | undefined): Promise<TaskRunner> {
  if (s.redis === undefined) throw new SkipError('no Redis named');
  const lease = await acquire({
    workers: 1,
    concurrency: s.threads,
    threads: s.threads,
    module: s.task.path,
    queue: QUEUE,
    ...(s.execArgv === undefined ? {} : { execArgv: s.execArgv }),
    ...(s.redis === 'local' ? {} : { redis: s.redis }),
  });
  const pool = await leasedPool(lease, s.tasks, maxBatch);
  const task = taskName(s);
  const options = task === undefined ? undefined : { task };
  const close = async (how: 'close' | 'stop') => {
    try {
      await (how === 'close' ? pool.close() : pool.stop());
    } finally {
      await lease.release();
    }
  };
  return {
    batch: (items) => Promise.all(items.map((item) => pool.submit(item, options))),
    one: (item) => pool.submit(item, options),
    close: () => close('close'),
    stop: () => close('stop'),
  };
}
