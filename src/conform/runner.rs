//! Runs a parsed case through the broker exactly as `oracle.py` drives RabbitMQ: connections
//! opened lazily by name, per-connection publish (confirm mode) and management channels,
//! actors (named channels) with their delivery lists, the SKIPPED rules, virtual time, and the
//! final-contents procedure. The broker is synchronous, so "quiescence" after a step is simply
//! draining its events.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::case::{BindingDef, Case, DeliveryRef, ExchangeDef, QueueDef, SettleKind, Step};
use crate::broker::{
    BindingDecl, BindingDestination, Broker, BrokerError, BrokerEvent, ChannelId, ConnectionId,
    DeliveryTag, FieldTable, FieldValue, Message, Publish, QueueDecl,
};

const XDEATH_KEYS: [&str; 6] = [
    "queue",
    "reason",
    "count",
    "exchange",
    "routing-keys",
    "original-expiration",
];

#[derive(Debug)]
struct Conn {
    id: ConnectionId,
    publish: Option<ChannelId>,
    mgmt: Option<ChannelId>,
}

#[derive(Debug)]
struct Actor {
    name: String,
    conn: String,
    ch: Option<ChannelId>,
    /// (tag, body) of every delivery on the current channel, auto-acked ones included.
    deliveries: Vec<(DeliveryTag, String)>,
    /// Not yet settled by this runner.
    outstanding: Vec<(DeliveryTag, String)>,
    consuming: bool,
    ctag: Option<String>,
    nsub: u32,
    auto_ack: bool,
}

impl Actor {
    fn reset(&mut self) {
        self.ch = None;
        self.deliveries.clear();
        self.outstanding.clear();
        self.consuming = false;
        self.ctag = None;
    }

    fn find(&self, body: &str) -> Option<DeliveryTag> {
        self.deliveries
            .iter()
            .rev()
            .find(|(_, b)| b == body)
            .map(|(t, _)| *t)
    }

    fn settled(&mut self, tag: DeliveryTag, multiple: bool) {
        self.outstanding
            .retain(|(t, _)| !(*t == tag || (multiple && *t <= tag)));
    }
}

fn json_value(v: &FieldValue) -> Value {
    match v {
        FieldValue::Void => Value::Null,
        FieldValue::Bool(b) => Value::Bool(*b),
        FieldValue::Int(i) => json!(i),
        FieldValue::Str(s) => Value::String(s.clone()),
        FieldValue::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), json_value(v))).collect())
        }
        FieldValue::Array(a) => Value::Array(a.iter().map(json_value).collect()),
    }
}

fn headers_json(headers: Option<&FieldTable>) -> Value {
    let mut out = Map::new();
    for (k, v) in headers.into_iter().flatten() {
        let value = match (k.as_str(), v) {
            ("x-death", FieldValue::Array(items)) => Value::Array(
                items
                    .iter()
                    .map(|e| match e {
                        FieldValue::Table(t) => Value::Object(
                            XDEATH_KEYS
                                .iter()
                                .filter_map(|key| {
                                    t.get(*key).map(|x| ((*key).to_owned(), json_value(x)))
                                })
                                .collect(),
                        ),
                        other => json_value(other),
                    })
                    .collect(),
            ),
            _ => json_value(v),
        };
        out.insert(k.clone(), value);
    }
    Value::Object(out)
}

fn body_text(m: &Message) -> String {
    String::from_utf8_lossy(&m.body).into_owned()
}

/// The message record `M` of FORMAT.md §2.
fn message_record(m: &Message, redelivered: bool) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("body".into(), Value::String(body_text(m)));
    r.insert("redelivered".into(), Value::Bool(redelivered));
    r.insert("exchange".into(), Value::String(m.exchange.to_string()));
    r.insert(
        "routing_key".into(),
        Value::String(m.routing_key().to_owned()),
    );
    r.insert(
        "headers".into(),
        headers_json(m.properties.headers.as_ref()),
    );
    r.insert(
        "priority".into(),
        m.properties.priority.map_or(Value::Null, |p| json!(p)),
    );
    r.insert(
        "expiration".into(),
        m.properties
            .expiration
            .clone()
            .map_or(Value::Null, Value::String),
    );
    r
}

fn with_prefix(prefix: Vec<(&str, Value)>, rest: Map<String, Value>) -> Value {
    let mut m: Map<String, Value> = prefix.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    m.extend(rest);
    Value::Object(m)
}

/// The runner of one case.
pub struct Runner {
    broker: Broker,
    now: u64,
    step: i64,
    conns: BTreeMap<String, Conn>,
    actors: Vec<Actor>,
    /// Known existing queues → owner connection name (exclusive) or None.
    queues: BTreeMap<String, Option<String>>,
    deliveries: Vec<Value>,
    gets: Vec<Value>,
    returned: Vec<Value>,
    nacked: Vec<Value>,
    errors: Vec<Value>,
    cancelled: Vec<Value>,
    checks: Vec<Value>,
    final_queues: Map<String, Value>,
    /// Body of the publish in progress (for returns and nacks).
    publishing: Option<String>,
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

impl Runner {
    /// A runner with a fresh broker.
    pub fn new() -> Runner {
        let mut broker = Broker::new();
        broker.set_narration(false);
        Runner {
            broker,
            now: 0,
            step: -1,
            conns: BTreeMap::new(),
            actors: Vec::new(),
            queues: BTreeMap::new(),
            deliveries: Vec::new(),
            gets: Vec::new(),
            returned: Vec::new(),
            nacked: Vec::new(),
            errors: Vec::new(),
            cancelled: Vec::new(),
            checks: Vec::new(),
            final_queues: Map::new(),
            publishing: None,
        }
    }

    /// Runs the whole case and returns its outcome JSON.
    pub fn run(mut self, case: &Case) -> Value {
        self.step = -1;
        for e in &case.definitions.exchanges {
            self.declare_exchange(e);
        }
        for q in &case.definitions.queues {
            self.declare_queue(q, "main");
        }
        for b in &case.definitions.bindings {
            self.bind(b, false, "main");
        }
        self.settle();
        for (i, s) in case.steps.iter().enumerate() {
            self.step = i64::try_from(i).unwrap_or(i64::MAX);
            self.run_step(s);
            self.settle();
        }
        self.step = i64::try_from(case.steps.len()).unwrap_or(i64::MAX);
        self.finish();
        self.outcome()
    }

    // ---- plumbing ---------------------------------------------------------------------

    fn err(&mut self, code: u16, text: &str) {
        self.errors
            .push(json!({"step": self.step, "code": code, "text": text}));
    }

    fn skipped(&mut self) {
        self.err(0, "SKIPPED");
    }

    fn conn(&mut self, name: &str) -> ConnectionId {
        if let Some(c) = self.conns.get(name) {
            return c.id;
        }
        let id = self.broker.open_connection("guest");
        self.conns.insert(
            name.to_owned(),
            Conn {
                id,
                publish: None,
                mgmt: None,
            },
        );
        id
    }

    fn open_channel(&mut self, conn: &str) -> Option<ChannelId> {
        let id = self.conn(conn);
        self.broker.open_channel(id).ok()
    }

    fn mgmt(&mut self, conn: &str) -> Option<ChannelId> {
        self.conn(conn);
        if let Some(ch) = self.conns.get(conn).and_then(|c| c.mgmt) {
            return Some(ch);
        }
        let ch = self.open_channel(conn)?;
        if let Some(c) = self.conns.get_mut(conn) {
            c.mgmt = Some(ch);
        }
        Some(ch)
    }

    fn publish_channel(&mut self, conn: &str) -> Option<ChannelId> {
        self.conn(conn);
        if let Some(ch) = self.conns.get(conn).and_then(|c| c.publish) {
            return Some(ch);
        }
        let ch = self.open_channel(conn)?;
        self.broker.confirm_select(ch).ok()?;
        if let Some(c) = self.conns.get_mut(conn) {
            c.publish = Some(ch);
        }
        Some(ch)
    }

    /// Forgets a connection the broker closed or the case closed: its actors lose their
    /// channels, its exclusive queues are gone.
    fn forget_conn(&mut self, name: &str) {
        if let Some(c) = self.conns.remove(name) {
            let now = self.now;
            self.broker.close_connection(c.id, now);
        }
        for a in &mut self.actors {
            if a.conn == name {
                a.reset();
            }
        }
        self.queues
            .retain(|_, owner| owner.as_deref() != Some(name));
        self.pump();
    }

    /// Records a failed method: a channel error closes `on_channel_close`'s channel; a
    /// connection error the whole connection.
    fn failed(&mut self, conn: &str, e: &BrokerError, on_channel_close: impl FnOnce(&mut Runner)) {
        self.err(e.reply_code(), e.reply_text());
        if e.is_connection_error() {
            self.forget_conn(conn);
        } else {
            on_channel_close(self);
        }
    }

    fn drop_mgmt(&mut self, conn: &str) {
        if let Some(c) = self.conns.get_mut(conn) {
            c.mgmt = None;
        }
    }

    fn actor_index(&self, name: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.name == name)
    }

    fn actor_by_channel(&self, ch: ChannelId) -> Option<usize> {
        self.actors.iter().position(|a| a.ch == Some(ch))
    }

    /// The actor's channel, (re)opened on `conn` if it is not open.
    fn actor(&mut self, name: &str, conn: &str) -> Option<usize> {
        let i = match self.actor_index(name) {
            Some(i) => i,
            None => {
                self.actors.push(Actor {
                    name: name.to_owned(),
                    conn: conn.to_owned(),
                    ch: None,
                    deliveries: Vec::new(),
                    outstanding: Vec::new(),
                    consuming: false,
                    ctag: None,
                    nsub: 0,
                    auto_ack: false,
                });
                self.actors.len() - 1
            }
        };
        if self.actors[i].ch.is_none() {
            self.actors[i].reset();
            self.actors[i].conn = conn.to_owned();
            let ch = self.open_channel(conn)?;
            self.actors[i].ch = Some(ch);
        }
        Some(i)
    }

    fn reset_actor(&mut self, i: usize) {
        if let Some(a) = self.actors.get_mut(i) {
            a.reset();
        }
    }

    /// Drains broker events into the outcome (deliveries, returns, nacks, server cancels).
    fn pump(&mut self) {
        while let Some(ev) = self.broker.poll_event() {
            match ev {
                BrokerEvent::Delivered {
                    channel,
                    delivery_tag,
                    redelivered,
                    message,
                    ..
                } => {
                    let Some(i) = self.actor_by_channel(channel) else {
                        continue;
                    };
                    let body = body_text(&message);
                    let a = &mut self.actors[i];
                    let rec = with_prefix(
                        vec![("step", json!(self.step)), ("consumer", json!(a.name))],
                        message_record(&message, redelivered),
                    );
                    a.deliveries.push((delivery_tag, body.clone()));
                    if !a.auto_ack {
                        a.outstanding.push((delivery_tag, body));
                    }
                    self.deliveries.push(rec);
                }
                BrokerEvent::Returned {
                    reply_code,
                    reply_text,
                    message,
                    ..
                } => {
                    self.returned.push(json!({
                        "step": self.step,
                        "body": body_text(&message),
                        "reply_code": reply_code,
                        "reply_text": reply_text,
                        "exchange": &*message.exchange,
                        "routing_key": message.routing_key(),
                    }));
                }
                BrokerEvent::PublisherNack { .. } => {
                    let body = self.publishing.clone().unwrap_or_default();
                    self.nacked.push(json!({"step": self.step, "body": body}));
                }
                BrokerEvent::ConsumerCancelled {
                    channel,
                    consumer_tag,
                    ..
                } => {
                    let Some(i) = self.actor_by_channel(channel) else {
                        continue;
                    };
                    let a = &mut self.actors[i];
                    if a.ctag.as_deref() == Some(consumer_tag.as_str()) {
                        a.consuming = false;
                        self.cancelled
                            .push(json!({"step": self.step, "consumer": a.name}));
                    }
                }
                _ => {}
            }
        }
    }

    /// After a step: everything it caused has happened; forget queues that vanished.
    fn settle(&mut self) {
        self.pump();
        let broker = &self.broker;
        self.queues
            .retain(|name, _| broker.queue_by_name(name).is_some());
    }

    // ---- operations -------------------------------------------------------------------

    fn declare_exchange(&mut self, e: &ExchangeDef) {
        let Some(ch) = self.mgmt("main") else { return };
        let r = self.broker.exchange_declare_typed(
            ch,
            &e.name,
            &e.kind,
            e.durable,
            e.auto_delete,
            e.internal,
            e.arguments.clone(),
        );
        if let Err(e) = r {
            self.failed("main", &e, |r| r.drop_mgmt("main"));
        }
    }

    fn declare_queue(&mut self, q: &QueueDef, conn: &str) {
        let Some(ch) = self.mgmt(conn) else { return };
        let decl = QueueDecl {
            name: q.name.clone(),
            durable: q.durable,
            exclusive: q.exclusive,
            auto_delete: q.auto_delete,
            arguments: q.arguments.clone(),
        };
        match self.broker.queue_declare(ch, &decl, false, self.now) {
            Ok(_) => {
                if !self.queues.contains_key(&q.name) {
                    let owner = q.exclusive.then(|| conn.to_owned());
                    self.queues.insert(q.name.clone(), owner);
                }
            }
            Err(e) => self.failed(conn, &e, |r| r.drop_mgmt(conn)),
        }
    }

    fn bind(&mut self, b: &BindingDef, unbind: bool, conn: &str) {
        let Some(ch) = self.mgmt(conn) else { return };
        let decl = BindingDecl {
            source: b.source.clone(),
            destination: if b.to_exchange {
                BindingDestination::Exchange(b.destination.clone())
            } else {
                BindingDestination::Queue(b.destination.clone())
            },
            binding_key: b.routing_key.clone(),
            arguments: b.arguments.clone(),
        };
        let r = if unbind {
            self.broker.unbind(ch, &decl)
        } else {
            self.broker.bind(ch, &decl)
        };
        if let Err(e) = r {
            self.failed(conn, &e, |r| r.drop_mgmt(conn));
        }
    }

    fn run_step(&mut self, s: &Step) {
        match s {
            Step::Publish {
                exchange,
                routing_key,
                body,
                mandatory,
                properties,
                conn,
            } => {
                let Some(ch) = self.publish_channel(conn) else {
                    return;
                };
                self.publishing = Some(body.clone());
                let p = Publish {
                    exchange,
                    routing_key,
                    mandatory: *mandatory,
                    properties: (**properties).clone(),
                    body: Arc::from(body.as_bytes()),
                };
                let r = self.broker.basic_publish(ch, p, self.now);
                self.pump();
                self.publishing = None;
                if let Err(e) = r {
                    self.failed(conn, &e, |r| {
                        if let Some(c) = r.conns.get_mut(conn) {
                            c.publish = None;
                        }
                    });
                }
            }
            Step::Consume {
                queue,
                consumer,
                prefetch,
                auto_ack,
                exclusive,
                arguments,
                conn,
            } => {
                if let Some(i) = self.actor_index(consumer)
                    && self.actors[i].ch.is_some()
                    && self.actors[i].consuming
                {
                    return self.skipped();
                }
                let Some(i) = self.actor(consumer, conn) else {
                    return;
                };
                let a = &mut self.actors[i];
                a.auto_ack = *auto_ack;
                a.nsub += 1;
                let tag = format!("{}#{}", a.name, a.nsub);
                let (Some(ch), aconn) = (a.ch, a.conn.clone()) else {
                    return;
                };
                let r = self.broker.basic_qos(ch, *prefetch, false).and_then(|()| {
                    self.broker
                        .basic_consume(ch, queue, &tag, *auto_ack, *exclusive, arguments, self.now)
                });
                match r {
                    Ok(_) => {
                        let a = &mut self.actors[i];
                        a.consuming = true;
                        a.ctag = Some(tag);
                        self.pump();
                    }
                    Err(e) => self.failed(&aconn, &e, |r| r.reset_actor(i)),
                }
            }
            Step::Get {
                queue,
                actor,
                auto_ack,
                conn,
            } => {
                let Some(i) = self.actor(actor, conn) else {
                    return;
                };
                let (Some(ch), aconn) = (self.actors[i].ch, self.actors[i].conn.clone()) else {
                    return;
                };
                match self.broker.basic_get(ch, queue, *auto_ack, self.now) {
                    Ok(None) => {
                        self.gets.push(json!({"step": self.step, "as": actor, "queue": queue, "body": null, "message_count": 0}));
                    }
                    Ok(Some(g)) => {
                        let body = body_text(&g.message);
                        let mut rec = message_record(&g.message, g.redelivered);
                        rec.insert("message_count".into(), json!(g.message_count));
                        self.gets.push(with_prefix(
                            vec![
                                ("step", json!(self.step)),
                                ("as", json!(actor)),
                                ("queue", json!(queue)),
                            ],
                            rec,
                        ));
                        let a = &mut self.actors[i];
                        a.deliveries.push((g.delivery_tag, body.clone()));
                        if !auto_ack {
                            a.outstanding.push((g.delivery_tag, body));
                        }
                    }
                    Err(e) => self.failed(&aconn, &e, |r| r.reset_actor(i)),
                }
                self.pump();
            }
            Step::Settle {
                kind,
                consumer,
                target,
                multiple,
                requeue,
            } => {
                self.settle_op(*kind, consumer, target, *multiple, *requeue);
            }
            Step::Cancel { consumer } => {
                let Some(i) = self.actor_index(consumer) else {
                    return self.skipped();
                };
                let a = &self.actors[i];
                let (Some(ch), true, Some(tag)) = (a.ch, a.consuming, a.ctag.clone()) else {
                    return self.skipped();
                };
                let aconn = a.conn.clone();
                match self.broker.basic_cancel(ch, &tag, self.now) {
                    Ok(()) => self.actors[i].consuming = false,
                    Err(e) => self.failed(&aconn, &e, |r| r.reset_actor(i)),
                }
                self.pump();
            }
            Step::CloseChannel { consumer } => {
                let Some(i) = self.actor_index(consumer) else {
                    return self.skipped();
                };
                let Some(ch) = self.actors[i].ch else {
                    return self.skipped();
                };
                self.broker.close_channel(ch, self.now);
                self.actors[i].reset();
                self.pump();
            }
            Step::CloseConnection { conn } => {
                if !self.conns.contains_key(conn) {
                    return self.skipped();
                }
                self.forget_conn(conn);
            }
            Step::DeclareQueue { queue, conn } => self.declare_queue(queue, conn),
            Step::DeclareExchange(e) => self.declare_exchange(e),
            Step::DeleteExchange { name, if_unused } => {
                let Some(ch) = self.mgmt("main") else { return };
                if let Err(e) = self.broker.exchange_delete(ch, name, *if_unused) {
                    self.failed("main", &e, |r| r.drop_mgmt("main"));
                }
            }
            Step::Bind {
                binding,
                unbind,
                conn,
            } => self.bind(binding, *unbind, conn),
            Step::DeleteQueue {
                name,
                if_unused,
                if_empty,
                conn,
            } => {
                let Some(ch) = self.mgmt(conn) else { return };
                match self
                    .broker
                    .queue_delete(ch, name, *if_unused, *if_empty, self.now)
                {
                    Ok(_) => {
                        self.queues.remove(name);
                    }
                    Err(e) => self.failed(conn, &e, |r| r.drop_mgmt(conn)),
                }
                self.pump();
            }
            Step::Purge { name, conn } => {
                let Some(ch) = self.mgmt(conn) else { return };
                if let Err(e) = self.broker.queue_purge(ch, name, self.now) {
                    self.failed(conn, &e, |r| r.drop_mgmt(conn));
                }
            }
            Step::CheckQueue { name, conn } => {
                let Some(ch) = self.mgmt(conn) else { return };
                let decl = QueueDecl {
                    name: name.clone(),
                    durable: false,
                    exclusive: false,
                    auto_delete: false,
                    arguments: FieldTable::new(),
                };
                match self.broker.queue_declare(ch, &decl, true, self.now) {
                    Ok(ok) => self.checks.push(json!({
                        "step": self.step,
                        "queue": name,
                        "messages": ok.message_count,
                        "consumers": ok.consumer_count,
                    })),
                    Err(e) => self.failed(conn, &e, |r| r.drop_mgmt(conn)),
                }
            }
            Step::Wait { ms } => {
                self.now = self.now.saturating_add(*ms);
                self.broker.advance(self.now);
            }
        }
    }

    fn settle_op(
        &mut self,
        kind: SettleKind,
        consumer: &str,
        target: &DeliveryRef,
        multiple: bool,
        requeue: bool,
    ) {
        let i = if consumer == "*" {
            match self
                .actors
                .iter()
                .position(|a| a.ch.is_some() && !a.outstanding.is_empty())
            {
                Some(i) => i,
                None => return self.skipped(),
            }
        } else {
            match self.actor_index(consumer) {
                Some(i) if self.actors[i].ch.is_some() => i,
                _ => return self.skipped(),
            }
        };
        let a = &self.actors[i];
        let tag = match target {
            DeliveryRef::Body(b) => match a.find(b) {
                Some(t) => t,
                None => return self.skipped(),
            },
            DeliveryRef::First => match a.outstanding.first() {
                Some((t, _)) => *t,
                None => return self.skipped(),
            },
            DeliveryRef::Last => match a.outstanding.last() {
                Some((t, _)) => *t,
                None => return self.skipped(),
            },
        };
        let multiple = multiple && kind != SettleKind::Reject;
        let (Some(ch), aconn) = (a.ch, a.conn.clone()) else {
            return;
        };
        self.actors[i].settled(tag, multiple);
        let now = self.now;
        let r = match kind {
            SettleKind::Ack => self.broker.basic_ack(ch, tag, multiple, now),
            SettleKind::Nack => self.broker.basic_nack(ch, tag, multiple, requeue, now),
            SettleKind::Reject => self.broker.basic_reject(ch, tag, requeue, now),
        };
        if let Err(e) = r {
            self.failed(&aconn, &e, |r| r.reset_actor(i));
        }
        self.pump();
    }

    /// FORMAT.md §2 final contents: cancel consumers, close actor channels (requeueing), then
    /// read every known queue with basic.get (auto-ack) until empty, in name order.
    fn finish(&mut self) {
        self.pump();
        for i in 0..self.actors.len() {
            let a = &self.actors[i];
            if let (Some(ch), true, Some(tag)) = (a.ch, a.consuming, a.ctag.clone()) {
                let _ = self.broker.basic_cancel(ch, &tag, self.now);
                self.actors[i].consuming = false;
            }
        }
        self.pump();
        for i in 0..self.actors.len() {
            if let Some(ch) = self.actors[i].ch {
                self.broker.close_channel(ch, self.now);
            }
            self.actors[i].reset();
        }
        self.settle();
        let names: Vec<(String, Option<String>)> = self
            .queues
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (q, owner) in names {
            let conn = owner.clone().unwrap_or_else(|| "main".to_owned());
            if owner.is_some() && !self.conns.contains_key(&conn) {
                continue;
            }
            let Some(ch) = self.open_channel(&conn) else {
                continue;
            };
            let mut msgs = Vec::new();
            let mut ok = true;
            loop {
                match self.broker.basic_get(ch, &q, true, self.now) {
                    Ok(Some(g)) => {
                        msgs.push(Value::Object(message_record(&g.message, g.redelivered)))
                    }
                    Ok(None) => break,
                    Err(_) => {
                        ok = false;
                        break;
                    }
                }
            }
            self.pump();
            if ok {
                self.broker.close_channel(ch, self.now);
                self.final_queues.insert(q, Value::Array(msgs));
            }
        }
        self.pump();
    }

    fn outcome(mut self) -> Value {
        let key = |v: &Value| {
            (
                v.get("step").and_then(Value::as_i64).unwrap_or(0),
                v.get("consumer")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            )
        };
        self.deliveries.sort_by_key(key);
        self.cancelled.sort_by_key(key);
        json!({
            "deliveries": self.deliveries,
            "gets": self.gets,
            "returned": self.returned,
            "nacked": self.nacked,
            "errors": self.errors,
            "cancelled": self.cancelled,
            "checks": self.checks,
            "queues": self.final_queues,
        })
    }
}
