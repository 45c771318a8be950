/**
 * The messages between {@link ChildProcessBackend} and its children, over Node's IPC channel
 * (with `serialization: 'advanced'`, so inputs and outputs may be anything structured clone
 * takes: Maps, Buffers, typed arrays, Dates...).
 *
 *   parent                               child (child-process-worker.js)
 *     │ ◀────────────── { type: 'ready' }   module loaded, listening
 *     │ ── { type: 'run', id, task, input } ─▶ calls the module's export
 *     │ ◀── { type: 'done', id, ok, value | error }
 *
 * A child runs one task at a time; `id` ties an answer to its task all the same.
 */
import type { ErrorData } from '@poolkit/core/kit';

export interface RunMessage {
  type: 'run';
  id: number;
  /** The export to call; undefined means the default export. */
  task: string | undefined;
  input: unknown;
  /** The try's number (1 for the first), passed on as the task's `ctx.attempt`. */
  attempt: number;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; ok: true; value: unknown }
  | { type: 'done'; id: number; ok: false; error: ErrorData }
  | { type: 'load-failed'; error: ErrorData };
