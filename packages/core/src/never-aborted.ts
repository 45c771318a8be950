import { setMaxListeners } from 'node:events';

/**
 * The one signal that never aborts, for callers that know a task cannot be cancelled: a direct
 * backend user, a test. A Pool does not use it — its tries always carry a signal that can abort
 * (at least its own force-stop signal, for `stop({ force: true })`).
 *
 * A backend may compare with it to skip its cancellation bookkeeping (`if (signal === neverAborted)`).
 * Because many tasks share it, a backend must remove any listener it adds once its task ends.
 */
export const neverAborted: AbortSignal = new AbortController().signal;
// Shared by every task in flight at once, so many listeners at a time are expected.
setMaxListeners(0, neverAborted);
