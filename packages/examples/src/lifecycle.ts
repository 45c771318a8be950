/**
 * lifecycle — the "frankkopp workerpool" seed design: a bounded queue whose enqueue blocks
 * when full, results read without waiting (tryResult, Go's GetFinished) or waiting
 * (nextResult, GetFinishedWait), graceful close() beside immediate stop(), and counters that
 * always add up: submitted = waiting + running + succeeded + failed + cancelled.
 *
 * Run it from the repository root (after `npm run build`; it takes no options, the numbers are
 * the story):
 *
 *   npm run example:lifecycle
 *   node packages/examples/dist/lifecycle.js
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool, type PoolStats } from '@poolkit/core';

/** A snapshot of a pool's counters at a named moment, and whether they add up. */
export interface Snapshot extends PoolStats {
  at: string;
  addsUp: boolean;
}

function snapshot(at: string, pool: Pool<number, number>): Snapshot {
  const s = pool.stats;
  return { at, ...s, addsUp: s.submitted === s.waiting + s.running + s.succeeded + s.failed + s.cancelled };
}

function show(print: (line: string) => void, s: Snapshot): void {
  print(
    `  [${s.at}] submitted ${s.submitted} = waiting ${s.waiting} + running ${s.running} + succeeded ${s.succeeded}` +
      ` + failed ${s.failed} + cancelled ${s.cancelled}  ${s.addsUp ? '✓' : '✗ DOES NOT ADD UP'}`,
  );
}

/** A gate the tasks wait on, so the example decides when work may finish. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

export interface LifecycleOptions {
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface LifecycleResult {
  /** How many enqueues were accepted before one blocked (capacity + workers). */
  acceptedBeforeBlocking: number;
  /** tryResult() before any task finished: nothing yet, not done. */
  firstTry: { hadOutcome: boolean; done: boolean };
  /** Values read with nextResult(), in completion order. */
  values: number[];
  /** tryResult() once the pool is closed and every outcome is read. */
  finalTry: { hadOutcome: boolean; done: boolean };
  afterClose: Snapshot;
  afterStop: Snapshot;
  snapshots: Snapshot[];
}

export async function main(options: LifecycleOptions = {}): Promise<LifecycleResult> {
  const { print = (line: string) => console.log(line) } = options;
  const snapshots: Snapshot[] = [];
  const take = (at: string, pool: Pool<number, number>) => {
    const s = snapshot(at, pool);
    snapshots.push(s);
    show(print, s);
    return s;
  };

  // 1. A bounded queue (4) in front of 2 workers: enqueue until it blocks.
  print('1. enqueue into a queue of 4 served by 2 workers, until enqueue blocks');
  const held = gate();
  const pool = new Pool<number, number>({
    executor: async (n) => {
      await held.wait;
      return n * 10;
    },
    concurrency: 2,
    capacity: 4,
    keepResults: true,
  });
  let accepted = 0;
  let blocked: Promise<void> | undefined;
  for (let n = 1; n <= 10; n++) {
    const enqueued = pool.enqueue(n);
    const tookIt = await Promise.race([enqueued.then(() => true), sleep(50, false)]);
    if (!tookIt) {
      print(`  enqueue(${n}) blocks: the queue is full`);
      blocked = enqueued;
      break;
    }
    accepted = n;
  }
  print(`  accepted ${accepted} before blocking (2 running + 4 waiting)`);
  take('full', pool);

  // 2. Results: tryResult never waits; nextResult waits for the next one.
  const first = pool.tryResult();
  print(
    `2. tryResult() while nothing has finished: outcome ${first.outcome ? 'present' : 'none'}, done ${first.done}`,
  );
  held.open();
  await blocked; // room appeared, so the blocked enqueue was accepted
  take('unblocked', pool);
  const values: number[] = [];
  for (let i = 0; i < accepted + 1; i++) {
    const outcome = await pool.nextResult();
    if (outcome?.ok) values.push(outcome.value);
  }
  print(`  nextResult() × ${values.length}: ${values.join(', ')}`);
  await pool.close();
  const last = pool.tryResult();
  print(`  after close(), tryResult(): outcome ${last.outcome ? 'present' : 'none'}, done ${last.done}`);
  take('closed', pool);

  // 3. close() vs stop(), each on 10 tasks of 30 ms over 2 workers.
  print('3. close() vs stop() with 10 tasks of 30 ms on 2 workers');
  const afterClose = await endWith('close', take);
  const afterStop = await endWith('stop', take);
  print(
    `  close(): ${afterClose.succeeded} succeeded, ${afterClose.cancelled} cancelled — every accepted task ran`,
  );
  print(
    `  stop():  ${afterStop.succeeded} succeeded, ${afterStop.cancelled} cancelled — only the running ones finished`,
  );
  print(`the counters added up at all ${snapshots.length} snapshots: ${snapshots.every((s) => s.addsUp)}`);
  return {
    acceptedBeforeBlocking: accepted,
    firstTry: { hadOutcome: first.outcome !== undefined, done: first.done },
    values,
    finalTry: { hadOutcome: last.outcome !== undefined, done: last.done },
    afterClose,
    afterStop,
    snapshots,
  };
}

/** Enqueues 10 tasks into a fresh pool, lets the first start, then ends it with close() or stop(). */
async function endWith(
  how: 'close' | 'stop',
  take: (at: string, pool: Pool<number, number>) => Snapshot,
): Promise<Snapshot> {
  const pool = new Pool<number, number>({
    executor: (n, ctx) => sleep(30, n, { signal: ctx.signal }),
    concurrency: 2,
    capacity: 16,
  });
  for (let n = 1; n <= 10; n++) await pool.enqueue(n);
  await sleep(5);
  take(`before ${how}`, pool);
  const ending = how === 'close' ? pool.close() : pool.stop();
  take(`during ${how}`, pool);
  await ending;
  return take(`after ${how}`, pool);
}

// ── Started as a program: the command line (`node lifecycle.js --help`) ──────────────────────────

/** Refuses any argument (the example has no options), with the usage and exit code 2. */
function commandLine(): LifecycleOptions {
  const usage =
    'usage: lifecycle   (no options: the queue of 4, the 2 workers and the 10 tasks are the story)';
  try {
    const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      console.log(usage);
      process.exit(0);
    }
    return {};
  } catch (error) {
    console.error(`lifecycle: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
