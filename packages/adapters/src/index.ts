// Error-as-data lives in core's kit now (@poolkit/core/kit); re-exported here for compatibility.
export { type ErrorData, fromErrorData, isErrorData, toErrorData } from '@poolkit/core/kit';
export type { PiscinaBackendOptions } from './options.js';
export { PiscinaBackend } from './piscina-backend.js';
