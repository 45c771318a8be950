/**
 * The runtime vitest runs under, which also runs the built CLI in the end-to-end tests: Deno
 * needs `run -A` before a script; the reports name the runtime as {@link RUNTIME_LABEL} does.
 */
import { runtimeLabel, runtimeOf } from '../src/runtime.js';

export const RUNTIME = runtimeOf();

/** What goes between `process.execPath` and the script: `['run', '-A']` under Deno, else nothing. */
export const RUN_SCRIPT: readonly string[] = RUNTIME.name === 'deno' ? ['run', '-A'] : [];

/** How the reports name this runtime: `Node v20.20.2`, `Bun 1.4.4 (Node-compatible v26.3.0)`. */
export const RUNTIME_LABEL = runtimeLabel(RUNTIME, process.version);
