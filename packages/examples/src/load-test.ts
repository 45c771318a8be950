/**
 * load-test — the load testers of the "parallel" seed design: drive an HTTP service at a fixed
 * request rate, for a bounded number of requests and a bounded time, and report throughput,
 * errors and latency percentiles. It starts its own server on 127.0.0.1 (a random free port),
 * so it runs anywhere, and stops by itself.
 *
 *   request numbers ──▶ RateLimitedQueue(ChannelQueue, limit/interval) ──▶ ≤ N in flight ──▶ GET
 *                                                                              │
 *                                      latencies, statuses ◀── collector ◀─────┘
 *
 * The rate is enforced on the queue's pops (a sliding window: never more than `limit` requests
 * start in any `interval`), so the pool's concurrency only bounds requests in flight.
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:load-test                           # 300 requests at 200/s to its own server
 *   npm run example:load-test -- --requests 1000 --rate 500 --concurrency 32
 *   npm run example:load-test -- --url http://127.0.0.1:8080 --max-duration-ms 5000
 *   node packages/examples/dist/load-test.js --help
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ChannelQueue, isAbortError, RateLimitedQueue, run } from '@poolkit/core';

/** A small service to test: answers after 1–5 ms, and counts what it served. */
export async function startServer(): Promise<{ server: Server; url: string; served: () => number }> {
  let served = 0;
  const server = createServer((req, res) => {
    const delay = 1 + Math.floor(Math.random() * 5);
    setTimeout(() => {
      served++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`ok ${req.url}\n`);
    }, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, served: () => served };
}

/** One GET with a keep-alive agent: resolves with the status code, rejects on network errors. */
function get(url: string, agent: Agent, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, signal }, (res) => {
      res.resume(); // read the body to the end so the socket goes back to the agent
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value at percentile `p` (0–100) of sorted `values`, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LoadTestOptions {
  /** Requests to send in all. Default 300. */
  requests?: number;
  /** Requests started per second (at most). Default 200. */
  rate?: number;
  /** Hard limit on the whole test, ms: it stops there even if requests remain. Default 10 000. */
  maxDurationMs?: number;
  /** Requests in flight at most. Default 16. */
  concurrency?: number;
  /** A URL to test instead of the built-in server. */
  url?: string;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface LoadTestResult {
  requests: number;
  completed: number;
  errors: number;
  /** Requests the built-in server answered (undefined with an external url). */
  served: number | undefined;
  durationMs: number;
  throughput: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  /** True when the duration limit cut the test short. */
  timedOut: boolean;
}

export async function main(options: LoadTestOptions = {}): Promise<LoadTestResult> {
  const {
    requests = 300,
    rate = 200,
    maxDurationMs = 10_000,
    concurrency = 16,
    print = (line: string) => console.log(line),
  } = options;
  const local = options.url === undefined ? await startServer() : undefined;
  const url = options.url?.replace(/\/+$/, '') ?? local!.url; // requests go to <url>/item/<n>
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

  // `rate` per second as a sliding window of 100 ms, with bursts of at most 2 back to back: past a
  // burst, requests start evenly spaced (1000 / rate ms apart), as a steady load generator should.
  const perWindow = Math.max(1, Math.round(rate / 10));
  const queue = new RateLimitedQueue(new ChannelQueue<unknown>({ capacity: concurrency * 2 }), {
    limit: perWindow,
    interval: (perWindow / rate) * 1000,
    burst: Math.min(2, perWindow),
  });
  const latencies: number[] = [];
  const failures: string[] = [];
  let timedOut = false;

  print(
    `load-test: ${requests} requests at ${rate}/s to ${url} (at most ${concurrency} in flight, ${maxDurationMs} ms at most)`,
  );
  const started = performance.now();
  try {
    await run<number, number>({
      producer: Array.from({ length: requests }, (_, i) => i + 1),
      queue,
      concurrency,
      executor: async (n, ctx) => {
        const t0 = performance.now();
        const status = await get(`${url}/item/${n}`, agent, ctx.signal);
        latencies.push(performance.now() - t0);
        if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
        return status;
      },
      collector: (outcome) => {
        if (!outcome.ok && !isAbortError(outcome.error))
          failures.push(String((outcome.error as Error)?.message ?? outcome.error));
      },
      signal: AbortSignal.timeout(maxDurationMs),
    });
  } catch (error) {
    if (!isAbortError(error)) throw error;
    timedOut = true;
  } finally {
    agent.destroy();
    if (local) {
      local.server.closeAllConnections();
      await new Promise<void>((resolve) => local.server.close(() => resolve()));
    }
  }
  const durationMs = performance.now() - started;

  const sorted = latencies.slice().sort((a, b) => a - b);
  const latency = {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
  };
  const completed = latencies.length;
  const throughput = completed / (durationMs / 1000);
  print(
    `  completed ${completed}/${requests} requests in ${(durationMs / 1000).toFixed(2)} s${timedOut ? ' (stopped at the duration limit)' : ''}`,
  );
  print(`  throughput ${throughput.toFixed(1)} req/s (target ${rate}/s), errors ${failures.length}`);
  print(
    `  latency p50 ${latency.p50.toFixed(2)} ms, p90 ${latency.p90.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, max ${latency.max.toFixed(2)} ms`,
  );
  if (local) print(`  the server answered ${local.served()} requests`);
  for (const failure of failures.slice(0, 5)) print(`  error: ${failure}`);
  return {
    requests,
    completed,
    errors: failures.length,
    served: local?.served(),
    durationMs,
    throughput,
    latency,
    timedOut,
  };
}

// ── Started as a program: the command line (`node load-test.js --help`) ──────────────────────────

const USAGE = `usage: load-test [--requests N] [--rate N] [--max-duration-ms N] [--concurrency N] [--url URL]
  --requests N         requests to send in all, 1 to 10000000 (default 300)
  --rate N             requests started per second at most, 1 to 100000 (default 200)
  --max-duration-ms N  stop there even if requests remain, 1 to 86400000 (default 10000)
  --concurrency N      requests in flight at most, 1 to 1024 (default 16)
  --url URL            an http:// service to test instead of the built-in server (GET URL/item/<n>)`;

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
function commandLine(): LoadTestOptions {
  try {
    const { values } = parseArgs({
      options: {
        requests: { type: 'string' },
        rate: { type: 'string' },
        'max-duration-ms': { type: 'string' },
        concurrency: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    // node:http speaks plain HTTP only: refuse anything else before the test starts.
    if (values.url !== undefined && !(URL.canParse(values.url) && new URL(values.url).protocol === 'http:')) {
      throw new TypeError(`--url must be an http:// URL, received ${JSON.stringify(values.url)}`);
    }
    return {
      requests: integerArg('requests', values.requests, 1, 10_000_000),
      rate: integerArg('rate', values.rate, 1, 100_000),
      maxDurationMs: integerArg('max-duration-ms', values['max-duration-ms'], 1, 86_400_000),
      concurrency: integerArg('concurrency', values.concurrency, 1, 1024),
      url: values.url,
    };
  } catch (error) {
    console.error(`load-test: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
