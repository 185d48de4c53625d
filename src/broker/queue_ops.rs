//! The broker's internal queue mechanics, shared by the AMQP methods: enqueue with overflow
//! and direct delivery, dispatch (round-robin with prefetch credit and consumer priorities),
//! expiry at the head, drop-head, requeue, dead-letter republishing, queue deletion, and
//! channel/connection teardown.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::args::Overflow;
use super::channel::Unacked;
use super::dead_letter::{DeathReason, is_cycle, make_dead_letter};
use super::error::BrokerError;
use super::event::{BrokerEvent, DropCause};
use super::ids::{ChannelId, ConnectionId, ConsumerId, QueueId};
use super::message::Message;
use super::queue::QueueEntry;
use super::value::FieldTable;
use super::{Broker, PendingDeadLetter};

impl Broker {
    /// Offers a message to a queue as a publish does (`maybe_deliver_or_enqueue` of 3.10).
    /// Returns false when the queue refused it (reject-publish overflow).
    pub(super) fn enqueue(&mut self, qid: QueueId, message: Arc<Message>) -> bool {
        let now = self.now;
        let Some(q) = self.queue_mut(qid) else {
            return true;
        };
        let reject = matches!(
            q.args.overflow,
            Overflow::RejectPublish | Overflow::RejectPublishDlx
        );
        if reject && q.would_overflow(message.size()) {
            let id = message.id;
            if q.args.overflow == Overflow::RejectPublishDlx {
                self.dead_letter(qid, message, DeathReason::Maxlen);
            } else {
                self.narrate(|| BrokerEvent::Dropped {
                    queue: qid,
                    message: id,
                    cause: DropCause::RejectPublish,
                });
            }
            return false;
        }
        let entry = q.make_entry(message, now);
        let entry = if q.is_empty() {
            match self.deliver_direct(qid, entry) {
                Ok(()) => return true,
                Err(entry) => entry,
            }
        } else {
            entry
        };
        let (id, expiry) = (entry.message.id, entry.expiry);
        let Some(q) = self.queue_mut(qid) else {
            return true;
        };
        if q.args.message_ttl == Some(0) && q.args.dead_letter_exchange.is_none() {
            // RabbitMQ's shortcut: a queue TTL of 0 without a DLX discards what no consumer
            // took at once, even behind other messages.
            self.narrate(|| BrokerEvent::Dropped {
                queue: qid,
                message: id,
                cause: DropCause::Expired,
            });
            return true;
        }
        q.push_back(entry);
        self.narrate(|| BrokerEvent::Enqueued {
            queue: qid,
            message: id,
        });
        let dropped = self.drop_head_over_limit(qid);
        let len = self.queue(qid).map_or(0, |q| q.ready_len());
        // 3.10 expires at the head after a publish only when the new message may be the head
        // (`deliver_or_enqueue`): a short-lived message put in front by its priority waits for
        // the next fetch or timer.
        match (dropped, len == 1, expiry) {
            (false, false, _) | (true, true, None) => {}
            _ => self.drop_expired(qid),
        }
        true
    }

    /// The consumer that would get the next message, blocking (taking out of the ring) the
    /// ones at their prefetch limit on the way, as `rabbit_queue_consumers:deliver` does.
    fn next_consumer(&mut self, qid: QueueId) -> Option<ConsumerId> {
        loop {
            let q = self
                .queues
                .get_mut(qid.0 as usize)
                .and_then(Option::as_mut)?;
            let cid = if q.args.single_active_consumer {
                match q.single_active {
                    Some(c) if q.is_in_ring(c) => c,
                    _ => return None,
                }
            } else {
                q.front_consumer()?
            };
            match self.consumers.get(&cid) {
                Some(c) if c.has_credit() => return Some(cid),
                _ => q.block(cid),
            }
        }
    }

    /// Hands a message that never entered the queue straight to a consumer, if one can take it.
    fn deliver_direct(&mut self, qid: QueueId, entry: QueueEntry) -> Result<(), QueueEntry> {
        match self.next_consumer(qid) {
            Some(cid) => {
                self.send_to_consumer(qid, cid, entry);
                Ok(())
            }
            None => Err(entry),
        }
    }

    fn send_to_consumer(&mut self, qid: QueueId, cid: ConsumerId, entry: QueueEntry) {
        let Some(q) = self.queues.get_mut(qid.0 as usize).and_then(Option::as_mut) else {
            return;
        };
        if !q.args.single_active_consumer {
            q.rotate_front();
        }
        let Some(consumer) = self.consumers.get_mut(&cid) else {
            return;
        };
        let Some(ch) = self.channels.get_mut(&consumer.channel) else {
            return;
        };
        let delivery_tag = ch.next_delivery_tag();
        let event = BrokerEvent::Delivered {
            channel: consumer.channel,
            consumer_tag: consumer.tag.clone(),
            delivery_tag,
            queue: qid,
            redelivered: entry.redelivered,
            message: entry.message.clone(),
        };
        if consumer.no_ack {
            if self.narrate {
                let (channel, message) = (consumer.channel, entry.message.id);
                self.events.push_back(event);
                self.events.push_back(BrokerEvent::Acked {
                    channel,
                    delivery_tag,
                    message,
                });
                return;
            }
        } else {
            consumer.unacked += 1;
            ch.track(Unacked {
                tag: delivery_tag,
                queue: qid,
                entry,
                consumer: Some(cid),
            });
        }
        self.events.push_back(event);
    }

    /// Delivers ready messages while some consumer can take one (`run_message_queue`).
    pub(super) fn dispatch(&mut self, qid: QueueId) {
        loop {
            match self.queue(qid) {
                Some(q) if !q.is_empty() => {}
                _ => return,
            }
            let Some(cid) = self.next_consumer(qid) else {
                return;
            };
            let Some(entry) = self.queue_mut(qid).and_then(|q| q.pop_head()) else {
                return;
            };
            self.send_to_consumer(qid, cid, entry);
            self.drop_expired(qid);
        }
    }

    /// Expires messages at the head whose time has come (`drop_expired_msgs`), then arms the
    /// queue's TTL timer for the new head (kept if it fires no more than 1 ms later).
    pub(super) fn drop_expired(&mut self, qid: QueueId) {
        let now = self.now;
        loop {
            let Some(q) = self.queue_mut(qid) else { return };
            if q.is_empty() {
                return;
            }
            if q.head_expiry().is_none_or(|e| e > now) {
                if let Some(e) = q.head_expiry() {
                    match q.ttl_timer {
                        Some(t) if e + 1 >= t => {}
                        _ => q.ttl_timer = Some(e),
                    }
                }
                return;
            }
            let Some(entry) = q.pop_head() else { return };
            let id = entry.message.id;
            self.narrate(|| BrokerEvent::Expired {
                queue: qid,
                message: id,
            });
            self.dead_letter(qid, entry.message, DeathReason::Expired);
        }
    }

    /// drop-head: removes messages from the head while the queue is over a length limit.
    /// Returns whether it dropped anything.
    pub(super) fn drop_head_over_limit(&mut self, qid: QueueId) -> bool {
        let mut dropped = false;
        loop {
            let Some(q) = self.queue_mut(qid) else {
                return dropped;
            };
            if q.args.overflow != Overflow::DropHead || !q.over_limit() {
                return dropped;
            }
            let Some(entry) = q.pop_head() else {
                return dropped;
            };
            dropped = true;
            self.dead_letter(qid, entry.message, DeathReason::Maxlen);
        }
    }

    /// A message died in a queue: queue it for its dead-letter exchange, or drop it.
    pub(super) fn dead_letter(&mut self, qid: QueueId, message: Arc<Message>, reason: DeathReason) {
        let Some(q) = self.queue(qid) else { return };
        match &q.args.dead_letter_exchange {
            Some(dlx) => {
                let pending = PendingDeadLetter {
                    message,
                    reason,
                    queue: qid,
                    queue_name: q.name.clone(),
                    exchange: dlx.clone(),
                    routing_key: q.args.dead_letter_routing_key.clone(),
                };
                self.dead_letters.push_back(pending);
            }
            None => {
                let cause = match reason {
                    DeathReason::Rejected => DropCause::Rejected,
                    DeathReason::Expired => DropCause::Expired,
                    DeathReason::Maxlen => DropCause::Overflow,
                };
                let id = message.id;
                self.narrate(|| BrokerEvent::Dropped {
                    queue: qid,
                    message: id,
                    cause,
                });
            }
        }
    }

    /// Republishes every pending dead letter (and the ones that causes), oldest first.
    pub(super) fn run_dead_letters(&mut self) {
        while let Some(p) = self.dead_letters.pop_front() {
            let id = self.next_message_id();
            let copy = make_dead_letter(
                &p.message,
                id,
                p.reason,
                &p.queue_name,
                &p.exchange,
                p.routing_key.as_deref(),
                self.now,
            );
            let empty = FieldTable::new();
            let headers = copy.properties.headers.as_ref().unwrap_or(&empty);
            let keys: Vec<&str> = copy.routing_keys().collect();
            let mut targets: Vec<QueueId> =
                match self
                    .router
                    .route(&p.exchange, &keys, headers, false, &mut self.dl_scratch)
                {
                    Ok(()) => self.dl_scratch.queues().to_vec(),
                    Err(_) => Vec::new(),
                };
            if p.reason != DeathReason::Rejected {
                targets.retain(|&t| self.queue(t).is_some_and(|q| !is_cycle(&copy, &q.name)));
            }
            let exchange = self.intern_exchange(&p.exchange);
            let (from, original) = (p.queue, p.message.id);
            if self.narrate {
                self.emit(BrokerEvent::DeadLettered {
                    queue: from,
                    message: original,
                    copy: id,
                    reason: p.reason,
                    exchange,
                    queues: targets.clone(),
                });
            }
            let copy = Arc::new(copy);
            for t in targets {
                self.enqueue(t, copy.clone());
            }
        }
    }

    /// Returns deliveries to their queue (original positions, redelivered), then enforces
    /// drop-head, expires what is due and dispatches (`requeue_and_run`).
    pub(super) fn requeue_and_run(&mut self, qid: QueueId, entries: Vec<QueueEntry>) {
        let Some(q) = self.queue_mut(qid) else {
            self.drop_lost(qid, &entries);
            return;
        };
        let ids: Vec<_> = entries.iter().map(|e| e.message.id).collect();
        for e in entries {
            q.requeue(e);
        }
        if self.narrate {
            for id in ids {
                self.emit(BrokerEvent::Requeued {
                    queue: qid,
                    message: id,
                });
            }
        }
        self.drop_head_over_limit(qid);
        self.drop_expired(qid);
        self.dispatch(qid);
    }

    /// Returns settled deliveries' prefetch credit to their consumers, unblocking them.
    pub(super) fn return_credit(&mut self, settled: &[Unacked]) {
        for u in settled {
            let Some(cid) = u.consumer else { continue };
            let Some(c) = self.consumers.get_mut(&cid) else {
                continue;
            };
            c.unacked = c.unacked.saturating_sub(1);
            if c.has_credit() {
                let qid = c.queue;
                if let Some(q) = self.queue_mut(qid) {
                    q.unblock(cid);
                }
            }
        }
    }

    /// Unacked messages whose queue is gone when they are settled or returned: they vanish.
    pub(super) fn drop_lost(&mut self, qid: QueueId, entries: &[QueueEntry]) {
        if self.narrate {
            for e in entries {
                let message = e.message.id;
                self.emit(BrokerEvent::Dropped {
                    queue: qid,
                    message,
                    cause: DropCause::QueueDeleted,
                });
            }
        }
    }

    /// Whether an auto-delete queue has lost its last consumer.
    fn should_auto_delete(&self, qid: QueueId) -> bool {
        self.queue(qid)
            .is_some_and(|q| q.auto_delete && q.has_had_consumers && q.consumer_count() == 0)
    }

    /// Unsubscribes a consumer from its queue (cancel, channel close), electing a new single
    /// active consumer if needed. Returns its queue.
    pub(super) fn remove_consumer(&mut self, cid: ConsumerId) -> Option<QueueId> {
        let c = self.consumers.remove(&cid)?;
        if let Some(ch) = self.channels.get_mut(&c.channel) {
            ch.consumers.remove(&c.tag);
        }
        let q = self.queue_mut(c.queue)?;
        q.remove_consumer(cid);
        if q.single_active == Some(cid) {
            q.pick_single_active();
        }
        Some(c.queue)
    }

    /// After a consumer left: auto-delete the queue, or let the others have its share.
    pub(super) fn after_consumer_left(&mut self, qid: QueueId) {
        if self.should_auto_delete(qid) {
            self.delete_queue(qid);
        } else {
            self.dispatch(qid);
        }
    }

    /// Deletes a queue: server-cancels its consumers, drops its messages (not dead-lettered),
    /// removes its bindings. Returns how many ready messages it had.
    pub(super) fn delete_queue(&mut self, qid: QueueId) -> usize {
        let Some(slot) = self.queues.get_mut(qid.0 as usize) else {
            return 0;
        };
        let Some(mut q) = slot.take() else { return 0 };
        for cid in q.consumers() {
            if let Some(c) = self.consumers.remove(&cid) {
                if let Some(ch) = self.channels.get_mut(&c.channel) {
                    ch.consumers.remove(&c.tag);
                }
                self.emit(BrokerEvent::ConsumerCancelled {
                    channel: c.channel,
                    consumer_tag: c.tag,
                    queue: qid,
                });
            }
        }
        self.router.remove_queue(qid);
        if let Some(owner) = q.exclusive_owner
            && let Some(conn) = self.connections.get_mut(&owner)
        {
            conn.exclusive_queues.remove(&qid);
        }
        let dropped = q.clear();
        let count = dropped.len();
        if self.narrate {
            for e in dropped {
                self.emit(BrokerEvent::Dropped {
                    queue: qid,
                    message: e.message.id,
                    cause: DropCause::QueueDeleted,
                });
            }
            self.emit(BrokerEvent::QueueDeleted {
                queue: qid,
                name: q.name.clone(),
            });
        }
        count
    }

    /// Closes a channel: its consumers go, its unacked deliveries return to their queues
    /// (per queue: consumers removed, then auto-delete or requeue, as `handle_ch_down`).
    pub(super) fn close_channel_inner(&mut self, chid: ChannelId, error: Option<BrokerError>) {
        let Some(mut ch) = self.channels.remove(&chid) else {
            return;
        };
        if let Some(conn) = self.connections.get_mut(&ch.connection) {
            conn.channels.remove(&chid);
        }
        self.emit(BrokerEvent::ChannelClosed {
            channel: chid,
            error,
        });
        let mut by_queue: BTreeMap<QueueId, (bool, Vec<QueueEntry>)> = BTreeMap::new();
        let consumers: Vec<ConsumerId> = ch.consumers.values().copied().collect();
        for cid in consumers {
            if let Some(qid) = self.remove_consumer(cid) {
                by_queue.entry(qid).or_default().0 = true;
            }
        }
        for u in ch.take_all() {
            by_queue.entry(u.queue).or_default().1.push(u.entry);
        }
        for (qid, (had_consumers, entries)) in by_queue {
            if had_consumers && self.should_auto_delete(qid) {
                self.delete_queue(qid);
                self.drop_lost(qid, &entries);
            } else if entries.is_empty() {
                self.dispatch(qid);
            } else {
                self.requeue_and_run(qid, entries);
            }
        }
        self.run_dead_letters();
    }

    /// Closes a connection: all its channels, then the exclusive queues it owns.
    pub(super) fn close_connection_inner(
        &mut self,
        conn: ConnectionId,
        error: Option<BrokerError>,
    ) {
        let Some(c) = self.connections.get(&conn) else {
            return;
        };
        let channels: Vec<ChannelId> = c.channels.iter().copied().collect();
        for ch in channels {
            self.close_channel_inner(ch, None);
        }
        let Some(c) = self.connections.remove(&conn) else {
            return;
        };
        for qid in c.exclusive_queues {
            self.delete_queue(qid);
        }
        self.emit(BrokerEvent::ConnectionClosed {
            connection: conn,
            error,
        });
        self.run_dead_letters();
    }
}
