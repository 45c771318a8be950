/** Where a run happened: printed above every table and saved in the JSON. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Runtime, runtimeLabel, runtimeOf } from './runtime.js';

export interface Environment {
  /** The runtime that ran the bench: Node, Bun or Deno, and its own version. */
  readonly runtime: Runtime;
  /** `process.version`: Node's version, or under Bun and Deno the Node version they implement. */
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpu: string;
  /** os.availableParallelism(): what a pool can use. */
  readonly cores: number;
  readonly memoryGiB: number;
  /** 1-minute load average when the run started: above `cores`, other processes competed for the CPU. */
  readonly loadAverage: number;
  /** Short commit hash of the checkout, or 'unknown' outside git. */
  readonly commit: string;
  /** True when the checkout had uncommitted changes. */
  readonly dirty: boolean;
  readonly date: string;
  /** Versions of tinybench and of every peer library. */
  readonly versions: Readonly<Record<string, string>>;
}

// bullmq and ioredis: what the distributed scenario's jobs go through.
const PACKAGES = [
  'tinybench',
  'piscina',
  'tinypool',
  'workerpool',
  'poolifier',
  'fastq',
  'p-queue',
  'bullmq',
  'ioredis',
];

/** A package's version, found by walking up from its resolved entry (some hide package.json). */
function versionOf(name: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(name)));
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === name && pkg.version) return pkg.version;
      } catch {}
    }
  } catch {}
  return 'not installed';
}

function git(args: string[]): string | undefined {
  try {
    // Asked from this package's directory, so the answer is this checkout's wherever the CLI runs.
    const cwd = dirname(fileURLToPath(import.meta.url));
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Collects the environment of this process. */
export function environment(): Environment {
  const status = git(['status', '--porcelain']);
  return {
    runtime: runtimeOf(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
    commit: git(['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    dirty: status !== undefined && status !== '',
    date: new Date().toISOString(),
    versions: Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)])),
  };
}

/** One line: the runtime and its version, CPU, cores, load, platform, commit, date. */
export function environmentLine(env: Environment): string {
  const commit = `${env.commit}${env.dirty ? ' (uncommitted changes)' : ''}`;
  return `${runtimeLabel(env.runtime, env.node)} · ${env.cpu} · ${env.cores} cores (load ${env.loadAverage.toFixed(1)} at start) · ${env.platform}-${env.arch} · commit ${commit} · ${env.date.slice(0, 10)}`;
}
