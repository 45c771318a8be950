/**
 * Twin of the `isprime` kernel: true when `x` is a prime integer in [2, 2^53], by trial
 * division by 2, 3 and 6k ± 1 — the same steps as rust/kernels/isprime.rs. Doubles are exact
 * below 2^53, so `%` gives the same answers as the Rust integer division.
 */
export function isprime(x: number): boolean {
  if (!(x >= 2 && x <= 2 ** 53) || !Number.isInteger(x)) return false;
  if (x < 4) return true;
  if (x % 2 === 0 || x % 3 === 0) return false;
  for (let d = 5; d * d <= x; d += 6) {
    if (x % d === 0 || x % (d + 2) === 0) return false;
  }
  return true;
}
