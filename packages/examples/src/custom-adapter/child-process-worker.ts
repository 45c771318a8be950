/**
 * The program each child of {@link ChildProcessBackend} runs: `node child-process-worker.js
 * <module URL>`. It imports the task module, then answers `run` messages one at a time by
 * calling the named export (or the default one) and sending back its value or its error (as
 * plain data, so `code` survives).
 *
 * Cancelling a task kills this process, so the context's signal never aborts here; `attempt`
 * is the try's number the parent sent with the task.
 */
import type { TaskContext } from '@poolkit/core';
// The light entry of core: errors as plain data, without loading the Pool into every child.
import { toErrorData } from '@poolkit/core/kit';
import type { ChildMessage, RunMessage } from './protocol.js';

type TaskFunction = (input: unknown, ctx: TaskContext) => unknown;

// With a callback, a send on a closed channel (the parent is gone) is reported there, not thrown.
const send = (message: ChildMessage) => process.send?.(message, undefined, undefined, () => {});
const neverAborts = new AbortController().signal;
const first: TaskContext = Object.freeze({ signal: neverAborts, attempt: 1 });

if (process.send === undefined) {
  console.error('child-process-worker.js runs as a child of ChildProcessBackend (with an IPC channel)');
  process.exit(2);
}

const moduleUrl = process.argv[2];
let namespace: Record<string, unknown>;
try {
  namespace = (await import(moduleUrl)) as Record<string, unknown>;
} catch (error) {
  send({ type: 'load-failed', error: toErrorData(error) });
  process.exit(1);
}

process.on('message', async (message: RunMessage) => {
  if (message?.type !== 'run') return;
  const { id, task, input, attempt } = message;
  const context = attempt === 1 || attempt === undefined ? first : { signal: neverAborts, attempt };
  try {
    const fn = namespace[task ?? 'default'];
    if (typeof fn !== 'function') {
      throw Object.assign(
        new TypeError(
          `the task module has no ${task === undefined ? 'default export' : `export ${JSON.stringify(task)}`} function`,
        ),
        {
          code: 'ERR_UNKNOWN_TASK',
        },
      );
    }
    const value = await (fn as TaskFunction)(input, context);
    send({ type: 'done', id, ok: true, value });
  } catch (error) {
    send({ type: 'done', id, ok: false, error: toErrorData(error) });
  }
});
// The parent went away (or closed the backend): nothing more will come.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
