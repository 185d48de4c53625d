//! Workload generators of `shared/perf/WORKLOADS.md`, shared by the `routing` and `dispatch`
//! benches (and the workload test): mulberry32, the W1–W4 bindings and key streams, the FNV-1a
//! digest that proves the data is identical, and the deliveries/checksum guard values.
#![allow(dead_code)]

/// mulberry32, exactly as WORKLOADS.md defines it.
#[derive(Debug, Clone)]
pub struct Mulberry32(u32);

impl Mulberry32 {
    pub fn new(seed: u32) -> Self {
        Mulberry32(seed)
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x6D2B_79F5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        t ^ (t >> 14)
    }

    /// `next() % n`.
    pub fn below(&mut self, n: u32) -> u32 {
        self.next_u32() % n
    }
}

/// One routing workload: bindings `(binding key, queue index)` on one exchange, and the publish
/// routing keys, generated before any timing.
#[derive(Debug, Clone)]
pub struct Workload {
    pub name: String,
    pub queues: usize,
    pub bindings: Vec<(String, u32)>,
    pub keys: Vec<String>,
}

/// W1 direct: queue i bound with key `"k"+i`; 1,000,000 keys `"k"+below(1000)`, seed 1.
pub fn w1() -> Workload {
    let mut rng = Mulberry32::new(1);
    Workload {
        name: "W1".into(),
        queues: 1000,
        bindings: (0..1000).map(|i| (format!("k{i}"), i)).collect(),
        keys: (0..1_000_000)
            .map(|_| format!("k{}", rng.below(1000)))
            .collect(),
    }
}

/// The first `b` distinct W2 topic patterns (seed 2, rejection of repeats).
pub fn w2_patterns(b: usize) -> Vec<String> {
    let mut rng = Mulberry32::new(2);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(b);
    while out.len() < b {
        let len = 3 + rng.below(3);
        let tokens: Vec<String> = (0..len)
            .map(|_| {
                let x = rng.below(100);
                if x < 10 {
                    "#".to_string()
                } else if x < 30 {
                    "*".to_string()
                } else {
                    format!("w{}", rng.below(16))
                }
            })
            .collect();
        let p = tokens.join(".");
        if seen.insert(p.clone()) {
            out.push(p);
        }
    }
    out
}

/// The W2 publish keys: 100,000 keys of 4 words `"w"+below(16)`, seed 102.
pub fn w2_keys() -> Vec<String> {
    let mut rng = Mulberry32::new(102);
    (0..100_000)
        .map(|_| {
            (0..4)
                .map(|_| format!("w{}", rng.below(16)))
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect()
}

/// W2(B) topic: binding i → queue `i % 1000`.
pub fn w2(b: usize) -> Workload {
    Workload {
        name: format!("W2-{b}"),
        queues: 1000,
        bindings: w2_patterns(b)
            .into_iter()
            .enumerate()
            .map(|(i, p)| (p, (i % 1000) as u32))
            .collect(),
        keys: w2_keys(),
    }
}

/// W3 fanout: 100 queues bound with key `""`; 1,000,000 keys `"k"+below(1000)`, seed 3.
pub fn w3() -> Workload {
    let mut rng = Mulberry32::new(3);
    Workload {
        name: "W3".into(),
        queues: 100,
        bindings: (0..100).map(|i| (String::new(), i)).collect(),
        keys: (0..1_000_000)
            .map(|_| format!("k{}", rng.below(1000)))
            .collect(),
    }
}

/// W4 dispatch: the 10 queue names `k0..k9` (each bound by its own name).
pub fn w4_queues() -> Vec<String> {
    (0..10).map(|i| format!("k{i}")).collect()
}

/// W4 dispatch key stream: 1,000,000 keys `"k"+below(10)`, seed 4.
pub fn w4_keys() -> Vec<String> {
    let mut rng = Mulberry32::new(4);
    (0..1_000_000)
        .map(|_| format!("k{}", rng.below(10)))
        .collect()
}

/// FNV-1a 32 over each binding key then its queue index (decimal), then each publish key;
/// one extra 0xff byte after every string.
pub fn digest(w: &Workload) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |s: &str| {
        for &b in s.as_bytes().iter().chain(std::iter::once(&0xffu8)) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    for (key, queue) in &w.bindings {
        feed(key);
        feed(&queue.to_string());
    }
    for key in &w.keys {
        feed(key);
    }
    h
}

/// The digest WORKLOADS.md lists for a workload name.
pub fn expected_digest(name: &str) -> Option<u32> {
    Some(match name {
        "W1" => 0x41ab_9236,
        "W2-100" => 0x6020_fe7d,
        "W2-1000" => 0xe2fe_0c28,
        "W2-10000" => 0xef3f_305b,
        "W2-100000" => 0x967f_6624,
        "W3" => 0x6f77_d4b8,
        _ => return None,
    })
}

/// (deliveries, checksum) over all keys, from WORKLOADS.md's guard table.
pub fn expected_guard(name: &str) -> Option<(u64, u64)> {
    Some(match name {
        "W1" => (1_000_000, 499_472_281),
        "W2-100" => (66_706, 2_681_480),
        "W2-1000" => (1_161_003, 641_895_219),
        "W2-10000" => (7_060_368, 3_737_424_960),
        "W2-100000" => (20_275_259, 10_282_895_408),
        "W3" => (100_000_000, 4_950_000_000),
        _ => return None,
    })
}

/// W2-10000 over only its first 5,000 keys (a cheap guard for debug-mode tests).
pub const W2_10000_FIRST_5000: (u64, u64) = (352_807, 186_837_259);

use warren::broker::router::{
    BindingDecl, BindingDestination, ExchangeDecl, ExchangeKind, RouteScratch, Router,
};
use warren::broker::{FieldTable, QueueId};

/// One pass of a routing workload (W1–W3): route every key through exchange `x`, de-duplicate,
/// and iterate the destinations, returning (deliveries, checksum) for the guard. This is the
/// code both the criterion bench and the wasm runner time, so the two measure the same work.
/// A routing error poisons the result (`u64::MAX`) so the guard fails instead of panicking.
///
/// Never inlined: V8 moves a wasm function from its baseline compiler (Liftoff) to the optimising
/// one (TurboFan) only between calls, never inside a running loop, so a pass inlined into a
/// harness function that is called once would be timed as baseline code. One call per pass costs
/// nothing measurable natively (a pass is 100,000–1,000,000 messages).
#[inline(never)]
pub fn route_pass(
    r: &Router,
    keys: &[String],
    scratch: &mut RouteScratch,
    headers: &FieldTable,
) -> (u64, u64) {
    let (mut deliveries, mut checksum) = (0u64, 0u64);
    for key in keys {
        if r.route("x", &[key.as_str()], headers, true, scratch)
            .is_err()
        {
            return (u64::MAX, u64::MAX);
        }
        for q in scratch.queues() {
            deliveries += 1;
            checksum += u64::from(q.0);
        }
    }
    (deliveries, checksum)
}

/// The deliveries/checksum guard of one routing pass over the first `keys` keys of `w`, on a
/// fresh router of the given kind (what the tests compare with WORKLOADS.md).
pub fn route_guard(w: &Workload, kind: ExchangeKind, keys: usize) -> (u64, u64) {
    let r = build_router(w, kind);
    route_pass(
        &r,
        &w.keys[..keys],
        &mut RouteScratch::new(),
        &FieldTable::new(),
    )
}

/// A router with queues `q0..` (queue i has `QueueId(i)`) and the workload's bindings on one
/// exchange `x` of the given kind.
pub fn build_router(w: &Workload, kind: ExchangeKind) -> Router {
    let mut r = Router::new();
    let declared = r.declare_exchange(&ExchangeDecl::new("x", kind), false);
    assert!(declared.is_ok(), "declare x: {declared:?}");
    for i in 0..w.queues {
        r.add_queue(&format!("q{i}"), QueueId(i as u32));
    }
    for (key, queue) in &w.bindings {
        let bound = r.bind(&BindingDecl {
            source: "x".into(),
            destination: BindingDestination::Queue(format!("q{queue}")),
            binding_key: key.clone(),
            arguments: FieldTable::new(),
        });
        assert!(bound.is_ok(), "bind {key}: {bound:?}");
    }
    r
}

// ---- W4 dispatch: the broker's real publish → route → enqueue → deliver → ack path.

use std::collections::VecDeque;
use std::sync::Arc;

use warren::broker::{
    BasicProperties, Broker, BrokerEvent, ChannelId, DeliveryTag, Publish, QueueDecl,
};

/// W4's broker: exchange `w4`, queues `k0..k9`, 3 consumers per queue (prefetch 10 each, one
/// channel each), and the per-channel memory of recent delivery tags used to ack 5 behind.
pub struct W4 {
    broker: Broker,
    publisher: ChannelId,
    /// Per consumer channel (index = channel id - first): its last deliveries' tags.
    recent: Vec<VecDeque<DeliveryTag>>,
    first_consumer_channel: u32,
    queue_index: Vec<u64>,
    body: Arc<[u8]>,
}

impl W4 {
    /// Declares and subscribes everything; the broker's own API, as a client would.
    pub fn setup() -> W4 {
        let mut broker = Broker::new();
        broker.set_narration(false);
        let conn = broker.open_connection("guest");
        let Ok(publisher) = broker.open_channel(conn) else {
            panic!("channel")
        };
        let decl = ExchangeDecl::new("w4", ExchangeKind::Direct);
        assert!(broker.exchange_declare(publisher, &decl, false).is_ok());
        let queues = w4_queues();
        let mut queue_index = Vec::new();
        for (i, q) in queues.iter().enumerate() {
            let d = QueueDecl {
                name: q.clone(),
                durable: false,
                exclusive: false,
                auto_delete: false,
                arguments: FieldTable::new(),
            };
            assert!(broker.queue_declare(publisher, &d, false, 0).is_ok());
            let b = BindingDecl {
                source: "w4".into(),
                destination: BindingDestination::Queue(q.clone()),
                binding_key: q.clone(),
                arguments: FieldTable::new(),
            };
            assert!(broker.bind(publisher, &b).is_ok());
            let id = broker.queue_by_name(q).map_or(0, |q| q.id.0 as usize);
            if queue_index.len() <= id {
                queue_index.resize(id + 1, 0);
            }
            queue_index[id] = i as u64;
        }
        let mut first = None;
        for q in &queues {
            for _ in 0..3 {
                let Ok(ch) = broker.open_channel(conn) else {
                    panic!("channel")
                };
                first.get_or_insert(ch.0);
                assert!(broker.basic_qos(ch, 10, false).is_ok());
                assert!(
                    broker
                        .basic_consume(ch, q, "", false, false, &FieldTable::new(), 0)
                        .is_ok()
                );
            }
        }
        W4 {
            broker,
            publisher,
            recent: (0..30).map(|_| VecDeque::with_capacity(8)).collect(),
            first_consumer_channel: first.unwrap_or(0),
            queue_index,
            body: Arc::from(b"payload".to_vec()),
        }
    }
}

/// One W4 pass (the code `benches/dispatch.rs` and the wasm runner time): publishes the whole
/// key stream, and each consumer acks the delivery it got 5 deliveries earlier; returns
/// (deliveries, checksum of queue indices), `u64::MAX` on any broker error. Never inlined, for
/// the reason given at [`route_pass`].
#[inline(never)]
pub fn w4_pass(w: &mut W4, keys: &[String]) -> (u64, u64) {
    let (mut deliveries, mut checksum) = (0u64, 0u64);
    for key in keys {
        let p = Publish {
            exchange: "w4",
            routing_key: key,
            mandatory: false,
            properties: BasicProperties::default(),
            body: w.body.clone(),
        };
        if w.broker.basic_publish(w.publisher, p, 0).is_err() {
            return (u64::MAX, u64::MAX);
        }
        while let Some(ev) = w.broker.poll_event() {
            if let BrokerEvent::Delivered {
                channel,
                delivery_tag,
                queue,
                ..
            } = ev
            {
                deliveries += 1;
                checksum += w.queue_index[queue.0 as usize];
                let recent = &mut w.recent[(channel.0 - w.first_consumer_channel) as usize];
                recent.push_back(delivery_tag);
                if recent.len() > 5
                    && let Some(old) = recent.pop_front()
                    && w.broker.basic_ack(channel, old, false, 0).is_err()
                {
                    return (u64::MAX, u64::MAX);
                }
            }
        }
    }
    (deliveries, checksum)
}

/// W4's guard for a key stream: every publish delivered once, checksum = sum of the key digits
/// (queue `k`i has index i).
pub fn w4_expected_guard(keys: &[String]) -> (u64, u64) {
    let checksum = keys
        .iter()
        .map(|k| k[1..].parse::<u64>().unwrap_or(u64::MAX))
        .fold(0u64, u64::saturating_add);
    (keys.len() as u64, checksum)
}
