/**
 * Task module of the poolkit-worker processes of the `distributed` scenario, loaded as plain JS
 * (`poolkit-worker --module dist/workers/distributed.js`): each named export is a task name the
 * Pool submits (`{ task: 'noop' }`), the same kernels the floor and the thread pools run.
 */
export { noop, square } from '../kernels.js';
