/**
 * workerpool 10 (worker_threads): every item is `pool.exec(name, [item])`, all queued at once.
 * Where its thread workers cannot hear the pool, Web Workers instead (see peer-settings.ts).
 */
import { join } from 'node:path';
import type { Contender, Runner } from '../contender.js';
import { WORKERS_SKIP_IO } from './kernel-of.js';
import { importPeer } from './peer-import.js';
import { workerpoolType } from './peer-settings.js';

export const workerpool: Contender<'workerpool'> = {
  id: 'workerpool',
  label: 'workerpool',
  kind: 'worker-pool',
  unsupported: (workload) => (workload.kind === 'io' ? WORKERS_SKIP_IO : undefined),
  async open({ scenario, threads, workerDir }): Promise<Runner> {
    const { default: wp } = await importPeer('workerpool', () => import('workerpool'));
    const name = scenario.workload.name;
    const type = await workerpoolType();
    const pool = wp.pool(join(workerDir, 'workerpool.js'), {
      ...type.options,
      minWorkers: threads,
      maxWorkers: threads,
    });
    // workerpool's promises are its own thenables: wrap them so Promise.all sees native ones.
    const run = (item: unknown): Promise<unknown> => Promise.resolve(pool.exec(name, [item]));
    return {
      ...(type.notes.length > 0 ? { notes: type.notes } : {}),
      batch: (items) => Promise.all(items.map(run)),
      one: run,
      close: async () => {
        await pool.terminate();
      },
    };
  },
};
