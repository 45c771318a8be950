//! The process-wide pool of Rust threads.
//!
//! ```text
//!   submit(job, k) ──▶ [ A ][ A ][ B ][ C ] …  FIFO of tickets (Mutex<VecDeque>)
//!                 └──▶ min(k, idle) × notify_one
//!
//!   a pool thread:  pop a ticket ──▶ job.step()  (one chunk)
//!                                      │ Step::Done ─▶ drop the ticket, pop the next
//!                                      │ Step::More, queue empty ─▶ step again (no lock taken)
//!                                      └ Step::More, tickets wait ─▶ push this ticket to the back,
//!                                                                    pop the front one
//! ```
//! A batch that may use `p` threads is pushed as `p` tickets of the same `Arc`: at most `p`
//! threads work on it at once. A thread gives its ticket back between two steps whenever other
//! tickets wait, so a small batch queued behind a long one starts within one chunk's time, and
//! batches that share the pool take turns chunk by chunk. Alone in the pool, a thread runs its
//! job's steps back to back without touching the lock.
//!
//! Sizing: the pool has a configured *size* (the default thread count, raised by
//! [`ThreadPool::ensure_size`], never lowered). A batch that asks for more threads starts extra
//! ones ([`ThreadPool::ensure_threads`]); an extra thread that finds no ticket for `idle_timeout`
//! exits, so the pool falls back to its size. Threads are started outside the queue lock (the
//! count is reserved under it first, so concurrent callers never start too many). Idle threads
//! block on a condition variable and keep nothing alive (Node does not wait for them at exit).
//!
//! This module knows nothing of Node-API or kernels: a [`Job`] is any shareable piece of work.
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Once, OnceLock};
use std::time::{Duration, Instant};

/// The most threads one process may ask for.
pub const MAX_THREADS: usize = 256;

/// How long a thread beyond the configured size waits for a ticket before it exits.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a job says after one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// There may be more to do: the ticket runs again (after other waiting tickets, if any).
    More,
    /// Nothing is left for this ticket: the thread drops it.
    Done,
}

/// Work a pool thread can run, one step at a time.
///
/// `step` should be short (a batch runs one chunk) because the pool only switches between jobs
/// at step boundaries. It must not panic (the batch catches its kernels' panics); a panic anyway
/// is caught by the thread loop, which then drops that ticket and carries on.
pub trait Job: Send + Sync {
    /// Runs one slice of the job on the calling pool thread.
    fn step(&self) -> Step;
    /// Asked after each step: true makes the calling thread leave the pool at once, without
    /// counting itself out (see [`ThreadPool::write_off`], which already did). Default: false.
    fn leave(&self) -> bool {
        false
    }
}

/// One `submit`: its job and how many of its tickets wait in the queue.
struct Submission {
    job: Arc<dyn Job>,
    /// This submission's tickets in the queue. Written under the pool lock; read relaxed.
    queued: AtomicUsize,
}

/// A queue entry: a thread that pops it may run the job.
type Ticket = Arc<Submission>;

struct State {
    tickets: VecDeque<Ticket>,
    /// Threads running, or reserved and being started.
    threads: usize,
    /// Threads blocked on `ready`: a submit wakes at most this many.
    idle: usize,
    /// The configured size: threads beyond it exit after `idle_timeout` without a ticket.
    size: usize,
    /// Threads ever started (names them `poolkit-native-<n>`).
    started: usize,
    /// Threads written off (stuck in work that would not stop) and replaced, over the process's
    /// life; at most [`MAX_THREADS`].
    written_off: usize,
}

/// A FIFO of tickets served by a set of threads that grows on demand and shrinks back to its
/// configured size when idle.
pub struct ThreadPool {
    state: Mutex<State>,
    ready: Condvar,
    /// `state.tickets.len()`, readable without the lock. A thread between two steps compares it
    /// with its own submission's count to see whether another submission waits. Written under
    /// the lock; read relaxed (a stale value costs at most one step before the thread notices).
    queued: AtomicUsize,
    idle_timeout: Duration,
}

impl ThreadPool {
    /// A pool with no thread and size 0; [`ThreadPool::ensure_size`] starts them.
    pub fn new(idle_timeout: Duration) -> ThreadPool {
        ThreadPool {
            state: Mutex::new(State {
                tickets: VecDeque::new(),
                threads: 0,
                idle: 0,
                size: 0,
                started: 0,
                written_off: 0,
            }),
            ready: Condvar::new(),
            queued: AtomicUsize::new(0),
            idle_timeout,
        }
    }

    /// The configured size: the threads that stay when the pool is idle.
    pub fn size(&self) -> usize {
        self.lock().size
    }

    /// How many threads run now (the size, plus extras not yet timed out).
    pub fn threads(&self) -> usize {
        self.lock().threads
    }

    /// Raises the configured size to at least `n` (capped at [`MAX_THREADS`]; never lowers it) and
    /// starts threads to match. Returns the size. Errors if the OS refuses to start a thread (the
    /// size is raised anyway, and later calls try again to start what is missing).
    pub fn ensure_size(&'static self, n: usize) -> Result<usize, String> {
        let size = {
            let mut s = self.lock();
            s.size = s.size.max(n.min(MAX_THREADS));
            s.size
        };
        self.start(size)?;
        Ok(size)
    }

    /// Starts threads until at least `n` run (capped at [`MAX_THREADS`]) without changing the
    /// configured size: those beyond it exit once idle for the idle timeout. Returns the number
    /// of threads running. Errors if the OS refuses to start a thread.
    pub fn ensure_threads(&'static self, n: usize) -> Result<usize, String> {
        self.start(n)?;
        Ok(self.threads())
    }

    /// Counts `n` threads out of the pool — threads stuck in a step that ignores cancellation —
    /// and starts as many replacements, so the pool keeps its capacity. The caller must make the
    /// stuck threads' job answer [`Job::leave`] true `n` times, so they leave when (if ever) their
    /// step returns. Returns how many were written off: none once [`MAX_THREADS`] threads have
    /// been over the process's life (from then on a stuck thread keeps its place). Errors if the
    /// OS refuses to start a replacement (the count stays written off; later calls retry).
    pub fn write_off(&'static self, n: usize) -> Result<usize, String> {
        let (n, target) = {
            let mut s = self.lock();
            let n = n.min(MAX_THREADS - s.written_off).min(s.threads);
            s.written_off += n;
            let target = s.threads;
            s.threads -= n;
            (n, target)
        };
        self.start(target)?;
        Ok(n)
    }

    /// Queues `copies` tickets of `job` (at most that many threads run it at once) and wakes one
    /// waiting thread per ticket, never more than are waiting.
    pub fn submit(&self, job: Arc<dyn Job>, copies: usize) {
        let ticket = Arc::new(Submission {
            job,
            queued: AtomicUsize::new(copies),
        });
        let (wakes, everyone) = {
            let mut s = self.lock();
            for _ in 0..copies {
                s.tickets.push_back(Arc::clone(&ticket));
            }
            self.queued.store(s.tickets.len(), Ordering::Relaxed);
            (copies.min(s.idle), s.idle > 0 && copies >= s.idle)
        };
        // After unlocking, so a woken thread does not block at once on the lock we hold. A
        // thread counted idle may already be awake (woken, not yet relocked): a notify aimed at
        // it is lost, harmlessly, because a thread only waits after finding the queue empty.
        if everyone {
            // A ticket for every waiting thread: the same threads as `wakes` notify_one calls,
            // woken with one system call instead of one each.
            self.ready.notify_all();
        } else {
            for _ in 0..wakes {
                self.ready.notify_one();
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means a thread panicked while holding it; the state is still valid
        // (no code path panics between two related updates), so carry on.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts threads until `n` (capped) run or are being started. The count is reserved under the
    /// lock, the OS threads are started after releasing it.
    fn start(&'static self, n: usize) -> Result<(), String> {
        let (first, count) = {
            let mut s = self.lock();
            let count = n.min(MAX_THREADS).saturating_sub(s.threads);
            s.threads += count;
            s.started += count;
            (s.started - count, count)
        };
        for i in 0..count {
            let spawned = std::thread::Builder::new()
                .name(format!("poolkit-native-{}", first + i))
                .spawn(move || self.work());
            if let Err(e) = spawned {
                // Give back the reservations of this thread and the ones not tried.
                self.lock().threads -= count - i;
                return Err(format!("could not start a pool thread: {e}"));
            }
        }
        Ok(())
    }

    /// A pool thread's life: take tickets while there are any; wait when there are none; leave
    /// when idle for `idle_timeout` while the pool holds more threads than its size.
    fn work(&self) {
        let mut s = self.lock();
        let mut idle_since = Instant::now();
        loop {
            if let Some(ticket) = s.tickets.pop_front() {
                ticket.queued.fetch_sub(1, Ordering::Relaxed);
                self.queued.store(s.tickets.len(), Ordering::Relaxed);
                drop(s);
                if self.run(ticket) == Ran::Left {
                    return; // written off: already counted out
                }
                s = self.lock();
                idle_since = Instant::now();
                continue;
            }
            let extra = s.threads > s.size;
            let waited = idle_since.elapsed();
            if extra && waited >= self.idle_timeout {
                s.threads -= 1;
                return;
            }
            s.idle += 1;
            s = if extra {
                match self.ready.wait_timeout(s, self.idle_timeout - waited) {
                    Ok((guard, _)) => guard,
                    Err(poisoned) => poisoned.into_inner().0,
                }
            } else {
                // Within the size: wait without a deadline. If extras are started later, they are
                // the ones that time out (each checks the count), so the pool still shrinks to size.
                self.ready.wait(s).unwrap_or_else(|e| e.into_inner())
            };
            s.idle -= 1;
        }
    }

    /// Runs one ticket's steps until it is done, giving the thread to another submission's
    /// ticket whenever one waits. Tickets of the job itself waiting (threads not awake yet, or a
    /// job asking for more threads than run) are no reason to stop: the lock is not taken then.
    fn run(&self, mut ticket: Ticket) -> Ran {
        loop {
            // Last line of defence: a job's own boundary should have caught everything. A step
            // that panics anyway ends this ticket (a batch's chunk guard still counts its chunk).
            let step = catch_unwind(AssertUnwindSafe(|| ticket.job.step())).unwrap_or(Step::Done);
            if ticket.job.leave() {
                // Written off while it ran: a replacement took its place. Its ticket goes back to
                // the queue if the job has more to do (another thread picks it up).
                if step == Step::More {
                    let mut s = self.lock();
                    ticket.queued.fetch_add(1, Ordering::Relaxed);
                    s.tickets.push_back(ticket);
                    self.queued.store(s.tickets.len(), Ordering::Relaxed);
                    let wake = s.idle > 0;
                    drop(s);
                    if wake {
                        self.ready.notify_one();
                    }
                }
                return Ran::Left;
            }
            if step == Step::Done {
                return Ran::Done;
            }
            if self.queued.load(Ordering::Relaxed) <= ticket.queued.load(Ordering::Relaxed) {
                continue;
            }
            let mut s = self.lock();
            let Some(at) = s.tickets.iter().position(|t| !Arc::ptr_eq(t, &ticket)) else {
                continue; // the counts were stale: only this job waits
            };
            // Take the first other ticket; this one goes to the back (the total is unchanged).
            let Some(other) = s.tickets.remove(at) else { continue };
            other.queued.fetch_sub(1, Ordering::Relaxed);
            ticket.queued.fetch_add(1, Ordering::Relaxed);
            s.tickets.push_back(ticket);
            ticket = other;
            // A thread that went idle meanwhile would leave the ticket just pushed waiting: wake it.
            if s.idle > 0 {
                drop(s);
                self.ready.notify_one();
            }
        }
    }
}

/// How [`ThreadPool::run`] ended for the calling thread.
#[derive(PartialEq, Eq)]
enum Ran {
    /// The ticket is done: take the next one.
    Done,
    /// The thread was written off while it ran: it must leave the pool.
    Left,
}

impl Default for ThreadPool {
    fn default() -> Self {
        ThreadPool::new(DEFAULT_IDLE_TIMEOUT)
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

/// The idle timeout of extra threads: `POOLKIT_NATIVE_IDLE_MS` (an integer from 1 to one hour, in
/// milliseconds; meant for tests) or [`DEFAULT_IDLE_TIMEOUT`].
pub fn idle_timeout() -> Duration {
    std::env::var("POOLKIT_NATIVE_IDLE_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&ms| (1..=3_600_000).contains(&ms))
        .map_or(DEFAULT_IDLE_TIMEOUT, Duration::from_millis)
}

/// The one pool of this process, sized [`default_threads`] and started on first use.
pub fn global() -> &'static ThreadPool {
    static POOL: OnceLock<ThreadPool> = OnceLock::new();
    static SIZED: Once = Once::new();
    let pool = POOL.get_or_init(|| ThreadPool::new(idle_timeout()));
    SIZED.call_once(|| {
        // If the OS refuses a thread, the size is still set; submit's own ensure_threads call
        // tries again and reports the error.
        let _ = pool.ensure_size(default_threads());
    });
    pool
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    fn leaked_pool(size: usize, idle_timeout: Duration) -> &'static ThreadPool {
        let pool: &'static ThreadPool = Box::leak(Box::new(ThreadPool::new(idle_timeout)));
        pool.ensure_size(size).unwrap();
        pool
    }

    /// Waits (bounded) until `f` holds.
    fn eventually(f: impl Fn() -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if f() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    /// `steps` steps, each sleeping `each`; reports on `done` when a ticket finishes its last one.
    struct Steps {
        left: AtomicUsize,
        each: Duration,
        ran: AtomicUsize,
        done: Mutex<mpsc::Sender<&'static str>>,
        name: &'static str,
    }
    impl Steps {
        fn new(name: &'static str, steps: usize, each: Duration, done: mpsc::Sender<&'static str>) -> Arc<Steps> {
            Arc::new(Steps {
                left: AtomicUsize::new(steps),
                each,
                ran: AtomicUsize::new(0),
                done: Mutex::new(done),
                name,
            })
        }
    }
    impl Job for Steps {
        fn step(&self) -> Step {
            let claimed = self
                .left
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
            let Ok(before) = claimed else { return Step::Done };
            std::thread::sleep(self.each);
            self.ran.fetch_add(1, Ordering::SeqCst);
            if before == 1 {
                self.done.lock().unwrap().send(self.name).unwrap();
                Step::Done
            } else {
                Step::More
            }
        }
    }

    #[test]
    fn every_step_runs_once_across_tickets() {
        let pool = leaked_pool(3, DEFAULT_IDLE_TIMEOUT);
        let (tx, rx) = mpsc::channel();
        let job = Steps::new("job", 50, Duration::ZERO, tx);
        pool.submit(job.clone(), 5);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), "job");
        assert!(eventually(|| job.ran.load(Ordering::SeqCst) == 50));
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(job.ran.load(Ordering::SeqCst), 50);
    }

    #[test]
    fn a_short_job_queued_behind_a_long_one_runs_within_a_step() {
        let pool = leaked_pool(1, DEFAULT_IDLE_TIMEOUT);
        let (tx, rx) = mpsc::channel();
        let long = Steps::new("long", 100, Duration::from_millis(10), tx.clone());
        // More tickets than threads: the thread passes over the long job's own waiting tickets.
        pool.submit(long.clone(), 4);
        assert!(eventually(|| long.ran.load(Ordering::SeqCst) >= 1));
        pool.submit(Steps::new("short", 1, Duration::ZERO, tx), 1);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), "short");
        assert!(
            long.ran.load(Ordering::SeqCst) < 50,
            "the short job waited for most of the long one"
        );
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), "long");
    }

    #[test]
    fn ensure_size_only_grows_and_is_capped() {
        let pool = leaked_pool(2, DEFAULT_IDLE_TIMEOUT);
        assert_eq!(pool.ensure_size(1).unwrap(), 2);
        assert_eq!(pool.ensure_size(4).unwrap(), 4);
        assert_eq!(pool.threads(), 4);
        assert_eq!(pool.size(), 4);
        let capped: &'static ThreadPool = Box::leak(Box::new(ThreadPool::default()));
        assert_eq!(capped.ensure_size(MAX_THREADS + 10).unwrap(), MAX_THREADS);
    }

    #[test]
    fn extra_threads_exit_after_the_idle_timeout_and_the_size_stays() {
        let pool = leaked_pool(2, Duration::from_millis(50));
        assert_eq!(pool.ensure_threads(6).unwrap(), 6);
        assert_eq!(pool.size(), 2);
        assert!(eventually(|| pool.threads() == 2), "threads: {}", pool.threads());
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(pool.threads(), 2);
        // The pool still runs work, and grows again on demand.
        let (tx, rx) = mpsc::channel();
        pool.ensure_threads(4).unwrap();
        pool.submit(Steps::new("again", 8, Duration::from_millis(1), tx), 4);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), "again");
        assert!(eventually(|| pool.threads() == 2));
    }

    #[test]
    fn concurrent_growth_starts_exactly_the_threads_asked_for() {
        let pool = leaked_pool(1, DEFAULT_IDLE_TIMEOUT);
        let go = Arc::new(AtomicBool::new(false));
        let callers: Vec<_> = (0..4)
            .map(|_| {
                let go = Arc::clone(&go);
                std::thread::spawn(move || {
                    while !go.load(Ordering::Acquire) {
                        std::hint::spin_loop();
                    }
                    pool.ensure_size(8).unwrap();
                })
            })
            .collect();
        go.store(true, Ordering::Release);
        for c in callers {
            c.join().unwrap();
        }
        assert_eq!(pool.threads(), 8);
        assert_eq!(pool.lock().started, 8);
    }

    struct Boom(Mutex<mpsc::Sender<&'static str>>);
    impl Job for Boom {
        fn step(&self) -> Step {
            self.0.lock().unwrap().send("boom").unwrap();
            panic!("a job that escapes its own boundary");
        }
    }

    #[test]
    fn a_panicking_job_does_not_kill_its_thread() {
        let pool = leaked_pool(1, DEFAULT_IDLE_TIMEOUT);
        let (tx, rx) = mpsc::channel();
        pool.submit(Arc::new(Boom(Mutex::new(tx.clone()))), 1);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), "boom");
        pool.submit(Steps::new("after", 1, Duration::ZERO, tx), 1);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), "after");
        assert_eq!(pool.threads(), 1);
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
