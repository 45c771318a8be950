import { SpanStatusCode } from '@opentelemetry/api';
import { Pool } from '@poolkit/core';
import { describe, expect, it } from 'vitest';
import { instrument, useContextManager } from './otel.js';

useContextManager();

type Input = 'ok' | 'fail' | 'hang';

/** Settles as the input says; a hanging task rejects with its signal's reason once aborted. */
function executor(input: Input, ctx: { signal: AbortSignal }): Promise<string> {
  if (input === 'ok') return Promise.resolve('done');
  if (input === 'fail') return Promise.reject(Object.assign(new TypeError('bad input'), { code: 'E_BAD' }));
  return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => 'fulfilled',
    (error) => error,
  );

describe('failures, timeouts and cancellations are told apart', () => {
  it('outcome, status, error.type and the exception of each; the finished counter adds up to pool.stats', async () => {
    const otel = instrument();
    const pool = new Pool<Input, string>({ name: 'jobs', executor, concurrency: 4 });
    const controller = new AbortController();
    const running = [
      settle(pool.submit('ok')),
      settle(pool.submit('fail')),
      settle(pool.submit('hang', { timeout: 20 })),
      settle(pool.submit('hang', { signal: controller.signal })),
    ];
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const [, failure, timeout, abort] = await Promise.all(running);
    expect((failure as { code: string }).code).toBe('E_BAD');
    expect((timeout as { code: string }).code).toBe('ERR_TASK_TIMEOUT');
    expect((abort as Error).name).toBe('AbortError');

    // force-stop: the running task is cancelled with a PoolStoppedError
    const stopping = settle(pool.submit('hang'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await pool.stop({ force: true });
    expect(((await stopping) as { code: string }).code).toBe('ERR_POOL_STOPPED');

    const byInput = otel.spans().map((s) => ({
      outcome: s.attributes['poolkit.outcome'],
      errorType: s.attributes['error.type'],
      status: s.status.code,
      // the SDK's exception.type is the error's code when it has one (a DOMException's is the number 20)
      exception: s.events.some((e) => e.name === 'exception'),
    }));
    expect(byInput).toEqual(
      expect.arrayContaining([
        { outcome: 'succeeded', errorType: undefined, status: SpanStatusCode.UNSET, exception: false },
        { outcome: 'failed', errorType: 'E_BAD', status: SpanStatusCode.ERROR, exception: true },
        {
          outcome: 'timed_out',
          errorType: 'ERR_TASK_TIMEOUT',
          status: SpanStatusCode.ERROR,
          exception: true,
        },
        { outcome: 'cancelled', errorType: 'AbortError', status: SpanStatusCode.ERROR, exception: true },
        {
          outcome: 'cancelled',
          errorType: 'ERR_POOL_STOPPED',
          status: SpanStatusCode.ERROR,
          exception: true,
        },
      ]),
    );
    expect(byInput).toHaveLength(5);

    const finished = await otel.points('poolkit.task.finished');
    const count = (outcome: string) =>
      finished
        .filter((p) => p.attributes['poolkit.outcome'] === outcome)
        .reduce((sum, p) => sum + (p.value as number), 0);
    for (const p of finished)
      expect(p.attributes).toMatchObject({ 'poolkit.pool.name': 'jobs', 'poolkit.backend': 'inline' });
    const stats = pool.stats;
    expect(stats.submitted).toBe(5);
    expect(count('succeeded')).toBe(stats.succeeded);
    expect(count('failed') + count('timed_out')).toBe(stats.failed);
    expect(count('cancelled')).toBe(stats.cancelled);

    const durations = await otel.points('poolkit.task.duration');
    expect(durations.reduce((sum, p) => sum + p.value.count, 0)).toBe(5);
    const timedOut = durations.find((p) => p.attributes['poolkit.outcome'] === 'timed_out');
    expect(timedOut?.value.sum).toBeGreaterThanOrEqual(0.015); // seconds, not ms
    expect(timedOut?.value.sum).toBeLessThan(5);
  });
});
