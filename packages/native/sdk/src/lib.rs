//! `poolkit-kernel`: write CPU kernels in your own crate and run them on `@poolkit/native`'s
//! process-wide thread pool, with no fork of the addon.
//!
//! A user crate (crate-type `cdylib`) depends on this one by path, implements [`NumberKernel`]
//! or [`BytesKernel`] on unit structs and exports them with [`export_kernels!`]. The addon
//! `dlopen`s the library (once per process, never unloaded), checks [`ABI_VERSION`] and
//! registers the kernels by name:
//!
//! ```
//! use poolkit_kernel::{export_kernels, NumberKernel};
//!
//! pub struct Cube;
//! impl NumberKernel for Cube {
//!     fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
//!         for (o, x) in output.iter_mut().zip(input) {
//!             *o = x * x * x;
//!         }
//!         Ok(())
//!     }
//! }
//! export_kernels!(number "cube" => Cube);
//! ```
//! ```js
//! await runBatch('cube', [1, 2, 3], { library: './target/release/libmine.so' }); // [1, 8, 27]
//! ```
//!
//! Three traits cover the item kinds: [`NumberKernel`] (numbers
//! → numbers), [`BytesKernel`] (byte strings → byte strings) and [`BytesToNumbersKernel`] (byte
//! strings → numbers, e.g. a hash). The addon's own kernels (`md5`, `mandelbrot`, `fnv1a`…) are
//! written with these same traits and run through the same boundary.
//!
//! # Params
//! A batch may carry params (`runBatch(name, input, { params: [..] })`): a kernel reads them in
//! `run` with [`params`], and may make its output width depend on them, or refuse them, by
//! overriding `output_arity` (or `output_bytes`), which the addon asks once per batch before any
//! chunk runs:
//!
//! ```
//! use poolkit_kernel::{export_kernels, params, NumberKernel};
//!
//! /// x → [x, x², …, xⁿ] with `params: [n]` (default 2).
//! pub struct Powers;
//! fn degree(params: &[f64]) -> Result<u32, String> {
//!     match params {
//!         [] => Ok(2),
//!         [n] if n.fract() == 0.0 && (1.0..=16.0).contains(n) => Ok(*n as u32),
//!         _ => Err(format!("powers takes params [n], n from 1 to 16, received {params:?}")),
//!     }
//! }
//! impl NumberKernel for Powers {
//!     const OUTPUT_ARITY: u32 = 2; // for the default params
//!     fn output_arity(&self, params: &[f64]) -> Result<u32, String> {
//!         degree(params)
//!     }
//!     fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
//!         let n = degree(&params())? as usize;
//!         for (row, &x) in output.chunks_exact_mut(n).zip(input) {
//!             let mut p = 1.0;
//!             for o in row {
//!                 p *= x;
//!                 *o = p;
//!             }
//!         }
//!         Ok(())
//!     }
//! }
//! export_kernels!(number "powers" => Powers);
//! ```
//! A refusal is a `RangeError` with code `ERR_INVALID_ARG_VALUE` and the kernel's message.
//!
//!
//! # Cancellation
//! A chunk can be asked to stop: its batch was aborted, its task timed out, its pool was
//! force-stopped, its JS environment is going away. A kernel whose item can run long (a loop
//! whose length depends on the input) calls [`cancelled`] about every millisecond of work and
//! returns at once when it is true — `Ok(())` or `Err(..)`, the chunk's output is dropped either
//! way:
//!
//! ```
//! use poolkit_kernel::{cancelled, NumberKernel};
//!
//! pub struct Collatz;
//! impl NumberKernel for Collatz {
//!     fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
//!         for (o, &x) in output.iter_mut().zip(input) {
//!             let (mut n, mut steps) = (x as u64, 0u64);
//!             while n > 1 {
//!                 n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
//!                 steps += 1;
//!                 if steps % 65_536 == 0 && cancelled() {
//!                     return Ok(()); // dropped: the batch is cancelled
//!                 }
//!             }
//!             *o = steps as f64;
//!         }
//!         Ok(())
//!     }
//! }
//! ```
//! A kernel that never checks still runs correctly; it just cannot be stopped mid-chunk: its
//! thread stays busy until the chunk returns (the addon's README says what that costs).
//!
//! # The C ABI (version 3)
//! The library exports one symbol, [`TABLE_SYMBOL`] (`POOLKIT_KERNEL_TABLE`), a [`KernelTable`]:
//!
//! ```text
//!   KernelTable { abi_version: u32, count: usize, entries: *const KernelEntry,
//!                 shapes: *const Option<ShapeFn> }               (shapes: version 3)
//!                          │                         │
//!   KernelEntry { name (NUL-terminated), input_kind, input_arity,
//!                 output_kind, output_arity, output_bytes, run }   × count
//!   shapes[i]: Option<fn(&mut ShapeCall) -> status>                × count, parallel
//!   run(&mut RawCall) -> STATUS_OK | STATUS_ERROR | STATUS_PANIC
//! ```
//! `abi_version` is the first field in every version, so a loader can always read it and refuse
//! a table it does not understand. `run` gets borrowed slices for one chunk of items (never JS
//! memory: the addon owns copies) and never unwinds: the trampolines [`export_kernels!`]
//! generates catch every panic and report it as [`STATUS_PANIC`] with the panic's message.
//! `shapes[i]` (when the table has shapes and it is `Some`) answers entry `i`'s output shape for
//! a batch's params; without it the entry's static `output_arity`/`output_bytes` hold whatever
//! the params.
//!
//! Versions (the addon loads every version from [`MIN_ABI_VERSION`] to [`ABI_VERSION`]):
//! - **1**: the table, the entries and [`RawCall`] up to `error_len`.
//! - **2**: [`RawCall`] gains two trailing fields, `stop` and `stop_context`: the addon's
//!   cancellation check for the chunk, which the trampolines install for [`cancelled`]. Nothing
//!   else changed, so the addon hands a version-1 library the same `RawCall` (a version-1
//!   trampoline reads only the prefix it knows): old libraries load and run, and [`cancelled`]
//!   is simply never asked in them.
//! - **3**: [`RawCall`] gains `params`, `params_len` (the batch's params, for [`params`]) and
//!   `output_arity` (numbers per output item for this batch); [`KernelTable`] gains the trailing
//!   `shapes` field, which the addon reads only from a table whose `abi_version` is at least 3
//!   ([`KernelEntry`] is unchanged: its size is the stride of every older table's entry array).
//!   Bytes in, numbers out ([`BytesToNumbersKernel`]) is a kind pair the table could always
//!   describe; the SDK writes it from version 3. Version-1 and -2 libraries load and run as
//!   before: they never see params, and their shapes are their entries' static ones.
//!
//! Kinds match the addon's built-in kernels: numbers in (`input_arity` f64 per item) or bytes in
//! (one byte string per item); numbers out (`output_arity` f64 per item, or the shape call's
//! answer) or bytes out (one byte string per item, `output_bytes` long when fixed, else -1).
#![deny(unsafe_op_in_unsafe_fn)]

mod abi;
mod context;
mod macros;
mod traits;
mod trampoline;

pub use abi::{
    KernelEntry, KernelTable, RawCall, RunFn, ShapeCall, ShapeFn, StopFn, ABI_VERSION, KIND_BYTES, KIND_NUMBERS,
    MIN_ABI_VERSION, STATUS_ERROR, STATUS_OK, STATUS_PANIC, TABLE_SYMBOL,
};
pub use context::{cancelled, current_stop, params, with_params, with_stop, Poll, StopCheck, POLL_EVERY};
pub use traits::{ByteItems, ByteOutput, BytesKernel, BytesToNumbersKernel, NumberKernel};
pub use trampoline::panic_text;
#[doc(hidden)]
pub use trampoline::{
    __run_bytes, __run_bytes_to_numbers, __run_numbers, __shape_bytes, __shape_bytes_to_numbers, __shape_numbers,
};

#[cfg(test)]
mod tests;
