//! A stable 64-bit hasher (FNV-1a) for unit ids and fingerprints: the same
//! inputs give the same 16 hex digits on every run and every machine, which
//! `std`'s `DefaultHasher` does not promise.

use std::hash::Hasher;

pub struct StableHasher(u64);

impl StableHasher {
    pub fn new() -> StableHasher {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }

    /// Feed a string with a terminator, so `("ab","c")` and `("a","bc")` differ.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.write(s.as_bytes());
        self.write(&[0xff]);
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.write(&v.to_le_bytes());
        self
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher::new()
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_separated() {
        let a = StableHasher::new().str("ab").str("c").hex();
        let b = StableHasher::new().str("a").str("bc").hex();
        assert_ne!(a, b);
        assert_eq!(a, StableHasher::new().str("ab").str("c").hex());
        assert_eq!(a.len(), 16);
    }
}
