export * from './attributes.js';
export type { PoolkitInstrumentationConfig } from './config.js';
export { PoolkitInstrumentation } from './instrumentation.js';
export type { Outcome } from './outcome.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
