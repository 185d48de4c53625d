//! The WORKLOADS.md generators reproduce the published digests, and the router reproduces the
//! deliveries/checksum guards (on affordable slices in debug builds).

#[path = "../benches/common/mod.rs"]
mod common;

use common::*;
use warren::broker::router::ExchangeKind;

use common::route_guard as guard;

#[test]
fn digests_match_workloads_md() {
    let mut all = vec![w1(), w3()];
    for b in [100, 1000, 10_000, 100_000] {
        all.push(w2(b));
    }
    for w in &all {
        assert_eq!(
            Some(digest(w)),
            expected_digest(&w.name),
            "digest of {}",
            w.name
        );
    }
    assert_eq!(w4_keys().len(), 1_000_000);
    assert_eq!(w4_queues().len(), 10);
}

#[test]
fn routing_guards() {
    let w = w1();
    assert_eq!(
        Some(guard(&w, ExchangeKind::Direct, w.keys.len())),
        expected_guard("W1")
    );
    let w = w2(100);
    assert_eq!(
        Some(guard(&w, ExchangeKind::Topic, w.keys.len())),
        expected_guard("W2-100")
    );
    let w = w2(1000);
    assert_eq!(
        Some(guard(&w, ExchangeKind::Topic, w.keys.len())),
        expected_guard("W2-1000")
    );
    let w = w2(10_000);
    assert_eq!(guard(&w, ExchangeKind::Topic, 5000), W2_10000_FIRST_5000);
    let w = w3();
    assert_eq!(
        guard(&w, ExchangeKind::Fanout, 10_000),
        (1_000_000, 10_000 * 4950)
    );
}

#[test]
fn dispatch_guard_on_a_prefix() {
    let keys = w4_keys();
    let keys = &keys[..20_000];
    let mut w = W4::setup();
    // Twice: the second pass starts with the first pass's unacked deliveries outstanding.
    for _ in 0..2 {
        assert_eq!(w4_pass(&mut w, keys), w4_expected_guard(keys));
    }
}
