//! The AMQP methods a client calls on the broker: connection and channel life, exchange, queue
//! and binding management, publish, consume, get, acknowledgements.
//!
//! Every channel method runs through one wrapper: time advances to `now` first (due expiries
//! run), the method runs, a channel error closes the channel (a 5xx the connection), and the
//! dead letters it caused are republished before it returns.

use std::borrow::Cow;
use std::sync::Arc;

use super::channel::Channel;
use super::connection::Connection;
use super::consumer::Consumer;
use super::dead_letter::DeathReason;
use super::error::BrokerError;
use super::event::BrokerEvent;
use super::ids::{ChannelId, ConnectionId, ConsumerId, ConsumerTag, DeliveryTag, QueueId};
use super::message::{BasicProperties, Message, header_routes, validate_properties};
use super::queue::{Queue, QueueDecl};
use super::router::{BindingDecl, BindingDestination, ExchangeDecl, ExchangeKind};
use super::value::{FieldTable, FieldValue};
use super::{Broker, QueueArgs, VHOST};

/// queue.declare-ok.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclareOk {
    pub queue: String,
    /// Ready messages (unacked ones are not counted).
    pub message_count: u32,
    pub consumer_count: u32,
}

/// basic.get-ok.
#[derive(Debug, Clone)]
pub struct GetOk {
    pub delivery_tag: DeliveryTag,
    pub redelivered: bool,
    pub queue: QueueId,
    pub message: Arc<Message>,
    /// Ready messages left after this one.
    pub message_count: u32,
}

/// The fields of basic.publish plus the content.
#[derive(Debug, Clone)]
pub struct Publish<'a> {
    pub exchange: &'a str,
    pub routing_key: &'a str,
    pub mandatory: bool,
    pub properties: BasicProperties,
    pub body: Arc<[u8]>,
}

/// How settled deliveries end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settle {
    Ack,
    Requeue,
    Discard,
}

fn strip_cr_lf(name: &str) -> Cow<'_, str> {
    if name.contains(['\r', '\n']) {
        Cow::Owned(name.chars().filter(|c| *c != '\r' && *c != '\n').collect())
    } else {
        Cow::Borrowed(name)
    }
}

fn no_queue(name: &str) -> BrokerError {
    BrokerError::NotFound(format!("no queue '{name}' in vhost '{VHOST}'"))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Broker {
    // ---- connections and channels -----------------------------------------------------

    /// Opens a connection for `user`.
    pub fn open_connection(&mut self, user: &str) -> ConnectionId {
        let id = ConnectionId(self.next_connection);
        self.next_connection += 1;
        self.connections.insert(
            id,
            Connection {
                user: user.to_owned(),
                channels: Default::default(),
                exclusive_queues: Default::default(),
            },
        );
        id
    }

    /// Closes a connection (client side): its channels close (requeueing their unacked
    /// deliveries) and its exclusive queues are deleted. Unknown connections are ignored.
    pub fn close_connection(&mut self, conn: ConnectionId, now: u64) {
        self.advance(now);
        self.close_connection_inner(conn, None);
    }

    /// Opens a channel on an open connection.
    pub fn open_channel(&mut self, conn: ConnectionId) -> Result<ChannelId, BrokerError> {
        let c = self
            .connections
            .get_mut(&conn)
            .ok_or_else(|| BrokerError::CommandInvalid(format!("connection {conn} is closed")))?;
        let id = ChannelId(self.next_channel);
        self.next_channel += 1;
        c.channels.insert(id);
        self.channels.insert(id, Channel::new(conn));
        Ok(id)
    }

    /// Closes a channel (client side): consumers go, unacked deliveries are requeued.
    pub fn close_channel(&mut self, ch: ChannelId, now: u64) {
        self.advance(now);
        self.close_channel_inner(ch, None);
    }

    /// Runs a channel method: advance time, run, close the channel (or connection) on error,
    /// republish dead letters.
    fn on_channel<T>(
        &mut self,
        ch: ChannelId,
        now: u64,
        f: impl FnOnce(&mut Broker, ChannelId) -> Result<T, BrokerError>,
    ) -> Result<T, BrokerError> {
        let Some(conn) = self.channels.get(&ch).map(|c| c.connection) else {
            return Err(BrokerError::CommandInvalid(format!(
                "channel {ch} is closed"
            )));
        };
        if now > self.now {
            self.advance(now);
        }
        let result = f(self, ch);
        if let Err(e) = &result {
            if e.is_connection_error() {
                self.close_connection_inner(conn, Some(e.clone()));
            } else {
                self.close_channel_inner(ch, Some(e.clone()));
            }
        }
        if !self.dead_letters.is_empty() {
            self.run_dead_letters();
        }
        result
    }

    fn connection_of(&self, ch: ChannelId) -> ConnectionId {
        self.channels
            .get(&ch)
            .map_or(ConnectionId(u32::MAX), |c| c.connection)
    }

    /// 405 unless the queue is usable from this channel's connection.
    fn check_exclusive(&self, ch: ChannelId, q: &Queue) -> Result<(), BrokerError> {
        match q.exclusive_owner {
            Some(owner) if owner != self.connection_of(ch) => {
                Err(BrokerError::ResourceLocked(format!(
                    "cannot obtain exclusive access to locked queue '{}' in vhost '{VHOST}'",
                    q.name
                )))
            }
            _ => Ok(()),
        }
    }

    fn lookup_queue(&self, ch: ChannelId, name: &str) -> Result<QueueId, BrokerError> {
        let q = self.queue_by_name(name).ok_or_else(|| no_queue(name))?;
        self.check_exclusive(ch, q)?;
        Ok(q.id)
    }

    /// confirm.select: publisher confirms from the next publish on (sequence numbers from 1).
    pub fn confirm_select(&mut self, ch: ChannelId) -> Result<(), BrokerError> {
        self.on_channel(ch, 0, |b, ch| {
            if let Some(c) = b.channels.get_mut(&ch)
                && c.confirm_seq.is_none()
            {
                c.confirm_seq = Some(1);
            }
            Ok(())
        })
    }

    /// basic.qos. Only per-consumer prefetch (global=false) is modelled; prefetch_size must be
    /// 0 (540 otherwise, as RabbitMQ).
    pub fn basic_qos(
        &mut self,
        ch: ChannelId,
        prefetch_count: u16,
        global: bool,
    ) -> Result<(), BrokerError> {
        self.on_channel(ch, 0, |b, ch| {
            if global {
                return Err(BrokerError::CommandInvalid(
                    "global prefetch is not modelled".into(),
                ));
            }
            if let Some(c) = b.channels.get_mut(&ch) {
                c.consumer_prefetch = prefetch_count;
            }
            Ok(())
        })
    }

    // ---- exchanges and bindings -------------------------------------------------------

    /// exchange.declare.
    pub fn exchange_declare(
        &mut self,
        ch: ChannelId,
        decl: &ExchangeDecl,
        passive: bool,
    ) -> Result<(), BrokerError> {
        self.on_channel(ch, 0, |b, _| b.router.declare_exchange(decl, passive))
    }

    /// exchange.declare with the type as AMQP spells it: an unknown type is 503 and closes the
    /// connection.
    #[allow(clippy::too_many_arguments)]
    pub fn exchange_declare_typed(
        &mut self,
        ch: ChannelId,
        name: &str,
        kind: &str,
        durable: bool,
        auto_delete: bool,
        internal: bool,
        arguments: FieldTable,
    ) -> Result<(), BrokerError> {
        self.on_channel(ch, 0, |b, _| {
            let kind = ExchangeKind::parse(kind)?;
            let decl = ExchangeDecl {
                name: name.to_owned(),
                kind,
                durable,
                auto_delete,
                internal,
                arguments,
            };
            b.router.declare_exchange(&decl, false)
        })
    }

    /// exchange.delete.
    pub fn exchange_delete(
        &mut self,
        ch: ChannelId,
        name: &str,
        if_unused: bool,
    ) -> Result<(), BrokerError> {
        self.on_channel(ch, 0, |b, _| b.router.delete_exchange(name, if_unused))
    }

    /// queue.bind / exchange.bind (by the destination's kind).
    pub fn bind(&mut self, ch: ChannelId, binding: &BindingDecl) -> Result<(), BrokerError> {
        self.on_channel(ch, 0, |b, ch| {
            b.check_binding_destination(ch, binding)?;
            b.router.bind(binding)
        })
    }

    /// queue.unbind / exchange.unbind.
    pub fn unbind(&mut self, ch: ChannelId, binding: &BindingDecl) -> Result<(), BrokerError> {
        self.on_channel(ch, 0, |b, ch| {
            b.check_binding_destination(ch, binding)?;
            b.router.unbind(binding)
        })
    }

    fn check_binding_destination(
        &self,
        ch: ChannelId,
        binding: &BindingDecl,
    ) -> Result<(), BrokerError> {
        if let BindingDestination::Queue(name) = &binding.destination
            && let Some(q) = self.queue_by_name(name)
        {
            self.check_exclusive(ch, q)?;
        }
        Ok(())
    }

    // ---- queues -----------------------------------------------------------------------

    /// queue.declare (passive or not). An empty name gets a server-generated `amq.gen-N`.
    pub fn queue_declare(
        &mut self,
        ch: ChannelId,
        decl: &QueueDecl,
        passive: bool,
        now: u64,
    ) -> Result<DeclareOk, BrokerError> {
        self.on_channel(ch, now, |b, ch| b.queue_declare_inner(ch, decl, passive))
    }

    fn queue_declare_inner(
        &mut self,
        ch: ChannelId,
        decl: &QueueDecl,
        passive: bool,
    ) -> Result<DeclareOk, BrokerError> {
        let conn = self.connection_of(ch);
        let mut name = strip_cr_lf(&decl.name).into_owned();
        if name.is_empty() && !passive {
            name = format!("amq.gen-{}", self.next_generated_queue);
            self.next_generated_queue += 1;
        }
        let now = self.now;
        if let Some(qid) = self.router.queue_id(&name)
            && let Some(q) = self.queue(qid)
        {
            if passive {
                self.check_exclusive(ch, q)?;
            } else {
                let owner = decl.exclusive.then_some(conn);
                if q.exclusive_owner != owner {
                    return Err(BrokerError::ResourceLocked(format!(
                        "cannot obtain exclusive access to locked queue '{name}' in vhost '{VHOST}'"
                    )));
                }
                let durable = decl.durable && !decl.exclusive;
                if q.durable != durable {
                    return Err(BrokerError::PreconditionFailed(format!(
                        "inequivalent arg 'durable' for queue '{name}' in vhost '{VHOST}': received '{durable}' but current is '{}'",
                        q.durable
                    )));
                }
                if q.auto_delete != decl.auto_delete {
                    return Err(BrokerError::PreconditionFailed(format!(
                        "inequivalent arg 'auto_delete' for queue '{name}' in vhost '{VHOST}'"
                    )));
                }
                super::args::assert_args_equivalence(&name, &q.arguments, &decl.arguments)?;
            }
            let ok = DeclareOk {
                queue: name,
                message_count: count(q.ready_len()),
                consumer_count: count(q.consumer_count()),
            };
            if let Some(q) = self.queue_mut(qid) {
                q.last_used = now;
            }
            return Ok(ok);
        }
        if passive {
            return Err(no_queue(&name));
        }
        if name.starts_with("amq.") && !decl.name.is_empty() {
            return Err(BrokerError::AccessRefused(format!(
                "queue name '{name}' contains reserved prefix 'amq.*'"
            )));
        }
        let args = QueueArgs::parse(&decl.arguments)?;
        let id = QueueId(u32::try_from(self.queues.len()).unwrap_or(u32::MAX));
        let owner = decl.exclusive.then_some(conn);
        let stored = QueueDecl {
            name: name.clone(),
            ..decl.clone()
        };
        self.queues
            .push(Some(Queue::new(id, &stored, args, owner, now)));
        self.router.add_queue(&name, id);
        if let Some(o) = owner
            && let Some(c) = self.connections.get_mut(&o)
        {
            c.exclusive_queues.insert(id);
        }
        Ok(DeclareOk {
            queue: name,
            message_count: 0,
            consumer_count: 0,
        })
    }

    /// queue.delete: 406 if `if_unused` and it has consumers, or `if_empty` and it has ready
    /// messages; a missing queue is fine. Returns the number of ready messages discarded.
    pub fn queue_delete(
        &mut self,
        ch: ChannelId,
        name: &str,
        if_unused: bool,
        if_empty: bool,
        now: u64,
    ) -> Result<u32, BrokerError> {
        self.on_channel(ch, now, |b, ch| {
            let name = strip_cr_lf(name);
            let Some(q) = b.queue_by_name(&name) else {
                return Ok(0);
            };
            b.check_exclusive(ch, q)?;
            if if_unused && q.consumer_count() > 0 {
                return Err(BrokerError::PreconditionFailed(format!(
                    "queue '{name}' in vhost '{VHOST}' in use"
                )));
            }
            if if_empty && q.ready_len() > 0 {
                return Err(BrokerError::PreconditionFailed(format!(
                    "queue '{name}' in vhost '{VHOST}' is not empty"
                )));
            }
            let qid = q.id;
            Ok(count(b.delete_queue(qid)))
        })
    }

    /// queue.purge: removes ready messages (not unacked ones). Returns how many.
    pub fn queue_purge(&mut self, ch: ChannelId, name: &str, now: u64) -> Result<u32, BrokerError> {
        self.on_channel(ch, now, |b, ch| {
            let qid = b.lookup_queue(ch, name)?;
            let purged = b.queue_mut(qid).map(|q| q.clear()).unwrap_or_default();
            if b.narrate {
                for e in &purged {
                    b.emit(BrokerEvent::Dropped {
                        queue: qid,
                        message: e.message.id,
                        cause: super::DropCause::Purged,
                    });
                }
            }
            Ok(count(purged.len()))
        })
    }

    // ---- publish ----------------------------------------------------------------------

    /// basic.publish. Returns the publish sequence number when the channel is in confirm
    /// mode (its ack/nack follows as an event).
    pub fn basic_publish(
        &mut self,
        ch: ChannelId,
        publish: Publish<'_>,
        now: u64,
    ) -> Result<Option<u64>, BrokerError> {
        self.on_channel(ch, now, |b, ch| b.publish_inner(ch, publish))
    }

    fn publish_inner(
        &mut self,
        ch: ChannelId,
        publish: Publish<'_>,
    ) -> Result<Option<u64>, BrokerError> {
        let Publish {
            exchange,
            routing_key,
            mandatory,
            mut properties,
            body,
        } = publish;
        match self.router.exchange(exchange) {
            None => {
                return Err(BrokerError::NotFound(format!(
                    "no exchange '{exchange}' in vhost '{VHOST}'"
                )));
            }
            Some(x) if x.internal() => {
                return Err(BrokerError::AccessRefused(format!(
                    "cannot publish to internal exchange '{exchange}' in vhost '{VHOST}'"
                )));
            }
            Some(_) => {}
        }
        let user = match properties.user_id {
            Some(_) => {
                let conn = self.connection_of(ch);
                self.connections.get(&conn).map_or("", |c| c.user.as_str())
            }
            None => "",
        };
        validate_properties(&properties, user)?;
        let extra = header_routes(properties.headers.as_ref())?;
        if let Some(h) = properties.headers.as_mut() {
            h.remove("BCC");
        }

        let seq = match self
            .channels
            .get_mut(&ch)
            .and_then(|c| c.confirm_seq.as_mut())
        {
            Some(s) => {
                let n = *s;
                *s += 1;
                Some(n)
            }
            None => None,
        };
        let id = self.next_message_id();
        let exchange_name = self.intern_exchange(exchange);
        let message = Arc::new(Message {
            id,
            exchange: exchange_name,
            routing_key: Arc::from(routing_key),
            extra_routing_keys: extra,
            properties,
            body,
        });
        let empty = FieldTable::new();
        let headers = message.properties.headers.as_ref().unwrap_or(&empty);
        let routed = if message.extra_routing_keys.is_empty() {
            self.router
                .route(exchange, &[routing_key], headers, true, &mut self.scratch)
        } else {
            let keys: Vec<&str> = message.routing_keys().collect();
            self.router
                .route(exchange, &keys, headers, true, &mut self.scratch)
        };
        routed?;
        let targets = self.scratch.queues().len();
        if self.narrate {
            let queues = self.scratch.queues().to_vec();
            let exchange = message.exchange.clone();
            self.emit(BrokerEvent::Routed {
                message: id,
                exchange,
                queues,
            });
        }
        let mut refused = false;
        if targets == 0 {
            if mandatory {
                self.emit(BrokerEvent::Returned {
                    channel: ch,
                    reply_code: 312,
                    reply_text: "NO_ROUTE",
                    message,
                });
            }
        } else {
            for i in 0..targets {
                let qid = self.scratch.queues()[i];
                if !self.enqueue(qid, message.clone()) {
                    refused = true;
                }
            }
        }
        if let Some(seq) = seq {
            let event = if refused {
                BrokerEvent::PublisherNack { channel: ch, seq }
            } else {
                BrokerEvent::PublisherAck { channel: ch, seq }
            };
            self.emit(event);
        }
        Ok(seq)
    }

    // ---- consume, get, cancel ---------------------------------------------------------

    /// basic.consume. An empty `consumer_tag` gets a generated one. `arguments` may carry
    /// `x-priority` (an integer, else 406).
    #[allow(clippy::too_many_arguments)]
    pub fn basic_consume(
        &mut self,
        ch: ChannelId,
        queue: &str,
        consumer_tag: &str,
        no_ack: bool,
        exclusive: bool,
        arguments: &FieldTable,
        now: u64,
    ) -> Result<ConsumerTag, BrokerError> {
        self.on_channel(ch, now, |b, ch| {
            let qid = b.lookup_queue(ch, queue)?;
            let priority = match arguments.get("x-priority") {
                None => 0,
                Some(FieldValue::Int(p)) => *p,
                Some(_) => {
                    return Err(BrokerError::PreconditionFailed(
                        "invalid arg 'x-priority': expected an integer".into(),
                    ));
                }
            };
            let channel = b.channels.get_mut(&ch).ok_or_else(|| BrokerError::CommandInvalid("channel closed".into()))?;
            let tag = if consumer_tag.is_empty() {
                channel.generate_consumer_tag()
            } else {
                ConsumerTag::new(consumer_tag)
            };
            if channel.consumers.contains_key(&tag) {
                return Err(BrokerError::NotAllowed(format!("attempt to reuse consumer tag '{tag}'")));
            }
            let prefetch = channel.consumer_prefetch;
            let Some(q) = b.queue(qid) else { return Err(no_queue(queue)) };
            if q.exclusive_consumer.is_some() || (exclusive && q.consumer_count() > 0) {
                return Err(BrokerError::AccessRefused(format!(
                    "queue '{}' in vhost '{VHOST}' in exclusive use",
                    q.name
                )));
            }
            if exclusive && q.args.single_active_consumer {
                return Err(BrokerError::AccessRefused(format!(
                    "cannot obtain exclusive access to queue '{}' in vhost '{VHOST}'. It has single active consumer enabled",
                    q.name
                )));
            }
            let cid = ConsumerId(b.next_consumer);
            b.next_consumer += 1;
            b.consumers.insert(
                cid,
                Consumer {
                    tag: tag.clone(),
                    channel: ch,
                    queue: qid,
                    no_ack,
                    exclusive,
                    priority,
                    prefetch: if no_ack { 0 } else { prefetch },
                    unacked: 0,
                },
            );
            if let Some(c) = b.channels.get_mut(&ch) {
                c.consumers.insert(tag.clone(), cid);
            }
            let now = b.now;
            if let Some(q) = b.queue_mut(qid) {
                q.add_consumer(cid, priority);
                q.last_used = now;
                if exclusive {
                    q.exclusive_consumer = Some(cid);
                }
                if q.args.single_active_consumer && q.single_active.is_none() {
                    q.single_active = Some(cid);
                }
            }
            b.dispatch(qid);
            Ok(tag)
        })
    }

    /// basic.cancel (client side): the consumer stops; its unacked deliveries stay on the
    /// channel. An unknown tag is a no-op.
    pub fn basic_cancel(
        &mut self,
        ch: ChannelId,
        consumer_tag: &str,
        now: u64,
    ) -> Result<(), BrokerError> {
        self.on_channel(ch, now, |b, ch| {
            let tag = ConsumerTag::new(consumer_tag);
            let Some(cid) = b
                .channels
                .get(&ch)
                .and_then(|c| c.consumers.get(&tag).copied())
            else {
                return Ok(());
            };
            if let Some(qid) = b.remove_consumer(cid) {
                b.after_consumer_left(qid);
            }
            Ok(())
        })
    }

    /// basic.get. `Ok(None)` is basic.get-empty.
    pub fn basic_get(
        &mut self,
        ch: ChannelId,
        queue: &str,
        no_ack: bool,
        now: u64,
    ) -> Result<Option<GetOk>, BrokerError> {
        self.on_channel(ch, now, |b, ch| {
            let qid = b.lookup_queue(ch, queue)?;
            let now = b.now;
            if let Some(q) = b.queue_mut(qid) {
                q.last_used = now;
            }
            // Like RabbitMQ's fetch: take the head as it is, expire behind it afterwards.
            let Some(entry) = b.queue_mut(qid).and_then(|q| q.pop_head()) else {
                return Ok(None);
            };
            let channel = b
                .channels
                .get_mut(&ch)
                .ok_or_else(|| BrokerError::CommandInvalid("channel closed".into()))?;
            let delivery_tag = channel.next_delivery_tag();
            let ok = GetOk {
                delivery_tag,
                redelivered: entry.redelivered,
                queue: qid,
                message: entry.message.clone(),
                message_count: 0,
            };
            if no_ack {
                let id = entry.message.id;
                b.narrate(|| BrokerEvent::Acked {
                    channel: ch,
                    delivery_tag,
                    message: id,
                });
            } else {
                channel.track(super::Unacked {
                    tag: delivery_tag,
                    queue: qid,
                    entry,
                    consumer: None,
                });
            }
            b.drop_expired(qid);
            let message_count = count(b.queue(qid).map_or(0, Queue::ready_len));
            Ok(Some(GetOk {
                message_count,
                ..ok
            }))
        })
    }

    // ---- acknowledgements -------------------------------------------------------------

    /// basic.ack. `multiple` settles every outstanding tag up to `tag` (tag 0: all).
    pub fn basic_ack(
        &mut self,
        ch: ChannelId,
        tag: DeliveryTag,
        multiple: bool,
        now: u64,
    ) -> Result<(), BrokerError> {
        self.on_channel(ch, now, |b, ch| b.settle(ch, tag, multiple, Settle::Ack))
    }

    /// basic.nack: requeue (to the original position) or dead-letter/discard.
    pub fn basic_nack(
        &mut self,
        ch: ChannelId,
        tag: DeliveryTag,
        multiple: bool,
        requeue: bool,
        now: u64,
    ) -> Result<(), BrokerError> {
        let how = if requeue {
            Settle::Requeue
        } else {
            Settle::Discard
        };
        self.on_channel(ch, now, |b, ch| b.settle(ch, tag, multiple, how))
    }

    /// basic.reject = a single nack.
    pub fn basic_reject(
        &mut self,
        ch: ChannelId,
        tag: DeliveryTag,
        requeue: bool,
        now: u64,
    ) -> Result<(), BrokerError> {
        self.basic_nack(ch, tag, false, requeue, now)
    }

    /// basic.recover(requeue=true): every unacked delivery of the channel goes back.
    pub fn basic_recover(&mut self, ch: ChannelId, now: u64) -> Result<(), BrokerError> {
        self.on_channel(ch, now, |b, ch| {
            b.settle(ch, DeliveryTag(0), true, Settle::Requeue)
        })
    }

    fn settle(
        &mut self,
        ch: ChannelId,
        tag: DeliveryTag,
        multiple: bool,
        how: Settle,
    ) -> Result<(), BrokerError> {
        let channel = self
            .channels
            .get_mut(&ch)
            .ok_or_else(|| BrokerError::CommandInvalid("channel closed".into()))?;
        if !multiple && how == Settle::Ack {
            // The common case (one ack), without collecting a list.
            let u = channel.take(tag).ok_or_else(|| {
                BrokerError::PreconditionFailed(format!("unknown delivery tag {tag}"))
            })?;
            self.return_credit(std::slice::from_ref(&u));
            if self.narrate {
                self.emit(BrokerEvent::Acked {
                    channel: ch,
                    delivery_tag: u.tag,
                    message: u.entry.message.id,
                });
            }
            if self.queue(u.queue).is_some() {
                self.dispatch(u.queue);
            }
            return Ok(());
        }
        let settled = if multiple && tag.0 == 0 {
            channel.take_all()
        } else if !channel.is_outstanding(tag) {
            return Err(BrokerError::PreconditionFailed(format!(
                "unknown delivery tag {tag}"
            )));
        } else if multiple {
            channel.take_up_to(tag)
        } else {
            channel.take(tag).into_iter().collect()
        };
        if settled.len() == 1 {
            self.return_credit(&settled);
            let qid = settled[0].queue;
            self.finish_settle(ch, qid, settled, how);
            return Ok(());
        }
        self.return_credit(&settled);
        let mut by_queue: std::collections::BTreeMap<QueueId, Vec<super::Unacked>> =
            Default::default();
        for u in settled {
            by_queue.entry(u.queue).or_default().push(u);
        }
        for (qid, list) in by_queue {
            self.finish_settle(ch, qid, list, how);
        }
        Ok(())
    }

    fn finish_settle(
        &mut self,
        ch: ChannelId,
        qid: QueueId,
        list: Vec<super::Unacked>,
        how: Settle,
    ) {
        if self.narrate && how == Settle::Ack {
            for u in &list {
                self.emit(BrokerEvent::Acked {
                    channel: ch,
                    delivery_tag: u.tag,
                    message: u.entry.message.id,
                });
            }
        }
        if self.queue(qid).is_none() {
            if how != Settle::Ack {
                let entries: Vec<_> = list.into_iter().map(|u| u.entry).collect();
                self.drop_lost(qid, &entries);
            }
            return;
        }
        match how {
            Settle::Ack => self.dispatch(qid),
            Settle::Requeue => {
                self.requeue_and_run(qid, list.into_iter().map(|u| u.entry).collect())
            }
            Settle::Discard => {
                for u in list {
                    self.dead_letter(qid, u.entry.message, DeathReason::Rejected);
                }
                self.dispatch(qid);
            }
        }
    }

    /// The queues' names in a deterministic order (name order), for inspection.
    pub fn queue_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.queues().map(|q| q.name.to_string()).collect();
        names.sort();
        names
    }

    /// Helper for callers that hold only a consumer tag: its consumer id on a channel.
    pub fn consumer_id(&self, ch: ChannelId, tag: &str) -> Option<ConsumerId> {
        self.channels
            .get(&ch)
            .and_then(|c| c.consumers.get(&ConsumerTag::new(tag)).copied())
    }
}
