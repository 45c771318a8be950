import { describeBackend, probeConformance } from '@poolkit/core/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { BullMQBackend } from '../src/index.js';
import { type RedisServer, requireRedis, skipRedis, startRedis } from '../src/testing/index.js';
import { startWorkerProcess, type WorkerProcess } from './workers.js';

describe.skipIf(skipRedis)('BullMQBackend with two poolkit-worker processes', () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  const queue = 0;
  beforeAll(async () => {
    requireRedis();
    redis = await startRedis();
    for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(redis.url, ['--concurrency', '4']));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
  });

  // Each test gets a fresh backend on the same queue the workers read.
  describeBackend(
    'BullMQBackend',
    () => new BullMQBackend({ connection: redis.url, sweepInterval: 200, closeTimeout: 2_000 }),
    {
      ...probeConformance,
      abortWithinMs: 3_000,
    },
  );
  void queue;
});
