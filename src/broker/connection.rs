//! A client connection: its user, its channels and the exclusive queues it owns.
//!
//! Must not import: queues or channels (the broker links them by id).

use std::collections::BTreeSet;

use super::ids::{ChannelId, QueueId};

/// One connection.
#[derive(Debug, Clone)]
pub struct Connection {
    /// The authenticated user (`user_id` on publish must match it).
    pub user: String,
    pub channels: BTreeSet<ChannelId>,
    pub exclusive_queues: BTreeSet<QueueId>,
}
