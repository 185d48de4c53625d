//! Criterion benches W1–W3 of `shared/perf/WORKLOADS.md`: the router's own routing decision
//! (route + de-duplication + iterating the destinations) per message.
//!
//! Keys are generated and the digest and deliveries/checksum guard are asserted before timing;
//! each timed iteration routes the whole key stream once.

mod common;

use std::hint::black_box;

use common::*;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use warren::broker::FieldTable;
use warren::broker::router::{ExchangeKind, RouteScratch, Router};

fn pass(
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

fn bench_workload(c: &mut Criterion, w: &Workload, kind: ExchangeKind) {
    assert_eq!(
        Some(digest(w)),
        expected_digest(&w.name),
        "{} digest",
        w.name
    );
    let r = build_router(w, kind);
    let headers = FieldTable::new();
    let mut scratch = RouteScratch::new();
    assert_eq!(
        Some(pass(&r, &w.keys, &mut scratch, &headers)),
        expected_guard(&w.name),
        "{} deliveries/checksum guard",
        w.name
    );
    let mut group = c.benchmark_group("routing");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(w.keys.len() as u64));
    group.bench_function(w.name.as_str(), |b| {
        b.iter(|| black_box(pass(&r, black_box(&w.keys), &mut scratch, &headers)))
    });
    group.finish();
}

fn routing(c: &mut Criterion) {
    bench_workload(c, &w1(), ExchangeKind::Direct);
    for b in [1000, 10_000, 100_000] {
        bench_workload(c, &w2(b), ExchangeKind::Topic);
    }
    bench_workload(c, &w3(), ExchangeKind::Fanout);
}

criterion_group!(benches, routing);
criterion_main!(benches);
