// Runs before every test file of this package: after each test, no MaxListenersExceededWarning
// may have been printed; after the file, its threads must be gone (every backend a test made is
// closed by the helpers' afterEach). Worker threads are OS threads and do not show in
// process.getActiveResourcesInfo(), so they are counted in /proc (Linux; skipped elsewhere).
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

const warnings: Error[] = [];
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning);
});

afterEach(() => {
  expect(warnings.splice(0).map((w) => w.message)).toEqual([]);
});

const STATUS = '/proc/self/status';
const osThreads = (): number => Number(/Threads:\s+(\d+)/.exec(readFileSync(STATUS, 'utf8'))?.[1] ?? 0);
let baseline = 0;

beforeAll(() => {
  if (existsSync(STATUS)) baseline = osThreads();
});

afterAll(async () => {
  if (!existsSync(STATUS)) return;
  const deadline = Date.now() + 5_000;
  while (osThreads() > baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(osThreads(), 'OS threads left after this file (a backend not closed?)').toBeLessThanOrEqual(
    baseline,
  );
});
