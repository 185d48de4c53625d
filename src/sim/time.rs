//! Virtual time: integer milliseconds since the start of the simulation.

use std::fmt;

/// A point in virtual time, in milliseconds. Integer so that ordering never depends on
/// floating-point rounding (which could differ between native and wasm32 code paths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct VirtualTime(pub u64);

impl VirtualTime {
    /// Time zero, when the topology exists and nothing has happened yet.
    pub const ZERO: VirtualTime = VirtualTime(0);

    /// Milliseconds since the start.
    pub fn ms(self) -> u64 {
        self.0
    }

    /// This time plus `ms`, saturating (an unbounded producer cannot overflow the clock).
    pub fn plus(self, ms: u64) -> VirtualTime {
        VirtualTime(self.0.saturating_add(ms))
    }
}

impl fmt::Display for VirtualTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}
