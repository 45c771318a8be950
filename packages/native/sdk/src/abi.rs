//! The C ABI between the addon and a kernel library: the exported table, its entries, and the
//! two calls the addon makes through them (run a chunk, say a batch's output shape).
//!
//! Every struct is `#[repr(C)]` and grows only at its end, one ABI version at a time: a reader
//! reads the prefix its version knows, a writer of an older version never sees the fields a
//! newer one added. What each version added is listed in the crate doc.
use std::ffi::c_void;

/// The ABI version this SDK writes into [`crate::export_kernels!`]'s table.
pub const ABI_VERSION: u32 = 3;

/// The oldest ABI version the addon still loads: a library built against an older SDK runs
/// unchanged (version 1 without mid-chunk cancellation, versions 1 and 2 without params). The
/// addon refuses versions outside `MIN_ABI_VERSION..=ABI_VERSION`.
pub const MIN_ABI_VERSION: u32 = 1;

/// The name of the exported [`KernelTable`] static.
pub const TABLE_SYMBOL: &str = "POOLKIT_KERNEL_TABLE";

/// Kind code: `f64` values, a fixed number per item.
pub const KIND_NUMBERS: u32 = 1;
/// Kind code: one byte string per item.
pub const KIND_BYTES: u32 = 2;

/// Status: the call did its work (outputs written, or the shape set).
pub const STATUS_OK: i32 = 0;
/// Status: the kernel returned `Err`; the message is in the call's error buffer. From a shape
/// call: the kernel refused the batch's params.
pub const STATUS_ERROR: i32 = 1;
/// Status: the kernel panicked; the panic's message is in the call's error buffer.
pub const STATUS_PANIC: i32 = 2;

/// Runs one chunk ([`KernelEntry::run`]). Never unwinds.
pub type RunFn = unsafe extern "C" fn(call: *mut RawCall) -> i32;

/// Says a kernel's output shape for a batch's params ([`KernelTable::shapes`]). Never unwinds.
pub type ShapeFn = unsafe extern "C" fn(call: *mut ShapeCall) -> i32;

/// The exported table. `abi_version` stays the first field in every version, so a loader can
/// always read it and refuse a table it does not understand.
#[repr(C)]
pub struct KernelTable {
    pub abi_version: u32,
    /// How many entries (and, from version 3, shape callbacks).
    pub count: usize,
    /// `count` entries.
    pub entries: *const KernelEntry,
    // ---- ABI version 3 ----
    /// Null, or `count` shape callbacks parallel to `entries`: entry `i`'s output shape for a
    /// batch's params is `shapes[i]`'s answer when it is `Some`, else the entry's static
    /// `output_arity`/`output_bytes`. Read only when `abi_version >= 3`: an older table ends
    /// before this field. (A field of its own rather than one in [`KernelEntry`], whose size
    /// fixes the stride of every older table's entry array.)
    pub shapes: *const Option<ShapeFn>,
}

// SAFETY: the table and everything it points to are immutable statics (names are string
// literals, entries and shapes static arrays, the callbacks plain functions), so sharing it
// between threads is sound.
unsafe impl Sync for KernelTable {}

/// One kernel of a [`KernelTable`]. Its layout is the same in every ABI version.
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
    /// Numbers per output item (≥ 1) for numbers output, for the default (empty) params; 0 for
    /// bytes.
    pub output_arity: u32,
    /// Bytes output: the fixed length of every item, or -1 when it varies. -1 for numbers.
    pub output_bytes: i64,
    /// Runs one chunk.
    pub run: RunFn,
}

// SAFETY: see `KernelTable`: an entry is immutable static data.
unsafe impl Sync for KernelEntry {}

/// One chunk, as the addon hands it to `run`. Every pointer is valid for the call only. The
/// addon always passes the newest layout; a library reads the prefix of its own version.
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
    // ---- ABI version 3 ----
    /// The batch's params: `params_len` values (dangling when 0), the same for every chunk.
    pub params: *const f64,
    /// How many params.
    pub params_len: usize,
    /// Numbers output: numbers per output item for this batch (the shape call's answer for
    /// its params); 0 for bytes output.
    pub output_arity: usize,
}

/// The addon's cancellation check (see [`RawCall::stop`]).
pub type StopFn = unsafe extern "C" fn(context: *const c_void) -> i32;

/// A shape question (ABI version 3): the addon asks it once per batch, before any chunk runs,
/// and again with empty params to describe the kernel.
#[repr(C)]
pub struct ShapeCall {
    /// The batch's params: `params_len` values (dangling when 0).
    pub params: *const f64,
    /// How many params.
    pub params_len: usize,
    /// Set on [`STATUS_OK`] for numbers output: numbers per output item (≥ 1).
    pub output_arity: u32,
    /// Set on [`STATUS_OK`] for bytes output: every item's fixed length, or -1 when it varies.
    pub output_bytes: i64,
    /// Where the callback writes why it refused the params, or its panic message.
    pub error: *mut u8,
    /// Size of `error` in bytes.
    pub error_capacity: usize,
    /// Set by the callback: bytes written to `error`.
    pub error_len: usize,
}
