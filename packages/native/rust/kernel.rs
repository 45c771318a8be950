//! A kernel as the addon runs it: an entry of a [`KernelTable`] — the built-in table
//! ([`crate::kernels`]) or a user library's ([`crate::library`]) — with its shapes checked.
//!
//! There is one kernel extension point, the `poolkit-kernel` SDK's traits (`NumberKernel`,
//! `BytesKernel`, `BytesToNumbersKernel`), and one panic boundary, the SDK's trampolines: every
//! kernel, built-in or not, is called through its table entry's `run` with a [`RawCall`], and
//! returns a status, never an unwind. The addon's side is [`Kernel::run`] (items and sink in,
//! [`Failure`] out) and [`Kernel::output`] (the shape for a batch's params).
//!
//! To add a built-in kernel: write `kernels/<name>.rs` implementing an SDK trait, add it to the
//! table in [`crate::kernels`], rebuild. The README has the step-by-step guide.
use poolkit_kernel::{KernelEntry, KernelTable, RawCall, ShapeCall, ShapeFn, StopCheck, STATUS_ERROR, STATUS_OK};
use std::ffi::c_void;

/// The most numbers per item a kernel may declare or answer (the widest `mandelbrot` row, and
/// a sanity bound on a foreign table).
pub const MAX_ARITY: usize = 1 << 20;
/// Bytes of the buffer a kernel's error or panic message is written into.
const ERROR_CAPACITY: usize = 1024;

/// What one item looks like on one side of a kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `arity` consecutive `f64` values per item (a `Float64Array` in JS).
    Numbers { arity: usize },
    /// One byte string per item; `len` is `Some(n)` when every item has exactly `n` bytes.
    Bytes { len: Option<usize> },
}

/// A chunk of input items, borrowed from the batch's own copy of the input.
pub enum Items<'a> {
    /// `values.len() == count * arity`.
    Numbers { values: &'a [f64], arity: usize },
    /// Item `i` is `data[offsets[i]..offsets[i + 1]]`; `offsets.len() == count + 1`.
    Bytes { data: &'a [u8], offsets: &'a [usize] },
}

impl Items<'_> {
    /// How many items the chunk holds.
    pub fn len(&self) -> usize {
        match self {
            Items::Numbers { values, arity } => values.len() / (*arity).max(1),
            Items::Bytes { offsets, .. } => offsets.len().saturating_sub(1),
        }
    }

    /// True when the chunk holds no item.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where a kernel writes a chunk's results.
pub enum Sink<'a> {
    /// Pre-sized: `out.len() == count * arity` of the output shape; every slot must be written.
    Numbers(&'a mut [f64]),
    /// Gets exactly one item per input item, in order.
    Bytes(&'a mut ByteSink),
}

/// Byte items of one chunk, packed: item `i` is `data[ends[i-1]..ends[i]]` (first starts at 0).
#[derive(Default, Debug)]
pub struct ByteSink {
    pub data: Vec<u8>,
    pub ends: Vec<usize>,
}

impl ByteSink {
    /// Appends one output item.
    pub fn push(&mut self, item: &[u8]) {
        self.data.extend_from_slice(item);
        self.ends.push(self.data.len());
    }
}

/// Why a kernel call failed, as its trampoline reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The kernel returned `Err(message)`: a batch fails with `ERR_KERNEL_ERROR`; from a shape
    /// call, the params are refused (`ERR_INVALID_ARG_VALUE`).
    Error(String),
    /// The kernel panicked (caught by the SDK's boundary): `ERR_KERNEL_PANIC`.
    Panic(String),
}

/// One kernel: a checked table entry, `'static` (tables are never unloaded).
pub struct Kernel {
    pub(crate) name: &'static str,
    pub(crate) entry: &'static KernelEntry,
    /// The entry's shape callback (ABI version 3), if any.
    pub(crate) shape: Option<ShapeFn>,
    pub(crate) input: Shape,
    /// The entry's static output shape: the answer for every params when `shape` is `None`.
    pub(crate) output: Shape,
}

/// Appends one output item to the [`ByteSink`] of a [`Kernel::run`] call.
///
/// # Safety
/// `context` is the `&mut ByteSink` of the current call; `data` points to `len` readable bytes.
unsafe extern "C" fn push_bytes(context: *mut c_void, data: *const u8, len: usize) {
    // SAFETY: per the contract above; the sink is not otherwise borrowed during the kernel call.
    let sink = unsafe { &mut *context.cast::<ByteSink>() };
    let item = if len == 0 {
        &[][..]
    } else {
        // SAFETY: per the contract above.
        unsafe { std::slice::from_raw_parts(data, len) }
    };
    sink.push(item);
}

/// The message a call wrote into `error`, turned into a [`Failure`] by its status.
fn failure(status: i32, error: &[u8], len: usize) -> Failure {
    let message = String::from_utf8_lossy(&error[..len.min(error.len())]).into_owned();
    if status == STATUS_ERROR {
        Failure::Error(message)
    } else {
        // STATUS_PANIC, or a status from a newer SDK: report it as the bug it is.
        Failure::Panic(message)
    }
}

impl Kernel {
    /// The name JS uses (`runBatch('md5', ...)`), unique among the process's kernels.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The shape of each input item.
    pub fn input(&self) -> Shape {
        self.input
    }

    /// The shape of each output item for a batch's `params`, asked of the kernel when its table
    /// has a shape callback (once per batch, before any chunk). `Failure::Error` is the kernel
    /// refusing the params; `Failure::Panic` its panic, caught by the SDK.
    pub fn output(&self, params: &[f64]) -> Result<Shape, Failure> {
        let Some(shape) = self.shape else {
            return Ok(self.output);
        };
        let mut error = [0u8; ERROR_CAPACITY];
        let mut call = ShapeCall {
            params: params.as_ptr(),
            params_len: params.len(),
            output_arity: 0,
            output_bytes: -1,
            error: error.as_mut_ptr(),
            error_capacity: ERROR_CAPACITY,
            error_len: 0,
        };
        // SAFETY: a valid ShapeCall whose params and error buffer outlive the call; the SDK's
        // shape callbacks never unwind.
        let status = unsafe { shape(&mut call) };
        if status != STATUS_OK {
            return Err(failure(status, &error, call.error_len));
        }
        match self.output {
            Shape::Numbers { .. } if (1..=MAX_ARITY).contains(&(call.output_arity as usize)) => Ok(Shape::Numbers {
                arity: call.output_arity as usize,
            }),
            Shape::Numbers { .. } => Err(Failure::Error(format!(
                "kernel {}: output arity {} for these params is not from 1 to {MAX_ARITY}",
                self.name, call.output_arity
            ))),
            Shape::Bytes { .. } => Ok(Shape::Bytes {
                len: usize::try_from(call.output_bytes).ok(),
            }),
        }
    }

    /// Computes one chunk through the table entry's `run`. `items` has the kernel's input shape,
    /// `out` the output shape [`Kernel::output`] gave for `params`; `stop`, when given, is the
    /// chunk's cancellation check (callable from this thread during the call).
    pub fn run(
        &self,
        params: &[f64],
        items: &Items<'_>,
        out: &mut Sink<'_>,
        stop: Option<StopCheck>,
    ) -> Result<(), Failure> {
        let mut error = [0u8; ERROR_CAPACITY];
        let mut call = RawCall {
            count: items.len(),
            numbers: std::ptr::null(),
            bytes: std::ptr::null(),
            offsets: std::ptr::null(),
            out_numbers: std::ptr::null_mut(),
            out_context: std::ptr::null_mut(),
            out_push: None,
            error: error.as_mut_ptr(),
            error_capacity: ERROR_CAPACITY,
            error_len: 0,
            // ABI 2 (a version-1 library's RawCall ends before these).
            stop: stop.map(|s| s.stop),
            stop_context: stop.map_or(std::ptr::null(), |s| s.context),
            // ABI 3 (a version-1 or -2 library's RawCall ends before these).
            params: params.as_ptr(),
            params_len: params.len(),
            output_arity: 0,
        };
        match items {
            Items::Numbers { values, .. } => call.numbers = values.as_ptr(),
            Items::Bytes { data, offsets } => {
                call.bytes = data.as_ptr();
                call.offsets = offsets.as_ptr();
            }
        }
        match out {
            Sink::Numbers(o) => {
                call.out_numbers = o.as_mut_ptr();
                call.output_arity = o.len().checked_div(call.count).unwrap_or(0);
            }
            Sink::Bytes(sink) => {
                call.out_context = (&mut **sink as *mut ByteSink).cast();
                call.out_push = Some(push_bytes);
            }
        }
        // SAFETY: the entry's kinds were checked when its table was read and the batch gives
        // this kernel items and a sink of those kinds, sized as RawCall documents; `stop` is
        // valid for the call (the caller's promise); the SDK's trampoline never unwinds.
        let status = unsafe { (self.entry.run)(&mut call) };
        if status == STATUS_OK {
            Ok(())
        } else {
            Err(failure(status, &error, call.error_len))
        }
    }
}

/// The kernels one table holds, looked up by name.
pub struct Registry {
    kernels: Vec<&'static Kernel>,
}

impl Registry {
    /// A registry of the given kernels. Panics on a duplicate name (a programming error).
    pub fn new(kernels: Vec<&'static Kernel>) -> Registry {
        for (i, a) in kernels.iter().enumerate() {
            assert!(
                kernels[..i].iter().all(|b| b.name != a.name),
                "duplicate kernel name {}",
                a.name
            );
        }
        Registry { kernels }
    }

    /// The registry of a table's kernels, leaked (a table lives as long as the process).
    pub fn of(table: &'static KernelTable) -> Result<Registry, String> {
        let kernels = crate::table::read(table).map_err(|e| e.to_string())?;
        Ok(Registry::new(
            kernels.into_iter().map(|k| &*Box::leak(Box::new(k))).collect(),
        ))
    }

    /// The kernel called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&'static Kernel> {
        self.kernels.iter().copied().find(|k| k.name == name)
    }

    /// Every kernel, in table order.
    pub fn all(&self) -> &[&'static Kernel] {
        &self.kernels
    }
}
