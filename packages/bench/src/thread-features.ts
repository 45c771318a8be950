/**
 * What worker threads can do on this runtime, found by trying it once per process in a small
 * thread (workers/thread-features.ts), not by the runtime's name.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The answers of the check. */
export interface ThreadFeatures {
  /** A worker_threads worker has `self`, `postMessage` and `addEventListener` (the Web Worker globals). */
  readonly webGlobals: boolean;
  /**
   * With those globals, a message posted to the worker through worker_threads also reaches its
   * global `message` listener (Node: no such globals; Bun 1.4: globals, but the message does not).
   */
  readonly globalMessage: boolean;
}

// The built script, also when this module runs from src/ (the tests).
const SCRIPT = join(
  dirname(dirname(fileURLToPath(import.meta.url))),
  'dist',
  'workers',
  'thread-features.js',
);

let answer: Promise<ThreadFeatures> | undefined;

/** This runtime's {@link ThreadFeatures}: checked on the first call, the same promise after. */
export function threadFeatures(): Promise<ThreadFeatures> {
  answer ??= check();
  return answer;
}

function check(): Promise<ThreadFeatures> {
  const worker = new Worker(SCRIPT);
  return new Promise<ThreadFeatures>((resolve, reject) => {
    worker.on('message', (m: { listening?: true; features?: ThreadFeatures }) => {
      if (m.listening) worker.postMessage('ping');
      else if (m.features !== undefined) resolve(m.features);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the thread-features check exited with code ${code}`)));
  }).finally(() => void worker.terminate());
}
