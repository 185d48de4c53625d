//! Broker-level unit tests: dispatch, prefetch, requeue order, overflow modes, TTL, dead-letter
//! chains and cycles, driven through the public AMQP methods.

use std::sync::Arc;

use super::*;

struct World {
    b: Broker,
    ch: ChannelId,
}

fn decl(name: &str, args: &[(&str, FieldValue)]) -> QueueDecl {
    QueueDecl {
        name: name.into(),
        durable: true,
        exclusive: false,
        auto_delete: false,
        arguments: args
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

fn int(i: i64) -> FieldValue {
    FieldValue::Int(i)
}

fn s(v: &str) -> FieldValue {
    FieldValue::Str(v.into())
}

impl World {
    fn new() -> World {
        let mut b = Broker::new();
        b.set_narration(false);
        let conn = b.open_connection("guest");
        let ch = b.open_channel(conn).unwrap_or(ChannelId(0));
        World { b, ch }
    }

    fn queue(&mut self, name: &str, args: &[(&str, FieldValue)]) {
        let r = self.b.queue_declare(self.ch, &decl(name, args), false, 0);
        assert!(r.is_ok(), "declare {name}: {r:?}");
    }

    fn publish_props(&mut self, key: &str, body: &str, properties: BasicProperties, now: u64) {
        let p = Publish {
            exchange: "",
            routing_key: key,
            mandatory: false,
            properties,
            body: Arc::from(body.as_bytes()),
        };
        let r = self.b.basic_publish(self.ch, p, now);
        assert!(r.is_ok(), "publish {body}: {r:?}");
    }

    fn publish(&mut self, key: &str, body: &str) {
        self.publish_props(key, body, BasicProperties::default(), self.b.now());
    }

    /// A consumer on its own channel.
    fn consume(&mut self, queue: &str, prefetch: u16, priority: Option<i64>) -> ChannelId {
        let conn = self
            .b
            .channel(self.ch)
            .map_or(ConnectionId(0), |c| c.connection);
        let ch = self.b.open_channel(conn).unwrap_or(ChannelId(0));
        assert!(self.b.basic_qos(ch, prefetch, false).is_ok());
        let mut args = FieldTable::new();
        if let Some(p) = priority {
            args.insert("x-priority".into(), int(p));
        }
        let r = self
            .b
            .basic_consume(ch, queue, "", false, false, &args, self.b.now());
        assert!(r.is_ok(), "consume: {r:?}");
        ch
    }

    /// Deliveries since the last call: (channel, body, tag, redelivered).
    fn deliveries(&mut self) -> Vec<(ChannelId, String, DeliveryTag, bool)> {
        self.b
            .drain_events()
            .filter_map(|e| match e {
                BrokerEvent::Delivered {
                    channel,
                    delivery_tag,
                    redelivered,
                    message,
                    ..
                } => Some((
                    channel,
                    String::from_utf8_lossy(&message.body).into_owned(),
                    delivery_tag,
                    redelivered,
                )),
                _ => None,
            })
            .collect()
    }

    fn contents(&self, queue: &str) -> Vec<String> {
        self.b
            .queue_by_name(queue)
            .map(|q| {
                q.ready()
                    .map(|e| String::from_utf8_lossy(&e.message.body).into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn bodies(d: &[(ChannelId, String, DeliveryTag, bool)], ch: ChannelId) -> Vec<String> {
    d.iter()
        .filter(|x| x.0 == ch)
        .map(|x| x.1.clone())
        .collect()
}

#[test]
fn round_robin_in_subscription_order() {
    let mut w = World::new();
    w.queue("q", &[]);
    let c: Vec<ChannelId> = (0..3).map(|_| w.consume("q", 0, None)).collect();
    for i in 1..=6 {
        w.publish("q", &format!("m{i}"));
    }
    let d = w.deliveries();
    assert_eq!(bodies(&d, c[0]), ["m1", "m4"]);
    assert_eq!(bodies(&d, c[1]), ["m2", "m5"]);
    assert_eq!(bodies(&d, c[2]), ["m3", "m6"]);
}

#[test]
fn prefetch_limit_skips_consumer_and_ack_releases_it() {
    let mut w = World::new();
    w.queue("q", &[]);
    let a = w.consume("q", 1, None);
    let b = w.consume("q", 2, None);
    for i in 1..=5 {
        w.publish("q", &format!("m{i}"));
    }
    let d = w.deliveries();
    assert_eq!(bodies(&d, a), ["m1"]);
    assert_eq!(bodies(&d, b), ["m2", "m3"]);
    assert_eq!(w.contents("q"), ["m4", "m5"]);
    // acking a's delivery releases exactly one more message to a
    let tag = d.iter().find(|x| x.0 == a).map_or(DeliveryTag(0), |x| x.2);
    assert!(w.b.basic_ack(a, tag, false, 0).is_ok());
    let d = w.deliveries();
    assert_eq!(bodies(&d, a), ["m4"]);
    assert!(bodies(&d, b).is_empty());
}

#[test]
fn consumer_priority_wins_until_blocked() {
    let mut w = World::new();
    w.queue("q", &[]);
    let low = w.consume("q", 0, None);
    let high = w.consume("q", 2, Some(5));
    for i in 1..=4 {
        w.publish("q", &format!("m{i}"));
    }
    let d = w.deliveries();
    assert_eq!(bodies(&d, high), ["m1", "m2"]);
    assert_eq!(bodies(&d, low), ["m3", "m4"]);
}

#[test]
fn nack_requeue_restores_original_position_redelivered() {
    let mut w = World::new();
    w.queue("q", &[]);
    for i in 1..=5 {
        w.publish("q", &format!("m{i}"));
    }
    let tags: Vec<DeliveryTag> = (0..3)
        .filter_map(|_| {
            w.b.basic_get(w.ch, "q", false, 0)
                .ok()
                .flatten()
                .map(|g| g.delivery_tag)
        })
        .collect();
    assert_eq!(tags.len(), 3);
    assert!(w.b.basic_nack(w.ch, tags[1], false, true, 0).is_ok());
    assert!(w.b.basic_nack(w.ch, tags[2], true, true, 0).is_ok());
    assert_eq!(w.contents("q"), ["m1", "m2", "m3", "m4", "m5"]);
    let q =
        w.b.queue_by_name("q")
            .map(|q| q.ready().map(|e| e.redelivered).collect::<Vec<_>>());
    assert_eq!(q, Some(vec![true, true, true, false, false]));
}

#[test]
fn unknown_or_repeated_tag_closes_channel_and_requeues() {
    let mut w = World::new();
    w.queue("q", &[]);
    w.publish("q", "m1");
    w.publish("q", "m2");
    let g1 =
        w.b.basic_get(w.ch, "q", false, 0)
            .ok()
            .flatten()
            .map(|g| g.delivery_tag);
    let g2 =
        w.b.basic_get(w.ch, "q", false, 0)
            .ok()
            .flatten()
            .map(|g| g.delivery_tag);
    let (Some(g1), Some(_)) = (g1, g2) else {
        panic!("gets failed")
    };
    assert!(w.b.basic_ack(w.ch, g1, false, 0).is_ok());
    let e = w.b.basic_ack(w.ch, g1, false, 0);
    assert_eq!(e.map_err(|e| e.reply_code()), Err(406));
    assert!(w.b.channel(w.ch).is_none());
    assert_eq!(w.contents("q"), ["m2"]);
}

#[test]
fn cancel_keeps_unacked_until_channel_close() {
    let mut w = World::new();
    w.queue("q", &[]);
    let c = w.consume("q", 0, None);
    w.publish("q", "m1");
    let tag =
        w.b.channel(c)
            .and_then(|ch| ch.consumers.keys().next().cloned());
    let Some(tag) = tag else {
        panic!("no consumer")
    };
    assert!(w.b.basic_cancel(c, tag.as_str(), 0).is_ok());
    assert!(w.contents("q").is_empty());
    assert_eq!(w.b.channel(c).map(Channel::unacked_len), Some(1));
    w.b.close_channel(c, 0);
    assert_eq!(w.contents("q"), ["m1"]);
}

#[test]
fn overflow_modes() {
    let mut w = World::new();
    w.queue("dlq", &[]);
    w.queue(
        "drop",
        &[
            ("x-max-length", int(2)),
            ("x-dead-letter-exchange", s("")),
            ("x-dead-letter-routing-key", s("dlq")),
        ],
    );
    w.queue(
        "reject",
        &[
            ("x-max-length", int(2)),
            ("x-overflow", s("reject-publish")),
        ],
    );
    for i in 1..=4 {
        w.publish("drop", &format!("d{i}"));
        w.publish("reject", &format!("r{i}"));
    }
    assert_eq!(w.contents("drop"), ["d3", "d4"]);
    assert_eq!(w.contents("dlq"), ["d1", "d2"]);
    assert_eq!(w.contents("reject"), ["r1", "r2"]);
    let nacks =
        w.b.drain_events()
            .filter(|e| matches!(e, BrokerEvent::PublisherNack { .. }))
            .count();
    assert_eq!(nacks, 0, "no confirms without confirm.select");
    assert!(w.b.confirm_select(w.ch).is_ok());
    w.publish("reject", "r5");
    let nacks =
        w.b.drain_events()
            .filter(|e| matches!(e, BrokerEvent::PublisherNack { .. }))
            .count();
    assert_eq!(nacks, 1);
}

#[test]
fn ttl_expires_at_exact_time_and_only_at_head() {
    let mut w = World::new();
    w.queue("dlq", &[]);
    w.queue(
        "q",
        &[
            ("x-dead-letter-exchange", s("")),
            ("x-dead-letter-routing-key", s("dlq")),
        ],
    );
    let exp = |ms: &str| BasicProperties {
        expiration: Some(ms.into()),
        ..BasicProperties::default()
    };
    w.publish_props("q", "long", exp("1000"), 0);
    w.publish_props("q", "short", exp("100"), 0);
    assert_eq!(w.b.next_expiry(), Some(1000));
    w.b.advance(999);
    assert_eq!(w.contents("q"), ["long", "short"]);
    w.b.advance(1000);
    // the short one was behind; it expires as soon as it reaches the head
    assert!(w.contents("q").is_empty());
    assert_eq!(w.contents("dlq"), ["long", "short"]);
    assert_eq!(w.b.next_expiry(), None);
}

#[test]
fn queue_and_message_ttl_smaller_wins_and_requeue_keeps_expiry() {
    let mut w = World::new();
    w.queue("q", &[("x-message-ttl", int(500))]);
    w.publish_props(
        "q",
        "m",
        BasicProperties {
            expiration: Some("200".into()),
            ..BasicProperties::default()
        },
        0,
    );
    assert_eq!(w.b.next_expiry(), Some(200));
    let g = w.b.basic_get(w.ch, "q", false, 100).ok().flatten();
    assert!(g.is_some());
    w.b.advance(300);
    // requeued after its expiry: expired at once
    w.b.close_channel(w.ch, 300);
    assert!(w.contents("q").is_empty());
}

#[test]
fn expiry_dead_letter_cycle_is_dropped_but_rejection_cycles() {
    let mut w = World::new();
    w.queue(
        "self",
        &[
            ("x-message-ttl", int(100)),
            ("x-dead-letter-exchange", s("")),
        ],
    );
    w.publish("self", "m");
    w.b.advance(1000);
    assert!(w.contents("self").is_empty());
    w.queue("rq", &[("x-dead-letter-exchange", s(""))]);
    w.publish("rq", "r");
    for round in 1..=3 {
        let g = w.b.basic_get(w.ch, "rq", false, 1000).ok().flatten();
        let Some(g) = g else {
            panic!("round {round}: empty")
        };
        let count = match g.message.properties.header("x-death") {
            Some(FieldValue::Array(items)) => match items.first() {
                Some(FieldValue::Table(t)) => t.get("count").and_then(FieldValue::as_int),
                _ => None,
            },
            _ => None,
        };
        assert_eq!(count, if round == 1 { None } else { Some(round - 1) });
        assert!(w.b.basic_reject(w.ch, g.delivery_tag, false, 1000).is_ok());
    }
    assert_eq!(w.contents("rq"), ["r"]);
}

#[test]
fn delete_queue_cancels_consumers_and_auto_delete_goes_with_last_consumer() {
    let mut w = World::new();
    w.queue("q", &[]);
    let c = w.consume("q", 0, None);
    assert_eq!(w.b.queue_delete(w.ch, "q", false, false, 0), Ok(0));
    let cancels =
        w.b.drain_events()
            .filter(|e| matches!(e, BrokerEvent::ConsumerCancelled { .. }))
            .count();
    assert_eq!(cancels, 1);
    assert!(w.b.channel(c).is_some_and(|ch| ch.consumers.is_empty()));
    let mut d = decl("ad", &[]);
    d.auto_delete = true;
    assert!(w.b.queue_declare(w.ch, &d, false, 0).is_ok());
    let c = w.consume("ad", 0, None);
    w.b.close_channel(c, 0);
    assert!(w.b.queue_by_name("ad").is_none());
}

#[test]
fn exclusive_queue_is_locked_to_its_connection() {
    let mut w = World::new();
    let mut d = decl("ex", &[]);
    d.exclusive = true;
    assert!(w.b.queue_declare(w.ch, &d, false, 0).is_ok());
    let other = w.b.open_connection("guest");
    let och = w.b.open_channel(other).unwrap_or(ChannelId(0));
    let r = w.b.basic_get(och, "ex", false, 0);
    assert_eq!(r.map(|_| ()).map_err(|e| e.reply_code()), Err(405));
    let conn = w.b.channel(w.ch).map_or(ConnectionId(0), |c| c.connection);
    w.b.close_connection(conn, 0);
    assert!(w.b.queue_by_name("ex").is_none());
}
