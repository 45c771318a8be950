import { describe, expect, it } from 'vitest';
import { BullMQBackend, startWorker } from '../src/index.js';
import { TASKS } from './workers.js';

describe('connection options', () => {
  it('an ioredis keyPrefix is refused, naming it: BullMQ keys its data with the prefix option', async () => {
    expect(
      () => new BullMQBackend({ connection: { host: '127.0.0.1', port: 1, keyPrefix: 'app:' } }),
    ).toThrow(/options\.connection\.keyPrefix.*prefix option.*"app:"/);
    await expect(
      startWorker({ redis: { host: '127.0.0.1', port: 1, keyPrefix: 'app:' }, module: TASKS }),
    ).rejects.toThrow(/options\.redis\.keyPrefix/);
  });
});
