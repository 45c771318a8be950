//! The kernel extension point: a trait every kernel implements, and the registry that names them.
//!
//! A kernel is plain Rust: it maps a chunk of input items to a chunk of output items and never
//! touches Node-API, so `cargo test` covers it. Items are either fixed-width runs of `f64`
//! ("numbers", `arity` values per item) or byte strings ("bytes").
//!
//! To add a kernel: write `kernels/<name>.rs` implementing [`Kernel`], add it to
//! [`crate::kernels::builtin`], rebuild. The README has the step-by-step guide.

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

impl<'a> Items<'a> {
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

    /// Byte item `i`. Panics (caught at the job boundary) on a numbers chunk or out of range.
    pub fn bytes(&self, i: usize) -> &'a [u8] {
        match self {
            Items::Bytes { data, offsets } => &data[offsets[i]..offsets[i + 1]],
            Items::Numbers { .. } => panic!("kernel asked for bytes from a numbers chunk"),
        }
    }

    /// The flat values of a numbers chunk. Panics (caught at the job boundary) on a bytes chunk.
    pub fn numbers(&self) -> &'a [f64] {
        match self {
            Items::Numbers { values, .. } => values,
            Items::Bytes { .. } => panic!("kernel asked for numbers from a bytes chunk"),
        }
    }
}

/// Where a kernel writes a chunk's results.
pub enum Sink<'a> {
    /// Pre-sized: `out.len() == count * arity` of the output shape; every slot must be written.
    Numbers(&'a mut [f64]),
    /// Append exactly one item per input item, in order, with [`ByteSink::push`].
    Bytes(&'a mut ByteSink),
}

impl<'a> Sink<'a> {
    /// The numbers output slice. Panics (caught at the job boundary) on a bytes sink.
    pub fn numbers(&mut self) -> &mut [f64] {
        match self {
            Sink::Numbers(out) => out,
            Sink::Bytes(_) => panic!("kernel wrote numbers to a bytes sink"),
        }
    }

    /// The bytes output. Panics (caught at the job boundary) on a numbers sink.
    pub fn bytes(&mut self) -> &mut ByteSink {
        match self {
            Sink::Bytes(out) => out,
            Sink::Numbers(_) => panic!("kernel wrote bytes to a numbers sink"),
        }
    }
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

/// A kernel's own failure, distinct from a bug: `run` returns `Err(KernelError(message))` and the
/// batch fails with `ERR_KERNEL_ERROR` and that message (a panic gives `ERR_KERNEL_PANIC`).
/// Library kernels return it for an `Err` their `run` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelError(pub String);

impl From<String> for KernelError {
    fn from(message: String) -> KernelError {
        KernelError(message)
    }
}

impl std::fmt::Display for KernelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A CPU kernel: a pure function from items to items, run on pool threads.
///
/// Invariants the batch relies on:
/// - `run` writes exactly one output item per input item, in order;
/// - `run` has no side effects beyond `out` (chunks of one batch run concurrently, in any order);
/// - a failure the kernel can name (a bad input, an `Err` from a library) is returned as
///   `Err(KernelError)`: the batch fails with `ERR_KERNEL_ERROR` and its message;
/// - a panic (a bug) is allowed: it is caught, the batch fails with `ERR_KERNEL_PANIC`, the pool
///   goes on.
pub trait Kernel: Send + Sync + 'static {
    /// The name JS uses (`runBatch('md5', ...)`), lower-case, unique in the registry.
    fn name(&self) -> &'static str;
    /// The shape of each input item.
    fn input(&self) -> Shape;
    /// Validates the batch parameters and says what each output item looks like for them.
    /// `Err(message)` becomes a RangeError with code `ERR_INVALID_ARG_VALUE`.
    fn output(&self, params: &[f64]) -> Result<Shape, String>;
    /// Computes one chunk. `items` and `out` have the shapes promised by `input` and `output`.
    /// `Err` fails the batch with `ERR_KERNEL_ERROR` and the error's message.
    fn run(&self, params: &[f64], items: &Items<'_>, out: &mut Sink<'_>) -> Result<(), KernelError>;
}

/// The kernels one process knows, looked up by name.
pub struct Registry {
    kernels: Vec<&'static dyn Kernel>,
}

impl Registry {
    /// A registry of the given kernels. Panics on a duplicate name (a programming error).
    pub fn new(kernels: Vec<&'static dyn Kernel>) -> Registry {
        for (i, a) in kernels.iter().enumerate() {
            assert!(
                kernels[..i].iter().all(|b| b.name() != a.name()),
                "duplicate kernel name {}",
                a.name()
            );
        }
        Registry { kernels }
    }

    /// The kernel called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&'static dyn Kernel> {
        self.kernels.iter().copied().find(|k| k.name() == name)
    }

    /// Every kernel, in registration order.
    pub fn all(&self) -> &[&'static dyn Kernel] {
        &self.kernels
    }
}

/// The SDK's cancellation check, for built-in kernels too: true once the chunk being run should
/// stop (its batch was cancelled or failed). The batch installs the check around every chunk.
pub use poolkit_kernel::cancelled;

/// Work units between two cancellation checks of a [`Poll`]. A unit is about a nanosecond of
/// work, so a kernel that charges honestly asks [`cancelled`] about every quarter millisecond
/// (the promise is at least once per millisecond of work, with room for a slow core).
pub const POLL_EVERY: u64 = 1 << 18;

/// A budget of work between two cancellation checks: a kernel charges what it did (in rough
/// nanoseconds) and stops when [`Poll::charge`] says so. Charging is a subtraction and a
/// compare; [`cancelled`] is asked only when the budget runs out.
///
/// ```text
/// let mut poll = Poll::new();
/// for item in items { if poll.charge(cost(item)) { return Ok(()) } ... }
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

/// Items between two charges in [`map_numbers`]: the loop inside a block stays tight.
const MAP_BLOCK: usize = 1024;

/// Runs `f` on every input item of a one-number-in, one-number-out chunk, charging one unit per
/// item (cheap `f`s: `square`, `noop`) and returning early once the chunk is cancelled.
/// `#[inline(always)]` so the kernel's body is compiled into a tight loop with no call per item.
#[inline(always)]
pub fn map_numbers(items: &Items<'_>, out: &mut Sink<'_>, f: impl Fn(f64) -> f64) -> Result<(), KernelError> {
    let input = items.numbers();
    let output = out.numbers();
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
