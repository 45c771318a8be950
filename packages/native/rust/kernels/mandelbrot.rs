//! `mandelbrot`: one row of escape-time iteration counts.
//!
//! Parameters (per batch): `[width, height, maxIter]`, default `[256, 256, 256]`. The image
//! covers re ∈ [-2, 1), im ∈ [-1.5, 1.5). Input item: a row index `y`; output: `width` counts.
//! The arithmetic is written in the same order as the JS twin, with no fused multiply-add, so
//! both give bit-identical counts.
use poolkit_kernel::{params, NumberKernel, Poll};

pub struct Mandelbrot;

/// Parameters used when a batch gives none.
pub const DEFAULT_PARAMS: [f64; 3] = [256.0, 256.0, 256.0];

/// Checked image parameters.
#[derive(Clone, Copy, Debug)]
pub struct Image {
    pub width: usize,
    pub height: f64,
    pub max_iter: u32,
}

/// Validates `[width, height, maxIter]` (empty = defaults).
pub fn image(params: &[f64]) -> Result<Image, String> {
    let p = if params.is_empty() { &DEFAULT_PARAMS[..] } else { params };
    if p.len() != 3 {
        return Err(format!(
            "mandelbrot params must be [width, height, maxIter], received {} values",
            p.len()
        ));
    }
    let int_in = |v: f64, max: f64| v.fract() == 0.0 && v >= 1.0 && v <= max;
    if !int_in(p[0], 1_048_576.0) || !int_in(p[1], 1_048_576.0) || !int_in(p[2], 1e9) {
        return Err(format!(
            "mandelbrot params must be integers: width and height from 1 to 1048576, maxIter from 1 to 1e9, received [{}, {}, {}]",
            p[0], p[1], p[2]
        ));
    }
    Ok(Image {
        width: p[0] as usize,
        height: p[1],
        max_iter: p[2] as u32,
    })
}

/// Pixels iterated in lockstep. Each pixel's `z ← z² + c` chain is latency-bound (a multiply
/// and an add per step, each waiting for the last); interleaving independent pixels lets the
/// CPU overlap their chains (and the compiler vectorise them). Measured: see README.
const LANES: usize = 4;

/// Writes the iteration counts of row `y` into `out` (`out.len()` is the width).
pub fn row(img: &Image, y: f64, out: &mut [f64]) {
    row_polled(img, y, out, &mut Poll::new());
}

/// Iterations between two charges inside one group of pixels (a group may iterate up to
/// `maxIter` = 10⁹ times), and the rough cost of one iteration of a group (ns).
const ITERS_PER_CHARGE: u32 = 1 << 16;
const GROUP_ITER_COST: u64 = 4;

/// [`row`], charging `poll`; returns early (the row unfinished) once it says stop.
#[inline(always)]
fn row_polled(img: &Image, y: f64, out: &mut [f64], poll: &mut Poll) {
    let width = img.width as f64;
    let ci = -1.5 + (3.0 * y) / img.height;
    let mut groups = out.chunks_exact_mut(LANES);
    let mut x0 = 0usize;
    for group in &mut groups {
        let mut cr = [0.0f64; LANES];
        for (l, c) in cr.iter_mut().enumerate() {
            *c = -2.0 + (3.0 * (x0 + l) as f64) / width;
        }
        let counts = lanes(&cr, ci, img.max_iter, poll);
        for (o, c) in group.iter_mut().zip(counts) {
            *o = c as f64;
        }
        if poll.charge(counts.iter().max().copied().unwrap_or(0) as u64 % ITERS_PER_CHARGE as u64 * GROUP_ITER_COST) {
            return;
        }
        x0 += LANES;
    }
    for (x, o) in groups.into_remainder().iter_mut().enumerate() {
        let cr = -2.0 + (3.0 * (x0 + x) as f64) / width;
        // One point through the lanes (the others repeat it): the same per-point arithmetic as
        // `pixel`, with the same cancellation checks.
        let count = lanes(&[cr; LANES], ci, img.max_iter, poll)[0];
        *o = count as f64;
        if poll.charge(count as u64 % ITERS_PER_CHARGE as u64 * GROUP_ITER_COST) {
            return;
        }
    }
}

/// The escape count of one point: the reference definition (and the JS twin's loop).
#[inline(always)]
pub fn pixel(cr: f64, ci: f64, max_iter: u32) -> u32 {
    let (mut zr, mut zi) = (0.0f64, 0.0f64);
    let mut i: u32 = 0;
    while i < max_iter {
        let zr2 = zr * zr;
        let zi2 = zi * zi;
        if zr2 + zi2 > 4.0 {
            break;
        }
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        i += 1;
    }
    i
}

/// [`pixel`] for `LANES` points at once, with exactly the same per-point arithmetic while a point
/// is alive, so each lane's count equals `pixel`'s for that point (unit-tested below).
#[inline(always)]
fn lanes(cr: &[f64; LANES], ci: f64, max_iter: u32, poll: &mut Poll) -> [u32; LANES] {
    let mut zr = [0.0f64; LANES];
    let mut zi = [0.0f64; LANES];
    let mut count = [0u32; LANES];
    let mut alive = [true; LANES];
    for it in 0..max_iter {
        if it % ITERS_PER_CHARGE == ITERS_PER_CHARGE - 1 && poll.charge(ITERS_PER_CHARGE as u64 * GROUP_ITER_COST) {
            break;
        }
        let mut any = false;
        for l in 0..LANES {
            let zr2 = zr[l] * zr[l];
            let zi2 = zi[l] * zi[l];
            // `&`, not `&&`: no branch per lane. An escaped lane keeps iterating (its values run
            // off to ±inf/NaN) but `alive` never comes back, so its count is frozen — the count
            // is all that is returned, and it equals `pixel`'s.
            let go = alive[l] & !(zr2 + zi2 > 4.0);
            zi[l] = 2.0 * zr[l] * zi[l] + ci;
            zr[l] = zr2 - zi2 + cr[l];
            count[l] += go as u32;
            alive[l] = go;
            any |= go;
        }
        if !any {
            break;
        }
    }
    count
}

impl NumberKernel for Mandelbrot {
    /// The default width (`DEFAULT_PARAMS[0]`): the table's static shape.
    const OUTPUT_ARITY: u32 = DEFAULT_PARAMS[0] as u32;
    fn output_arity(&self, params: &[f64]) -> Result<u32, String> {
        Ok(image(params)?.width as u32)
    }
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
        // `output_arity` validated the params when the batch was made; a direct call with bad
        // ones is the kernel's own failure (ERR_KERNEL_ERROR), not a panic.
        let img = image(&params())?;
        let mut poll = Poll::new();
        for (o, &y) in output.chunks_exact_mut(img.width).zip(input) {
            row_polled(&img, y, o, &mut poll);
            if poll.charge(0) {
                return Ok(()); // cancelled: the batch drops this chunk
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{Failure, Items, Shape, Sink};

    #[test]
    fn the_centre_row_is_symmetric_and_hits_max_iter_inside_the_set() {
        let img = image(&[64.0, 64.0, 100.0]).unwrap();
        let mut out = vec![0.0; 64];
        row(&img, 32.0, &mut out); // im = 0: the real axis
                                   // re = -2 + 3x/64; x = 32 ⇒ re = -0.5, inside the main cardioid.
        assert_eq!(out[32], 100.0);
        // re = -2 (x = 0) is in the set too (the tip), re = 1 would not be.
        assert_eq!(out[0], 100.0);
        assert!(out[63] < 10.0);
    }

    #[test]
    fn far_rows_escape_quickly() {
        let img = image(&[16.0, 16.0, 50.0]).unwrap();
        let mut out = vec![0.0; 16];
        row(&img, 0.0, &mut out); // im = -1.5
        assert!(out.iter().all(|&c| c < 5.0), "{out:?}");
    }

    #[test]
    fn lockstep_rows_equal_the_one_pixel_definition() {
        for (w, h, m) in [
            (37.0, 29.0, 300.0),
            (4.0, 4.0, 1.0),
            (1.0, 3.0, 50.0),
            (128.0, 96.0, 1000.0),
        ] {
            let img = image(&[w, h, m]).unwrap();
            for y in 0..h as usize {
                let mut out = vec![0.0; img.width];
                row(&img, y as f64, &mut out);
                let ci = -1.5 + (3.0 * y as f64) / img.height;
                for (x, &got) in out.iter().enumerate() {
                    let cr = -2.0 + (3.0 * x as f64) / w;
                    assert_eq!(got, pixel(cr, ci, img.max_iter) as f64, "w {w} y {y} x {x}");
                }
            }
        }
    }

    #[test]
    fn validates_params() {
        assert!(image(&[]).is_ok());
        assert!(image(&[0.0, 10.0, 10.0]).is_err());
        assert!(image(&[10.5, 10.0, 10.0]).is_err());
        assert!(image(&[10.0, 10.0]).is_err());
        assert!(image(&[10.0, 10.0, f64::NAN]).is_err());
        let kernel = crate::kernels::registry().get("mandelbrot").unwrap();
        assert_eq!(kernel.output(&[7.0, 3.0, 9.0]), Ok(Shape::Numbers { arity: 7 }));
        assert_eq!(kernel.output(&[]), Ok(Shape::Numbers { arity: 256 }));
        let refused = kernel.output(&[0.0, 1.0, 1.0]);
        assert!(
            matches!(&refused, Err(Failure::Error(m)) if m.contains("mandelbrot params")),
            "{refused:?}"
        );
    }

    #[test]
    fn run_with_bad_params_returns_an_error_instead_of_panicking() {
        // Through the table as a batch would call it, but with params `output` would refuse.
        let kernel = crate::kernels::registry().get("mandelbrot").unwrap();
        let mut out = vec![0.0; 4];
        let items = Items::Numbers {
            values: &[1.0],
            arity: 1,
        };
        let result = kernel.run(&[0.0, 8.0, 20.0], &items, &mut Sink::Numbers(&mut out), None);
        let Err(Failure::Error(message)) = result else {
            panic!("{result:?}")
        };
        assert!(message.contains("mandelbrot params"), "{message}");
    }

    #[test]
    fn kernel_writes_one_row_per_item() {
        let params = [8.0, 8.0, 20.0];
        let out = crate::kernels::testing::numbers("mandelbrot", &params, &[4.0, 0.0]).unwrap();
        assert_eq!(out.len(), 16);
        let img = image(&params).unwrap();
        let mut expected = vec![0.0; 8];
        row(&img, 4.0, &mut expected);
        assert_eq!(out[..8], expected[..]);
        row(&img, 0.0, &mut expected);
        assert_eq!(out[8..], expected[..]);
    }
}
