/**
 * trace-across-threads, its spans: the collector that gathers them from every thread and process,
 * and the tree it prints (one line per span: name, kind, where it ran, ids, status, attributes).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import type { PartResult } from '../trace-across-threads.js';
import { ATTR_PROCESS_PID, ATTR_THREAD_ID, type SpanRecord } from '../workers/trace-telemetry.js';

/** Attributes the tree leaves out: the messaging duplicates, the queue wait, and where (its own column). */
const UNPRINTED = /^(messaging\.|poolkit\.queue\.wait_ms$|process\.pid$|thread\.id$)/;

// ── The spans, wherever they were made ─────────────────────────────────────────────────────────

/** Every span of the run: the main thread's as they end, the others' as their messages arrive. */
export class SpanCollector {
  readonly spans: SpanRecord[] = [];
  readonly add = (record: SpanRecord): void => void this.spans.push(record);

  /** The spans collected since `mark` (a length of `spans`), in start order. */
  since(mark: number): SpanRecord[] {
    return this.spans.slice(mark).sort((a, b) => a.startMs - b.startMs);
  }

  /**
   * Waits until `count` spans collected since `mark` are named `name`: a span a thread or a process
   * sent may arrive after the result of its task (another channel), and is waited for before the
   * pool closes. Throws after `ms`, or when `signal` aborts.
   */
  async waitFor(mark: number, name: string, count: number, ms: number, signal: AbortSignal): Promise<void> {
    const deadline = performance.now() + ms;
    const arrived = () => this.spans.slice(mark).filter((span) => span.name === name).length;
    while (arrived() < count) {
      signal.throwIfAborted();
      if (performance.now() > deadline) {
        throw new Error(`only ${arrived()} of ${count} '${name}' spans arrived within ${ms} ms`);
      }
      await sleep(10);
    }
  }
}

/** Where `span` was made, from the attributes its place stamped on it. */
export function where(span: SpanRecord): string {
  const pid = Number(span.attributes[ATTR_PROCESS_PID]);
  const thread = Number(span.attributes[ATTR_THREAD_ID]);
  if (pid !== process.pid)
    return thread === 0 ? `poolkit-worker ${pid}` : `poolkit-worker ${pid} thread ${thread}`;
  return thread === threadId ? 'main thread' : `worker thread ${thread}`;
}

// ── The tree ────────────────────────────────────────────────────────────────────────────────────

/**
 * `spans` as an indented tree, one line per span: name, kind, where, span id, parent, status and
 * the key attributes. Children in start order; a span whose parent is not among `spans` is a root.
 */
export function treeLines(spans: readonly SpanRecord[]): string[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | null, SpanRecord[]>();
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const rows: Array<{ label: string; span: SpanRecord }> = [];
  const walk = (parent: string | null, lead: string, root: boolean) => {
    const kids = children.get(parent) ?? [];
    kids.forEach((span, i) => {
      const last = i === kids.length - 1;
      rows.push({ label: root ? span.name : `${lead}${last ? '└─ ' : '├─ '}${span.name}`, span });
      walk(span.spanId, root ? '' : `${lead}${last ? '   ' : '│  '}`, false);
    });
  };
  walk(null, '', true);
  const width = (pick: (row: (typeof rows)[number]) => string) =>
    Math.max(...rows.map((row) => pick(row).length));
  const labelWidth = width((row) => row.label);
  const whereWidth = width((row) => where(row.span));
  return rows.map(({ label, span }) => {
    const parent = span.parentSpanId === null ? '(root)         ' : `parent ${span.parentSpanId.slice(0, 8)}`;
    const status =
      span.status === 'UNSET'
        ? ''
        : `  ${span.status}${span.statusMessage ? ` (${span.statusMessage})` : ''}`;
    const attributes = Object.entries(span.attributes)
      .filter(([key]) => !UNPRINTED.test(key))
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    return [
      label.padEnd(labelWidth),
      span.kind.padEnd(8),
      where(span).padEnd(whereWidth),
      `span ${span.spanId.slice(0, 8)}`,
      `${parent}${status}`,
      attributes,
    ].join('  ');
  });
}

/** Prints a part: what its tasks came to, then its request's trace as a tree (and any span outside it). */
export function printPart(result: PartResult, print: (line: string) => void): void {
  if (result.skipped !== undefined) {
    print(`  part 2 skipped: ${result.skipped}`);
    return;
  }
  for (const line of result.results) print(`  ${line}`);
  const inTrace = result.spans.filter((span) => span.traceId === result.traceId);
  const places = new Map<string, number>();
  for (const span of inTrace) places.set(where(span), (places.get(where(span)) ?? 0) + 1);
  const from = [...places].map(([place, n]) => `${n} from ${place}`).join(', ');
  print(`  trace ${result.traceId}: ${inTrace.length} spans (${from})`);
  for (const line of treeLines(inTrace)) print(`    ${line}`);
  // Spans whose context did not travel (no propagator, no traceWorkerTasks()): traces of their own.
  const outside = result.spans.filter((span) => span.traceId !== result.traceId);
  if (outside.length > 0) {
    print(`  ${outside.length} spans in other traces: the try's context did not reach where they ran`);
    for (const line of treeLines(outside)) print(`    ${line}`);
  }
}
