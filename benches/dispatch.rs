//! Criterion bench W4 of `shared/perf/WORKLOADS.md`: the broker's real publish → route →
//! enqueue → deliver (round-robin with prefetch credit) → ack path, per message.
//!
//! One direct exchange, queues `k0..k9` bound by their own names, 3 consumers per queue (each on
//! its own channel, prefetch 10), 1,000,000 publishes `"k"+below(10)` (seed 4); every consumer
//! acks (single ack) the delivery it received 5 deliveries earlier. The deliveries/checksum
//! guard (every publish delivered once; sum of queue indices) is asserted before timing.

mod common;

use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::Arc;

use common::*;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use warren::broker::{
    BasicProperties, BindingDecl, BindingDestination, Broker, BrokerEvent, ChannelId, DeliveryTag,
    ExchangeDecl, ExchangeKind, FieldTable, Publish, QueueDecl,
};

struct W4 {
    broker: Broker,
    publisher: ChannelId,
    /// Per consumer channel (index = channel id - first): its last deliveries' tags.
    recent: Vec<VecDeque<DeliveryTag>>,
    first_consumer_channel: u32,
    queue_index: Vec<u64>,
    body: Arc<[u8]>,
}

fn setup() -> W4 {
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

/// Publishes the whole key stream; returns (deliveries, checksum of queue indices).
fn pass(w: &mut W4, keys: &[String]) -> (u64, u64) {
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

fn dispatch(c: &mut Criterion) {
    let keys = w4_keys();
    let expected_checksum: u64 = keys
        .iter()
        .map(|k| k[1..].parse::<u64>().unwrap_or(0))
        .sum();
    let mut w = setup();
    assert_eq!(
        pass(&mut w, &keys),
        (keys.len() as u64, expected_checksum),
        "W4 deliveries/checksum guard"
    );
    let mut group = c.benchmark_group("dispatch");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(keys.len() as u64));
    group.bench_function("W4", |b| {
        b.iter(|| black_box(pass(&mut w, black_box(&keys))))
    });
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
