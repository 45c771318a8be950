//! `@poolkit/native`: the Node-API surface, and only that. The pool (`thread_pool`), the batch
//! (`batch`), the kernels (`kernel`, `kernels/`) are plain Rust; `sys` declares Node-API, `napi`
//! wraps it safely, `channel` carries results back to each JS thread.
//!
//! Exports (mirrored by `src/addon.ts`, and a test checks they match):
//! - `kernels()` → `[{ name, input, inputArity, output, outputArity, outputBytes }]`
//! - `threads()` → pool threads now; `ensureThreads(n)` → grows the pool to ≥ n, returns the count
//! - `submit(kernel, input, offsets, params, parallelism, chunkSize, callback)` → batch id
//! - `cancel(id)` → whether a pending batch was asked to stop; `pending()` → batches in flight here
#![deny(unsafe_op_in_unsafe_fn)]

pub mod batch;
pub mod kernel;
pub mod kernels;
pub mod thread_pool;

#[cfg(not(test))]
mod channel;
#[cfg(not(test))]
mod napi;
#[cfg(not(test))]
mod sys;

#[cfg(not(test))]
mod surface {
    use crate::batch::{default_chunk_size, Batch, Input, Plan};
    use crate::channel::{Completion, EnvState};
    use crate::kernel::Shape;
    use crate::kernels::registry;
    use crate::napi::{boundary, Env, ErrorKind, JsError, JsResult};
    use crate::sys::*;
    use crate::thread_pool::{self, MAX_THREADS};
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::ptr;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    /// The largest chunk size accepted (items).
    const MAX_CHUNK: usize = 1 << 32;

    fn kernels(env: Env, _info: napi_callback_info) -> JsResult<napi_value> {
        let all = registry().all();
        let list = env.array(all.len())?;
        for (i, k) in all.iter().enumerate() {
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
            env.set_index(list, i as u32, o)?;
        }
        Ok(list)
    }

    fn threads(env: Env, _info: napi_callback_info) -> JsResult<napi_value> {
        env.number(thread_pool::global().threads() as f64)
    }

    fn ensure_threads(env: Env, info: napi_callback_info) -> JsResult<napi_value> {
        let [n] = env.args::<1>(info)?;
        let n = env.get_integer(n, "threads", 1, MAX_THREADS)?;
        let count = thread_pool::global()
            .ensure_threads(n)
            .map_err(|m| JsError::new(ErrorKind::Error, "ERR_THREAD_START", m))?;
        env.number(count as f64)
    }

    fn pending(env: Env, _info: napi_callback_info) -> JsResult<napi_value> {
        env.number(EnvState::of(env)?.pending() as f64)
    }

    fn cancel(env: Env, info: napi_callback_info) -> JsResult<napi_value> {
        let [id] = env.args::<1>(info)?;
        let id = env.get_number(id, "id")?;
        let found = id.fract() == 0.0 && id >= 1.0 && EnvState::of(env)?.cancel(id as u64);
        env.boolean(found)
    }

    fn submit(env: Env, info: napi_callback_info) -> JsResult<napi_value> {
        let [name, input, offsets, params, parallelism, chunk_size, callback] = env.args::<7>(info)?;
        let name = env.get_string(name, "kernel")?;
        let kernel = registry().get(&name).ok_or_else(|| {
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

        let pool = thread_pool::global();
        pool.ensure_threads(parallelism)
            .map_err(|m| JsError::new(ErrorKind::Error, "ERR_THREAD_START", m))?;

        let state = EnvState::of(env)?;
        let mut reference: napi_ref = ptr::null_mut();
        // SAFETY: callback is a live function handle of this call; reference is a valid out-pointer.
        let status = unsafe { napi_create_reference(env.0, callback, 1, &mut reference) };
        if status != napi_ok {
            return Err(JsError::new(
                ErrorKind::Error,
                "ERR_NAPI",
                "napi_create_reference failed",
            ));
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let plan = Plan {
            chunk_size,
            cancel: vec![Arc::clone(&cancel), Arc::clone(&state.channel.closed)],
        };
        let id_cell = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (channel, id_for_done, callback_addr) =
            (Arc::clone(&state.channel), Arc::clone(&id_cell), reference as usize);
        let on_done = Box::new(move |outcome| {
            let id = id_for_done.load(std::sync::atomic::Ordering::Acquire);
            channel.deliver(Completion {
                id,
                callback: callback_addr,
                outcome,
            });
        });
        let batch = match Batch::new(kernel, params, input, plan, on_done) {
            Ok(batch) => batch,
            Err((code, message)) => {
                // SAFETY: the reference was created above in this env and is not used elsewhere.
                unsafe { napi_delete_reference(env.0, reference) };
                let kind = if code == "ERR_INVALID_ARG_VALUE" {
                    ErrorKind::RangeError
                } else {
                    ErrorKind::Error
                };
                return Err(JsError::new(kind, code, message));
            }
        };
        let id = state.begin(env, cancel);
        // Published before any thread can run the batch (submit below happens-after this store).
        id_cell.store(id, std::sync::atomic::Ordering::Release);
        if !batch.complete_if_empty() {
            let tickets = parallelism.min(batch.chunks());
            pool.submit(batch, tickets);
        }
        env.number(id as f64)
    }

    macro_rules! export {
        ($name:ident => $f:path) => {
            unsafe extern "C" fn $name(env: napi_env, info: napi_callback_info) -> napi_value {
                boundary(env, info, $f)
            }
        };
    }
    export!(js_kernels => kernels);
    export!(js_threads => threads);
    export!(js_ensure_threads => ensure_threads);
    export!(js_pending => pending);
    export!(js_cancel => cancel);
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
        let table: [(&str, napi_callback); 6] = [
            ("kernels", Some(js_kernels)),
            ("threads", Some(js_threads)),
            ("ensureThreads", Some(js_ensure_threads)),
            ("pending", Some(js_pending)),
            ("cancel", Some(js_cancel)),
            ("submit", Some(js_submit)),
        ];
        for (name, cb) in table {
            env.set(exports, name, env.function(name, cb)?)?;
        }
        Ok(exports)
    }

    /// Node's entry point, called once per environment (main thread and each worker) that loads us.
    ///
    /// # Safety
    /// Called by Node with a live env and its exports object.
    #[no_mangle]
    pub unsafe extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
        let env = Env(env);
        match catch_unwind(AssertUnwindSafe(|| init(env, exports))) {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                env.throw(&e);
                ptr::null_mut()
            }
            Err(_) => {
                env.throw(&JsError::new(
                    ErrorKind::Error,
                    "ERR_NATIVE_PANIC",
                    "poolkit-native panicked while loading",
                ));
                ptr::null_mut()
            }
        }
    }
}
