/**
 * The peer libraries a task is compared with (piscina, tinypool, workerpool, poolifier, fastq,
 * p-queue) are not dependencies of @poolkit/bench: they are found in the user's project at run
 * time, as Node would find them from a file there (`node_modules/<name>` in that directory and
 * each one above it), and imported by their entry file's URL. A peer that is not there is a
 * {@link SkipError}: `not installed — npm i -D <name> to compare`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SkipError } from '../contender.js';

/** Every peer a task can be compared with. */
export const TASK_PEERS = ['piscina', 'tinypool', 'workerpool', 'poolifier', 'fastq', 'p-queue'] as const;

/** A peer's package name. */
export type PeerName = (typeof TASK_PEERS)[number];

/** A peer found in the project. */
export interface Peer {
  readonly name: string;
  readonly version: string;
  /** The `file:` URL of the entry an ES module `import` of it would load. */
  readonly url: string;
}

/** Export conditions of an `import` in Node, in the order they are tried. */
const CONDITIONS = ['node', 'import', 'default'];

/** The target of an exports entry for {@link CONDITIONS} (nested conditions and arrays included). */
function target(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const t = target(item);
      if (t !== undefined) return t;
    }
    return undefined;
  }
  if (entry === null || typeof entry !== 'object') return undefined;
  for (const [key, value] of Object.entries(entry)) {
    if (!CONDITIONS.includes(key)) continue;
    const t = target(value);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** The main entry of a package (its `exports["."]`, else `main`, else index.js), relative to its folder. */
export function entryOf(manifest: { exports?: unknown; main?: string }): string {
  const { exports } = manifest;
  if (exports !== undefined && exports !== null) {
    const root =
      typeof exports === 'object' &&
      !Array.isArray(exports) &&
      Object.keys(exports).some((k) => k.startsWith('.'))
        ? (exports as Record<string, unknown>)['.']
        : exports;
    const t = target(root);
    if (t !== undefined) return t;
  }
  return manifest.main ?? 'index.js';
}

/** `name` as found from `projectDir` (its node_modules and each parent's), or undefined. */
export function findPeer(name: string, projectDir: string): Peer | undefined {
  for (let dir = projectDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
        version?: string;
        exports?: unknown;
        main?: string;
      };
      let entry = join(dirname(manifest), entryOf(pkg));
      if (!existsSync(entry) && existsSync(`${entry}.js`)) entry = `${entry}.js`;
      return { name, version: pkg.version ?? 'unknown', url: pathToFileURL(entry).href };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** What a missing peer is reported as. */
export function notInstalled(name: string): string {
  return `not installed — npm i -D ${name} to compare`;
}

/** `name` found from `projectDir`; throws {@link SkipError} ({@link notInstalled}) when it is not there. */
export function requirePeer(name: PeerName, projectDir: string): Peer {
  const peer = findPeer(name, projectDir);
  if (peer === undefined) throw new SkipError(notInstalled(name));
  return peer;
}

/** A peer's module, imported from the project: its namespace, with a CommonJS `module.exports` as `default`. */
export async function importPeer(name: PeerName, projectDir: string): Promise<Record<string, unknown>> {
  const peer = requirePeer(name, projectDir);
  try {
    return (await import(peer.url)) as Record<string, unknown>;
  } catch (error) {
    throw new SkipError(
      `${name} ${peer.version} failed to import: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/** The member `key` of a peer's namespace, or of its CommonJS `default`. */
export function memberOf<T>(ns: Record<string, unknown>, key: string): T {
  const direct = ns[key];
  if (direct !== undefined) return direct as T;
  return (ns.default as Record<string, unknown> | undefined)?.[key] as T;
}
