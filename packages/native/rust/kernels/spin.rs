//! `spin`: a synthetic CPU-bound job. Input items are pairs `(f, d)`; the kernel divides `f` by
//! `d` while `f > 1` and returns the number of divisions (≈ ln f / ln d, so the caller picks the
//! cost). Pairs that would never stop (`d ≤ 1`, `d` NaN, `f` infinite) return -1 at once. A pair
//! may still take for ever in practice (`[1.7e308, 1 + 2⁻⁵²]`: ~3·10¹⁸ divisions): the loop asks
//! for cancellation every 65 536 divisions (≈ 0.3 ms), so such an item stops when its batch does.
use poolkit_kernel::{NumberKernel, Poll};

/// Divisions between two charges of the poll (a division costs roughly 4 ns).
const STEPS_PER_CHARGE: u64 = 1 << 16;

pub struct Spin;

/// The step count for one pair; -1 when the loop would not terminate.
pub fn spin(f: f64, d: f64) -> f64 {
    spin_polled(f, d, &mut Poll::new())
}

/// [`spin`], charging `poll` as it goes; -1 as well when the chunk was cancelled mid-item.
#[inline(always)]
fn spin_polled(mut f: f64, d: f64, poll: &mut Poll) -> f64 {
    if !(d > 1.0) || f == f64::INFINITY {
        return -1.0;
    }
    let mut steps: u64 = 0;
    while f > 1.0 {
        f /= d;
        steps += 1;
        if steps % STEPS_PER_CHARGE == 0 && poll.charge(STEPS_PER_CHARGE * 4) {
            return -1.0;
        }
    }
    poll.charge((steps % STEPS_PER_CHARGE) * 4 + 1);
    steps as f64
}

impl NumberKernel for Spin {
    const INPUT_ARITY: u32 = 2;
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
        let mut poll = Poll::new();
        for (o, pair) in output.iter_mut().zip(input.chunks_exact(2)) {
            *o = spin_polled(pair[0], pair[1], &mut poll);
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

    #[test]
    fn counts_divisions_until_at_most_one() {
        assert_eq!(spin(1024.0, 2.0), 10.0);
        assert_eq!(spin(1025.0, 2.0), 11.0);
        assert_eq!(spin(1.0, 2.0), 0.0);
        assert_eq!(spin(-5.0, 2.0), 0.0);
        assert_eq!(spin(1e6, 10.0), 6.0);
    }

    #[test]
    fn refuses_loops_that_never_end() {
        assert_eq!(spin(10.0, 1.0), -1.0);
        assert_eq!(spin(10.0, 0.5), -1.0);
        assert_eq!(spin(10.0, f64::NAN), -1.0);
        assert_eq!(spin(f64::INFINITY, 2.0), -1.0);
    }

    #[test]
    fn kernel_reads_pairs() {
        let out = crate::kernels::testing::numbers("spin", &[], &[8.0, 2.0, 100.0, 10.0]).unwrap();
        assert_eq!(out, [3.0, 2.0]);
    }
}
