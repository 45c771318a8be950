//! User kernel libraries: shared objects built against the `poolkit-kernel` SDK (`sdk/`), loaded
//! with `dlopen` and registered beside the built-in kernels, on the same process-wide pool.
//!
//! Invariants:
//! - a library is loaded once per process per canonical path (`realpath`), under one lock, and
//!   never unloaded (`RTLD_NODELETE`, and the handle is never closed): its kernels are `'static`;
//! - a library of any ABI version from `MIN_ABI_VERSION` to `ABI_VERSION` loads (a version-1
//!   library runs, but its kernels cannot see cancellation: they stop only at a chunk's end);
//! - a library registers all its kernels or none: a bad table, an unknown ABI version or a name
//!   already taken (built-in or another library's) fails the load and registers nothing;
//! - library code never unwinds into ours: the SDK's trampolines catch every panic and return a
//!   status; the addon copies input in and output out, so the library never sees JS memory.
use crate::kernel::{ByteSink, Items, Kernel, KernelError, Shape, Sink};
use crate::kernels::registry;
use poolkit_kernel::{
    KernelEntry, KernelTable, RawCall, ABI_VERSION, KIND_BYTES, KIND_NUMBERS, MIN_ABI_VERSION, STATUS_ERROR, STATUS_OK,
    TABLE_SYMBOL,
};
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::fmt;
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

// <dlfcn.h>, declared by hand (no crates). Constants are glibc's values on Linux.
const RTLD_NOW: c_int = 2;
const RTLD_LOCAL: c_int = 0;
const RTLD_NODELETE: c_int = 0x1000;
#[link(name = "dl")]
extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *mut c_char;
}

/// The most numbers per item a library kernel may declare (a sanity bound on a foreign table).
const MAX_ARITY: u32 = 1 << 16;
/// Bytes of the buffer a library kernel's error or panic message is written into.
const ERROR_CAPACITY: usize = 1024;

/// Why a library could not be loaded. `code()` is the JS error's `code`.
#[derive(Debug)]
pub enum LibraryError {
    NotFound { path: String, reason: String },
    Load { path: String, reason: String },
    Abi { path: String, found: u32 },
    Invalid { path: String, reason: String },
    Duplicate { path: String, name: String, owner: String },
}

impl LibraryError {
    /// The stable code JS sees.
    pub fn code(&self) -> &'static str {
        match self {
            LibraryError::NotFound { .. } => "ERR_LIBRARY_NOT_FOUND",
            LibraryError::Load { .. } => "ERR_LIBRARY_LOAD",
            LibraryError::Abi { .. } => "ERR_LIBRARY_ABI",
            LibraryError::Invalid { .. } => "ERR_LIBRARY_INVALID",
            LibraryError::Duplicate { .. } => "ERR_DUPLICATE_KERNEL",
        }
    }
}

impl fmt::Display for LibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LibraryError::NotFound { path, reason } => write!(f, "kernel library {path} not found: {reason}"),
            LibraryError::Load { path, reason } => {
                write!(f, "kernel library {path} is not a loadable shared object: {reason}")
            }
            LibraryError::Abi { path, found } => write!(
                f,
                "kernel library {path} has ABI version {found}, this addon loads ABI versions \
                 {MIN_ABI_VERSION} to {ABI_VERSION}: rebuild it against the poolkit-kernel SDK shipped with this @poolkit/native"
            ),
            LibraryError::Invalid { path, reason } => write!(f, "kernel library {path} is invalid: {reason}"),
            LibraryError::Duplicate { path, name, owner } => write!(
                f,
                "kernel library {path} exports kernel {name:?}, a name already taken by {owner}"
            ),
        }
    }
}

/// A kernel of a loaded library, adapted to the addon's [`Kernel`] trait.
pub struct LibraryKernel {
    name: &'static str,
    entry: &'static KernelEntry,
    input: Shape,
    output: Shape,
}

/// Appends one output item for a library kernel.
///
/// # Safety
/// `context` is the `&mut ByteSink` of the current [`LibraryKernel::run`] call; `data` points to
/// `len` readable bytes.
unsafe extern "C" fn push_bytes(context: *mut c_void, data: *const u8, len: usize) {
    // SAFETY: per the contract above; the sink is not otherwise borrowed during the kernel call.
    let sink = unsafe { &mut *context.cast::<ByteSink>() };
    let item = if len == 0 {
        &[][..]
    } else {
        // SAFETY: per the contract above.
        unsafe { std::slice::from_raw_parts(data, len) }
    };
    sink.push(item);
}

impl Kernel for LibraryKernel {
    fn name(&self) -> &'static str {
        self.name
    }
    fn input(&self) -> Shape {
        self.input
    }
    fn output(&self, _params: &[f64]) -> Result<Shape, String> {
        Ok(self.output)
    }
    fn run(&self, _params: &[f64], items: &Items<'_>, out: &mut Sink<'_>) -> Result<(), KernelError> {
        let mut error = [0u8; ERROR_CAPACITY];
        let mut call = RawCall {
            count: items.len(),
            numbers: std::ptr::null(),
            bytes: std::ptr::null(),
            offsets: std::ptr::null(),
            out_numbers: std::ptr::null_mut(),
            out_context: std::ptr::null_mut(),
            out_push: None,
            error: error.as_mut_ptr(),
            error_capacity: ERROR_CAPACITY,
            error_len: 0,
            // ABI 2: the batch's check, for the library's `cancelled()`. A version-1 library
            // never reads these two fields (its RawCall ends at `error_len`).
            stop: None,
            stop_context: std::ptr::null(),
        };
        if let Some(check) = poolkit_kernel::current_stop() {
            call.stop = Some(check.stop);
            call.stop_context = check.context;
        }
        match items {
            Items::Numbers { values, .. } => call.numbers = values.as_ptr(),
            Items::Bytes { data, offsets } => {
                call.bytes = data.as_ptr();
                call.offsets = offsets.as_ptr();
            }
        }
        match out {
            Sink::Numbers(o) => call.out_numbers = o.as_mut_ptr(),
            Sink::Bytes(sink) => {
                call.out_context = (&mut **sink as *mut ByteSink).cast();
                call.out_push = Some(push_bytes);
            }
        }
        // SAFETY: the entry's kinds were checked at load and the batch gives this kernel items
        // and a sink of those kinds, sized as RawCall documents; the SDK's trampoline never unwinds.
        let status = unsafe { (self.entry.run)(&mut call) };
        if status == STATUS_OK {
            return Ok(());
        }
        let message = String::from_utf8_lossy(&error[..call.error_len.min(ERROR_CAPACITY)]).into_owned();
        if status == STATUS_ERROR {
            return Err(KernelError(message));
        }
        // STATUS_PANIC (or a status from a newer SDK): the library's kernel panicked (caught by
        // its trampoline); panic again here so the batch reports ERR_KERNEL_PANIC.
        std::panic::panic_any(message);
    }
}

/// A loaded library.
struct Library {
    kernels: Vec<&'static LibraryKernel>,
}

/// Loaded libraries by canonical path. Held for the whole of a load, so loads are serialised.
static LIBRARIES: Mutex<Option<HashMap<PathBuf, &'static Library>>> = Mutex::new(None);
/// Every library kernel, by name (written only under `LIBRARIES`).
static KERNELS: RwLock<Vec<&'static LibraryKernel>> = RwLock::new(Vec::new());

/// The kernel called `name`: a built-in, else a loaded library's.
pub fn find(name: &str) -> Option<&'static dyn Kernel> {
    registry().get(name).or_else(|| {
        let kernels = KERNELS.read().unwrap_or_else(|e| e.into_inner());
        kernels
            .iter()
            .find(|k| k.name == name)
            .map(|k| *k as &'static dyn Kernel)
    })
}

/// The last `dlerror()` text.
fn last_dl_error() -> String {
    // SAFETY: dlerror returns null or a NUL-terminated string valid until the next dl* call on
    // this thread; it is copied at once.
    let e = unsafe { dlerror() };
    if e.is_null() {
        "unknown error".into()
    } else {
        // SAFETY: as above.
        unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
    }
}

/// Loads the library at `path` (once per process per canonical path) and returns its kernels.
pub fn load(path: &str) -> Result<Vec<&'static dyn Kernel>, LibraryError> {
    let canonical = std::fs::canonicalize(path).map_err(|e| LibraryError::NotFound {
        path: path.into(),
        reason: e.to_string(),
    })?;
    let mut libraries = LIBRARIES.lock().unwrap_or_else(|e| e.into_inner());
    let libraries = libraries.get_or_insert_with(HashMap::new);
    if let Some(library) = libraries.get(&canonical) {
        return Ok(library.kernels.iter().map(|k| *k as &'static dyn Kernel).collect());
    }
    let shown = canonical.display().to_string();
    let c_path = CString::new(canonical.as_os_str().as_encoded_bytes()).map_err(|_| LibraryError::NotFound {
        path: shown.clone(),
        reason: "the path holds a NUL byte".into(),
    })?;
    // SAFETY: c_path is NUL-terminated. Loading runs the library's initialisers: that is the
    // trust a user gives a library by naming it.
    let handle = unsafe { dlopen(c_path.as_ptr(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) };
    if handle.is_null() {
        return Err(LibraryError::Load {
            path: shown,
            reason: last_dl_error(),
        });
    }
    let symbol = CString::new(TABLE_SYMBOL).expect("no NUL in the symbol name");
    // SAFETY: handle is a live dlopen handle (never closed); symbol is NUL-terminated.
    let table = unsafe { dlsym(handle, symbol.as_ptr()) }.cast::<KernelTable>();
    if table.is_null() {
        return Err(LibraryError::Invalid {
            path: shown,
            reason: format!(
                "it exports no {TABLE_SYMBOL} (build it with poolkit_kernel::export_kernels!): {}",
                last_dl_error()
            ),
        });
    }
    // SAFETY: the symbol is the library's static table, never unmapped; `abi_version` is its
    // first field in every ABI version, so reading it is valid whatever the version.
    let found = unsafe { (*table).abi_version };
    if !(MIN_ABI_VERSION..=ABI_VERSION).contains(&found) {
        return Err(LibraryError::Abi { path: shown, found });
    }
    // SAFETY: a table of a version we speak, as checked; every version so far has the same
    // KernelTable and KernelEntry layout (version 2 only extended RawCall at its end).
    let table: &'static KernelTable = unsafe { &*table };
    let entries: &'static [KernelEntry] = if table.count == 0 {
        &[]
    } else if table.entries.is_null() {
        return Err(LibraryError::Invalid {
            path: shown,
            reason: "its table has a null entry list".into(),
        });
    } else {
        // SAFETY: the table promises `count` static entries at `entries`.
        unsafe { std::slice::from_raw_parts(table.entries, table.count) }
    };
    let mut kernels: Vec<&'static LibraryKernel> = Vec::with_capacity(entries.len());
    for entry in entries {
        let kernel = adapt(entry).map_err(|reason| LibraryError::Invalid {
            path: shown.clone(),
            reason,
        })?;
        let owner = if registry().get(kernel.name).is_some() {
            Some("a built-in kernel".to_string())
        } else if kernels.iter().any(|k| k.name == kernel.name) {
            Some("another kernel of the same library".to_string())
        } else {
            libraries
                .iter()
                .find(|(_, l)| l.kernels.iter().any(|k| k.name == kernel.name))
                .map(|(p, _)| format!("kernel library {}", p.display()))
        };
        if let Some(owner) = owner {
            return Err(LibraryError::Duplicate {
                path: shown,
                name: kernel.name.into(),
                owner,
            });
        }
        kernels.push(Box::leak(Box::new(kernel)));
    }
    let library: &'static Library = Box::leak(Box::new(Library { kernels }));
    KERNELS
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .extend(library.kernels.iter().copied());
    libraries.insert(canonical, library);
    Ok(library.kernels.iter().map(|k| *k as &'static dyn Kernel).collect())
}

/// Checks one foreign entry and makes it a [`LibraryKernel`].
fn adapt(entry: &'static KernelEntry) -> Result<LibraryKernel, String> {
    if entry.name.is_null() {
        return Err("a kernel has a null name".into());
    }
    // SAFETY: a non-null name is a NUL-terminated static string (the SDK's concat!(name, "\0")).
    let name = unsafe { CStr::from_ptr(entry.name.cast::<c_char>()) };
    let name: &'static str = name.to_str().map_err(|_| "a kernel name is not UTF-8".to_string())?;
    if name.is_empty() || name.len() > 64 {
        return Err(format!("kernel name {name:?} must be 1 to 64 bytes"));
    }
    let shape = |kind: u32, arity: u32, bytes: i64, side: &str| -> Result<Shape, String> {
        match kind {
            KIND_NUMBERS if (1..=MAX_ARITY).contains(&arity) => Ok(Shape::Numbers { arity: arity as usize }),
            KIND_NUMBERS => Err(format!(
                "kernel {name}: {side} arity {arity} is not from 1 to {MAX_ARITY}"
            )),
            KIND_BYTES => Ok(Shape::Bytes {
                len: usize::try_from(bytes).ok(),
            }),
            _ => Err(format!("kernel {name}: unknown {side} kind {kind}")),
        }
    };
    Ok(LibraryKernel {
        name,
        entry,
        input: shape(entry.input_kind, entry.input_arity, -1, "input")?,
        output: shape(entry.output_kind, entry.output_arity, entry.output_bytes, "output")?,
    })
}
