//! The [`Simulator`]: a virtual clock and an agenda of scheduled items driving the broker model
//! through its public API, turning every broker event into an explained [`SimEvent`].
//!
//! Call order: build with [`Simulator::new`], then [`Simulator::step`] (one event) or the
//! bounded runners ([`Simulator::run_until`], [`Simulator::run_until_idle`],
//! [`Simulator::step_over`]); [`Simulator::now`] and [`Simulator::broker`] expose the state to
//! draw. One agenda item (a publish, a consumer settling a delivery, an expiry, a scripted
//! action) runs the broker once and may yield several events; they are handed out one per
//! `step`, so the broker state between them is the state after the whole item.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::small_map::SmallMap;
use std::sync::Arc;

use super::config::{
    Action, BindingSpec, ProducerSpec, QueueSpec, Schedule, Settle, SimConfig, substitute,
};
use super::event::SimEvent;
use super::explain::{Actor, Change, DeliveryWhy, DropWhy, Explanation, Hop, Why, XDeath};
use super::rng::SimRng;
use super::time::VirtualTime;
use crate::broker::dead_letter::make_dead_letter;
use crate::broker::message::header_routes;
use crate::broker::router::MatchReason;
use crate::broker::{
    BasicProperties, BindingDecl, BindingDestination, Broker, BrokerEvent, ChannelId, ConnectionId,
    DeathReason, DeliveryTag, DropCause, ExchangeDecl, FieldTable, FieldValue, Message, MessageId,
    Publish, QueueDecl, QueueId,
};

/// Something due at a virtual time.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheduled {
    /// A producer's scheduled publish (one message, or a burst).
    Produce { producer: u32 },
    /// A consumer finished processing a delivery.
    Settle {
        consumer: u32,
        generation: u64,
        tag: DeliveryTag,
        message: MessageId,
        auto_ack: bool,
    },
    /// A consumer subscribes.
    StartConsumer { consumer: u32 },
    /// Script entry `index`.
    Script { index: u32 },
    /// A message TTL may be due.
    Wakeup,
}

/// Which actor a channel belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Producer(u32),
    Consumer(u32),
}

#[derive(Debug, Clone)]
struct ProducerState {
    actor: Actor,
    channel: Option<ChannelId>,
    /// Messages published so far (message numbers are 1-based).
    published: u64,
    /// Publisher-confirm sequence numbers still awaiting ack/nack.
    confirms: SmallMap<u64, MessageId>,
    /// Taken out of the diagram while running: publishes no more.
    removed: bool,
}

#[derive(Debug, Clone)]
struct ConsumerState {
    actor: Actor,
    queue: Arc<str>,
    channel: Option<ChannelId>,
    subscribed: bool,
    /// Bumped when the consumer's channel dies, so its pending settles are ignored.
    generation: u64,
    /// Virtual time its single processing thread is free again.
    busy_until: VirtualTime,
    /// Unacked deliveries it holds (the broker's view, mirrored).
    unacked: u32,
    /// Taken out of the diagram while running (basic.cancel): never subscribes again, but
    /// still settles what it holds.
    removed: bool,
}

/// A message copy the broker still holds somewhere, and how many queue copies are alive.
#[derive(Debug, Clone)]
struct Live {
    message: Arc<Message>,
    copies: u32,
}

/// What a publish was, so its broker events can be explained.
struct PublishCtx {
    exchange: Arc<str>,
    routing_key: Arc<str>,
    properties: BasicProperties,
    body: Arc<[u8]>,
    mandatory: bool,
}

/// A runtime edit, bound to a point of the timeline: it runs when exactly `at` events have
/// been handed out. Binding it to the event count rather than to virtual time keeps replays
/// exact: several agenda items can share one virtual instant.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    at: u64,
    action: Action,
}

/// The deterministic simulation. Cloning it is a snapshot (messages are shared by `Arc`).
#[derive(Debug, Clone)]
pub struct Simulator {
    /// The configuration now (runtime edits add and remove entries).
    config: Arc<SimConfig>,
    /// The configuration at time 0 (what `reset` starts from).
    initial: Arc<SimConfig>,
    /// Runtime edits in timeline order, shared by every snapshot of one timeline.
    edits: Arc<Vec<Edit>>,
    /// How many of `edits` have run.
    edits_run: usize,
    broker: Broker,
    now: VirtualTime,
    agenda: BTreeMap<(VirtualTime, u64), Scheduled>,
    next_seq: u64,
    rng: SimRng,
    admin: Option<ChannelId>,
    connections: SmallMap<String, ConnectionId>,
    producers: Vec<ProducerState>,
    consumers: Vec<ConsumerState>,
    channel_owner: SmallMap<ChannelId, Owner>,
    /// Diagram name of each queue, by `QueueId` (server-named queues show their placeholder).
    queue_display: Vec<Option<Arc<str>>>,
    /// Diagram name → the name the broker knows.
    queue_actual: SmallMap<String, String>,
    /// Diagram name → the channel that declared it (an exclusive queue can only be bound and
    /// used from its owner's connection).
    queue_channel: SmallMap<String, ChannelId>,
    messages: BTreeMap<MessageId, Live>,
    /// Requests an RPC server holds until it replies, by (consumer, delivery tag).
    delivered: SmallMap<(u32, u64), Arc<Message>>,
    pending: VecDeque<SimEvent>,
    /// Events created (the next event's index is `emitted - pending.len()`).
    emitted: u64,
    expiry_wakeup: Option<VirtualTime>,
    explain_routes: bool,
}

/// How a bounded run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Nothing is left to do.
    Idle,
    /// The event bound was reached with work left.
    Bound,
    /// The time limit was reached.
    Time,
}

fn actor(id: &str, name: &str) -> Actor {
    Actor {
        id: Arc::from(id),
        name: Arc::from(name),
    }
}

/// An action from outside the diagram (a live control), as opposed to a diagram edit.
fn is_live_control(action: &Action) -> bool {
    matches!(
        action,
        Action::KillConsumer { .. }
            | Action::StartConsumer { .. }
            | Action::PublishNow { .. }
            | Action::RestartBroker
    )
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Simulator {
    /// A simulator at time 0 with the topology declared and every producer, consumer and
    /// script entry scheduled. Topology errors do not stop it: they show up as events.
    pub fn new(config: SimConfig) -> Simulator {
        let config = Arc::new(config);
        let producers = config
            .producers
            .iter()
            .map(|p| ProducerState {
                actor: actor(&p.id, &p.name),
                channel: None,
                published: 0,
                confirms: SmallMap::new(),
                removed: false,
            })
            .collect();
        let consumers = config
            .consumers
            .iter()
            .map(|c| ConsumerState {
                actor: actor(&c.id, &c.name),
                queue: Arc::from(c.queue.as_str()),
                channel: None,
                subscribed: false,
                generation: 0,
                busy_until: VirtualTime::ZERO,
                unacked: 0,
                removed: false,
            })
            .collect();
        let mut sim = Simulator {
            rng: SimRng::new(config.seed),
            config: config.clone(),
            initial: config.clone(),
            edits: Arc::new(Vec::new()),
            edits_run: 0,
            broker: Broker::new(),
            now: VirtualTime::ZERO,
            agenda: BTreeMap::new(),
            next_seq: 0,
            admin: None,
            connections: SmallMap::new(),
            producers,
            consumers,
            channel_owner: SmallMap::new(),
            queue_display: Vec::new(),
            queue_actual: SmallMap::new(),
            queue_channel: SmallMap::new(),
            messages: BTreeMap::new(),
            delivered: SmallMap::new(),
            pending: VecDeque::new(),
            emitted: 0,
            expiry_wakeup: None,
            explain_routes: true,
        };
        sim.connect_and_declare();
        // Consumers subscribe before same-time publishes, as the tutorials start workers first.
        for (i, c) in config.consumers.iter().enumerate() {
            if let Some(at) = c.start_ms {
                let consumer = u32_of(i);
                sim.schedule(VirtualTime(at), Scheduled::StartConsumer { consumer });
            }
        }
        for (i, p) in config.producers.iter().enumerate() {
            let producer = u32_of(i);
            sim.schedule(VirtualTime(p.start_ms), Scheduled::Produce { producer });
        }
        for (i, a) in config.script.iter().enumerate() {
            let index = u32_of(i);
            sim.schedule(VirtualTime(a.at_ms), Scheduled::Script { index });
        }
        sim
    }

    /// Turns the (slow) per-binding routing explanations on or off; events are the same
    /// either way, only `hops` are left empty. On by default.
    pub fn set_explain_routes(&mut self, on: bool) {
        self.explain_routes = on;
    }

    /// The configuration it runs now (with the runtime edits run so far).
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The configuration it started from.
    pub fn initial_config(&self) -> &SimConfig {
        &self.initial
    }

    /// Events produced but not handed out yet (the rest of the current agenda item).
    pub fn pending_events(&self) -> usize {
        self.pending.len()
    }

    /// Runtime edits recorded on this timeline, as (event position, action).
    pub fn edits(&self) -> impl Iterator<Item = (u64, &Action)> {
        self.edits.iter().map(|e| (e.at, &e.action))
    }

    /// Edits the topology or the clients at the current point of the timeline: the actions
    /// run now, and on every replay when the timeline reaches this point again. Edits that
    /// were recorded for a later point (the user stepped back, then edited) are moved here
    /// too, so that the model at the end always matches the diagram; live actions recorded for
    /// a later point (a kill, a broker restart) belonged to the future being rewritten and are
    /// dropped.
    pub fn edit(&mut self, actions: Vec<Action>) {
        let at = self.events_emitted();
        let mut edits: Vec<Edit> = self
            .edits
            .iter()
            .filter(|e| e.at <= at || !is_live_control(&e.action))
            .map(|e| Edit {
                at: e.at.min(at),
                action: e.action.clone(),
            })
            .collect();
        edits.extend(actions.into_iter().map(|action| Edit { at, action }));
        self.edits = Arc::new(edits);
        self.run_due_edits();
    }

    /// The runtime edits of this timeline that have not run yet at this point (after a step
    /// back): what the diagram shows but the model has not declared yet.
    pub fn edits_ahead(&self) -> impl Iterator<Item = &Action> {
        self.edits.iter().skip(self.edits_run).map(|e| &e.action)
    }

    /// Takes the edit list of another simulator of the same timeline (History patches its
    /// snapshots with it).
    pub fn share_edits(&mut self, other: &Simulator) {
        self.edits = other.edits.clone();
    }

    fn edit_due(&self) -> bool {
        self.edits
            .get(self.edits_run)
            .is_some_and(|e| e.at <= self.events_emitted())
    }

    fn run_due_edits(&mut self) {
        while self.edit_due() {
            let Some(action) = self.edits.get(self.edits_run).map(|e| e.action.clone()) else {
                return;
            };
            self.edits_run += 1;
            self.run_action(action);
            self.schedule_expiry();
        }
    }

    /// The current virtual time.
    #[must_use]
    pub fn now(&self) -> VirtualTime {
        self.now
    }

    /// The broker model, for drawing queues, consumers and bindings.
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// Events handed out so far (= the index of the next event).
    #[must_use]
    pub fn events_emitted(&self) -> u64 {
        self.emitted - self.pending.len() as u64
    }

    /// The time of the next agenda item, if any (quinn's `poll_timeout`).
    #[must_use]
    pub fn next_wakeup(&self) -> Option<VirtualTime> {
        if !self.pending.is_empty() || self.edit_due() {
            return Some(self.now);
        }
        self.agenda.keys().next().map(|(t, _)| *t)
    }

    /// The diagram name of a queue.
    pub fn queue_name(&self, id: QueueId) -> Arc<str> {
        self.queue_display
            .get(id.0 as usize)
            .cloned()
            .flatten()
            .or_else(|| self.broker.queue(id).map(|q| q.name.clone()))
            .unwrap_or_else(|| Arc::from(id.to_string()))
    }

    /// Whether the broker still holds a copy of `message` (ready or unacked).
    pub fn is_live(&self, message: MessageId) -> bool {
        self.messages.contains_key(&message)
    }

    /// Message copies the broker holds, by id, with how many queues hold each.
    pub fn live_messages(&self) -> impl Iterator<Item = (MessageId, &Arc<Message>, u32)> {
        self.messages
            .iter()
            .map(|(id, l)| (*id, &l.message, l.copies))
    }

    /// The stored copy of a live message (for inspecting its body, properties and headers).
    pub fn message(&self, message: MessageId) -> Option<&Arc<Message>> {
        self.messages.get(&message).map(|l| &l.message)
    }

    /// Unacked deliveries a consumer holds (by index in the config).
    pub fn consumer_unacked(&self, consumer: usize) -> Option<u32> {
        self.consumers.get(consumer).map(|c| c.unacked)
    }

    /// Whether the consumer with this id is subscribed now (`None`: no such live consumer).
    /// The UI asks it to tell "kill" from "restart".
    pub fn consumer_subscribed(&self, id: &str) -> Option<bool> {
        let i = self.consumer_index(id)?;
        self.consumers.get(i).map(|c| c.subscribed)
    }

    /// Whether the producer with this id has an open channel now (`None`: no such live
    /// producer). A producer without one cannot publish.
    pub fn producer_connected(&self, id: &str) -> Option<bool> {
        let i = self.producer_index(id)?;
        self.producers.get(i).map(|p| p.channel.is_some())
    }

    /// Back to time 0 with the same configuration, seed and runtime edits.
    pub fn reset(&mut self) {
        let explain = self.explain_routes;
        let edits = self.edits.clone();
        *self = Simulator::new((*self.initial).clone());
        self.edits = edits;
        self.explain_routes = explain;
    }

    /// Runs the next event: returns it, or `None` when nothing is left to do.
    pub fn step(&mut self) -> Option<SimEvent> {
        self.run_due_edits();
        while self.pending.is_empty() {
            let (&key, _) = self.agenda.iter().next()?;
            let item = self.agenda.remove(&key)?;
            self.now = self.now.max(key.0);
            self.run_item(item);
            self.schedule_expiry();
        }
        self.pending.pop_front()
    }

    /// Runs every event due at or before `t`, then sets the clock to `t`; at most `max_events`.
    pub fn run_until(
        &mut self,
        t: VirtualTime,
        max_events: u64,
        out: &mut Vec<SimEvent>,
    ) -> RunEnd {
        let mut n = 0;
        while self.next_wakeup().is_some_and(|w| w <= t) {
            if n >= max_events {
                return RunEnd::Bound;
            }
            match self.step() {
                Some(e) => out.push(e),
                None => break,
            }
            n += 1;
        }
        self.now = self.now.max(t);
        if self.next_wakeup().is_none() {
            RunEnd::Idle
        } else {
            RunEnd::Time
        }
    }

    /// Runs until nothing is left or `max_events` events have run (a message rejected back to
    /// its own queue forever stops at the bound).
    pub fn run_until_idle(&mut self, max_events: u64, out: &mut Vec<SimEvent>) -> RunEnd {
        for _ in 0..max_events {
            match self.step() {
                Some(e) => out.push(e),
                None => return RunEnd::Idle,
            }
        }
        if self.next_wakeup().is_none() {
            RunEnd::Idle
        } else {
            RunEnd::Bound
        }
    }

    /// Step over: runs until the message of the next event (and any dead-letter copies of it)
    /// is settled — acked, dropped, returned or routed nowhere — or `max_events` ran.
    pub fn step_over(&mut self, max_events: u64) -> Vec<SimEvent> {
        let mut out = Vec::new();
        let Some(first) = self.step() else {
            return out;
        };
        // extend, not collect: collecting into a BTree links a stable sort for the type.
        let mut follow: BTreeSet<MessageId> = BTreeSet::new();
        follow.extend(first.message());
        out.push(first);
        while (out.len() as u64) < max_events && !follow.is_empty() {
            let settled = self.settled(&follow) && !self.publish_in_flight(&follow);
            if settled {
                break;
            }
            let Some(e) = self.step() else { break };
            if let Explanation::DeadLettered { message, copy, .. } = &e.what
                && follow.contains(message)
            {
                follow.insert(*copy);
            }
            out.push(e);
        }
        out
    }

    /// Whether none of `follow` is held by the broker or mentioned by an event not yet handed
    /// out (the end of a step over).
    pub fn settled(&self, follow: &BTreeSet<MessageId>) -> bool {
        follow.iter().all(|m| !self.is_live(*m))
            && !self
                .pending
                .iter()
                .any(|e| e.message().is_some_and(|m| follow.contains(&m)))
    }

    /// A published message whose routing event has not been handed out yet.
    fn publish_in_flight(&self, follow: &BTreeSet<MessageId>) -> bool {
        self.pending.iter().any(|e| {
            matches!(&e.what, Explanation::Published { message: Some(m), .. } if follow.contains(m))
        })
    }

    /// Schedules a scripted action now (for UI buttons): it runs before anything else due now.
    pub fn apply(&mut self, action: Action) {
        let mut cfg = (*self.config).clone();
        cfg.script.push(super::config::ScriptedAction {
            at_ms: self.now.ms(),
            action,
        });
        let index = u32_of(cfg.script.len() - 1);
        self.config = Arc::new(cfg);
        // Same-time items run in insertion order, so use the earliest sequence at `now`.
        let seq = self
            .agenda
            .keys()
            .next()
            .filter(|(t, _)| *t <= self.now)
            .map_or(self.next_seq, |(_, s)| s.saturating_sub(1));
        self.agenda
            .insert((self.now, seq), Scheduled::Script { index });
    }

    // ---- internals ------------------------------------------------------------------------

    fn schedule(&mut self, at: VirtualTime, item: Scheduled) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.agenda.insert((at, seq), item);
    }

    fn emit(&mut self, what: Explanation) {
        let index = self.emitted;
        self.emitted += 1;
        self.pending.push_back(SimEvent {
            index,
            time: self.now,
            what,
        });
    }

    fn schedule_expiry(&mut self) {
        let Some(t) = self.broker.next_expiry() else {
            return;
        };
        let t = VirtualTime(t).max(self.now);
        if self.expiry_wakeup.is_none_or(|w| t < w || w < self.now) {
            self.expiry_wakeup = Some(t);
            self.schedule(t, Scheduled::Wakeup);
        }
    }

    fn connection(&mut self, name: &str) -> ConnectionId {
        if let Some(c) = self.connections.get(name) {
            return *c;
        }
        let c = self.broker.open_connection("guest");
        self.connections.insert(name.to_string(), c);
        c
    }

    fn open_channel(&mut self, connection: &str, owner: Owner) -> Option<ChannelId> {
        let conn = self.connection(connection);
        let ch = match self.broker.open_channel(conn) {
            Ok(ch) => ch,
            Err(_) => {
                // The connection was closed by the broker: open a fresh one.
                self.connections.remove(connection);
                let conn = self.connection(connection);
                self.broker.open_channel(conn).ok()?
            }
        };
        self.channel_owner.insert(ch, owner);
        Some(ch)
    }

    /// Opens connections and channels and declares the topology, as clients do at start-up
    /// and again after a broker restart.
    fn connect_and_declare(&mut self) {
        let config = self.config.clone();
        let admin_conn = self.broker.open_connection("guest");
        self.admin = self.broker.open_channel(admin_conn).ok();
        for x in &config.exchanges {
            let decl = ExchangeDecl {
                name: x.name.clone(),
                kind: x.kind,
                durable: x.durable,
                auto_delete: x.auto_delete,
                internal: x.internal,
                arguments: x.arguments.clone(),
            };
            if let Some(ch) = self.admin_channel() {
                let _ = self.broker.exchange_declare(ch, &decl, false);
            }
        }
        for (i, p) in config.producers.iter().enumerate() {
            if self.producers.get(i).is_some_and(|s| s.removed) {
                continue;
            }
            let ch = self.open_channel(&p.connection, Owner::Producer(u32_of(i)));
            if p.confirms
                && let Some(ch) = ch
            {
                let _ = self.broker.confirm_select(ch);
            }
            if let Some(state) = self.producers.get_mut(i) {
                state.channel = ch;
                state.confirms.clear();
            }
        }
        for (i, c) in config.consumers.iter().enumerate() {
            if self.consumers.get(i).is_some_and(|s| s.removed) {
                continue;
            }
            let ch = self.open_channel(&c.connection, Owner::Consumer(u32_of(i)));
            if let Some(ch) = ch {
                let _ = self.broker.basic_qos(ch, c.prefetch, false);
            }
            if let Some(state) = self.consumers.get_mut(i) {
                state.channel = ch;
            }
        }
        for q in &config.queues {
            let _ = self.declare_queue(q);
        }
        for b in &config.bindings {
            let _ = self.bind_spec(b, true);
        }
        // Declaration errors close channels; nothing is running yet, so they are not events.
        self.broker.drain_events().for_each(drop);
    }

    fn admin_channel(&mut self) -> Option<ChannelId> {
        let ch = self.admin?;
        if self.broker.channel(ch).is_some() {
            return Some(ch);
        }
        let conn = self.broker.open_connection("guest");
        self.admin = self.broker.open_channel(conn).ok();
        self.admin
    }

    /// queue.declare of `q`, remembering its diagram name.
    fn declare_queue(&mut self, q: &QueueSpec) -> Result<(), crate::broker::BrokerError> {
        let now = self.now.ms();
        // An exclusive queue belongs to the connection of its first consumer.
        let owner = self
            .config
            .consumers
            .iter()
            .enumerate()
            .find(|(i, c)| c.queue == q.name && self.consumers.get(*i).is_some_and(|s| !s.removed))
            .and_then(|(i, _)| self.consumers.get(i).and_then(|s| s.channel));
        // Not `admin_channel()`: at start-up a failed declaration closes the admin channel
        // and the later ones fail, as they would for a client (runtime edits reopen it first).
        let ch = if q.exclusive {
            owner.or(self.admin)
        } else {
            self.admin
        };
        let Some(ch) = ch else {
            return Ok(());
        };
        let decl = QueueDecl {
            name: if q.server_named {
                String::new()
            } else {
                q.name.clone()
            },
            durable: q.durable,
            exclusive: q.exclusive,
            auto_delete: q.auto_delete,
            arguments: q.arguments.clone(),
        };
        let ok = self.broker.queue_declare(ch, &decl, false, now)?;
        if let Some(id) = self.broker.queue_by_name(&ok.queue).map(|q| q.id) {
            let slot = id.0 as usize;
            if self.queue_display.len() <= slot {
                self.queue_display.resize(slot + 1, None);
            }
            if let Some(s) = self.queue_display.get_mut(slot) {
                *s = Some(Arc::from(q.name.as_str()));
            }
            self.queue_actual.insert(q.name.clone(), ok.queue);
            self.queue_channel.insert(q.name.clone(), ch);
        }
        Ok(())
    }

    /// queue.bind / exchange.bind (`bind`), or the unbind.
    fn bind_spec(&mut self, b: &BindingSpec, bind: bool) -> Result<(), crate::broker::BrokerError> {
        let destination = if b.to_exchange {
            BindingDestination::Exchange(b.destination.clone())
        } else {
            BindingDestination::Queue(self.actual_queue(&b.destination))
        };
        let decl = BindingDecl {
            source: b.source.clone(),
            destination,
            binding_key: b.binding_key.clone(),
            arguments: b.arguments.clone(),
        };
        let owner = (!b.to_exchange)
            .then(|| self.queue_channel.get(&b.destination).copied())
            .flatten()
            .filter(|ch| self.broker.channel(*ch).is_some());
        let Some(ch) = owner.or_else(|| self.admin_channel()) else {
            return Ok(());
        };
        if bind {
            self.broker.bind(ch, &decl)
        } else {
            self.broker.unbind(ch, &decl)
        }
    }

    fn actual_queue(&self, name: &str) -> String {
        self.queue_actual
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    fn run_item(&mut self, item: Scheduled) {
        match item {
            Scheduled::Produce { producer } => {
                let Some(spec) = self.config.producers.get(producer as usize).cloned() else {
                    return;
                };
                if self
                    .producers
                    .get(producer as usize)
                    .is_some_and(|p| p.removed)
                {
                    return;
                }
                let published = self
                    .producers
                    .get(producer as usize)
                    .map_or(0, |p| p.published);
                let total = spec.total();
                let remaining = total.map_or(u64::MAX, |t| t.saturating_sub(published));
                let batch = match spec.schedule {
                    Schedule::Once => remaining,
                    Schedule::Every { .. } => 1,
                    Schedule::Burst { size, .. } => size,
                }
                .min(remaining);
                for _ in 0..batch {
                    self.publish_next(producer, &spec);
                }
                let next = match spec.schedule {
                    Schedule::Every { every_ms } => Some(every_ms.max(1)),
                    Schedule::Burst {
                        every_ms: Some(e), ..
                    } => Some(e.max(1)),
                    _ => None,
                };
                let published = self
                    .producers
                    .get(producer as usize)
                    .map_or(0, |p| p.published);
                if let Some(every) = next
                    && total.is_none_or(|t| published < t)
                {
                    self.schedule(self.now.plus(every), Scheduled::Produce { producer });
                }
            }
            Scheduled::Settle {
                consumer,
                generation,
                tag,
                message,
                auto_ack,
            } => self.settle(consumer, generation, tag, message, auto_ack),
            Scheduled::StartConsumer { consumer } => self.start_consumer(consumer),
            Scheduled::Script { index } => {
                let Some(a) = self.config.script.get(index as usize).cloned() else {
                    return;
                };
                self.run_action(a.action);
            }
            Scheduled::Wakeup => {
                if self.expiry_wakeup.is_some_and(|w| w <= self.now) {
                    self.expiry_wakeup = None;
                }
                self.broker.advance(self.now.ms());
                self.translate(None);
            }
        }
    }

    fn run_action(&mut self, action: Action) {
        match action {
            Action::KillConsumer { consumer } => {
                if let Some(i) = self.consumer_index(&consumer) {
                    self.kill_consumer(u32_of(i));
                }
            }
            Action::StartConsumer { consumer } => {
                if let Some(i) = self.consumer_index(&consumer) {
                    self.start_consumer(u32_of(i));
                }
            }
            Action::PublishNow { producer, count } => {
                if let Some(i) = self.producer_index(&producer) {
                    let Some(spec) = self.config.producers.get(i).cloned() else {
                        return;
                    };
                    for _ in 0..count {
                        self.publish_next(u32_of(i), &spec);
                    }
                }
            }
            Action::RestartBroker => self.restart_broker(),
            other => self.run_edit(other),
        }
    }

    /// The live (not removed) consumer with this id; the newest if it was replaced.
    fn consumer_index(&self, id: &str) -> Option<usize> {
        self.config
            .consumers
            .iter()
            .enumerate()
            .rev()
            .find(|(i, c)| c.id == id && self.consumers.get(*i).is_some_and(|s| !s.removed))
            .map(|(i, _)| i)
    }

    /// The live (not removed) producer with this id.
    fn producer_index(&self, id: &str) -> Option<usize> {
        self.config
            .producers
            .iter()
            .enumerate()
            .rev()
            .find(|(i, p)| p.id == id && self.producers.get(*i).is_some_and(|s| !s.removed))
            .map(|(i, _)| i)
    }

    fn edited(&mut self, change: Change, result: Result<(), crate::broker::BrokerError>) {
        let error = result.err().map(|e| (e.reply_code(), e.to_string()));
        self.emit(Explanation::Edited { change, error });
    }

    fn bind_edit(&mut self, b: &BindingSpec, bind: bool) {
        let result = self.bind_spec(b, bind);
        let (source, destination, binding_key) = (
            Arc::from(b.source.as_str()),
            Arc::from(b.destination.as_str()),
            Arc::from(b.binding_key.as_str()),
        );
        let change = if bind {
            Change::BindingAdded {
                source,
                destination,
                to_exchange: b.to_exchange,
                binding_key,
            }
        } else {
            Change::BindingRemoved {
                source,
                destination,
                to_exchange: b.to_exchange,
                binding_key,
            }
        };
        self.edited(change, result);
    }

    /// A runtime edit: the broker operation a client would send, explained.
    fn run_edit(&mut self, action: Action) {
        let cfg = Arc::make_mut(&mut self.config);
        match action {
            Action::DeclareExchange(x) => {
                cfg.exchanges.retain(|e| e.name != x.name);
                cfg.exchanges.push(x.clone());
                let decl = ExchangeDecl {
                    name: x.name.clone(),
                    kind: x.kind,
                    durable: x.durable,
                    auto_delete: x.auto_delete,
                    internal: x.internal,
                    arguments: x.arguments,
                };
                let result = match self.admin_channel() {
                    Some(ch) => self.broker.exchange_declare(ch, &decl, false).map(drop),
                    None => Ok(()),
                };
                let change = Change::ExchangeDeclared {
                    name: Arc::from(x.name.as_str()),
                    kind: x.kind.as_str(),
                };
                self.edited(change, result);
            }
            Action::DeclareQueue(q) => {
                cfg.queues.retain(|e| e.name != q.name);
                cfg.queues.push(q.clone());
                self.admin_channel();
                let result = self.declare_queue(&q);
                let change = Change::QueueDeclared {
                    name: Arc::from(q.name.as_str()),
                };
                self.edited(change, result);
            }
            Action::Bind(b) => {
                cfg.bindings.push(b.clone());
                self.bind_edit(&b, true);
            }
            Action::Unbind(b) => {
                if let Some(at) = cfg.bindings.iter().position(|x| *x == b) {
                    cfg.bindings.remove(at);
                }
                self.bind_edit(&b, false);
            }
            Action::DeleteExchange { name } => {
                cfg.exchanges.retain(|e| e.name != name);
                cfg.bindings
                    .retain(|b| b.source != name && !(b.to_exchange && b.destination == name));
                let result = match self.admin_channel() {
                    Some(ch) => self.broker.exchange_delete(ch, &name, false),
                    None => Ok(()),
                };
                let change = Change::ExchangeDeleted {
                    name: Arc::from(name.as_str()),
                };
                self.edited(change, result);
            }
            Action::DeleteQueue { name } => {
                cfg.queues.retain(|q| q.name != name);
                cfg.bindings
                    .retain(|b| b.to_exchange || b.destination != name);
                let actual = self.actual_queue(&name);
                // An exclusive queue can only be deleted from its owner's connection.
                let ch = self
                    .queue_channel
                    .get(&name)
                    .copied()
                    .filter(|ch| self.broker.channel(*ch).is_some())
                    .or_else(|| self.admin_channel());
                let result = match ch {
                    Some(ch) => self
                        .broker
                        .queue_delete(ch, &actual, false, false, self.now.ms()),
                    None => Ok(0),
                };
                self.queue_actual.remove(&name);
                self.queue_channel.remove(&name);
                let messages = *result.as_ref().unwrap_or(&0);
                let change = Change::QueueDeleted {
                    name: Arc::from(name.as_str()),
                    messages,
                };
                self.edited(change, result.map(drop));
                // The edit's own event says it; the broker's generic one would repeat it.
                let events: Vec<BrokerEvent> = self
                    .broker
                    .drain_events()
                    .filter(|e| !matches!(e, BrokerEvent::QueueDeleted { .. }))
                    .collect();
                self.translate_events(events, None);
                return;
            }
            Action::AddConsumer(c) => {
                cfg.consumers.push((*c).clone());
                let i = cfg.consumers.len() - 1;
                self.consumers.push(ConsumerState {
                    actor: actor(&c.id, &c.name),
                    queue: Arc::from(c.queue.as_str()),
                    channel: None,
                    subscribed: false,
                    generation: 0,
                    busy_until: self.now,
                    unacked: 0,
                    removed: false,
                });
                let change = Change::ConsumerAdded {
                    consumer: actor(&c.id, &c.name),
                    queue: Arc::from(c.queue.as_str()),
                };
                self.edited(change, Ok(()));
                // A consumer drawn but not yet connected to a queue has nothing to consume.
                let start = c.start_ms.filter(|_| !c.queue.is_empty());
                match start {
                    Some(t) if t <= self.now.ms() => self.start_consumer(u32_of(i)),
                    Some(t) => self.schedule(
                        VirtualTime(t),
                        Scheduled::StartConsumer {
                            consumer: u32_of(i),
                        },
                    ),
                    None => {}
                }
            }
            Action::RemoveConsumer { consumer } => {
                let Some(i) = self.consumer_index(&consumer) else {
                    return;
                };
                let now = self.now.ms();
                let Some(state) = self.consumers.get_mut(i) else {
                    return;
                };
                state.removed = true;
                let was_subscribed = std::mem::replace(&mut state.subscribed, false);
                let change = Change::ConsumerRemoved {
                    consumer: state.actor.clone(),
                    queue: state.queue.clone(),
                    unacked: state.unacked,
                };
                let ch = state.channel;
                self.edited(change, Ok(()));
                if was_subscribed && let Some(ch) = ch {
                    let tag = format!("ctag-{consumer}");
                    let _ = self.broker.basic_cancel(ch, &tag, now);
                }
            }
            Action::AddProducer(p) => {
                // A producer replacing one with the same id goes on counting its messages.
                let published = self
                    .config
                    .producers
                    .iter()
                    .zip(&self.producers)
                    .rev()
                    .find(|(spec, _)| spec.id == p.id)
                    .map_or(0, |(_, s)| s.published);
                let cfg = Arc::make_mut(&mut self.config);
                cfg.producers.push((*p).clone());
                let i = u32_of(cfg.producers.len() - 1);
                let ch = self.open_channel(&p.connection, Owner::Producer(i));
                if p.confirms
                    && let Some(ch) = ch
                {
                    let _ = self.broker.confirm_select(ch);
                }
                self.producers.push(ProducerState {
                    actor: actor(&p.id, &p.name),
                    channel: ch,
                    published,
                    confirms: SmallMap::new(),
                    removed: false,
                });
                let change = Change::ProducerAdded {
                    producer: actor(&p.id, &p.name),
                    exchange: Arc::from(p.exchange.as_str()),
                };
                self.edited(change, Ok(()));
                let at = VirtualTime(p.start_ms).max(self.now);
                self.schedule(at, Scheduled::Produce { producer: i });
            }
            Action::RemoveProducer { producer } => {
                let Some(i) = self.producer_index(&producer) else {
                    return;
                };
                let Some(state) = self.producers.get_mut(i) else {
                    return;
                };
                state.removed = true;
                state.confirms.clear();
                let ch = state.channel.take();
                let change = Change::ProducerRemoved {
                    producer: state.actor.clone(),
                };
                self.edited(change, Ok(()));
                if let Some(ch) = ch {
                    self.channel_owner.remove(&ch);
                    self.broker.close_channel(ch, self.now.ms());
                }
            }
            Action::KillConsumer { .. }
            | Action::StartConsumer { .. }
            | Action::PublishNow { .. }
            | Action::RestartBroker => {}
        }
        self.translate(None);
    }

    fn publish_next(&mut self, producer: u32, spec: &ProducerSpec) {
        let Some(state) = self.producers.get_mut(producer as usize) else {
            return;
        };
        state.published += 1;
        let n = state.published;
        let Some(ch) = state.channel else {
            return;
        };
        let mut properties = spec.properties.clone();
        for field in [&mut properties.correlation_id, &mut properties.message_id] {
            if let Some(v) = field.as_mut() {
                *v = substitute(v, n);
            }
        }
        // A server-named callback queue is known to the client by the name the broker gave it.
        if let Some(r) = properties.reply_to.as_mut()
            && let Some(actual) = self.queue_actual.get(r.as_str())
        {
            r.clone_from(actual);
        }
        let ctx = PublishCtx {
            exchange: Arc::from(spec.exchange.as_str()),
            routing_key: Arc::from(spec.routing_key_for(n)),
            properties,
            body: Arc::from(substitute(&spec.body, n).into_bytes()),
            mandatory: spec.mandatory,
        };
        let who = state.actor.clone();
        self.publish(ch, ctx, |message, confirm_seq, ctx| {
            Explanation::Published {
                message,
                producer: who,
                exchange: ctx.exchange.clone(),
                routing_key: ctx.routing_key.clone(),
                number: n,
                persistent: ctx.properties.delivery_mode == Some(2),
                mandatory: ctx.mandatory,
                confirm_seq,
            }
        });
    }

    /// Publishes and explains: the Published event first, then routing, then the rest.
    fn publish(
        &mut self,
        ch: ChannelId,
        ctx: PublishCtx,
        published: impl FnOnce(Option<MessageId>, Option<u64>, &PublishCtx) -> Explanation,
    ) {
        let result = self.broker.basic_publish(
            ch,
            Publish {
                exchange: &ctx.exchange,
                routing_key: &ctx.routing_key,
                mandatory: ctx.mandatory,
                properties: ctx.properties.clone(),
                body: ctx.body.clone(),
            },
            self.now.ms(),
        );
        let seq = result.as_ref().ok().copied().flatten();
        let events: Vec<BrokerEvent> = self.broker.drain_events().collect();
        let id = events.iter().find_map(|e| match e {
            BrokerEvent::Routed { message, .. } => Some(*message),
            _ => None,
        });
        if let (Some(seq), Some(id), Some(Owner::Producer(p))) =
            (seq, id, self.channel_owner.get(&ch).copied())
            && let Some(state) = self.producers.get_mut(p as usize)
        {
            state.confirms.insert(seq, id);
        }
        let what = published(id, seq, &ctx);
        self.emit(what);
        self.translate_events(events, Some(&ctx));
    }
}

impl Simulator {
    fn start_consumer(&mut self, consumer: u32) {
        let i = consumer as usize;
        let Some(spec) = self.config.consumers.get(i).cloned() else {
            return;
        };
        if self
            .consumers
            .get(i)
            .is_some_and(|c| c.subscribed || c.removed)
        {
            return;
        }
        let ch = match self.consumers.get(i).and_then(|c| c.channel) {
            Some(ch) if self.broker.channel(ch).is_some() => Some(ch),
            _ => {
                let ch = self.open_channel(&spec.connection, Owner::Consumer(consumer));
                if let Some(ch) = ch {
                    let _ = self.broker.basic_qos(ch, spec.prefetch, false);
                }
                ch
            }
        };
        let Some(ch) = ch else { return };
        if let Some(state) = self.consumers.get_mut(i) {
            state.channel = Some(ch);
            state.subscribed = true;
            state.unacked = 0;
        }
        let mut args = FieldTable::new();
        if let Some(p) = spec.priority {
            args.insert("x-priority".into(), FieldValue::Int(p));
        }
        let queue = self.actual_queue(&spec.queue);
        let tag = format!("ctag-{}", spec.id);
        let who = self.consumer_actor(consumer);
        self.emit(Explanation::ConsumerStarted {
            consumer: who,
            queue: Arc::from(spec.queue.as_str()),
            prefetch: spec.prefetch,
            auto_ack: spec.auto_ack,
        });
        let result = self.broker.basic_consume(
            ch,
            &queue,
            &tag,
            spec.auto_ack,
            spec.exclusive,
            &args,
            self.now.ms(),
        );
        if result.is_err()
            && let Some(state) = self.consumers.get_mut(i)
        {
            state.subscribed = false;
        }
        self.translate(None);
    }

    fn kill_consumer(&mut self, consumer: u32) {
        let i = consumer as usize;
        let Some(state) = self.consumers.get_mut(i) else {
            return;
        };
        let Some(ch) = state.channel.take() else {
            return;
        };
        let unacked = state.unacked;
        state.unacked = 0;
        state.subscribed = false;
        state.generation += 1;
        state.busy_until = self.now;
        self.channel_owner.remove(&ch);
        let who = state.actor.clone();
        self.emit(Explanation::ConsumerKilled {
            consumer: who,
            unacked,
        });
        self.broker.close_channel(ch, self.now.ms());
        self.translate(None);
    }

    fn restart_broker(&mut self) {
        let report = self.broker.restart(self.now.ms());
        let kept_queues = report
            .kept_queues
            .iter()
            .map(|q| self.queue_name(*q))
            .collect();
        let lost_queues = report
            .lost_queues
            .iter()
            .map(|(q, _)| self.queue_name(*q))
            .collect();
        self.emit(Explanation::BrokerRestarted {
            kept_queues,
            lost_queues,
            kept_messages: report.kept_messages,
            lost_messages: report.lost_messages,
        });
        // Every client lost its connection: pending settles refer to dead channels.
        self.connections.clear();
        self.channel_owner.clear();
        for c in &mut self.consumers {
            c.channel = None;
            c.subscribed = false;
            c.unacked = 0;
            c.generation += 1;
            c.busy_until = self.now;
        }
        for p in &mut self.producers {
            p.channel = None;
            p.confirms.clear();
        }
        self.messages.clear();
        for q in self.broker.queues() {
            for e in q.ready() {
                self.messages
                    .entry(e.message.id)
                    .or_insert_with(|| Live {
                        message: e.message.clone(),
                        copies: 0,
                    })
                    .copies += 1;
            }
        }
        let was_running: Vec<bool> = self
            .config
            .consumers
            .iter()
            .map(|c| c.start_ms.is_some_and(|t| t <= self.now.ms()))
            .collect();
        self.connect_and_declare();
        for (i, run) in was_running.into_iter().enumerate() {
            if run {
                self.start_consumer(u32_of(i));
            }
        }
    }

    fn consumer_actor(&self, consumer: u32) -> Actor {
        self.consumers
            .get(consumer as usize)
            .map_or_else(|| actor("?", "?"), |c| c.actor.clone())
    }

    fn settle(
        &mut self,
        consumer: u32,
        generation: u64,
        tag: DeliveryTag,
        message: MessageId,
        auto_ack: bool,
    ) {
        let i = consumer as usize;
        let Some(spec) = self.config.consumers.get(i).cloned() else {
            return;
        };
        let Some(state) = self.consumers.get(i) else {
            return;
        };
        if state.generation != generation {
            return;
        }
        let Some(ch) = state.channel else { return };
        let who = state.actor.clone();
        let request = self.delivered.remove(&(consumer, tag.0));
        if auto_ack {
            if spec.reply
                && let Some(req) = request
            {
                self.reply(ch, consumer, &req);
            }
            return;
        }
        let failed = self.rng.chance_ppm(spec.failure_ppm);
        let how = if failed {
            spec.on_failure
        } else {
            spec.on_success
        };
        if let Some(state) = self.consumers.get_mut(i) {
            state.unacked = state.unacked.saturating_sub(1);
        }
        let now = self.now.ms();
        let delivery_tag = tag.0;
        match how {
            Settle::Ack => {
                self.emit(Explanation::Acked {
                    message,
                    consumer: who,
                    delivery_tag,
                });
                self.release(message);
                let _ = self.broker.basic_ack(ch, tag, false, now);
            }
            Settle::NackRequeue | Settle::Nack => {
                let requeue = how == Settle::NackRequeue;
                self.emit(Explanation::Nacked {
                    message,
                    consumer: who,
                    delivery_tag,
                    requeue,
                    failed,
                });
                let _ = self.broker.basic_nack(ch, tag, false, requeue, now);
            }
            Settle::Reject | Settle::RejectRequeue => {
                let requeue = how == Settle::RejectRequeue;
                self.emit(Explanation::Rejected {
                    message,
                    consumer: who,
                    delivery_tag,
                    requeue,
                    failed,
                });
                let _ = self.broker.basic_reject(ch, tag, requeue, now);
            }
        }
        self.translate(None);
        if spec.reply
            && how == Settle::Ack
            && let Some(req) = request
        {
            self.reply(ch, consumer, &req);
        }
    }

    /// An RPC server's answer: to `reply_to` via the default exchange, same correlation_id.
    fn reply(&mut self, ch: ChannelId, consumer: u32, request: &Arc<Message>) {
        let Some(reply_to) = request.properties.reply_to.clone() else {
            return;
        };
        let correlation_id = request.properties.correlation_id.clone();
        let body = format!("reply to {}", String::from_utf8_lossy(&request.body));
        let ctx = PublishCtx {
            exchange: Arc::from(""),
            routing_key: Arc::from(reply_to.as_str()),
            properties: BasicProperties {
                correlation_id: correlation_id.clone(),
                ..BasicProperties::default()
            },
            body: Arc::from(body.into_bytes()),
            mandatory: false,
        };
        let who = self.consumer_actor(consumer);
        let request_id = request.id;
        self.publish(ch, ctx, |message, _, ctx| Explanation::ReplyPublished {
            message,
            consumer: who,
            reply_to: ctx.routing_key.clone(),
            correlation_id,
            request: request_id,
        });
    }

    /// One queue copy of `message` is gone for good.
    fn release(&mut self, message: MessageId) {
        if let Some(l) = self.messages.get_mut(&message) {
            l.copies = l.copies.saturating_sub(1);
            if l.copies == 0 {
                self.messages.remove(&message);
            }
        }
    }

    fn translate(&mut self, ctx: Option<&PublishCtx>) {
        let events: Vec<BrokerEvent> = self.broker.drain_events().collect();
        self.translate_events(events, ctx);
    }

    fn drop_why(cause: DropCause) -> DropWhy {
        match cause {
            DropCause::Overflow => DropWhy::Overflow,
            DropCause::RejectPublish => DropWhy::RejectPublish,
            DropCause::Expired => DropWhy::Expired,
            DropCause::Rejected => DropWhy::Rejected,
            DropCause::Purged => DropWhy::Purged,
            DropCause::QueueDeleted => DropWhy::QueueDeleted,
        }
    }

    fn hops_of(&self, explanation: &crate::broker::router::RouteExplanation) -> Vec<Hop> {
        explanation
            .hops
            .iter()
            .map(|h| {
                let (destination, to_exchange) = match &h.destination {
                    BindingDestination::Queue(q) => (self.display_of_actual(q), false),
                    BindingDestination::Exchange(x) => (x.clone(), true),
                };
                let why = match &h.reason {
                    MatchReason::DefaultExchange { routing_key } => Why::DefaultExchange {
                        routing_key: routing_key.clone(),
                    },
                    MatchReason::Direct { binding_key, .. } => Why::Direct {
                        binding_key: binding_key.clone(),
                    },
                    MatchReason::Fanout { .. } => Why::Fanout,
                    MatchReason::Topic {
                        binding_key,
                        routing_key,
                        words_taken,
                        ..
                    } => Why::Topic {
                        binding_key: binding_key.clone(),
                        routing_key: routing_key.clone(),
                        taken: words_taken.clone(),
                    },
                    MatchReason::Headers {
                        x_match, satisfied, ..
                    } => Why::Headers {
                        x_match,
                        satisfied: satisfied.clone(),
                    },
                    MatchReason::AlternateExchange => Why::Alternate,
                };
                Hop {
                    exchange: h.exchange.clone(),
                    destination,
                    to_exchange,
                    why,
                }
            })
            .collect()
    }

    fn display_of_actual(&self, actual: &str) -> String {
        self.broker
            .queue_by_name(actual)
            .map_or_else(|| actual.to_string(), |q| self.queue_name(q.id).to_string())
    }

    fn delivery_why(&self, consumer: u32, auto_ack: bool) -> DeliveryWhy {
        let me = self.consumers.get(consumer as usize);
        let queue = me.map(|c| c.queue.clone());
        let mut position = 0;
        let mut count = 0;
        let mut skipped = Vec::new();
        // Only whether they differ matters: the first one seen and a flag, no set needed.
        let mut first_priority = None;
        let mut priorities_differ = false;
        for (i, (c, spec)) in self
            .consumers
            .iter()
            .zip(&self.config.consumers)
            .enumerate()
        {
            if !c.subscribed || Some(&c.queue) != queue.as_ref() {
                continue;
            }
            count += 1;
            let p = spec.priority.unwrap_or(0);
            priorities_differ |= *first_priority.get_or_insert(p) != p;
            if i == consumer as usize {
                position = count;
            } else if spec.prefetch > 0 && c.unacked >= u32::from(spec.prefetch) && !spec.auto_ack {
                skipped.push(c.actor.name.clone());
            }
        }
        let spec = self.config.consumers.get(consumer as usize);
        DeliveryWhy {
            position,
            consumers: count,
            prefetch: spec.map_or(0, |s| s.prefetch),
            unacked_before: me.map_or(0, |c| c.unacked),
            priority: spec.and_then(|s| s.priority).unwrap_or(0),
            priorities_differ,
            skipped_full: skipped,
            auto_ack,
        }
    }

    fn translate_events(&mut self, events: Vec<BrokerEvent>, ctx: Option<&PublishCtx>) {
        for event in events {
            match event {
                BrokerEvent::Routed {
                    message,
                    exchange,
                    queues,
                } => self.on_routed(message, exchange, &queues, ctx),
                BrokerEvent::Enqueued { queue, message } => {
                    let queue = self.queue_name(queue);
                    self.emit(Explanation::Enqueued { message, queue });
                }
                BrokerEvent::Dropped {
                    queue,
                    message,
                    cause,
                } => {
                    let max_length = self.broker.queue(queue).and_then(|q| q.args.max_length);
                    let queue = self.queue_name(queue);
                    self.emit(Explanation::Dropped {
                        message,
                        queue,
                        why: Self::drop_why(cause),
                        max_length,
                    });
                    self.release(message);
                }
                BrokerEvent::Expired { queue, message } => {
                    let ttl = self
                        .messages
                        .get(&message)
                        .and_then(|l| l.message.ttl())
                        .or_else(|| self.broker.queue(queue).and_then(|q| q.args.message_ttl));
                    let queue = self.queue_name(queue);
                    self.emit(Explanation::Expired {
                        message,
                        queue,
                        ttl,
                    });
                }
                BrokerEvent::DeadLettered {
                    queue,
                    message,
                    copy,
                    reason,
                    exchange,
                    queues,
                } => self.on_dead_lettered(queue, message, copy, reason, exchange, queues),
                BrokerEvent::Requeued { queue, message } => {
                    let queue = self.queue_name(queue);
                    self.emit(Explanation::Requeued { message, queue });
                }
                BrokerEvent::Delivered {
                    channel,
                    delivery_tag,
                    queue,
                    redelivered,
                    message,
                    ..
                } => self.on_delivered(channel, delivery_tag, queue, redelivered, message),
                BrokerEvent::Returned {
                    channel,
                    reply_code,
                    reply_text,
                    message,
                } => {
                    let producer = self.owner_actor(channel);
                    self.emit(Explanation::Returned {
                        message: message.id,
                        producer,
                        reply_code,
                        reply_text,
                    });
                }
                BrokerEvent::PublisherAck { channel, seq }
                | BrokerEvent::PublisherNack { channel, seq } => {
                    let ack = matches!(event, BrokerEvent::PublisherAck { .. });
                    let message = match self.channel_owner.get(&channel) {
                        Some(Owner::Producer(p)) => self
                            .producers
                            .get_mut(*p as usize)
                            .and_then(|s| s.confirms.remove(&seq)),
                        _ => None,
                    };
                    let producer = self.owner_actor(channel);
                    self.emit(if ack {
                        Explanation::ConfirmAck {
                            message,
                            producer,
                            seq,
                        }
                    } else {
                        Explanation::ConfirmNack {
                            message,
                            producer,
                            seq,
                        }
                    });
                }
                BrokerEvent::ConsumerCancelled { channel, queue, .. } => {
                    if let Some(Owner::Consumer(c)) = self.channel_owner.get(&channel).copied()
                        && let Some(state) = self.consumers.get_mut(c as usize)
                    {
                        state.subscribed = false;
                    }
                    let consumer = self.owner_actor(channel);
                    let queue = self.queue_name(queue);
                    self.emit(Explanation::ConsumerCancelled { consumer, queue });
                }
                BrokerEvent::ChannelClosed { channel, error } => {
                    let owner = self.channel_owner.remove(&channel);
                    match owner {
                        Some(Owner::Consumer(c)) => {
                            if let Some(s) = self.consumers.get_mut(c as usize) {
                                s.channel = None;
                                s.subscribed = false;
                                s.generation += 1;
                                s.unacked = 0;
                            }
                        }
                        Some(Owner::Producer(p)) => {
                            if let Some(s) = self.producers.get_mut(p as usize) {
                                s.channel = None;
                            }
                        }
                        None => {}
                    }
                    if let (Some(e), Some(owner)) = (error, owner) {
                        let actor = self.actor_of(owner);
                        self.emit(Explanation::ChannelClosed {
                            actor,
                            reply_code: e.reply_code(),
                            reply_text: e.to_string(),
                        });
                    }
                }
                BrokerEvent::ConnectionClosed { .. } | BrokerEvent::Acked { .. } => {}
                BrokerEvent::QueueDeleted { queue, .. } => {
                    let queue = self.queue_name(queue);
                    self.emit(Explanation::QueueDeleted { queue });
                }
            }
        }
    }

    fn actor_of(&self, owner: Owner) -> Actor {
        match owner {
            Owner::Producer(p) => self
                .producers
                .get(p as usize)
                .map_or_else(|| actor("?", "?"), |s| s.actor.clone()),
            Owner::Consumer(c) => self.consumer_actor(c),
        }
    }

    fn owner_actor(&self, channel: ChannelId) -> Actor {
        self.channel_owner
            .get(&channel)
            .map_or_else(|| actor("?", "?"), |o| self.actor_of(*o))
    }

    fn on_routed(
        &mut self,
        message: MessageId,
        exchange: Arc<str>,
        queues: &[QueueId],
        ctx: Option<&PublishCtx>,
    ) {
        let Some(ctx) = ctx else { return };
        let mut properties = ctx.properties.clone();
        let extra_routing_keys = header_routes(properties.headers.as_ref()).unwrap_or_default();
        if let Some(h) = properties.headers.as_mut() {
            h.remove("BCC");
        }
        let msg = Arc::new(Message {
            id: message,
            exchange: exchange.clone(),
            routing_key: ctx.routing_key.clone(),
            extra_routing_keys,
            properties,
            body: ctx.body.clone(),
        });
        let (hops, notes) = if self.explain_routes {
            let empty = FieldTable::new();
            let headers = msg.properties.headers.as_ref().unwrap_or(&empty);
            let keys: Vec<&str> = msg.routing_keys().collect();
            match self
                .broker
                .router()
                .explain_route(&exchange, &keys, headers, true)
            {
                Ok(e) => (self.hops_of(&e), e.notes),
                Err(_) => (Vec::new(), Vec::new()),
            }
        } else {
            (Vec::new(), Vec::new())
        };
        for h in &hops {
            if h.why == Why::Alternate {
                self.emit(Explanation::ToAlternate {
                    message,
                    exchange: h.exchange.clone(),
                    alternate: h.destination.clone(),
                });
            }
        }
        if queues.is_empty() {
            self.emit(Explanation::NotRouted {
                message,
                exchange,
                routing_key: ctx.routing_key.clone(),
                mandatory: ctx.mandatory,
                notes,
            });
            return;
        }
        self.messages.insert(
            message,
            Live {
                message: msg,
                copies: u32_of(queues.len()),
            },
        );
        let names = queues.iter().map(|q| self.queue_name(*q)).collect();
        self.emit(Explanation::Routed {
            message,
            exchange,
            routing_key: ctx.routing_key.clone(),
            hops,
            queues: names,
        });
    }

    fn on_dead_lettered(
        &mut self,
        queue: QueueId,
        message: MessageId,
        copy: MessageId,
        reason: DeathReason,
        exchange: Arc<str>,
        targets: Vec<QueueId>,
    ) {
        let parent = self.messages.get(&message).map(|l| l.message.clone());
        self.release(message);
        let (actual_queue, dl_key) = match self.broker.queue(queue) {
            Some(q) => (q.name.to_string(), q.args.dead_letter_routing_key.clone()),
            None => (self.queue_name(queue).to_string(), None),
        };
        let display = self.queue_name(queue);
        let copy_msg = parent.map(|p| {
            make_dead_letter(
                &p,
                copy,
                reason,
                &actual_queue,
                &exchange,
                dl_key.as_deref(),
                self.broker.now(),
            )
        });
        let routing_key = copy_msg
            .as_ref()
            .map_or_else(String::new, |c| c.routing_key().to_string());
        let x_death = copy_msg
            .as_ref()
            .and_then(|c| x_death_entry(c, &actual_queue, reason))
            .unwrap_or_else(|| XDeath {
                queue: display.to_string(),
                reason: reason.as_str(),
                count: 1,
                exchange: String::new(),
                routing_keys: Vec::new(),
            });
        let mut hops = Vec::new();
        if let Some(c) = &copy_msg
            && self.explain_routes
        {
            let empty = FieldTable::new();
            let headers = c.properties.headers.as_ref().unwrap_or(&empty);
            let keys: Vec<&str> = c.routing_keys().collect();
            if let Ok(e) = self
                .broker
                .router()
                .explain_route(&exchange, &keys, headers, false)
            {
                hops = self.hops_of(&e);
            }
        }
        let queues: Vec<Arc<str>> = targets.iter().map(|q| self.queue_name(*q)).collect();
        if let Some(c) = copy_msg
            && !targets.is_empty()
        {
            self.messages.insert(
                copy,
                Live {
                    message: Arc::new(c),
                    copies: u32_of(targets.len()),
                },
            );
        }
        self.emit(Explanation::DeadLettered {
            message,
            copy,
            queue: display,
            reason,
            exchange,
            routing_key,
            x_death,
            hops,
            queues,
        });
    }

    fn on_delivered(
        &mut self,
        channel: ChannelId,
        tag: DeliveryTag,
        queue: QueueId,
        redelivered: bool,
        message: Arc<Message>,
    ) {
        let Some(Owner::Consumer(c)) = self.channel_owner.get(&channel).copied() else {
            return;
        };
        let Some(spec) = self.config.consumers.get(c as usize).cloned() else {
            return;
        };
        let why = self.delivery_why(c, spec.auto_ack);
        let who = self.consumer_actor(c);
        let queue_name = self.queue_name(queue);
        let id = message.id;
        self.emit(Explanation::Delivered {
            message: id,
            queue: queue_name,
            consumer: who,
            delivery_tag: tag.0,
            redelivered,
            why,
        });
        if spec.auto_ack {
            self.release(id);
        }
        let processing = spec.processing_ms;
        let Some(state) = self.consumers.get_mut(c as usize) else {
            return;
        };
        if !spec.auto_ack {
            state.unacked += 1;
        }
        let done = state.busy_until.max(self.now).plus(processing);
        state.busy_until = done;
        let generation = state.generation;
        if spec.reply {
            self.delivered.insert((c, tag.0), message);
        }
        if spec.auto_ack && !spec.reply {
            return;
        }
        self.schedule(
            done,
            Scheduled::Settle {
                consumer: c,
                generation,
                tag,
                message: id,
                auto_ack: spec.auto_ack,
            },
        );
    }
}

/// The newest `x-death` entry of a dead-lettered copy (the one for `queue` and `reason`).
fn x_death_entry(copy: &Message, queue: &str, reason: DeathReason) -> Option<XDeath> {
    let Some(FieldValue::Array(entries)) = copy.properties.header("x-death") else {
        return None;
    };
    entries.iter().find_map(|e| {
        let FieldValue::Table(t) = e else { return None };
        let s = |k: &str| t.get(k).and_then(FieldValue::as_str).map(str::to_string);
        if s("queue").as_deref() != Some(queue) || s("reason").as_deref() != Some(reason.as_str()) {
            return None;
        }
        let routing_keys = match t.get("routing-keys") {
            Some(FieldValue::Array(a)) => a
                .iter()
                .filter_map(FieldValue::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        Some(XDeath {
            queue: queue.to_string(),
            reason: reason.as_str(),
            count: t.get("count").and_then(FieldValue::as_int).unwrap_or(1),
            exchange: s("exchange").unwrap_or_default(),
            routing_keys,
        })
    })
}
