import { setMaxListeners } from 'node:events';

/**
 * The one signal that never aborts. A Pool hands it to every try that nothing can cancel (no
 * timeout, no task signal: `stop()` lets running tasks finish), instead of making an
 * AbortController per task.
 *
 * A backend may compare with it to skip its cancellation bookkeeping (`if (signal === neverAborted)`).
 * Because many tasks share it, a backend must remove any listener it adds once its task ends.
 */
export const neverAborted: AbortSignal = new AbortController().signal;
// Shared by every task in flight at once, so many listeners at a time are expected.
setMaxListeners(0, neverAborted);
