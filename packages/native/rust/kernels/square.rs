//! `square`: x → x·x. The cheapest possible kernel, used to measure dispatch overhead.
use crate::kernel::{map_numbers, Items, Kernel, KernelError, Shape, Sink};

pub struct Square;

impl Kernel for Square {
    fn name(&self) -> &'static str {
        "square"
    }
    fn input(&self) -> Shape {
        Shape::Numbers { arity: 1 }
    }
    fn output(&self, _params: &[f64]) -> Result<Shape, String> {
        Ok(Shape::Numbers { arity: 1 })
    }
    fn run(&self, _params: &[f64], items: &Items<'_>, out: &mut Sink<'_>) -> Result<(), KernelError> {
        map_numbers(items, out, |x| x * x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squares_every_item_including_special_values() {
        let input = [0.0, -3.0, 1.5, f64::INFINITY, -0.0];
        let mut out = [9.9; 5];
        Square
            .run(
                &[],
                &Items::Numbers {
                    values: &input,
                    arity: 1,
                },
                &mut Sink::Numbers(&mut out),
            )
            .unwrap();
        assert_eq!(out[..4], [0.0, 9.0, 2.25, f64::INFINITY]);
        assert!(out[4] == 0.0 && out[4].is_sign_positive());
    }

    #[test]
    fn nan_squares_to_nan() {
        let mut out = [0.0];
        Square
            .run(
                &[],
                &Items::Numbers {
                    values: &[f64::NAN],
                    arity: 1,
                },
                &mut Sink::Numbers(&mut out),
            )
            .unwrap();
        assert!(out[0].is_nan());
    }
}
