import { describeBackend } from '@poolkit/core/testing';
import { NativeBackend } from '../src/index.js';

// spin: a pair [f, d] → division count. The slow input runs ~0.5 s on one pool thread, so an
// abort lands while it runs (the backend rejects at once; the thread finishes the item and drops it).
describeBackend('NativeBackend (spin)', () => new NativeBackend({ kernel: 'spin' }), {
  samples: [
    { input: [1024, 2], output: 10 },
    { input: [1e6, 10], output: 6 },
    { input: [5, 0.5], output: -1 },
  ],
  failing: { input: 'not a pair' as never, name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' },
  slow: [1e300, 1.00001],
});

describeBackend('NativeBackend (md5)', () => new NativeBackend({ kernel: 'md5', threads: 2 }), {
  samples: [
    { input: 'abc', output: Buffer.from('900150983cd24fb0d6963f7d28e17f72', 'hex') },
    { input: Buffer.alloc(0), output: Buffer.from('d41d8cd98f00b204e9800998ecf8427e', 'hex') },
  ],
  failing: { input: 42 as never, name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' },
});
