/**
 * The worker module of `trace-across-threads`' `thumbnails` pool (its PiscinaBackend's `filename`).
 * Each worker thread loads it once: it sets up the thread's own OpenTelemetry (a thread is its own
 * isolate: the main thread's providers are not here), sends each finished span to the main thread
 * over a BroadcastChannel, and calls `traceWorkerTasks()` — the one line that runs every task in
 * the context its try's trace headers carry. The `resize` span a task starts is then a child of
 * its try's span `process thumbnails`, in the main thread's request trace.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BroadcastChannel } from 'node:worker_threads';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { traceWorkerTasks } from '@poolkit/opentelemetry/worker';
import { SPANS_CHANNEL, setUpTracing } from './trace-telemetry.js';

/** What a task is given: an image to make a thumbnail of, `width` pixels wide. */
export interface Thumbnail {
  readonly image: string;
  readonly width: number;
}

/** What a task returns. */
export interface Resized {
  readonly image: string;
  readonly width: number;
  readonly height: number;
  /** A digest standing for the thumbnail's bytes. */
  readonly digest: string;
}

// Unref'd: the channel alone never keeps a thread alive (piscina ends its threads); posting on it
// needs no ref.
const spans = new BroadcastChannel(SPANS_CHANNEL);
spans.unref();
setUpTracing((record) => spans.postMessage(record));
traceWorkerTasks();

const tracer = trace.getTracer('trace-across-threads');

/**
 * "Resizes" `job.image`: a few ms of decoding, then a digest. An image whose name starts with
 * `corrupt` fails with code `E_CORRUPT`, after marking its own span ERROR.
 */
export default function resize(job: Thumbnail): Promise<Resized> {
  const attributes = { 'image.name': job.image, 'image.width': job.width };
  return tracer.startActiveSpan('resize', { attributes }, async (span) => {
    try {
      await sleep(5 + (job.image.length % 4) * 3); // reading and decoding the file
      if (job.image.startsWith('corrupt')) {
        throw Object.assign(new Error(`${job.image} is not an image`), { code: 'E_CORRUPT' });
      }
      const height = Math.round((job.width * 3) / 4);
      const digest = createHash('sha256').update(`${job.image}@${job.width}`).digest('hex').slice(0, 8);
      return { image: job.image, width: job.width, height, digest };
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
