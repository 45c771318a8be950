/**
 * The task module of `custom-adapter`: what the child processes run. Plain functions of
 * (input) → output; the default export is the task run when no `task` name is given.
 */

/** Counts words per distinct word, lower-cased (the default task). */
export default function wordCount(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? [])
    counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Which process ran the task. */
export function pid(): number {
  return process.pid;
}

/** Fails like a real task would: with its own name, message and code. */
export function reject(reason: string): never {
  throw Object.assign(new RangeError(`refused: ${reason}`), { code: 'ERR_REFUSED' });
}

/** Runs for `ms` milliseconds (for the abort demonstration). */
export function slow(ms: number): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve(`slept ${ms} ms`), ms));
}

/** Takes its process down mid-task, as a native crash or an out-of-memory kill would. */
export function crash(): never {
  process.exit(70);
}
