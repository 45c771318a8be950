//! The built-in kernels, one per file. Add yours to [`builtin`], and its `{ name, input, output }`
//! to `builtinKernels` in `src/kernels.ts` at the same position: `npm run build` fails otherwise
//! (`scripts/check-kernels.mjs`).
pub mod fnv1a;
pub mod isprime;
pub mod mandelbrot;
pub mod md5;
pub mod noop;
pub mod panic;
pub mod spin;
pub mod square;

use crate::kernel::{Kernel, Registry};
use std::sync::OnceLock;

/// Every kernel this build knows, in the order JS lists them.
pub fn builtin() -> Vec<&'static dyn Kernel> {
    vec![
        &md5::Md5,
        &isprime::IsPrime,
        &mandelbrot::Mandelbrot,
        &spin::Spin,
        &square::Square,
        &fnv1a::Fnv1a,
        &noop::Noop,
        &panic::Panic,
    ]
}

/// The process-wide registry, built once.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::new(builtin()))
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
}
