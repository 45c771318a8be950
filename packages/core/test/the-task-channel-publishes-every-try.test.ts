import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, BatchEntry, BatchResult, RunOptions } from '../src/contracts.js';
import { ChannelQueue, FairQueue, Pool, TASK_CHANNEL, type TaskTrace } from '../src/index.js';
import { gatedExecutor, tick } from './helpers.js';

type Event = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error';
const EVENTS: Event[] = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'];

/** Subscribes to every event of poolkit:task; records (event, context) and the store seen on start. */
function listen(store?: AsyncLocalStorage<string>) {
  const channel = diagnostics.tracingChannel<TaskTrace, TaskTrace>(TASK_CHANNEL);
  const seen: Array<{ event: Event; trace: TaskTrace; store?: string }> = [];
  const handlers = Object.fromEntries(
    EVENTS.map((event) => [
      event,
      (trace: TaskTrace) => seen.push({ event, trace, store: store?.getStore() }),
    ]),
  ) as unknown as diagnostics.TracingChannelSubscribers<TaskTrace>;
  channel.subscribe(handlers);
  const stop = () => channel.unsubscribe(handlers);
  unsubscribers.push(stop);
  /** The events of each try, in order, keyed by the context object. */
  const byTry = () => {
    const tries = new Map<TaskTrace, Event[]>();
    for (const { event, trace } of seen) tries.set(trace, [...(tries.get(trace) ?? []), event]);
    return tries;
  };
  return { seen, byTry, stop };
}

const unsubscribers: Array<() => void> = [];
afterEach(() => {
  for (const stop of unsubscribers.splice(0)) stop();
});

/** A batching backend whose runMany answers every entry at once, recording the batch sizes. */
class Batching implements Backend<number, number> {
  readonly name = 'batching';
  readonly concurrency = 1;
  readonly sizes: number[] = [];
  options: RunOptions[] = [];
  async run(input: number, options: RunOptions): Promise<number> {
    this.options.push(options);
    this.sizes.push(1);
    if (input < 0) throw new Error(`bad ${input}`);
    return input * 2;
  }
  async runMany(batch: readonly BatchEntry<number>[]): Promise<readonly BatchResult<number>[]> {
    this.sizes.push(batch.length);
    return batch.map(({ input }) =>
      input < 0
        ? { status: 'rejected', reason: new Error(`bad ${input}`) }
        : { status: 'fulfilled', value: input * 2, time: 0.01 },
    );
  }
  async close(): Promise<void> {}
}

describe('the poolkit:task channel publishes every try', () => {
  it('start, end, asyncStart, asyncEnd for a success; error before them for a failure; a retry is a try of its own', async () => {
    const events = listen();
    const pool = new Pool({
      name: 'images',
      executor: (n: number, ctx) => {
        if (n < 0 && ctx.attempt === 1)
          throw Object.assign(new Error('first try fails'), { code: 'E_FIRST' });
        return n * 10;
      },
      retries: 1,
      concurrency: 1,
    });
    expect(await pool.submit(3, { task: 'resize', key: 'tenant-a' })).toBe(30);
    expect(await pool.submit(-1)).toBe(-10);
    await pool.close();

    const tries = [...events.byTry()];
    expect(tries.map(([, seq]) => seq)).toEqual([
      ['start', 'end', 'asyncStart', 'asyncEnd'],
      ['start', 'end', 'error', 'asyncStart', 'asyncEnd'],
      ['start', 'end', 'asyncStart', 'asyncEnd'],
    ]);
    const [first, failed, retry] = tries.map(([trace]) => trace);
    expect(first).toMatchObject({
      pool: 'images',
      backend: 'inline',
      task: 'resize',
      key: 'tenant-a',
      attempt: 1,
      input: 3,
      batchSize: undefined,
      result: 30,
    });
    expect(first.queueWait).toBeGreaterThanOrEqual(0);
    expect(failed).toMatchObject({ attempt: 1, input: -1, error: { code: 'E_FIRST' } });
    expect(retry).toMatchObject({ attempt: 2, input: -1, result: -10 });
    expect(retry.queueWait, 'the same queue wait on every try of a task').toBe(failed.queueWait);
  });

  it('a timeout, an abort and a force-stop end their try with an error that tells them apart', async () => {
    const events = listen();
    const gated = gatedExecutor<string>();
    const pool = new Pool({ executor: gated.executor, concurrency: 3 });
    const timedOut = pool.submit('slow', { timeout: 30 }).catch((error) => error);
    const controller = new AbortController();
    const aborted = pool.submit('aborted', { signal: controller.signal }).catch((error) => error);
    const stopped = pool.submit('stopped').catch((error) => error);
    await tick();
    controller.abort();
    expect((await timedOut).code).toBe('ERR_TASK_TIMEOUT');
    await pool.stop({ force: true });
    await Promise.all([aborted, stopped]);
    gated.releaseAll();
    await tick();

    const errors = new Map(
      [...events.byTry()].map(([trace, seq]) => {
        expect(seq, `${String(trace.input)}: one try, one end`).toEqual([
          'start',
          'end',
          'error',
          'asyncStart',
          'asyncEnd',
        ]);
        return [trace.input, trace.error as { name?: string; code?: string }];
      }),
    );
    expect(errors.get('slow')).toMatchObject({ code: 'ERR_TASK_TIMEOUT' });
    expect(errors.get('aborted')).toMatchObject({ name: 'AbortError' });
    expect(errors.get('stopped')).toMatchObject({ code: 'ERR_POOL_STOPPED' });
  });

  it('a batching pool publishes each try with the size of the call it went in', async () => {
    const events = listen();
    const backend = new Batching();
    const pool = new Pool({ backend, paused: true });
    const outcomes = pool.submitAll([1, 2, -3, 4, 5]);
    pool.resume();
    const values = (await outcomes).map((o) => (o.ok ? o.value : 'failed'));
    expect(values).toEqual([2, 4, 'failed', 8, 10]);
    await pool.close();
    const tries = [...events.byTry()];
    expect(tries).toHaveLength(5);
    const sent = tries.map(([trace]) => trace.batchSize);
    // Every try names the size of the call that carried it; the sizes add up to the calls made.
    expect(sent.every((size) => size !== undefined && backend.sizes.includes(size))).toBe(true);
    expect(backend.sizes.reduce((a, b) => a + b, 0)).toBe(5);
    expect(backend.sizes.some((size) => size > 1)).toBe(true);
    for (const [trace, seq] of tries) {
      expect(seq).toEqual(
        trace.input === -3
          ? ['start', 'end', 'error', 'asyncStart', 'asyncEnd']
          : ['start', 'end', 'asyncStart', 'asyncEnd'],
      );
    }
  });

  it("start is published in the submitter's async context, even for a caller that waited for room", async () => {
    const store = new AsyncLocalStorage<string>();
    const events = listen(store);
    const gated = gatedExecutor<string>();
    const pool = new Pool({
      executor: gated.executor,
      concurrency: 1,
      queue: new ChannelQueue({ capacity: 1 }),
    });
    const done = ['a', 'b', 'c'].map((name) => store.run(`request-${name}`, () => pool.submit(name)));
    // a runs, b waits in the queue, c waits for room; each start comes as a slot frees.
    for (let i = 0; i < 3; i++) {
      await tick();
      gated.releaseAll();
    }
    await Promise.all(done);
    await pool.close();
    const starts = events.seen.filter(({ event }) => event === 'start');
    expect(starts.map(({ trace, store }) => [trace.input, store])).toEqual([
      ['a', 'request-a'],
      ['b', 'request-b'],
      ['c', 'request-c'],
    ]);
  });

  it("a task started inside its own submit: its start in the submitter's context, queueWait 0; and its retry's start too", async () => {
    const requests = new AsyncLocalStorage<string>();
    const channel = diagnostics.tracingChannel<string, TaskTrace>(TASK_CHANNEL);
    const spans = new AsyncLocalStorage<string>();
    channel.start.bindStore(spans, (trace) => `try ${trace.attempt}`);
    unsubscribers.push(() => channel.start.unbindStore(spans));
    const starts: Array<[number, string | undefined, string | undefined, number | undefined]> = [];
    const onStart = (trace: TaskTrace) =>
      starts.push([trace.attempt, requests.getStore(), spans.getStore(), trace.queueWait]);
    channel.start.subscribe(onStart as (message: unknown) => void);
    unsubscribers.push(() => channel.start.unsubscribe(onStart as (message: unknown) => void));
    const pool = new Pool({
      executor: async (n: number, ctx) => {
        await tick();
        if (ctx.attempt === 1) throw new Error('once');
        return n;
      },
      retries: { attempts: 2, backoff: 1 },
    });
    expect(await requests.run('request-1', () => pool.submit(5))).toBe(5);
    await pool.close();
    // Subscribers run inside start's own stores (runStores enters them first): each try its own.
    expect(starts).toEqual([
      [1, 'request-1', 'try 1', 0],
      [2, 'request-1', 'try 2', 0],
    ]);
  });

  it("a store bound to start is active inside the executor (the backend call runs in start's stores)", async () => {
    const channel = diagnostics.tracingChannel<string, TaskTrace>(TASK_CHANNEL);
    const spans = new AsyncLocalStorage<string>();
    channel.start.bindStore(spans, (trace) => `span of ${String(trace.input)}`);
    unsubscribers.push(() => channel.start.unbindStore(spans));
    const pool = new Pool({
      executor: async (_n: number) => {
        await tick();
        return spans.getStore();
      },
    });
    expect(await pool.submit(7)).toBe('span of 7');
    await pool.close();
  });

  it('with nobody subscribed, no try gets a context and no task keeps its submission context', async () => {
    const backend = new Batching();
    const items: object[] = [];
    const queue = new FairQueue<object>();
    const tryPush = queue.tryPush.bind(queue);
    queue.tryPush = (item, options) => {
      items.push(item);
      return tryPush(item, options);
    };
    const pool = new Pool({ backend, queue: queue as FairQueue<unknown>, maxBatch: 1 });
    await Promise.all([1, 2, 3].map((n) => pool.submit(n)));
    await pool.close();
    expect(backend.options.map((options) => (options as { trace?: unknown }).trace)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(items.map((item) => (item as { scope?: unknown }).scope)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);

    // The same pool shape with a subscriber: the tries do get one (the check above can fail).
    listen();
    const traced = new Batching();
    const pool2 = new Pool({ backend: traced, maxBatch: 1 });
    await pool2.submit(1);
    await pool2.close();
    expect((traced.options[0] as { trace?: unknown }).trace).toMatchObject({
      input: 1,
      batchSize: undefined,
    });
  });

  it('a pool is named by its name option, or pool-N by default; a bad name is refused by name', async () => {
    const named = new Pool({ name: 'thumbnails', executor: (n: number) => n });
    expect(named.name).toBe('thumbnails');
    const a = new Pool({ executor: (n: number) => n });
    const b = new Pool({ executor: (n: number) => n });
    expect(a.name).toMatch(/^pool-\d+$/);
    expect(Number(b.name.slice(5))).toBe(Number(a.name.slice(5)) + 1);
    expect(() => new Pool({ name: '', executor: (n: number) => n })).toThrow(
      'name must be a non-empty string, received ""',
    );
    expect(() => new Pool({ name: 5 as never, executor: (n: number) => n })).toThrow(
      /name must be a non-empty string/,
    );
    await Promise.all([named.close(), a.close(), b.close()]);
  });
});
