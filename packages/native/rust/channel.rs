//! The way results get back to JS: one threadsafe function per Node environment (the main
//! thread and every worker each have one), guarded so that no pool thread ever calls it after
//! Node has freed it.
//!
//! ```text
//!  pool thread ──on_done──▶ Channel::deliver ──lock──▶ Some(tsfn)? call (nonblocking) ──▶ call_js on the
//!                                              │                                             env's JS thread
//!                                              └─ None (env torn down): drop the result
//!  tsfn finalizer / env cleanup hook ──lock──▶ set None   (same mutex ⇒ never freed mid-call)
//! ```
//! The threadsafe function is unref'd while this environment has no batch in flight, so an idle
//! pool never keeps the process (or a worker) alive, and ref'd while one is pending, so an
//! unawaited batch does. A cancelled batch stops counting as pending at once (it is *detached*):
//! its promise already rejected, and a kernel that ignores cancellation must not keep the process
//! alive. `pending` and the batch map are touched only on the env's JS thread.
//!
//! Two kinds of message travel: a batch's completion (once), and for a *watched* batch (one
//! submitted with an `onProgress` function) progress pings. A ping carries only the batch id and
//! is coalesced (at most one in the queue per batch: the `ping` flag is set by the pool thread
//! that sends it and cleared on the JS thread before the counters are read, so no progress is
//! missed); on the JS thread it reads the batch's counters and the results finished since the
//! last ping, and calls `onProgress` with them.
//!
//! Every `extern "C"` function here is called by Node only; each states what it relies on.
use crate::batch::{Batch, Chunk, Outcome};
use crate::kernel::Shape;
use crate::napi::{boundary, check, Env, ErrorKind, JsError, JsResult, Reference};
use crate::sys::*;
use crate::thread_pool;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// An env's threadsafe function handle.
#[derive(Clone, Copy)]
struct Tsfn(napi_threadsafe_function);

// SAFETY: threadsafe functions are the Node-API object made to be used from any thread:
// `napi_call_threadsafe_function` and `napi_release_threadsafe_function` may be called from any
// thread while the function is alive, which the `Channel` mutex guarantees (see the module doc);
// ref/unref are only called on the env's own JS thread.
unsafe impl Send for Tsfn {}

/// The shared half: what pool threads hold (through their batches' `on_done`).
pub struct Channel {
    /// The env's threadsafe function; `None` once Node has finalized it or the env is being torn
    /// down. Pool threads hold this lock while calling it.
    tsfn: Mutex<Option<Tsfn>>,
    /// Set when the env is torn down: every batch of this env stops at its next chunk.
    pub closed: Arc<AtomicBool>,
}

/// One finished batch on its way to its JS callback.
pub struct Completion {
    pub id: u64,
    /// The batch's callback; read (and deleted) on the env's thread only.
    pub callback: Reference,
    pub outcome: Outcome,
}

/// What a pool thread sends to the env's JS thread.
pub enum Message {
    /// A batch ended.
    Done(Completion),
    /// A watched batch made progress (see the module doc).
    Progress(u64),
}

impl Channel {
    fn slot(&self) -> MutexGuard<'_, Option<Tsfn>> {
        self.tsfn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn tsfn(&self) -> Option<Tsfn> {
        *self.slot()
    }

    /// Sends a completion to the env's JS thread, or drops it if the env is gone.
    pub fn deliver(&self, completion: Completion) {
        self.send(Message::Done(completion));
    }

    /// Sends a progress ping for batch `id` unless one is queued already (`ping` set).
    pub fn ping(&self, id: u64, ping: &AtomicBool) {
        if !ping.swap(true, Ordering::AcqRel) {
            self.send(Message::Progress(id));
        }
    }

    fn send(&self, message: Message) {
        let guard = self.slot();
        let Some(tsfn) = *guard else { return };
        let data = Box::into_raw(Box::new(message));
        // SAFETY: the tsfn is live: it is only freed after its finalizer or the cleanup hook has
        // set the slot to None under this same lock, which we hold. On success Node owns `data`
        // until call_js; on failure (napi_closing) it never will, so we take it back.
        let status = unsafe { napi_call_threadsafe_function(tsfn.0, data.cast(), napi_tsfn_nonblocking) };
        if status != napi_ok {
            // SAFETY: Node refused the call and did not keep `data`; it came from Box::into_raw above.
            drop(unsafe { Box::from_raw(data) });
        }
    }
}

/// A batch of this env not yet delivered, as the JS thread tracks it.
pub struct Flight {
    /// Set to cancel the batch.
    pub cancel: Arc<AtomicBool>,
    /// The batch (its counters, its finished results, its stuck threads).
    pub batch: Arc<Batch>,
    /// Counted in `pending` (keeps the tsfn ref'd); false once cancelled (detached).
    pub attached: bool,
    /// Threads stuck in this batch were written off already.
    pub rescued: bool,
    /// Present for a watched batch.
    pub watch: Option<Watch>,
}

/// The progress side of a watched batch.
pub struct Watch {
    /// `onProgress(claimed, finished, data, offsets)`.
    pub on_progress: Reference,
    /// Set while a ping is queued (see the module doc).
    pub ping: Arc<AtomicBool>,
    /// Chunks whose results were handed to `onProgress` already.
    pub reported: usize,
}

/// The JS-thread half, stored as the env's instance data.
pub struct EnvState {
    pub channel: Arc<Channel>,
    pending: Cell<usize>,
    next_id: Cell<u64>,
    batches: RefCell<HashMap<u64, Flight>>,
}

/// Releases a threadsafe function on a failing setup path.
fn abandon(tsfn: napi_threadsafe_function) {
    // Status discarded: we are already reporting the setup failure; if the release fails too, Node
    // still frees the function (and runs its finalizer) when the env is torn down.
    // SAFETY: tsfn was created by install() on this thread and is released once, here.
    let _ = unsafe { napi_release_threadsafe_function(tsfn, napi_tsfn_abort) };
}

impl EnvState {
    /// Creates this env's state and threadsafe function (unref'd) and registers the teardown hooks.
    pub fn install(env: Env) -> JsResult<()> {
        let channel = Arc::new(Channel {
            tsfn: Mutex::new(None),
            closed: Arc::new(AtomicBool::new(false)),
        });
        let name = env.string("poolkit-native")?;
        let mut tsfn: napi_threadsafe_function = ptr::null_mut();
        let finalize_data = Arc::into_raw(Arc::clone(&channel)) as *mut c_void;
        // SAFETY: env is live; func may be NULL because call_js is given; finalize_data is an
        // Arc reference that tsfn_finalize takes back exactly once.
        let status = unsafe {
            napi_create_threadsafe_function(
                env.0,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                finalize_data,
                Some(tsfn_finalize),
                ptr::null_mut(),
                Some(call_js),
                &mut tsfn,
            )
        };
        if status != napi_ok {
            // SAFETY: creation failed, so the finalizer will never run; reclaim its reference.
            drop(unsafe { Arc::from_raw(finalize_data as *const Channel) });
            return Err(JsError::new(
                ErrorKind::Error,
                "ERR_NAPI",
                format!("napi_create_threadsafe_function failed: {status}"),
            ));
        }
        // SAFETY: tsfn was just created on this env's thread.
        let status = unsafe { napi_unref_threadsafe_function(env.0, tsfn) };
        if let Err(e) = check(status, "napi_unref_threadsafe_function") {
            // A ref'd function would keep the process alive for good: give up instead.
            abandon(tsfn);
            return Err(e);
        }
        *channel.slot() = Some(Tsfn(tsfn));

        let hook_arg = Arc::into_raw(Arc::clone(&channel)) as *mut c_void;
        // SAFETY: env_cleanup takes back this Arc reference when Node calls it (once).
        let status = unsafe { napi_add_env_cleanup_hook(env.0, Some(env_cleanup), hook_arg) };
        if let Err(e) = check(status, "napi_add_env_cleanup_hook") {
            // SAFETY: Node did not register the hook, so it never takes this reference back.
            drop(unsafe { Arc::from_raw(hook_arg as *const Channel) });
            if let Some(tsfn) = channel.slot().take() {
                abandon(tsfn.0);
            }
            return Err(e);
        }

        let state = Box::new(EnvState {
            channel,
            pending: Cell::new(0),
            next_id: Cell::new(1),
            batches: RefCell::new(HashMap::new()),
        });
        let raw = Box::into_raw(state);
        // SAFETY: drop_env_state takes back the Box when the env is torn down.
        let status = unsafe { napi_set_instance_data(env.0, raw.cast(), Some(drop_env_state), ptr::null_mut()) };
        if status != napi_ok {
            // SAFETY: Node did not take the pointer; it came from Box::into_raw above. The cleanup
            // hook, still registered, releases the function at teardown.
            drop(unsafe { Box::from_raw(raw) });
            return Err(JsError::new(
                ErrorKind::Error,
                "ERR_NAPI",
                "napi_set_instance_data failed",
            ));
        }
        Ok(())
    }

    /// This env's state.
    pub fn of(env: Env) -> JsResult<&'static EnvState> {
        let mut data: *mut c_void = ptr::null_mut();
        // SAFETY: env is live; data is a valid out-pointer.
        check(
            unsafe { napi_get_instance_data(env.0, &mut data) },
            "napi_get_instance_data",
        )?;
        if data.is_null() {
            return Err(JsError::new(
                ErrorKind::Error,
                "ERR_NAPI",
                "poolkit-native was not initialised in this environment",
            ));
        }
        // SAFETY: set by install() to a Box<EnvState> that lives until the env is torn down, and
        // only this env's JS thread (the caller) touches it; 'static is bounded by that in practice
        // because no reference escapes a single call.
        Ok(unsafe { &*(data as *const EnvState) })
    }

    /// The id the next batch will have (ids are never reused within an env).
    pub fn next_id(&self) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        id
    }

    /// Registers batch `id` (from [`EnvState::next_id`]) about to start; refs the tsfn when it
    /// is the first pending. On error nothing was registered.
    pub fn begin(&self, env: Env, id: u64, flight: Flight) -> JsResult<()> {
        if self.pending.get() == 0 {
            if let Some(tsfn) = self.channel.tsfn() {
                // SAFETY: called on the env's own thread while the tsfn is live (slot is Some).
                let status = unsafe { napi_ref_threadsafe_function(env.0, tsfn.0) };
                // Unref'd, the process could exit before an unawaited batch's result arrives.
                check(status, "napi_ref_threadsafe_function")?;
            }
        }
        self.batches.borrow_mut().insert(id, flight);
        self.pending.set(self.pending.get() + 1);
        Ok(())
    }

    /// One batch less keeps the tsfn ref'd; unrefs it when none is left.
    fn detach(&self, env: Env) -> JsResult<()> {
        self.pending.set(self.pending.get() - 1);
        if self.pending.get() == 0 {
            if let Some(tsfn) = self.channel.tsfn() {
                // SAFETY: as in begin.
                let status = unsafe { napi_unref_threadsafe_function(env.0, tsfn.0) };
                // Still ref'd, an idle pool would keep the process alive.
                check(status, "napi_unref_threadsafe_function")?;
            }
        }
        Ok(())
    }

    /// Forgets a finished batch; unrefs the tsfn when nothing is pending any more.
    fn end(&self, env: Env, id: u64) -> JsResult<()> {
        let Some(flight) = self.batches.borrow_mut().remove(&id) else {
            return Ok(());
        };
        if let Some(watch) = flight.watch {
            // Result discarded: an undeleted reference only lives until the env is torn down.
            let _ = watch.on_progress.delete(env);
        }
        if flight.attached {
            self.detach(env)?;
        }
        Ok(())
    }

    /// Asks a batch to stop (kernels that poll stop mid-chunk, the others at the chunk's end)
    /// and detaches it: it no longer keeps the process alive, though its callback still runs
    /// when it ends. False when it is not (or no longer) in flight.
    pub fn cancel(&self, env: Env, id: u64) -> JsResult<bool> {
        let detach = match self.batches.borrow_mut().get_mut(&id) {
            Some(flight) => {
                flight.cancel.store(true, Ordering::Relaxed);
                std::mem::replace(&mut flight.attached, false)
            }
            None => return Ok(false),
        };
        if detach {
            self.detach(env)?;
        }
        Ok(true)
    }

    /// For a cancelled batch whose chunks still run (a kernel that does not poll for
    /// cancellation): writes their threads off and starts replacements, once per batch. Returns
    /// how many threads were replaced.
    pub fn rescue(&self, id: u64) -> Result<usize, String> {
        let batch = match self.batches.borrow_mut().get_mut(&id) {
            Some(flight) if !flight.attached && !flight.rescued && flight.batch.running() > 0 => {
                flight.rescued = true;
                Arc::clone(&flight.batch)
            }
            _ => return Ok(0),
        };
        let n = thread_pool::global().write_off(batch.running())?;
        batch.write_off(n);
        Ok(n)
    }

    /// Batches of this env not yet delivered to JS.
    pub fn pending(&self) -> usize {
        self.pending.get()
    }
}

/// Chunks' outputs end to end as JS values: `(Float64Array, undefined)` for numbers, `(Buffer,
/// offsets)` for bytes.
fn outputs(env: Env, shape: Shape, chunks: &[Chunk]) -> JsResult<[napi_value; 2]> {
    match shape {
        Shape::Numbers { .. } => {
            let parts: Vec<&[f64]> = chunks
                .iter()
                .map(|c| match c {
                    Chunk::Numbers(v) => v.as_slice(),
                    Chunk::Bytes(_) => &[],
                })
                .collect();
            Ok([env.float64_array(&parts)?, env.undefined()?])
        }
        Shape::Bytes { .. } => {
            let mut parts: Vec<&[u8]> = Vec::with_capacity(chunks.len());
            let mut offsets = vec![0.0];
            let mut base = 0usize;
            for c in chunks {
                if let Chunk::Bytes(sink) = c {
                    parts.push(&sink.data);
                    offsets.extend(sink.ends.iter().map(|&e| (base + e) as f64));
                    base += sink.data.len();
                }
            }
            Ok([env.buffer(&parts)?, env.float64_array(&[&offsets])?])
        }
    }
}

/// The JS value(s) a completion hands to its callback: `(error, data, offsets)`.
fn callback_args(env: Env, outcome: &Outcome) -> JsResult<[napi_value; 3]> {
    match outcome {
        Outcome::Done { shape, chunks } => {
            let [data, offsets] = outputs(env, *shape, chunks)?;
            Ok([env.null()?, data, offsets])
        }
        Outcome::Cancelled => {
            let e = JsError::new(ErrorKind::Error, "ERR_BATCH_CANCELLED", "the batch was cancelled");
            Ok([env.error(&e)?, env.undefined()?, env.undefined()?])
        }
        Outcome::Failed { code, message } => {
            let e = JsError::new(ErrorKind::Error, code, message.clone());
            Ok([env.error(&e)?, env.undefined()?, env.undefined()?])
        }
    }
}

/// Hands one completion to its callback, on the env's JS thread.
fn complete_in_js(env: Env, completion: Completion) -> JsResult<napi_value> {
    let Completion { id, callback, outcome } = completion;
    let state = EnvState::of(env)?;
    // Reported after the callback ran: an unref failure must not also cost the batch its result.
    let ended = state.end(env, id);
    let callback = callback.take(env)?;
    let args = match callback_args(env, &outcome) {
        Ok(args) => args,
        Err(e) => [env.error(&e)?, env.undefined()?, env.undefined()?],
    };
    let recv = env.undefined()?;
    let mut result = ptr::null_mut();
    // SAFETY: callback is a live function handle (type-checked at submit); args are live handles.
    let status = unsafe { napi_call_function(env.0, recv, callback, args.len(), args.as_ptr(), &mut result) };
    // napi_pending_exception: the callback threw. The exception stays pending and Node reports it
    // as uncaught, as for any callback; it is not ours to handle.
    if status != napi_pending_exception {
        check(status, "napi_call_function")?;
    }
    ended?;
    env.undefined()
}

/// Hands a watched batch's progress to its `onProgress(claimed, finished, data, offsets)`: chunks
/// claimed so far, chunks whose results JS has now (in order), and the results of those new
/// since the last call (`data` undefined when there are none).
fn progress_in_js(env: Env, id: u64) -> JsResult<napi_value> {
    let state = EnvState::of(env)?;
    // Read under the borrow, call JS after it (the callback may cancel the batch).
    let (function, claimed, finished, fresh, shape) = {
        let mut batches = state.batches.borrow_mut();
        let Some(flight) = batches.get_mut(&id) else {
            return env.undefined();
        };
        let Some(watch) = flight.watch.as_mut() else {
            return env.undefined();
        };
        // Cleared before reading: progress made after this point sends a new ping.
        watch.ping.store(false, Ordering::SeqCst);
        let claimed = flight.batch.claimed();
        let fresh = flight.batch.finished_prefix(watch.reported);
        watch.reported += fresh.len();
        let function = watch.on_progress.get(env)?;
        (function, claimed, watch.reported, fresh, flight.batch.output())
    };
    let [data, offsets] = if fresh.is_empty() {
        [env.undefined()?, env.undefined()?]
    } else {
        outputs(env, shape, &fresh)?
    };
    let args = [env.number(claimed as f64)?, env.number(finished as f64)?, data, offsets];
    let recv = env.undefined()?;
    let mut result = ptr::null_mut();
    // SAFETY: function is a live function handle (type-checked at submit); args are live handles.
    let status = unsafe { napi_call_function(env.0, recv, function, args.len(), args.as_ptr(), &mut result) };
    // napi_pending_exception: the callback threw; Node reports it as uncaught, as for any callback.
    if status != napi_pending_exception {
        check(status, "napi_call_function")?;
    }
    env.undefined()
}

/// Runs on the env's JS thread for each delivered message (or with a NULL env at teardown,
/// when the data only needs freeing).
///
/// # Safety
/// Called by Node only, as the `call_js` of a threadsafe function made by [`EnvState::install`]:
/// `env` is that env, live, and this is its JS thread (or `env` is NULL); `data` is a
/// `Box<Message>` from [`Channel::send`], handed over exactly once.
unsafe extern "C" fn call_js(env: napi_env, _js_callback: napi_value, _context: *mut c_void, data: *mut c_void) {
    // SAFETY: `data` came from Box::into_raw in Channel::send and Node hands it over once.
    let message = unsafe { Box::from_raw(data as *mut Message) };
    if env.is_null() {
        // Torn down: nothing to call. The callback's reference goes with its env.
        return;
    }
    let env = Env(env);
    // Result discarded: call_js returns nothing to Node. An error or panic has been thrown into
    // JS by the boundary, and Node reports it as an uncaught exception.
    let _ = boundary(env, || match *message {
        Message::Done(completion) => complete_in_js(env, completion),
        Message::Progress(id) => progress_in_js(env, id),
    });
}

/// Node finalized the threadsafe function (released, or its env torn down).
///
/// # Safety
/// Called by Node only, once, as the finalizer given in [`EnvState::install`]: `data` is the
/// `Arc<Channel>` reference leaked there for it.
unsafe extern "C" fn tsfn_finalize(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the Arc reference leaked in install() for this purpose; Node calls this once.
    let channel = unsafe { Arc::from_raw(data as *const Channel) };
    channel.closed.store(true, Ordering::Relaxed);
    *channel.slot() = None;
}

/// The env is being torn down (process exit or worker terminate): stop its batches and make
/// sure no pool thread calls its threadsafe function again.
///
/// # Safety
/// Called by Node only, once, as the cleanup hook added in [`EnvState::install`]: `arg` is the
/// `Arc<Channel>` reference leaked there for it.
unsafe extern "C" fn env_cleanup(arg: *mut c_void) {
    // SAFETY: `arg` is the Arc reference leaked in install() for this hook; Node calls it once.
    let channel = unsafe { Arc::from_raw(arg as *const Channel) };
    channel.closed.store(true, Ordering::Relaxed);
    let taken = channel.slot().take();
    if let Some(tsfn) = taken {
        // Status discarded: a cleanup hook cannot report, and a failure means the function is
        // already closing, which is what this asks for.
        // SAFETY: the slot still held it, so its finalizer has not run and it is live.
        let _ = unsafe { napi_release_threadsafe_function(tsfn.0, napi_tsfn_abort) };
    }
}

/// Instance-data finalizer: frees the env's state.
///
/// # Safety
/// Called by Node only, once, at teardown, as the finalizer given to `napi_set_instance_data` in
/// [`EnvState::install`]: `data` is the `Box<EnvState>` leaked there.
unsafe extern "C" fn drop_env_state(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the Box<EnvState> from install(); Node calls this once, at teardown.
    drop(unsafe { Box::from_raw(data as *mut EnvState) });
}
