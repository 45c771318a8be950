//! The traits a kernel implements — one per pair of item kinds — and the chunk types they see.
//!
//! | trait | input item | output item |
//! |---|---|---|
//! | [`NumberKernel`] | `INPUT_ARITY` f64 | `output_arity(params)` f64 |
//! | [`BytesKernel`] | a byte string | a byte string (`output_bytes(params)` long, or any) |
//! | [`BytesToNumbersKernel`] | a byte string | `output_arity(params)` f64 |
//!
//! Every `run` gets one chunk of a batch, may run on several pool threads at once (chunks run
//! concurrently, in any order), and writes exactly one output item per input item, in order.
//! `Err(message)` fails the batch with `ERR_KERNEL_ERROR` and that message; a panic fails it
//! with `ERR_KERNEL_PANIC`. The shape methods run once per batch, before any chunk: their `Err`
//! refuses the batch's params (a `RangeError`, `ERR_INVALID_ARG_VALUE`). In `run`, the params
//! are [`crate::params`] and cancellation is [`crate::cancelled`].
use crate::abi::RawCall;
use std::ffi::c_void;

/// A kernel over numbers: `INPUT_ARITY` f64 per input item, [`NumberKernel::output_arity`] per
/// output item.
///
/// `run` gets `input.len() == n * INPUT_ARITY` and `output.len() == n * output_arity(params)`
/// and must write every output slot.
pub trait NumberKernel: Sync {
    /// Numbers per input item, ≥ 1.
    const INPUT_ARITY: u32 = 1;
    /// Numbers per output item (≥ 1) when [`NumberKernel::output_arity`] is not overridden, and
    /// for the default (empty) params in the table.
    const OUTPUT_ARITY: u32 = 1;
    /// Numbers per output item (≥ 1) for a batch's `params`, or `Err(message)` to refuse them.
    /// The default ignores the params and says `OUTPUT_ARITY`.
    fn output_arity(&self, params: &[f64]) -> Result<u32, String> {
        let _ = params;
        Ok(Self::OUTPUT_ARITY)
    }
    /// Computes one chunk.
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String>;
}

/// A kernel over byte strings: one in, one out per item (`md5`-like).
///
/// `run` must call [`ByteOutput::push`] exactly once per item, in order.
pub trait BytesKernel: Sync {
    /// The fixed length of every output item, or `None` when it varies, when
    /// [`BytesKernel::output_bytes`] is not overridden.
    const OUTPUT_BYTES: Option<usize> = None;
    /// The fixed length of every output item for a batch's `params` (`None`: it varies), or
    /// `Err(message)` to refuse them. The default ignores the params and says `OUTPUT_BYTES`.
    fn output_bytes(&self, params: &[f64]) -> Result<Option<usize>, String> {
        let _ = params;
        Ok(Self::OUTPUT_BYTES)
    }
    /// Computes one chunk.
    fn run(&self, input: &ByteItems<'_>, output: &mut ByteOutput<'_>) -> Result<(), String>;
}

/// A kernel from byte strings to numbers (a hash, a length, a checksum): one byte string in,
/// [`BytesToNumbersKernel::output_arity`] f64 out per item.
///
/// `run` gets `output.len() == input.len() * output_arity(params)` and must write every slot.
pub trait BytesToNumbersKernel: Sync {
    /// Numbers per output item (≥ 1) when [`BytesToNumbersKernel::output_arity`] is not overridden.
    const OUTPUT_ARITY: u32 = 1;
    /// Numbers per output item (≥ 1) for a batch's `params`, or `Err(message)` to refuse them.
    fn output_arity(&self, params: &[f64]) -> Result<u32, String> {
        let _ = params;
        Ok(Self::OUTPUT_ARITY)
    }
    /// Computes one chunk.
    fn run(&self, input: &ByteItems<'_>, output: &mut [f64]) -> Result<(), String>;
}

/// One chunk of byte-string items, borrowed: item `i` is `data[offsets[i]..offsets[i + 1]]`.
pub struct ByteItems<'a> {
    data: &'a [u8],
    offsets: &'a [usize],
}

impl<'a> ByteItems<'a> {
    /// Items over `data` cut at `offsets` (`len() + 1` non-decreasing positions, the last at
    /// most `data.len()`; empty for no item). Panics when they are not: a kernel's tests build
    /// chunks with it; the addon's are checked before any kernel runs.
    ///
    /// ```
    /// let items = poolkit_kernel::ByteItems::new(b"abcd", &[0, 1, 1, 4]);
    /// assert_eq!(items.iter().collect::<Vec<_>>(), [&b"a"[..], b"", b"bcd"]);
    /// ```
    pub fn new(data: &'a [u8], offsets: &'a [usize]) -> ByteItems<'a> {
        assert!(
            offsets.windows(2).all(|w| w[0] <= w[1]) && offsets.last().is_none_or(|&end| end <= data.len()),
            "offsets must be non-decreasing positions within the data"
        );
        ByteItems { data, offsets }
    }
    /// Items as the addon hands them, already checked (no pass over the offsets per chunk).
    pub(crate) fn checked(data: &'a [u8], offsets: &'a [usize]) -> ByteItems<'a> {
        ByteItems { data, offsets }
    }
    /// How many items.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// True when there is no item.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Item `i` (panics when out of range).
    #[inline(always)]
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
    /// An output that hands each item to `push` with `context` (the trampoline's, from the
    /// addon's [`RawCall`]).
    ///
    /// # Safety
    /// `push` must be safe to call with `context` and any live slice while the output lives.
    pub(crate) unsafe fn from_raw(
        context: *mut c_void,
        push: unsafe extern "C" fn(*mut c_void, *const u8, usize),
    ) -> Self {
        ByteOutput {
            context,
            push,
            _call: std::marker::PhantomData,
        }
    }

    /// Appends one output item (the addon copies it).
    #[inline]
    pub fn push(&mut self, item: &[u8]) {
        // SAFETY: `from_raw`'s contract: `push` accepts `context` and a live slice.
        unsafe { (self.push)(self.context, item.as_ptr(), item.len()) }
    }
}
