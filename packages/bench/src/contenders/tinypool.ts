/**
 * tinypool 2: every item is `pool.run(item, { name })`, all queued at once. Its default settings,
 * except where the runtime needs `useAtomics: false` (see peer-settings.ts).
 */
import { join } from 'node:path';
import type { Contender, Runner } from '../contender.js';
import { WORKERS_SKIP_IO } from './kernel-of.js';
import { importPeer } from './peer-import.js';
import { tinypoolAtomics } from './peer-settings.js';

export const tinypool: Contender<'tinypool'> = {
  id: 'tinypool',
  label: 'tinypool',
  kind: 'worker-pool',
  unsupported: (workload) => (workload.kind === 'io' ? WORKERS_SKIP_IO : undefined),
  async open({ scenario, threads, workerDir }): Promise<Runner> {
    const { default: Tinypool } = await importPeer('tinypool', () => import('tinypool'));
    const name = scenario.workload.name;
    const atomics = await tinypoolAtomics(Tinypool);
    const pool = new Tinypool({
      filename: join(workerDir, 'plain.js'),
      minThreads: threads,
      maxThreads: threads,
      ...atomics.options,
    });
    return {
      ...(atomics.notes.length > 0 ? { notes: atomics.notes } : {}),
      batch: (items) => Promise.all(items.map((item) => pool.run(item, { name }))),
      one: (item) => pool.run(item, { name }),
      close: () => pool.destroy(),
    };
  },
};
