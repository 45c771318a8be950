//! `md5`: the 16-byte MD5 digest of each byte string.
//! Written from the algorithm in RFC 1321 (R. Rivest, 1992); the per-round shifts and the
//! sine-derived constants are the RFC's tables.
use poolkit_kernel::{ByteItems, ByteOutput, BytesKernel, Poll};

pub struct Md5;

const S: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, //
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, //
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, //
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// K[i] = floor(abs(sin(i + 1)) × 2^32), as listed in RFC 1321 §3.4.
const K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8,
    0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
    0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87,
    0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
    0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
    0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391,
];

/// Mixes one 64-byte block into the state.
#[inline(always)]
fn compress(state: &mut [u32; 4], block: &[u8; 64]) {
    let mut m = [0u32; 16];
    for (w, bytes) in m.iter_mut().zip(block.chunks_exact(4)) {
        *w = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    let [mut a, mut b, mut c, mut d] = *state;
    // Fully unrolled by the compiler: i is a loop constant, so S, K and g index without checks.
    for i in 0..64 {
        let (f, g) = match i / 16 {
            0 => ((b & c) | (!b & d), i),
            1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
            2 => (b ^ c ^ d, (3 * i + 5) % 16),
            _ => (c ^ (b | !d), (7 * i) % 16),
        };
        let rotated = a
            .wrapping_add(f)
            .wrapping_add(K[i])
            .wrapping_add(m[g])
            .rotate_left(S[i]);
        a = d;
        d = c;
        c = b;
        b = b.wrapping_add(rotated);
    }
    state[0] = state[0].wrapping_add(a);
    state[1] = state[1].wrapping_add(b);
    state[2] = state[2].wrapping_add(c);
    state[3] = state[3].wrapping_add(d);
}

/// The MD5 digest of `input`.
pub fn md5(input: &[u8]) -> [u8; 16] {
    md5_polled(input, &mut Poll::new())
}

/// 64-byte blocks between two charges (64 KiB, roughly 130 µs), and the rough cost of one (ns).
const BLOCKS_PER_CHARGE: usize = 1024;
const BLOCK_COST: u64 = 130;

/// [`md5`], charging `poll` as it goes; gives up (a meaningless digest) once it says stop.
#[inline(always)]
fn md5_polled(input: &[u8], poll: &mut Poll) -> [u8; 16] {
    let mut state: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    let mut blocks = input.chunks_exact(64);
    for (i, block) in (&mut blocks).enumerate() {
        compress(&mut state, block.try_into().expect("chunks_exact(64) yields 64 bytes"));
        if i % BLOCKS_PER_CHARGE == BLOCKS_PER_CHARGE - 1 && poll.charge(BLOCKS_PER_CHARGE as u64 * BLOCK_COST) {
            return [0; 16];
        }
    }
    poll.charge(((input.len() / 64) % BLOCKS_PER_CHARGE + 2) as u64 * BLOCK_COST);
    // Padding: 0x80, zeros up to 56 mod 64, then the bit length as u64 little-endian.
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    let bits = (input.len() as u64).wrapping_mul(8);
    tail[tail_len - 8..tail_len].copy_from_slice(&bits.to_le_bytes());
    for block in tail[..tail_len].chunks_exact(64) {
        compress(&mut state, block.try_into().expect("chunks_exact(64) yields 64 bytes"));
    }
    let mut digest = [0u8; 16];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_le_bytes());
    }
    digest
}

impl BytesKernel for Md5 {
    const OUTPUT_BYTES: Option<usize> = Some(16);
    fn run(&self, input: &ByteItems<'_>, output: &mut ByteOutput<'_>) -> Result<(), String> {
        let mut poll = Poll::new();
        for item in input.iter() {
            output.push(&md5_polled(item, &mut poll));
            if poll.charge(0) {
                return Ok(()); // cancelled: the batch drops this chunk
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: [u8; 16]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn matches_the_rfc_1321_test_suite() {
        let cases: [(&str, &str); 7] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(hex(md5(input.as_bytes())), expected, "input {input:?}");
        }
    }

    #[test]
    fn padding_edges_55_56_63_64_bytes_differ_from_each_other() {
        let digests: Vec<String> = [55, 56, 63, 64, 65].iter().map(|&n| hex(md5(&vec![b'x'; n]))).collect();
        for i in 0..digests.len() {
            for j in i + 1..digests.len() {
                assert_ne!(digests[i], digests[j]);
            }
        }
        // 56 bytes forces a second padding block; a known value pins it down.
        assert_eq!(hex(md5(&[b'a'; 56])), "3b0c8ac703f828b04c6c197006d17218");
    }

    #[test]
    fn kernel_emits_16_bytes_per_item() {
        let out = crate::kernels::testing::bytes_out("md5", &[], &[b"abc", b""]).unwrap();
        assert_eq!(out.iter().map(Vec::len).collect::<Vec<_>>(), [16, 16]);
        assert_eq!(hex(out[0][..].try_into().unwrap()), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(hex(out[1][..].try_into().unwrap()), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
