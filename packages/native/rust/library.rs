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
//!
//! A library's table is read by [`crate::table`] and its kernels run as [`Kernel`]s, exactly
//! like the built-in table's: only finding the table (`dlopen`, `dlsym`) is particular to them.
use crate::kernel::Kernel;
use crate::kernels::registry;
use crate::table::{read_raw, TableError};
use poolkit_kernel::{KernelTable, ABI_VERSION, MIN_ABI_VERSION, TABLE_SYMBOL};
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

/// A loaded library.
struct Library {
    kernels: Vec<&'static Kernel>,
}

/// Loaded libraries by canonical path. Held for the whole of a load, so loads are serialised.
static LIBRARIES: Mutex<Option<HashMap<PathBuf, &'static Library>>> = Mutex::new(None);
/// Every library kernel, by name (written only under `LIBRARIES`).
static KERNELS: RwLock<Vec<&'static Kernel>> = RwLock::new(Vec::new());

/// The kernel called `name`: a built-in, else a loaded library's.
pub fn find(name: &str) -> Option<&'static Kernel> {
    registry().get(name).or_else(|| {
        let kernels = KERNELS.read().unwrap_or_else(|e| e.into_inner());
        kernels.iter().copied().find(|k| k.name == name)
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
pub fn load(path: &str) -> Result<Vec<&'static Kernel>, LibraryError> {
    let canonical = std::fs::canonicalize(path).map_err(|e| LibraryError::NotFound {
        path: path.into(),
        reason: e.to_string(),
    })?;
    let mut libraries = LIBRARIES.lock().unwrap_or_else(|e| e.into_inner());
    let libraries = libraries.get_or_insert_with(HashMap::new);
    if let Some(library) = libraries.get(&canonical) {
        return Ok(library.kernels.clone());
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
    // SAFETY: the symbol is the library's static table of some ABI version, never unmapped
    // (RTLD_NODELETE, the handle never closed): `read_raw` reads only the fields its version has.
    let read = unsafe { read_raw(table) }.map_err(|e| match e {
        TableError::Abi { found } => LibraryError::Abi {
            path: shown.clone(),
            found,
        },
        TableError::Invalid(reason) => LibraryError::Invalid {
            path: shown.clone(),
            reason,
        },
    })?;
    // All or nothing: every name is checked before any kernel is registered (or leaked).
    for (i, kernel) in read.iter().enumerate() {
        let owner = if registry().get(kernel.name).is_some() {
            Some("a built-in kernel".to_string())
        } else if read[..i].iter().any(|k| k.name == kernel.name) {
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
    }
    let kernels = read.into_iter().map(|k| &*Box::leak(Box::new(k))).collect();
    let library: &'static Library = Box::leak(Box::new(Library { kernels }));
    KERNELS
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .extend(library.kernels.iter().copied());
    libraries.insert(canonical, library);
    Ok(library.kernels.clone())
}
