//! What a kernel may ask while it runs a chunk: whether to stop ([`cancelled`], and [`Poll`],
//! a cheap budget over it) and the batch's params ([`params`]). The trampolines install both
//! for the calling thread around every call and remove them afterwards, also on a panic.
use crate::abi::StopFn;
use std::cell::Cell;
use std::ffi::c_void;

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
    static CURRENT_STOP: Cell<Option<StopCheck>> = const { Cell::new(None) };
    /// The params of the chunk this thread is running (set by [`with_params`]); empty outside.
    static CURRENT_PARAMS: Cell<(*const f64, usize)> = const { Cell::new((std::ptr::null(), 0)) };
}

/// True when the chunk the calling thread is running should stop: its batch was cancelled
/// (aborted, timed out, force-stopped, its JS environment torn down) or another chunk failed.
/// Cheap (a thread-local read and an atomic load), but call it about every millisecond of
/// work, not per arithmetic step ([`Poll`] does the counting). Always false outside a kernel call.
#[inline]
pub fn cancelled() -> bool {
    match CURRENT_STOP.with(|c| c.get()) {
        // SAFETY: `with_stop` installs a check only for the duration of the call it wraps, with a
        // function and context the addon promises valid for that call on this thread.
        Some(check) => unsafe { (check.stop)(check.context) != 0 },
        None => false,
    }
}

/// The params of the batch whose chunk the calling thread is running (`runBatch(name, input,
/// { params })`, `NativeBackend({ params })`), copied; empty when the batch gave none, and
/// outside a kernel call. The same for every chunk of a batch, and already accepted by the
/// kernel's `output_arity`/`output_bytes`, so `run` may parse them again without surprise:
///
/// ```
/// use poolkit_kernel::{params, NumberKernel};
///
/// /// x → x · k, with `params: [k]` (default 1).
/// pub struct Scale;
/// impl NumberKernel for Scale {
///     fn output_arity(&self, params: &[f64]) -> Result<u32, String> {
///         match params {
///             [] | [_] => Ok(1),
///             _ => Err(format!("scale takes [k], received {} params", params.len())),
///         }
///     }
///     fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
///         let k = params().first().copied().unwrap_or(1.0);
///         for (o, x) in output.iter_mut().zip(input) {
///             *o = x * k;
///         }
///         Ok(())
///     }
/// }
/// ```
/// A library of ABI version 1 or 2 never sees params (its kernels take none).
pub fn params() -> Vec<f64> {
    let (ptr, len) = CURRENT_PARAMS.with(|c| c.get());
    if len == 0 {
        return Vec::new();
    }
    // SAFETY: `with_params` installs `len` values at `ptr` only for the duration of the call it
    // wraps, readable from this thread; they are copied before returning.
    unsafe { std::slice::from_raw_parts(ptr, len) }.to_vec()
}

/// The check [`with_stop`] installed on this thread, if any.
pub fn current_stop() -> Option<StopCheck> {
    CURRENT_STOP.with(|c| c.get())
}

/// Puts a thread-local cell's previous value back when dropped (also during an unwind).
struct Restore<T: Copy + 'static>(&'static std::thread::LocalKey<Cell<T>>, T);

impl<T: Copy + 'static> Drop for Restore<T> {
    fn drop(&mut self) {
        let previous = self.1;
        self.0.with(|c| c.set(previous));
    }
}

/// Runs `f` with `check` as this thread's cancellation check ([`cancelled`] calls it), and
/// puts the previous one back afterwards, also when `f` unwinds.
///
/// # Safety
/// `check`'s function must be safe to call with its context from this thread until `f` returns.
pub unsafe fn with_stop<R>(check: Option<StopCheck>, f: impl FnOnce() -> R) -> R {
    let _restore = Restore(&CURRENT_STOP, CURRENT_STOP.with(|c| c.replace(check)));
    f()
}

/// Runs `f` with `len` values at `ptr` as this thread's [`params`], and puts the previous ones
/// back afterwards, also when `f` unwinds.
///
/// # Safety
/// When `len > 0`, `ptr` must point to `len` values readable from this thread until `f` returns.
pub unsafe fn with_params<R>(ptr: *const f64, len: usize, f: impl FnOnce() -> R) -> R {
    let _restore = Restore(&CURRENT_PARAMS, CURRENT_PARAMS.with(|c| c.replace((ptr, len))));
    f()
}

/// Work units between two cancellation checks of a [`Poll`]. A unit is about a nanosecond of
/// work, so a kernel that charges honestly asks [`cancelled`] about every quarter millisecond
/// (the promise is at least once per millisecond of work, with room for a slow core).
pub const POLL_EVERY: u64 = 1 << 18;

/// A budget of work between two cancellation checks: a kernel charges what it did (in rough
/// nanoseconds) and stops when [`Poll::charge`] says so. Charging is a subtraction and a
/// compare; [`cancelled`] is asked only when the budget runs out, and once it said stop the
/// answer stays stop.
///
/// ```
/// use poolkit_kernel::{NumberKernel, Poll};
///
/// pub struct Slow;
/// impl NumberKernel for Slow {
///     fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
///         let mut poll = Poll::new();
///         for (o, x) in output.iter_mut().zip(input) {
///             *o = x.sqrt(); // about 20 ns
///             if poll.charge(20) {
///                 return Ok(()); // cancelled: the output is dropped
///             }
///         }
///         Ok(())
///     }
/// }
/// ```
pub struct Poll {
    left: u64,
    stopped: bool,
}

impl Default for Poll {
    fn default() -> Self {
        Poll::new()
    }
}

impl Poll {
    /// A full budget.
    pub fn new() -> Poll {
        Poll {
            left: POLL_EVERY,
            stopped: false,
        }
    }

    /// Records `work` units; true when the chunk must stop (checked once the budget is spent,
    /// and for good once it said so).
    #[inline(always)]
    pub fn charge(&mut self, work: u64) -> bool {
        if work < self.left {
            self.left -= work;
            return self.stopped;
        }
        self.left = POLL_EVERY;
        self.stopped = self.stopped || cancelled();
        self.stopped
    }
}
