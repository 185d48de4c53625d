//! The pure AMQP 0-9-1 broker model, faithful to RabbitMQ 3.10 classic queues.
//!
//! Owns: exchanges and bindings (routing), queues, consumers, channels, connections,
//! acknowledgements, dead-lettering, TTL and length limits.
//! Must not import: web crates, `std::time`, threads, any RNG, or other modules of this crate.
//! Time is a parameter (virtual milliseconds) passed in by the caller; nothing here reads a clock.
//!
//! The [`Broker`] is sans-IO: the caller invokes AMQP methods (each taking the virtual time
//! `now` where time matters) and drains [`BrokerEvent`]s — deliveries, returns, confirms,
//! server cancels, closes and informational events — with [`Broker::poll_event`]. Every
//! consequence of a method (dispatch, dead-letter chains) is complete when it returns.
//! [`Broker::next_expiry`] and [`Broker::advance`] let the caller run TTL expiries at their exact
//! virtual times. A channel error closes the channel (requeueing its unacked deliveries) before
//! the method returns `Err`; a connection error (5xx) closes the connection.

pub mod args;
pub mod channel;
pub mod connection;
pub mod consumer;
pub mod dead_letter;
pub mod error;
pub mod event;
pub mod ids;
pub mod message;
mod ops;
pub mod queue;
mod queue_ops;
pub mod restart;
pub mod value;

mod headers;
pub mod router;
mod topic;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use rustc_hash::FxHashMap;

pub use args::{Overflow, QueueArgs};
pub use channel::{Channel, Unacked};
pub use connection::Connection;
pub use consumer::Consumer;
pub use dead_letter::DeathReason;
pub use error::BrokerError;
pub use event::{BrokerEvent, DropCause};
pub use ids::{ChannelId, ConnectionId, ConsumerId, ConsumerTag, DeliveryTag, MessageId, QueueId};
pub use message::{BasicProperties, Message};
pub use ops::{DeclareOk, GetOk, Publish};
pub use queue::{Queue, QueueDecl, QueueEntry};
pub use router::{
    BindingDecl, BindingDestination, ExchangeDecl, ExchangeKind, RouteScratch, Router,
};
pub use value::{FieldTable, FieldValue};

/// The vhost name errors mention (the model has one vhost).
pub const VHOST: &str = "/";

/// A message that died and waits to be republished to its queue's dead-letter exchange.
/// Dead-lettering is asynchronous in RabbitMQ (the queue process publishes after it has
/// finished the current action), so the broker queues these and runs them after each method.
#[derive(Debug, Clone)]
struct PendingDeadLetter {
    message: Arc<Message>,
    reason: DeathReason,
    queue: QueueId,
    queue_name: Arc<str>,
    exchange: String,
    routing_key: Option<String>,
}

/// One virtual host's broker: exchanges, queues, connections, channels, consumers.
#[derive(Debug, Clone)]
pub struct Broker {
    router: Router,
    scratch: RouteScratch,
    dl_scratch: RouteScratch,
    /// Indexed by `QueueId`; ids are never reused, deleted queues leave `None`.
    queues: Vec<Option<Queue>>,
    connections: BTreeMap<ConnectionId, Connection>,
    channels: FxHashMap<ChannelId, Channel>,
    consumers: FxHashMap<ConsumerId, Consumer>,
    events: VecDeque<BrokerEvent>,
    dead_letters: VecDeque<PendingDeadLetter>,
    /// Interned exchange names, so a publish does not allocate one.
    exchange_names: FxHashMap<Box<str>, Arc<str>>,
    now: u64,
    next_connection: u32,
    next_channel: u32,
    next_consumer: u64,
    next_message: u64,
    next_generated_queue: u64,
    narrate: bool,
}

impl Default for Broker {
    fn default() -> Self {
        Self::new()
    }
}

impl Broker {
    /// An empty broker with the predeclared exchanges, at virtual time 0.
    pub fn new() -> Broker {
        Broker {
            router: Router::new(),
            scratch: RouteScratch::new(),
            dl_scratch: RouteScratch::new(),
            queues: Vec::new(),
            connections: BTreeMap::new(),
            channels: FxHashMap::default(),
            consumers: FxHashMap::default(),
            events: VecDeque::new(),
            dead_letters: VecDeque::new(),
            exchange_names: FxHashMap::default(),
            now: 0,
            next_connection: 0,
            next_channel: 0,
            next_consumer: 0,
            next_message: 0,
            next_generated_queue: 0,
            narrate: true,
        }
    }

    /// Turns informational events (enqueued, routed, acked…) on or off; client-visible events
    /// are always produced.
    pub fn set_narration(&mut self, on: bool) {
        self.narrate = on;
    }

    /// The exchanges and bindings.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// The current virtual time (the latest `now` seen).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// A queue by id, if it still exists.
    pub fn queue(&self, id: QueueId) -> Option<&Queue> {
        self.queues.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// A queue by name.
    pub fn queue_by_name(&self, name: &str) -> Option<&Queue> {
        self.router.queue_id(name).and_then(|id| self.queue(id))
    }

    /// All existing queues, in creation order.
    pub fn queues(&self) -> impl Iterator<Item = &Queue> {
        self.queues.iter().flatten()
    }

    /// A connection, if open.
    pub fn connection(&self, id: ConnectionId) -> Option<&Connection> {
        self.connections.get(&id)
    }

    /// A channel, if open.
    pub fn channel(&self, id: ChannelId) -> Option<&Channel> {
        self.channels.get(&id)
    }

    /// A consumer, if subscribed.
    pub fn consumer(&self, id: ConsumerId) -> Option<&Consumer> {
        self.consumers.get(&id)
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<BrokerEvent> {
        self.events.pop_front()
    }

    /// All pending events, oldest first.
    pub fn drain_events(&mut self) -> std::collections::vec_deque::Drain<'_, BrokerEvent> {
        self.events.drain(..)
    }

    /// The earliest virtual time at which a queue's TTL timer fires (expiring its head), if
    /// any.
    pub fn next_expiry(&self) -> Option<u64> {
        self.queues().filter_map(|q| q.ttl_timer).min()
    }

    /// Moves virtual time forward to `now`, firing every TTL timer due on the way at its own
    /// time (in time order; same-instant timers in queue creation order), with their
    /// dead-lettering consequences.
    pub fn advance(&mut self, now: u64) {
        loop {
            let due = self
                .queues()
                .filter_map(|q| q.ttl_timer.map(|t| (t, q.id)))
                .filter(|(t, _)| *t <= now)
                .min();
            let Some((at, qid)) = due else { break };
            self.now = self.now.max(at);
            if let Some(q) = self.queue_mut(qid) {
                q.ttl_timer = None;
            }
            self.drop_expired(qid);
            self.run_dead_letters();
        }
        self.now = self.now.max(now);
    }

    fn emit(&mut self, event: BrokerEvent) {
        self.events.push_back(event);
    }

    fn narrate(&mut self, event: impl FnOnce() -> BrokerEvent) {
        if self.narrate {
            self.events.push_back(event());
        }
    }

    fn next_message_id(&mut self) -> MessageId {
        let id = MessageId(self.next_message);
        self.next_message += 1;
        id
    }

    fn queue_mut(&mut self, id: QueueId) -> Option<&mut Queue> {
        self.queues.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    fn intern_exchange(&mut self, name: &str) -> Arc<str> {
        if let Some(a) = self.exchange_names.get(name) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(name);
        self.exchange_names.insert(Box::from(name), a.clone());
        a
    }
}

#[cfg(test)]
mod tests;
