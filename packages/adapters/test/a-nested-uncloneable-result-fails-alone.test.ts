/**
 * Regression (issue 25, "Also"): a result with a function nested in it gave ERR_WORKER_CRASHED
 * through run() and a batch's last entry, ERR_RESULT_NOT_CLONEABLE elsewhere, while the README
 * promised the first everywhere. Every path now fails that task alone with
 * ERR_RESULT_NOT_CLONEABLE; the others of its batch keep their values.
 */
import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { backend } from './helpers.js';

describe('a result with something uncloneable nested in it', () => {
  it('fails with ERR_RESULT_NOT_CLONEABLE through a Pool with batching off, and the backend keeps working', async () => {
    const pool = new Pool<number, unknown>({ backend: backend({ threads: 1 }), maxBatch: 1 });
    await expect(pool.submit(1, { task: 'returnNestedFunction' })).rejects.toMatchObject({
      code: 'ERR_RESULT_NOT_CLONEABLE',
      name: 'TypeError',
    });
    expect(await pool.submit(21)).toBe(42);
    await pool.close();
  });

  for (const timeout of [undefined, 5_000]) {
    it(`fails every such entry alone in batches (timeout ${timeout ?? 'none'}), the good entries keep their values`, async () => {
      const pool = new Pool<number, unknown>({ backend: backend({ threads: 1 }), timeout });
      const inputs = [1, 2, 3, 4, 5, 6, 7, 8];
      const bad = await pool.submitAll(inputs, { task: 'returnNestedFunction' });
      expect(bad.map((o) => (o.ok ? 'ok' : (o.error as { code?: string }).code))).toEqual(
        inputs.map(() => 'ERR_RESULT_NOT_CLONEABLE'),
      );
      const good = await pool.submitAll(inputs);
      expect(good.map((o) => o.ok && o.value)).toEqual(inputs.map((n) => n * 2));
      await pool.close();
    });
  }
});
