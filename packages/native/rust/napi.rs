//! The thin safe layer over [`crate::sys`]: status checks, errors with codes, argument parsing
//! that copies input out of JS memory, and the panic boundary every exported function goes through.
use crate::batch::panic_message;
use crate::sys::*;
use std::ffi::{c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// The JS error class an error becomes.
#[derive(Clone, Copy, Debug)]
pub enum ErrorKind {
    Error,
    TypeError,
    RangeError,
}

/// An error on its way to JS: class, stable `code`, message.
#[derive(Debug)]
pub struct JsError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
}

/// Shorthand for the result of everything in this layer.
pub type JsResult<T> = Result<T, JsError>;

impl JsError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> JsError {
        JsError {
            kind,
            code,
            message: message.into(),
        }
    }
    pub fn type_error(message: impl Into<String>) -> JsError {
        JsError::new(ErrorKind::TypeError, "ERR_INVALID_ARG_TYPE", message)
    }
    pub fn range_error(message: impl Into<String>) -> JsError {
        JsError::new(ErrorKind::RangeError, "ERR_INVALID_ARG_VALUE", message)
    }
}

/// A Node-API environment. Made only from the `napi_env` Node passes to one of our callbacks and
/// used only during that callback, on its JS thread (other types rely on this: [`Reference`]).
#[derive(Clone, Copy)]
pub struct Env(pub napi_env);

/// `Ok` for `napi_ok`, else an `ERR_NAPI` error naming the call `what` and the status.
pub fn check(status: napi_status, what: &str) -> JsResult<()> {
    if status == napi_ok {
        Ok(())
    } else {
        Err(JsError::new(
            ErrorKind::Error,
            "ERR_NAPI",
            format!("{what} failed with napi_status {status}"),
        ))
    }
}

impl Env {
    pub fn undefined(self) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: self.0 is the live env of the current call; v is a valid out-pointer.
        check(unsafe { napi_get_undefined(self.0, &mut v) }, "napi_get_undefined")?;
        Ok(v)
    }

    pub fn null(self) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: as above.
        check(unsafe { napi_get_null(self.0, &mut v) }, "napi_get_null")?;
        Ok(v)
    }

    pub fn boolean(self, b: bool) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: as above.
        check(unsafe { napi_get_boolean(self.0, b, &mut v) }, "napi_get_boolean")?;
        Ok(v)
    }

    pub fn number(self, x: f64) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: as above.
        check(unsafe { napi_create_double(self.0, x, &mut v) }, "napi_create_double")?;
        Ok(v)
    }

    pub fn string(self, s: &str) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: s points to s.len() valid UTF-8 bytes for the duration of the call.
        check(
            unsafe { napi_create_string_utf8(self.0, s.as_ptr().cast(), s.len(), &mut v) },
            "napi_create_string_utf8",
        )?;
        Ok(v)
    }

    pub fn object(self) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: as above.
        check(unsafe { napi_create_object(self.0, &mut v) }, "napi_create_object")?;
        Ok(v)
    }

    pub fn array(self, len: usize) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: as above.
        check(
            unsafe { napi_create_array_with_length(self.0, len, &mut v) },
            "napi_create_array_with_length",
        )?;
        Ok(v)
    }

    pub fn set(self, object: napi_value, name: &str, value: napi_value) -> JsResult<()> {
        let name = CString::new(name).map_err(|_| JsError::type_error("property name holds a NUL byte"))?;
        // SAFETY: object and value are live handles of this call; name is NUL-terminated.
        check(
            unsafe { napi_set_named_property(self.0, object, name.as_ptr(), value) },
            "napi_set_named_property",
        )
    }

    pub fn set_index(self, array: napi_value, index: u32, value: napi_value) -> JsResult<()> {
        // SAFETY: array and value are live handles of this call.
        check(
            unsafe { napi_set_element(self.0, array, index, value) },
            "napi_set_element",
        )
    }

    pub fn function(self, name: &str, cb: napi_callback) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: name is valid for name.len() bytes; cb is a function with the napi_callback ABI.
        check(
            unsafe { napi_create_function(self.0, name.as_ptr().cast(), name.len(), cb, ptr::null_mut(), &mut v) },
            "napi_create_function",
        )?;
        Ok(v)
    }

    pub fn type_of(self, value: napi_value) -> JsResult<napi_valuetype> {
        let mut t = napi_undefined;
        // SAFETY: value is a live handle of this call.
        check(unsafe { napi_typeof(self.0, value, &mut t) }, "napi_typeof")?;
        Ok(t)
    }

    /// A JS error object of the given class, with `code` set.
    pub fn error(self, e: &JsError) -> JsResult<napi_value> {
        let code = self.string(e.code)?;
        let message = self.string(&e.message)?;
        let mut v = ptr::null_mut();
        // SAFETY: code and message are live string handles; v is a valid out-pointer.
        let status = unsafe {
            match e.kind {
                ErrorKind::Error => napi_create_error(self.0, code, message, &mut v),
                ErrorKind::TypeError => napi_create_type_error(self.0, code, message, &mut v),
                ErrorKind::RangeError => napi_create_range_error(self.0, code, message, &mut v),
            }
        };
        check(status, "napi_create_error")?;
        Ok(v)
    }

    /// Throws `e` unless a JS exception is already pending (that one wins).
    pub fn throw(self, e: &JsError) {
        let mut pending = false;
        // SAFETY: self.0 is the live env of the current call.
        let status = unsafe { napi_is_exception_pending(self.0, &mut pending) };
        // If even that query fails, try the throw anyway: Node keeps a pending exception over a
        // second throw, so nothing is lost either way.
        if status == napi_ok && pending {
            return;
        }
        if let Ok(error) = self.error(e) {
            // Status discarded: this is the last step of the error path; there is no one left to tell.
            // SAFETY: error is a live handle of this call.
            let _ = unsafe { napi_throw(self.0, error) };
        }
    }

    /// The arguments of the current call, padded with `undefined` up to `N`.
    pub fn args<const N: usize>(self, info: napi_callback_info) -> JsResult<[napi_value; N]> {
        let mut argv = [ptr::null_mut(); N];
        let mut argc = N;
        // SAFETY: argv has room for argc handles; info belongs to the current call.
        check(
            unsafe {
                napi_get_cb_info(
                    self.0,
                    info,
                    &mut argc,
                    argv.as_mut_ptr(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                )
            },
            "napi_get_cb_info",
        )?;
        Ok(argv)
    }

    /// A JS number, or a TypeError naming `what`.
    pub fn get_number(self, value: napi_value, what: &str) -> JsResult<f64> {
        if self.type_of(value)? != napi_number {
            return Err(JsError::type_error(format!("{what} must be a number")));
        }
        let mut x = 0.0;
        // SAFETY: value is a live number handle.
        check(
            unsafe { napi_get_value_double(self.0, value, &mut x) },
            "napi_get_value_double",
        )?;
        Ok(x)
    }

    /// A JS number that is an integer from `min` to `max`.
    pub fn get_integer(self, value: napi_value, what: &str, min: usize, max: usize) -> JsResult<usize> {
        let x = self.get_number(value, what)?;
        if x.fract() != 0.0 || !(x >= min as f64 && x <= max as f64) {
            return Err(JsError::range_error(format!(
                "{what} must be an integer from {min} to {max}, received {x}"
            )));
        }
        Ok(x as usize)
    }

    /// A JS string, copied out (at most 256 bytes: names only).
    pub fn get_string(self, value: napi_value, what: &str) -> JsResult<String> {
        if self.type_of(value)? != napi_string {
            return Err(JsError::type_error(format!("{what} must be a string")));
        }
        let mut buf = [0u8; 257];
        let mut len = 0usize;
        // SAFETY: buf has buf.len() writable bytes; Node writes at most bufsize-1 bytes plus a NUL.
        check(
            unsafe { napi_get_value_string_utf8(self.0, value, buf.as_mut_ptr().cast(), buf.len(), &mut len) },
            "napi_get_value_string_utf8",
        )?;
        if len > 256 {
            return Err(JsError::range_error(format!("{what} is longer than 256 bytes")));
        }
        Ok(String::from_utf8_lossy(&buf[..len]).into_owned())
    }

    /// A JS string naming a file, copied out (at most 4096 bytes, PATH_MAX on Linux).
    pub fn get_path(self, value: napi_value, what: &str) -> JsResult<String> {
        if self.type_of(value)? != napi_string {
            return Err(JsError::type_error(format!("{what} must be a string")));
        }
        let mut buf = vec![0u8; 4097];
        let mut len = 0usize;
        // SAFETY: buf has buf.len() writable bytes; Node writes at most bufsize-1 bytes plus a NUL.
        check(
            unsafe { napi_get_value_string_utf8(self.0, value, buf.as_mut_ptr().cast(), buf.len(), &mut len) },
            "napi_get_value_string_utf8",
        )?;
        if len > 4096 {
            return Err(JsError::range_error(format!("{what} is longer than 4096 bytes")));
        }
        buf.truncate(len);
        String::from_utf8(buf).map_err(|_| JsError::range_error(format!("{what} is not valid UTF-8")))
    }

    /// The contents of a typed array of the given type, copied into Rust memory.
    /// `napi_is_typedarray` is asked first (napi_is_buffer is true for every TypedArray).
    /// A detached buffer is an error with code `ERR_DETACHED_BUFFER`.
    pub fn copy_typed_array<T: Copy + Default>(
        self,
        value: napi_value,
        want: napi_typedarray_type,
        what: &str,
        type_name: &str,
    ) -> JsResult<Vec<T>> {
        let mut is_typed = false;
        // SAFETY: value is a live handle of this call.
        check(
            unsafe { napi_is_typedarray(self.0, value, &mut is_typed) },
            "napi_is_typedarray",
        )?;
        if !is_typed {
            return Err(JsError::type_error(format!("{what} must be a {type_name}")));
        }
        let mut ty = -1;
        let mut len = 0usize;
        let mut data: *mut c_void = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        let mut offset = 0usize;
        // SAFETY: value is a typed array (checked above); all out-pointers are valid.
        check(
            unsafe { napi_get_typedarray_info(self.0, value, &mut ty, &mut len, &mut data, &mut buffer, &mut offset) },
            "napi_get_typedarray_info",
        )?;
        if ty != want {
            return Err(JsError::type_error(format!("{what} must be a {type_name}")));
        }
        let mut detached = false;
        // SAFETY: buffer is the typed array's live ArrayBuffer handle.
        check(
            unsafe { napi_is_detached_arraybuffer(self.0, buffer, &mut detached) },
            "napi_is_detached_arraybuffer",
        )?;
        if detached {
            return Err(JsError::new(
                ErrorKind::TypeError,
                "ERR_DETACHED_BUFFER",
                format!("{what} is backed by a detached ArrayBuffer"),
            ));
        }
        let mut out = vec![T::default(); len];
        if len > 0 {
            if data.is_null() {
                return Err(JsError::new(
                    ErrorKind::Error,
                    "ERR_NAPI",
                    format!("{what} has no data pointer"),
                ));
            }
            // SAFETY: Node reports `len` elements of T at `data` (type checked above), readable
            // during this synchronous call; `out` is a distinct allocation of `len` elements.
            // Copying by bytes makes no alignment assumption about `data`.
            unsafe {
                ptr::copy_nonoverlapping(
                    data.cast::<u8>(),
                    out.as_mut_ptr().cast::<u8>(),
                    len * std::mem::size_of::<T>(),
                )
            };
        }
        Ok(out)
    }

    /// A new Float64Array holding a copy of the concatenation of `parts`.
    pub fn float64_array(self, parts: &[&[f64]]) -> JsResult<napi_value> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let mut data: *mut c_void = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        // SAFETY: valid out-pointers; Node allocates len * 8 bytes.
        check(
            unsafe { napi_create_arraybuffer(self.0, len * 8, &mut data, &mut buffer) },
            "napi_create_arraybuffer",
        )?;
        let mut at = 0usize;
        for part in parts {
            if !part.is_empty() {
                // SAFETY: `data` has len * 8 writable bytes and at + part.len() ≤ len; the
                // regions do not overlap (Rust memory vs a fresh ArrayBuffer).
                unsafe {
                    ptr::copy_nonoverlapping(
                        part.as_ptr().cast::<u8>(),
                        data.cast::<u8>().add(at * 8),
                        part.len() * 8,
                    )
                };
            }
            at += part.len();
        }
        let mut array = ptr::null_mut();
        // SAFETY: buffer is the live ArrayBuffer just created, exactly len * 8 bytes long.
        check(
            unsafe { napi_create_typedarray(self.0, napi_float64_array, len, buffer, 0, &mut array) },
            "napi_create_typedarray",
        )?;
        Ok(array)
    }

    /// A new Buffer holding a copy of the concatenation of `parts`.
    pub fn buffer(self, parts: &[&[u8]]) -> JsResult<napi_value> {
        let joined: Vec<u8> = parts.concat();
        let mut v = ptr::null_mut();
        let mut data: *mut c_void = ptr::null_mut();
        // SAFETY: joined is valid for joined.len() bytes; Node copies them.
        check(
            unsafe { napi_create_buffer_copy(self.0, joined.len(), joined.as_ptr().cast(), &mut data, &mut v) },
            "napi_create_buffer_copy",
        )?;
        Ok(v)
    }
}

/// A strong reference to a JS value (`napi_ref`), owned, with the env it belongs to.
///
/// Made on its env's JS thread; it may then travel to other threads (a batch's completion carries
/// its callback through a pool thread) but it is read and deleted only by [`Reference::take`] or
/// [`Reference::delete`], which take it by value (so it is used once) and refuse an [`Env`] other
/// than its own. Dropped without either (its env was torn down first, so the completion carrying
/// it could not be delivered), it is not deleted: no Node-API call may be made off the JS thread,
/// and Node frees an env's references when it tears the env down.
pub struct Reference {
    raw: napi_ref,
    env: napi_env,
}

// SAFETY: `raw` and `env` are opaque handles. Off the JS thread they are only moved, never
// dereferenced nor passed to Node-API; `take` and `delete` use them only with an `Env` equal to
// `env`, and an `Env` exists only during a call from Node on that env's own JS thread.
unsafe impl Send for Reference {}

impl Reference {
    /// A new reference (count 1) to `value`, a live handle of the current call.
    pub fn new(env: Env, value: napi_value) -> JsResult<Reference> {
        let mut raw: napi_ref = ptr::null_mut();
        // SAFETY: value is a live handle of the current call; raw is a valid out-pointer.
        check(
            unsafe { napi_create_reference(env.0, value, 1, &mut raw) },
            "napi_create_reference",
        )?;
        Ok(Reference { raw, env: env.0 })
    }

    fn check_env(&self, env: Env) -> JsResult<()> {
        if env.0 == self.env {
            Ok(())
        } else {
            Err(JsError::new(
                ErrorKind::Error,
                "ERR_NAPI",
                "a reference was used in another environment than its own",
            ))
        }
    }

    /// The referenced value, as a handle of the current call; the reference is deleted.
    pub fn take(self, env: Env) -> JsResult<napi_value> {
        self.check_env(env)?;
        let mut value = ptr::null_mut();
        // SAFETY: raw was made in this env (checked above) and is deleted only below, once.
        let got = check(
            unsafe { napi_get_reference_value(env.0, self.raw, &mut value) },
            "napi_get_reference_value",
        );
        // Status discarded: a failed delete leaks the reference until the env is torn down, when
        // Node frees it; the value read above is good either way.
        // SAFETY: as above. The handle just read stays valid for the current call without it.
        let _ = unsafe { napi_delete_reference(env.0, self.raw) };
        got?;
        if value.is_null() {
            return Err(JsError::new(
                ErrorKind::Error,
                "ERR_NAPI",
                "the referenced value was collected",
            ));
        }
        Ok(value)
    }

    /// The referenced value, as a handle of the current call; the reference stays.
    pub fn get(&self, env: Env) -> JsResult<napi_value> {
        self.check_env(env)?;
        let mut value = ptr::null_mut();
        // SAFETY: raw was made in this env (checked above) and is not deleted yet (`self` lives).
        check(
            unsafe { napi_get_reference_value(env.0, self.raw, &mut value) },
            "napi_get_reference_value",
        )?;
        if value.is_null() {
            return Err(JsError::new(
                ErrorKind::Error,
                "ERR_NAPI",
                "the referenced value was collected",
            ));
        }
        Ok(value)
    }

    /// Deletes the reference unused.
    pub fn delete(self, env: Env) -> JsResult<()> {
        self.check_env(env)?;
        // SAFETY: raw was made in this env (checked above) and is deleted here, once.
        check(
            unsafe { napi_delete_reference(env.0, self.raw) },
            "napi_delete_reference",
        )
    }
}

/// The panic boundary of every entry point from Node (exported functions, module registration,
/// the threadsafe function's `call_js`): runs `f`; turns `Err` and panics into a JS exception
/// with a `code` and returns a null handle in that case (Node then throws the exception).
pub fn boundary(env: Env, f: impl FnOnce() -> JsResult<napi_value>) -> napi_value {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            env.throw(&e);
            ptr::null_mut()
        }
        Err(payload) => {
            env.throw(&JsError::new(
                ErrorKind::Error,
                "ERR_NATIVE_PANIC",
                format!("native code panicked: {}", panic_message(&payload)),
            ));
            ptr::null_mut()
        }
    }
}
