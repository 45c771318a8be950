/** Twin of the `square` kernel: x → x·x. */
export function square(x: number): number {
  return x * x;
}
