/** Worker module for poolifier: a ThreadWorker with every kernel as a named task function. */
import { ThreadWorker } from 'poolifier';
import { kernels } from '../kernels.js';

export default new ThreadWorker<unknown, unknown>({ ...kernels } as unknown as Record<
  string,
  (data?: unknown) => unknown
>);
