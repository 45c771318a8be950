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
//! - every chunk index is claimed exactly once; the claimer either runs it or, once the batch is
//!   cancelled or failed, skips it — and in both cases counts it as finished;
//! - the thread that finishes the last chunk (and only it) takes `on_done` and calls it once;
//! - the batch owns copies of its input: nothing points into JS memory.
//! The batch knows nothing of Node-API: the caller passes `on_done` and the cancel flags.
use crate::kernel::{ByteSink, Items, Kernel, Shape, Sink};
use crate::thread_pool::Job;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The input of a batch, owned.
#[derive(Debug)]
pub enum Input {
    /// `values.len()` is a multiple of `arity`.
    Numbers { values: Vec<f64>, arity: usize },
    /// Item `i` is `data[offsets[i]..offsets[i+1]]`; offsets start at 0, never decrease, end at `data.len()`.
    Bytes { data: Vec<u8>, offsets: Vec<usize> },
}

impl Input {
    /// Numbers input, checked: `values.len()` must be a multiple of `arity` (≥ 1).
    pub fn numbers(values: Vec<f64>, arity: usize) -> Result<Input, String> {
        if arity == 0 || values.len() % arity != 0 {
            return Err(format!(
                "the input holds {} numbers, not a multiple of the kernel's arity {arity}",
                values.len()
            ));
        }
        Ok(Input::Numbers { values, arity })
    }

    /// Bytes input, checked: `offsets` (as JS numbers) must be integers from 0, non-decreasing,
    /// ending at `data.len()`.
    pub fn bytes(data: Vec<u8>, offsets: &[f64]) -> Result<Input, String> {
        if offsets.first() != Some(&0.0) {
            return Err("offsets must start with 0".into());
        }
        let mut out = Vec::with_capacity(offsets.len());
        let mut last = 0.0;
        for &o in offsets {
            if !(o >= last && o.fract() == 0.0 && o <= data.len() as f64) {
                return Err(format!(
                    "offsets must be non-decreasing integers within the data, received {o} after {last}"
                ));
            }
            last = o;
            out.push(o as usize);
        }
        if last != data.len() as f64 {
            return Err(format!(
                "the last offset must equal the data length {}, received {last}",
                data.len()
            ));
        }
        Ok(Input::Bytes { data, offsets: out })
    }

    /// How many items.
    pub fn len(&self) -> usize {
        match self {
            Input::Numbers { values, arity } => values.len() / arity,
            Input::Bytes { offsets, .. } => offsets.len() - 1,
        }
    }

    /// True when there is no item.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shape_matches(&self, shape: Shape) -> bool {
        match (self, shape) {
            (Input::Numbers { arity, .. }, Shape::Numbers { arity: a }) => *arity == a,
            (Input::Bytes { .. }, Shape::Bytes { .. }) => true,
            _ => false,
        }
    }

    fn items(&self, range: std::ops::Range<usize>) -> Items<'_> {
        match self {
            Input::Numbers { values, arity } => Items::Numbers {
                values: &values[range.start * arity..range.end * arity],
                arity: *arity,
            },
            Input::Bytes { data, offsets } => Items::Bytes {
                data,
                offsets: &offsets[range.start..range.end + 1],
            },
        }
    }
}

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
    /// Flags checked before each chunk: any set ⇒ the rest is skipped and the batch is Cancelled.
    pub cancel: Vec<Arc<AtomicBool>>,
}

/// A batch in flight (the pool's [`Job`]).
pub struct Batch {
    kernel: &'static dyn Kernel,
    params: Vec<f64>,
    input: Input,
    output: Shape,
    chunk_size: usize,
    chunks: usize,
    next: AtomicUsize,
    finished: AtomicUsize,
    cancel: Vec<Arc<AtomicBool>>,
    failure: OnceLock<(&'static str, String)>,
    slots: Vec<Mutex<Option<Chunk>>>,
    on_done: Mutex<Option<OnDone>>,
}

/// Default items per chunk: about 8 chunks per thread, so uneven items still balance.
pub fn default_chunk_size(items: usize, threads: usize) -> usize {
    items.div_ceil(threads.max(1) * 8).max(1)
}

impl Batch {
    /// Checks the input against the kernel and its params and makes a batch. Errors are
    /// `(code, message)`: `ERR_INVALID_ARG_VALUE` for a shape or params mismatch.
    pub fn new(
        kernel: &'static dyn Kernel,
        params: Vec<f64>,
        input: Input,
        plan: Plan,
        on_done: OnDone,
    ) -> Result<Arc<Batch>, (&'static str, String)> {
        let invalid = |m: String| ("ERR_INVALID_ARG_VALUE", m);
        if !input.shape_matches(kernel.input()) {
            return Err(invalid(format!(
                "kernel {} takes {:?} items",
                kernel.name(),
                kernel.input()
            )));
        }
        let output = catch_unwind(AssertUnwindSafe(|| kernel.output(&params)))
            .map_err(|p| {
                (
                    "ERR_KERNEL_PANIC",
                    format!(
                        "kernel {} panicked checking params: {}",
                        kernel.name(),
                        panic_message(&p)
                    ),
                )
            })?
            .map_err(invalid)?;
        let chunk_size = plan.chunk_size.max(1);
        let chunks = input.len().div_ceil(chunk_size);
        Ok(Arc::new(Batch {
            kernel,
            params,
            input,
            output,
            chunk_size,
            chunks,
            next: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            cancel: plan.cancel,
            failure: OnceLock::new(),
            slots: (0..chunks).map(|_| Mutex::new(None)).collect(),
            on_done: Mutex::new(Some(on_done)),
        }))
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

    fn stopped(&self) -> bool {
        self.failure.get().is_some() || self.cancel.iter().any(|f| f.load(Ordering::Relaxed))
    }

    fn run_chunk(&self, index: usize) {
        let start = index * self.chunk_size;
        let end = (start + self.chunk_size).min(self.input.len());
        let items = self.input.items(start..end);
        let result = catch_unwind(AssertUnwindSafe(|| match self.output {
            Shape::Numbers { arity } => {
                let mut out = vec![0.0; (end - start) * arity];
                self.kernel.run(&self.params, &items, &mut Sink::Numbers(&mut out));
                Ok(Chunk::Numbers(out))
            }
            Shape::Bytes { len } => {
                let mut sink = ByteSink::default();
                self.kernel.run(&self.params, &items, &mut Sink::Bytes(&mut sink));
                check_bytes(&sink, end - start, len).map(|_| Chunk::Bytes(sink))
            }
        }));
        match result {
            Ok(Ok(chunk)) => *self.slots[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(chunk),
            Ok(Err(message)) => {
                let _ = self
                    .failure
                    .set(("ERR_KERNEL_OUTPUT", format!("kernel {}: {message}", self.kernel.name())));
            }
            Err(payload) => {
                let message = format!("kernel {} panicked: {}", self.kernel.name(), panic_message(&payload));
                let _ = self.failure.set(("ERR_KERNEL_PANIC", message));
            }
        }
    }

    fn complete(&self) {
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
                .map(|s| {
                    s.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .take()
                        .expect("checked above")
                })
                .collect();
            Outcome::Done {
                shape: self.output,
                chunks,
            }
        };
        let on_done = self.on_done.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(on_done) = on_done {
            // The completion path must not unwind into the pool thread's loop either.
            let _ = catch_unwind(AssertUnwindSafe(move || on_done(outcome)));
        }
    }
}

impl Job for Batch {
    fn run(self: Arc<Self>) {
        loop {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            if index >= self.chunks {
                return;
            }
            if !self.stopped() {
                self.run_chunk(index);
            }
            // AcqRel: the completing thread must see every other chunk's slot write.
            if self.finished.fetch_add(1, Ordering::AcqRel) + 1 == self.chunks {
                self.complete();
            }
        }
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
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::registry;
    use crate::thread_pool::ThreadPool;
    use std::sync::mpsc;
    use std::time::Duration;

    fn pool() -> &'static ThreadPool {
        let pool: &'static ThreadPool = Box::leak(Box::new(ThreadPool::new()));
        pool.ensure_threads(3).unwrap();
        pool
    }

    fn run(kernel: &str, params: Vec<f64>, input: Input, chunk_size: usize, cancel: Vec<Arc<AtomicBool>>) -> Outcome {
        let (tx, rx) = mpsc::channel();
        let on_done: OnDone = Box::new(move |o| tx.send(o).unwrap());
        let batch = Batch::new(
            registry().get(kernel).unwrap(),
            params,
            input,
            Plan { chunk_size, cancel },
            on_done,
        )
        .unwrap();
        if !batch.complete_if_empty() {
            pool().submit(batch.clone(), 3);
        }
        rx.recv_timeout(Duration::from_secs(20)).unwrap()
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
    fn inputs_are_validated() {
        assert!(Input::numbers(vec![1.0; 3], 2).is_err());
        assert!(Input::bytes(vec![0; 4], &[0.0, 5.0]).is_err());
        assert!(Input::bytes(vec![0; 4], &[0.0, 3.0, 2.0, 4.0]).is_err());
        assert!(Input::bytes(vec![0; 4], &[1.0, 4.0]).is_err());
        assert!(Input::bytes(vec![0; 4], &[0.0, 1.5, 4.0]).is_err());
        assert!(Input::bytes(vec![0; 4], &[0.0, 2.0]).is_err());
        assert_eq!(Input::bytes(vec![0; 4], &[0.0, 0.0, 4.0]).unwrap().len(), 2);
        let spin = registry().get("spin").unwrap();
        let wrong = Batch::new(
            spin,
            vec![],
            Input::numbers(vec![1.0], 1).unwrap(),
            Plan {
                chunk_size: 1,
                cancel: vec![],
            },
            Box::new(|_| {}),
        );
        assert_eq!(wrong.err().map(|e| e.0), Some("ERR_INVALID_ARG_VALUE"));
        let mandel = registry().get("mandelbrot").unwrap();
        let bad = Batch::new(
            mandel,
            vec![0.0, 1.0, 1.0],
            Input::numbers(vec![1.0], 1).unwrap(),
            Plan {
                chunk_size: 1,
                cancel: vec![],
            },
            Box::new(|_| {}),
        );
        assert_eq!(bad.err().map(|e| e.0), Some("ERR_INVALID_ARG_VALUE"));
    }

    #[test]
    fn default_chunks_are_about_eight_per_thread() {
        assert_eq!(default_chunk_size(1600, 2), 100);
        assert_eq!(default_chunk_size(1, 8), 1);
        assert_eq!(default_chunk_size(0, 2), 1);
    }
}
