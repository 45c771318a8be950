/** Raw piscina 5: every item is `piscina.run(item, { name })`, all queued at once. */
import { join } from 'node:path';
import type { Contender, Runner } from '../contender.js';
import { WORKERS_SKIP_IO } from './kernel-of.js';
import { importPeer } from './peer-import.js';

export const piscina: Contender<'piscina'> = {
  id: 'piscina',
  label: 'piscina',
  kind: 'worker-pool',
  unsupported: (workload) => (workload.kind === 'io' ? WORKERS_SKIP_IO : undefined),
  async open({ scenario, threads, workerDir }): Promise<Runner> {
    const { Piscina } = await importPeer('piscina', () => import('piscina'));
    const name = scenario.workload.name;
    // Threads started up front and kept: no contender pays thread start-up inside a timed batch.
    const pool = new Piscina({
      filename: join(workerDir, 'plain.js'),
      minThreads: threads,
      maxThreads: threads,
    });
    return {
      batch: (items) => Promise.all(items.map((item) => pool.run(item, { name }))),
      one: (item) => pool.run(item, { name }),
      close: () => pool.close(),
    };
  },
};
