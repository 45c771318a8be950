//! The built-in kernels, one per file, each written with the `poolkit-kernel` SDK's traits —
//! the same extension point a user kernel library uses — and exported through a table of the
//! same type ([`BUILTIN`]), read and run like a library's (no `dlopen` for them).
//!
//! To add one: implement an SDK trait in `kernels/<name>.rs`, add a line to [`BUILTIN`], and its
//! `{ name, input, output }` to `builtinKernels` in `src/kernels.ts` at the same position:
//! `npm run build` fails otherwise (`scripts/check-kernels.mjs`).
pub mod fnv1a;
pub mod isprime;
pub mod mandelbrot;
pub mod md5;
pub mod noop;
pub mod panic;
pub mod spin;
pub mod square;

use crate::kernel::Registry;
use poolkit_kernel::Poll;
use std::sync::OnceLock;

poolkit_kernel::kernel_table!(
    /// Every built-in kernel, in the order JS lists them.
    pub static BUILTIN =
    bytes "md5" => md5::Md5,
    number "isprime" => isprime::IsPrime,
    number "mandelbrot" => mandelbrot::Mandelbrot,
    number "spin" => spin::Spin,
    number "square" => square::Square,
    bytes_to_numbers "fnv1a" => fnv1a::Fnv1a,
    number "noop" => noop::Noop,
    number "__panic" => panic::Panic,
);

/// The process-wide registry of the built-in kernels, built once.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::of(&BUILTIN).expect("the built-in kernel table is valid"))
}

/// Items between two charges in [`map_numbers`]: the loop inside a block stays tight.
const MAP_BLOCK: usize = 1024;

/// Runs `f` on every item of a one-number-in, one-number-out chunk, charging one unit per item
/// (cheap `f`s: `square`, `noop`) and returning early once the chunk is cancelled.
/// `#[inline(always)]` so the kernel's body is compiled into a tight loop with no call per item.
#[inline(always)]
pub fn map_numbers(input: &[f64], output: &mut [f64], f: impl Fn(f64) -> f64) -> Result<(), String> {
    let mut poll = Poll::new();
    // Zipping two slices lets the compiler drop every bounds check in the inner loop.
    for (os, xs) in output.chunks_mut(MAP_BLOCK).zip(input.chunks(MAP_BLOCK)) {
        for (o, &x) in os.iter_mut().zip(xs) {
            *o = f(x);
        }
        if poll.charge(MAP_BLOCK as u64) {
            return Ok(());
        }
    }
    Ok(())
}

/// Test helpers: run a built-in kernel the way a batch does, through its table entry.
#[cfg(test)]
pub mod testing {
    use crate::kernel::{ByteSink, Failure, Items, Shape, Sink};

    /// A numbers-input kernel over `values` (its input arity) with `params`: its output.
    pub fn numbers(name: &str, params: &[f64], values: &[f64]) -> Result<Vec<f64>, Failure> {
        let kernel = super::registry().get(name).expect("a built-in kernel");
        let Shape::Numbers { arity } = kernel.input() else {
            panic!("{name} takes bytes")
        };
        let items = Items::Numbers { values, arity };
        run(kernel, params, &items)
    }

    /// A bytes → numbers kernel over `items` with `params`: its output.
    pub fn bytes_to_numbers(name: &str, params: &[f64], items: &[&[u8]]) -> Result<Vec<f64>, Failure> {
        let kernel = super::registry().get(name).expect("a built-in kernel");
        let (data, offsets) = pack(items);
        run(
            kernel,
            params,
            &Items::Bytes {
                data: &data,
                offsets: &offsets,
            },
        )
    }

    /// A bytes → bytes kernel over `items` with `params`: one output Vec per item.
    pub fn bytes_out(name: &str, params: &[f64], items: &[&[u8]]) -> Result<Vec<Vec<u8>>, Failure> {
        let kernel = super::registry().get(name).expect("a built-in kernel");
        let (data, offsets) = pack(items);
        let mut sink = ByteSink::default();
        kernel.run(
            params,
            &Items::Bytes {
                data: &data,
                offsets: &offsets,
            },
            &mut Sink::Bytes(&mut sink),
            None,
        )?;
        let mut start = 0;
        Ok(sink
            .ends
            .iter()
            .map(|&end| {
                let item = sink.data[start..end].to_vec();
                start = end;
                item
            })
            .collect())
    }

    fn pack(items: &[&[u8]]) -> (Vec<u8>, Vec<usize>) {
        let mut offsets = vec![0];
        for item in items {
            offsets.push(offsets.last().unwrap() + item.len());
        }
        (items.concat(), offsets)
    }

    fn run(kernel: &crate::kernel::Kernel, params: &[f64], items: &Items<'_>) -> Result<Vec<f64>, Failure> {
        let Shape::Numbers { arity } = kernel.output(params)? else {
            panic!("{} gives bytes", kernel.name())
        };
        let mut out = vec![0.0; items.len() * arity];
        kernel.run(params, items, &mut Sink::Numbers(&mut out), None)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn registry_finds_every_builtin_by_name_and_nothing_else() {
        let r = super::registry();
        let names = [
            "md5",
            "isprime",
            "mandelbrot",
            "spin",
            "square",
            "fnv1a",
            "noop",
            "__panic",
        ];
        for name in names {
            assert_eq!(r.get(name).map(|k| k.name()), Some(name));
        }
        assert!(r.get("nope").is_none());
        assert!(r.get("Noop").is_none());
        let order: Vec<&str> = r.all().iter().map(|k| k.name()).collect();
        assert_eq!(order, names);
        assert_eq!(r.all().len(), 8);
    }

    #[test]
    fn a_panic_in_a_builtin_is_caught_by_the_sdks_boundary_and_reported_as_a_panic() {
        let failure = super::testing::numbers("__panic", &[], &[1.0, 2.0]).unwrap_err();
        assert_eq!(
            failure,
            crate::kernel::Failure::Panic("__panic kernel called with 2 items".into())
        );
    }
}
