/**
 * md5-fork-join — the "parwork" seed design: self-contained Work items made by a generator
 * function (which ends by returning undefined), forked onto a worker pool, joined by a collector.
 *
 *   generator fn ──▶ HashWork { text, run } ──▶ run({ executor: runWork }) ──▶ collector
 *                                   │
 *                                   └─▶ PiscinaBackend (worker threads): md5(text)
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:md5-fork-join                              # 1000 strings on 2 threads
 *   npm run example:md5-fork-join -- --count 5000 --threads 4
 *   node packages/examples/dist/md5-fork-join.js --help
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PiscinaBackend } from '@poolkit/adapters';
import { type Backend, type Outcome, run, runWork, type TaskContext, type Work } from '@poolkit/core';

/** The worker module, beside this file once compiled (dist/workers/md5-worker.js). */
export const MD5_WORKER = new URL('./workers/md5-worker.js', import.meta.url);

/**
 * One unit of work, as in parwork: it carries its input and knows how to do itself. Its `run`
 * sends the hashing to the worker threads, passing the task's signal along so a cancelled
 * fork-join stops its threads' tasks too.
 */
export class HashWork implements Work<string> {
  constructor(
    readonly text: string,
    private readonly hasher: Backend<string, string>,
  ) {}

  run(ctx: TaskContext): Promise<string> {
    return this.hasher.run(this.text, { signal: ctx.signal });
  }
}

/** A generator function in the parwork sense: each call gives the next string, then undefined. */
export function sentences(count: number): () => string | undefined {
  let i = 0;
  return () => {
    if (i >= count) return undefined;
    i++;
    return `sentence ${i}: ${'the quick brown fox '.repeat(i % 7)}jumps over ${i * 31} lazy dogs`;
  };
}

/** The collector: gathers every digest by its text, and every failure. */
export class DigestCollector {
  readonly digests = new Map<string, string>();
  readonly failures: unknown[] = [];

  collect(outcome: Outcome<Work, unknown>): void {
    const { text } = outcome.input as HashWork;
    if (outcome.ok) this.digests.set(text, outcome.value as string);
    else this.failures.push(outcome.error);
  }
}

export interface Md5ForkJoinOptions {
  /** How many strings the generator produces. Default 1000. */
  count?: number;
  /** Worker threads. Default 2. */
  threads?: number;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface Md5ForkJoinResult {
  count: number;
  threads: number;
  digests: Map<string, string>;
  /** Digests that differ from node:crypto's own on the main thread (should be 0). */
  mismatches: number;
  failed: number;
  durationMs: number;
}

export async function main(options: Md5ForkJoinOptions = {}): Promise<Md5ForkJoinResult> {
  const { count = 1000, threads = 2, print = (line: string) => console.log(line) } = options;
  const hasher = new PiscinaBackend({ filename: MD5_WORKER, threads }) as Backend<string, string>;
  const next = sentences(count);
  const collector = new DigestCollector();
  try {
    print(`md5-fork-join: hashing ${count} strings on ${threads} worker threads`);
    const summary = await run<Work, unknown>({
      // A generator function: null/undefined ends the stream.
      producer: () => {
        const text = next();
        return text === undefined ? undefined : new HashWork(text, hasher);
      },
      executor: runWork,
      concurrency: hasher.concurrency * 2, // keep every thread busy while results travel back
      collector,
    });
    let mismatches = 0;
    for (const [text, digest] of collector.digests) {
      if (createHash('md5').update(text, 'utf8').digest('hex') !== digest) mismatches++;
    }
    const sample = [...collector.digests].slice(0, 3);
    for (const [text, digest] of sample) print(`  ${digest}  ${JSON.stringify(text)}`);
    print(`  ... ${collector.digests.size} digests collected in ${summary.durationMs.toFixed(0)} ms`);
    print(
      mismatches === 0 && collector.digests.size === count
        ? `all ${count} digests equal node:crypto's`
        : `MISMATCH: ${mismatches} digests differ, ${count - collector.digests.size} missing`,
    );
    return {
      count,
      threads,
      digests: collector.digests,
      mismatches,
      failed: summary.failed,
      durationMs: summary.durationMs,
    };
  } finally {
    await hasher.close();
  }
}

// ── Started as a program: the command line (`node md5-fork-join.js --help`) ──────────────────────

const USAGE = `usage: md5-fork-join [--count N] [--threads N]
  --count N    strings to hash, 1 to 1000000 (default 1000)
  --threads N  worker threads, 1 to 64 (default 2)`;

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
function commandLine(): Md5ForkJoinOptions {
  try {
    const { values } = parseArgs({
      options: {
        count: { type: 'string' },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return {
      count: integerArg('count', values.count, 1, 1_000_000),
      threads: integerArg('threads', values.threads, 1, 64),
    };
  } catch (error) {
    console.error(`md5-fork-join: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
