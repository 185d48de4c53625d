//! Criterion bench W4 of `shared/perf/WORKLOADS.md`: the broker's real publish → route →
//! enqueue → deliver (round-robin with prefetch credit) → ack path, per message.
//!
//! One direct exchange, queues `k0..k9` bound by their own names, 3 consumers per queue (each on
//! its own channel, prefetch 10), 1,000,000 publishes `"k"+below(10)` (seed 4); every consumer
//! acks (single ack) the delivery it received 5 deliveries earlier. The deliveries/checksum
//! guard (every publish delivered once; sum of queue indices) is asserted before timing.

mod common;
mod w4;

use std::hint::black_box;

use common::*;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use w4::{pass, setup};

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
