//! The process-wide pool of Rust threads.
//!
//! ```text
//!   submit(job, copies) ──▶ [ job ][ job ][ job ] … (FIFO, Mutex<VecDeque>) ──▶ thread 1..N
//!                              each entry is one *ticket*: a thread that pops it
//!                              calls job.run() once, which loops over chunks
//! ```
//! A batch that may use `p` threads is pushed as `p` tickets of the same `Arc`: at most `p`
//! threads work on it at once, and each leaves when no chunk is left. Threads are created on
//! demand up to the largest size ever asked for and live as long as the process; idle threads
//! block on a condition variable and keep nothing alive (Node does not wait for them at exit).
//!
//! This module knows nothing of Node-API or kernels: a [`Job`] is any shareable piece of work.
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// The most threads one process may ask for.
pub const MAX_THREADS: usize = 256;

/// Work a pool thread can run. `run` must not panic (the batch catches its kernels' panics);
/// a panic anyway is caught by the thread loop so the thread survives.
pub trait Job: Send + Sync {
    fn run(self: Arc<Self>);
}

struct Queue {
    tickets: VecDeque<Arc<dyn Job>>,
    threads: usize,
}

/// A FIFO of tickets served by a growable set of threads.
pub struct ThreadPool {
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl ThreadPool {
    /// A pool with no thread yet; [`ThreadPool::ensure_threads`] starts them.
    pub fn new() -> ThreadPool {
        ThreadPool {
            queue: Mutex::new(Queue {
                tickets: VecDeque::new(),
                threads: 0,
            }),
            ready: Condvar::new(),
        }
    }

    /// How many threads run now.
    pub fn threads(&self) -> usize {
        self.lock().threads
    }

    /// Starts threads until there are at least `n` (capped at [`MAX_THREADS`]); never stops any.
    /// Returns the thread count afterwards. Errors if the OS refuses to start a thread.
    pub fn ensure_threads(self: &'static Self, n: usize) -> Result<usize, String> {
        let mut q = self.lock();
        while q.threads < n.min(MAX_THREADS) {
            let index = q.threads;
            std::thread::Builder::new()
                .name(format!("poolkit-native-{index}"))
                .spawn(move || self.work())
                .map_err(|e| format!("could not start a pool thread: {e}"))?;
            q.threads += 1;
        }
        Ok(q.threads)
    }

    /// Queues `copies` tickets of `job` (at most that many threads will run it at once).
    pub fn submit(&self, job: Arc<dyn Job>, copies: usize) {
        let mut q = self.lock();
        for _ in 0..copies {
            q.tickets.push_back(Arc::clone(&job));
        }
        drop(q);
        if copies == 1 {
            self.ready.notify_one();
        } else {
            self.ready.notify_all();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // A poisoned lock only means a thread panicked while holding it; the queue is still valid
        // (every mutation is a single push/pop), so carry on.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn work(&self) {
        loop {
            let job = {
                let mut q = self.lock();
                loop {
                    if let Some(job) = q.tickets.pop_front() {
                        break job;
                    }
                    q = self.ready.wait(q).unwrap_or_else(|e| e.into_inner());
                }
            };
            // Last line of defence: a job's own boundary should have caught everything.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run()));
        }
    }
}

impl Default for ThreadPool {
    fn default() -> Self {
        ThreadPool::new()
    }
}

/// The number of threads a fresh process starts with: `POOLKIT_NATIVE_THREADS` when it is an
/// integer from 1 to [`MAX_THREADS`], otherwise the available cores.
pub fn default_threads() -> usize {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    parse_threads(std::env::var("POOLKIT_NATIVE_THREADS").ok().as_deref()).unwrap_or(cores)
}

/// Parses a thread count override; `None` when absent or not an integer from 1 to MAX_THREADS.
pub fn parse_threads(value: Option<&str>) -> Option<usize> {
    value?
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|&n| (1..=MAX_THREADS).contains(&n))
}

/// The one pool of this process, with its default threads started on first use.
pub fn global() -> &'static ThreadPool {
    static POOL: OnceLock<ThreadPool> = OnceLock::new();
    let pool = POOL.get_or_init(ThreadPool::new);
    if pool.threads() == 0 {
        // If the OS refuses even one thread, batches stay queued; the caller reports the error
        // when it calls ensure_threads itself.
        let _ = pool.ensure_threads(default_threads());
    }
    pool
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::Duration;

    struct Count(AtomicUsize, Mutex<mpsc::Sender<()>>);
    impl Job for Count {
        fn run(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
            self.1.lock().unwrap().send(()).unwrap();
        }
    }

    fn leaked_pool(n: usize) -> &'static ThreadPool {
        let pool: &'static ThreadPool = Box::leak(Box::new(ThreadPool::new()));
        pool.ensure_threads(n).unwrap();
        pool
    }

    #[test]
    fn every_ticket_runs_once() {
        let pool = leaked_pool(3);
        let (tx, rx) = mpsc::channel();
        let job = Arc::new(Count(AtomicUsize::new(0), Mutex::new(tx)));
        pool.submit(job.clone(), 5);
        for _ in 0..5 {
            rx.recv_timeout(Duration::from_secs(10)).unwrap();
        }
        assert_eq!(job.0.load(Ordering::SeqCst), 5);
    }

    #[test]
    fn ensure_threads_only_grows_and_is_capped() {
        let pool = leaked_pool(2);
        assert_eq!(pool.ensure_threads(1).unwrap(), 2);
        assert_eq!(pool.ensure_threads(4).unwrap(), 4);
        assert_eq!(pool.threads(), 4);
    }

    struct Boom(Mutex<mpsc::Sender<()>>);
    impl Job for Boom {
        fn run(self: Arc<Self>) {
            self.0.lock().unwrap().send(()).unwrap();
            panic!("a job that escapes its own boundary");
        }
    }

    #[test]
    fn a_panicking_job_does_not_kill_its_thread() {
        let pool = leaked_pool(1);
        let (tx, rx) = mpsc::channel();
        pool.submit(Arc::new(Boom(Mutex::new(tx.clone()))), 1);
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let job = Arc::new(Count(AtomicUsize::new(0), Mutex::new(tx)));
        pool.submit(job.clone(), 1);
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(job.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn parses_thread_overrides() {
        assert_eq!(parse_threads(Some("3")), Some(3));
        assert_eq!(parse_threads(Some(" 8 ")), Some(8));
        for bad in ["0", "-1", "1.5", "abc", "", "100000"] {
            assert_eq!(parse_threads(Some(bad)), None, "{bad}");
        }
        assert_eq!(parse_threads(None), None);
    }
}
