//! The SDK's own tests: the table the macros write, the boundary, the call context.
use super::*;
use std::ffi::c_void;

struct Double;
impl NumberKernel for Double {
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
        for (o, x) in output.iter_mut().zip(input) {
            *o = 2.0 * x;
        }
        if input.contains(&-1.0) {
            return Err("é".repeat(10));
        }
        if input.contains(&-2.0) {
            panic!("panicked on {}", input.len());
        }
        Ok(())
    }
}

struct Len;
impl BytesKernel for Len {
    fn run(&self, input: &ByteItems<'_>, output: &mut ByteOutput<'_>) -> Result<(), String> {
        for item in input.iter() {
            output.push(&[item.len() as u8]);
        }
        Ok(())
    }
}

export_kernels!(number "double" => Double, bytes "len" => Len);

fn call(input: &[f64], output: &mut [f64], error: &mut [u8]) -> RawCall {
    RawCall {
        count: input.len(),
        numbers: input.as_ptr(),
        bytes: std::ptr::null(),
        offsets: std::ptr::null(),
        out_numbers: output.as_mut_ptr(),
        out_context: std::ptr::null_mut(),
        out_push: None,
        error: error.as_mut_ptr(),
        error_capacity: error.len(),
        error_len: 0,
        stop: None,
        stop_context: std::ptr::null(),
        params: std::ptr::null(),
        params_len: 0,
        output_arity: 1,
    }
}

fn entries() -> &'static [KernelEntry] {
    // SAFETY: the macro's table: `count` static entries.
    unsafe { std::slice::from_raw_parts(POOLKIT_KERNEL_TABLE.entries, POOLKIT_KERNEL_TABLE.count) }
}

#[test]
fn the_table_describes_every_kernel() {
    assert_eq!(POOLKIT_KERNEL_TABLE.abi_version, ABI_VERSION);
    let e = entries();
    assert_eq!(e.len(), 2);
    // SAFETY: names are NUL-terminated literals.
    let name = |i: usize| unsafe { std::ffi::CStr::from_ptr(e[i].name.cast()) }.to_str().unwrap();
    assert_eq!((name(0), name(1)), ("double", "len"));
    assert_eq!(
        (e[0].input_kind, e[0].input_arity, e[0].output_arity),
        (KIND_NUMBERS, 1, 1)
    );
    assert_eq!(
        (e[1].input_kind, e[1].output_kind, e[1].output_bytes),
        (KIND_BYTES, KIND_BYTES, -1)
    );
}

#[test]
fn ok_err_and_panic_become_statuses_with_messages() {
    let run = entries()[0].run;
    let (mut out, mut error) = ([0.0; 2], [0u8; 64]);
    let mut c = call(&[1.0, 2.0], &mut out, &mut error);
    // SAFETY: a valid call for a numbers kernel of arity 1.
    assert_eq!(unsafe { run(&mut c) }, STATUS_OK);
    assert_eq!(out, [2.0, 4.0]);

    let mut error = [0u8; 5]; // "é" is 2 bytes: truncated to 4 on a char boundary
    let mut c = call(&[-1.0], &mut out[..1], &mut error);
    // SAFETY: as above.
    assert_eq!(unsafe { run(&mut c) }, STATUS_ERROR);
    assert_eq!(std::str::from_utf8(&error[..c.error_len]).unwrap(), "éé");

    let mut error = [0u8; 64];
    let mut c = call(&[-2.0, 0.0], &mut out, &mut error);
    // SAFETY: as above.
    assert_eq!(unsafe { run(&mut c) }, STATUS_PANIC);
    assert_eq!(std::str::from_utf8(&error[..c.error_len]).unwrap(), "panicked on 2");
}

/// Stops once the counter it points to is non-zero.
unsafe extern "C" fn stop_when_set(context: *const c_void) -> i32 {
    // SAFETY: the test passes a live AtomicI32.
    unsafe { (*context.cast::<std::sync::atomic::AtomicI32>()).load(std::sync::atomic::Ordering::Relaxed) }
}

struct UntilCancelled;
impl NumberKernel for UntilCancelled {
    fn run(&self, _input: &[f64], output: &mut [f64]) -> Result<(), String> {
        let mut polls = 0.0;
        while !cancelled() {
            polls += 1.0;
            if polls > 1e9 {
                return Err("never cancelled".into());
            }
        }
        output[0] = polls;
        Ok(())
    }
}

#[test]
fn the_trampoline_installs_the_calls_stop_check_for_cancelled() {
    assert!(!cancelled(), "no check outside a call");
    let flag = std::sync::atomic::AtomicI32::new(0);
    let setter = std::thread::scope(|s| {
        let h = s.spawn(|| {
            let (mut out, mut error) = ([0.0; 1], [0u8; 64]);
            let mut c = call(&[0.0], &mut out, &mut error);
            c.stop = Some(stop_when_set);
            c.stop_context = (&flag as *const std::sync::atomic::AtomicI32).cast();
            // SAFETY: a valid call; the flag outlives it.
            let status = unsafe { __run_numbers(&UntilCancelled, &mut c) };
            (status, out[0], cancelled())
        });
        std::thread::sleep(std::time::Duration::from_millis(20));
        flag.store(1, std::sync::atomic::Ordering::Relaxed);
        h.join().unwrap()
    });
    assert_eq!(setter.0, STATUS_OK);
    assert!(setter.1 >= 1.0);
    assert!(!setter.2, "the check is removed after the call");
}

#[test]
fn a_bytes_kernel_pushes_one_item_per_input() {
    unsafe extern "C" fn push(context: *mut c_void, data: *const u8, len: usize) {
        // SAFETY: the test passes a Vec<Vec<u8>> as context and a live slice.
        unsafe { (*context.cast::<Vec<Vec<u8>>>()).push(std::slice::from_raw_parts(data, len).to_vec()) };
    }
    let data = b"abcdef";
    let offsets = [0usize, 3, 3, 6];
    let mut got: Vec<Vec<u8>> = Vec::new();
    let mut error = [0u8; 8];
    let mut c = RawCall {
        count: 3,
        numbers: std::ptr::null(),
        bytes: data.as_ptr(),
        offsets: offsets.as_ptr(),
        out_numbers: std::ptr::null_mut(),
        out_context: (&mut got as *mut Vec<Vec<u8>>).cast(),
        out_push: Some(push),
        error: error.as_mut_ptr(),
        error_capacity: error.len(),
        error_len: 0,
        stop: None,
        stop_context: std::ptr::null(),
        params: std::ptr::null(),
        params_len: 0,
        output_arity: 0,
    };
    // SAFETY: a valid call for a bytes kernel.
    assert_eq!(unsafe { (entries()[1].run)(&mut c) }, STATUS_OK);
    assert_eq!(got, [vec![3], vec![0], vec![3]]);
}

/// `[x, x², …, xⁿ]` with `params: [n]` (default 2), refusing anything else.
struct Powers;
fn degree(params: &[f64]) -> Result<u32, String> {
    match params {
        [] => Ok(2),
        [n] if n.fract() == 0.0 && (1.0..=16.0).contains(n) => Ok(*n as u32),
        [n] if *n < 0.0 => panic!("negative degree {n}"),
        _ => Err(format!("powers takes [n], received {params:?}")),
    }
}
impl NumberKernel for Powers {
    const OUTPUT_ARITY: u32 = 2;
    fn output_arity(&self, params: &[f64]) -> Result<u32, String> {
        degree(params)
    }
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
        let n = degree(&params())? as usize;
        for (row, &x) in output.chunks_exact_mut(n).zip(input) {
            let mut p = 1.0;
            for o in row {
                p *= x;
                *o = p;
            }
        }
        Ok(())
    }
}

/// The byte length of each item and its first byte (or -1): bytes in, two numbers out.
struct LenAndFirst;
impl BytesToNumbersKernel for LenAndFirst {
    const OUTPUT_ARITY: u32 = 2;
    fn run(&self, input: &ByteItems<'_>, output: &mut [f64]) -> Result<(), String> {
        for (o, item) in output.chunks_exact_mut(2).zip(input.iter()) {
            o[0] = item.len() as f64;
            o[1] = item.first().map_or(-1.0, |&b| b as f64);
        }
        Ok(())
    }
}

/// Bytes out whose fixed length is `params[0]` (default: any length).
struct Padded;
impl BytesKernel for Padded {
    fn output_bytes(&self, params: &[f64]) -> Result<Option<usize>, String> {
        Ok(params.first().map(|&n| n as usize))
    }
    fn run(&self, input: &ByteItems<'_>, output: &mut ByteOutput<'_>) -> Result<(), String> {
        let len = params().first().map(|&n| n as usize);
        for item in input.iter() {
            let mut v = item.to_vec();
            if let Some(len) = len {
                v.resize(len, b' ');
            }
            output.push(&v);
        }
        Ok(())
    }
}

kernel_table!(static V3 = number "powers" => Powers, bytes_to_numbers "len_first" => LenAndFirst, bytes "padded" => Padded);

/// Asks `table`'s shape callback `i` about `params`: (status, arity, bytes, message).
fn ask_shape(table: &KernelTable, i: usize, params: &[f64]) -> (i32, u32, i64, String) {
    let mut error = [0u8; 64];
    let mut call = ShapeCall {
        params: params.as_ptr(),
        params_len: params.len(),
        output_arity: 99,
        output_bytes: 99,
        error: error.as_mut_ptr(),
        error_capacity: error.len(),
        error_len: 0,
    };
    // SAFETY: the macro's table has `count` shape callbacks, each Some.
    let shape = unsafe { *table.shapes.add(i) }.expect("the macro writes every shape");
    // SAFETY: a valid ShapeCall; params and error outlive it.
    let status = unsafe { shape(&mut call) };
    let message = std::str::from_utf8(&error[..call.error_len]).unwrap().to_string();
    (status, call.output_arity, call.output_bytes, message)
}

#[test]
fn a_version_3_table_has_one_shape_callback_per_entry_answering_for_params() {
    assert_eq!(V3.abi_version, 3);
    assert!(!V3.shapes.is_null());
    assert_eq!(ask_shape(&V3, 0, &[]), (STATUS_OK, 2, -1, String::new()));
    assert_eq!(ask_shape(&V3, 0, &[5.0]), (STATUS_OK, 5, -1, String::new()));
    let (status, _, _, message) = ask_shape(&V3, 0, &[1.5]);
    assert_eq!(status, STATUS_ERROR);
    assert!(message.contains("powers takes [n]"), "{message}");
    let (status, _, _, message) = ask_shape(&V3, 0, &[-1.0]);
    assert_eq!((status, message.as_str()), (STATUS_PANIC, "negative degree -1"));
    assert_eq!(ask_shape(&V3, 1, &[]), (STATUS_OK, 2, -1, String::new()));
    assert_eq!(ask_shape(&V3, 2, &[]), (STATUS_OK, 0, -1, String::new()));
    assert_eq!(ask_shape(&V3, 2, &[8.0]), (STATUS_OK, 0, 8, String::new()));
}

#[test]
fn run_sees_the_calls_params_and_output_arity() {
    // SAFETY: the macro's table: `count` static entries.
    let e = unsafe { std::slice::from_raw_parts(V3.entries, V3.count) };
    let params = [3.0];
    let (mut out, mut error) = ([0.0; 6], [0u8; 64]);
    let mut c = call(&[2.0, 3.0], &mut out, &mut error);
    c.params = params.as_ptr();
    c.params_len = 1;
    c.output_arity = 3;
    // SAFETY: a valid call for a numbers kernel of output arity 3.
    assert_eq!(unsafe { (e[0].run)(&mut c) }, STATUS_OK);
    assert_eq!(out, [2.0, 4.0, 8.0, 3.0, 9.0, 27.0]);
    assert!(params_outside_a_call_are_empty());
}

fn params_outside_a_call_are_empty() -> bool {
    crate::params().is_empty()
}

#[test]
fn a_bytes_to_numbers_kernel_writes_its_arity_per_item() {
    // SAFETY: the macro's table: `count` static entries.
    let e = unsafe { std::slice::from_raw_parts(V3.entries, V3.count) };
    assert_eq!(
        (e[1].input_kind, e[1].output_kind, e[1].output_arity),
        (KIND_BYTES, KIND_NUMBERS, 2)
    );
    let data = b"hello";
    let offsets = [0usize, 2, 2, 5];
    let (mut out, mut error) = ([0.0; 6], [0u8; 8]);
    let mut c = RawCall {
        count: 3,
        numbers: std::ptr::null(),
        bytes: data.as_ptr(),
        offsets: offsets.as_ptr(),
        out_numbers: out.as_mut_ptr(),
        out_context: std::ptr::null_mut(),
        out_push: None,
        error: error.as_mut_ptr(),
        error_capacity: error.len(),
        error_len: 0,
        stop: None,
        stop_context: std::ptr::null(),
        params: std::ptr::null(),
        params_len: 0,
        output_arity: 2,
    };
    // SAFETY: a valid call for a bytes → numbers kernel of arity 2.
    assert_eq!(unsafe { (e[1].run)(&mut c) }, STATUS_OK);
    assert_eq!(out, [2.0, 104.0, 0.0, -1.0, 3.0, 108.0]);
}

#[test]
fn poll_asks_cancelled_only_when_its_budget_is_spent() {
    let mut poll = Poll::new();
    assert!(!poll.charge(POLL_EVERY - 1));
    assert!(!poll.charge(POLL_EVERY), "outside a call cancelled() is false");
}
