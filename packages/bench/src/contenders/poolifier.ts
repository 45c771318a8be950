/** poolifier 5: a FixedThreadPool; every item is `pool.execute(item, name)`, all queued at once. */
import { join } from 'node:path';
import type { Contender, Runner } from '../contender.js';
import { WORKERS_SKIP_IO } from './kernel-of.js';
import { importPeer } from './peer-import.js';

/** How long `destroy()` may take before its threads are terminated directly. */
const DESTROY_GRACE_MS = 3000;

/**
 * Resolves true when `promise` settles within `ms`, false otherwise. The timer is ref'd on
 * purpose: it keeps the process alive while we wait, and is cleared as soon as the race ends.
 */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
}

/** What {@link destroyPoolifier} needs of a poolifier pool. */
export interface PoolifierPool {
  destroy(): Promise<void>;
  readonly workerNodes: readonly { readonly worker: { terminate(): Promise<number> | Promise<void> } }[];
}

/**
 * Destroys a poolifier pool. Observed here with poolifier 5.3.2 (about 1 destroy in 5 on 2
 * cores): destroy() waits for a worker's kill acknowledgement that never arrives, while holding
 * nothing that keeps the process alive — the process would just end mid-run. So: wait a while,
 * then terminate the threads directly and say so in `notes` (the report shows them).
 */
export async function destroyPoolifier(pool: PoolifierPool, notes: string[]): Promise<void> {
  if (!(await settlesWithin(pool.destroy(), DESTROY_GRACE_MS))) {
    notes.push(
      `destroy() had not settled after ${DESTROY_GRACE_MS} ms; its threads were terminated directly`,
    );
    await Promise.all(pool.workerNodes.map((node) => node.worker.terminate()));
  }
}

export const poolifier: Contender<'poolifier'> = {
  id: 'poolifier',
  label: 'poolifier',
  kind: 'worker-pool',
  unsupported: (workload) => (workload.kind === 'io' ? WORKERS_SKIP_IO : undefined),
  async open({ scenario, threads, workerDir }): Promise<Runner> {
    const { FixedThreadPool } = await importPeer('poolifier', () => import('poolifier'));
    const name = scenario.workload.name;
    const pool = new FixedThreadPool<unknown, unknown>(threads, join(workerDir, 'poolifier.js'), {
      errorHandler: () => {},
    });
    const notes: string[] = [];
    return {
      notes,
      batch: (items) => Promise.all(items.map((item) => pool.execute(item, name))),
      one: (item) => pool.execute(item, name),
      async close() {
        await destroyPoolifier(pool, notes);
      },
    };
  },
};
