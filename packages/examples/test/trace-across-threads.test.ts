import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requireRedis, skipRedis } from '@poolkit/bullmq/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PartResult, TraceAcrossThreadsResult } from '../dist/trace-across-threads.js';
import type { SpanRecord } from '../dist/workers/trace-telemetry.js';
import { type ProgramRun, runProgram } from './run-program.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Tasks per part that succeed; one more fails. */
const TASKS = 4;

/** Whether `pid` is a live process (a zombie counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** A part's spans by role, after checking that every one of them is one of the three. */
function roles(part: PartResult, request: string, inside: string) {
  const named = (name: string) => part.spans.filter((span) => span.name === name);
  const split = { request: named(request), tries: named(`process ${part.pool}`), inside: named(inside) };
  expect(part.spans.map((span) => span.name).sort()).toEqual(
    [...split.request, ...split.tries, ...split.inside].map((span) => span.name).sort(),
  );
  return split;
}

const pidOf = (span: SpanRecord) => span.attributes['process.pid'];
const threadOf = (span: SpanRecord) => span.attributes['thread.id'];

/**
 * The checks both parts share: one request span (the root, on the main thread); a try span per
 * task, each a child of the request, on the main thread; one span per try where the task ran, a
 * child of that try, in the same trace; the failing task's try and its span ERROR. Returns the
 * spans made where the tasks ran, for the part's own checks of where that was.
 */
function checkTrace(
  result: TraceAcrossThreadsResult,
  part: PartResult,
  names: { request: string; inside: string; failing: string; code: string; input: string },
): SpanRecord[] {
  expect(part.skipped).toBeUndefined();
  const { request, tries, inside } = roles(part, names.request, names.inside);
  expect(request).toHaveLength(1);
  const [root] = request;
  expect(root).toMatchObject({ traceId: part.traceId, parentSpanId: null, kind: 'SERVER' });
  expect(pidOf(root)).toBe(result.pid);
  expect(threadOf(root)).toBe(result.threadId);

  // Every try span is a child of the request span, made on the main thread by the instrumentation.
  expect(tries).toHaveLength(TASKS + 1);
  for (const span of tries) {
    expect(span).toMatchObject({
      traceId: root.traceId,
      parentSpanId: root.spanId,
      kind: 'CONSUMER',
      scope: '@poolkit/opentelemetry',
    });
    expect(span.attributes).toMatchObject({ 'poolkit.pool.name': part.pool, 'poolkit.attempt': 1 });
    expect(pidOf(span)).toBe(result.pid);
    expect(threadOf(span)).toBe(result.threadId);
  }

  // Every span a task started is a child of a try span of the same trace: one per try.
  const tryOf = new Map(tries.map((span) => [span.spanId, span]));
  expect(inside).toHaveLength(TASKS + 1);
  for (const span of inside) {
    expect(span.traceId, `${span.name} ${span.spanId} is in the request's trace`).toBe(root.traceId);
    expect(tryOf.has(span.parentSpanId ?? ''), `${span.name} ${span.spanId}'s parent is a try span`).toBe(
      true,
    );
  }
  expect(new Set(inside.map((span) => span.parentSpanId)).size).toBe(TASKS + 1);

  // The failing task: its try span and the span it started are ERROR; the others are not.
  for (const span of inside) {
    const owner = tryOf.get(span.parentSpanId ?? '') as SpanRecord;
    if (span.attributes[names.input] === names.failing) {
      expect(span.status).toBe('ERROR');
      expect(owner.status).toBe('ERROR');
      expect(owner.attributes).toMatchObject({ 'poolkit.outcome': 'failed', 'error.type': names.code });
    } else {
      expect(span.status).toBe('UNSET');
      expect(owner.status).toBe('UNSET');
      expect(owner.attributes['poolkit.outcome']).toBe('succeeded');
    }
  }
  expect(tries.filter((span) => span.status === 'ERROR')).toHaveLength(1);
  expect(part.results.filter((line) => line.includes(`failed: ${names.code}`))).toHaveLength(1);
  return inside;
}

/** The tree's lines of one part: `name kind where span <id> parent <id>|(root) …`, with their depth. */
function treeRows(stdout: string, first: string) {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.trimStart().startsWith(first));
  const rows = [];
  for (const line of lines.slice(start)) {
    const m =
      /^ {4}([│├└─ ]*)(\S.*?) {2,}([A-Z]+) {2,}(.+?) {2,}span ([0-9a-f]{8}) {2}(?:parent ([0-9a-f]{8})|\(root\))/.exec(
        line,
      );
    if (m === null) break;
    rows.push({ depth: m[1].length / 3, name: m[2], kind: m[3], where: m[4], id: m[5], parent: m[6], line });
  }
  return rows;
}

/** Checks a printed tree: each row's parent is the nearest row above it one level up. */
function checkTree(rows: ReturnType<typeof treeRows>, request: string, inside: string, place: RegExp) {
  expect(rows[0]).toMatchObject({ depth: 0, name: request, kind: 'SERVER', where: 'main thread' });
  expect(rows.filter((row) => row.depth === 1)).toHaveLength(TASKS + 1);
  expect(rows.filter((row) => row.depth === 2)).toHaveLength(TASKS + 1);
  for (const [i, row] of rows.entries()) {
    if (row.depth === 0) continue;
    const above = rows.slice(0, i).findLast((other) => other.depth === row.depth - 1);
    expect(row.parent, row.line).toBe(above?.id);
    if (row.depth === 1) expect(row).toMatchObject({ kind: 'CONSUMER', where: 'main thread' });
    if (row.depth === 2) {
      expect(row).toMatchObject({ name: inside, kind: 'INTERNAL' });
      expect(row.where).toMatch(place);
    }
  }
  expect(rows.filter((row) => / {2}ERROR /.test(row.line))).toHaveLength(2); // the failing try and its span
}

describe('trace-across-threads --json', () => {
  let run: ProgramRun;
  let result: TraceAcrossThreadsResult;
  beforeAll(async () => {
    run = await runProgram('trace-across-threads', ['--json', '--tasks', String(TASKS), '--threads', '2']);
    result = JSON.parse(run.stdout) as TraceAcrossThreadsResult;
  });

  it('prints only JSON and exits 0', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(result.parts.map((part) => part.part)).toEqual(['threads', 'processes']);
  });

  it('part 1: request → try spans (main thread) → resize spans, made in worker threads', () => {
    const threads = result.parts[0];
    const inside = checkTrace(result, threads, {
      request: 'GET /thumbnails',
      inside: 'resize',
      failing: 'corrupt.jpg',
      code: 'E_CORRUPT',
      input: 'image.name',
    });
    for (const span of threads.spans.filter((s) => s.name === 'process thumbnails')) {
      expect(span.attributes['poolkit.backend']).toBe('piscina');
    }
    for (const span of inside) {
      expect(pidOf(span)).toBe(result.pid); // this process...
      expect(threadOf(span)).not.toBe(result.threadId); // ...another thread
      expect(threadOf(span)).toBeGreaterThan(0);
    }
  });

  describe.skipIf(skipRedis)('with a real redis-server', () => {
    beforeAll(requireRedis); // in CI a missing redis-server fails these tests instead of skipping them

    it('part 2: request → try spans (main thread) → render spans, made in the poolkit-worker process', () => {
      const processes = result.parts[1];
      const inside = checkTrace(result, processes, {
        request: 'POST /reports',
        inside: 'render',
        failing: 'empty-ledger',
        code: 'E_NO_DATA',
        input: 'report.name',
      });
      for (const span of processes.spans.filter((s) => s.name === 'process reports')) {
        expect(String(span.attributes['poolkit.backend'])).toMatch(/^bullmq/);
        expect(span.attributes['poolkit.task.name']).toBe('render');
      }
      expect(processes.workerPid).toBeGreaterThan(0);
      for (const span of inside) {
        expect(pidOf(span)).not.toBe(result.pid); // another process: the poolkit-worker
        expect(pidOf(span)).toBe(processes.workerPid);
      }
      expect(running(processes.workerPid as number)).toBe(false);
    });
  });
});

describe('trace-across-threads, the printed trees', () => {
  it('part 1 prints request → tries → resize in worker threads, each row under its parent', async () => {
    const run = await runProgram('trace-across-threads', [
      '--tasks',
      String(TASKS),
      '--redis-server',
      '/nonexistent/redis-server',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = treeRows(run.stdout, 'GET /thumbnails');
    expect(rows).toHaveLength(1 + 2 * (TASKS + 1));
    checkTree(rows, 'GET /thumbnails', 'resize', /^worker thread \d+$/);
    // Without a redis-server part 2 says so, and the program still succeeds.
    expect(run.stdout).toContain(
      'part 2 skipped: /nonexistent/redis-server is not executable (Debian, Ubuntu: apt-get install -y redis-server',
    );
    expect(run.stdout).not.toContain('POST /reports');
  });

  describe.skipIf(skipRedis)('with a real redis-server', () => {
    beforeAll(requireRedis);

    it('part 2 prints request → tries → render in the poolkit-worker, and leaves no process behind', async () => {
      const run = await runProgram('trace-across-threads', ['--tasks', String(TASKS)]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const redis = Number(/redis-server (\d+) on redis:/.exec(run.stdout)?.[1]);
      const worker = Number(/poolkit-worker (\d+) ready \(NODE_OPTIONS=--import \S+\)/.exec(run.stdout)?.[1]);
      expect(worker).toBeGreaterThan(0);
      const rows = treeRows(run.stdout, 'POST /reports');
      expect(rows).toHaveLength(1 + 2 * (TASKS + 1));
      checkTree(rows, 'POST /reports', 'render', new RegExp(`^poolkit-worker ${worker}$`));
      for (const pid of [redis, worker]) expect(running(pid)).toBe(false);
    });

    it('Ctrl-C while part 2 runs stops the pool, the worker and Redis, and exits 130', async () => {
      const child = spawn(process.execPath, ['dist/trace-across-threads.js', '--tasks', '400'], {
        cwd: PACKAGE_DIR,
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (/poolkit-worker \d+ ready/.test(stdout)) resolve();
        });
        void exited.then(() => resolve());
      });
      const interrupted = performance.now();
      child.kill('SIGINT');
      const code = await exited;

      expect(code).toBe(130);
      expect(performance.now() - interrupted).toBeLessThan(10_000);
      expect(stdout).toContain('SIGINT: stopping the pools, the worker and Redis');
      expect(stdout).not.toContain('POST /reports');
      expect(stderr).toContain(
        'trace-across-threads: interrupted by SIGINT; everything it started is stopped',
      );
      const redis = Number(/redis-server (\d+) on redis:/.exec(stdout)?.[1]);
      const worker = Number(/poolkit-worker (\d+) ready/.exec(stdout)?.[1]);
      for (const pid of [redis, worker]) expect(running(pid)).toBe(false);
    });
  });
});

describe('the command line of trace-across-threads', () => {
  it('--help prints the usage and exits 0 without running anything', async () => {
    const run = await runProgram('trace-across-threads', ['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^usage: trace-across-threads/);
  });

  it('a bad value or an unknown option is refused with the usage, exit code 2', async () => {
    const bad = await runProgram('trace-across-threads', ['--tasks', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(
      'trace-across-threads: --tasks must be an integer from 1 to 1000, received "0"',
    );
    expect(bad.stderr).toContain('usage: trace-across-threads');
    const unknown = await runProgram('trace-across-threads', ['--no-such-option']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("trace-across-threads: Unknown option '--no-such-option'");
  });
});
