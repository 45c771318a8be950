export { PiscinaBackend } from './piscina-backend.js';
export type { PiscinaBackendOptions } from './options.js';
