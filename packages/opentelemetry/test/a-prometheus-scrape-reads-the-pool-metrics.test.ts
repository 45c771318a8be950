import { createServer } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Pool } from '@poolkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PoolkitInstrumentation } from '../src/index.js';
import { gate } from './otel.js';

// The real exporter serving real HTTP: what a Prometheus server would read from a poolkit app.

/** A port nobody listens on now (the exporter reads port 0 as its default, 9464). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The samples of a Prometheus text page (`name{labels} value` lines), and its `# TYPE` lines. */
function parse(text: string) {
  const types = new Map<string, string>();
  const samples: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    const type = line.match(/^# TYPE (\S+) (\S+)$/);
    if (type) types.set(type[1], type[2]);
    const sample = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!sample) continue;
    const labels = Object.fromEntries(
      [...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  /** The samples named `name` whose labels include `where`. */
  const find = (name: string, where: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  const sum = (name: string, where: Record<string, string> = {}) =>
    find(name, where).reduce((total, s) => total + s.value, 0);
  return { types, samples, find, sum };
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

type Input = 'ok' | 'fail' | 'hang' | 'gated';

describe('a Prometheus scrape reads the pool metrics', () => {
  it('families, labels and values over real HTTP agree with pool.stats; the server closes', async () => {
    const port = await freePort();
    let exporter!: PrometheusExporter;
    await new Promise<void>((resolve, reject) => {
      exporter = new PrometheusExporter({ host: '127.0.0.1', port }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    cleanup.push(() => meterProvider.shutdown());
    const instrumentation = new PoolkitInstrumentation();
    instrumentation.setMeterProvider(meterProvider);
    cleanup.push(() => instrumentation.disable());
    const url = `http://127.0.0.1:${port}/metrics`;
    const scrape = async () => {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      return parse(await response.text());
    };

    const open = gate();
    const pool = new Pool<Input, string>({
      name: 'thumbnails',
      concurrency: 2,
      executor: async (input, ctx) => {
        if (input === 'fail') throw Object.assign(new TypeError('corrupt image'), { code: 'E_CORRUPT' });
        if (input === 'hang')
          await new Promise((_, reject) =>
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
          );
        if (input === 'gated') await open.wait();
        return 'done';
      },
    });
    cleanup.push(() => pool.stop({ force: true }));
    instrumentation.observePool(pool);
    const settle = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );

    // 3 succeed, 2 fail, 1 times out (one after the other: no timing in the counts)
    const outcomes: unknown[] = [];
    for (const input of ['ok', 'fail', 'ok', 'fail', 'ok'] as const)
      outcomes.push(await settle(pool.submit(input)));
    outcomes.push(await settle(pool.submit('hang', { timeout: 50 })));
    expect(outcomes).toEqual(['ok', 'E_CORRUPT', 'ok', 'E_CORRUPT', 'ok', 'ERR_TASK_TIMEOUT']);

    // two gated tasks run, a third waits: the gauges are read at scrape time
    const gated = [settle(pool.submit('gated')), settle(pool.submit('gated')), settle(pool.submit('gated'))];
    expect(pool.stats).toMatchObject({ running: 2, waiting: 1 });
    const during = await scrape();
    const labels = { poolkit_pool_name: 'thumbnails', poolkit_backend: 'inline' };
    expect(during.find('poolkit_pool_running', labels).map((s) => s.value)).toEqual([2]);
    expect(during.find('poolkit_pool_waiting', labels).map((s) => s.value)).toEqual([1]);
    open.open();
    expect(await Promise.all(gated)).toEqual(['ok', 'ok', 'ok']);

    const page = await scrape();
    // names as the exporter renders them: dots → underscores, `_total` on the counter, no unit suffix
    expect(Object.fromEntries([...page.types].filter(([name]) => name.startsWith('poolkit_')))).toEqual({
      poolkit_task_duration: 'histogram',
      poolkit_task_queue_wait: 'histogram',
      poolkit_task_finished_total: 'counter',
      poolkit_pool_waiting: 'gauge',
      poolkit_pool_running: 'gauge',
    }); // no poolkit_batch_size: this pool does not batch
    for (const sample of page.samples.filter((s) => s.name.startsWith('poolkit_'))) {
      expect(sample.labels).toMatchObject({ ...labels, otel_scope_name: '@poolkit/opentelemetry' });
    }

    const stats = pool.stats;
    expect(stats).toMatchObject({
      submitted: 9,
      succeeded: 6,
      failed: 3,
      cancelled: 0,
      running: 0,
      waiting: 0,
    });
    const finished = (outcome: string) =>
      page.find('poolkit_task_finished_total', { ...labels, poolkit_outcome: outcome });
    expect(finished('succeeded').map((s) => s.value)).toEqual([stats.succeeded]);
    expect(finished('succeeded')[0].labels.error_type).toBeUndefined();
    expect(finished('failed').map((s) => [s.labels.error_type, s.value])).toEqual([['E_CORRUPT', 2]]);
    expect(finished('timed_out').map((s) => [s.labels.error_type, s.value])).toEqual([
      ['ERR_TASK_TIMEOUT', 1],
    ]);
    expect(
      page.sum('poolkit_task_finished_total', { poolkit_outcome: 'failed' }) +
        page.sum('poolkit_task_finished_total', { poolkit_outcome: 'timed_out' }),
    ).toBe(stats.failed);
    expect(page.sum('poolkit_task_finished_total')).toBe(stats.submitted);

    // histograms: one count per try, seconds (not ms), buckets cumulative up to +Inf = count
    expect(page.sum('poolkit_task_duration_count', labels)).toBe(stats.submitted);
    expect(page.sum('poolkit_task_queue_wait_count', labels)).toBe(stats.submitted);
    const timedOut = { poolkit_outcome: 'timed_out' };
    expect(page.sum('poolkit_task_duration_sum', timedOut)).toBeGreaterThanOrEqual(0.04);
    expect(page.sum('poolkit_task_duration_sum', timedOut)).toBeLessThan(10);
    const buckets = page.find('poolkit_task_duration_bucket', { poolkit_outcome: 'succeeded' });
    expect(buckets.at(-1)?.labels.le).toBe('+Inf');
    expect(buckets.at(-1)?.value).toBe(stats.succeeded);
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i].value).toBeGreaterThanOrEqual(buckets[i - 1].value);
    // Second-sized boundaries (not the SDK's millisecond defaults): quick tries fall under 1 s.
    expect(buckets.map((b) => b.labels.le)).toContain('0.001');
    expect(buckets.find((b) => b.labels.le === '1')?.value).toBe(stats.succeeded);
    expect(page.find('poolkit_pool_running', labels).map((s) => s.value)).toEqual([0]);

    // shutting the provider down closes the exporter's server: nothing listens any more
    await meterProvider.shutdown();
    await expect(fetch(url)).rejects.toThrow();
  });
});
