/**
 * What every example shares: knowing whether it was started as a program, and small helpers
 * for timing and printing. Nothing here is poolkit API.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * True when the module at `moduleUrl` is the program Node was started with
 * (`node dist/<name>.js`), false when it was imported (by a test, or another example).
 */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(resolve(entry)).href;
}

/** Resolves after `ms` milliseconds; rejects with the signal's reason if it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done, fail) => {
    if (signal?.aborted) {
      fail(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      done();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      fail(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Where `console.log`-style lines go; tests pass a silent one. */
export type Print = (line: string) => void;

/** The default printer: standard output. */
export const stdout: Print = (line) => console.log(line);

/** Runs `main` as the program: prints nothing extra on success, the error and exit code 1 on failure. */
export function runAsProgram(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
