/**
 * Bad input to a task run: a clear message naming what is wrong, a stable code, and nothing
 * timed — exit status 2 from the CLI.
 */
import { describe, expect, it } from 'vitest';
import { TaskInputError } from '../src/task/errors.js';
import { benchmarkTask } from '../src/task/run.js';
import { cli, SMALL, TASKS, task } from './task-helpers.js';

/** benchmarkTask's rejection for `options` (fails the test when it resolves). */
async function refusal(options: Parameters<typeof benchmarkTask>[0]): Promise<TaskInputError> {
  const error = await benchmarkTask({ ...SMALL, backends: ['floor'], ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskInputError);
  return error as TaskInputError;
}

describe('bad input to benchmarkTask is refused with a code and a message naming it', () => {
  it('a module that does not exist', async () => {
    const e = await refusal({ module: 'no/such/task.mjs', cwd: TASKS });
    expect(e.code).toBe('ERR_TASK_NOT_FOUND');
    expect(e.message).toBe(`no such file: no/such/task.mjs (looked for ${TASKS}/no/such/task.mjs)`);
  });

  it('a module that fails to import, with its own error', async () => {
    const e = await refusal({ module: task('fails-import.mjs') });
    expect(e.code).toBe('ERR_TASK_IMPORT');
    expect(e.message).toMatch(
      /the module .*fails-import\.mjs failed to import: Error: DATABASE_URL is not set$/,
    );
  });

  it('no such export, listing the function exports there are', async () => {
    const e = await refusal({ module: task('square.mjs'), exportName: 'cube' });
    expect(e.code).toBe('ERR_TASK_NO_EXPORT');
    expect(e.message).toMatch(/has no export named "cube"; its function exports: default$/);
    const none = await refusal({ module: task('no-inputs.mjs') });
    expect(none.code).toBe('ERR_TASK_NO_EXPORT');
    expect(none.message).toMatch(
      /has no default export; its function exports: double \(pick one with --export <name>\)$/,
    );
  });

  it('an export that is not a function', async () => {
    const e = await refusal({ module: task('not-function.mjs') });
    expect(e.code).toBe('ERR_TASK_NOT_FUNCTION');
    expect(e.message).toMatch(
      /the export "default" of .*not-function\.mjs is a number \(42\), not a function$/,
    );
  });

  it('no inputs at all, an inputs export that is not a function', async () => {
    const missing = await refusal({ module: task('no-inputs.mjs'), exportName: 'double' });
    expect(missing.code).toBe('ERR_INPUTS_MISSING');
    expect(missing.message).toContain('export function inputs(count) from it');
    expect(missing.message).toContain('--inputs <file.json>');
    const notFunction = await refusal({ module: task('inputs-not-function.mjs') });
    expect(notFunction.code).toBe('ERR_INPUTS_NOT_FUNCTION');
    expect(notFunction.message).toMatch(/the export "inputs" of .* is an array of 3; it must be a function/);
  });

  it('inputs(count) returning something not iterable, an empty array, nothing, or throwing', async () => {
    const cases = [
      [
        'number',
        'ERR_INPUTS_NOT_ITERABLE',
        /inputs\(\d+\) of .*bad-inputs\.mjs returned a number \(5\); it must return an array or an iterable/,
      ],
      ['empty', 'ERR_INPUTS_EMPTY', /inputs\(\d+\) of .*bad-inputs\.mjs returned no inputs$/],
      [
        'nothing',
        'ERR_INPUTS_EMPTY',
        /inputs\(\d+\) of .*bad-inputs\.mjs returned nothing \(undefined\); it must return/,
      ],
      ['throws', 'ERR_INPUTS_THREW', /inputs\(\d+\) of .*bad-inputs\.mjs threw: TypeError: inputs broke$/],
    ] as const;
    for (const [which, code, text] of cases) {
      process.env.INPUTS_CASE = which;
      try {
        const e = await refusal({ module: task('bad-inputs.mjs') });
        expect(e.code, which).toBe(code);
        expect(e.message, which).toMatch(text);
      } finally {
        delete process.env.INPUTS_CASE;
      }
    }
  });

  it('an inputs file that is missing, not JSON, not an array, or empty', async () => {
    const cases = [
      ['missing.json', 'ERR_INPUTS_FILE', /^no such inputs file: missing\.json$/],
      ['broken.json', 'ERR_INPUTS_FILE', /^the inputs file broken\.json is not JSON: SyntaxError: /],
      [
        'object.json',
        'ERR_INPUTS_FILE',
        /^the inputs file object\.json holds an object with keys not; it must hold a JSON array/,
      ],
      ['empty.json', 'ERR_INPUTS_EMPTY', /^the inputs file empty\.json is an empty array$/],
    ] as const;
    for (const [file, code, text] of cases) {
      const e = await refusal({
        module: task('no-inputs.mjs'),
        exportName: 'double',
        inputs: file,
        cwd: TASKS,
      });
      expect(e.code, file).toBe(code);
      expect(e.message, file).toMatch(text);
    }
  });

  it('a task whose two main-thread runs disagree, unless told to time it anyway', async () => {
    const e = await refusal({ module: task('random.mjs') });
    expect(e.code).toBe('ERR_NONDETERMINISTIC');
    expect(e.message).toMatch(
      /^the task is non-deterministic: input 0 gave 0\.\d+, then 0\.\d+ on two main-thread runs/,
    );
    expect(e.message).toContain('--allow-nondeterministic');
    const report = await benchmarkTask({
      ...SMALL,
      module: task('random.mjs'),
      backends: ['floor', 'pool-inline'],
      allowNondeterministic: true,
    });
    expect(report.task.deterministic).toBe(false);
    expect(report.scenarios[0].contenders.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(report.task.notes.join('\n')).toMatch(
      /non-deterministic .*: outputs were not compared, only counted/,
    );
  });

  it('options out of range, naming the field and the value', async () => {
    const e = await refusal({ module: task('square.mjs'), threads: 0 });
    expect(e.code).toBe('ERR_TASK_OPTION');
    expect(e.message).toBe('options.threads takes an integer from 1 to 1024; received 0');
    const lone = await refusal({ module: task('square.mjs'), library: './x.so' });
    expect(lone.message).toBe(
      'options.kernel takes a value too: library and kernel go together; received "./x.so"',
    );
  });
});

describe('poolkit-bench --task with bad input', () => {
  it('exits with status 2 and the message, for a missing module, a failing import and a bad flag', async () => {
    const missing = await cli(['--task', 'nope.mjs'], { cwd: TASKS });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`poolkit-bench: no such file: nope.mjs (looked for ${TASKS}/nope.mjs)\n`);
    const failing = await cli(['--task', 'fails-import.mjs'], { cwd: TASKS });
    expect(failing.code).toBe(2);
    expect(failing.stderr).toBe(
      'poolkit-bench: the module fails-import.mjs failed to import: Error: DATABASE_URL is not set\n',
    );
    const flag = await cli(['--task', 'square.mjs', '--budget', 'soon'], { cwd: TASKS });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(
      /^poolkit-bench: --budget takes a number of seconds > 0; received "soon"\n\nUsage: poolkit-bench --task/,
    );
    expect(missing.stdout + failing.stdout + flag.stdout).toBe('');
  });
});
