/**
 * The errors of `poolkit-bench --task` and {@link benchmarkTask}, in one place. Each has a stable
 * `code`; callers compare codes, not messages. The CLI prints the message and exits with status 2.
 */

/** Every code a {@link TaskInputError} carries. */
export const TASK_ERROR_CODES = [
  /** The module path names no file. */
  'ERR_TASK_NOT_FOUND',
  /** Importing the module threw (its error is in the message and in `cause`). */
  'ERR_TASK_IMPORT',
  /** The module has no such export. */
  'ERR_TASK_NO_EXPORT',
  /** The export is not a function. */
  'ERR_TASK_NOT_FUNCTION',
  /** Neither an `inputs` export nor an inputs file. */
  'ERR_INPUTS_MISSING',
  /** The module's `inputs` is not a function. */
  'ERR_INPUTS_NOT_FUNCTION',
  /** `inputs(count)` threw. */
  'ERR_INPUTS_THREW',
  /** `inputs(count)` returned something that is neither an array nor an iterable. */
  'ERR_INPUTS_NOT_ITERABLE',
  /** `inputs(count)` or the inputs file gave no input at all. */
  'ERR_INPUTS_EMPTY',
  /** The inputs file is missing, not JSON, or not a JSON array. */
  'ERR_INPUTS_FILE',
  /** An input cannot be structured-cloned, so no worker thread can receive it. */
  'ERR_INPUTS_NOT_CLONEABLE',
  /** Two main-thread runs of the task on the same inputs gave different outputs. */
  'ERR_NONDETERMINISTIC',
  /** An option of {@link benchmarkTask} is out of range or of the wrong type. */
  'ERR_TASK_OPTION',
] as const;

/** A {@link TaskInputError}'s code. */
export type TaskErrorCode = (typeof TASK_ERROR_CODES)[number];

/**
 * Input the task benchmark cannot use: the module, its export, its inputs, or an option. The CLI
 * prints `message` and exits with status 2; nothing was timed.
 */
export class TaskInputError extends Error {
  /** Always `'TaskInputError'`. */
  override readonly name = 'TaskInputError';
  /** What is wrong, stable across versions. */
  readonly code: TaskErrorCode;

  constructor(code: TaskErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A problem with the input that still lets part of the run go ahead (inputs a worker thread
 * cannot receive rule out the thread contenders; the rest run). Saved in the report's
 * `task.problems`; the CLI exits with status 2 after the run when there is one.
 */
export interface TaskProblem {
  /** Which problem (`ERR_INPUTS_NOT_CLONEABLE`). */
  readonly code: TaskErrorCode;
  /** What is wrong and which contenders it ruled out. */
  readonly message: string;
}

/** The first line of an error's text: `TypeError: x is not a function`. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  try {
    return `thrown ${typeof error}: ${String(error).split('\n')[0]}`;
  } catch {
    return `thrown ${typeof error}`;
  }
}
