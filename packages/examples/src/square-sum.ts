/**
 * square-sum — the "parallel" seed design: a Producer object pushes 1..100 into a bounded
 * ChannelQueue (capacity 5), 4 executors square, a collector sums. Then the same pipeline is
 * cancelled halfway by aborting its signal: the producer stops, running tasks are aborted and
 * run() rejects with an AbortError.
 *
 *   RangeProducer ──emit──▶ ChannelQueue(5) ──▶ 4 × square ──▶ SumCollector
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:square-sum                          # the second run aborts after 25 squares
 *   npm run example:square-sum -- --abort-after 60
 *   node packages/examples/dist/square-sum.js --help
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ChannelQueue,
  type Executor,
  isAbortError,
  type Outcome,
  type ProducerObject,
  run,
} from '@poolkit/core';

/** Pushes from..to, waiting on `emit` while the queue is full; stops early if the run aborts. */
export class RangeProducer implements ProducerObject<number> {
  pushed = 0;
  constructor(
    readonly from: number,
    readonly to: number,
  ) {}

  async produce(emit: (item: number) => Promise<void>, signal: AbortSignal): Promise<void> {
    for (let n = this.from; n <= this.to && !signal.aborted; n++) {
      await emit(n);
      this.pushed++;
    }
  }
}

/** The executor: squares its input, after `delayMs` of pretend work (aborted with the task). */
export function squarer(delayMs: number): Executor<number, number> {
  return async (n, ctx) => {
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: ctx.signal });
    return n * n;
  };
}

/** The result handler: sums successful outcomes, counts the rest. */
export class SumCollector {
  sum = 0;
  collected = 0;
  notOk = 0;
  constructor(private readonly onCollect?: (collector: SumCollector) => void) {}

  collect(outcome: Outcome<number, number>): void {
    if (outcome.ok) {
      this.sum += outcome.value;
      this.collected++;
    } else {
      this.notOk++;
    }
    this.onCollect?.(this);
  }
}

export interface SquareSumOptions {
  /** Squares collected before the second run aborts its signal. Default 25. */
  abortAfter?: number;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface SquareSumResult {
  /** The sum of the squares of 1..100: 338350. */
  sum: number;
  /** The cancelled run: what was collected before the abort, and how run() ended. */
  cancelled: { sum: number; collected: number; pushed: number; rejectedWith: string };
}

export async function main(options: SquareSumOptions = {}): Promise<SquareSumResult> {
  const { abortAfter = 25, print = (line: string) => console.log(line) } = options;

  // 1. The whole run: 100 items through a queue of 5, 4 at a time.
  const sum = new SumCollector();
  const summary = await run({
    producer: new RangeProducer(1, 100),
    queue: new ChannelQueue<unknown>({ capacity: 5 }),
    executor: squarer(1),
    concurrency: 4,
    collector: sum,
  });
  print(`sum of squares 1..100 = ${sum.sum}`);
  print(
    `  (${summary.succeeded} squared by 4 executors through a queue of 5, in ${summary.durationMs.toFixed(0)} ms)`,
  );

  // 2. The same pipeline, cancelled once `abortAfter` squares have been collected.
  const controller = new AbortController();
  const producer = new RangeProducer(1, 100);
  const partial = new SumCollector((c) => {
    if (c.collected === abortAfter) controller.abort(new Error(`stop after ${abortAfter} squares`));
  });
  let rejectedWith = 'nothing (it finished)';
  try {
    await run({
      producer,
      queue: new ChannelQueue<unknown>({ capacity: 5 }),
      executor: squarer(5),
      concurrency: 4,
      collector: partial,
      signal: controller.signal,
    });
  } catch (error) {
    rejectedWith = isAbortError(error) ? 'AbortError' : String(error);
  }
  print(`cancelled run: aborted after ${partial.collected} squares (partial sum ${partial.sum});`);
  print(`  the producer pushed ${producer.pushed} of 100, run() rejected with ${rejectedWith}`);
  return {
    sum: sum.sum,
    cancelled: { sum: partial.sum, collected: partial.collected, pushed: producer.pushed, rejectedWith },
  };
}

// ── Started as a program: the command line (`node square-sum.js --help`) ─────────────────────────

const USAGE = `usage: square-sum [--abort-after N]
  --abort-after N  squares the second run collects before it is aborted, 1 to 99 (default 25)`;

/** The integer given as `--name`, or undefined when absent; throws naming the option, its range and the text. */
function integerArg(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `--${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** The options given on the command line; prints the usage and exits with code 2 on a bad one. */
function commandLine(): SquareSumOptions {
  try {
    const { values } = parseArgs({
      options: { 'abort-after': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return { abortAfter: integerArg('abort-after', values['abort-after'], 1, 99) };
  } catch (error) {
    console.error(`square-sum: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
