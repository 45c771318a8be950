import { InlineBackend } from '../src/index.js';
import { describeBackend, probeConformance, probeExecutor } from '../src/testing/index.js';

describeBackend(
  'InlineBackend',
  () => new InlineBackend(probeExecutor, { concurrency: 4 }),
  probeConformance,
);
