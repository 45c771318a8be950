/**
 * Which JavaScript runtime runs the bench: Node, or Bun or Deno running Node's APIs. Bun and
 * Deno say who they are in `process.versions` (their documented way: `process.versions.bun`,
 * `process.versions.deno`); both also report a Node version, the one whose APIs they implement.
 */

/** The runtimes the bench knows by name. */
export const RUNTIME_NAMES = ['node', 'bun', 'deno'] as const;

/** A runtime's name, as the report's `environment.runtime.name` holds it. */
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** The runtime of a run, saved in the report's environment. */
export interface Runtime {
  readonly name: RuntimeName;
  /**
   * The runtime's own version: for Node `process.version` (`v20.20.2`); for Bun and Deno their
   * version without a `v` (`1.4.4`, `2.9.6`), as they print it.
   */
  readonly version: string;
}

/** The part of `process.versions` the detection reads. */
export type Versions = Readonly<Partial<Record<string, string>>>;

/**
 * The runtime described by `versions` (default: this process's). `nodeVersion` is Node's
 * `process.version`, used when neither Bun nor Deno names itself.
 *
 * @example runtimeOf({ node: '24.3.0', bun: '1.4.4' }, 'v24.3.0') // { name: 'bun', version: '1.4.4' }
 */
export function runtimeOf(versions: Versions = process.versions, nodeVersion = process.version): Runtime {
  // Bun first: were a runtime ever to report both, Bun is the one that sets `bun`.
  if (typeof versions.bun === 'string') return { name: 'bun', version: versions.bun };
  if (typeof versions.deno === 'string') return { name: 'deno', version: versions.deno };
  return { name: 'node', version: nodeVersion };
}

/**
 * The runtime as a report prints it: `Node v20.20.2`, `Bun 1.4.4 (Node-compatible v24.3.0)`,
 * `Deno 2.9.6 (Node-compatible v24.2.0)`. `node` is the environment's Node version.
 */
export function runtimeLabel(runtime: Runtime, node: string): string {
  switch (runtime.name) {
    case 'node':
      return `Node ${runtime.version}`;
    case 'bun':
      return `Bun ${runtime.version} (Node-compatible ${node})`;
    case 'deno':
      return `Deno ${runtime.version} (Node-compatible ${node})`;
  }
}
