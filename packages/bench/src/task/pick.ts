/**
 * How a task module is loaded and its function found — the one place that says it, used on the
 * main thread, in the probe thread and in the wrapper modules generated for the peers, so every
 * contender runs the same function. It mirrors how PiscinaBackend's worker shim loads a module
 * (`@poolkit/adapters`, src/worker.ts): a TypeScript file (`.ts`, `.mts`, `.cts`) through
 * `require()` with tsx's CommonJS hook registered (on Node 20, tsx's ESM hooks do not apply in
 * worker threads, its CommonJS hook does, and it compiles ESM syntax too), anything else with
 * `import()`.
 *
 * A leaf: it imports nothing from this package, so the generated wrappers can import it alone.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A TypeScript module, loaded through tsx. */
export const TS_MODULE = /\.[cm]?ts$/;

/** A module's namespace: its exports (or, for a CommonJS module loaded with require, module.exports). */
export type Namespace = Record<string, unknown>;

/**
 * Loads the module at `url` (a `file:` URL). TypeScript goes through `require()`, which needs
 * tsx's CommonJS hook registered in this thread (`--import tsx`, or tsx/cjs/api's `register()`) —
 * except where the runtime loads TypeScript itself ({@link loadsTypeScript}).
 */
export async function loadModule(url: string): Promise<Namespace> {
  if (TS_MODULE.test(url) && !loadsTypeScript()) return createRequire(url)(fileURLToPath(url)) as Namespace;
  return (await import(url)) as Namespace;
}

/**
 * Whether this runtime loads TypeScript itself, whole (`process.features.typescript` is
 * `'transform'`: Bun, Deno): then a `.ts` module is imported like any other, and threads need no
 * `--import tsx` (Deno's worker_threads refuse it). Node's `'strip'` erases types only: tsx stays.
 */
export function loadsTypeScript(): boolean {
  return (process.features as { typescript?: unknown }).typescript === 'transform';
}

/**
 * The export `name` of `ns` (`'default'` for the default export), looking inside a CommonJS
 * module's `module.exports` (`ns.default`) when the namespace lacks it, and taking
 * `module.exports` itself when it is the function asked for as the default. Undefined when
 * there is nothing by that name.
 */
export function exportOf(ns: unknown, name: string): unknown {
  if (typeof ns === 'function') return name === 'default' ? ns : (ns as unknown as Namespace)[name];
  if (ns === null || typeof ns !== 'object') return undefined;
  const record = ns as Namespace;
  const direct = record[name];
  if (direct !== undefined || name === 'default') return direct;
  const inner = record.default;
  if (inner !== null && (typeof inner === 'object' || typeof inner === 'function'))
    return (inner as Namespace)[name];
  return undefined;
}
