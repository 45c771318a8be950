/**
 * prometheus-metrics — a pool's metrics on a Prometheus `/metrics` page. A pool named `thumbnails`
 * "resizes images" (an InlineBackend executor that sleeps a little and does a little hashing); some
 * images are corrupt (the task fails) and some take far too long (the task times out).
 * `PoolkitInstrumentation` turns every try into OpenTelemetry metrics, and a `PrometheusExporter` —
 * the MeterProvider's reader — serves them as Prometheus text on 127.0.0.1.
 *
 *   submit ──▶ Pool 'thumbnails' ──▶ poolkit:task channel ──▶ PoolkitInstrumentation
 *                                                                  │ (counters, histograms, gauges)
 *   GET /metrics ◀── PrometheusExporter (a MetricReader) ◀── MeterProvider
 *
 * It submits tasks for `--seconds`, waits for them to settle, fetches its own `/metrics` once,
 * prints the poolkit lines (histogram buckets left out) and exits. With `--serve` it goes on
 * submitting and serving until Ctrl-C, for a real Prometheus to scrape.
 *
 * Run it from the repository root (after `npm run build`):
 *
 *   npm run example:prometheus-metrics                       # 2 s of tasks, metrics on :9464
 *   npm run example:prometheus-metrics -- --port 0 --seconds 5
 *   npm run example:prometheus-metrics -- --serve            # then: curl http://127.0.0.1:9464/metrics
 *   node packages/examples/dist/prometheus-metrics.js --help
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { InlineBackend, Pool } from '@poolkit/core';
import { PoolkitInstrumentation } from '@poolkit/opentelemetry';

/** Every 10th image is corrupt: its task fails with this code. */
const CORRUPT = 'E_CORRUPT';
/** The pool's per-task timeout, ms; every 25th image takes 2 s and times out. */
const TIMEOUT_MS = 250;

/** "Resizes" image `n`: a few ms of waiting (the file) and a hash (the pixels). */
async function resize(n: number, ctx: { signal: AbortSignal }): Promise<string> {
  const slow = n % 25 === 13;
  await sleep(slow ? 2_000 : 5 + (n % 4) * 5, undefined, { signal: ctx.signal });
  if (n % 10 === 7) throw Object.assign(new Error(`image ${n} is corrupt`), { code: CORRUPT });
  return createHash('sha256').update(`image ${n}`).digest('hex').slice(0, 8);
}

/** A port nobody listens on now (the exporter reads port 0 as "the default", 9464). */
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

export interface PrometheusMetricsOptions {
  /** Port of `/metrics` on 127.0.0.1; 0 picks a free one. Default 9464 (Prometheus's exporter port). */
  port?: number;
  /** How long tasks are submitted, s. Default 2. Ignored with `serve`. */
  seconds?: number;
  /** Submit and serve until SIGINT/SIGTERM instead of scraping once. Default false. */
  serve?: boolean;
  /** Where output lines go. Default `console.log` (the tests pass one that prints nothing). */
  print?: (line: string) => void;
}

export interface PrometheusMetricsResult {
  url: string;
  /** Tasks submitted, and how they ended as their callers saw it. */
  submitted: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  stats: { submitted: number; succeeded: number; failed: number; cancelled: number };
  /** The whole `/metrics` page fetched at the end ('' with `serve`). */
  scrape: string;
}

export async function main(options: PrometheusMetricsOptions = {}): Promise<PrometheusMetricsResult> {
  const { port = 9464, seconds = 2, serve = false, print = (line: string) => console.log(line) } = options;

  // 1. The exporter is the MeterProvider's reader: each GET /metrics collects and renders.
  //    Its callback is the only place a failed listen() (EADDRINUSE) shows: without one it goes to
  //    OpenTelemetry's diag logger, silent by default.
  const listenPort = port === 0 ? await freePort() : port;
  let exporter!: PrometheusExporter;
  await new Promise<void>((resolve, reject) => {
    exporter = new PrometheusExporter({ host: '127.0.0.1', port: listenPort }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const url = `http://127.0.0.1:${listenPort}/metrics`;
  print(`metrics at ${url}`);

  // 2. The instrumentation, pointed at that provider; the pool is observed for its gauges.
  const poolkit = new PoolkitInstrumentation();
  poolkit.setMeterProvider(meterProvider);
  const pool = new Pool<number, string>({
    name: 'thumbnails',
    backend: new InlineBackend(resize, { concurrency: 3 }),
    timeout: TIMEOUT_MS,
  });
  poolkit.observePool(pool);

  // 3. The load: one image every ~10 ms, each outcome counted as its caller sees it.
  let succeeded = 0;
  let failed = 0;
  let timedOut = 0;
  const settled: Promise<void>[] = [];
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  if (serve) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    print('serving until Ctrl-C');
  } else {
    setTimeout(onSignal, seconds * 1000);
  }
  const started = performance.now();
  for (let n = 1; !stop.signal.aborted; n++) {
    settled.push(
      pool.submit(n).then(
        () => void succeeded++,
        (error: { code?: unknown }) => void (error?.code === 'ERR_TASK_TIMEOUT' ? timedOut++ : failed++),
      ),
    );
    await sleep(10);
  }
  await Promise.all(settled);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const elapsed = (performance.now() - started) / 1000;
  const stats = pool.stats;
  print(
    `submitted ${settled.length} tasks in ${elapsed.toFixed(1)} s: ${succeeded} succeeded, ` +
      `${failed} failed, ${timedOut} timed out (pool.stats: ${stats.succeeded} succeeded, ` +
      `${stats.failed} failed, ${stats.cancelled} cancelled)`,
  );

  // 4. Scrape once, as Prometheus would, before the pool closes (a closed pool leaves the gauges).
  let scrape = '';
  if (!serve) {
    const response = await fetch(url);
    scrape = await response.text();
    print(`GET ${url} → ${response.status}; its poolkit lines (histogram buckets left out):`);
    for (const line of scrape.split('\n')) {
      if (/^(# TYPE )?poolkit_/.test(line) && !/^poolkit_\w+_bucket\{/.test(line)) print(line);
    }
  }

  // 5. Close everything: the pool, then the provider (which closes the exporter's server).
  await pool.close();
  await meterProvider.shutdown();
  poolkit.disable();
  return {
    url,
    submitted: settled.length,
    succeeded,
    failed,
    timedOut,
    stats: {
      submitted: stats.submitted,
      succeeded: stats.succeeded,
      failed: stats.failed,
      cancelled: stats.cancelled,
    },
    scrape,
  };
}

// ── Started as a program: the command line (`node prometheus-metrics.js --help`) ─────────────────

const USAGE = `usage: prometheus-metrics [--port N] [--seconds N] [--serve]
  --port N     port of /metrics on 127.0.0.1, 0 to 65535; 0 picks a free one (default 9464)
  --seconds N  how long tasks are submitted, s, 0.1 to 3600 (default 2)
  --serve      go on submitting and serving until Ctrl-C instead of scraping once and exiting`;

/** The number given as `--name`, or undefined when absent; throws naming the option, its range and the text. */
function numberArg(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
  integer: boolean,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw new RangeError(
      `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, received ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** The options given on the command line; prints the usage and exits with code 2 on a bad one. */
function commandLine(): PrometheusMetricsOptions {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string' },
        seconds: { type: 'string' },
        serve: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return {
      port: numberArg('port', values.port, 0, 65_535, true),
      seconds: numberArg('seconds', values.seconds, 0.1, 3600, false),
      serve: values.serve,
    };
  } catch (error) {
    console.error(`prometheus-metrics: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

// Only when started as a program, not when imported (the tests call main() themselves).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(commandLine());
