//! The same golden traces in wasm32 (Node, via wasm-bindgen-test-runner): the engine gives a
//! byte-identical trace natively and in the browser build.
//! Run: `cargo test --target wasm32-unknown-unknown --test sim_wasm`.
#![cfg(target_arch = "wasm32")]

use warren::scenario::to_sim::trace_of;
use warren::sim::trace::RunOptions;
use wasm_bindgen_test::wasm_bindgen_test;

/// Must equal `golden_opts` in tests/sim.rs.
fn golden_opts() -> RunOptions {
    RunOptions {
        until_ms: Some(30_000),
        max_events: 1_000,
        ..RunOptions::default()
    }
}

fn check(scenario: &str, golden: &str) {
    let trace = trace_of(scenario, &golden_opts()).unwrap();
    assert_eq!(trace, golden);
}

#[wasm_bindgen_test]
fn work_queues_trace_matches_native_golden() {
    check(
        include_str!("../www/scenarios/work-queues.json"),
        include_str!("golden/work-queues.trace"),
    );
}

#[wasm_bindgen_test]
fn topics_trace_matches_native_golden() {
    check(
        include_str!("../www/scenarios/topics.json"),
        include_str!("golden/topics.trace"),
    );
}

#[wasm_bindgen_test]
fn dead_lettering_trace_matches_native_golden() {
    check(
        include_str!("../www/scenarios/dead-lettering.json"),
        include_str!("golden/dead-lettering.trace"),
    );
}
