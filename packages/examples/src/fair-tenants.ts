/**
 * fair-tenants — one noisy tenant must not make every other tenant wait. A simulated server runs
 * its tenants' tasks on one Pool of limited concurrency: a noisy tenant drops a burst of 2 000
 * tasks at once, while a few quiet tenants each send a task every 10 ms. Every task is a few ms
 * of simulated I/O (a timer, like a database call). The same scenario runs twice:
 *
 *   ChannelQueue (the default, first in first out)   a quiet task waits behind the whole burst
 *
 *       [n n n n n n n n … n n n n q] ─▶ pool
 *
 *   FairQueue({ keyConcurrency })                    keys take turns; the noisy key may hold
 *                                                    at most keyConcurrency of the pool's slots
 *       noisy   [n n n n n n … n] ─┐
 *       quiet-1 [q]               ─┼─ turns ─▶ pool
 *       quiet-2 [q]               ─┘
 *
 * Every task carries its tenant as its key (`pool.submit(job, { key: tenant })`); only the
 * queue differs between the runs (a ChannelQueue ignores keys). For each run it prints, per
 * tenant, the tasks counted and their latency (submit to result, p50/p99/max, nearest rank),
 * and how many noisy tasks started while a quiet one waited; then one verdict line.
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:fair-tenants                        # 2000 noisy tasks, 3 quiet tenants × 30
 *   npm run example:fair-tenants -- --noisy 5000 --quiet 5 --work-ms 1 --concurrency 16
 *   node packages/examples/dist/fair-tenants.js --help
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ChannelQueue, FairQueue, Pool, type WorkQueue } from '@poolkit/core';

/** One task of one tenant, with what happened to it (filled in as it goes). */
interface Job {
  tenant: string;
  noisy: boolean;
  submittedAt: number;
  /** How many tasks (any tenant) had started when this one was submitted. */
  startsBefore: number;
  /** Its place in the order tasks started (0 = first), once started. */
  startIndex: number;
  latencyMs: number;
}

/** One tenant's line of a run. */
export interface TenantStats {
  tenant: string;
  /** Tasks of the tenant that finished (every one submitted, if nothing failed). */
  count: number;
  /** Latency, submit to result, ms: nearest-rank percentiles and the largest. */
  p50: number;
  p99: number;
  max: number;
  /** Most noisy tasks that started while one task of this tenant waited (0 for the noisy one). */
  overtakenBy: number;
}

export interface ScenarioResult {
  /** 'ChannelQueue' or 'FairQueue'. */
  queue: string;
  /** Tasks submitted, all tenants. */
  submitted: number;
  /** Tasks that finished successfully, all tenants. */
  succeeded: number;
  /** The whole scenario, from the burst to the last result, ms. */
  durationMs: number;
  /** When the noisy tenant's last task finished, and the quiet tenants' last one, ms from the start. */
  noisyLastMs: number;
  quietLastMs: number;
  /** The noisy tenant first, then the quiet ones. */
  tenants: TenantStats[];
  /** Every quiet task's latency together: p50/p99/max. */
  quiet: { p50: number; p99: number; max: number };
}

export interface FairTenantsOptions {
  /** Tasks the noisy tenant submits at once. Default 2000. */
  noisy?: number;
  /** Quiet tenants. Default 3. */
  quiet?: number;
  /** Tasks each quiet tenant submits, one every `everyMs`. Default 30. */
  quietTasks?: number;
  /** ms between two tasks of a quiet tenant. Default 10. */
  everyMs?: number;
  /** ms of simulated I/O per task (a timer). Default 2. */
  workMs?: number;
  /** Tasks running at once, all tenants together (the pool's concurrency). Default 8. */
  concurrency?: number;
  /** FairQueue's keyConcurrency: tasks of one tenant running at once. Default concurrency − 2 (at least 1). */
  keyConcurrency?: number;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface FairTenantsResult {
  options: Required<Omit<FairTenantsOptions, 'print'>>;
  /** The ChannelQueue run, then the FairQueue run. */
  runs: [ScenarioResult, ScenarioResult];
}

/** The value at percentile `p` (0–100) of sorted `values`, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function latencies(jobs: readonly Job[]): { p50: number; p99: number; max: number } {
  const sorted = jobs.map((job) => job.latencyMs).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

/**
 * Runs the scenario once on a pool over `queue`: the noisy burst, then the quiet tenants'
 * steady trickle, until every task has its result.
 */
async function scenario(
  name: string,
  queue: WorkQueue<unknown>,
  options: Required<Omit<FairTenantsOptions, 'print'>>,
): Promise<ScenarioResult> {
  const { noisy, quiet, quietTasks, everyMs, workMs, concurrency } = options;
  let starts = 0;
  const startedNoisy: boolean[] = []; // by start index: was it a noisy task?
  const pool = new Pool<Job, void>({
    concurrency,
    queue,
    executor: async (job) => {
      job.startIndex = starts++;
      startedNoisy.push(job.noisy);
      await sleep(workMs); // the simulated I/O
    },
  });
  const jobs: Job[] = [];
  const results: Promise<void>[] = [];
  const started = performance.now();
  let noisyLastMs = 0;
  let quietLastMs = 0;
  const submit = (tenant: string, noisy: boolean): void => {
    const job: Job = {
      tenant,
      noisy,
      submittedAt: performance.now(),
      startsBefore: starts,
      startIndex: -1,
      latencyMs: Number.NaN,
    };
    jobs.push(job);
    results.push(
      pool.submit(job, { key: tenant }).then(() => {
        const now = performance.now();
        job.latencyMs = now - job.submittedAt;
        if (noisy) noisyLastMs = now - started;
        else quietLastMs = now - started;
      }),
    );
  };

  for (let i = 0; i < noisy; i++) submit('noisy', true);
  const quietTenants = Array.from({ length: quiet }, (_, i) => `quiet-${i + 1}`);
  await Promise.all(
    quietTenants.map(async (tenant) => {
      for (let i = 0; i < quietTasks; i++) {
        await sleep(everyMs);
        submit(tenant, false);
      }
    }),
  );
  const settled = await Promise.allSettled(results);
  const durationMs = performance.now() - started;
  await pool.close();

  // noisyBefore[s]: how many of the first s tasks to start were noisy.
  const noisyBefore = new Int32Array(startedNoisy.length + 1);
  for (let s = 0; s < startedNoisy.length; s++)
    noisyBefore[s + 1] = noisyBefore[s] + (startedNoisy[s] ? 1 : 0);
  const tenants = ['noisy', ...quietTenants].map((tenant): TenantStats => {
    const own = jobs.filter((job) => job.tenant === tenant && job.startIndex >= 0);
    let overtakenBy = 0;
    if (tenant !== 'noisy') {
      for (const job of own) {
        overtakenBy = Math.max(overtakenBy, noisyBefore[job.startIndex] - noisyBefore[job.startsBefore]);
      }
    }
    return { tenant, count: own.length, ...latencies(own), overtakenBy };
  });
  return {
    queue: name,
    submitted: jobs.length,
    succeeded: settled.filter((s) => s.status === 'fulfilled').length,
    durationMs,
    noisyLastMs,
    quietLastMs,
    tenants,
    quiet: latencies(jobs.filter((job) => !job.noisy)),
  };
}

const ms = (value: number): string => value.toFixed(1).padStart(8);

function printRun(print: (line: string) => void, title: string, run: ScenarioResult): void {
  print(`${title}: ${run.succeeded}/${run.submitted} tasks in ${(run.durationMs / 1000).toFixed(2)} s`);
  print('  tenant     tasks   p50 ms   p99 ms   max ms   noisy tasks started while one waited (max)');
  for (const t of run.tenants) {
    const overtaken = t.tenant === 'noisy' ? '       -' : String(t.overtakenBy).padStart(8);
    print(
      `  ${t.tenant.padEnd(9)}${String(t.count).padStart(6)} ${ms(t.p50)} ${ms(t.p99)} ${ms(t.max)}   ${overtaken}`,
    );
  }
  print(
    `  last result: quiet tenants at ${(run.quietLastMs / 1000).toFixed(2)} s, the noisy tenant at ${(run.noisyLastMs / 1000).toFixed(2)} s`,
  );
}

export async function main(options: FairTenantsOptions = {}): Promise<FairTenantsResult> {
  const {
    noisy = 2000,
    quiet = 3,
    quietTasks = 30,
    everyMs = 10,
    workMs = 2,
    concurrency = 8,
    print = (line: string) => console.log(line),
  } = options;
  const keyConcurrency = options.keyConcurrency ?? Math.max(1, concurrency - 2);
  const settings = { noisy, quiet, quietTasks, everyMs, workMs, concurrency, keyConcurrency };
  // Room for every task in both queues: this example is about the order of starts, not back-pressure
  // (a server would bound the noisy tenant's backlog too, with FairQueue's keyCapacity).
  const capacity = noisy + quiet * quietTasks;

  print(
    `fair-tenants: 1 noisy tenant (${noisy} tasks at once) and ${quiet} quiet tenant${quiet === 1 ? '' : 's'} (${quietTasks} tasks each, one every ${everyMs} ms)`,
  );
  print(`  every task is ${workMs} ms of simulated I/O; the pool runs ${concurrency} at once`);
  print('');
  const channel = await scenario('ChannelQueue', new ChannelQueue({ capacity }), settings);
  printRun(print, 'ChannelQueue (first in, first out)', channel);
  print('');
  const fair = await scenario('FairQueue', new FairQueue({ capacity, keyConcurrency }), settings);
  printRun(print, `FairQueue ({ keyConcurrency: ${keyConcurrency} })`, fair);
  print('');
  const times = channel.quiet.p99 / fair.quiet.p99;
  print(
    `verdict: the quiet tenants' p99 is ${fair.quiet.p99.toFixed(1)} ms with FairQueue, ${channel.quiet.p99.toFixed(1)} ms without (${times >= 1 ? `${times.toFixed(0)}× lower` : 'no better'}); the noisy tenant's last result came at ${(fair.noisyLastMs / 1000).toFixed(2)} s instead of ${(channel.noisyLastMs / 1000).toFixed(2)} s`,
  );
  return { options: settings, runs: [channel, fair] };
}

// ── Started as a program: the command line (`node fair-tenants.js --help`) ───────────────────────

const USAGE = `usage: fair-tenants [--noisy N] [--quiet N] [--quiet-tasks N] [--every-ms N] [--work-ms N]
                    [--concurrency N] [--key-concurrency N]
  --noisy N            tasks the noisy tenant submits at once, 1 to 100000 (default 2000)
  --quiet N            quiet tenants, 1 to 100 (default 3)
  --quiet-tasks N      tasks per quiet tenant, 1 to 10000 (default 30)
  --every-ms N         ms between two tasks of a quiet tenant, 1 to 10000 (default 10)
  --work-ms N          ms of simulated I/O per task, 1 to 10000 (default 2)
  --concurrency N      tasks running at once, all tenants, 1 to 1024 (default 8)
  --key-concurrency N  FairQueue's tasks of one tenant at once, 1 to --concurrency
                       (default: concurrency − 2, at least 1)`;

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
function commandLine(): FairTenantsOptions {
  try {
    const { values } = parseArgs({
      options: {
        noisy: { type: 'string' },
        quiet: { type: 'string' },
        'quiet-tasks': { type: 'string' },
        'every-ms': { type: 'string' },
        'work-ms': { type: 'string' },
        concurrency: { type: 'string' },
        'key-concurrency': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const concurrency = integerArg('concurrency', values.concurrency, 1, 1024);
    return {
      noisy: integerArg('noisy', values.noisy, 1, 100_000),
      quiet: integerArg('quiet', values.quiet, 1, 100),
      quietTasks: integerArg('quiet-tasks', values['quiet-tasks'], 1, 10_000),
      everyMs: integerArg('every-ms', values['every-ms'], 1, 10_000),
      workMs: integerArg('work-ms', values['work-ms'], 1, 10_000),
      concurrency,
      // A tenant can never run more at once than the whole pool.
      keyConcurrency: integerArg('key-concurrency', values['key-concurrency'], 1, concurrency ?? 8),
    };
  } catch (error) {
    console.error(`fair-tenants: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
