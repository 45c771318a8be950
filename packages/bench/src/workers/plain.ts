/**
 * Worker module for piscina, tinypool and poolkit's PiscinaBackend: one named export per
 * kernel, picked per task (`{ name }` / `{ task }`). Loaded by worker threads as plain JS
 * (dist/workers/plain.js), no loader needed.
 */
export { isprime, mandelbrot, md5, noop, sleep, spin, square } from '../kernels.js';
