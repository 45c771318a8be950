export type { PiscinaBackendOptions } from './options.js';
export { PiscinaBackend } from './piscina-backend.js';
