export { type ErrorData, fromErrorData, isErrorData, toErrorData } from './error-data.js';
export type { PiscinaBackendOptions } from './options.js';
export { PiscinaBackend } from './piscina-backend.js';
