/**
 * Where a task's inputs come from: the module's own `inputs(count)`, a JSON file (`--inputs`),
 * or (from code) an array. A batch of `n` tasks takes the first `n` inputs; a source with fewer
 * is cycled (`inputs[i % length]`) and the report says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorText, TaskInputError } from './errors.js';
import { describeValue, type LoadedTask } from './load.js';

/** Gives `count` inputs (cycling a shorter source); throws {@link TaskInputError}. */
export interface InputSource {
  /** `module`: `inputs(count)`; `file`: a JSON array; `array`: given from code. */
  readonly kind: 'module' | 'file' | 'array';
  /** The file, for `file`. */
  readonly file?: string;
  /** At most `count` inputs: what the source gave, cycled to `count` when it gave fewer. */
  take(count: number): Promise<{ items: unknown[]; distinct: number }>;
}

/** `list` cycled (or cut) to `count` items. */
function cycle(list: readonly unknown[], count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => list[i % list.length]);
}

/** Up to `count` values of an array, a (sync or async) iterable, or a promise of one. */
async function collect(value: unknown, count: number, what: string): Promise<unknown[]> {
  const got = await value;
  if (got === undefined || got === null)
    throw new TaskInputError(
      'ERR_INPUTS_EMPTY',
      `${what} returned nothing (${got}); it must return an array or an iterable of inputs`,
    );
  if (Array.isArray(got)) return got.slice(0, count);
  if (got !== null && typeof got === 'object') {
    const out: unknown[] = [];
    if (typeof (got as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const item of got as AsyncIterable<unknown>) {
        if (out.length >= count) break;
        out.push(item);
      }
      return out;
    }
    if (typeof (got as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const item of got as Iterable<unknown>) {
        if (out.length >= count) break;
        out.push(item);
      }
      return out;
    }
  }
  throw new TaskInputError(
    'ERR_INPUTS_NOT_ITERABLE',
    `${what} returned ${describeValue(got)}; it must return an array or an iterable of inputs`,
  );
}

/** The inputs of a JSON file: a non-empty array. Throws `ERR_INPUTS_FILE` or `ERR_INPUTS_EMPTY`. */
export function readInputsFile(file: string, cwd: string): unknown[] {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new TaskInputError('ERR_INPUTS_FILE', `no such inputs file: ${file}`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TaskInputError('ERR_INPUTS_FILE', `the inputs file ${file} is not JSON: ${errorText(error)}`);
  }
  if (!Array.isArray(data))
    throw new TaskInputError(
      'ERR_INPUTS_FILE',
      `the inputs file ${file} holds ${describeValue(data)}; it must hold a JSON array of inputs`,
    );
  if (data.length === 0)
    throw new TaskInputError('ERR_INPUTS_EMPTY', `the inputs file ${file} is an empty array`);
  return data;
}

/**
 * The source of `task`'s inputs: `given` (a file path or an array) when set, else the module's
 * `inputs` export. Throws `ERR_INPUTS_MISSING` when there is neither, and the file's errors.
 */
export function inputSource(
  task: LoadedTask,
  given: string | readonly unknown[] | undefined,
  cwd: string,
): InputSource {
  if (Array.isArray(given)) {
    if (given.length === 0) throw new TaskInputError('ERR_INPUTS_EMPTY', 'options.inputs is an empty array');
    const list = [...given];
    return {
      kind: 'array',
      take: async (count) => ({ items: cycle(list, count), distinct: Math.min(count, list.length) }),
    };
  }
  if (typeof given === 'string') {
    const list = readInputsFile(given, cwd);
    return {
      kind: 'file',
      file: given,
      take: async (count) => ({ items: cycle(list, count), distinct: Math.min(count, list.length) }),
    };
  }
  const make = task.inputs;
  if (make === undefined) {
    throw new TaskInputError(
      'ERR_INPUTS_MISSING',
      `no inputs for ${task.module}: export function inputs(count) from it (returning an array or iterable of count inputs), or pass --inputs <file.json> (a JSON array)`,
    );
  }
  return {
    kind: 'module',
    async take(count) {
      const what = `inputs(${count}) of ${task.module}`;
      let list: unknown[];
      try {
        list = await collect(make(count), count, what);
      } catch (error) {
        if (error instanceof TaskInputError) throw error;
        throw new TaskInputError('ERR_INPUTS_THREW', `${what} threw: ${errorText(error)}`, { cause: error });
      }
      if (list.length === 0) throw new TaskInputError('ERR_INPUTS_EMPTY', `${what} returned no inputs`);
      return { items: cycle(list, count), distinct: list.length };
    },
  };
}
