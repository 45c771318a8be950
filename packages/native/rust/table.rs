//! Reading a [`KernelTable`] — the built-in one or a loaded library's — into checked
//! [`Kernel`]s. The one place that knows which table fields each ABI version has.
//!
//! ```text
//!   version 1, 2:  { abi_version, count, entries }            → static shapes only
//!   version 3:     { abi_version, count, entries, shapes }    → shapes[i] answers for params
//! ```
//! A table of version 1 or 2 ends before `shapes`: the field is read only when `abi_version`
//! says it is there, through a raw pointer (no reference to the whole, newer, struct is made).
use crate::kernel::{Kernel, Shape, MAX_ARITY};
use poolkit_kernel::{KernelEntry, KernelTable, ShapeFn, ABI_VERSION, KIND_BYTES, KIND_NUMBERS, MIN_ABI_VERSION};
use std::ffi::{c_char, CStr};
use std::fmt;

/// Why a table cannot be used.
#[derive(Debug)]
pub enum TableError {
    /// Its ABI version is outside `MIN_ABI_VERSION..=ABI_VERSION`.
    Abi { found: u32 },
    /// It is malformed (the reason names the kernel when it can).
    Invalid(String),
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::Abi { found } => write!(
                f,
                "ABI version {found}, this addon loads ABI versions {MIN_ABI_VERSION} to {ABI_VERSION}"
            ),
            TableError::Invalid(reason) => f.write_str(reason),
        }
    }
}

/// The kernels of `table`, in table order, each entry checked (names unique among them is the
/// caller's check: a library reports a clash with its own error).
///
/// # Safety
/// `table` points to a static table of any ABI version whose pointers (entries, names, shapes,
/// functions) are valid for the life of the process: the built-in table, or a `dlopen`ed
/// library's, never unloaded.
pub unsafe fn read_raw(table: *const KernelTable) -> Result<Vec<Kernel>, TableError> {
    // SAFETY: `abi_version` is the first field of every version's table, so it is in bounds.
    let found = unsafe { std::ptr::addr_of!((*table).abi_version).read() };
    if !(MIN_ABI_VERSION..=ABI_VERSION).contains(&found) {
        return Err(TableError::Abi { found });
    }
    // SAFETY: `count` and `entries` are fields of every version's table.
    let (count, entries) = unsafe {
        (
            std::ptr::addr_of!((*table).count).read(),
            std::ptr::addr_of!((*table).entries).read(),
        )
    };
    let shapes = if found >= 3 {
        // SAFETY: a table of version 3 or later has `shapes`, as checked.
        unsafe { std::ptr::addr_of!((*table).shapes).read() }
    } else {
        std::ptr::null()
    };
    if count == 0 {
        return Ok(Vec::new());
    }
    if entries.is_null() {
        return Err(TableError::Invalid("its table has a null entry list".into()));
    }
    // SAFETY: the table promises `count` static entries (the KernelEntry layout is the same in
    // every version) and, when `shapes` is non-null, `count` static shape callbacks.
    let entries: &'static [KernelEntry] = unsafe { std::slice::from_raw_parts(entries, count) };
    let shapes: Option<&'static [Option<ShapeFn>]> =
        // SAFETY: as above.
        (!shapes.is_null()).then(|| unsafe { std::slice::from_raw_parts(shapes, count) });
    let mut kernels = Vec::with_capacity(count);
    for (i, entry) in entries.iter().enumerate() {
        kernels.push(adapt(entry, shapes.and_then(|s| s[i])).map_err(TableError::Invalid)?);
    }
    Ok(kernels)
}

/// [`read_raw`] for a table this build links (the built-in one, a test's).
pub fn read(table: &'static KernelTable) -> Result<Vec<Kernel>, TableError> {
    // SAFETY: a `&'static KernelTable` of this SDK: the newest layout, with static contents.
    unsafe { read_raw(table) }
}

/// Checks one entry and makes it a [`Kernel`].
fn adapt(entry: &'static KernelEntry, shape: Option<ShapeFn>) -> Result<Kernel, String> {
    if entry.name.is_null() {
        return Err("a kernel has a null name".into());
    }
    // SAFETY: a non-null name is a NUL-terminated static string (the SDK's concat!(name, "\0")).
    let name = unsafe { CStr::from_ptr(entry.name.cast::<c_char>()) };
    let name: &'static str = name.to_str().map_err(|_| "a kernel name is not UTF-8".to_string())?;
    if name.is_empty() || name.len() > 64 {
        return Err(format!("kernel name {name:?} must be 1 to 64 bytes"));
    }
    let side = |kind: u32, arity: u32, bytes: i64, side: &str| -> Result<Shape, String> {
        match kind {
            KIND_NUMBERS if (1..=MAX_ARITY).contains(&(arity as usize)) => Ok(Shape::Numbers { arity: arity as usize }),
            KIND_NUMBERS => Err(format!(
                "kernel {name}: {side} arity {arity} is not from 1 to {MAX_ARITY}"
            )),
            KIND_BYTES => Ok(Shape::Bytes {
                len: usize::try_from(bytes).ok(),
            }),
            _ => Err(format!("kernel {name}: unknown {side} kind {kind}")),
        }
    };
    Ok(Kernel {
        name,
        entry,
        shape,
        input: side(entry.input_kind, entry.input_arity, -1, "input")?,
        output: side(entry.output_kind, entry.output_arity, entry.output_bytes, "output")?,
    })
}
