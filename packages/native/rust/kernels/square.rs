//! `square`: x → x·x. The cheapest possible kernel, used to measure dispatch overhead.
use super::map_numbers;
use poolkit_kernel::NumberKernel;

pub struct Square;

impl NumberKernel for Square {
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
        map_numbers(input, output, |x| x * x)
    }
}

#[cfg(test)]
mod tests {
    use crate::kernels::testing::numbers;

    #[test]
    fn squares_every_item_including_special_values() {
        let out = numbers("square", &[], &[0.0, -3.0, 1.5, f64::INFINITY, -0.0]).unwrap();
        assert_eq!(out[..4], [0.0, 9.0, 2.25, f64::INFINITY]);
        assert!(out[4] == 0.0 && out[4].is_sign_positive());
    }

    #[test]
    fn nan_squares_to_nan() {
        assert!(numbers("square", &[], &[f64::NAN]).unwrap()[0].is_nan());
    }
}
