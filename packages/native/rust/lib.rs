//! `@poolkit/native`: the Node-API surface, and only that. The pool (`thread_pool`), the batch
//! (`batch`), the kernels (`kernel`, `table`, `kernels/`, `library`) are plain Rust; `sys` declares Node-API, `napi`
//! wraps it safely, `channel` carries results back to each JS thread.
//!
//! Exports (mirrored by `src/addon.ts`, and a test checks they match):
//! - `kernels()` → `[{ name, input, inputArity, output, outputArity, outputBytes }]`
//! - `threads()` → the pool's size; `ensureThreads(n)` → raises the size to ≥ n, returns the size
//! - `submit(kernel, input, offsets, params, parallelism, chunkSize, callback, onProgress?)` →
//!   batch id; with `onProgress` the batch is watched (see `channel`)
//! - `loadLibrary(path)` → loads a user kernel library (once per canonical path) and lists its
//!   kernels like `kernels()` does
//! - `cancel(id)` → whether a batch in flight was asked to stop (and detached); `pending()` →
//!   batches in flight here, not counting detached ones
//! - `rescue(id)` → for a cancelled batch whose kernel still runs: threads replaced
#![deny(unsafe_op_in_unsafe_fn)]

pub mod batch;
pub mod input;
pub mod kernel;
pub mod kernels;
pub mod library;
pub mod table;
pub mod thread_pool;

#[cfg(not(test))]
mod channel;
#[cfg(not(test))]
mod napi;
#[cfg(not(test))]
mod sys;

#[cfg(not(test))]
mod surface {
    use crate::batch::{default_chunk_size, Batch, BatchError, Plan};
    use crate::channel::{Completion, EnvState, Flight, Watch};
    use crate::input::Input;
    use crate::kernel::{Kernel, Shape};
    use crate::kernels::registry;
    use crate::library;
    use crate::napi::{boundary, Env, ErrorKind, JsError, JsResult, Reference};
    use crate::sys::*;
    use crate::thread_pool::{self, MAX_THREADS};
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    /// The largest chunk size accepted (items).
    const MAX_CHUNK: usize = 1 << 32;

    /// `{ name, input, inputArity, output, outputArity, outputBytes }` for one kernel.
    fn kernel_info(env: Env, k: &Kernel) -> JsResult<napi_value> {
        let o = env.object()?;
        env.set(o, "name", env.string(k.name())?)?;
        let (input, input_arity) = match k.input() {
            Shape::Numbers { arity } => ("numbers", arity as f64),
            Shape::Bytes { .. } => ("bytes", 0.0),
        };
        env.set(o, "input", env.string(input)?)?;
        env.set(o, "inputArity", env.number(input_arity)?)?;
        let (output, arity, bytes) = match k.output(&[]) {
            Ok(Shape::Numbers { arity }) => ("numbers", arity as f64, -1.0),
            Ok(Shape::Bytes { len }) => ("bytes", 0.0, len.map_or(-1.0, |l| l as f64)),
            Err(_) => ("numbers", 0.0, -1.0),
        };
        env.set(o, "output", env.string(output)?)?;
        env.set(o, "outputArity", env.number(arity)?)?;
        env.set(o, "outputBytes", env.number(bytes)?)?;
        Ok(o)
    }

    fn kernel_list(env: Env, all: &[&'static Kernel]) -> JsResult<napi_value> {
        let list = env.array(all.len())?;
        for (i, k) in all.iter().enumerate() {
            env.set_index(list, i as u32, kernel_info(env, k)?)?;
        }
        Ok(list)
    }

    fn kernels(env: Env, _info: napi_callback_info) -> JsResult<napi_value> {
        kernel_list(env, registry().all())
    }

    fn load_library(env: Env, info: napi_callback_info) -> JsResult<napi_value> {
        let [path] = env.args::<1>(info)?;
        let path = env.get_path(path, "library")?;
        let kernels = library::load(&path).map_err(|e| JsError::new(ErrorKind::Error, e.code(), e.to_string()))?;
        kernel_list(env, &kernels)
    }

    fn thread_start_error(message: String) -> JsError {
        JsError::new(ErrorKind::Error, "ERR_THREAD_START", message)
    }

    /// The JS error for a batch [`Batch::new`] refused.
    fn batch_error(e: BatchError) -> JsError {
        let message = e.to_string();
        match e {
            BatchError::WrongInput { .. } | BatchError::InvalidParams { .. } => JsError::range_error(message),
            BatchError::ParamsPanicked { .. } => JsError::new(ErrorKind::Error, "ERR_KERNEL_PANIC", message),
        }
    }

    fn threads(env: Env, _info: napi_callback_info) -> JsResult<napi_value> {
        env.number(thread_pool::global().size() as f64)
    }

    fn ensure_threads(env: Env, info: napi_callback_info) -> JsResult<napi_value> {
        let [n] = env.args::<1>(info)?;
        let n = env.get_integer(n, "threads", 1, MAX_THREADS)?;
        let size = thread_pool::global().ensure_size(n).map_err(thread_start_error)?;
        env.number(size as f64)
    }

    fn pending(env: Env, _info: napi_callback_info) -> JsResult<napi_value> {
        env.number(EnvState::of(env)?.pending() as f64)
    }

    /// A batch id argument: a positive integer (or `None`, which no batch has).
    fn batch_id(env: Env, value: napi_value) -> JsResult<Option<u64>> {
        let id = env.get_number(value, "id")?;
        Ok((id.fract() == 0.0 && id >= 1.0 && id <= u64::MAX as f64).then_some(id as u64))
    }

    fn cancel(env: Env, info: napi_callback_info) -> JsResult<napi_value> {
        let [id] = env.args::<1>(info)?;
        let found = match batch_id(env, id)? {
            Some(id) => EnvState::of(env)?.cancel(env, id)?,
            None => false,
        };
        env.boolean(found)
    }

    fn rescue(env: Env, info: napi_callback_info) -> JsResult<napi_value> {
        let [id] = env.args::<1>(info)?;
        let replaced = match batch_id(env, id)? {
            Some(id) => EnvState::of(env)?.rescue(id).map_err(thread_start_error)?,
            None => 0,
        };
        env.number(replaced as f64)
    }

    fn submit(env: Env, info: napi_callback_info) -> JsResult<napi_value> {
        let [name, input, offsets, params, parallelism, chunk_size, callback, on_progress] = env.args::<8>(info)?;
        let name = env.get_string(name, "kernel")?;
        let kernel = library::find(&name).ok_or_else(|| {
            JsError::new(
                ErrorKind::RangeError,
                "ERR_UNKNOWN_KERNEL",
                format!("unknown kernel {name:?}"),
            )
        })?;
        let input = match kernel.input() {
            Shape::Numbers { arity } => {
                let values = env.copy_typed_array::<f64>(input, napi_float64_array, "input", "Float64Array")?;
                Input::numbers(values, arity).map_err(JsError::range_error)?
            }
            Shape::Bytes { .. } => {
                let data = env.copy_typed_array::<u8>(input, napi_uint8_array, "input", "Uint8Array")?;
                let offsets = env.copy_typed_array::<f64>(offsets, napi_float64_array, "offsets", "Float64Array")?;
                Input::bytes(data, &offsets).map_err(JsError::range_error)?
            }
        };
        let params = match env.type_of(params)? {
            t if t == napi_undefined || t == napi_null => Vec::new(),
            _ => env.copy_typed_array::<f64>(params, napi_float64_array, "params", "Float64Array")?,
        };
        let parallelism = env.get_integer(parallelism, "threads", 1, MAX_THREADS)?;
        let chunk_size = match env.get_integer(chunk_size, "chunkSize", 0, MAX_CHUNK)? {
            0 => default_chunk_size(input.len(), parallelism),
            n => n,
        };
        if env.type_of(callback)? != napi_function {
            return Err(JsError::type_error("callback must be a function"));
        }
        let watched = match env.type_of(on_progress)? {
            t if t == napi_undefined => false,
            t if t == napi_function => true,
            _ => return Err(JsError::type_error("onProgress must be a function or undefined")),
        };

        let state = EnvState::of(env)?;
        let id = state.next_id();
        let cancel = Arc::new(AtomicBool::new(false));
        let ping = Arc::new(AtomicBool::new(false));
        let progress: Option<crate::batch::Progress> = if watched {
            let channel = Arc::clone(&state.channel);
            let ping = Arc::clone(&ping);
            Some(Box::new(move || channel.ping(id, &ping)))
        } else {
            None
        };
        let plan = Plan {
            chunk_size,
            cancel: vec![Arc::clone(&cancel), Arc::clone(&state.channel.closed)],
            progress,
        };
        let batch = Batch::new(kernel, params, input, plan).map_err(batch_error)?;
        // One ticket per thread that can have a chunk; a thread beyond the pool's size is started
        // for this batch and leaves once idle. (An extra that times out before the tickets are
        // queued costs this batch a thread, never all of them: the pool keeps its size.)
        let tickets = parallelism.min(batch.chunks());
        let pool = thread_pool::global();
        pool.ensure_threads(tickets).map_err(thread_start_error)?;

        // Nothing above needs undoing on error; from here the callbacks are held.
        let callback = Reference::new(env, callback)?;
        let watch = if watched {
            match Reference::new(env, on_progress) {
                Ok(on_progress) => Some(Watch {
                    on_progress,
                    ping,
                    reported: 0,
                }),
                Err(e) => {
                    // Result discarded: the call already fails with `e`; an undeleted reference
                    // only lives until the env is torn down.
                    let _ = callback.delete(env);
                    return Err(e);
                }
            }
        } else {
            None
        };
        let channel = Arc::clone(&state.channel);
        let batch = batch.into_job(Box::new(move |outcome| {
            channel.deliver(Completion { id, callback, outcome })
        }));
        let flight = Flight {
            cancel,
            batch: Arc::clone(&batch),
            attached: true,
            rescued: false,
            watch,
        };
        // On error the flight (and the batch, never submitted) is dropped: the batch's Drop
        // hands its completion to the channel, whose callback finds no flight and still runs.
        state.begin(env, id, flight)?;
        if !batch.complete_if_empty() {
            pool.submit(batch, tickets);
        }
        env.number(id as f64)
    }

    macro_rules! export {
        ($name:ident => $f:path) => {
            /// Node's entry point for the export of the same name (see the crate doc).
            ///
            /// # Safety
            /// Called by Node only, on the JS thread of the live `env`, with that call's `info`.
            unsafe extern "C" fn $name(env: napi_env, info: napi_callback_info) -> napi_value {
                let env = Env(env);
                boundary(env, || $f(env, info))
            }
        };
    }
    export!(js_kernels => kernels);
    export!(js_threads => threads);
    export!(js_ensure_threads => ensure_threads);
    export!(js_pending => pending);
    export!(js_cancel => cancel);
    export!(js_rescue => rescue);
    export!(js_load_library => load_library);
    export!(js_submit => submit);

    /// Panics are caught and their message travels in the JS error (`ERR_KERNEL_PANIC`), so the
    /// default hook's stderr report is noise; `POOLKIT_NATIVE_TRACE=1` restores it for debugging.
    /// The hook belongs to this library's own copy of std: other Rust addons are unaffected.
    fn quiet_panics() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            if std::env::var_os("POOLKIT_NATIVE_TRACE").is_none() {
                std::panic::set_hook(Box::new(|_| {}));
            }
        });
    }

    fn init(env: Env, exports: napi_value) -> JsResult<napi_value> {
        quiet_panics();
        EnvState::install(env)?;
        let table: [(&str, napi_callback); 8] = [
            ("kernels", Some(js_kernels)),
            ("threads", Some(js_threads)),
            ("ensureThreads", Some(js_ensure_threads)),
            ("pending", Some(js_pending)),
            ("cancel", Some(js_cancel)),
            ("rescue", Some(js_rescue)),
            ("loadLibrary", Some(js_load_library)),
            ("submit", Some(js_submit)),
        ];
        for (name, cb) in table {
            env.set(exports, name, env.function(name, cb)?)?;
        }
        Ok(exports)
    }

    /// Node's entry point, called once per environment (main thread and each worker) that loads
    /// us. Goes through the same panic boundary as every export: a failure throws a coded error
    /// from `require`/`import` instead of aborting the process.
    ///
    /// # Safety
    /// Called by Node only, on the JS thread of the live `env`, with its `exports` object.
    #[no_mangle]
    pub unsafe extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
        let env = Env(env);
        boundary(env, || init(env, exports))
    }
}
