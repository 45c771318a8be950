import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { PiscinaBackend, type PiscinaBackendOptions } from '../src/index.js';

/** The fixture worker modules, as absolute paths. */
export const TASKS = fileURLToPath(new URL('./fixtures/tasks.mjs', import.meta.url));
export const TYPED = fileURLToPath(new URL('./fixtures/typed.ts', import.meta.url));

const open: PiscinaBackend[] = [];

/** A backend over tasks.mjs (by default) that is closed after the current test. */
export function backend(options: Partial<PiscinaBackendOptions> = {}): PiscinaBackend {
  const created = new PiscinaBackend({ filename: TASKS, threads: 2, ...options });
  open.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

/** A signal that never aborts. */
export const never = (): AbortSignal => new AbortController().signal;

/** Settles `promise` and returns its rejection reason (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${String(value)}`);
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
}
