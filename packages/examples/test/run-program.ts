import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** What a built example printed when run as a program. */
export interface ProgramRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `node dist/<name>.js [args]` (the built program, exactly as `npm run example:<name> -- [args]`
 * does) and resolves once it has exited by itself.
 */
export function runProgram(
  name: string,
  args: readonly string[] = [],
  timeoutMs = 50_000,
): Promise<ProgramRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`dist/${name}.js`, ...args],
      { cwd: PACKAGE_DIR, timeout: timeoutMs, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        const code = error ? (((error as { code?: unknown }).code as number | null) ?? 1) : 0;
        resolve({
          code: typeof code === 'number' ? code : 1,
          stdout,
          stderr,
          ms: performance.now() - started,
        });
      },
    );
  });
}

/** A printer that prints nothing, for main() calls in tests. */
export const quiet = (): void => {};
