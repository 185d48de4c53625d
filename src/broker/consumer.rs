//! A consumer (basic.consume): its queue, channel, ack mode, priority and prefetch credit.
//!
//! Must not import: queues or channels (the broker links them by id).

use super::ids::{ChannelId, ConsumerTag, QueueId};

/// One subscription.
#[derive(Debug, Clone)]
pub struct Consumer {
    pub tag: ConsumerTag,
    pub channel: ChannelId,
    pub queue: QueueId,
    /// no_ack (auto-ack): deliveries are settled when sent and never limited by prefetch.
    pub no_ack: bool,
    pub exclusive: bool,
    /// `x-priority` (default 0).
    pub priority: i64,
    /// The prefetch_count it was created with (0 = unlimited).
    pub prefetch: u16,
    /// Unacked deliveries it holds (those count against `prefetch`).
    pub unacked: u32,
}

impl Consumer {
    /// Whether it may receive one more delivery now (RabbitMQ's per-consumer credit).
    pub fn has_credit(&self) -> bool {
        self.no_ack || self.prefetch == 0 || self.unacked < u32::from(self.prefetch)
    }
}
