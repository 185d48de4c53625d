//! Criterion bench W4 of `shared/perf/WORKLOADS.md`: the broker's real publish → route →
//! enqueue → deliver (round-robin with prefetch credit) → ack path, per message.
//!
//! One direct exchange, queues `k0..k9` bound by their own names, 3 consumers per queue (each on
//! its own channel, prefetch 10), 1,000,000 publishes `"k"+below(10)` (seed 4); every consumer
//! acks (single ack) the delivery it received 5 deliveries earlier. The deliveries/checksum
//! guard (every publish delivered once; sum of queue indices) is asserted before timing.

mod common;

use std::hint::black_box;

use common::*;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

fn dispatch(c: &mut Criterion) {
    let keys = w4_keys();
    let mut w = W4::setup();
    assert_eq!(
        w4_pass(&mut w, &keys),
        w4_expected_guard(&keys),
        "W4 deliveries/checksum guard"
    );
    let mut group = c.benchmark_group("dispatch");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(keys.len() as u64));
    group.bench_function("W4", |b| {
        b.iter(|| black_box(w4_pass(&mut w, black_box(&keys))))
    });
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
