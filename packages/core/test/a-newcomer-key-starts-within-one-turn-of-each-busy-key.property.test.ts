/**
 * No starvation: however many tasks other keys have waiting (up to a few thousand, in any mix and
 * order, after any number of pops), the first item of a new key pops after at most one item of
 * each key that has items waiting — straight from a FairQueue, and as the start order of a Pool
 * with `concurrency: 1` (where a caller blocked on a full queue also waits its line's turn).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FairQueue, Pool } from '../src/index.js';
import { type Job, KeyRuns, RecordingFairQueue } from './fair-pool-helpers.js';
import { tick, track } from './helpers.js';

interface Backlog {
  /** How many items each busy key has: from 1 to a few thousand. */
  sizes: number[];
  /** Items of the busy keys in arrival order, as indices into `sizes` (blocks or interleaved). */
  interleaved: boolean;
  /** Pops (or starts) before the newcomer arrives, moving the turns anywhere. */
  before: number;
}

const backlogArb: fc.Arbitrary<Backlog> = fc.record({
  sizes: fc.array(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3000 })), {
    minLength: 1,
    maxLength: 5,
  }),
  interleaved: fc.boolean(),
  before: fc.nat(40),
});

/** The busy keys' items, in arrival order. */
function arrivals({ sizes, interleaved }: Backlog): string[] {
  const keys: string[] = [];
  if (interleaved) {
    const left = [...sizes];
    for (let round = 0; keys.length < sizes.reduce((a, b) => a + b, 0); round++) {
      for (const [k, n] of left.entries()) if (n > round) keys.push(`busy-${k}`);
    }
  } else {
    for (const [k, n] of sizes.entries()) for (let i = 0; i < n; i++) keys.push(`busy-${k}`);
  }
  return keys;
}

const runs = Number(process.env.POOLKIT_PROPERTY_RUNS ?? 40);

describe('a newcomer key starts within one turn of each busy key', () => {
  it('straight from the queue: at most one pop per key with items waiting comes first', () => {
    fc.assert(
      fc.property(backlogArb, (backlog) => {
        const queue = new FairQueue<string>({ capacity: Number.POSITIVE_INFINITY });
        for (const key of arrivals(backlog)) queue.tryPush(key, { key });
        for (let i = 0; i < backlog.before && queue.size > 0; i++) queue.tryPop();
        const busy = [...queue.keys()].filter((key) => queue.keyStats(key).waiting > 0).length;
        queue.tryPush('newcomer', { key: 'newcomer' });
        const ahead: string[] = [];
        for (let item = queue.tryPop(); item !== 'newcomer'; item = queue.tryPop())
          ahead.push(item as string);
        expect(ahead.length, `popped first: ${ahead}`).toBeLessThanOrEqual(busy);
        expect(new Set(ahead).size, 'no busy key pops twice before it').toBe(ahead.length);
      }),
      { numRuns: runs * 5 },
    );
  });

  it(
    'through a Pool with concurrency 1: at most one start per key with tasks waiting comes first',
    async () => {
      await fc.assert(
        fc.asyncProperty(backlogArb, fc.boolean(), async (backlog, bounded) => {
          const runs = new KeyRuns(() => Number.POSITIVE_INFINITY);
          const all = arrivals(backlog);
          // Bounded: most busy callers are blocked on the full queue, one line per key.
          const capacity = bounded ? Math.max(1, Math.min(64, all.length >> 3)) : Number.POSITIVE_INFINITY;
          const queue = new RecordingFairQueue<{ input: Job }>({ capacity });
          const pool = new Pool<Job, number>({
            executor: (job, ctx) => runs.run(job, ctx.signal, ctx.attempt),
            queue: queue as RecordingFairQueue<unknown>,
            concurrency: 1,
          });
          const calls = all.map((key, id) => track(pool.submit({ id, key, kind: 'ok' }, { key })));
          for (let i = 0; i < backlog.before && runs.gates.length > 0; i++) {
            runs.settle(0);
            await tick();
          }
          const waitingKeys = new Set<string>();
          for (const key of queue.keys()) if (queue.keyStats(key).waiting > 0) waitingKeys.add(key as string);
          const busy = waitingKeys.size;
          const accepted = new Set(queue.accepted.map((task) => task.input.id));
          const blockedKeys = new Set(all.filter((_, id) => !accepted.has(id)));
          const busyOrBlocked = new Set([...waitingKeys, ...blockedKeys]).size;

          const newcomer = all.length;
          calls.push(track(pool.submit({ id: newcomer, key: 'newcomer', kind: 'ok' }, { key: 'newcomer' })));
          const from = runs.started.length;
          while (!runs.started.includes(newcomer) && runs.gates.length > 0) {
            runs.settle(0);
            await tick();
          }
          const ahead = runs.started.length - from - 1;
          // With room, a turn per busy key at most. Blocked, the newcomer's line first waits for its
          // turn of room (each start lets one caller in, the lines taking turns: one start per line
          // ahead, then its own), then for its turn in the queue, where the keys let in meanwhile
          // may be ahead of it too.
          const bound = bounded ? blockedKeys.size + 1 + busyOrBlocked : busy;
          expect(runs.started, 'the newcomer started').toContain(newcomer);
          expect(
            ahead,
            `starts before the newcomer (${busy} keys waiting, ${blockedKeys.size} lines blocked)`,
          ).toBeLessThanOrEqual(bound);
          await pool.stop({ force: true });
          await tick();
          expect(calls.filter((c) => c.state === 'pending')).toEqual([]);
          expect(queue.keyCount).toBe(0);
        }),
        { numRuns: runs },
      );
    },
    Math.max(30_000, runs * 200),
  );
});
