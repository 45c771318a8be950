import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { readRunOptions, runWithTraceHeaders, TASK_RUN_CHANNEL, type TaskRun } from '../src/kit/index.js';

const channel = diagnostics.channel(TASK_RUN_CHANNEL) as diagnostics.Channel<unknown, TaskRun>;
const stores: AsyncLocalStorage<unknown>[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) channel.unbindStore(store);
});

describe('the kit runs a task in its trace headers', () => {
  it('with headers: the task runs in the stores bound to poolkit:task:run, and its value or throw goes through', async () => {
    const seen = new AsyncLocalStorage<string>();
    stores.push(seen as AsyncLocalStorage<unknown>);
    channel.bindStore(seen, (run) => `${run.headers.traceparent} / ${String(run.task)} / ${run.attempt}`);
    const value = await runWithTraceHeaders(
      { traceparent: 'tp' },
      { task: 'resize', attempt: 2 },
      async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return seen.getStore();
      },
    );
    expect(value).toBe('tp / resize / 2');
    const boom = new Error('boom');
    expect(() =>
      runWithTraceHeaders({ traceparent: 'tp' }, { task: undefined, attempt: 1 }, () => {
        throw boom;
      }),
    ).toThrow(boom);
  });

  it('without headers: the task just runs, outside any bound store, and nothing is published', () => {
    const seen = new AsyncLocalStorage<string>();
    stores.push(seen as AsyncLocalStorage<unknown>);
    channel.bindStore(seen, () => 'bound');
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    channel.subscribe(listener);
    try {
      expect(
        runWithTraceHeaders(undefined, { task: undefined, attempt: 1 }, () => seen.getStore()),
      ).toBeUndefined();
      expect(published).toEqual([]);
    } finally {
      channel.unsubscribe(listener);
    }
  });

  it('readRunOptions copies the string entries of traceHeaders and refuses a non-object by name', () => {
    const signal = new AbortController().signal;
    const read = readRunOptions('mine', { signal, traceHeaders: { traceparent: 'tp', bad: 5 as never } });
    if (read instanceof Error) throw read;
    expect(read.traceHeaders).toEqual({ traceparent: 'tp' });
    expect(Object.isFrozen(read.traceHeaders)).toBe(true);
    expect(readRunOptions('mine', { signal, traceHeaders: 'tp' as never })).toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: 'mine: run() options.traceHeaders must be an object of strings or undefined, received "tp"',
    });
  });
});
