import { FairQueue } from '../src/fair-queue.js';
import { describeQueue, FIFO, fairByKey } from '../src/testing/index.js';

// Three keys interleaved: every order check sees keys take turns.
describeQueue('FairQueue', ({ capacity }) => new FairQueue<number>({ capacity }), {
  order: fairByKey((item) => `k${item % 3}`),
  capacities: [1, 3, 8, Number.POSITIVE_INFINITY],
  numRuns: 80,
});

// One key (or none): a FairQueue is a FIFO queue.
describeQueue('FairQueue with one key', ({ capacity }) => new FairQueue<number>({ capacity }), {
  order: FIFO,
  capacities: [1, 3, Number.POSITIVE_INFINITY],
  numRuns: 50,
});
