//! What the broker tells its caller: the AMQP methods it sends to clients (deliveries, returns,
//! publisher confirms, server cancels, closes) and informational events a simulator narrates
//! (enqueued, dropped, expired, dead-lettered, requeued…). The caller drains them in order.
//!
//! Must not import: anything but broker value types.

use std::sync::Arc;

use super::dead_letter::DeathReason;
use super::error::BrokerError;
use super::ids::{ChannelId, ConnectionId, ConsumerTag, DeliveryTag, MessageId, QueueId};
use super::message::Message;

/// Why a message left a queue without being delivered or dead-lettered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropCause {
    /// Removed from the head by `x-overflow: drop-head` (no dead-letter exchange).
    Overflow,
    /// Refused at publish by `reject-publish` / `reject-publish-dlx`.
    RejectPublish,
    /// Its TTL passed (no dead-letter exchange).
    Expired,
    /// Rejected or nacked without requeue (no dead-letter exchange).
    Rejected,
    /// Removed by queue.purge.
    Purged,
    /// Discarded with its queue (delete, auto-delete, exclusive owner gone).
    QueueDeleted,
}

/// One event. Client-visible events come first in this list; the rest are informational.
#[derive(Debug, Clone)]
pub enum BrokerEvent {
    /// basic.deliver to a consumer.
    Delivered {
        channel: ChannelId,
        consumer_tag: ConsumerTag,
        delivery_tag: DeliveryTag,
        queue: QueueId,
        redelivered: bool,
        message: Arc<Message>,
    },
    /// basic.return (mandatory and unroutable).
    Returned {
        channel: ChannelId,
        reply_code: u16,
        reply_text: &'static str,
        message: Arc<Message>,
    },
    /// Publisher confirm: basic.ack for the publish with this sequence number.
    PublisherAck { channel: ChannelId, seq: u64 },
    /// Publisher confirm: basic.nack (a queue refused it: reject-publish overflow).
    PublisherNack { channel: ChannelId, seq: u64 },
    /// Server-sent basic.cancel: the consumer's queue was deleted.
    ConsumerCancelled {
        channel: ChannelId,
        consumer_tag: ConsumerTag,
        queue: QueueId,
    },
    /// A channel closed; `error` is the channel.close the broker sent (None: client closed it).
    ChannelClosed {
        channel: ChannelId,
        error: Option<BrokerError>,
    },
    /// A connection closed; `error` is the connection.close the broker sent.
    ConnectionClosed {
        connection: ConnectionId,
        error: Option<BrokerError>,
    },

    /// A publish reached these queues (possibly none).
    Routed {
        message: MessageId,
        exchange: Arc<str>,
        queues: Vec<QueueId>,
    },
    /// A message was stored in a queue as ready.
    Enqueued { queue: QueueId, message: MessageId },
    /// A message left a queue for good without delivery.
    Dropped {
        queue: QueueId,
        message: MessageId,
        cause: DropCause,
    },
    /// A message's TTL passed at the head of a queue (followed by DeadLettered or Dropped).
    Expired { queue: QueueId, message: MessageId },
    /// A message died in `queue` and its copy `copy` was republished to `exchange`, reaching
    /// `queues` (none: the dead-letter exchange is missing, routed nowhere, or every target
    /// would be a cycle — the copy is dropped).
    DeadLettered {
        queue: QueueId,
        message: MessageId,
        copy: MessageId,
        reason: DeathReason,
        exchange: Arc<str>,
        queues: Vec<QueueId>,
    },
    /// An unacked message went back to its queue (nack/reject requeue, channel close).
    Requeued { queue: QueueId, message: MessageId },
    /// A consumer or basic.get acknowledged a delivery.
    Acked {
        channel: ChannelId,
        delivery_tag: DeliveryTag,
        message: MessageId,
    },
    /// A queue was deleted (explicitly, auto-delete, exclusive owner closed, x-expires).
    QueueDeleted { queue: QueueId, name: Arc<str> },
}

impl BrokerEvent {
    /// Whether the event is informational (not an AMQP method a client would receive).
    pub fn is_informational(&self) -> bool {
        !matches!(
            self,
            BrokerEvent::Delivered { .. }
                | BrokerEvent::Returned { .. }
                | BrokerEvent::PublisherAck { .. }
                | BrokerEvent::PublisherNack { .. }
                | BrokerEvent::ConsumerCancelled { .. }
                | BrokerEvent::ChannelClosed { .. }
                | BrokerEvent::ConnectionClosed { .. }
        )
    }
}
