import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { backend, rejection } from './helpers.js';

describe('stop({ force: true }) on worker threads', () => {
  it('ends a running while(true){} by terminating its thread, and close-down completes', async () => {
    const pool = new Pool({ backend: backend({ threads: 1 }) });
    const spinning = rejection(pool.submit(undefined, { task: 'spin' }));
    const queued = rejection(pool.submit(2));
    // Let the thread pick the task up (and start spinning).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.stats.running).toBe(1);
    const started = performance.now();
    await pool.stop({ force: true });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await spinning).code).toBe('ERR_POOL_STOPPED');
    expect((await queued).code).toBe('ERR_POOL_STOPPED');
    expect(pool.state).toBe('closed');
    expect(pool.stats).toMatchObject({ submitted: 2, running: 0, waiting: 0, cancelled: 2 });
  });
});
