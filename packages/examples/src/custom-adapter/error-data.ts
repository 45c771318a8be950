/**
 * Errors as plain data, so they cross the IPC channel intact. Structured cloning keeps only a
 * few standard error fields, so a task's `code` (and a custom `name`) would be lost; sending
 * {name, message, code, stack} and rebuilding the error on the other side keeps them.
 */

/** A thrown value flattened for the trip between processes. */
export interface ErrorData {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** Flattens anything thrown into {@link ErrorData}. */
export function toErrorData(thrown: unknown): ErrorData {
  if (typeof thrown === 'object' && thrown !== null) {
    const { name, message, code, stack } = thrown as Partial<Record<keyof ErrorData, unknown>>;
    return {
      name: typeof name === 'string' ? name : 'Error',
      message: typeof message === 'string' ? message : String(thrown),
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof stack === 'string' ? { stack } : {}),
    };
  }
  return { name: 'Error', message: String(thrown) };
}

/** Rebuilds an Error with the same name, message, code and (child's) stack. */
export function fromErrorData(data: ErrorData): Error & { code?: string } {
  const error = new Error(data.message) as Error & { code?: string };
  error.name = data.name;
  if (data.code !== undefined) error.code = data.code;
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}
