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
//! unawaited batch does. `pending` and the batch map are touched only on the env's JS thread.
use crate::batch::{Chunk, Outcome};
use crate::kernel::Shape;
use crate::napi::{Env, ErrorKind, JsError, JsResult};
use crate::sys::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The shared half: what pool threads hold (through their batches' `on_done`).
pub struct Channel {
    /// The env's threadsafe function, as an address; `None` once Node has finalized it or the
    /// env is being torn down. Pool threads hold this lock while calling it.
    tsfn: Mutex<Option<usize>>,
    /// Set when the env is torn down: every batch of this env stops at its next chunk.
    pub closed: Arc<AtomicBool>,
}

/// One finished batch on its way to its JS callback.
pub struct Completion {
    pub id: u64,
    /// A `napi_ref` to the batch's callback, as an address; only ever used on the env's thread.
    pub callback: usize,
    pub outcome: Outcome,
}

impl Channel {
    fn tsfn(&self) -> Option<napi_threadsafe_function> {
        self.tsfn
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map(|p| p as napi_threadsafe_function)
    }

    /// Sends a completion to the env's JS thread, or drops it if the env is gone.
    pub fn deliver(&self, completion: Completion) {
        let guard = self.tsfn.lock().unwrap_or_else(|e| e.into_inner());
        let Some(tsfn) = *guard else { return };
        let data = Box::into_raw(Box::new(completion));
        // SAFETY: the tsfn is live: it is only freed after its finalizer or the cleanup hook has
        // set the slot to None under this same lock, which we hold. On success Node owns `data`
        // until call_js; on failure (napi_closing) it never will, so we take it back.
        let status = unsafe {
            napi_call_threadsafe_function(tsfn as napi_threadsafe_function, data.cast(), napi_tsfn_nonblocking)
        };
        if status != napi_ok {
            // SAFETY: Node refused the call and did not keep `data`; it came from Box::into_raw above.
            drop(unsafe { Box::from_raw(data) });
        }
    }
}

/// The JS-thread half, stored as the env's instance data.
pub struct EnvState {
    pub channel: Arc<Channel>,
    pending: Cell<usize>,
    next_id: Cell<u64>,
    batches: RefCell<HashMap<u64, Arc<AtomicBool>>>,
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
        unsafe { napi_unref_threadsafe_function(env.0, tsfn) };
        *channel.tsfn.lock().unwrap_or_else(|e| e.into_inner()) = Some(tsfn as usize);

        let hook_arg = Arc::into_raw(Arc::clone(&channel)) as *mut c_void;
        // SAFETY: env_cleanup takes back this Arc reference when Node calls it (once).
        unsafe { napi_add_env_cleanup_hook(env.0, Some(env_cleanup), hook_arg) };

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
            // SAFETY: Node did not take the pointer; it came from Box::into_raw above.
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
        unsafe { napi_get_instance_data(env.0, &mut data) };
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

    /// Registers a batch about to start: returns its id; refs the tsfn when it is the first pending.
    pub fn begin(&self, env: Env, cancel: Arc<AtomicBool>) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.batches.borrow_mut().insert(id, cancel);
        if self.pending.get() == 0 {
            if let Some(tsfn) = self.channel.tsfn() {
                // SAFETY: called on the env's own thread while the tsfn is live (slot is Some).
                unsafe { napi_ref_threadsafe_function(env.0, tsfn) };
            }
        }
        self.pending.set(self.pending.get() + 1);
        id
    }

    /// Forgets a finished batch; unrefs the tsfn when nothing is pending any more.
    fn end(&self, env: Env, id: u64) {
        if self.batches.borrow_mut().remove(&id).is_none() {
            return;
        }
        self.pending.set(self.pending.get() - 1);
        if self.pending.get() == 0 {
            if let Some(tsfn) = self.channel.tsfn() {
                // SAFETY: as in begin.
                unsafe { napi_unref_threadsafe_function(env.0, tsfn) };
            }
        }
    }

    /// Asks a batch to stop at its next chunk; false when it is not (or no longer) pending.
    pub fn cancel(&self, id: u64) -> bool {
        match self.batches.borrow().get(&id) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Batches of this env not yet delivered to JS.
    pub fn pending(&self) -> usize {
        self.pending.get()
    }
}

/// The JS value(s) a completion hands to its callback: `(error, data, offsets)`.
fn callback_args(env: Env, outcome: &Outcome) -> JsResult<[napi_value; 3]> {
    match outcome {
        Outcome::Done {
            shape: Shape::Numbers { .. },
            chunks,
        } => {
            let parts: Vec<&[f64]> = chunks
                .iter()
                .map(|c| match c {
                    Chunk::Numbers(v) => v.as_slice(),
                    Chunk::Bytes(_) => &[],
                })
                .collect();
            Ok([env.null()?, env.float64_array(&parts)?, env.undefined()?])
        }
        Outcome::Done {
            shape: Shape::Bytes { .. },
            chunks,
        } => {
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
            Ok([env.null()?, env.buffer(&parts)?, env.float64_array(&[&offsets])?])
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

/// Runs on the env's JS thread for each delivered completion (or with a NULL env at teardown,
/// when the data only needs freeing).
unsafe extern "C" fn call_js(env: napi_env, _js_callback: napi_value, _context: *mut c_void, data: *mut c_void) {
    // SAFETY: `data` came from Box::into_raw in Channel::deliver and Node hands it over once.
    let completion = unsafe { Box::from_raw(data as *mut Completion) };
    if env.is_null() {
        return;
    }
    let env = Env(env);
    let _ = catch_unwind(AssertUnwindSafe(|| -> JsResult<()> {
        let state = EnvState::of(env)?;
        state.end(env, completion.id);
        let reference = completion.callback as napi_ref;
        let mut callback = ptr::null_mut();
        // SAFETY: the reference was created in this env by submit and is deleted only here.
        unsafe { napi_get_reference_value(env.0, reference, &mut callback) };
        // SAFETY: as above; deleted exactly once.
        unsafe { napi_delete_reference(env.0, reference) };
        let args = match callback_args(env, &completion.outcome) {
            Ok(args) => args,
            Err(e) => [env.error(&e)?, env.undefined()?, env.undefined()?],
        };
        let recv = env.undefined()?;
        let mut result = ptr::null_mut();
        // SAFETY: callback is a live function handle (type-checked at submit); args are live handles.
        // An exception it throws stays pending and Node reports it as uncaught.
        unsafe { napi_call_function(env.0, recv, callback, args.len(), args.as_ptr(), &mut result) };
        Ok(())
    }));
}

/// Node finalized the threadsafe function (released, or its env torn down).
unsafe extern "C" fn tsfn_finalize(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the Arc reference leaked in install() for this purpose; Node calls this once.
    let channel = unsafe { Arc::from_raw(data as *const Channel) };
    channel.closed.store(true, Ordering::Relaxed);
    *channel.tsfn.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// The env is being torn down (process exit or worker terminate): stop its batches and make
/// sure no pool thread calls its threadsafe function again.
unsafe extern "C" fn env_cleanup(arg: *mut c_void) {
    // SAFETY: `arg` is the Arc reference leaked in install() for this hook; Node calls it once.
    let channel = unsafe { Arc::from_raw(arg as *const Channel) };
    channel.closed.store(true, Ordering::Relaxed);
    let taken = channel.tsfn.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(tsfn) = taken {
        // SAFETY: the slot still held it, so its finalizer has not run and it is live.
        unsafe { napi_release_threadsafe_function(tsfn as napi_threadsafe_function, napi_tsfn_abort) };
    }
}

/// Instance-data finalizer: frees the env's state.
unsafe extern "C" fn drop_env_state(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the Box<EnvState> from install(); Node calls this once, at teardown.
    drop(unsafe { Box::from_raw(data as *mut EnvState) });
}
