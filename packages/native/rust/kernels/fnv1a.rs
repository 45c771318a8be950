//! `fnv1a`: the 32-bit FNV-1a hash of each byte string, as a number.
//! Algorithm by Fowler, Noll and Vo (public domain; see isthe.com/chongo/tech/comp/fnv).
use poolkit_kernel::{ByteItems, BytesToNumbersKernel, Poll};

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

/// Items longer than this are hashed in slices of this size, charging the poll after each
/// (about 64 µs of work at one byte per nanosecond).
const LONG_ITEM: usize = 1 << 16;

/// [`fnv1a`] in slices of [`LONG_ITEM`] bytes, charging `poll` after each; gives up (a
/// meaningless hash) once it says stop.
fn fnv1a_polled(bytes: &[u8], poll: &mut Poll) -> u32 {
    let mut h = OFFSET_BASIS;
    for slice in bytes.chunks(LONG_ITEM) {
        for &b in slice {
            h = (h ^ b as u32).wrapping_mul(PRIME);
        }
        if poll.charge(slice.len() as u64 + 4) {
            return 0;
        }
    }
    h
}

/// FNV-1a of four strings at once. Each hash is one serial chain of xor + multiply (the multiply's
/// latency bounds it); four independent chains in one loop overlap in the CPU. The zip over the
/// common prefix has no bounds checks; the tails finish one by one. Same results as [`fnv1a`].
#[inline(always)]
pub fn fnv1a_x4(s: [&[u8]; 4]) -> [u32; 4] {
    let common = s.iter().map(|x| x.len()).min().unwrap_or(0);
    let mut h = [OFFSET_BASIS; 4];
    let (a, b, c, d) = (&s[0][..common], &s[1][..common], &s[2][..common], &s[3][..common]);
    for (((&x0, &x1), &x2), &x3) in a.iter().zip(b).zip(c).zip(d) {
        h[0] = (h[0] ^ x0 as u32).wrapping_mul(PRIME);
        h[1] = (h[1] ^ x1 as u32).wrapping_mul(PRIME);
        h[2] = (h[2] ^ x2 as u32).wrapping_mul(PRIME);
        h[3] = (h[3] ^ x3 as u32).wrapping_mul(PRIME);
    }
    for (hash, item) in h.iter_mut().zip(s) {
        for &byte in &item[common..] {
            *hash = (*hash ^ byte as u32).wrapping_mul(PRIME);
        }
    }
    h
}

impl BytesToNumbersKernel for Fnv1a {
    fn run(&self, items: &ByteItems<'_>, out: &mut [f64]) -> Result<(), String> {
        let mut poll = Poll::new();
        let mut groups = out.chunks_exact_mut(4);
        let mut i = 0;
        for group in &mut groups {
            let s = [items.get(i), items.get(i + 1), items.get(i + 2), items.get(i + 3)];
            let longest = s.iter().map(|x| x.len()).max().unwrap_or(0);
            if longest > LONG_ITEM {
                // Long items one by one, in slices, so a cancellation is seen within one slice.
                for (o, item) in group.iter_mut().zip(s) {
                    *o = fnv1a_polled(item, &mut poll) as f64;
                }
            } else {
                for (o, h) in group.iter_mut().zip(fnv1a_x4(s)) {
                    *o = h as f64;
                }
                poll.charge(longest as u64 + 4);
            }
            if poll.charge(0) {
                return Ok(()); // cancelled: the batch drops this chunk
            }
            i += 4;
        }
        for o in groups.into_remainder() {
            *o = fnv1a_polled(items.get(i), &mut poll) as f64;
            if poll.charge(0) {
                return Ok(());
            }
            i += 1;
        }
        Ok(())
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
    fn four_lane_hashes_equal_one_by_one_hashes() {
        let data: Vec<u8> = (0..400u32).map(|i| (i * 37 % 251) as u8).collect();
        for lens in [
            [0, 0, 0, 0],
            [1, 5, 0, 9],
            [64, 63, 65, 200],
            [3, 3, 3, 3],
            [100, 1, 250, 17],
        ] {
            let s = [
                &data[..lens[0]],
                &data[7..7 + lens[1]],
                &data[50..50 + lens[2]],
                &data[100..100 + lens[3]],
            ];
            assert_eq!(fnv1a_x4(s), s.map(fnv1a), "lens {lens:?}");
        }
    }

    #[test]
    fn kernel_hashes_each_item() {
        let out = crate::kernels::testing::bytes_to_numbers("fnv1a", &[], &[b"a", b"foobar", b""]).unwrap();
        assert_eq!(out, [0xe40c292cu32 as f64, 0xbf9cf968u32 as f64, 0x811c9dc5u32 as f64]);
    }
}
