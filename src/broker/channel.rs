//! A channel: delivery tags and the unacknowledged deliveries it holds, its consumers, its
//! consumer prefetch setting and publisher-confirm state.
//!
//! Must not import: queues' internals or routing.

use std::collections::{BTreeMap, VecDeque};

use super::ids::{ConnectionId, ConsumerId, ConsumerTag, DeliveryTag, QueueId};
use super::queue::QueueEntry;

/// One unacknowledged delivery.
#[derive(Debug, Clone)]
pub struct Unacked {
    pub tag: DeliveryTag,
    pub queue: QueueId,
    pub entry: QueueEntry,
    /// The consumer whose prefetch it counts against (None for basic.get).
    pub consumer: Option<ConsumerId>,
}

/// One channel.
#[derive(Debug, Clone)]
pub struct Channel {
    pub connection: ConnectionId,
    next_tag: u64,
    /// Outstanding deliveries by tag; slot i holds tag `base + i`, settled slots are `None`, so
    /// lookup is O(1) and iteration is in tag order.
    unacked: VecDeque<Option<Unacked>>,
    base: u64,
    unacked_len: usize,
    /// basic.qos(global=false) prefetch_count for consumers created from now on.
    pub consumer_prefetch: u16,
    pub consumers: BTreeMap<ConsumerTag, ConsumerId>,
    /// Publisher confirms on: the sequence number of the next publish.
    pub confirm_seq: Option<u64>,
    next_ctag: u64,
}

impl Channel {
    /// A fresh channel on `connection`.
    pub fn new(connection: ConnectionId) -> Channel {
        Channel {
            connection,
            next_tag: 1,
            unacked: VecDeque::new(),
            base: 1,
            unacked_len: 0,
            consumer_prefetch: 0,
            consumers: BTreeMap::new(),
            confirm_seq: None,
            next_ctag: 1,
        }
    }

    /// The next delivery tag.
    pub fn next_delivery_tag(&mut self) -> DeliveryTag {
        let t = self.next_tag;
        self.next_tag += 1;
        DeliveryTag(t)
    }

    /// A server-generated consumer tag.
    pub fn generate_consumer_tag(&mut self) -> ConsumerTag {
        let n = self.next_ctag;
        self.next_ctag += 1;
        ConsumerTag::new(&format!("amq.ctag-{n}"))
    }

    /// Records an outstanding delivery (tags must be issued in increasing order).
    pub fn track(&mut self, u: Unacked) {
        if self.unacked_len == 0 {
            self.unacked.clear();
            self.base = u.tag.0;
        }
        let idx = u.tag.0.saturating_sub(self.base) as usize;
        while self.unacked.len() < idx {
            self.unacked.push_back(None);
        }
        self.unacked.push_back(Some(u));
        self.unacked_len += 1;
    }

    /// Number of outstanding deliveries.
    pub fn unacked_len(&self) -> usize {
        self.unacked_len
    }

    /// Whether `tag` is outstanding.
    pub fn is_outstanding(&self, tag: DeliveryTag) -> bool {
        self.slot(tag).is_some_and(|s| self.unacked[s].is_some())
    }

    fn slot(&self, tag: DeliveryTag) -> Option<usize> {
        let idx = tag.0.checked_sub(self.base)? as usize;
        (idx < self.unacked.len()).then_some(idx)
    }

    fn compact(&mut self) {
        while matches!(self.unacked.front(), Some(None)) {
            self.unacked.pop_front();
            self.base += 1;
        }
    }

    /// Removes one outstanding delivery.
    pub fn take(&mut self, tag: DeliveryTag) -> Option<Unacked> {
        let s = self.slot(tag)?;
        let u = self.unacked[s].take()?;
        self.unacked_len -= 1;
        self.compact();
        Some(u)
    }

    /// Removes every outstanding delivery with a tag ≤ `tag`, in tag order.
    pub fn take_up_to(&mut self, tag: DeliveryTag) -> Vec<Unacked> {
        let mut out = Vec::new();
        while let Some(front) = self.unacked.front() {
            if self.base > tag.0 {
                break;
            }
            if front.is_some()
                && let Some(u) = self.unacked.pop_front().flatten()
            {
                out.push(u);
                self.unacked_len -= 1;
            } else {
                self.unacked.pop_front();
            }
            self.base += 1;
        }
        self.compact();
        out
    }

    /// Removes every outstanding delivery, in tag order.
    pub fn take_all(&mut self) -> Vec<Unacked> {
        let out: Vec<Unacked> = self.unacked.drain(..).flatten().collect();
        self.unacked_len = 0;
        self.base = self.next_tag;
        out
    }

    /// Outstanding deliveries in tag order.
    pub fn unacked(&self) -> impl Iterator<Item = &Unacked> {
        self.unacked.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::ids::MessageId;
    use crate::broker::message::{BasicProperties, Message};
    use std::sync::Arc;

    fn unacked(ch: &mut Channel) -> Unacked {
        let tag = ch.next_delivery_tag();
        let message = Arc::new(Message {
            id: MessageId(tag.0),
            exchange: Arc::from(""),
            routing_key: Arc::from(""),
            extra_routing_keys: vec![],
            properties: BasicProperties::default(),
            body: Arc::from(Vec::new()),
        });
        Unacked {
            tag,
            queue: QueueId(0),
            entry: QueueEntry {
                message,
                seq: tag.0,
                expiry: None,
                redelivered: false,
            },
            consumer: None,
        }
    }

    #[test]
    fn tags_are_tracked_and_settled_in_any_order() {
        let mut ch = Channel::new(ConnectionId(0));
        for _ in 0..5 {
            let u = unacked(&mut ch);
            ch.track(u);
        }
        assert!(ch.take(DeliveryTag(2)).is_some());
        assert!(ch.take(DeliveryTag(2)).is_none());
        assert!(!ch.is_outstanding(DeliveryTag(2)));
        let taken: Vec<u64> = ch
            .take_up_to(DeliveryTag(4))
            .iter()
            .map(|u| u.tag.0)
            .collect();
        assert_eq!(taken, [1, 3, 4]);
        assert_eq!(ch.unacked_len(), 1);
        assert!(ch.is_outstanding(DeliveryTag(5)));
        assert!(!ch.is_outstanding(DeliveryTag(6)));
        assert!(!ch.is_outstanding(DeliveryTag(0)));
        let u = unacked(&mut ch);
        ch.track(u);
        let all: Vec<u64> = ch.take_all().iter().map(|u| u.tag.0).collect();
        assert_eq!(all, [5, 6]);
    }
}
