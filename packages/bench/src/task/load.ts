/**
 * Loading the user's task module on the main thread: the file, its format, the task function and
 * the module's own `inputs` function. Every way this can go wrong is a {@link TaskInputError}
 * naming what was asked for and what was found.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorText, TaskInputError } from './errors.js';
import { exportOf, loadModule, loadsTypeScript, type Namespace, TS_MODULE } from './pick.js';

/** How the module is written: an ES module, CommonJS, or TypeScript (loaded through tsx). */
export type ModuleFormat = 'esm' | 'commonjs' | 'typescript';

/** The function a task runs: one input in, one output (or a promise of one) out. */
export type TaskFunction = (input: unknown) => unknown;

/** A task module, loaded and checked. */
export interface LoadedTask {
  /** The module as the user named it (`./src/render.ts`). */
  readonly module: string;
  /** Its absolute path. */
  readonly path: string;
  /** Its `file:` URL, what worker threads load. */
  readonly url: string;
  readonly format: ModuleFormat;
  /** The export that is the task: `default` or a name. */
  readonly exportName: string;
  /** The task function, as the main thread runs it. */
  readonly fn: TaskFunction;
  /** The module's `inputs(count)`, when it exports one. */
  readonly inputs: ((count: number) => unknown) | undefined;
}

/** The tsx loader's URL (`--import` for worker threads): resolved from this package, which depends on tsx. */
export function tsxLoader(): string {
  return import.meta.resolve('tsx');
}

let tsxRegistered: Promise<void> | undefined;

/** Registers tsx's CommonJS hook on this thread once, so `require()` compiles TypeScript. */
function registerTsx(): Promise<void> {
  tsxRegistered ??= import('tsx/cjs/api').then(({ register }) => {
    register();
  });
  return tsxRegistered;
}

/** The nearest package.json `type` above `file`: `module` or `commonjs`. */
function packageType(file: string): 'module' | 'commonjs' {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module'
          ? 'module'
          : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (dirname(dir) === dir) return 'commonjs';
  }
}

/** The format of the module at `path`, by extension and the nearest package.json. */
export function formatOf(path: string): ModuleFormat {
  if (TS_MODULE.test(path)) return 'typescript';
  const ext = extname(path);
  if (ext === '.mjs') return 'esm';
  if (ext === '.cjs') return 'commonjs';
  return packageType(path) === 'module' ? 'esm' : 'commonjs';
}

/** `module` (a path relative to `cwd`, an absolute path or a `file:` URL) as an absolute path. */
export function modulePath(module: string, cwd: string): string {
  return module.startsWith('file:') ? fileURLToPath(module) : resolve(cwd, module);
}

/** What kind of thing `value` is, for messages: `a number (3)`, `an object with keys a, b`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    const name = (value as object).constructor?.name;
    const what = name && name !== 'Object' ? `a ${name}` : 'an object';
    return keys.length === 0 ? what : `${what} with keys ${keys.slice(0, 6).join(', ')}`;
  }
  const text = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  return `a ${typeof value} (${text})`;
}

/** The exports of `ns` that are functions, for the "no such export" message. */
function functionExports(ns: Namespace): string[] {
  const names = new Set<string>();
  const add = (record: unknown) => {
    if (record === null || (typeof record !== 'object' && typeof record !== 'function')) return;
    for (const key of Object.keys(record as object))
      if (typeof (record as Namespace)[key] === 'function') names.add(key);
  };
  if (typeof ns === 'function') names.add('default');
  add(ns);
  add(ns.default);
  return [...names].filter((n) => n !== 'inputs');
}

/**
 * Loads `module` and picks its task function (`exportName`, default `default`) and its `inputs`
 * export. Throws {@link TaskInputError}: `ERR_TASK_NOT_FOUND`, `ERR_TASK_IMPORT` (with the
 * module's own error), `ERR_TASK_NO_EXPORT` (naming the function exports there are),
 * `ERR_TASK_NOT_FUNCTION`, `ERR_INPUTS_NOT_FUNCTION`.
 */
export async function loadTask(module: string, exportName: string, cwd: string): Promise<LoadedTask> {
  const path = modulePath(module, cwd);
  const shown = relative(cwd, path).startsWith('..') ? path : relative(cwd, path) || path;
  if (!existsSync(path) || !statSync(path).isFile())
    throw new TaskInputError('ERR_TASK_NOT_FOUND', `no such file: ${module} (looked for ${path})`);
  const format = formatOf(path);
  const url = pathToFileURL(path).href;
  let ns: Namespace;
  try {
    if (format === 'typescript' && !loadsTypeScript()) await registerTsx();
    ns = await loadModule(url);
  } catch (error) {
    throw new TaskInputError('ERR_TASK_IMPORT', `the module ${shown} failed to import: ${errorText(error)}`, {
      cause: error,
    });
  }
  const fn = exportOf(ns, exportName);
  if (fn === undefined) {
    const there = functionExports(ns);
    const what =
      exportName === 'default' ? 'no default export' : `no export named ${JSON.stringify(exportName)}`;
    const hint =
      there.length === 0
        ? 'it exports no function'
        : `its function exports: ${there.join(', ')}${exportName === 'default' ? ' (pick one with --export <name>)' : ''}`;
    throw new TaskInputError('ERR_TASK_NO_EXPORT', `the module ${shown} has ${what}; ${hint}`);
  }
  if (typeof fn !== 'function') {
    throw new TaskInputError(
      'ERR_TASK_NOT_FUNCTION',
      `the export ${JSON.stringify(exportName)} of ${shown} is ${describeValue(fn)}, not a function`,
    );
  }
  const inputs = exportOf(ns, 'inputs');
  if (inputs !== undefined && typeof inputs !== 'function') {
    throw new TaskInputError(
      'ERR_INPUTS_NOT_FUNCTION',
      `the export "inputs" of ${shown} is ${describeValue(inputs)}; it must be a function inputs(count) returning an array or iterable`,
    );
  }
  return {
    module: shown,
    path,
    url,
    format,
    exportName,
    fn: fn as TaskFunction,
    inputs: inputs as LoadedTask['inputs'],
  };
}
