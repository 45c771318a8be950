// Runs before every test file of this package: after each test, no MaxListenersExceededWarning
// may have been printed; after the file, its threads must be gone (every backend a test made is
// closed by the helpers' afterEach): no Worker started during the file still running, and no OS
// thread beyond those the process had at its start (see threads.ts for why the ledger starts
// libuv's threadpool before it counts).
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ThreadLedger } from './threads.js';

const warnings: Error[] = [];
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning);
});

afterEach(() => {
  expect(warnings.splice(0).map((w) => w.message)).toEqual([]);
});

let ledger: ThreadLedger;

beforeAll(async () => {
  ledger = await ThreadLedger.open();
});

afterAll(async () => {
  const left = await ledger.settle(5_000);
  ledger.close();
  expect(left.workers, 'worker threads still running after this file (a backend not closed?)').toBe(0);
  expect(
    left.extra,
    `OS threads left after this file beyond the ${left.baseline} it started with (a backend not closed?)`,
  ).toEqual([]);
});
