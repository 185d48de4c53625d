//! Property tests and fuzzing of the broker model and the case parser:
//! - message conservation: every copy offered to a queue is, at every moment, ready, unacked,
//!   acked, dropped or dead-lettered — exactly one of them;
//! - a consumer never holds more unacked deliveries than its prefetch;
//! - random command sequences (valid or not) never panic;
//! - arbitrary bytes, and random well-formed cases, never panic the case parser and runner.

use std::sync::Arc;

use proptest::prelude::*;
use warren::broker::{
    BasicProperties, BindingDecl, BindingDestination, Broker, BrokerEvent, ChannelId, DeliveryTag,
    FieldTable, FieldValue, Publish, QueueDecl,
};
use warren::conform::{parse_case, run_case};

const QUEUES: [&str; 4] = ["q0", "q1", "q2", "dlq"];

#[derive(Debug, Clone)]
enum Cmd {
    Publish {
        queue: usize,
        ttl: Option<u16>,
        priority: Option<u8>,
        fanout: bool,
    },
    Consume {
        ch: usize,
        queue: usize,
        prefetch: u16,
        no_ack: bool,
    },
    Cancel {
        ch: usize,
    },
    Get {
        ch: usize,
        queue: usize,
        no_ack: bool,
    },
    Ack {
        ch: usize,
        tag: u8,
        multiple: bool,
    },
    Nack {
        ch: usize,
        tag: u8,
        multiple: bool,
        requeue: bool,
    },
    CloseChannel {
        ch: usize,
    },
    Purge {
        queue: usize,
    },
    Delete {
        queue: usize,
    },
    Advance {
        ms: u16,
    },
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        4 => (0..4usize, prop::option::of(0..300u16), prop::option::of(0..6u8), any::<bool>())
            .prop_map(|(queue, ttl, priority, fanout)| Cmd::Publish { queue, ttl, priority, fanout }),
        2 => (0..3usize, 0..4usize, 0..4u16, any::<bool>())
            .prop_map(|(ch, queue, prefetch, no_ack)| Cmd::Consume { ch, queue, prefetch, no_ack }),
        1 => (0..3usize).prop_map(|ch| Cmd::Cancel { ch }),
        2 => (0..3usize, 0..4usize, any::<bool>()).prop_map(|(ch, queue, no_ack)| Cmd::Get { ch, queue, no_ack }),
        3 => (0..3usize, 0..12u8, any::<bool>()).prop_map(|(ch, tag, multiple)| Cmd::Ack { ch, tag, multiple }),
        2 => (0..3usize, 0..12u8, any::<bool>(), any::<bool>())
            .prop_map(|(ch, tag, multiple, requeue)| Cmd::Nack { ch, tag, multiple, requeue }),
        1 => (0..3usize).prop_map(|ch| Cmd::CloseChannel { ch }),
        1 => (0..4usize).prop_map(|queue| Cmd::Purge { queue }),
        1 => (0..4usize).prop_map(|queue| Cmd::Delete { queue }),
        2 => (0..400u16).prop_map(|ms| Cmd::Advance { ms }),
    ]
}

fn args(pairs: &[(&str, FieldValue)]) -> FieldTable {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

struct Model {
    b: Broker,
    mgmt: ChannelId,
    conn: warren::broker::ConnectionId,
    chans: Vec<Option<ChannelId>>,
    now: u64,
    offered: u64,
    acked: u64,
    dropped: u64,
    dead_lettered: u64,
}

impl Model {
    fn new() -> Model {
        let mut b = Broker::new();
        let conn = b.open_connection("guest");
        let mgmt = b.open_channel(conn).unwrap_or(ChannelId(u32::MAX));
        let s = |v: &str| FieldValue::Str(v.into());
        let queue_args = [
            args(&[
                ("x-max-length", FieldValue::Int(3)),
                ("x-dead-letter-exchange", s("")),
                ("x-dead-letter-routing-key", s("dlq")),
            ]),
            args(&[
                ("x-message-ttl", FieldValue::Int(150)),
                ("x-dead-letter-exchange", s("")),
                ("x-dead-letter-routing-key", s("q2")),
                ("x-max-priority", FieldValue::Int(3)),
            ]),
            args(&[
                ("x-max-length", FieldValue::Int(2)),
                ("x-overflow", s("reject-publish-dlx")),
                ("x-dead-letter-exchange", s("")),
                ("x-dead-letter-routing-key", s("q0")),
            ]),
            args(&[
                ("x-message-ttl", FieldValue::Int(0)),
                ("x-dead-letter-exchange", s("")),
                ("x-dead-letter-routing-key", s("q1")),
            ]),
        ];
        let mut m = Model {
            b,
            mgmt,
            conn,
            chans: vec![None; 3],
            now: 0,
            offered: 0,
            acked: 0,
            dropped: 0,
            dead_lettered: 0,
        };
        for (name, a) in QUEUES.iter().zip(queue_args) {
            m.declare(name, a);
        }
        for q in ["q0", "q1", "q2"] {
            let bind = BindingDecl {
                source: "amq.fanout".into(),
                destination: BindingDestination::Queue(q.into()),
                binding_key: String::new(),
                arguments: FieldTable::new(),
            };
            let _ = m.b.bind(m.mgmt, &bind);
        }
        m
    }

    fn declare(&mut self, name: &str, arguments: FieldTable) {
        let d = QueueDecl {
            name: name.into(),
            durable: true,
            exclusive: false,
            auto_delete: false,
            arguments,
        };
        if self.b.channel(self.mgmt).is_none() {
            self.mgmt = self
                .b
                .open_channel(self.conn)
                .unwrap_or(ChannelId(u32::MAX));
        }
        let _ = self.b.queue_declare(self.mgmt, &d, false, self.now);
    }

    fn chan(&mut self, i: usize) -> ChannelId {
        match self.chans[i] {
            Some(c) if self.b.channel(c).is_some() => c,
            _ => {
                let c = self
                    .b
                    .open_channel(self.conn)
                    .unwrap_or(ChannelId(u32::MAX));
                self.chans[i] = Some(c);
                c
            }
        }
    }

    fn mgmt(&mut self) -> ChannelId {
        if self.b.channel(self.mgmt).is_none() {
            self.mgmt = self
                .b
                .open_channel(self.conn)
                .unwrap_or(ChannelId(u32::MAX));
        }
        self.mgmt
    }

    fn apply(&mut self, c: &Cmd) {
        let now = self.now;
        match *c {
            Cmd::Publish {
                queue,
                ttl,
                priority,
                fanout,
            } => {
                let properties = BasicProperties {
                    expiration: ttl.map(|t| t.to_string()),
                    priority,
                    ..BasicProperties::default()
                };
                let body: Arc<[u8]> = Arc::from(vec![b'x'; usize::from(priority.unwrap_or(1))]);
                let ch = self.mgmt();
                let p = Publish {
                    exchange: if fanout { "amq.fanout" } else { "" },
                    routing_key: QUEUES[queue],
                    mandatory: true,
                    properties,
                    body,
                };
                let _ = self.b.basic_publish(ch, p, now);
            }
            Cmd::Consume {
                ch,
                queue,
                prefetch,
                no_ack,
            } => {
                let c = self.chan(ch);
                let _ = self.b.basic_qos(c, prefetch, false);
                let _ = self.b.basic_consume(
                    c,
                    QUEUES[queue],
                    "",
                    no_ack,
                    false,
                    &FieldTable::new(),
                    now,
                );
            }
            Cmd::Cancel { ch } => {
                let c = self.chan(ch);
                let tag = self
                    .b
                    .channel(c)
                    .and_then(|x| x.consumers.keys().next().cloned());
                if let Some(tag) = tag {
                    let _ = self.b.basic_cancel(c, tag.as_str(), now);
                }
            }
            Cmd::Get { ch, queue, no_ack } => {
                let c = self.chan(ch);
                let _ = self.b.basic_get(c, QUEUES[queue], no_ack, now);
            }
            Cmd::Ack { ch, tag, multiple } => {
                let c = self.chan(ch);
                let _ = self
                    .b
                    .basic_ack(c, DeliveryTag(u64::from(tag)), multiple, now);
            }
            Cmd::Nack {
                ch,
                tag,
                multiple,
                requeue,
            } => {
                let c = self.chan(ch);
                let _ = self
                    .b
                    .basic_nack(c, DeliveryTag(u64::from(tag)), multiple, requeue, now);
            }
            Cmd::CloseChannel { ch } => {
                let c = self.chan(ch);
                self.b.close_channel(c, now);
            }
            Cmd::Purge { queue } => {
                let m = self.mgmt();
                let _ = self.b.queue_purge(m, QUEUES[queue], now);
            }
            Cmd::Delete { queue } => {
                let m = self.mgmt();
                let _ = self.b.queue_delete(m, QUEUES[queue], false, false, now);
            }
            Cmd::Advance { ms } => {
                self.now += u64::from(ms);
                self.b.advance(self.now);
            }
        }
        while let Some(e) = self.b.poll_event() {
            match e {
                BrokerEvent::Routed { queues, .. } => self.offered += queues.len() as u64,
                BrokerEvent::DeadLettered { queues, .. } => {
                    self.dead_lettered += 1;
                    self.offered += queues.len() as u64;
                }
                BrokerEvent::Acked { .. } => self.acked += 1,
                BrokerEvent::Dropped { .. } => self.dropped += 1,
                _ => {}
            }
        }
    }

    fn ready(&self) -> u64 {
        self.b.queues().map(|q| q.ready_len() as u64).sum()
    }

    fn unacked(&self) -> u64 {
        let mut chans: Vec<ChannelId> = self.chans.iter().flatten().copied().collect();
        chans.push(self.mgmt);
        chans.sort();
        chans.dedup();
        chans
            .iter()
            .filter_map(|c| self.b.channel(*c))
            .map(|c| c.unacked_len() as u64)
            .sum()
    }

    fn check_prefetch(&self) -> Result<(), String> {
        for c in self.chans.iter().flatten() {
            let Some(ch) = self.b.channel(*c) else {
                continue;
            };
            for cid in ch.consumers.values() {
                let Some(consumer) = self.b.consumer(*cid) else {
                    continue;
                };
                let held = ch.unacked().filter(|u| u.consumer == Some(*cid)).count();
                if held != consumer.unacked as usize {
                    return Err(format!(
                        "consumer {cid:?} counts {} unacked, channel holds {held}",
                        consumer.unacked
                    ));
                }
                if consumer.prefetch > 0 && held > usize::from(consumer.prefetch) {
                    return Err(format!(
                        "consumer {cid:?} holds {held} > prefetch {}",
                        consumer.prefetch
                    ));
                }
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn messages_are_conserved_and_prefetch_is_respected(cmds in prop::collection::vec(cmd(), 1..80)) {
        let mut m = Model::new();
        for (i, c) in cmds.iter().enumerate() {
            m.apply(c);
            let accounted = m.ready() + m.unacked() + m.acked + m.dropped + m.dead_lettered;
            prop_assert_eq!(m.offered, accounted, "after command {} {:?}", i, c);
            if let Err(e) = m.check_prefetch() {
                prop_assert!(false, "after command {} {:?}: {}", i, c, e);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_case_parser(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_case(&bytes);
    }

    #[test]
    fn json_shaped_noise_never_panics(text in r#"\{"steps": \[(\{"op": "(publish|get|ack|consume|wait|nack|cancel|purge)"(, "(queue|body|consumer|pick|ms|prefetch|as)": ("q"|"m1"|"first"|5|-1|true|null|\[\]|\{\}))*\},? ?){0,6}\]\}"#) {
        if let Ok(case) = parse_case(text.as_bytes()) {
            let _ = run_case(&case);
        }
    }
}

/// Random well-formed cases through the whole runner (structure-aware fuzzing of the model).
fn random_case() -> impl Strategy<Value = String> {
    let step = prop_oneof![
        (0..4usize, 0..3usize, any::<bool>(), prop::option::of(0..3u8)).prop_map(|(q, x, mandatory, ttl)| {
            let ex = ["", "fx", "nx"][x];
            let exp = match ttl { Some(0) => r#", "properties": {"expiration": "0"}"#, Some(1) => r#", "properties": {"expiration": "150", "priority": 3}"#, _ => "" };
            format!(r#"{{"op": "publish", "exchange": "{ex}", "routing_key": "{}", "body": "BODY", "mandatory": {mandatory}{exp}}}"#, QUEUES[q])
        }),
        (0..4usize, 0..3usize, 0..3u16, any::<bool>()).prop_map(|(q, c, p, a)| format!(r#"{{"op": "consume", "queue": "{}", "consumer": "c{c}", "prefetch": {p}, "auto_ack": {a}}}"#, QUEUES[q])),
        (0..4usize, 0..2usize, any::<bool>()).prop_map(|(q, g, a)| format!(r#"{{"op": "get", "queue": "{}", "as": "g{g}", "auto_ack": {a}}}"#, QUEUES[q])),
        (0..3usize, any::<bool>(), any::<bool>(), 0..3usize).prop_map(|(k, m, r, who)| {
            let op = ["ack", "nack", "reject"][k];
            let who = ["*", "c0", "g0"][who];
            format!(r#"{{"op": "{op}", "consumer": "{who}", "pick": "first", "multiple": {m}, "requeue": {r}}}"#)
        }),
        (0..3usize).prop_map(|c| format!(r#"{{"op": "cancel", "consumer": "c{c}"}}"#)),
        (0..3usize).prop_map(|c| format!(r#"{{"op": "close_channel", "consumer": "c{c}"}}"#)),
        (0..4usize).prop_map(|q| format!(r#"{{"op": "purge", "name": "{}"}}"#, QUEUES[q])),
        (0..4usize).prop_map(|q| format!(r#"{{"op": "delete_queue", "name": "{}", "if_empty": true}}"#, QUEUES[q])),
        (0..4usize).prop_map(|q| format!(r#"{{"op": "check_queue", "name": "{}"}}"#, QUEUES[q])),
        Just(r#"{"op": "close_connection", "conn": "main"}"#.to_owned()),
        (0..500u32).prop_map(|ms| format!(r#"{{"op": "wait", "ms": {ms}}}"#)),
    ];
    prop::collection::vec(step, 0..30).prop_map(|steps| {
        let steps: Vec<String> =
            steps.into_iter().enumerate().map(|(i, s)| s.replace("BODY", &format!("m{i}"))).collect();
        format!(
            r#"{{"definitions": {{"exchanges": [{{"name": "fx", "type": "fanout"}}],
               "queues": [{{"name": "q0", "arguments": {{"x-max-length": 2, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dlq"}}}},
                          {{"name": "q1", "arguments": {{"x-message-ttl": 100, "x-dead-letter-exchange": "", "x-max-priority": 5}}}},
                          {{"name": "q2", "auto_delete": true, "arguments": {{"x-overflow": "reject-publish", "x-max-length": 1}}}},
                          {{"name": "dlq"}}],
               "bindings": [{{"source": "fx", "destination": "q0"}}, {{"source": "fx", "destination": "q1"}}]}},
               "steps": [{}]}}"#,
            steps.join(", ")
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_cases_run_deterministically(text in random_case()) {
        let case = parse_case(text.as_bytes());
        prop_assert!(case.is_ok(), "{:?}", case);
        if let Ok(case) = case {
            let a = run_case(&case);
            let b = run_case(&case);
            prop_assert_eq!(a, b);
        }
    }
}
