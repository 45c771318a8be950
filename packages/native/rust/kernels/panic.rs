//! `__panic`: a test aid that panics on any input, to prove a failing kernel becomes a JS error
//! (`ERR_KERNEL_PANIC`) and leaves the pool working. Names starting with `__` are hidden from the
//! public `kernels` list in JS.
use crate::kernel::{Items, Kernel, KernelError, Shape, Sink};

pub struct Panic;

impl Kernel for Panic {
    fn name(&self) -> &'static str {
        "__panic"
    }
    fn input(&self) -> Shape {
        Shape::Numbers { arity: 1 }
    }
    fn output(&self, _params: &[f64]) -> Result<Shape, String> {
        Ok(Shape::Numbers { arity: 1 })
    }
    fn run(&self, _params: &[f64], items: &Items<'_>, _out: &mut Sink<'_>) -> Result<(), KernelError> {
        panic!("__panic kernel called with {} items", items.len());
    }
}
