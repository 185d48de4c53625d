//! The W4 dispatch workload on the broker's real types, shared by the `dispatch` bench and the
//! `w4_profile` example (a callgrind driver): setup and one pass over a key stream.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::common::w4_queues;
use warren::broker::{
    BasicProperties, BindingDecl, BindingDestination, Broker, BrokerEvent, ChannelId, DeliveryTag,
    ExchangeDecl, ExchangeKind, FieldTable, Publish, QueueDecl,
};

pub struct W4 {
    broker: Broker,
    publisher: ChannelId,
    /// Per consumer channel (index = channel id - first): its last deliveries' tags.
    recent: Vec<VecDeque<DeliveryTag>>,
    first_consumer_channel: u32,
    queue_index: Vec<u64>,
    body: Arc<[u8]>,
}

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

/// Publishes the whole key stream; returns (deliveries, checksum of queue indices).
#[inline(never)]
pub fn pass(w: &mut W4, keys: &[String]) -> (u64, u64) {
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
