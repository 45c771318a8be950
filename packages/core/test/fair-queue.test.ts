import { describe, expect, it } from 'vitest';
import { FairQueue, Pool } from '../src/index.js';
import { gatedExecutor, tick, track } from './helpers.js';

describe('FairQueue options', () => {
  const refusals: Array<[string, unknown, ErrorConstructor, RegExp]> = [
    ['capacity', { capacity: 0 }, RangeError, /capacity must be .*received 0$/],
    ['capacity', { capacity: 1.5 }, RangeError, /capacity must be .*received 1\.5$/],
    ['capacity', { capacity: '2' }, TypeError, /capacity must be a number, received "2"$/],
    ['keyCapacity', { keyCapacity: 0 }, RangeError, /keyCapacity must be .*received 0$/],
    ['keyCapacity', { keyCapacity: -1 }, RangeError, /keyCapacity must be .*received -1$/],
    ['keyConcurrency', { keyConcurrency: 0 }, RangeError, /keyConcurrency must be .*received 0$/],
    [
      'keyConcurrency',
      { keyConcurrency: Number.NaN },
      TypeError,
      /keyConcurrency must be a number, received NaN$/,
    ],
    ['keyConcurrency', { keyConcurrency: '1' }, TypeError, /keyConcurrency must be a number, received "1"$/],
    ['weight', { weight: 2 }, TypeError, /weight must be a function, received 2$/],
    ['weight', { weight: null }, TypeError, /weight must be a function, received null$/],
  ];
  for (const [name, options, type, message] of refusals) {
    it(`refuses ${JSON.stringify(options) ?? String(options)} with a ${type.name} naming ${name} and the value`, () => {
      let thrown: unknown;
      try {
        new FairQueue(options as object);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(type);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as { code?: string }).code).toBe(
        type === TypeError ? 'ERR_INVALID_ARG_TYPE' : 'ERR_INVALID_ARG_VALUE',
      );
    });
  }

  it('takes Infinity for capacity, keyCapacity and keyConcurrency', () => {
    const queue = new FairQueue({
      capacity: Number.POSITIVE_INFINITY,
      keyCapacity: Number.POSITIVE_INFINITY,
      keyConcurrency: Number.POSITIVE_INFINITY,
    });
    expect(queue.capacity).toBe(Number.POSITIVE_INFINITY);
    expect(queue.keyCapacity).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('FairQueue per-key functions', () => {
  const bad: Array<[string, object, ErrorConstructor, string, string]> = [
    [
      'a weight of -1',
      { weight: () => -1 },
      RangeError,
      'ERR_INVALID_ARG_VALUE',
      'FairQueue weight("t1") must be a positive finite number, received -1',
    ],
    [
      'a weight of 0',
      { weight: () => 0 },
      RangeError,
      'ERR_INVALID_ARG_VALUE',
      'FairQueue weight("t1") must be a positive finite number, received 0',
    ],
    [
      'a weight of Infinity',
      { weight: () => Number.POSITIVE_INFINITY },
      RangeError,
      'ERR_INVALID_ARG_VALUE',
      'FairQueue weight("t1") must be a positive finite number, received Infinity',
    ],
    [
      'a weight that is not a number',
      { weight: () => '2' },
      TypeError,
      'ERR_INVALID_ARG_TYPE',
      'FairQueue weight("t1") must be a number, received "2"',
    ],
    [
      'a weight function that throws',
      {
        weight: () => {
          throw new Error('no such tenant');
        },
      },
      TypeError,
      'ERR_INVALID_ARG_TYPE',
      'FairQueue weight("t1") threw: no such tenant',
    ],
    [
      'a keyConcurrency of 0',
      { keyConcurrency: () => 0 },
      RangeError,
      'ERR_INVALID_ARG_VALUE',
      'FairQueue keyConcurrency("t1") must be',
    ],
    [
      'a keyConcurrency function that throws',
      {
        keyConcurrency: () => {
          throw new Error('boom');
        },
      },
      TypeError,
      'ERR_INVALID_ARG_TYPE',
      'FairQueue keyConcurrency("t1") threw: boom',
    ],
  ];
  for (const [what, options, type, code, message] of bad) {
    it(`${what}: tryPush throws and push rejects with a coded ${type.name} naming the call; the queue is unchanged`, async () => {
      const queue = new FairQueue<string>(options);
      let thrown: unknown;
      try {
        queue.tryPush('x', { key: 't1' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(type);
      expect(thrown).toMatchObject({ code, message: expect.stringContaining(message) });
      await expect(queue.push('x', { key: 't1' })).rejects.toMatchObject({
        code,
        message: expect.stringContaining(message),
      });
      expect(queue.size).toBe(0);
      expect(queue.keyCount).toBe(0);
    });
  }

  it("a function that throws is the refusal's cause", () => {
    const cause = new Error('no such tenant');
    const queue = new FairQueue<string>({
      weight: () => {
        throw cause;
      },
    });
    expect(() => queue.tryPush('x', { key: 'k' })).toThrow(expect.objectContaining({ cause }));
  });

  it('asks each function once per key it learns of, not once per item', () => {
    const asked: Array<string | undefined> = [];
    const queue = new FairQueue<number>({
      keyConcurrency: (key) => {
        asked.push(key);
        return 2;
      },
      weight: (key) => {
        asked.push(key);
        return 1;
      },
    });
    for (let i = 0; i < 5; i++) queue.tryPush(i, { key: 'a' });
    queue.tryPush(5);
    expect(asked).toEqual(['a', 'a', undefined, undefined]);
  });

  it("through a Pool, the refused key's submit rejects with that error and the pool keeps working", async () => {
    const queue = new FairQueue<unknown>({ weight: (key) => (key === 'bad' ? -1 : 1) });
    const pool = new Pool<number, number>({ executor: (n) => n * 2, queue });
    await expect(pool.submit(1, { key: 'bad' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('weight("bad")'),
    });
    await expect(pool.submit(2, { key: 'good' })).resolves.toBe(4);
    await expect(pool.submit(3)).resolves.toBe(6);
    expect(pool.stats).toMatchObject({ submitted: 2, succeeded: 2, failed: 0, cancelled: 0 });
    expect(queue.keyCount).toBe(0);
    await pool.close();
  });

  it('through a Pool, a caller blocked on the full queue is refused with that error when room comes', async () => {
    const queue = new FairQueue<unknown>({ capacity: 1, keyConcurrency: (key) => (key === 'bad' ? 0 : 1) });
    const gated = gatedExecutor<number>();
    const pool = new Pool<number, number>({ executor: gated.executor, queue, paused: true });
    const first = track(pool.submit(1, { key: 'good' }));
    const blocked = track(pool.submit(2, { key: 'bad' })); // the queue is full: not asked yet
    const after = track(pool.submit(3, { key: 'other' }));
    await tick();
    expect(blocked.state).toBe('pending');
    pool.resume(); // 1 starts: room for 2, whose key is refused, then for 3
    await tick();
    expect(blocked.state).toBe('rejected');
    expect(blocked.error).toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('keyConcurrency("bad")'),
    });
    gated.releaseAll();
    await tick();
    gated.releaseAll();
    await pool.close();
    expect(first.state).toBe('fulfilled');
    expect(after.state).toBe('fulfilled');
    expect(pool.stats).toMatchObject({ submitted: 2, succeeded: 2 });
  });
});

describe('FairQueue order', () => {
  it('pops keys in turn, and within a key the highest priority first, equal priorities in push order', () => {
    const queue = new FairQueue<string>();
    queue.tryPush('a-first', { key: 'a' });
    queue.tryPush('a-low', { key: 'a', priority: -1 });
    queue.tryPush('a-urgent', { key: 'a', priority: 5 });
    queue.tryPush('a-second', { key: 'a' });
    queue.tryPush('a-urgent-2', { key: 'a', priority: 5 });
    queue.tryPush('b-only', { key: 'b' });
    const popped: string[] = [];
    for (let item = queue.tryPop(); item !== undefined; item = queue.tryPop()) popped.push(item);
    expect(popped).toEqual(['a-urgent', 'b-only', 'a-urgent-2', 'a-first', 'a-second', 'a-low']);
  });

  it('items without a key form one group of their own', () => {
    const queue = new FairQueue<string>();
    queue.tryPush('none-1');
    queue.tryPush('none-2');
    queue.tryPush('k-1', { key: 'k' });
    expect([queue.tryPop(), queue.tryPop(), queue.tryPop()]).toEqual(['none-1', 'k-1', 'none-2']);
  });

  it('drain() returns every item in the order turns would pop them, held-back keys included', () => {
    const queue = new FairQueue<string>({ keyConcurrency: 1 });
    queue.tryPush('a1', { key: 'a' });
    queue.tryPush('a2', { key: 'a' });
    queue.tryPush('a3', { key: 'a' });
    queue.tryPush('b1', { key: 'b' });
    queue.tryPush('b2', { key: 'b' });
    expect(queue.tryPop()).toBe('a1'); // a is now at its limit
    expect(queue.drain()).toEqual(['b1', 'a2', 'b2', 'a3']);
    expect(queue.size).toBe(0);
    expect([...queue.keys()]).toEqual(['a']); // a1 is still out
  });
});

describe('FairQueue release', () => {
  it('pop() waits while every key is at its limit although items wait, and resolves on release', async () => {
    const queue = new FairQueue<string>({ keyConcurrency: 1 });
    queue.tryPush('a1', { key: 'a' });
    queue.tryPush('a2', { key: 'a' });
    expect(queue.tryPop()).toBe('a1');
    expect(queue.size).toBe(1);
    expect(queue.tryPop()).toBeUndefined();
    expect(queue.keyStats('a')).toEqual({ waiting: 1, running: 1 });
    const next = track(queue.pop());
    await tick();
    expect(next.state).toBe('pending');
    queue.release('a1', { key: 'a' });
    await tick();
    expect(next.value).toBe('a2');
    expect(queue.keyStats('a')).toEqual({ waiting: 0, running: 1 });
  });

  it('the caller of release() can take the item it let out before a waiting pop() does', async () => {
    const queue = new FairQueue<string>({ keyConcurrency: 1 });
    queue.tryPush('a1', { key: 'a' });
    queue.tryPush('a2', { key: 'a' });
    queue.tryPop();
    const waiting = track(queue.pop());
    queue.release('a1', { key: 'a' });
    expect(queue.tryPop()).toBe('a2');
    await tick();
    expect(waiting.state).toBe('pending'); // nothing left for it
    queue.tryPush('b1', { key: 'b' });
    await tick();
    expect(waiting.value).toBe('b1');
  });

  it('another key with room pops while one key is at its limit', () => {
    const queue = new FairQueue<string>({ keyConcurrency: (key) => (key === 'a' ? 1 : 2) });
    for (const item of ['a1', 'a2', 'b1', 'b2', 'b3']) queue.tryPush(item, { key: item[0] });
    const popped = [queue.tryPop(), queue.tryPop(), queue.tryPop(), queue.tryPop()];
    expect(popped).toEqual(['a1', 'b1', 'b2', undefined]);
    expect(queue.size).toBe(2);
  });

  it('a release of a key with nothing out is ignored and never throws', () => {
    const queue = new FairQueue<string>({ keyConcurrency: 1 });
    queue.tryPush('a1', { key: 'a' });
    queue.tryPush('a2', { key: 'a' });
    queue.release('a1', { key: 'a' }); // not popped yet: nothing is out
    queue.release('zz', { key: 'unknown' });
    queue.release('zz', { key: 5 as unknown as string }); // unreadable key
    queue.release('zz');
    expect(queue.tryPop()).toBe('a1');
    expect(queue.tryPop()).toBeUndefined(); // still limited: the early release did not count
  });

  it('close() with items held back by keyConcurrency: pops still get them after releases, then undefined', async () => {
    const queue = new FairQueue<string>({ keyConcurrency: 1 });
    for (const item of ['a1', 'a2', 'a3']) queue.tryPush(item, { key: 'a' });
    expect(queue.tryPop()).toBe('a1');
    queue.close();
    expect(queue.tryPush('a4', { key: 'a' })).toBe(false);
    await expect(queue.push('a4', { key: 'a' })).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
    const second = track(queue.pop());
    const third = track(queue.pop());
    const end = track(queue.pop());
    await tick();
    expect([second.state, third.state, end.state]).toEqual(['pending', 'pending', 'pending']);
    queue.release('a1', { key: 'a' });
    await tick();
    expect(second.value).toBe('a2');
    expect(third.state).toBe('pending');
    queue.release('a2', { key: 'a' });
    await tick();
    expect(third.value).toBe('a3');
    expect(end.state).toBe('fulfilled'); // closed and empty: the end
    expect(end.value).toBeUndefined();
    expect(queue.keyStats('a')).toEqual({ waiting: 0, running: 1 });
    queue.release('a3', { key: 'a' });
    expect(queue.keyCount).toBe(0);
    await expect(queue.pop()).resolves.toBeUndefined();
  });
});

describe('FairQueue keys', () => {
  it('keyStats(), keys() and keyCount tell what waits and what is out per key', () => {
    const queue = new FairQueue<string>({ keyConcurrency: 2 });
    expect(queue.keyStats('nobody')).toEqual({ waiting: 0, running: 0 });
    queue.tryPush('a1', { key: 'a' });
    queue.tryPush('a2', { key: 'a' });
    queue.tryPush('a3', { key: 'a' });
    queue.tryPush('n1');
    expect(queue.keyCount).toBe(2);
    expect([...queue.keys()]).toEqual(['a', undefined]);
    queue.tryPop();
    queue.tryPop();
    queue.tryPop();
    expect(queue.keyStats('a')).toEqual({ waiting: 1, running: 2 });
    expect(queue.keyStats(undefined)).toEqual({ waiting: 0, running: 1 });
    queue.release('n1');
    expect([...queue.keys()]).toEqual(['a']);
  });

  it("drainKey() takes out one key's waiting items, first to pop first, and frees their room", async () => {
    const queue = new FairQueue<string>({ capacity: 3 });
    queue.tryPush('a1', { key: 'a' });
    queue.tryPush('b1', { key: 'b' });
    queue.tryPush('a2', { key: 'a', priority: 1 });
    const blocked = track(queue.push('c1', { key: 'c' }));
    await tick();
    expect(blocked.state).toBe('pending');
    expect(queue.drainKey('a')).toEqual(['a2', 'a1']);
    await tick();
    expect(blocked.state).toBe('fulfilled');
    expect(queue.drainKey('a')).toEqual([]);
    expect(queue.drainKey('nobody')).toEqual([]);
    expect([...queue.keys()]).toEqual(['b', 'c']);
    expect([queue.tryPop(), queue.tryPop(), queue.tryPop()]).toEqual(['b1', 'c1', undefined]);
  });

  it('drainKey() keeps a key with items out until they are released', () => {
    const queue = new FairQueue<string>({ keyConcurrency: 1 });
    queue.tryPush('a1', { key: 'a' });
    queue.tryPush('a2', { key: 'a' });
    queue.tryPop();
    expect(queue.drainKey('a')).toEqual(['a2']);
    expect(queue.keyStats('a')).toEqual({ waiting: 0, running: 1 });
    queue.release('a1', { key: 'a' });
    expect(queue.keyCount).toBe(0);
  });

  it("a full key makes its own pushers wait while another key's push goes in", async () => {
    const queue = new FairQueue<string>({ keyCapacity: 1 });
    queue.tryPush('a1', { key: 'a' });
    expect(queue.tryPush('a2', { key: 'a' })).toBe(false);
    const waiting = track(queue.push('a2', { key: 'a' }));
    expect(queue.tryPush('b1', { key: 'b' })).toBe(true);
    await tick();
    expect(waiting.state).toBe('pending');
    expect(queue.tryPop()).toBe('a1');
    await tick();
    expect(waiting.state).toBe('fulfilled');
    expect([queue.tryPop(), queue.tryPop()]).toEqual(['b1', 'a2']);
  });
});
