import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runProgram } from './run-program.js';

/** What an example may import: public packages, node: built-ins, ./workers/ and its own folder. */
function ownFiles(name: string): RegExp {
  return new RegExp(
    `^(node:|@poolkit/(core|adapters|native|bullmq|opentelemetry)(/|$)|@opentelemetry/(api|sdk-metrics|exporter-prometheus)$|\\./workers/|\\./${name}/)`,
  );
}

// Each example reads its own command line (it is meant to be copied alone), so each one is checked.
const EXAMPLES: Array<{ name: string; bad: string[]; message: string }> = [
  {
    name: 'md5-fork-join',
    bad: ['--threads', '0'],
    message: '--threads must be an integer from 1 to 64, received "0"',
  },
  {
    name: 'square-sum',
    bad: ['--abort-after', 'ten'],
    message: '--abort-after must be an integer from 1 to 99, received "ten"',
  },
  {
    name: 'job-types',
    bad: ['--workers', '2.5'],
    message: '--workers must be an integer from 1 to 64, received "2.5"',
  },
  {
    name: 'sleepy-tasks',
    bad: ['--concurrency', '5', '--concurrency', '0'],
    message: '--concurrency must be an integer from 1 to 1000, received "0"',
  },
  { name: 'lifecycle', bad: ['extra'], message: "Unexpected argument 'extra'" },
  {
    name: 'load-test',
    bad: ['--url', 'https://example.com'],
    message: '--url must be an http:// URL, received "https://example.com"',
  },
  {
    name: 'custom-adapter',
    bad: ['--processes', ''],
    message: '--processes must be an integer from 1 to 64, received ""',
  },
  { name: 'native-kernels', bad: ['--start', '10'], message: '--start must be odd, received "10"' },
  {
    name: 'distributed',
    bad: ['--workers', '0'],
    message: '--workers must be an integer from 1 to 16, received "0"',
  },
  {
    name: 'fair-tenants',
    bad: ['--noisy', '0'],
    message: '--noisy must be an integer from 1 to 100000, received "0"',
  },
  {
    name: 'prometheus-metrics',
    bad: ['--port', '70000'],
    message: '--port must be an integer from 0 to 65535, received "70000"',
  },
  {
    name: 'trace-across-threads',
    bad: ['--tasks', '0'],
    message: '--tasks must be an integer from 1 to 1000, received "0"',
  },
  {
    name: 'user-kernels',
    bad: ['--count', '0'],
    message: '--count must be an integer from 1 to 1000000, received "0"',
  },
];

describe.each(EXAMPLES)('the command line of $name', ({ name, bad, message }) => {
  it('--help prints the usage and exits 0 without running the example', async () => {
    const run = await runProgram(name, ['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^usage: ${name}`));
  });

  it('an unknown option is refused with the usage, exit code 2', async () => {
    const run = await runProgram(name, ['--no-such-option']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${name}: Unknown option '--no-such-option'`);
    expect(run.stderr).toContain(`usage: ${name}`);
  });

  it('a bad value is refused naming the option, its range and the value given', async () => {
    const run = await runProgram(name, bad);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${name}: ${message}`);
  });

  it('imports nothing but public packages, node: built-ins and its own files', async () => {
    const source = await readFile(new URL(`../src/${name}.ts`, import.meta.url), 'utf8');
    const specifiers = [...source.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gm)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) {
      expect(specifier).toMatch(
        // its own files: ./workers/ and a folder named after it (custom-adapter/, trace-across-threads/)
        ownFiles(name),
      );
    }
  });
});
