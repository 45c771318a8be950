/**
 * The thread of the runtime check (dist/workers/thread-features.js, see thread-features.ts).
 * With the Web Worker globals `self`, `postMessage` and `addEventListener` all present, a worker
 * script may listen on the global `message` event (workerpool's does): does a message posted to
 * this worker through worker_threads reach that listener? The parentPort listener always gets
 * it; one macrotask later the global listener has had its chance. Posts `ThreadFeatures`.
 */
import { parentPort } from 'node:worker_threads';
import type { ThreadFeatures } from '../thread-features.js';

const parent = parentPort as NonNullable<typeof parentPort>;
const g = globalThis as { self?: unknown; postMessage?: unknown; addEventListener?: unknown };
const webGlobals =
  g.self !== undefined && typeof g.postMessage === 'function' && typeof g.addEventListener === 'function';

let globalGotIt = false;
if (webGlobals) {
  (g.addEventListener as (type: string, listener: () => void) => void)('message', () => {
    globalGotIt = true;
  });
}

parent.once('message', () => {
  setTimeout(() => {
    const features: ThreadFeatures = { webGlobals, globalMessage: webGlobals && globalGotIt };
    parent.postMessage({ features });
  }, 20);
});
parent.postMessage({ listening: true });
