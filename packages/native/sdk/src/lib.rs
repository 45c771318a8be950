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
//! # The C ABI (version 2)
//! The library exports one symbol, [`TABLE_SYMBOL`] (`POOLKIT_KERNEL_TABLE`), a [`KernelTable`]:
//!
//! ```text
//!   KernelTable { abi_version: u32, count: usize, entries: *const KernelEntry }
//!                                                   │
//!   KernelEntry { name (NUL-terminated), input_kind, input_arity,
//!                 output_kind, output_arity, output_bytes, run }   × count
//!   run(&mut RawCall) -> STATUS_OK | STATUS_ERROR | STATUS_PANIC
//! ```
//! `abi_version` is the first field in every version, so a loader can always read it and refuse
//! a table it does not understand. `run` gets borrowed slices for one chunk of items (never JS
//! memory: the addon owns copies) and never unwinds: the trampolines [`export_kernels!`]
//! generates catch every panic and report it as [`STATUS_PANIC`] with the panic's message.
//!
//! Versions (the addon loads every version from [`MIN_ABI_VERSION`] to [`ABI_VERSION`]):
//! - **1**: the table, the entries and [`RawCall`] up to `error_len`.
//! - **2**: [`RawCall`] gains two trailing fields, `stop` and `stop_context`: the addon's
//!   cancellation check for the chunk, which the trampolines install for [`cancelled`]. Nothing
//!   else changed, so the addon hands a version-1 library the same `RawCall` (a version-1
//!   trampoline reads only the prefix it knows): old libraries load and run, and [`cancelled`]
//!   is simply never asked in them.
//!
//! Kinds match the addon's built-in kernels: numbers in (`input_arity` f64 per item) or bytes in
//! (one byte string per item); numbers out (`output_arity` f64 per item) or bytes out (one byte
//! string per item, `output_bytes` long when fixed, else -1).
#![deny(unsafe_op_in_unsafe_fn)]

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The ABI version this SDK writes into [`export_kernels!`]'s table (see the crate doc for what
/// each version added).
pub const ABI_VERSION: u32 = 2;

/// The oldest ABI version the addon still loads: a library built against an older SDK runs
/// unchanged, without mid-chunk cancellation. The addon refuses versions outside
/// `MIN_ABI_VERSION..=ABI_VERSION`.
pub const MIN_ABI_VERSION: u32 = 1;

/// The name of the exported [`KernelTable`] static.
pub const TABLE_SYMBOL: &str = "POOLKIT_KERNEL_TABLE";

/// Kind code: `f64` values, a fixed number per item.
pub const KIND_NUMBERS: u32 = 1;
/// Kind code: one byte string per item.
pub const KIND_BYTES: u32 = 2;

/// `run` status: the chunk's outputs are written.
pub const STATUS_OK: i32 = 0;
/// `run` status: the kernel returned `Err`; the message is in the call's error buffer.
pub const STATUS_ERROR: i32 = 1;
/// `run` status: the kernel panicked; the panic's message is in the call's error buffer.
pub const STATUS_PANIC: i32 = 2;

/// The exported table. `#[repr(C)]`; `abi_version` stays the first field in every version.
#[repr(C)]
pub struct KernelTable {
    pub abi_version: u32,
    pub count: usize,
    pub entries: *const KernelEntry,
}

// SAFETY: the table and everything it points to are immutable statics (names are string
// literals, entries a static array, `run` plain functions), so sharing it between threads is sound.
unsafe impl Sync for KernelTable {}

/// One kernel of a [`KernelTable`]. `#[repr(C)]`.
#[repr(C)]
pub struct KernelEntry {
    /// NUL-terminated UTF-8, lower-case; unique among every kernel of the process.
    pub name: *const u8,
    /// [`KIND_NUMBERS`] or [`KIND_BYTES`].
    pub input_kind: u32,
    /// Numbers per input item (≥ 1) for numbers input; 0 for bytes.
    pub input_arity: u32,
    /// [`KIND_NUMBERS`] or [`KIND_BYTES`].
    pub output_kind: u32,
    /// Numbers per output item (≥ 1) for numbers output; 0 for bytes.
    pub output_arity: u32,
    /// Bytes output: the fixed length of every item, or -1 when it varies. -1 for numbers.
    pub output_bytes: i64,
    /// Runs one chunk. Never unwinds.
    pub run: unsafe extern "C" fn(call: *mut RawCall) -> i32,
}

// SAFETY: see `KernelTable`: an entry is immutable static data.
unsafe impl Sync for KernelEntry {}

/// One chunk, as the addon hands it to `run`. Every pointer is valid for the call only.
#[repr(C)]
pub struct RawCall {
    /// Items in the chunk.
    pub count: usize,
    /// Numbers input: `count * input_arity` values. Null for bytes input.
    pub numbers: *const f64,
    /// Bytes input: the data the offsets index into. Null for numbers input.
    pub bytes: *const u8,
    /// Bytes input: `count + 1` non-decreasing offsets into `bytes`. Null for numbers input.
    pub offsets: *const usize,
    /// Numbers output: `count * output_arity` slots, every one to be written. Null for bytes output.
    pub out_numbers: *mut f64,
    /// Bytes output: passed to `out_push`.
    pub out_context: *mut c_void,
    /// Bytes output: appends one output item; called exactly once per input item, in order.
    pub out_push: Option<unsafe extern "C" fn(context: *mut c_void, data: *const u8, len: usize)>,
    /// Where `run` writes an error or panic message (UTF-8, truncated to `error_capacity`).
    pub error: *mut u8,
    /// Size of `error` in bytes.
    pub error_capacity: usize,
    /// Set by `run`: bytes written to `error`.
    pub error_len: usize,
    // ---- ABI version 2 ----
    /// The chunk's cancellation check: returns non-zero once the chunk should stop. `None`
    /// when nothing can cancel it. Callable from the thread running `run`, during the call.
    pub stop: Option<StopFn>,
    /// The argument `stop` takes; meaningful only to the addon.
    pub stop_context: *const c_void,
}

/// The addon's cancellation check (see [`RawCall::stop`]).
pub type StopFn = unsafe extern "C" fn(context: *const c_void) -> i32;

/// A cancellation check as the trampolines install it for the current thread.
#[derive(Clone, Copy)]
pub struct StopCheck {
    /// The function to call.
    pub stop: StopFn,
    /// Its argument.
    pub context: *const c_void,
}

thread_local! {
    /// The check of the chunk this thread is running, if any (set by [`with_stop`]).
    static CURRENT_STOP: std::cell::Cell<Option<StopCheck>> = const { std::cell::Cell::new(None) };
}

/// True when the chunk the calling thread is running should stop: its batch was cancelled
/// (aborted, timed out, force-stopped, its JS environment torn down) or another chunk failed.
/// Cheap (a thread-local read and an atomic load), but call it about every millisecond of
/// work, not per arithmetic step. Always false outside a kernel call.
#[inline]
pub fn cancelled() -> bool {
    match CURRENT_STOP.with(|c| c.get()) {
        // SAFETY: `with_stop` installs a check only for the duration of the call it wraps, with a
        // function and context the addon promises valid for that call on this thread.
        Some(check) => unsafe { (check.stop)(check.context) != 0 },
        None => false,
    }
}

/// The check [`with_stop`] installed on this thread, if any (the addon passes it on to a
/// library's [`RawCall`]).
pub fn current_stop() -> Option<StopCheck> {
    CURRENT_STOP.with(|c| c.get())
}

/// Runs `f` with `check` as this thread's cancellation check ([`cancelled`] calls it), and
/// puts the previous one back afterwards, also when `f` unwinds.
///
/// # Safety
/// `check`'s function must be safe to call with its context from this thread until `f` returns.
pub unsafe fn with_stop<R>(check: Option<StopCheck>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<StopCheck>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT_STOP.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CURRENT_STOP.with(|c| c.replace(check)));
    f()
}

/// A kernel over numbers: `INPUT_ARITY` f64 per input item, `OUTPUT_ARITY` per output item.
///
/// `run` gets one chunk (`input.len() == n * INPUT_ARITY`, `output.len() == n * OUTPUT_ARITY`),
/// must write every output slot, and may run on several pool threads at once (chunks of one
/// batch run concurrently, in any order). `Err(message)` fails the batch with
/// `ERR_KERNEL_ERROR` and that message; a panic fails it with `ERR_KERNEL_PANIC`.
pub trait NumberKernel: Sync {
    /// Numbers per input item, ≥ 1.
    const INPUT_ARITY: u32 = 1;
    /// Numbers per output item, ≥ 1.
    const OUTPUT_ARITY: u32 = 1;
    /// Computes one chunk.
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String>;
}

/// A kernel over byte strings: one in, one out per item (`md5`-like).
///
/// `run` gets one chunk of items and must call [`ByteOutput::push`] exactly once per item, in
/// order. Errors and panics as for [`NumberKernel`].
pub trait BytesKernel: Sync {
    /// The fixed length of every output item, or `None` when it varies.
    const OUTPUT_BYTES: Option<usize> = None;
    /// Computes one chunk.
    fn run(&self, input: &ByteItems<'_>, output: &mut ByteOutput<'_>) -> Result<(), String>;
}

/// One chunk of byte-string items, borrowed.
pub struct ByteItems<'a> {
    data: &'a [u8],
    offsets: &'a [usize],
}

impl<'a> ByteItems<'a> {
    /// How many items.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// True when there is no item.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Item `i` (panics when out of range).
    pub fn get(&self, i: usize) -> &'a [u8] {
        &self.data[self.offsets[i]..self.offsets[i + 1]]
    }
    /// Every item, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
}

/// Where a [`BytesKernel`] writes its output items.
pub struct ByteOutput<'a> {
    context: *mut c_void,
    push: unsafe extern "C" fn(*mut c_void, *const u8, usize),
    _call: std::marker::PhantomData<&'a mut RawCall>,
}

impl ByteOutput<'_> {
    /// Appends one output item (the addon copies it).
    pub fn push(&mut self, item: &[u8]) {
        // SAFETY: `context` and `push` come from the addon's RawCall, valid for this call;
        // `item` is a live slice.
        unsafe { (self.push)(self.context, item.as_ptr(), item.len()) }
    }
}

/// Writes `message` into the call's error buffer, truncated on a char boundary.
fn write_error(call: &mut RawCall, message: &str) {
    let mut len = message.len().min(call.error_capacity);
    while !message.is_char_boundary(len) {
        len -= 1;
    }
    if !call.error.is_null() && len > 0 {
        // SAFETY: the addon gives `error_capacity` writable bytes at `error`; len ≤ that.
        unsafe { std::ptr::copy_nonoverlapping(message.as_ptr(), call.error, len) };
    }
    call.error_len = len;
}

/// The text of a panic payload (`&str` or `String`), or a placeholder. The addon reports its own
/// kernels' panics with it too.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// Panics are reported to JS with their message, so this library's std printing them too is
/// noise; `POOLKIT_NATIVE_TRACE=1` keeps the default report. (The hook belongs to this library's
/// own copy of std.)
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("POOLKIT_NATIVE_TRACE").is_none() {
            std::panic::set_hook(Box::new(|_| {}));
        }
    });
}

/// Runs `f` with the panic boundary and turns its outcome into a status.
fn guarded(call: &mut RawCall, f: impl FnOnce(&mut RawCall) -> Result<(), String>) -> i32 {
    quiet_panics();
    let check = call.stop.map(|stop| StopCheck {
        stop,
        context: call.stop_context,
    });
    // SAFETY: the addon (ABI version 2) promises `stop` callable with `stop_context` during this call.
    let outcome = unsafe { with_stop(check, || catch_unwind(AssertUnwindSafe(|| f(call)))) };
    match outcome {
        Ok(Ok(())) => STATUS_OK,
        Ok(Err(message)) => {
            write_error(call, &message);
            STATUS_ERROR
        }
        Err(payload) => {
            let message = panic_text(&*payload);
            // A panic while writing the message must not unwind either.
            let _ = catch_unwind(AssertUnwindSafe(|| write_error(call, &message)));
            STATUS_PANIC
        }
    }
}

/// The trampoline body for a [`NumberKernel`] (used by [`export_kernels!`]).
///
/// # Safety
/// `call` must be a valid [`RawCall`] for a numbers-in, numbers-out kernel of `K`'s arities.
#[doc(hidden)]
pub unsafe fn __run_numbers<K: NumberKernel>(kernel: &K, call: *mut RawCall) -> i32 {
    // SAFETY: the caller passes a valid, exclusive RawCall.
    let call = unsafe { &mut *call };
    guarded(call, |call| {
        let n = call.count;
        let (input, output) = if n == 0 {
            (&[][..], &mut [][..])
        } else {
            // SAFETY: the addon promises `n * arity` values behind each pointer for this call,
            // the output exclusively ours.
            unsafe {
                (
                    std::slice::from_raw_parts(call.numbers, n * K::INPUT_ARITY as usize),
                    std::slice::from_raw_parts_mut(call.out_numbers, n * K::OUTPUT_ARITY as usize),
                )
            }
        };
        kernel.run(input, output)
    })
}

/// The trampoline body for a [`BytesKernel`] (used by [`export_kernels!`]).
///
/// # Safety
/// `call` must be a valid [`RawCall`] for a bytes-in, bytes-out kernel.
#[doc(hidden)]
pub unsafe fn __run_bytes<K: BytesKernel>(kernel: &K, call: *mut RawCall) -> i32 {
    // SAFETY: the caller passes a valid, exclusive RawCall.
    let call = unsafe { &mut *call };
    guarded(call, |call| {
        let push = call.out_push.ok_or("the addon passed no byte output")?;
        // SAFETY: the addon promises `count + 1` offsets into `bytes`, the last ≤ its length.
        let offsets = unsafe { std::slice::from_raw_parts(call.offsets, call.count + 1) };
        let end = offsets.last().copied().unwrap_or(0);
        let data = if end == 0 {
            &[][..]
        } else {
            // SAFETY: as above, `end` bytes are readable at `bytes`.
            unsafe { std::slice::from_raw_parts(call.bytes, end) }
        };
        let mut output = ByteOutput {
            context: call.out_context,
            push,
            _call: std::marker::PhantomData,
        };
        kernel.run(&ByteItems { data, offsets }, &mut output)
    })
}

/// Exports kernels as this library's [`KernelTable`], under the symbol [`TABLE_SYMBOL`].
/// Call it once per library, at the crate root. Each kernel is a unit struct (or a constant)
/// implementing [`NumberKernel`] (`number`) or [`BytesKernel`] (`bytes`):
///
/// ```text
/// poolkit_kernel::export_kernels!(
///     number "cube" => Cube,
///     bytes "reverse" => Reverse,
/// );
/// ```
/// Every panic is caught at the boundary and reported as an error status with its message.
#[macro_export]
macro_rules! export_kernels {
    ($($kind:ident $name:literal => $kernel:path),* $(,)?) => {
        #[no_mangle]
        pub static POOLKIT_KERNEL_TABLE: $crate::KernelTable = $crate::KernelTable {
            abi_version: $crate::ABI_VERSION,
            count: [$($name),*].len(),
            entries: {
                const ENTRIES: &[$crate::KernelEntry] = &[$($crate::__entry!($kind $name => $kernel)),*];
                ENTRIES.as_ptr()
            },
        };
    };
}

/// One [`KernelEntry`] of [`export_kernels!`].
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
            run: {
                /// # Safety
                /// Called by the addon with a valid RawCall for this kernel.
                unsafe extern "C" fn run(call: *mut $crate::RawCall) -> i32 {
                    // SAFETY: the addon passes a valid RawCall of this entry's kinds.
                    unsafe { $crate::__run_numbers(&$kernel, call) }
                }
                run
            },
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
            run: {
                /// # Safety
                /// Called by the addon with a valid RawCall for this kernel.
                unsafe extern "C" fn run(call: *mut $crate::RawCall) -> i32 {
                    // SAFETY: the addon passes a valid RawCall of this entry's kinds.
                    unsafe { $crate::__run_bytes(&$kernel, call) }
                }
                run
            },
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Double;
    impl NumberKernel for Double {
        fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
            for (o, x) in output.iter_mut().zip(input) {
                *o = 2.0 * x;
            }
            if input.contains(&-1.0) {
                return Err("é".repeat(10));
            }
            if input.contains(&-2.0) {
                panic!("panicked on {}", input.len());
            }
            Ok(())
        }
    }

    struct Len;
    impl BytesKernel for Len {
        fn run(&self, input: &ByteItems<'_>, output: &mut ByteOutput<'_>) -> Result<(), String> {
            for item in input.iter() {
                output.push(&[item.len() as u8]);
            }
            Ok(())
        }
    }

    export_kernels!(number "double" => Double, bytes "len" => Len);

    fn call(input: &[f64], output: &mut [f64], error: &mut [u8]) -> RawCall {
        RawCall {
            count: input.len(),
            numbers: input.as_ptr(),
            bytes: std::ptr::null(),
            offsets: std::ptr::null(),
            out_numbers: output.as_mut_ptr(),
            out_context: std::ptr::null_mut(),
            out_push: None,
            error: error.as_mut_ptr(),
            error_capacity: error.len(),
            error_len: 0,
            stop: None,
            stop_context: std::ptr::null(),
        }
    }

    fn entries() -> &'static [KernelEntry] {
        // SAFETY: the macro's table: `count` static entries.
        unsafe { std::slice::from_raw_parts(POOLKIT_KERNEL_TABLE.entries, POOLKIT_KERNEL_TABLE.count) }
    }

    #[test]
    fn the_table_describes_every_kernel() {
        assert_eq!(POOLKIT_KERNEL_TABLE.abi_version, ABI_VERSION);
        let e = entries();
        assert_eq!(e.len(), 2);
        // SAFETY: names are NUL-terminated literals.
        let name = |i: usize| unsafe { std::ffi::CStr::from_ptr(e[i].name.cast()) }.to_str().unwrap();
        assert_eq!((name(0), name(1)), ("double", "len"));
        assert_eq!(
            (e[0].input_kind, e[0].input_arity, e[0].output_arity),
            (KIND_NUMBERS, 1, 1)
        );
        assert_eq!(
            (e[1].input_kind, e[1].output_kind, e[1].output_bytes),
            (KIND_BYTES, KIND_BYTES, -1)
        );
    }

    #[test]
    fn ok_err_and_panic_become_statuses_with_messages() {
        let run = entries()[0].run;
        let (mut out, mut error) = ([0.0; 2], [0u8; 64]);
        let mut c = call(&[1.0, 2.0], &mut out, &mut error);
        // SAFETY: a valid call for a numbers kernel of arity 1.
        assert_eq!(unsafe { run(&mut c) }, STATUS_OK);
        assert_eq!(out, [2.0, 4.0]);

        let mut error = [0u8; 5]; // "é" is 2 bytes: truncated to 4 on a char boundary
        let mut c = call(&[-1.0], &mut out[..1], &mut error);
        // SAFETY: as above.
        assert_eq!(unsafe { run(&mut c) }, STATUS_ERROR);
        assert_eq!(std::str::from_utf8(&error[..c.error_len]).unwrap(), "éé");

        let mut error = [0u8; 64];
        let mut c = call(&[-2.0, 0.0], &mut out, &mut error);
        // SAFETY: as above.
        assert_eq!(unsafe { run(&mut c) }, STATUS_PANIC);
        assert_eq!(std::str::from_utf8(&error[..c.error_len]).unwrap(), "panicked on 2");
    }

    /// Stops once the counter it points to is non-zero.
    unsafe extern "C" fn stop_when_set(context: *const c_void) -> i32 {
        // SAFETY: the test passes a live AtomicI32.
        unsafe { (*context.cast::<std::sync::atomic::AtomicI32>()).load(std::sync::atomic::Ordering::Relaxed) }
    }

    struct UntilCancelled;
    impl NumberKernel for UntilCancelled {
        fn run(&self, _input: &[f64], output: &mut [f64]) -> Result<(), String> {
            let mut polls = 0.0;
            while !cancelled() {
                polls += 1.0;
                if polls > 1e9 {
                    return Err("never cancelled".into());
                }
            }
            output[0] = polls;
            Ok(())
        }
    }

    #[test]
    fn the_trampoline_installs_the_calls_stop_check_for_cancelled() {
        assert!(!cancelled(), "no check outside a call");
        let flag = std::sync::atomic::AtomicI32::new(0);
        let setter = std::thread::scope(|s| {
            let h = s.spawn(|| {
                let (mut out, mut error) = ([0.0; 1], [0u8; 64]);
                let mut c = call(&[0.0], &mut out, &mut error);
                c.stop = Some(stop_when_set);
                c.stop_context = (&flag as *const std::sync::atomic::AtomicI32).cast();
                // SAFETY: a valid call; the flag outlives it.
                let status = unsafe { __run_numbers(&UntilCancelled, &mut c) };
                (status, out[0], cancelled())
            });
            std::thread::sleep(std::time::Duration::from_millis(20));
            flag.store(1, std::sync::atomic::Ordering::Relaxed);
            h.join().unwrap()
        });
        assert_eq!(setter.0, STATUS_OK);
        assert!(setter.1 >= 1.0);
        assert!(!setter.2, "the check is removed after the call");
    }

    #[test]
    fn a_bytes_kernel_pushes_one_item_per_input() {
        unsafe extern "C" fn push(context: *mut c_void, data: *const u8, len: usize) {
            // SAFETY: the test passes a Vec<Vec<u8>> as context and a live slice.
            unsafe { (*context.cast::<Vec<Vec<u8>>>()).push(std::slice::from_raw_parts(data, len).to_vec()) };
        }
        let data = b"abcdef";
        let offsets = [0usize, 3, 3, 6];
        let mut got: Vec<Vec<u8>> = Vec::new();
        let mut error = [0u8; 8];
        let mut c = RawCall {
            count: 3,
            numbers: std::ptr::null(),
            bytes: data.as_ptr(),
            offsets: offsets.as_ptr(),
            out_numbers: std::ptr::null_mut(),
            out_context: (&mut got as *mut Vec<Vec<u8>>).cast(),
            out_push: Some(push),
            error: error.as_mut_ptr(),
            error_capacity: error.len(),
            error_len: 0,
            stop: None,
            stop_context: std::ptr::null(),
        };
        // SAFETY: a valid call for a bytes kernel.
        assert_eq!(unsafe { (entries()[1].run)(&mut c) }, STATUS_OK);
        assert_eq!(got, [vec![3], vec![0], vec![3]]);
    }
}
