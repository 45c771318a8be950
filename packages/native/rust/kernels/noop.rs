//! `noop`: x → x, the identity. It does no work at all: it exists to measure dispatch cost (copy
//! in, wake a pool thread, hop back to JS, copy out) for the benchmark suite's `noop` workload,
//! with the same algorithm as the JS contenders' identity function.
use super::map_numbers;
use poolkit_kernel::NumberKernel;

pub struct Noop;

impl NumberKernel for Noop {
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
        map_numbers(input, output, |x| x)
    }
}

#[cfg(test)]
mod tests {
    use crate::kernel::Shape;
    use crate::kernels::registry;

    fn run(input: &[f64]) -> Vec<f64> {
        crate::kernels::testing::numbers("noop", &[], input).unwrap()
    }

    #[test]
    fn hands_every_item_back_bit_for_bit() {
        let input = [
            0.0,
            -0.0,
            -3.0,
            1.5,
            9_007_199_254_740_993.0,
            f64::MAX,
            f64::MIN_POSITIVE / 4.0, // subnormal
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::from_bits(0x7ff8_0000_dead_beef), // a NaN with a payload
        ];
        let out = run(&input);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&out), bits(&input));
        assert!(out[1].is_sign_negative());
    }

    #[test]
    fn writes_every_slot_of_a_longer_chunk_and_nothing_for_an_empty_one() {
        let input: Vec<f64> = (0..1000).map(|i| i as f64 * 0.5 - 7.0).collect();
        assert_eq!(run(&input), input);
        assert!(run(&[]).is_empty());
    }

    #[test]
    fn takes_and_gives_one_number_per_item_for_any_params() {
        let noop = registry().get("noop").unwrap();
        assert_eq!(noop.input(), Shape::Numbers { arity: 1 });
        assert_eq!(noop.output(&[]), Ok(Shape::Numbers { arity: 1 }));
        assert_eq!(noop.output(&[1.0, 2.0]), Ok(Shape::Numbers { arity: 1 }));
    }
}
