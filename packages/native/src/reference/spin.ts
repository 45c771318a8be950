/**
 * Twin of the `spin` kernel: divides `f` by `d` while `f > 1` and returns how many divisions it
 * took; -1 for pairs that would never stop (`d ≤ 1`, `d` NaN, `f` infinite).
 */
export function spin(f: number, d: number): number {
  if (!(d > 1) || f === Number.POSITIVE_INFINITY) return -1;
  let steps = 0;
  while (f > 1) {
    f /= d;
    steps++;
  }
  return steps;
}
