//! The one panic boundary between kernel code and the addon: the trampolines
//! [`crate::export_kernels!`] and [`crate::kernel_table!`] generate call these, which turn a
//! kernel's `Ok`, `Err` or panic into a status and a message and never unwind.
//!
//! The addon's built-in kernels are exported through the same table type and run through the
//! same trampolines, so this file is the only place a kernel's panic is caught.
use crate::abi::{RawCall, ShapeCall, STATUS_ERROR, STATUS_OK, STATUS_PANIC};
use crate::context::{with_params, with_stop, StopCheck};
use crate::traits::{ByteItems, ByteOutput, BytesKernel, BytesToNumbersKernel, NumberKernel};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// An error buffer of the addon's: `capacity` writable bytes at `ptr`.
struct ErrorBuffer {
    ptr: *mut u8,
    capacity: usize,
}

impl ErrorBuffer {
    /// Writes `message`, truncated on a char boundary; returns the bytes written.
    fn write(&self, message: &str) -> usize {
        let mut len = message.len().min(self.capacity);
        while !message.is_char_boundary(len) {
            len -= 1;
        }
        if !self.ptr.is_null() && len > 0 {
            // SAFETY: the addon gives `capacity` writable bytes at `ptr`; len ≤ that.
            unsafe { std::ptr::copy_nonoverlapping(message.as_ptr(), self.ptr, len) };
        }
        len
    }
}

/// The text of a panic payload (`&str` or `String`), or a placeholder. The addon reports its own
/// panics outside kernels with it too.
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
/// own copy of std; in the addon it is the same no-op hook the addon installs at load.)
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("POOLKIT_NATIVE_TRACE").is_none() {
            std::panic::set_hook(Box::new(|_| {}));
        }
    });
}

/// Runs `f` inside the boundary: `Ok` → [`STATUS_OK`], `Err` → [`STATUS_ERROR`], a panic →
/// [`STATUS_PANIC`], the message written to `error` and its length returned.
#[inline(always)]
fn boundary(error: ErrorBuffer, f: impl FnOnce() -> Result<(), String>) -> (i32, usize) {
    quiet_panics();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => (STATUS_OK, 0),
        Ok(Err(message)) => (STATUS_ERROR, error.write(&message)),
        Err(payload) => {
            // Formatting or dropping the payload may panic again: that must not unwind either.
            let len = catch_unwind(AssertUnwindSafe(|| error.write(&panic_text(&*payload)))).unwrap_or(0);
            (STATUS_PANIC, len)
        }
    }
}

/// Runs one chunk inside the boundary, with the call's cancellation check and params installed
/// for [`crate::cancelled`] and [`crate::params`].
#[inline(always)]
fn guarded(call: &mut RawCall, f: impl FnOnce(&RawCall) -> Result<(), String>) -> i32 {
    let error = ErrorBuffer {
        ptr: call.error,
        capacity: call.error_capacity,
    };
    let check = call.stop.map(|stop| StopCheck {
        stop,
        context: call.stop_context,
    });
    let call_ref = &*call;
    // SAFETY: the addon (ABI version 3) promises `stop` callable with `stop_context`, and
    // `params_len` values at `params`, for the duration of this call on this thread.
    let (status, len) = unsafe {
        with_stop(check, || {
            with_params(call_ref.params, call_ref.params_len, || boundary(error, || f(call_ref)))
        })
    };
    call.error_len = len;
    status
}

/// The numbers input of `call`: `count * arity` values.
///
/// # Safety
/// `call` is the addon's call for a numbers-input kernel of that arity.
#[inline(always)]
unsafe fn numbers_in(call: &RawCall, arity: u32) -> &[f64] {
    let len = call.count * arity as usize;
    if len == 0 {
        return &[];
    }
    // SAFETY: per the contract, `len` values are readable at `numbers` for the call.
    unsafe { std::slice::from_raw_parts(call.numbers, len) }
}

/// The numbers output of `call`: `count * output_arity` slots, exclusively the kernel's.
///
/// # Safety
/// `call` is the addon's call for a numbers-output kernel, not otherwise borrowed mutably.
#[inline(always)]
#[allow(clippy::mut_from_ref)]
unsafe fn numbers_out(call: &RawCall) -> &mut [f64] {
    let len = call.count * call.output_arity;
    if len == 0 {
        return &mut [];
    }
    // SAFETY: per the contract, `len` writable slots at `out_numbers`, nobody else's during the call.
    unsafe { std::slice::from_raw_parts_mut(call.out_numbers, len) }
}

/// The byte input of `call`.
///
/// # Safety
/// `call` is the addon's call for a bytes-input kernel.
#[inline(always)]
unsafe fn bytes_in(call: &RawCall) -> ByteItems<'_> {
    // SAFETY: the addon promises `count + 1` offsets into `bytes`, non-decreasing, the last ≤ its length.
    let offsets = unsafe { std::slice::from_raw_parts(call.offsets, call.count + 1) };
    let end = offsets.last().copied().unwrap_or(0);
    let data = if end == 0 {
        &[][..]
    } else {
        // SAFETY: as above, `end` bytes are readable at `bytes`.
        unsafe { std::slice::from_raw_parts(call.bytes, end) }
    };
    ByteItems::checked(data, offsets)
}

/// The trampoline body for a [`NumberKernel`].
///
/// # Safety
/// `call` must be a valid, exclusive [`RawCall`] (ABI version 3) for a numbers-in, numbers-out
/// kernel of `K`'s input arity.
#[doc(hidden)]
pub unsafe fn __run_numbers<K: NumberKernel>(kernel: &K, call: *mut RawCall) -> i32 {
    // SAFETY: the caller passes a valid, exclusive RawCall.
    guarded(unsafe { &mut *call }, |call| {
        // SAFETY: a numbers → numbers call, per the contract.
        let (input, output) = unsafe { (numbers_in(call, K::INPUT_ARITY), numbers_out(call)) };
        kernel.run(input, output)
    })
}

/// The trampoline body for a [`BytesKernel`].
///
/// # Safety
/// `call` must be a valid, exclusive [`RawCall`] (ABI version 3) for a bytes-in, bytes-out kernel.
#[doc(hidden)]
pub unsafe fn __run_bytes<K: BytesKernel>(kernel: &K, call: *mut RawCall) -> i32 {
    // SAFETY: the caller passes a valid, exclusive RawCall.
    guarded(unsafe { &mut *call }, |call| {
        let push = call.out_push.ok_or("the addon passed no byte output")?;
        // SAFETY: a bytes → bytes call, per the contract; `push` takes `out_context` during it.
        let (input, mut output) = unsafe { (bytes_in(call), ByteOutput::from_raw(call.out_context, push)) };
        kernel.run(&input, &mut output)
    })
}

/// The trampoline body for a [`BytesToNumbersKernel`].
///
/// # Safety
/// `call` must be a valid, exclusive [`RawCall`] (ABI version 3) for a bytes-in, numbers-out kernel.
#[doc(hidden)]
pub unsafe fn __run_bytes_to_numbers<K: BytesToNumbersKernel>(kernel: &K, call: *mut RawCall) -> i32 {
    // SAFETY: the caller passes a valid, exclusive RawCall.
    guarded(unsafe { &mut *call }, |call| {
        // SAFETY: a bytes → numbers call, per the contract.
        let (input, output) = unsafe { (bytes_in(call), numbers_out(call)) };
        kernel.run(&input, output)
    })
}

/// Answers a shape call inside the boundary: `f` gets the params and returns
/// `(output_arity, output_bytes)`.
///
/// # Safety
/// `call` must be a valid, exclusive [`ShapeCall`].
unsafe fn shape(call: *mut ShapeCall, f: impl FnOnce(&[f64]) -> Result<(u32, i64), String>) -> i32 {
    // SAFETY: the caller passes a valid, exclusive ShapeCall.
    let call = unsafe { &mut *call };
    let params = if call.params_len == 0 {
        &[][..]
    } else {
        // SAFETY: the addon promises `params_len` values at `params` for the call.
        unsafe { std::slice::from_raw_parts(call.params, call.params_len) }
    };
    let error = ErrorBuffer {
        ptr: call.error,
        capacity: call.error_capacity,
    };
    let mut answer = (0, -1);
    let (status, len) = boundary(error, || {
        answer = f(params)?;
        Ok(())
    });
    (call.output_arity, call.output_bytes) = answer;
    call.error_len = len;
    status
}

/// The shape callback body for a [`NumberKernel`].
///
/// # Safety
/// `call` must be a valid, exclusive [`ShapeCall`].
#[doc(hidden)]
pub unsafe fn __shape_numbers<K: NumberKernel>(kernel: &K, call: *mut ShapeCall) -> i32 {
    // SAFETY: per this function's contract.
    unsafe { shape(call, |p| Ok((kernel.output_arity(p)?, -1))) }
}

/// The shape callback body for a [`BytesKernel`].
///
/// # Safety
/// `call` must be a valid, exclusive [`ShapeCall`].
#[doc(hidden)]
pub unsafe fn __shape_bytes<K: BytesKernel>(kernel: &K, call: *mut ShapeCall) -> i32 {
    // SAFETY: per this function's contract.
    unsafe { shape(call, |p| Ok((0, kernel.output_bytes(p)?.map_or(-1, |n| n as i64)))) }
}

/// The shape callback body for a [`BytesToNumbersKernel`].
///
/// # Safety
/// `call` must be a valid, exclusive [`ShapeCall`].
#[doc(hidden)]
pub unsafe fn __shape_bytes_to_numbers<K: BytesToNumbersKernel>(kernel: &K, call: *mut ShapeCall) -> i32 {
    // SAFETY: per this function's contract.
    unsafe { shape(call, |p| Ok((kernel.output_arity(p)?, -1))) }
}
