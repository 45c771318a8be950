//! `fnv1a`: the 32-bit FNV-1a hash of each byte string, as a number.
//! Algorithm by Fowler, Noll and Vo (public domain; see isthe.com/chongo/tech/comp/fnv).
use crate::kernel::{Items, Kernel, Shape, Sink};

const OFFSET_BASIS: u32 = 0x811c_9dc5;
const PRIME: u32 = 0x0100_0193;

pub struct Fnv1a;

/// FNV-1a, 32 bits.
#[inline(always)]
pub fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h = OFFSET_BASIS;
    for &b in bytes {
        h = (h ^ b as u32).wrapping_mul(PRIME);
    }
    h
}

impl Kernel for Fnv1a {
    fn name(&self) -> &'static str {
        "fnv1a"
    }
    fn input(&self) -> Shape {
        Shape::Bytes { len: None }
    }
    fn output(&self, _params: &[f64]) -> Result<Shape, String> {
        Ok(Shape::Numbers { arity: 1 })
    }
    fn run(&self, _params: &[f64], items: &Items<'_>, out: &mut Sink<'_>) {
        for (i, o) in out.numbers().iter_mut().enumerate() {
            *o = fnv1a(items.bytes(i)) as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0x811c9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9cf968);
    }

    #[test]
    fn kernel_hashes_each_item() {
        let data = b"afoobar";
        let mut out = [0.0; 3];
        Fnv1a.run(
            &[],
            &Items::Bytes {
                data,
                offsets: &[0, 1, 7, 7],
            },
            &mut Sink::Numbers(&mut out),
        );
        assert_eq!(out, [0xe40c292cu32 as f64, 0xbf9cf968u32 as f64, 0x811c9dc5u32 as f64]);
    }
}
