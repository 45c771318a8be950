/**
 * What travels in Redis between a BullMQBackend (the producer) and its poolkit-workers: a job's
 * data, its answer, and the cancel channel. Shared by both sides; JSON all the way, because that
 * is what BullMQ stores.
 *
 *   producer ──Queue.add(name = task, data = { i: input, a: attempt }, jobId)──▶ Redis
 *   worker   ──returns { v: value } | { e: ErrorData } (a task's failure is an answer, not a
 *              BullMQ failure, so its class, code and own properties survive)──▶ 'completed' event
 *   producer ──PUBLISH <prefix>:<queue>:poolkit:cancel jobId──▶ every worker: worker.cancelJob()
 *
 * When tasks begin (the producer's `started()` calls, from which a Pool times each task):
 *
 *   a job    ── BullMQ's own 'active' event (the job moved to active on a worker): its task, or
 *               a batch's first entry, begins
 *   a batch  ── with `w: 1` in its data, after entry j finishes and before entry j + 1 begins,
 *               the worker sends job.updateProgress({ d: j, a: entry j's TaskReply }) — one
 *               'progress' event: entry j's outcome ahead of the job's, and entry j + 1 begins.
 *               Not sent after the last entry (the 'completed' event carries it) nor without
 *               `w` (no entry can be cancelled or timed out: nobody needs it early).
 */

import { argTypeError, describeValue as describe, describeThrown, type ErrorData } from '@poolkit/core';

/** A job's data. */
export interface JobData {
  /** The task's input (null in a batch job). */
  i: unknown;
  /** The try's number when it is a retry (> 1). */
  a?: number;
  /** A batch job's inputs, run one after another. */
  b?: unknown[];
  /** A batch job's try numbers, when any is a retry. */
  as?: number[];
  /** 1: a batch job whose producer wants each entry's outcome as it finishes (see above). */
  w?: 1;
  /** The try's trace headers (`RunOptions.traceHeaders`), when a tracer set some. */
  h?: Record<string, string>;
  /** A batch job's trace headers, per entry (null for an entry without), when any has some. */
  hs?: (Record<string, string> | null)[];
}

/** A batch job's progress: entry `d` finished with answer `a`, and entry `d + 1` begins. */
export interface EntryProgress {
  d: number;
  a: TaskReply;
}

/** One task's answer: its value, or its error as data; in a batch, with its run time `t` (ms). */
export type TaskReply = ({ v: unknown } | { e: ErrorData }) & { t?: number };

/** A job's return value: one task's answer, or a batch's (the ones that ran, in order). */
export type JobReply = TaskReply | { r: TaskReply[] };

/** The job name used for a task with no `task` option (the worker module's default export). */
export const DEFAULT_TASK = 'default';

/** The pub/sub channel workers listen on for cancellations. */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:poolkit:cancel`;
}

/**
 * Checks that `value` survives JSON unchanged, and throws a TypeError naming the first part that
 * would not (BigInt, Map, Set, a typed array or ArrayBuffer, a Date, a function, a symbol,
 * `undefined` in an array, a non-finite number, a class instance, a cycle).
 */
export function checkJson(value: unknown, path = 'input'): void {
  try {
    walk(value, path, new Set());
  } catch (error) {
    let coded = false;
    try {
      coded = typeof (error as { code?: unknown } | null)?.code === 'string';
    } catch {
      // a revoked Proxy thrown: not one of ours
    }
    if (coded) throw error;
    // A revoked Proxy (or a Proxy's trap) deeper down: refused like any other part JSON cannot carry.
    throw unreadable(path, error);
  }
}

function unreadable(path: string, error: unknown): TypeError {
  return notJson(path, `something that cannot be read (${describeThrown(error)})`);
}

function walk(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw notJson(path, `the number ${value} (JSON writes null)`);
      return;
    case 'undefined':
      if (path === 'input') throw notJson(path, 'undefined');
      return;
    case 'object': {
      if (value === null) return;
      if (seen.has(value)) throw notJson(path, 'a cycle');
      if (Array.isArray(value)) {
        seen.add(value);
        for (let i = 0; i < value.length; i++) {
          if (value[i] === undefined) throw notJson(`${path}[${i}]`, 'undefined (JSON writes null)');
          walk(value[i], `${path}[${i}]`, seen);
        }
        seen.delete(value);
        return;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw notJson(path, describe(value));
      seen.add(value);
      for (const key of Object.keys(value)) {
        let field: unknown;
        try {
          field = (value as Record<string, unknown>)[key];
        } catch (error) {
          throw unreadable(`${path}.${key}`, error);
        }
        walk(field, `${path}.${key}`, seen);
      }
      seen.delete(value);
      return;
    }
    default:
      throw notJson(path, `a ${typeof value}`);
  }
}

function notJson(path: string, what: string): TypeError {
  return argTypeError(
    `${path} must be JSON data to travel through Redis (BullMQBackend), received ${what}; send plain objects, arrays, strings, finite numbers, booleans and null`,
  );
}
