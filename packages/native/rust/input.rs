//! The input of a batch: the items, copied out of JS memory and checked once, so the pool
//! threads that read them never touch JS memory and never see an inconsistent layout.
//!
//! ```text
//!   Numbers  values [ a0 a1 | b0 b1 | c0 c1 ]      arity 2 ⇒ 3 items
//!   Bytes    data   [ a a a | b | c c ]            offsets [0, 3, 4, 6] ⇒ 3 items
//! ```
use crate::kernel::{Items, Shape};

/// The input of a batch, owned.
#[derive(Debug)]
pub enum Input {
    /// `values.len()` is a multiple of `arity`.
    Numbers { values: Vec<f64>, arity: usize },
    /// Item `i` is `data[offsets[i]..offsets[i+1]]`; offsets start at 0, never decrease, end at `data.len()`.
    Bytes { data: Vec<u8>, offsets: Vec<usize> },
}

impl Input {
    /// Numbers input, checked: `values.len()` must be a multiple of `arity` (≥ 1).
    pub fn numbers(values: Vec<f64>, arity: usize) -> Result<Input, String> {
        if arity == 0 || !values.len().is_multiple_of(arity) {
            return Err(format!(
                "the input holds {} numbers, not a multiple of the kernel's arity {arity}",
                values.len()
            ));
        }
        Ok(Input::Numbers { values, arity })
    }

    /// Bytes input, checked: `offsets` (as JS numbers) must be integers from 0, non-decreasing,
    /// ending at `data.len()`.
    pub fn bytes(data: Vec<u8>, offsets: &[f64]) -> Result<Input, String> {
        if offsets.first() != Some(&0.0) {
            return Err("offsets must start with 0".into());
        }
        let mut out = Vec::with_capacity(offsets.len());
        let mut last = 0.0;
        for &o in offsets {
            if !(o >= last && o.fract() == 0.0 && o <= data.len() as f64) {
                return Err(format!(
                    "offsets must be non-decreasing integers within the data, received {o} after {last}"
                ));
            }
            last = o;
            out.push(o as usize);
        }
        if last != data.len() as f64 {
            return Err(format!(
                "the last offset must equal the data length {}, received {last}",
                data.len()
            ));
        }
        Ok(Input::Bytes { data, offsets: out })
    }

    /// How many items.
    pub fn len(&self) -> usize {
        match self {
            Input::Numbers { values, arity } => values.len() / arity,
            Input::Bytes { offsets, .. } => offsets.len() - 1,
        }
    }

    /// True when there is no item.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the input is of the kind `shape` describes (and, for numbers, of its arity).
    pub fn shape_matches(&self, shape: Shape) -> bool {
        match (self, shape) {
            (Input::Numbers { arity, .. }, Shape::Numbers { arity: a }) => *arity == a,
            (Input::Bytes { .. }, Shape::Bytes { .. }) => true,
            _ => false,
        }
    }

    /// Items `range` (in bounds: `range.end <= self.len()`), borrowed.
    pub fn items(&self, range: std::ops::Range<usize>) -> Items<'_> {
        match self {
            Input::Numbers { values, arity } => Items::Numbers {
                values: &values[range.start * arity..range.end * arity],
                arity: *arity,
            },
            Input::Bytes { data, offsets } => Items::Bytes {
                data,
                offsets: &offsets[range.start..range.end + 1],
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_validated() {
        assert!(Input::numbers(vec![1.0; 3], 2).is_err());
        assert!(Input::numbers(vec![1.0; 3], 0).is_err());
        assert!(Input::bytes(vec![0; 4], &[0.0, 5.0]).is_err());
        assert!(Input::bytes(vec![0; 4], &[0.0, 3.0, 2.0, 4.0]).is_err());
        assert!(Input::bytes(vec![0; 4], &[1.0, 4.0]).is_err());
        assert!(Input::bytes(vec![0; 4], &[0.0, 1.5, 4.0]).is_err());
        assert!(Input::bytes(vec![0; 4], &[0.0, 2.0]).is_err());
        assert_eq!(Input::bytes(vec![0; 4], &[0.0, 0.0, 4.0]).unwrap().len(), 2);
        assert_eq!(Input::numbers(vec![1.0; 6], 3).unwrap().len(), 2);
    }

    #[test]
    fn items_borrow_the_requested_range() {
        let numbers = Input::numbers((0..6).map(f64::from).collect(), 2).unwrap();
        let Items::Numbers { values, arity: 2 } = numbers.items(1..3) else {
            panic!("numbers of arity 2")
        };
        assert_eq!(values, &[2.0, 3.0, 4.0, 5.0]);
        let bytes = Input::bytes(b"aaabcc".to_vec(), &[0.0, 3.0, 4.0, 6.0]).unwrap();
        let items = bytes.items(1..3);
        assert_eq!(items.len(), 2);
        let Items::Bytes { data, offsets } = items else {
            panic!("bytes")
        };
        let item = |i: usize| &data[offsets[i]..offsets[i + 1]];
        assert_eq!((item(0), item(1)), (&b"b"[..], &b"cc"[..]));
        assert!(numbers.shape_matches(Shape::Numbers { arity: 2 }));
        assert!(!numbers.shape_matches(Shape::Numbers { arity: 1 }));
        assert!(bytes.shape_matches(Shape::Bytes { len: None }));
    }
}
