/**
 * The workloads: what one task is, how a batch of inputs is made, which native kernel (if any)
 * runs the same algorithm, and how an output is written down for the cross-check.
 */
import { isprime as isPrime } from '@poolkit/native/reference';
import type { KernelName } from './kernels.js';
import { MANDELBROT } from './kernels.js';

/** The workload names, in the order they run and print. */
export const WORKLOAD_NAMES = ['noop', 'square', 'md5', 'isprime', 'mandelbrot', 'spin', 'sleep'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** The workload name of a user's own task (`poolkit-bench --task`): it has no built-in kernel. */
export const TASK_WORKLOAD = 'task';

/** What a scenario's tasks run: a built-in workload, or the user's task ({@link TASK_WORKLOAD}). */
export type ScenarioWorkload = WorkloadName | typeof TASK_WORKLOAD;

/** Two outputs written down for a cross-check message. */
export interface OutputDifference {
  /** What the contender gave. */
  readonly got: string;
  /** What the reference gave. */
  readonly expected: string;
}

/**
 * How a contender's outputs are compared with the main thread's before it is timed. The
 * built-in workloads compare canonical strings of the kernel's outputs ({@link Workload.canon});
 * a user's task compares structured clones (see `task/same.ts`).
 */
export interface OutputCheck {
  /** What the outputs are compared with, in messages: `the main-thread kernel`, `the main thread`. */
  readonly reference: string;
  /** The reference outputs of `sample`, in order. Rejects with the task's own error if it throws. */
  expected(sample: readonly unknown[]): Promise<unknown[]>;
  /** undefined when `got` counts as `expected`; else both, written down for the message. */
  differs(got: unknown, expected: unknown): OutputDifference | undefined;
}

/** One workload. `kind: 'io'` workloads are timed as wall time at a given concurrency. */
export interface Workload {
  readonly name: (WorkloadName & KernelName) | typeof TASK_WORKLOAD;
  /** What one task does, for tables and charts. */
  readonly title: string;
  readonly kind: 'cpu' | 'io';
  /** The native kernel with the same algorithm, or undefined when the addon has none. */
  readonly native: { readonly kernel: string; readonly params?: readonly number[] } | undefined;
  /** `n` inputs, deterministic (the same on every run and for every contender). */
  items(n: number, sleepMs: number): unknown[];
  /** One output written down canonically, so outputs from any backend compare as strings. */
  canon(output: unknown): string;
  /** How outputs are cross-checked; undefined = the kernel's outputs, compared by {@link canon}. */
  readonly check?: OutputCheck;
}

const number = (x: unknown): string => String(Number(x));

function bytesHex(x: unknown): string {
  if (ArrayBuffer.isView(x)) return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex');
  return `not bytes: ${Object.prototype.toString.call(x)}`;
}

function numbersList(x: unknown): string {
  if (ArrayBuffer.isView(x) || Array.isArray(x)) return Array.from(x as ArrayLike<number>).join(',');
  return `not a list: ${Object.prototype.toString.call(x)}`;
}

/** A deterministic 1 KiB buffer per index (xorshift32 stream seeded by the index). */
function kibibyte(index: number): Uint8Array {
  const out = new Uint8Array(1024);
  let s = (index * 2654435761 + 1) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

function nextPrime(from: number): number {
  let p = from % 2 === 0 ? from + 1 : from;
  while (!isPrime(p)) p += 2;
  return p;
}

let hardNumbers: number[] | undefined;
/**
 * Sixteen primes just above 2^35 interleaved with sixteen semiprimes p·q of two primes near
 * 2^17.5: every item makes trial division run (nearly) to √n, so items cost about the same,
 * and half the answers are 0 — a kernel that always says "prime" fails the cross-check.
 */
function isprimeInputs(): number[] {
  if (hardNumbers !== undefined) return hardNumbers;
  const primes: number[] = [];
  for (let p = nextPrime(2 ** 35); primes.length < 16; p = nextPrime(p + 2)) primes.push(p);
  const semis: number[] = [];
  for (let p = nextPrime(185_363); semis.length < 16; ) {
    const q = nextPrime(p + 2);
    semis.push(p * q);
    p = nextPrime(q + 2);
  }
  hardNumbers = primes.flatMap((p, i) => [p, semis[i]]);
  return hardNumbers;
}

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** Every workload by name. */
export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  noop: {
    name: 'noop',
    title: 'identity function (pure dispatch cost)',
    kind: 'cpu',
    native: { kernel: 'noop' },
    items: (n) => range(n, (i) => i),
    canon: number,
  },
  square: {
    name: 'square',
    title: 'x·x of one number',
    kind: 'cpu',
    native: { kernel: 'square' },
    items: (n) => range(n, (i) => (i % 1000) * 1.5 + 1),
    canon: number,
  },
  md5: {
    name: 'md5',
    title: 'MD5 of a 1 KiB buffer',
    kind: 'cpu',
    native: { kernel: 'md5' },
    items: (n) => range(n, kibibyte),
    canon: bytesHex,
  },
  isprime: {
    name: 'isprime',
    title: 'trial-division primality of a number near 2^35',
    kind: 'cpu',
    native: { kernel: 'isprime' },
    items: (n) => {
      const pool = isprimeInputs();
      return range(n, (i) => pool[i % pool.length]);
    },
    canon: number,
  },
  mandelbrot: {
    name: 'mandelbrot',
    title: `one ${MANDELBROT.width}-pixel Mandelbrot row, ≤ ${MANDELBROT.maxIter} iterations`,
    kind: 'cpu',
    native: { kernel: 'mandelbrot', params: [MANDELBROT.width, MANDELBROT.height, MANDELBROT.maxIter] },
    items: (n) => range(n, (i) => i % MANDELBROT.height),
    canon: numbersList,
  },
  spin: {
    name: 'spin',
    title: 'float-division loop of ~14k steps',
    kind: 'cpu',
    native: { kernel: 'spin' },
    items: (n) => range(n, (i) => [1000 + (i % 64), 1.0005]),
    canon: number,
  },
  sleep: {
    name: 'sleep',
    title: 'a timer wait (I/O-like)',
    kind: 'io',
    native: undefined,
    items: (n, sleepMs) => range(n, () => sleepMs),
    canon: number,
  },
};
