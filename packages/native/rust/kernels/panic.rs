//! `__panic`: a test aid that panics on any input, to prove a failing kernel becomes a JS error
//! (`ERR_KERNEL_PANIC`) through the one panic boundary (the SDK's trampoline, as for a library's
//! kernel) and leaves the pool working. Names starting with `__` are hidden from the
//! public `kernels` list in JS.
use poolkit_kernel::NumberKernel;

pub struct Panic;

impl NumberKernel for Panic {
    fn run(&self, input: &[f64], _output: &mut [f64]) -> Result<(), String> {
        panic!("__panic kernel called with {} items", input.len());
    }
}
