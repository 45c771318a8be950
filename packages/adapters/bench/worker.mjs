// Worker module for the benchmarks: the same functions run inline and in threads.

/** Counts primes below n by trial division: CPU-bound, allocation-free. */
export function primes(n) {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** A tiny task: the cost is all dispatch and messaging. */
export function increment(n) {
  return n + 1;
}

/** Waits without using the CPU (for the tasks-per-worker scenario). */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}

export default increment;
