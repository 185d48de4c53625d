//! Core tests compiled to wasm32 and run in Node by wasm-bindgen-test: the broker model must
//! behave the same in the browser build as natively, and the default scenario must run.
#![cfg(target_arch = "wasm32")]

use warren::broker::BrokerError;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn broker_errors_keep_their_amqp_reply_codes_on_wasm() {
    let cases = [
        (
            BrokerError::NotFound("no queue 'q'".into()),
            404,
            "NOT_FOUND",
            false,
        ),
        (
            BrokerError::AccessRefused("x".into()),
            403,
            "ACCESS_REFUSED",
            false,
        ),
        (
            BrokerError::ResourceLocked("x".into()),
            405,
            "RESOURCE_LOCKED",
            false,
        ),
        (
            BrokerError::PreconditionFailed("x".into()),
            406,
            "PRECONDITION_FAILED",
            false,
        ),
        (
            BrokerError::CommandInvalid("x".into()),
            503,
            "COMMAND_INVALID",
            true,
        ),
        (
            BrokerError::NotAllowed("x".into()),
            530,
            "NOT_ALLOWED",
            true,
        ),
    ];
    for (err, code, text, connection) in cases {
        assert_eq!(err.reply_code(), code, "{err}");
        assert_eq!(err.reply_text(), text);
        assert_eq!(err.is_connection_error(), connection);
        assert!(err.to_string().starts_with(text), "{err}");
    }
}

/// The page's default scenario, parsed and simulated inside wasm: the preset embedded in the
/// binary loads, converts to the simulator's configuration, and its three messages reach
/// `receive.py` through queue `hello`, as natively.
#[wasm_bindgen_test]
fn hello_world_preset_runs_to_three_deliveries_on_wasm() {
    use warren::scenario::{presets, to_sim::to_sim};
    use warren::sim::{Explanation, RunEnd, Simulator};

    let preset = presets::load("hello-world").expect("embedded preset");
    assert_eq!(preset.scenario.title, "Hello World");
    let mut sim = Simulator::new(to_sim(&preset.scenario));
    let mut events = Vec::new();
    assert_eq!(sim.run_until_idle(10_000, &mut events), RunEnd::Idle);
    let queues: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::Delivered { queue, .. } => Some(&**queue),
            _ => None,
        })
        .collect();
    assert_eq!(queues, ["hello"; 3], "{} events", events.len());
}
