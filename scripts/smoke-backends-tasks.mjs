// The worker module of scripts/smoke-backends.mjs: what its PiscinaBackend threads and its
// poolkit-worker process run. Plain JavaScript, so every runtime loads it with no loader.
export default function double(n) {
  return n * 2;
}

/** Never returns: only a terminated thread ends it. */
export function spin() {
  for (;;) {}
}

/** Ends the thread it runs on, as a crashing native module or a stray process.exit would. */
export function exit(code) {
  process.exit(code);
}

/** Throws an error with a code, which must arrive with its class, message and code. */
export function fail(message) {
  throw Object.assign(new RangeError(message), { code: 'ERR_SMOKE' });
}
