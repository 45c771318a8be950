/**
 * How a thread asks to be replaced (PiscinaBackend's `recycleAfterTasks` / `recycleAboveHeapMB`),
 * shared by the shim and the main thread; holds no code that runs on import.
 *
 *   shim: a task ends past the limit ─▶ retiring: every new task or batch is refused, unrun
 *         the last running one ends ─▶ its answer carries the thread id (RETIRE_MARK / RetiringErrorData.r)
 *   main: an answer with the mark ─▶ unwrap it, terminate that thread (piscina starts another)
 *         a refusal ─▶ send the task again once that thread is gone
 *
 * A task reaches a thread only to be refused, or sits in its message queue when it is ended: in
 * both cases it never started, so it is sent again and nothing fails. (piscina may hand a
 * retiring thread a task until the thread is gone; nothing here can stop that, so a backend
 * that recycles copies what a task would transfer: a task taken down keeps its input.)
 */
import type { ErrorData } from '@poolkit/core/kit';

/** The key of a wrapped answer or a refusal; its value is the retiring thread's id. */
export const RETIRE_MARK = '__poolkitRetire';

/** A thread's answer when it retires, or its refusal of a task it will not run. */
export interface Retirement {
  [RETIRE_MARK]: number;
  /** 1: the task (or batch) was refused, never started. */
  refused?: 1;
  /** The task's value (absent on a refusal). */
  v?: unknown;
}

/** A task's error on its way back from the shim: core's ErrorData, marked when its thread retires. */
export type RetiringErrorData = ErrorData & {
  /** The id of the thread that sent it, which retires now. */
  r?: number;
};

export function isRetirement(value: unknown): value is Retirement {
  return typeof value === 'object' && value !== null && RETIRE_MARK in value;
}
