//! The example kernel library: `cube` (numbers → numbers) and `rot13` (bytes → bytes).
//! `export_kernels!` publishes them to `@poolkit/native`; JS runs them with
//! `runBatch('cube', xs, { library })` or `new NativeBackend({ library, kernel: 'cube' })`.
use poolkit_kernel::{export_kernels, ByteItems, ByteOutput, BytesKernel, NumberKernel};

/// `cube`: x → x³. One number in, one out (the default arities).
pub struct Cube;

impl NumberKernel for Cube {
    fn run(&self, input: &[f64], output: &mut [f64]) -> Result<(), String> {
        for (o, &x) in output.iter_mut().zip(input) {
            *o = x * x * x;
        }
        Ok(())
    }
}

/// `rot13`: rotates ASCII letters by 13 places; other bytes pass through. Same length out.
/// Refuses an item longer than 1 MiB, to show an error reaching JS.
pub struct Rot13;

impl BytesKernel for Rot13 {
    fn run(&self, input: &ByteItems<'_>, output: &mut ByteOutput<'_>) -> Result<(), String> {
        let mut buf = Vec::new();
        for item in input.iter() {
            if item.len() > 1 << 20 {
                return Err(format!("rot13 takes items up to 1 MiB, received {} bytes", item.len()));
            }
            buf.clear();
            buf.extend(item.iter().map(|&b| match b {
                b'a'..=b'z' => (b - b'a' + 13) % 26 + b'a',
                b'A'..=b'Z' => (b - b'A' + 13) % 26 + b'A',
                _ => b,
            }));
            output.push(&buf);
        }
        Ok(())
    }
}

export_kernels!(
    number "cube" => Cube,
    bytes "rot13" => Rot13,
);
