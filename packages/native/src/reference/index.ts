export { fnv1a } from './fnv1a.js';
export { isprime } from './isprime.js';
export { mandelbrotRow } from './mandelbrot.js';
export { md5 } from './md5.js';
export { noop } from './noop.js';
export { type ReferenceKernel, runReference } from './run-reference.js';
export { spin } from './spin.js';
export { square } from './square.js';
