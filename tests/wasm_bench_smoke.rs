//! The wasm benchmark kernels stay correct on wasm32: the WORKLOADS.md generators reproduce the
//! published digests, and `route_pass` / `w4_pass` (the loops `benches/routing.rs`,
//! `benches/dispatch.rs` and `examples/wasm_bench.rs` time) reproduce the deliveries/checksum guards, on prefixes cheap enough for a debug build in
//! Node. `cargo test --target wasm32-unknown-unknown --test wasm_bench_smoke`.
#![cfg(target_arch = "wasm32")]

#[path = "../benches/common/mod.rs"]
mod common;

use common::*;
use warren::broker::router::ExchangeKind;
use wasm_bindgen_test::wasm_bindgen_test;

fn guard(w: &Workload, kind: ExchangeKind, keys: usize) -> (u64, u64) {
    assert_eq!(
        Some(digest(w)),
        expected_digest(&w.name),
        "{} digest",
        w.name
    );
    route_guard(w, kind, keys)
}

#[wasm_bindgen_test]
fn w1_direct_full_guard() {
    let w = w1();
    assert_eq!(
        Some(guard(&w, ExchangeKind::Direct, w.keys.len())),
        expected_guard("W1")
    );
}

#[wasm_bindgen_test]
fn w2_topic_guards() {
    let w = w2(1000);
    assert_eq!(
        Some(guard(&w, ExchangeKind::Topic, w.keys.len())),
        expected_guard("W2-1000")
    );
    let w = w2(10_000);
    assert_eq!(guard(&w, ExchangeKind::Topic, 5000), W2_10000_FIRST_5000);
}

#[wasm_bindgen_test]
fn w2_100000_routes_a_superset_of_w2_10000() {
    // No published prefix guard for B = 100,000; its patterns start with W2-10000's, so every
    // delivery W2-10000 makes on a key W2-100000 makes too: a cheap containment check.
    let big = w2(100_000);
    let small = w2(10_000);
    assert_eq!(big.bindings[..10_000], small.bindings[..]);
    let (d_big, _) = guard(&big, ExchangeKind::Topic, 500);
    let (d_small, _) = guard(&small, ExchangeKind::Topic, 500);
    assert!(d_big > d_small, "{d_big} deliveries vs {d_small}");
}

#[wasm_bindgen_test]
fn w3_fanout_guard_on_a_prefix() {
    let w = w3();
    // Every key reaches all 100 queues: 100 deliveries and 0+1+…+99 = 4,950 per key.
    assert_eq!(
        guard(&w, ExchangeKind::Fanout, 10_000),
        (10_000 * 100, 10_000 * 4950)
    );
}

#[wasm_bindgen_test]
fn w4_dispatch_guard_on_a_prefix() {
    let keys = w4_keys();
    let keys = &keys[..20_000];
    let mut w = W4::setup();
    // Twice: the second pass starts with the first pass's unacked deliveries outstanding.
    for _ in 0..2 {
        assert_eq!(w4_pass(&mut w, keys), w4_expected_guard(keys));
    }
}
