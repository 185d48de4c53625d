//! One queue: its ready messages (per priority level, in enqueue order), its length accounting,
//! and its consumer ring (round-robin within a consumer priority, blocked consumers set aside).
//!
//! The queue does not know channels or routing: the broker drives it (dispatch, dead-lettering).
//! Must not import: channels, connections, routing.

use std::collections::VecDeque;
use std::sync::Arc;

use super::args::QueueArgs;
use super::ids::{ConnectionId, ConsumerId, QueueId};
use super::message::Message;
use super::value::FieldTable;

/// A message in a queue (ready) or out for delivery (unacked).
#[derive(Debug, Clone)]
pub struct QueueEntry {
    pub message: Arc<Message>,
    /// Enqueue order within this queue: requeued messages go back to their original position.
    pub seq: u64,
    /// Absolute virtual ms at which it expires (queue TTL and per-message TTL, the smaller).
    pub expiry: Option<u64>,
    /// Delivered before and returned to the queue.
    pub redelivered: bool,
}

/// How a queue was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueDecl {
    pub name: String,
    pub durable: bool,
    pub exclusive: bool,
    pub auto_delete: bool,
    pub arguments: FieldTable,
}

/// A queue and its consumers.
#[derive(Debug, Clone)]
pub struct Queue {
    pub id: QueueId,
    pub name: Arc<str>,
    pub durable: bool,
    pub auto_delete: bool,
    pub exclusive_owner: Option<ConnectionId>,
    pub arguments: FieldTable,
    pub args: QueueArgs,
    /// Ready messages; index = effective priority (one level without `x-max-priority`).
    levels: Vec<VecDeque<QueueEntry>>,
    ready_len: usize,
    ready_bytes: usize,
    next_seq: u64,
    /// Active consumers by consumer priority (highest first), each level a ring.
    ring: Vec<(i64, VecDeque<ConsumerId>)>,
    /// Consumers taken out of the ring because they were at their prefetch limit when tried.
    blocked: Vec<(i64, ConsumerId)>,
    consumer_count: usize,
    pub exclusive_consumer: Option<ConsumerId>,
    pub single_active: Option<ConsumerId>,
    pub has_had_consumers: bool,
    /// When the TTL timer fires (RabbitMQ arms one for the head's expiry whenever it expires
    /// messages; a head that got in front otherwise waits for it or for the next fetch).
    pub ttl_timer: Option<u64>,
    /// Virtual ms of the last use (consume, get, declare), for `x-expires`.
    pub last_used: u64,
}

impl Queue {
    /// A new, empty queue.
    pub fn new(
        id: QueueId,
        decl: &QueueDecl,
        args: QueueArgs,
        owner: Option<ConnectionId>,
        now: u64,
    ) -> Queue {
        let levels = usize::from(args.max_priority.unwrap_or(0)) + 1;
        Queue {
            id,
            name: Arc::from(decl.name.as_str()),
            durable: decl.durable && !decl.exclusive,
            auto_delete: decl.auto_delete,
            exclusive_owner: owner,
            arguments: decl.arguments.clone(),
            args,
            levels: (0..levels).map(|_| VecDeque::new()).collect(),
            ready_len: 0,
            ready_bytes: 0,
            next_seq: 0,
            ring: Vec::new(),
            blocked: Vec::new(),
            consumer_count: 0,
            exclusive_consumer: None,
            single_active: None,
            has_had_consumers: false,
            ttl_timer: None,
            last_used: now,
        }
    }

    /// Ready messages (what declare-ok and get-ok count).
    pub fn ready_len(&self) -> usize {
        self.ready_len
    }

    /// Sum of ready body sizes.
    pub fn ready_bytes(&self) -> usize {
        self.ready_bytes
    }

    /// Number of consumers (active, blocked or waiting).
    pub fn consumer_count(&self) -> usize {
        self.consumer_count
    }

    /// Whether the queue has no ready messages.
    pub fn is_empty(&self) -> bool {
        self.ready_len == 0
    }

    fn level_of(&self, message: &Message) -> usize {
        let max = self.levels.len() - 1;
        usize::from(message.properties.priority.unwrap_or(0)).min(max)
    }

    /// A new entry for a message arriving now: the next sequence number and its expiry.
    pub fn make_entry(&mut self, message: Arc<Message>, now: u64) -> QueueEntry {
        let ttl = match (self.args.message_ttl, message.ttl()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        QueueEntry {
            message,
            seq,
            expiry: ttl.map(|t| now.saturating_add(t)),
            redelivered: false,
        }
    }

    /// Appends a ready message at the tail of its level.
    pub fn push_back(&mut self, entry: QueueEntry) {
        let level = self.level_of(&entry.message);
        self.ready_len += 1;
        self.ready_bytes += entry.message.size();
        self.levels[level].push_back(entry);
    }

    /// Puts a returned message back at its original position within its level.
    pub fn requeue(&mut self, mut entry: QueueEntry) {
        entry.redelivered = true;
        let level = self.level_of(&entry.message);
        let q = &mut self.levels[level];
        let at = q.partition_point(|e| e.seq < entry.seq);
        self.ready_len += 1;
        self.ready_bytes += entry.message.size();
        q.insert(at, entry);
    }

    /// The message that would be delivered next.
    pub fn head(&self) -> Option<&QueueEntry> {
        self.levels.iter().rev().find_map(|l| l.front())
    }

    /// Removes and returns the head.
    pub fn pop_head(&mut self) -> Option<QueueEntry> {
        let entry = self.levels.iter_mut().rev().find_map(|l| l.pop_front())?;
        self.ready_len -= 1;
        self.ready_bytes -= entry.message.size();
        Some(entry)
    }

    /// Removes every ready message (purge, delete), returning how many.
    pub fn clear(&mut self) -> Vec<QueueEntry> {
        let mut out = Vec::with_capacity(self.ready_len);
        for level in &mut self.levels {
            out.extend(level.drain(..));
        }
        self.ready_len = 0;
        self.ready_bytes = 0;
        out
    }

    /// Ready messages in delivery order (highest level first), for inspection.
    pub fn ready(&self) -> impl Iterator<Item = &QueueEntry> {
        self.levels.iter().rev().flat_map(|l| l.iter())
    }

    /// The head's expiry, if it has one.
    pub fn head_expiry(&self) -> Option<u64> {
        self.head().and_then(|e| e.expiry)
    }

    /// Over `x-max-length` or `x-max-length-bytes` (ready messages only).
    pub fn over_limit(&self) -> bool {
        self.args
            .max_length
            .is_some_and(|m| self.ready_len as u64 > m)
            || self
                .args
                .max_length_bytes
                .is_some_and(|m| self.ready_bytes as u64 > m)
    }

    /// Whether one more message of `size` bytes would exceed a limit (reject-publish check).
    pub fn would_overflow(&self, size: usize) -> bool {
        self.args
            .max_length
            .is_some_and(|m| self.ready_len as u64 + 1 > m)
            || self
                .args
                .max_length_bytes
                .is_some_and(|m| (self.ready_bytes + size) as u64 > m)
    }

    // ---- consumers -------------------------------------------------------------------

    /// Registers a consumer at the back of its priority level.
    pub fn add_consumer(&mut self, id: ConsumerId, priority: i64) {
        self.consumer_count += 1;
        self.has_had_consumers = true;
        self.ring_push(id, priority);
    }

    fn ring_push(&mut self, id: ConsumerId, priority: i64) {
        match self.ring.iter().position(|(p, _)| *p <= priority) {
            Some(i) if self.ring[i].0 == priority => self.ring[i].1.push_back(id),
            Some(i) => self.ring.insert(i, (priority, VecDeque::from([id]))),
            None => self.ring.push((priority, VecDeque::from([id]))),
        }
    }

    /// Unregisters a consumer wherever it is. Returns whether it was registered here.
    pub fn remove_consumer(&mut self, id: ConsumerId) -> bool {
        let mut found = false;
        for (_, level) in &mut self.ring {
            if let Some(i) = level.iter().position(|c| *c == id) {
                level.remove(i);
                found = true;
            }
        }
        self.ring.retain(|(_, l)| !l.is_empty());
        if let Some(i) = self.blocked.iter().position(|(_, c)| *c == id) {
            self.blocked.remove(i);
            found = true;
        }
        if found {
            self.consumer_count -= 1;
            if self.exclusive_consumer == Some(id) {
                self.exclusive_consumer = None;
            }
        }
        found
    }

    /// The consumer at the front of the ring (highest priority), not blocked.
    pub fn front_consumer(&self) -> Option<ConsumerId> {
        self.ring.first().and_then(|(_, l)| l.front().copied())
    }

    /// Whether the consumer is in the ring (not blocked).
    pub fn is_in_ring(&self, id: ConsumerId) -> bool {
        self.ring.iter().any(|(_, l)| l.contains(&id))
    }

    /// Moves the front consumer to the back of its level (it was just served).
    pub fn rotate_front(&mut self) {
        if let Some((_, level)) = self.ring.first_mut()
            && let Some(c) = level.pop_front()
        {
            level.push_back(c);
        }
    }

    /// Takes a consumer out of the ring: it was tried while at its prefetch limit.
    pub fn block(&mut self, id: ConsumerId) {
        let mut priority = None;
        for (p, level) in &mut self.ring {
            if let Some(i) = level.iter().position(|c| *c == id) {
                level.remove(i);
                priority = Some(*p);
            }
        }
        self.ring.retain(|(_, l)| !l.is_empty());
        if let Some(p) = priority {
            self.blocked.push((p, id));
        }
    }

    /// Puts a blocked consumer back at the back of its level, if it was blocked.
    pub fn unblock(&mut self, id: ConsumerId) -> bool {
        match self.blocked.iter().position(|(_, c)| *c == id) {
            Some(i) => {
                let (p, c) = self.blocked.remove(i);
                self.ring_push(c, p);
                true
            }
            None => false,
        }
    }

    /// Consumers in ring order then blocked ones (deterministic), e.g. for server cancels.
    pub fn consumers(&self) -> Vec<ConsumerId> {
        let mut out: Vec<ConsumerId> = self
            .ring
            .iter()
            .flat_map(|(_, l)| l.iter().copied())
            .collect();
        out.extend(self.blocked.iter().map(|(_, c)| *c));
        out
    }

    /// The next active consumer for single-active-consumer after the current one left: the
    /// front of the ring, as RabbitMQ 3.10 picks it.
    pub fn pick_single_active(&mut self) {
        self.single_active = self.front_consumer();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::ids::MessageId;
    use crate::broker::message::BasicProperties;

    fn queue(args: QueueArgs) -> Queue {
        let decl = QueueDecl {
            name: "q".into(),
            durable: true,
            exclusive: false,
            auto_delete: false,
            arguments: FieldTable::new(),
        };
        Queue::new(QueueId(0), &decl, args, None, 0)
    }

    fn msg(n: u64, priority: Option<u8>) -> Arc<Message> {
        Arc::new(Message {
            id: MessageId(n),
            exchange: Arc::from(""),
            routing_key: Arc::from("q"),
            extra_routing_keys: vec![],
            properties: BasicProperties {
                priority,
                ..BasicProperties::default()
            },
            body: Arc::from(format!("m{n}").into_bytes()),
        })
    }

    #[test]
    fn requeue_returns_to_original_position() {
        let mut q = queue(QueueArgs::default());
        for n in 1..=5 {
            let e = q.make_entry(msg(n, None), 0);
            q.push_back(e);
        }
        let taken: Vec<QueueEntry> = (0..3).filter_map(|_| q.pop_head()).collect();
        // requeue in a scrambled order: positions are restored all the same
        for i in [1, 2, 0] {
            q.requeue(taken[i].clone());
        }
        let order: Vec<u64> = q.ready().map(|e| e.message.id.0).collect();
        assert_eq!(order, [1, 2, 3, 4, 5]);
        assert!(q.ready().take(3).all(|e| e.redelivered));
        assert!(!q.ready().nth(3).is_some_and(|e| e.redelivered));
    }

    #[test]
    fn priority_levels_cap_at_max_and_fifo_within() {
        let mut q = queue(QueueArgs {
            max_priority: Some(5),
            ..QueueArgs::default()
        });
        for (n, p) in [
            (1, Some(10)),
            (2, None),
            (3, Some(5)),
            (4, Some(3)),
            (5, Some(0)),
        ] {
            let e = q.make_entry(msg(n, p), 0);
            q.push_back(e);
        }
        let order: Vec<u64> = std::iter::from_fn(|| q.pop_head())
            .map(|e| e.message.id.0)
            .collect();
        assert_eq!(order, [1, 3, 4, 2, 5]);
    }

    #[test]
    fn ring_rotates_and_blocked_consumers_rejoin_at_the_back() {
        let mut q = queue(QueueArgs::default());
        for c in 1..=3 {
            q.add_consumer(ConsumerId(c), 0);
        }
        assert_eq!(q.front_consumer(), Some(ConsumerId(1)));
        q.rotate_front();
        assert_eq!(q.front_consumer(), Some(ConsumerId(2)));
        q.block(ConsumerId(2));
        assert_eq!(q.front_consumer(), Some(ConsumerId(3)));
        assert!(q.unblock(ConsumerId(2)));
        assert!(!q.unblock(ConsumerId(2)));
        assert_eq!(
            q.consumers(),
            vec![ConsumerId(3), ConsumerId(1), ConsumerId(2)]
        );
        q.add_consumer(ConsumerId(9), 5);
        assert_eq!(q.front_consumer(), Some(ConsumerId(9)));
        assert!(q.remove_consumer(ConsumerId(9)));
        assert_eq!(q.consumer_count(), 3);
    }
}
