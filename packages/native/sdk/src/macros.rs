//! The macros that make a [`crate::KernelTable`] from kernels: [`crate::export_kernels!`] for a
//! library (exported under [`crate::TABLE_SYMBOL`]), [`crate::kernel_table!`] for a table that is
//! not exported (the addon's built-in kernels use it; so can a library's tests).

/// Exports kernels as this library's [`KernelTable`](crate::KernelTable), under the symbol
/// [`TABLE_SYMBOL`](crate::TABLE_SYMBOL). Call it once per library, at the crate root. Each
/// kernel is a unit struct (or a constant) implementing the trait its kind names:
///
/// | kind | trait |
/// |---|---|
/// | `number` | [`NumberKernel`](crate::NumberKernel) |
/// | `bytes` | [`BytesKernel`](crate::BytesKernel) |
/// | `bytes_to_numbers` | [`BytesToNumbersKernel`](crate::BytesToNumbersKernel) |
///
/// ```text
/// poolkit_kernel::export_kernels!(
///     number "cube" => Cube,
///     bytes "reverse" => Reverse,
///     bytes_to_numbers "crc32" => Crc32,
/// );
/// ```
/// Every panic is caught at the boundary and reported as an error status with its message.
#[macro_export]
macro_rules! export_kernels {
    ($($kind:ident $name:literal => $kernel:path),* $(,)?) => {
        $crate::kernel_table!(#[no_mangle] pub static POOLKIT_KERNEL_TABLE = $($kind $name => $kernel),*);
    };
}

/// Defines a [`KernelTable`](crate::KernelTable) static like [`export_kernels!`] does, under a
/// name of your choice and with the attributes you give (none: it is not exported). The addon
/// builds its built-in kernels' table with it:
///
/// ```
/// use poolkit_kernel::{kernel_table, NumberKernel};
///
/// pub struct Negate;
/// impl NumberKernel for Negate {
///     fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
///         for (o, x) in output.iter_mut().zip(input) {
///             *o = -x;
///         }
///         Ok(())
///     }
/// }
/// kernel_table!(pub static BUILT_IN = number "negate" => Negate);
/// assert_eq!(BUILT_IN.count, 1);
/// ```
#[macro_export]
macro_rules! kernel_table {
    ($(#[$attr:meta])* $vis:vis static $table:ident = $($kind:ident $name:literal => $kernel:path),* $(,)?) => {
        $(#[$attr])*
        $vis static $table: $crate::KernelTable = $crate::KernelTable {
            abi_version: $crate::ABI_VERSION,
            count: [$($name),*].len(),
            entries: {
                const ENTRIES: &[$crate::KernelEntry] = &[$($crate::__entry!($kind $name => $kernel)),*];
                ENTRIES.as_ptr()
            },
            shapes: {
                const SHAPES: &[::core::option::Option<$crate::ShapeFn>] =
                    &[$(::core::option::Option::Some($crate::__shape!($kind $kernel))),*];
                SHAPES.as_ptr()
            },
        };
    };
}

/// One [`KernelEntry`](crate::KernelEntry) of [`kernel_table!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __entry {
    (number $name:literal => $kernel:path) => {
        $crate::KernelEntry {
            name: concat!($name, "\0").as_ptr(),
            input_kind: $crate::KIND_NUMBERS,
            input_arity: <$kernel as $crate::NumberKernel>::INPUT_ARITY,
            output_kind: $crate::KIND_NUMBERS,
            output_arity: <$kernel as $crate::NumberKernel>::OUTPUT_ARITY,
            output_bytes: -1,
            run: $crate::__run!(__run_numbers $kernel),
        }
    };
    (bytes $name:literal => $kernel:path) => {
        $crate::KernelEntry {
            name: concat!($name, "\0").as_ptr(),
            input_kind: $crate::KIND_BYTES,
            input_arity: 0,
            output_kind: $crate::KIND_BYTES,
            output_arity: 0,
            output_bytes: match <$kernel as $crate::BytesKernel>::OUTPUT_BYTES {
                Some(n) => n as i64,
                None => -1,
            },
            run: $crate::__run!(__run_bytes $kernel),
        }
    };
    (bytes_to_numbers $name:literal => $kernel:path) => {
        $crate::KernelEntry {
            name: concat!($name, "\0").as_ptr(),
            input_kind: $crate::KIND_BYTES,
            input_arity: 0,
            output_kind: $crate::KIND_NUMBERS,
            output_arity: <$kernel as $crate::BytesToNumbersKernel>::OUTPUT_ARITY,
            output_bytes: -1,
            run: $crate::__run!(__run_bytes_to_numbers $kernel),
        }
    };
}

/// The `extern "C"` run trampoline of one kernel.
#[doc(hidden)]
#[macro_export]
macro_rules! __run {
    ($body:ident $kernel:path) => {{
        /// # Safety
        /// Called by the addon with a valid RawCall for this kernel.
        unsafe extern "C" fn run(call: *mut $crate::RawCall) -> i32 {
            // SAFETY: the addon passes a valid RawCall of this entry's kinds.
            unsafe { $crate::$body(&$kernel, call) }
        }
        run
    }};
}

/// The `extern "C"` shape callback of one kernel.
#[doc(hidden)]
#[macro_export]
macro_rules! __shape {
    ($kind:ident $kernel:path) => {{
        /// # Safety
        /// Called by the addon with a valid ShapeCall.
        unsafe extern "C" fn shape(call: *mut $crate::ShapeCall) -> i32 {
            // SAFETY: the addon passes a valid ShapeCall.
            unsafe { $crate::__shape_body!($kind $kernel, call) }
        }
        shape as $crate::ShapeFn
    }};
}

/// The shape body for a kind.
#[doc(hidden)]
#[macro_export]
macro_rules! __shape_body {
    (number $kernel:path, $call:ident) => {
        $crate::__shape_numbers(&$kernel, $call)
    };
    (bytes $kernel:path, $call:ident) => {
        $crate::__shape_bytes(&$kernel, $call)
    };
    (bytes_to_numbers $kernel:path, $call:ident) => {
        $crate::__shape_bytes_to_numbers(&$kernel, $call)
    };
}
