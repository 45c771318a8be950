//! `isprime`: 1 when the input is a prime integer, else 0, by trial division.
//!
//! Inputs are `f64` (what JS numbers are). Anything that is not an integer in `[2, 2^53]` gives
//! 0. Divisors are 2, 3, then 6k ± 1 up to √n. Below 2^32 the loop runs in `u32`: a 32-bit
//! division is several times cheaper than a 64-bit one on x86-64, and most inputs are small.
//! The JS twin (`reference/isprime.ts`) follows the same steps with doubles, exact below 2^53.
//!
//! Cancellation: an item below 2^32 takes at most ~11 000 steps (well under a millisecond); one
//! above may take ~1.5·10⁷, so that loop charges the chunk's [`Poll`] every 4096 steps.
use poolkit_kernel::{NumberKernel, Poll};

/// Loop steps between two charges on the u64 path, and the rough cost of one step (ns).
const STEPS_PER_CHARGE: u64 = 4096;
const STEP_COST_U64: u64 = 40;
const STEP_COST_U32: u64 = 10;

/// The largest input tested; beyond it `f64` cannot hold every integer.
pub const MAX_EXACT: f64 = 9_007_199_254_740_992.0; // 2^53

pub struct IsPrime;

/// Trial division over `u32`; charges `poll` for the steps taken.
#[inline(always)]
fn is_prime_u32(n: u32, poll: &mut Poll) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n % 2 == 0 || n % 3 == 0 {
        return false;
    }
    let mut d: u32 = 5;
    // d ≤ 65537 here, so d * d cannot overflow u64; compare in u64 to stay exact.
    while (d as u64) * (d as u64) <= n as u64 {
        if n % d == 0 || n % (d + 2) == 0 {
            poll.charge(d as u64 / 6 * STEP_COST_U32);
            return false;
        }
        d += 6;
    }
    poll.charge(d as u64 / 6 * STEP_COST_U32);
    true
}

/// Trial division over `u64`, for `n` ≥ 2^32; gives up (false) once `poll` says stop.
#[inline(always)]
fn is_prime_u64(n: u64, poll: &mut Poll) -> bool {
    if n % 2 == 0 || n % 3 == 0 {
        return false;
    }
    let mut d: u64 = 5;
    let mut steps: u64 = 0;
    while d * d <= n {
        if n % d == 0 || n % (d + 2) == 0 {
            return false;
        }
        d += 6;
        steps += 1;
        if steps % STEPS_PER_CHARGE == 0 && poll.charge(STEPS_PER_CHARGE * STEP_COST_U64) {
            return false;
        }
    }
    true
}

/// Whether `x` is a prime integer (0 < x ≤ 2^53).
pub fn is_prime(x: f64) -> bool {
    is_prime_polled(x, &mut Poll::new())
}

/// [`is_prime`], charging `poll`; false once it says stop (the chunk is dropped then).
#[inline(always)]
fn is_prime_polled(x: f64, poll: &mut Poll) -> bool {
    if !(x >= 2.0 && x <= MAX_EXACT) || x.fract() != 0.0 {
        return false;
    }
    let n = x as u64;
    if n <= u32::MAX as u64 {
        is_prime_u32(n as u32, poll)
    } else {
        is_prime_u64(n, poll)
    }
}

impl NumberKernel for IsPrime {
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
        let mut poll = Poll::new();
        for (o, &x) in output.iter_mut().zip(input) {
            *o = if is_prime_polled(x, &mut poll) { 1.0 } else { 0.0 };
            if poll.charge(1) {
                return Ok(()); // cancelled: the batch drops this chunk
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sieve(limit: usize) -> Vec<bool> {
        let mut prime = vec![true; limit + 1];
        prime[0] = false;
        prime[1] = false;
        let mut i = 2;
        while i * i <= limit {
            if prime[i] {
                let mut j = i * i;
                while j <= limit {
                    prime[j] = false;
                    j += i;
                }
            }
            i += 1;
        }
        prime
    }

    #[test]
    fn agrees_with_a_sieve_below_100_000() {
        let sieve = sieve(100_000);
        for (n, &p) in sieve.iter().enumerate() {
            assert_eq!(is_prime(n as f64), p, "n = {n}");
        }
    }

    #[test]
    fn handles_large_known_values_on_both_paths() {
        assert!(is_prime(4_294_967_291.0)); // largest prime below 2^32 (u32 path)
        assert!(is_prime(4_294_967_311.0)); // smallest prime above 2^32 (u64 path)
        assert!(!is_prime(4_294_967_297.0)); // 641 × 6700417
        assert!(is_prime(1_000_000_007.0));
        assert!(!is_prime(1_000_000_007.0 * 3.0));
    }

    #[test]
    fn rejects_non_integers_negatives_and_out_of_range() {
        for x in [-7.0, 0.0, 1.0, 2.5, f64::NAN, f64::INFINITY, MAX_EXACT * 2.0] {
            assert!(!is_prime(x), "x = {x}");
        }
    }

    #[test]
    fn kernel_writes_ones_and_zeros() {
        let out = crate::kernels::testing::numbers("isprime", &[], &[2.0, 4.0, 97.0, 1.5]).unwrap();
        assert_eq!(out, [1.0, 0.0, 1.0, 0.0]);
    }
}
