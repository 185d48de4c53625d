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

/// The web build matches policy patterns with its own small matcher (`scenario::pattern`), not
/// regex-lite: a definitions import must give the same arguments as natively
/// (`policies_become_arguments` in src/scenario/definitions.rs), and a challenge's goals the
/// same verdicts.
#[wasm_bindgen_test]
fn definitions_import_and_goal_checks_agree_with_native_on_wasm() {
    use warren::scenario::definitions::{import_definitions, topology_vhosts};
    use warren::scenario::goals;
    let text = include_str!("fixtures/definitions/two-vhosts.json");
    assert_eq!(topology_vhosts(text), vec!["/", "shop"]);
    let imported = import_definitions(text, Some("shop")).unwrap();
    let queue = |name: &str| {
        imported
            .scenario
            .queue(name)
            .unwrap_or_else(|| panic!("no queue {name}"))
            .arguments
            .clone()
    };
    let orders = queue("orders");
    assert_eq!(orders["x-dead-letter-exchange"], "shop.dlx");
    assert_eq!(orders["x-message-ttl"], 60000);
    assert_eq!(orders["x-max-length"], 1000);
    // `\.dead$` (priority 5) beats the catch-all `.*` (priority 0): only its TTL applies.
    let dead = queue("orders.dead");
    assert_eq!(dead["x-message-ttl"], 86400000);
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(queue("audit")["x-max-length"], 50);
    let pager = warren::scenario::presets::load("challenge-pager")
        .unwrap()
        .scenario;
    let failed: Vec<String> = goals::check(&pager)
        .iter()
        .filter(|v| !v.passed())
        .map(|v| goals::explain(v, warren::sim::Lang::En))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed[0].contains("through the binding \"#\" of exchange \"alerts\""));
}
