//! Criterion bench `engine`: a 100-node scenario (10 producers, 5 exchanges, 40 queues,
//! 45 consumers) through 1,000,000 published messages, headless, routing explanations off
//! (the UI explains one message at a time; a headless run needs only the events).
//!
//! Before timing it prints two figures: the resident memory a
//! `History` (default limits) holds after 1,000,000 events of the same scenario, and the wall
//! time of one run.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group};
use warren::broker::{BasicProperties, ExchangeKind, FieldTable, FieldValue};
use warren::sim::{
    BindingSpec, ConsumerSpec, ExchangeSpec, History, ProducerSpec, QueueSpec, Schedule, Settle,
    SimConfig, Simulator,
};

const MESSAGES: u64 = 1_000_000;
const PRODUCERS: u64 = 10;

fn exchange(name: &str, kind: ExchangeKind) -> ExchangeSpec {
    ExchangeSpec {
        name: name.into(),
        kind,
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: FieldTable::new(),
    }
}

fn bind(source: &str, queue: usize, key: &str, arguments: FieldTable) -> BindingSpec {
    BindingSpec {
        source: source.into(),
        destination: format!("q{queue}"),
        to_exchange: false,
        binding_key: key.into(),
        arguments,
    }
}

/// 100 nodes: 10 producers + 5 exchanges + 40 queues + 45 consumers.
pub fn hundred_nodes(messages: u64) -> SimConfig {
    let per_producer = messages / PRODUCERS;
    let exchanges = vec![
        exchange("orders", ExchangeKind::Direct),
        exchange("events", ExchangeKind::Topic),
        exchange("broadcast", ExchangeKind::Fanout),
        exchange("typed", ExchangeKind::Headers),
        exchange("audit", ExchangeKind::Fanout),
    ];
    let queues = (0..40)
        .map(|i| QueueSpec {
            name: format!("q{i}"),
            durable: true,
            exclusive: false,
            auto_delete: false,
            server_named: false,
            arguments: FieldTable::new(),
        })
        .collect();
    let mut bindings = Vec::new();
    for i in 0..15 {
        bindings.push(bind("orders", i, &format!("k{i}"), FieldTable::new()));
    }
    for i in 15..30 {
        bindings.push(bind("events", i, &format!("e.{i}.*"), FieldTable::new()));
    }
    for i in 30..33 {
        bindings.push(bind("broadcast", i, "", FieldTable::new()));
    }
    for i in 33..37 {
        let mut args = FieldTable::new();
        args.insert("x-match".into(), FieldValue::Str("any".into()));
        args.insert("type".into(), FieldValue::Str(format!("t{i}")));
        bindings.push(bind("typed", i, "", args));
    }
    for i in 37..40 {
        bindings.push(bind("audit", i, "", FieldTable::new()));
    }
    let producer =
        |i: u64, exchange: &str, keys: Vec<String>, headers: Option<FieldTable>| ProducerSpec {
            id: format!("p{i}"),
            name: format!("p{i}"),
            connection: format!("p{i}"),
            exchange: exchange.into(),
            routing_keys: keys,
            properties: BasicProperties {
                headers,
                delivery_mode: Some(2),
                ..BasicProperties::default()
            },
            body: "job {n}".into(),
            schedule: Schedule::Every { every_ms: 1 },
            start_ms: 0,
            count: Some(per_producer),
            mandatory: false,
            confirms: i == 9,
        };
    let direct_keys: Vec<String> = (0..15).map(|i| format!("k{i}")).collect();
    let topic_keys: Vec<String> = (15..30).map(|i| format!("e.{i}.x")).collect();
    let mut producers = Vec::new();
    for i in 0..4 {
        producers.push(producer(i, "orders", direct_keys.clone(), None));
    }
    for i in 4..7 {
        producers.push(producer(i, "events", topic_keys.clone(), None));
    }
    producers.push(producer(7, "broadcast", vec![String::new()], None));
    let mut h = FieldTable::new();
    h.insert("type".into(), FieldValue::Str("t34".into()));
    producers.push(producer(8, "typed", vec![String::new()], Some(h)));
    producers.push(producer(9, "", vec!["q38".into(), "q39".into()], None));
    let consumers = (0..45)
        .map(|i| {
            let q = i % 40;
            ConsumerSpec {
                id: format!("c{i}"),
                name: format!("c{i}"),
                connection: format!("c{i}"),
                queue: format!("q{q}"),
                prefetch: 10,
                auto_ack: q >= 37,
                processing_ms: 1,
                on_success: Settle::Ack,
                failure_ppm: if q == 5 { 10_000 } else { 0 },
                on_failure: Settle::NackRequeue,
                priority: None,
                exclusive: false,
                reply: false,
                start_ms: Some(0),
            }
        })
        .collect();
    SimConfig {
        seed: 2024,
        exchanges,
        queues,
        bindings,
        producers,
        consumers,
        script: Vec::new(),
    }
}

/// Runs to idle; returns (events, published messages).
fn run(config: SimConfig) -> (u64, u64) {
    let mut sim = Simulator::new(config);
    sim.set_explain_routes(false);
    let (mut events, mut published) = (0u64, 0u64);
    while let Some(e) = sim.step() {
        events += 1;
        if e.what.kind() == "published" {
            published += 1;
        }
        black_box(&e);
    }
    (events, published)
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

// A bench measures wall time; the clippy ban on clocks guards the deterministic core.
#[allow(clippy::disallowed_methods)]
fn figures() {
    let before = rss_kib().unwrap_or(0);
    let mut sim = Simulator::new(hundred_nodes(MESSAGES));
    sim.set_explain_routes(false);
    let mut history = History::new(sim);
    for _ in 0..1_000_000 {
        if history.step().is_none() {
            break;
        }
    }
    let after = rss_kib().unwrap_or(0);
    let (snapshots, interval) = history.snapshot_stats();
    println!(
        "history: {} events, {snapshots} snapshots every {interval} events, RSS +{} KiB",
        history.position(),
        after.saturating_sub(before)
    );
    let start = Instant::now();
    history.seek(history.position() / 2 + 123);
    println!(
        "history: seek back to the middle in {:.3} s",
        start.elapsed().as_secs_f64()
    );
    drop(history);
    let start = Instant::now();
    let (events, published) = run(hundred_nodes(MESSAGES));
    println!(
        "engine: {published} messages, {events} events in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(published, MESSAGES);
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.bench_function("100 nodes, 1M messages", |b| {
        b.iter(|| black_box(run(hundred_nodes(MESSAGES))))
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    figures();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
