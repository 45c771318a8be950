/** Twin of the `noop` kernel: x → x. No work at all: it measures dispatch cost. */
export function noop(x: number): number {
  return x;
}
