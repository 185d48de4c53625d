//! The broker model compiled to wasm32 gives the same outcomes as natively: recorded RabbitMQ
//! 3.10.8 conformance fixtures run through `warren::conform` inside Node (wasm-bindgen-test).
//! Run: `cargo test --target wasm32-unknown-unknown --test wasm_conformance`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

/// Expands to `[(name, case, outcome)]` with both files embedded at compile time.
macro_rules! fixtures {
    ($($name:literal,)*) => {
        [$((
            $name,
            include_str!(concat!("fixtures/conformance/", $name, ".json")),
            include_str!(concat!("fixtures/conformance/", $name, ".outcome.json")),
        )),*]
    };
}

const FIXTURES: &[(&str, &str, &str)] = &fixtures![
    "cases/alternate-exchange-missing-and-chain",
    "cases/alternate-exchange",
    "cases/auto-ack-consumer",
    "cases/auto-delete-queue",
    "cases/consumer-cancel-unacked",
    "cases/consumer-priority",
    "cases/declare-invalid-queue-args",
    "cases/default-exchange-routing",
    "cases/delete-queue-if-empty-if-unused",
    "cases/delete-queue-with-messages",
    "cases/direct-multi-binding",
    "cases/dlx-chain-reasons",
    "cases/dlx-cycle-expiry-self",
    "cases/dlx-cycle-reject-allowed",
    "cases/dlx-cycle-two-queues-expiry",
    "cases/dlx-missing-or-unroutable",
    "cases/dlx-routing-key-override",
    "cases/double-ack-406",
    "cases/e2e-chain",
    "cases/e2e-cycle",
    "cases/e2e-two-paths-once",
    "cases/exclusive-consumer",
    "cases/exclusive-queue",
    "cases/expiration-edge",
    "cases/fanout-basic",
    "cases/get-empty-and-counts",
    "cases/headers-all-any",
    "cases/headers-empty-and-void",
    "cases/headers-x-match-variants",
    "cases/headers-x-prefixed",
    "cases/internal-exchange",
    "cases/mandatory-unroutable",
    "cases/maxlen-bytes",
    "cases/maxlen-drop-head-dlx",
    "cases/maxlen-reject-publish-dlx",
    "cases/maxlen-reject-publish",
    "cases/maxlen-unacked-not-counted",
    "cases/maxlen-zero",
    "cases/mixed-flow-redelivery",
    "cases/nack-multiple-dlx",
    "cases/nack-requeue-consumer",
    "cases/nack-requeue-redelivered",
    "cases/prefetch-1",
    "cases/prefetch-2-out-of-order-acks",
    "cases/prefetch-2-two-consumers",
    "cases/prefetch-3-ack-multiple",
    "cases/prefetch-unlimited-vs-1",
    "cases/priority-ignored-without-max",
    "cases/priority-queue-ordering",
    "cases/priority-requeue",
    "cases/priority-with-prefetch-consumer",
    "cases/publish-missing-exchange",
    "cases/purge-queue",
    "cases/redeclare-exchange-406",
    "cases/redeclare-queue-406",
    "cases/reject-publish-fanout-partial",
    "cases/reject-requeue-false-dlx",
    "cases/requeue-on-close-to-other-consumer",
    "cases/round-robin-3-consumers",
    "cases/topic-hash-patterns",
    "cases/topic-mixed-edge",
    "cases/topic-star-patterns",
    "cases/ttl-per-message-expired-dlx",
    "cases/ttl-per-message-head-only",
    "cases/ttl-queue-and-message-min",
    "cases/ttl-queue-expired-dlx",
    "cases/ttl-requeued-keeps-expiry",
    "cases/ttl-zero-and-consumer",
    "generated/gen-1-0",
    "generated/gen-1-1",
    "generated/gen-1-10",
    "generated/gen-1-11",
    "generated/gen-1-12",
    "generated/gen-1-13",
    "generated/gen-1-14",
    "generated/gen-1-15",
    "generated/gen-1-16",
    "generated/gen-1-17",
    "generated/gen-1-18",
    "generated/gen-1-19",
    "generated/gen-1-2",
    "generated/gen-1-3",
    "generated/gen-1-4",
    "generated/gen-1-5",
    "generated/gen-1-6",
    "generated/gen-1-7",
    "generated/gen-1-8",
    "generated/gen-1-9",
    "extra/auto-delete-queue-cancel-with-unacked",
    "extra/auto-delete-queue-two-consumers-close-conn",
    "extra/cc-bcc-routing",
    "extra/cc-dead-letter-routing-keys",
    "extra/cc-header-wrong-type",
    "extra/consumer-cancel-reconsume",
    "extra/dlx-cycle-expire-reject-expire",
    "extra/dlx-cycle-reject-then-expire",
    "extra/dlx-default-exchange",
    "extra/dlx-maxlen-then-reject-xdeath",
    "extra/exchange-auto-delete",
    "extra/exchange-declare-reserved-names",
    "extra/exchange-declare-unknown-type",
    "extra/exchange-delete-variants",
    "extra/exchange-internal-declare-and-ae",
    "extra/exclusive-redeclare-and-close",
    "extra/get-auto-ack-and-ttl0",
    "extra/headers-multi-types",
    "extra/maxlen-bytes-requeue",
    "extra/message-properties-roundtrip",
    "extra/nack-multiple-consume-and-get",
    "extra/priority-consumer-prefetch1-requeue",
    "extra/priority-maxlen-drop-head",
    "extra/priority-maxlen-reject-publish",
    "extra/priority-prefetch-requeue",
    "extra/purge-with-consumers-and-unacked",
    "extra/queue-declare-amq-prefix-and-passive",
    "extra/reject-publish-mandatory-and-consumer",
    "extra/sac-basic-takeover",
    "extra/sac-close-channel-requeue",
    "extra/sac-consumer-priority-ignored",
    "extra/sac-nack-requeue-and-get",
    "extra/sac-redeclare-406",
    "extra/topic-many-words",
    "extra/unbind-missing-binding",
    "extra/xdeath-order-reversal",
];

#[wasm_bindgen_test]
fn recorded_fixtures_give_identical_outcomes_in_wasm() {
    let mut failures = Vec::new();
    for (name, case, outcome) in FIXTURES {
        let case = match warren::conform::parse_case(case.as_bytes()) {
            Ok(case) => case,
            Err(e) => {
                failures.push(format!("{name}: parse error {e}"));
                continue;
            }
        };
        let expected: serde_json::Value =
            serde_json::from_str(outcome).expect("recorded outcome is JSON");
        let actual = warren::conform::run_case(&case);
        if actual != expected {
            failures.push(format!(
                "{name}:\n{}",
                warren::conform::outcome_diff(&expected, &actual)
            ));
        }
    }
    assert!(
        FIXTURES.len() > 100,
        "fixture list shrank to {}",
        FIXTURES.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ in wasm:\n{}",
        failures.len(),
        FIXTURES.len(),
        failures.join("\n")
    );
}
