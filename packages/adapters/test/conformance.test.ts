import { fileURLToPath } from 'node:url';
import { describeBackend, probeConformance, probeCrash } from '@poolkit/core/testing';
import { PiscinaBackend } from '../src/index.js';

const PROBE = fileURLToPath(new URL('./fixtures/probe-worker.mjs', import.meta.url));

describeBackend('PiscinaBackend (2 threads)', () => new PiscinaBackend({ filename: PROBE, threads: 2 }), {
  ...probeConformance,
  crash: probeCrash,
});

describeBackend(
  'PiscinaBackend (1 thread × 4 tasks per worker)',
  () => new PiscinaBackend({ filename: PROBE, threads: 1, concurrentTasksPerWorker: 4 }),
  { ...probeConformance, crash: probeCrash },
);
