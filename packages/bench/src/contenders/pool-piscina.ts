/** poolkit's Pool with PiscinaBackend (`@poolkit/adapters`): one task per item on worker threads. */
import { join } from 'node:path';
import { PiscinaBackend } from '@poolkit/adapters';
import { Pool } from '@poolkit/core';
import type { Contender, Runner } from '../contender.js';
import { WORKERS_SKIP_IO } from './kernel-of.js';

export const poolPiscina: Contender = {
  id: 'pool-piscina',
  label: 'poolkit Pool + PiscinaBackend',
  kind: 'poolkit',
  unsupported: (workload) => (workload.kind === 'io' ? WORKERS_SKIP_IO : undefined),
  async open({ scenario, threads, workerDir }): Promise<Runner> {
    const task = scenario.workload.name;
    const backend = new PiscinaBackend({ filename: join(workerDir, 'plain.js'), threads });
    // Defaults otherwise: concurrency = backend.concurrency (threads × 1 task per thread).
    const pool = new Pool<unknown, unknown>({ backend, capacity: Math.max(1, scenario.tasks) });
    return {
      batch: (items) => Promise.all(items.map((item) => pool.submit(item, { task }))),
      one: (item) => pool.submit(item, { task }),
      close: () => pool.close(),
    };
  },
};
