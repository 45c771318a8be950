//! A batch: one kernel over many items, split in chunks that pool threads take in turn.
//!
//! ```text
//!   items  [0 ........................................ n)
//!   chunks [ c0 ][ c1 ][ c2 ] ... [ ck ]      next: AtomicUsize  (claim: fetch_add)
//!            │     │                          finished: AtomicUsize (last one completes)
//!            ▼     ▼
//!   outputs  slot0 slot1 ...   one Mutex<Option<Chunk>> per chunk, written once, by its claimer
//! ```
//! Invariants:
//! - every chunk index is claimed exactly once, one per [`Job::step`]; the claimer either runs it
//!   or, once the batch is cancelled or failed, skips it. A [`ChunkDone`] guard counts it as
//!   finished however the step ends (ran, skipped, or unwound by a panic);
//! - whoever counts the last chunk (and only it) takes `on_done` and calls it once; a batch
//!   dropped before that (no path does, but none can leave its caller waiting) calls it from
//!   `Drop` with a failure;
//! - the batch owns copies of its input: nothing points into JS memory.
//!
//! - while a chunk runs, the SDK's cancellation check (`poolkit_kernel::cancelled`) reads this
//!   batch's flags: a kernel that polls it stops mid-chunk, and a chunk that returns once the batch
//!   is stopped is dropped unchecked (its output may be partial);
//! - a kernel's panic never reaches this file: the SDK's trampoline, through which every kernel
//!   (built-in or a library's) is called, catches it and the kernel returns
//!   [`Failure::Panic`]. [`ChunkDone`] only guards against a panic of the batch's own code;
//! - progress (chunks claimed, chunks finished, see [`Batch::claimed`]) is readable at any time;
//!   `Plan::progress`, when given, is called after each claim and after each chunk but the last.
//!
//! The batch knows nothing of Node-API: the caller passes `on_done` and the cancel flags.
use crate::input::Input;
use crate::kernel::{ByteSink, Failure, Kernel, Shape, Sink};
use crate::thread_pool::{Job, Step};
use poolkit_kernel::StopCheck;
use std::ffi::c_void;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// One chunk's results.
#[derive(Debug)]
pub enum Chunk {
    Numbers(Vec<f64>),
    Bytes(ByteSink),
}

/// How a batch ended. `chunks` are in item order.
#[derive(Debug)]
pub enum Outcome {
    Done { shape: Shape, chunks: Vec<Chunk> },
    Cancelled,
    Failed { code: &'static str, message: String },
}

/// What the caller receives once, on the pool thread that finished the batch.
pub type OnDone = Box<dyn FnOnce(Outcome) + Send>;

/// How a batch is split and who may stop it.
pub struct Plan {
    /// Items per chunk, ≥ 1.
    pub chunk_size: usize,
    /// Flags checked before each chunk and by kernels that poll: any set ⇒ the rest is skipped
    /// and the batch is Cancelled.
    pub cancel: Vec<Arc<AtomicBool>>,
    /// Called (on the pool thread) after a chunk is claimed and after each chunk but the last
    /// finishes, so someone can follow [`Batch::claimed`] and [`Batch::finished`]. Must be cheap
    /// and must not panic.
    pub progress: Option<Progress>,
}

/// See [`Plan::progress`].
pub type Progress = Box<dyn Fn() + Send + Sync>;

/// Why [`Batch::new`] refused to make a batch. `Display` gives the message for the user.
#[derive(Debug)]
pub enum BatchError {
    /// The input is not of the kind (or arity) the kernel takes.
    WrongInput { kernel: &'static str, expected: Shape },
    /// The kernel refused the batch parameters (its own message).
    InvalidParams { kernel: &'static str, message: String },
    /// The kernel panicked while checking the parameters (caught by the SDK's boundary).
    ParamsPanicked { kernel: &'static str, message: String },
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::WrongInput { kernel, expected } => write!(f, "kernel {kernel} takes {expected:?} items"),
            BatchError::InvalidParams { message, .. } => f.write_str(message),
            BatchError::ParamsPanicked { kernel, message } => {
                write!(f, "kernel {kernel} panicked checking params: {message}")
            }
        }
    }
}

/// A batch in flight (the pool's [`Job`]).
pub struct Batch {
    kernel: &'static Kernel,
    params: Vec<f64>,
    input: Input,
    output: Shape,
    chunk_size: usize,
    chunks: usize,
    next: AtomicUsize,
    finished: AtomicUsize,
    cancel: Vec<Arc<AtomicBool>>,
    progress: Option<Progress>,
    /// Chunks being run right now (a thread is inside the kernel).
    running: AtomicUsize,
    /// Threads the pool wrote off while they ran this batch's chunks (see [`Batch::write_off`]):
    /// that many of the threads returning from a step leave the pool.
    written_off: AtomicUsize,
    failure: OnceLock<(&'static str, String)>,
    slots: Vec<Mutex<Option<Chunk>>>,
    /// Set by [`Batch::into_job`]; taken once, by [`Batch::complete`].
    on_done: Mutex<Option<OnDone>>,
}

/// Default items per chunk: about 8 chunks per thread, so uneven items still balance.
pub fn default_chunk_size(items: usize, threads: usize) -> usize {
    items.div_ceil(threads.max(1) * 8).max(1)
}

impl Batch {
    /// Checks the input against the kernel and its params and makes a batch, not yet startable:
    /// [`Batch::into_job`] gives it its completion. Nothing is allocated for the caller to undo
    /// when this fails.
    pub fn new(kernel: &'static Kernel, params: Vec<f64>, input: Input, plan: Plan) -> Result<Batch, BatchError> {
        if !input.shape_matches(kernel.input()) {
            return Err(BatchError::WrongInput {
                kernel: kernel.name(),
                expected: kernel.input(),
            });
        }
        let output = kernel.output(&params).map_err(|failure| match failure {
            Failure::Error(message) => BatchError::InvalidParams {
                kernel: kernel.name(),
                message,
            },
            Failure::Panic(message) => BatchError::ParamsPanicked {
                kernel: kernel.name(),
                message,
            },
        })?;
        let chunk_size = plan.chunk_size.max(1);
        let chunks = input.len().div_ceil(chunk_size);
        Ok(Batch {
            kernel,
            params,
            input,
            output,
            chunk_size,
            chunks,
            next: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            cancel: plan.cancel,
            progress: plan.progress,
            running: AtomicUsize::new(0),
            written_off: AtomicUsize::new(0),
            failure: OnceLock::new(),
            slots: (0..chunks).map(|_| Mutex::new(None)).collect(),
            on_done: Mutex::new(None),
        })
    }

    /// Gives the batch the function that receives its outcome (exactly once, on the thread that
    /// ends it) and makes it a job to submit.
    pub fn into_job(self, on_done: OnDone) -> Arc<Batch> {
        *self.on_done.lock().unwrap_or_else(|e| e.into_inner()) = Some(on_done);
        Arc::new(self)
    }

    /// How many chunks the batch has (0 for an empty batch).
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// Completes an empty batch at once (it has no chunk for a thread to finish).
    pub fn complete_if_empty(&self) -> bool {
        if self.chunks == 0 {
            self.complete();
            true
        } else {
            false
        }
    }

    /// True once the batch is cancelled (any flag) or a chunk failed: no further chunk runs.
    pub fn stopped(&self) -> bool {
        self.failure.get().is_some() || self.cancel.iter().any(|f| f.load(Ordering::Relaxed))
    }

    /// Chunks claimed so far (begun, or skipped once the batch stopped), at most [`Batch::chunks`].
    /// With one thread on the batch, chunk `i` has begun exactly when `claimed() > i`.
    pub fn claimed(&self) -> usize {
        self.next.load(Ordering::Acquire).min(self.chunks)
    }

    /// Chunks finished (ran, skipped or failed).
    pub fn finished(&self) -> usize {
        self.finished.load(Ordering::Acquire)
    }

    /// Chunks a thread is running right now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Acquire)
    }

    /// Copies out the results of chunks `from..` that are finished and stored, in order, up to
    /// the first that is not (still running, skipped, failed, or already handed to `on_done`).
    pub fn finished_prefix(&self, from: usize) -> Vec<Chunk> {
        let mut out = Vec::new();
        for slot in self.slots.iter().skip(from) {
            match &*slot.lock().unwrap_or_else(|e| e.into_inner()) {
                Some(Chunk::Numbers(v)) => out.push(Chunk::Numbers(v.clone())),
                Some(Chunk::Bytes(b)) => out.push(Chunk::Bytes(ByteSink {
                    data: b.data.clone(),
                    ends: b.ends.clone(),
                })),
                None => break,
            }
        }
        out
    }

    /// The shape of each output item.
    pub fn output(&self) -> Shape {
        self.output
    }

    /// Records that the pool gave up on `n` threads running this batch's chunks (they are stuck in
    /// a kernel that does not poll for cancellation): the next `n` steps of this batch to return
    /// make their threads leave the pool.
    pub fn write_off(&self, n: usize) {
        self.written_off.fetch_add(n, Ordering::AcqRel);
    }

    fn run_chunk(&self, index: usize) {
        let start = index * self.chunk_size;
        let end = (start + self.chunk_size).min(self.input.len());
        let items = self.input.items(start..end);
        let name = self.kernel.name();
        let failed = |failure| match failure {
            Failure::Error(message) => ("ERR_KERNEL_ERROR", format!("kernel {name}: {message}")),
            Failure::Panic(message) => ("ERR_KERNEL_PANIC", format!("kernel {name} panicked: {message}")),
        };
        let output = |message: String| ("ERR_KERNEL_OUTPUT", format!("kernel {name}: {message}"));
        // `batch_stopped` reads the batch behind `context`, which `&self` keeps alive for the
        // whole kernel call (the only time the check is installed).
        let check = Some(StopCheck {
            stop: batch_stopped,
            context: (self as *const Batch).cast(),
        });
        let result = match self.output {
            Shape::Numbers { arity } => {
                let mut out = vec![0.0; (end - start) * arity];
                self.kernel
                    .run(&self.params, &items, &mut Sink::Numbers(&mut out), check)
                    .map(|()| Chunk::Numbers(out))
                    .map_err(failed)
            }
            Shape::Bytes { len } => {
                let mut sink = ByteSink::default();
                match self
                    .kernel
                    .run(&self.params, &items, &mut Sink::Bytes(&mut sink), check)
                {
                    Ok(()) if self.stopped() => Ok(Chunk::Bytes(sink)),
                    Ok(()) => check_bytes(&sink, end - start, len)
                        .map(|()| Chunk::Bytes(sink))
                        .map_err(output),
                    Err(failure) => Err(failed(failure)),
                }
            }
        };
        if self.stopped() {
            // Cancelled (or another chunk failed) while this one ran: a kernel that polls returned
            // early with a partial output; the batch reports Cancelled (or that failure) anyway.
            return;
        }
        // `set` fails only when an earlier chunk already failed: the first failure is the one reported.
        match result {
            Ok(chunk) => *self.slots[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(chunk),
            Err(failure) => {
                let _ = self.failure.set(failure);
            }
        }
    }

    /// Hands the outcome to `on_done`, if nobody did yet. Must not panic: it runs in `Drop`s.
    fn complete(&self) {
        let Some(on_done) = self.on_done.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return;
        };
        let outcome = if let Some((code, message)) = self.failure.get() {
            Outcome::Failed {
                code,
                message: message.clone(),
            }
        } else if self.stopped() || self.slots.iter().any(|s| s.lock().map(|s| s.is_none()).unwrap_or(true)) {
            Outcome::Cancelled
        } else {
            let chunks = self
                .slots
                .iter()
                .filter_map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).take())
                .collect();
            Outcome::Done {
                shape: self.output,
                chunks,
            }
        };
        // The completion path must not unwind into the pool thread's loop (or a Drop) either;
        // a panic in on_done has no one left to tell, so it is dropped here.
        let _ = catch_unwind(AssertUnwindSafe(move || on_done(outcome)));
    }
}

/// The cancellation check kernels see while this batch's chunk runs (see [`poolkit_kernel::cancelled`]).
///
/// # Safety
/// `context` is a `*const Batch` alive for the call (installed by `run_chunk` around the kernel).
unsafe extern "C" fn batch_stopped(context: *const c_void) -> i32 {
    // SAFETY: per the contract above.
    let batch = unsafe { &*context.cast::<Batch>() };
    batch.stopped() as i32
}

/// Counts one claimed chunk as finished when dropped — after the chunk ran, was skipped, or
/// unwound — so no path leaves a batch a chunk short of completing. Dropped by a panic (of the
/// batch's own code: a kernel's stops at the SDK's boundary), it fails the batch with
/// `ERR_NATIVE_PANIC`.
struct ChunkDone<'a>(&'a Batch);

impl Drop for ChunkDone<'_> {
    fn drop(&mut self) {
        let batch = self.0;
        if std::thread::panicking() {
            let message = format!(
                "a pool thread panicked running a chunk of kernel {}",
                batch.kernel.name()
            );
            // Ignored when the batch already failed: the first failure is the one reported.
            let _ = batch.failure.set(("ERR_NATIVE_PANIC", message));
        }
        batch.running.fetch_sub(1, Ordering::AcqRel);
        // AcqRel: the completing thread must see every other chunk's slot write.
        if batch.finished.fetch_add(1, Ordering::AcqRel) + 1 == batch.chunks {
            batch.complete();
        } else if let Some(progress) = &batch.progress {
            progress();
        }
    }
}

impl Job for Batch {
    fn leave(&self) -> bool {
        self.written_off
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok()
    }

    fn step(&self) -> Step {
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        if index >= self.chunks {
            return Step::Done;
        }
        self.running.fetch_add(1, Ordering::AcqRel);
        let _done = ChunkDone(self);
        if !self.stopped() {
            if let Some(progress) = &self.progress {
                progress();
            }
            self.run_chunk(index);
        }
        if index + 1 < self.chunks {
            Step::More
        } else {
            Step::Done
        }
    }
}

impl Drop for Batch {
    /// The last reference is gone. Normally the last chunk completed the batch already; if not
    /// (its remaining tickets were lost to a panic outside every boundary), report a failure
    /// rather than leave the caller waiting forever.
    fn drop(&mut self) {
        if self.finished.load(Ordering::Acquire) < self.chunks && !self.stopped() {
            let message = format!("batch of kernel {} ended before all its chunks ran", self.kernel.name());
            // Ignored when the batch already failed: the first failure is the one reported.
            let _ = self.failure.set(("ERR_NATIVE_PANIC", message));
        }
        self.complete();
    }
}

fn check_bytes(sink: &ByteSink, items: usize, len: Option<usize>) -> Result<(), String> {
    if sink.ends.len() != items {
        return Err(format!("wrote {} items for {items} inputs", sink.ends.len()));
    }
    if let Some(len) = len {
        let mut start = 0;
        for &end in &sink.ends {
            if end - start != len {
                return Err(format!("wrote an item of {} bytes, promised {len}", end - start));
            }
            start = end;
        }
    }
    Ok(())
}

/// The text of a panic payload (`&str` or `String`), or a placeholder.
pub fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    poolkit_kernel::panic_text(payload.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::registry;
    use crate::thread_pool::{ThreadPool, DEFAULT_IDLE_TIMEOUT};
    use std::sync::mpsc;
    use std::time::Duration;

    fn pool() -> &'static ThreadPool {
        static POOL: OnceLock<&'static ThreadPool> = OnceLock::new();
        POOL.get_or_init(|| {
            let pool: &'static ThreadPool = Box::leak(Box::new(ThreadPool::new(DEFAULT_IDLE_TIMEOUT)));
            pool.ensure_size(3).unwrap();
            pool
        })
    }

    fn batch(kernel: &str, params: Vec<f64>, input: Input, chunk_size: usize) -> Result<Batch, BatchError> {
        let plan = Plan {
            chunk_size,
            cancel: vec![],
            progress: None,
        };
        Batch::new(registry().get(kernel).unwrap(), params, input, plan)
    }

    /// A batch's outcome arrives here, once; a second call would fail the send and panic.
    fn channel() -> (OnDone, mpsc::Receiver<Outcome>) {
        let (tx, rx) = mpsc::channel();
        (Box::new(move |o| tx.send(o).unwrap()), rx)
    }

    fn run(kernel: &str, params: Vec<f64>, input: Input, chunk_size: usize, cancel: Vec<Arc<AtomicBool>>) -> Outcome {
        let (on_done, rx) = channel();
        let plan = Plan {
            chunk_size,
            cancel,
            progress: None,
        };
        let batch = Batch::new(registry().get(kernel).unwrap(), params, input, plan)
            .unwrap()
            .into_job(on_done);
        if !batch.complete_if_empty() {
            pool().submit(batch, 3);
        }
        let outcome = rx.recv_timeout(Duration::from_secs(20)).unwrap();
        assert!(rx.recv_timeout(Duration::from_millis(20)).is_err(), "on_done ran twice");
        outcome
    }

    fn numbers(outcome: Outcome) -> Vec<f64> {
        match outcome {
            Outcome::Done { chunks, .. } => chunks
                .into_iter()
                .flat_map(|c| match c {
                    Chunk::Numbers(v) => v,
                    Chunk::Bytes(_) => panic!("bytes"),
                })
                .collect(),
            other => panic!("not done: {other:?}"),
        }
    }

    #[test]
    fn chunks_come_back_in_item_order() {
        let values: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let out = numbers(run("square", vec![], Input::numbers(values, 1).unwrap(), 7, vec![]));
        assert_eq!(out, (0..1000).map(|i| (i * i) as f64).collect::<Vec<_>>());
    }

    #[test]
    fn an_empty_batch_completes_with_no_chunk() {
        let out = numbers(run("square", vec![], Input::numbers(vec![], 1).unwrap(), 4, vec![]));
        assert!(out.is_empty());
    }

    #[test]
    fn a_cancelled_batch_reports_cancelled() {
        let flag = Arc::new(AtomicBool::new(true));
        let outcome = run(
            "square",
            vec![],
            Input::numbers(vec![1.0; 100], 1).unwrap(),
            10,
            vec![flag],
        );
        assert!(matches!(outcome, Outcome::Cancelled), "{outcome:?}");
    }

    #[test]
    fn a_panicking_kernel_fails_the_batch_with_a_code() {
        let outcome = run("__panic", vec![], Input::numbers(vec![1.0; 10], 1).unwrap(), 2, vec![]);
        match outcome {
            Outcome::Failed { code, message } => {
                assert_eq!(code, "ERR_KERNEL_PANIC");
                assert!(message.contains("__panic kernel called"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// A test kernel that fails with its own error on an item equal to 13, else squares.
    struct Picky;
    impl poolkit_kernel::NumberKernel for Picky {
        fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
            if input.contains(&13.0) {
                return Err("13 is unlucky".into());
            }
            for (o, x) in output.iter_mut().zip(input) {
                *o = x * x;
            }
            Ok(())
        }
    }
    poolkit_kernel::kernel_table!(static TEST_KERNELS = number "picky" => Picky);

    fn picky() -> &'static Kernel {
        static REGISTRY: OnceLock<crate::kernel::Registry> = OnceLock::new();
        REGISTRY
            .get_or_init(|| crate::kernel::Registry::of(&TEST_KERNELS).unwrap())
            .get("picky")
            .unwrap()
    }

    #[test]
    fn a_kernel_returning_err_fails_the_batch_with_kernel_error_and_its_message() {
        let (on_done, rx) = channel();
        let plan = Plan {
            chunk_size: 2,
            cancel: vec![],
            progress: None,
        };
        let input = Input::numbers(vec![1.0, 2.0, 13.0, 4.0, 5.0], 1).unwrap();
        let job = Batch::new(picky(), vec![], input, plan).unwrap().into_job(on_done);
        pool().submit(job, 3);
        match rx.recv_timeout(Duration::from_secs(20)).unwrap() {
            Outcome::Failed { code, message } => {
                assert_eq!(code, "ERR_KERNEL_ERROR");
                assert_eq!(message, "kernel picky: 13 is unlucky");
            }
            other => panic!("{other:?}"),
        }
        // Without the bad item the same kernel succeeds: Err is per batch, not sticky.
        let (on_done, rx) = channel();
        let plan = Plan {
            chunk_size: 2,
            cancel: vec![],
            progress: None,
        };
        let input = Input::numbers(vec![1.0, 2.0, 3.0], 1).unwrap();
        pool().submit(Batch::new(picky(), vec![], input, plan).unwrap().into_job(on_done), 3);
        assert_eq!(
            numbers(rx.recv_timeout(Duration::from_secs(20)).unwrap()),
            [1.0, 4.0, 9.0]
        );
    }

    #[test]
    fn byte_batches_keep_item_boundaries() {
        let input = Input::bytes(b"abcabc".to_vec(), &[0.0, 3.0, 3.0, 6.0]).unwrap();
        match run("md5", vec![], input, 1, vec![]) {
            Outcome::Done { chunks, .. } => {
                let ends: Vec<usize> = chunks
                    .iter()
                    .flat_map(|c| match c {
                        Chunk::Bytes(s) => s.ends.clone(),
                        Chunk::Numbers(_) => panic!("numbers"),
                    })
                    .collect();
                assert_eq!(ends, [16, 16, 16]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn new_refuses_with_a_typed_error() {
        let wrong = batch("spin", vec![], Input::numbers(vec![1.0], 1).unwrap(), 1);
        assert!(
            matches!(
                wrong,
                Err(BatchError::WrongInput {
                    kernel: "spin",
                    expected: Shape::Numbers { arity: 2 }
                })
            ),
            "{:?}",
            wrong.err()
        );
        let bad = batch(
            "mandelbrot",
            vec![0.0, 1.0, 1.0],
            Input::numbers(vec![1.0], 1).unwrap(),
            1,
        );
        match bad {
            Err(
                e @ BatchError::InvalidParams {
                    kernel: "mandelbrot", ..
                },
            ) => {
                assert!(!e.to_string().is_empty())
            }
            other => panic!("{:?}", other.err()),
        }
        let ok = batch("square", vec![], Input::numbers(vec![1.0, 2.0, 3.0], 1).unwrap(), 2).unwrap();
        assert_eq!(ok.chunks(), 2);
    }

    #[test]
    fn a_chunk_unwound_by_a_panic_still_counts_and_fails_the_batch() {
        let (on_done, rx) = channel();
        let job = batch("square", vec![], Input::numbers(vec![1.0, 2.0], 1).unwrap(), 1)
            .unwrap()
            .into_job(on_done);
        assert_eq!(job.step(), Step::More); // chunk 0 runs normally
        let unwound = catch_unwind(AssertUnwindSafe(|| {
            // What step() does, with a panic where none is expected (outside the kernel's boundary).
            let index = job.next.fetch_add(1, Ordering::Relaxed);
            job.running.fetch_add(1, Ordering::AcqRel);
            let _done = ChunkDone(&job);
            assert_eq!(index, 1);
            panic!("escaped");
        }));
        assert!(unwound.is_err());
        match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
            Outcome::Failed { code, .. } => assert_eq!(code, "ERR_NATIVE_PANIC"),
            other => panic!("{other:?}"),
        }
        drop(job);
        assert!(rx.recv_timeout(Duration::from_millis(20)).is_err(), "on_done ran twice");
    }

    #[test]
    fn a_batch_dropped_before_its_last_chunk_reports_a_failure() {
        let (on_done, rx) = channel();
        let job = batch("square", vec![], Input::numbers(vec![1.0; 4], 1).unwrap(), 1)
            .unwrap()
            .into_job(on_done);
        assert_eq!(job.step(), Step::More);
        drop(job); // its other chunks never ran: e.g. every ticket lost to a panic
        match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
            Outcome::Failed { code, message } => {
                assert_eq!(code, "ERR_NATIVE_PANIC");
                assert!(message.contains("before all its chunks ran"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_long_batch_yields_its_thread_to_a_batch_queued_behind_it() {
        let single: &'static ThreadPool = Box::leak(Box::new(ThreadPool::new(DEFAULT_IDLE_TIMEOUT)));
        single.ensure_size(1).unwrap();
        // 200 chunks of ~2 ms (spin 1e300 by 1.001: ~690k divisions per item).
        let (long_done, long_rx) = channel();
        let long = batch(
            "spin",
            vec![],
            Input::numbers([1e300, 1.001].repeat(200), 2).unwrap(),
            1,
        )
        .unwrap()
        .into_job(long_done);
        let (short_done, short_rx) = channel();
        let short = batch("square", vec![], Input::numbers(vec![3.0], 1).unwrap(), 1)
            .unwrap()
            .into_job(short_done);
        single.submit(long.clone(), 1);
        single.submit(short, 1);
        assert_eq!(numbers(short_rx.recv_timeout(Duration::from_secs(20)).unwrap()), [9.0]);
        let long_progress = long.finished.load(Ordering::Acquire);
        assert!(
            long_progress < 100,
            "the short batch waited for {long_progress} of 200 chunks"
        );
        drop(long);
        assert_eq!(
            numbers(long_rx.recv_timeout(Duration::from_secs(60)).unwrap()).len(),
            200
        );
    }

    #[test]
    fn default_chunks_are_about_eight_per_thread() {
        assert_eq!(default_chunk_size(1600, 2), 100);
        assert_eq!(default_chunk_size(1, 8), 1);
        assert_eq!(default_chunk_size(0, 2), 1);
    }
}
