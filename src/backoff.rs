//! Retry timing shared by every background client (live feeds, the directive push): the
//! interval doubled per failure, capped, with "equal jitter" so that many boards restarted
//! together do not retry in step.

use std::time::Duration;

/// Longest wait between retries of a failing source, whatever its interval.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5 * 60);

/// Delay before retry number `failures` (1 = the first retry): the interval doubled per
/// failure, capped at 16 intervals and at [`MAX_BACKOFF`] (but never below one interval),
/// then scaled into `[½, 1]` of itself by the jitter ("equal jitter").
pub fn backoff(interval: Duration, failures: u32, jitter: f64) -> Duration {
    let exp = failures.saturating_sub(1).min(4);
    let raw = interval.saturating_mul(1 << exp);
    let cap = MAX_BACKOFF.max(interval);
    let full = raw.min(cap);
    full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// A small pseudo-random source for jitter (SplitMix64), seeded from the OS.
#[derive(Clone, Debug)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(salt: u64) -> Self {
        let mut seed = [0u8; 8];
        // Jitter needs no cryptographic quality: fall back to the clock if the OS refuses.
        if getrandom::fill(&mut seed).is_err() {
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            seed = (t.as_nanos() as u64).to_le_bytes();
        }
        Jitter(u64::from_le_bytes(seed) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// The next value in `[0, 1)`.
    pub fn sample(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_jitters() {
        let i = Duration::from_secs(10);
        assert_eq!(backoff(i, 1, 1.0), Duration::from_secs(10));
        assert_eq!(backoff(i, 2, 1.0), Duration::from_secs(20));
        assert_eq!(backoff(i, 3, 1.0), Duration::from_secs(40));
        assert_eq!(backoff(i, 5, 1.0), Duration::from_secs(160));
        assert_eq!(backoff(i, 50, 1.0), Duration::from_secs(160), "at most 16 intervals");
        assert_eq!(backoff(Duration::from_secs(60), 9, 1.0), MAX_BACKOFF, "at most five minutes");
        assert_eq!(backoff(Duration::from_secs(600), 9, 1.0), Duration::from_secs(600), "never below one interval");
        assert_eq!(backoff(i, 1, 0.0), Duration::from_secs(5), "jitter takes off at most half");
        let mut j = Jitter::new(1);
        for _ in 0..1000 {
            let x = j.sample();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
