/**
 * Pool + NativeBackend on a user's Rust kernel (`--library <path> --kernel <name>`): the kernel is
 * meant to compute what the task function computes, and the cross-check holds it to that. Two
 * set-ups, as in the suite: one native call per task (`maxBatch: 1`) and adaptive batching.
 */
import { Pool } from '@poolkit/core';
import { SkipError } from '../contender.js';
import { loadNative } from '../contenders/native-addon.js';
import type { TaskRunner, TaskSetup } from './setup.js';

/** Opens a Pool + NativeBackend runner on the setup's kernel; `maxBatch` undefined = adaptive. */
export async function openTaskNative(s: TaskSetup, maxBatch: number | undefined): Promise<TaskRunner> {
  if (s.native === undefined) throw new SkipError('no Rust kernel named');
  const { NativeBackend } = await loadNative();
  const backend = new NativeBackend<unknown, unknown>({
    library: s.native.library,
    kernel: s.native.kernel,
    threads: s.threads,
  });
  const pool = new Pool<unknown, unknown>({
    backend,
    capacity: Math.max(1, s.tasks),
    ...(maxBatch === undefined ? {} : { maxBatch }),
  });
  return {
    batch: (items) => Promise.all(items.map((item) => pool.submit(item))),
    one: (item) => pool.submit(item),
    close: () => pool.close(),
    stop: () => pool.stop(),
  };
}
