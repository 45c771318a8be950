/**
 * Twin of the `mandelbrot` kernel: the escape-time counts of row `y` of a `width × height` image
 * of re ∈ [-2, 1), im ∈ [-1.5, 1.5), at most `maxIter` iterations. Same operations in the same
 * order as rust/kernels/mandelbrot.rs, so the counts are identical.
 */
export function mandelbrotRow(y: number, width = 256, height = 256, maxIter = 256): Float64Array {
  const out = new Float64Array(width);
  const ci = -1.5 + (3 * y) / height;
  for (let x = 0; x < width; x++) {
    const cr = -2 + (3 * x) / width;
    let zr = 0;
    let zi = 0;
    let i = 0;
    while (i < maxIter) {
      const zr2 = zr * zr;
      const zi2 = zi * zi;
      if (zr2 + zi2 > 4) break;
      zi = 2 * zr * zi + ci;
      zr = zr2 - zi2 + cr;
      i++;
    }
    out[x] = i;
  }
  return out;
}
