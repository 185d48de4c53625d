//! Identifier newtypes shared across the broker model.

use std::fmt;

/// A queue's dense index inside one broker, assigned at declare and never reused, so routing can
/// work with integers and de-duplicate with a bitset instead of hashing names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueId(pub u32);

impl fmt::Display for QueueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "q#{}", self.0)
    }
}
