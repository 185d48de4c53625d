//! Simulator integration tests: golden traces of every preset, the work-queues lesson checked
//! from events, determinism, bounded runs, step over, seek/step back, broker restart.

use std::collections::BTreeSet;
use std::path::Path;

use warren::broker::{BasicProperties, FieldTable};
use warren::scenario::to_sim::{load_sim, trace_of};
use warren::sim::Lang;
use warren::sim::trace::{Format, RunOptions};
use warren::sim::{
    Action, ConsumerSpec, Explanation, History, ProducerSpec, QueueSpec, RunEnd, Schedule,
    ScriptedAction, Settle, SimConfig, SimEvent, Simulator, VirtualTime,
};

/// The bounds every golden trace is run with (also used by the wasm test).
fn golden_opts() -> RunOptions {
    RunOptions {
        until_ms: Some(30_000),
        max_events: 1_000,
        ..RunOptions::default()
    }
}

fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}:\n  expected: {e}\n  actual:   {a}", i + 1);
        }
    }
    format!(
        "lengths differ: expected {} lines, got {}",
        expected.lines().count(),
        actual.lines().count()
    )
}

fn check_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.trace"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{name}: trace differs from {} (UPDATE_GOLDEN=1 rewrites it)\n{}",
        path.display(),
        first_difference(&expected, actual)
    );
}

fn presets() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/scenarios");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_preset_matches_its_golden_trace() {
    let all = presets();
    assert!(
        all.len() >= 7,
        "expected the tutorial presets, found {}",
        all.len()
    );
    for (name, text) in &all {
        let trace = trace_of(text, &golden_opts()).unwrap();
        assert!(trace.lines().count() > 3, "{name} produced no events");
        check_golden(name, &trace);
    }
}

/// The first `{name}` placeholder left in `text` (a brace group of lower-case letters and `_`),
/// if any: an explanation whose template and arguments disagree.
fn unfilled(text: &str) -> Option<&str> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let group = &rest[open..];
        let name_len = group[1..]
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(group.len() - 1);
        if name_len > 0 && group[1 + name_len..].starts_with('}') {
            return Some(&group[..name_len + 2]);
        }
        rest = &group[1..];
    }
    None
}

#[test]
fn every_preset_explains_every_event_with_no_unfilled_placeholder() {
    assert_eq!(unfilled("a {queue: q, count: 1} b"), None);
    assert_eq!(unfilled("a {x: {routing_key}}"), Some("{routing_key}"));
    for (name, text) in &presets() {
        for lang in [Lang::En, Lang::ZhCn] {
            let opts = RunOptions {
                lang,
                max_events: 3_000,
                ..golden_opts()
            };
            let trace = trace_of(text, &opts).unwrap();
            assert!(trace.lines().count() > 3, "{name} produced no events");
            for line in trace.lines() {
                assert_eq!(unfilled(line), None, "{name} ({lang:?}): {line}");
            }
        }
    }
}

fn work_queues(prefetch: u16, script: &str) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("www/scenarios/work-queues.json"),
    )
    .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for c in v["consumers"].as_array_mut().unwrap() {
        c["prefetch"] = prefetch.into();
    }
    if !script.is_empty() {
        v["script"] = serde_json::from_str(script).unwrap();
    }
    v.to_string()
}

fn events_of(text: &str) -> Vec<SimEvent> {
    let (config, _) = load_sim(text).unwrap();
    let mut sim = Simulator::new(config);
    let mut out = Vec::new();
    assert_eq!(sim.run_until_idle(10_000, &mut out), RunEnd::Idle);
    out
}

fn deliveries(events: &[SimEvent], consumer: &str) -> Vec<(u64, bool)> {
    events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::Delivered {
                message,
                consumer: c,
                redelivered,
                ..
            } if &*c.id == consumer => Some((message.0, *redelivered)),
            _ => None,
        })
        .collect()
}

#[test]
fn work_queues_blind_round_robin_vs_fair_dispatch() {
    let blind = events_of(&work_queues(0, ""));
    let (slow, fast) = (deliveries(&blind, "worker1"), deliveries(&blind, "worker2"));
    // prefetch 0: the broker alternates regardless of how busy each worker is.
    assert_eq!((slow.len(), fast.len()), (5, 5), "{slow:?} {fast:?}");
    let ids: Vec<u64> = slow.iter().map(|d| d.0).collect();
    assert_eq!(ids, [0, 2, 4, 6, 8]);

    let fair = events_of(&work_queues(1, ""));
    let (slow, fast) = (deliveries(&fair, "worker1"), deliveries(&fair, "worker2"));
    assert_eq!(slow.len() + fast.len(), 10);
    assert!(
        fast.len() >= 2 * slow.len(),
        "fast {} slow {}",
        fast.len(),
        slow.len()
    );
    check_golden(
        "work-queues-round-robin",
        &trace_of(&work_queues(0, ""), &golden_opts()).unwrap(),
    );
}

#[test]
fn killing_a_worker_requeues_its_unacked_task_to_the_other_worker() {
    let script = r#"[{"at_ms": 1000, "action": "kill_consumer", "consumer": "worker1"}]"#;
    let text = work_queues(1, script);
    let events = events_of(&text);
    // worker 1 got m0 at t=0 and was killed at t=1000 before acking it.
    assert_eq!(deliveries(&events, "worker1"), [(0, false)]);
    let killed = events
        .iter()
        .position(|e| matches!(&e.what, Explanation::ConsumerKilled { unacked: 1, .. }))
        .expect("kill event");
    let requeued = events
        .iter()
        .position(|e| matches!(&e.what, Explanation::Requeued { message, .. } if message.0 == 0))
        .expect("m0 requeued");
    assert!(requeued > killed);
    assert!(deliveries(&events, "worker2").contains(&(0, true)));
    let acked_by_2 = events.iter().any(|e| {
        matches!(&e.what, Explanation::Acked { message, consumer, .. }
            if message.0 == 0 && &*consumer.id == "worker2")
    });
    assert!(acked_by_2);
    check_golden(
        "work-queues-kill-worker",
        &trace_of(&text, &golden_opts()).unwrap(),
    );
}

#[test]
fn same_scenario_and_seed_give_a_byte_identical_trace() {
    for (name, text) in presets() {
        let a = trace_of(&text, &golden_opts()).unwrap();
        let b = trace_of(&text, &golden_opts()).unwrap();
        assert_eq!(a, b, "{name}");
    }
    let json = RunOptions {
        format: Format::Json,
        ..golden_opts()
    };
    let text = work_queues(1, "");
    let j = trace_of(&text, &json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(
        v["events"].as_array().unwrap().len() as u64,
        v["end"]["events"].as_u64().unwrap()
    );
}

#[test]
fn json_trace_names_who_published_and_who_received_what() {
    // The real-broker test (tests/broker/) reads these fields as the simulator's prediction.
    let (_, text) = presets().into_iter().find(|(n, _)| n == "topics").unwrap();
    let json = RunOptions {
        format: Format::Json,
        ..golden_opts()
    };
    let v: serde_json::Value = serde_json::from_str(&trace_of(&text, &json).unwrap()).unwrap();
    let events = v["events"].as_array().unwrap();
    let key_of = |m: &serde_json::Value| {
        events
            .iter()
            .find(|e| e["kind"] == "published" && &e["message"] == m)
            .map(|e| e["routing_key"].as_str().unwrap().to_string())
            .unwrap()
    };
    let to_c1: Vec<String> = events
        .iter()
        .filter(|e| e["kind"] == "delivered" && e["consumer"] == "c1")
        .inspect(|e| assert_eq!(e["queue"], "Q1"))
        .map(|e| key_of(&e["message"]))
        .collect();
    assert_eq!(
        to_c1,
        [
            "quick.orange.rabbit",
            "lazy.orange.elephant",
            "quick.orange.fox"
        ]
    );
    let numbers: Vec<u64> = events
        .iter()
        .filter(|e| e["kind"] == "published")
        .map(|e| e["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=10).collect::<Vec<u64>>());
    let dropped = events.iter().filter(|e| e["kind"] == "not_routed").count();
    assert_eq!(dropped, 4);
}

// ---- configs built in code ------------------------------------------------------------------

fn queue(name: &str, durable: bool) -> QueueSpec {
    QueueSpec {
        name: name.into(),
        durable,
        exclusive: false,
        auto_delete: false,
        server_named: false,
        arguments: FieldTable::new(),
    }
}

fn producer(id: &str, key: &str, schedule: Schedule, count: Option<u64>) -> ProducerSpec {
    ProducerSpec {
        id: id.into(),
        name: id.into(),
        connection: id.into(),
        exchange: String::new(),
        routing_keys: vec![key.into()],
        properties: BasicProperties::default(),
        body: "b{n}".into(),
        schedule,
        start_ms: 0,
        count,
        mandatory: false,
        confirms: false,
    }
}

fn consumer(id: &str, queue: &str, processing_ms: u64, on_success: Settle) -> ConsumerSpec {
    ConsumerSpec {
        id: id.into(),
        name: id.into(),
        connection: id.into(),
        queue: queue.into(),
        prefetch: 1,
        auto_ack: false,
        processing_ms,
        on_success,
        failure_ppm: 0,
        on_failure: Settle::Reject,
        priority: None,
        exclusive: false,
        reply: false,
        start_ms: Some(0),
    }
}

fn run_all(config: SimConfig, max: u64) -> (Vec<SimEvent>, RunEnd) {
    let mut sim = Simulator::new(config);
    let mut out = Vec::new();
    let end = sim.run_until_idle(max, &mut out);
    (out, end)
}

#[test]
fn same_time_items_run_in_insertion_order_and_time_never_goes_back() {
    let config = SimConfig {
        queues: vec![queue("q", false)],
        producers: vec![
            producer("a", "q", Schedule::Once, None),
            producer("b", "q", Schedule::Once, None),
            producer("c", "q", Schedule::Every { every_ms: 5 }, Some(3)),
        ],
        ..SimConfig::default()
    };
    let (events, end) = run_all(config, 100);
    assert_eq!(end, RunEnd::Idle);
    let publishers: Vec<(u64, String)> = events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::Published { producer, .. } => Some((e.time.ms(), producer.id.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        publishers,
        [
            (0, "a".into()),
            (0, "b".into()),
            (0, "c".into()),
            (5, "c".into()),
            (10, "c".into())
        ]
    );
    assert!(
        events
            .windows(2)
            .all(|w| w[0].time <= w[1].time && w[0].index + 1 == w[1].index)
    );
}

#[test]
fn bursts_and_counts() {
    let burst = Schedule::Burst {
        size: 3,
        every_ms: Some(100),
    };
    let config = SimConfig {
        queues: vec![queue("q", false)],
        producers: vec![producer("p", "q", burst, Some(7))],
        ..SimConfig::default()
    };
    let (events, _) = run_all(config, 1000);
    let times: Vec<u64> = events
        .iter()
        .filter(|e| matches!(e.what, Explanation::Published { .. }))
        .map(|e| e.time.ms())
        .collect();
    assert_eq!(times, [0, 0, 0, 100, 100, 100, 200]);
}

#[test]
fn a_reject_to_self_loop_stops_at_the_bound() {
    let config = SimConfig {
        queues: vec![queue("q", false)],
        producers: vec![producer("p", "q", Schedule::Once, None)],
        consumers: vec![consumer("c", "q", 0, Settle::NackRequeue)],
        ..SimConfig::default()
    };
    let (events, end) = run_all(config, 500);
    assert_eq!(end, RunEnd::Bound);
    assert_eq!(events.len(), 500);
    assert!(events.iter().any(|e| matches!(
        e.what,
        Explanation::Delivered {
            redelivered: true,
            ..
        }
    )));
}

#[test]
fn failure_rate_is_seeded() {
    let make = |seed| SimConfig {
        seed,
        queues: vec![queue("q", false)],
        producers: vec![producer(
            "p",
            "q",
            Schedule::Every { every_ms: 10 },
            Some(200),
        )],
        consumers: vec![ConsumerSpec {
            failure_ppm: 300_000,
            on_failure: Settle::Reject,
            ..consumer("c", "q", 1, Settle::Ack)
        }],
        ..SimConfig::default()
    };
    let rejected = |seed| {
        run_all(make(seed), 10_000)
            .0
            .iter()
            .filter_map(|e| match &e.what {
                Explanation::Rejected {
                    message,
                    failed: true,
                    ..
                } => Some(message.0),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let (a, b, c) = (rejected(5), rejected(5), rejected(6));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!((30..90).contains(&a.len()), "{}", a.len());
}

#[test]
fn step_over_runs_until_the_message_settles() {
    let mut sim = Simulator::new(load_sim(&work_queues(1, "")).unwrap().0);
    // Skip the two subscriptions.
    sim.step();
    sim.step();
    let events = sim.step_over(1000);
    assert!(matches!(events[0].what, Explanation::Published { .. }));
    let last = events.last().unwrap();
    assert!(
        matches!(&last.what, Explanation::Acked { message, .. } if message.0 == 0),
        "{last:?}"
    );
    assert!(
        events
            .iter()
            .all(|e| e.message().is_none_or(|m| m.0 == 0) || e.time.ms() > 0)
    );
}

fn state(sim: &Simulator) -> String {
    format!("{sim:?}")
}

#[test]
fn seek_and_step_back_reach_the_same_state_as_a_fresh_run() {
    let config = load_sim(&work_queues(1, r#"[{"at_ms": 2000, "action": "kill_consumer", "consumer": "worker2"}, {"at_ms": 2500, "action": "start_consumer", "consumer": "worker2"}]"#)).unwrap().0;
    let mut h = History::with_limits(Simulator::new(config.clone()), 4, 4);
    assert_eq!(h.run_until_idle(10_000), RunEnd::Idle);
    let total = h.position();
    assert!(total > 40);
    let (snapshots, interval) = h.snapshot_stats();
    assert!(snapshots <= 4 && interval > 4, "{snapshots} {interval}");
    for n in [total - 1, 3, 0, 17, total / 2, 1, total] {
        h.seek(n);
        let mut fresh = Simulator::new(config.clone());
        let mut last = None;
        for _ in 0..n {
            last = fresh.step();
        }
        assert_eq!(h.position(), n);
        assert_eq!(state(h.sim()), state(&fresh), "seek({n})");
        assert_eq!(h.last_event(), last.as_ref());
    }
    h.seek(10);
    let back = h.step_back().cloned();
    assert_eq!(h.position(), 9);
    assert_eq!(back.map(|e| e.index), Some(8));
    let forward = h.step().unwrap();
    assert_eq!(forward.index, 9);
    h.reset();
    assert_eq!(h.position(), 0);
    assert_eq!(state(h.sim()), state(&Simulator::new(config)));
}

#[test]
fn history_memory_stays_bounded() {
    // An endless producer: snapshots thin out as the timeline grows.
    let config = SimConfig {
        queues: vec![queue("q", true)],
        producers: vec![producer("p", "q", Schedule::Every { every_ms: 10 }, None)],
        consumers: vec![consumer("c", "q", 5, Settle::Ack)],
        ..SimConfig::default()
    };
    let mut h = History::new(Simulator::new(config));
    assert_eq!(h.run_until_idle(100_000), RunEnd::Bound);
    let (snapshots, interval) = h.snapshot_stats();
    assert!(snapshots <= 64, "{snapshots}");
    assert!(interval >= 100_000 / 64, "{interval}");
}

#[test]
fn broker_restart_keeps_durable_queues_and_persistent_messages() {
    let mut persistent = producer("p", "durable", Schedule::Once, Some(3));
    persistent.properties.delivery_mode = Some(2);
    let transient = producer("t", "durable", Schedule::Once, Some(2));
    let lost = producer("x", "transient", Schedule::Once, Some(4));
    let config = SimConfig {
        queues: vec![queue("durable", true), queue("transient", false)],
        producers: vec![persistent, transient, lost],
        script: vec![ScriptedAction {
            at_ms: 100,
            action: Action::RestartBroker,
        }],
        ..SimConfig::default()
    };
    let mut sim = Simulator::new(config);
    let mut out = Vec::new();
    sim.run_until(VirtualTime(1000), 1000, &mut out);
    let restarted = out
        .iter()
        .find_map(|e| match &e.what {
            Explanation::BrokerRestarted {
                kept_messages,
                lost_messages,
                lost_queues,
                ..
            } => Some((*kept_messages, *lost_messages, lost_queues.clone())),
            _ => None,
        })
        .expect("restart event");
    assert_eq!(restarted.0, 3);
    assert_eq!(restarted.1, 6);
    assert_eq!(
        restarted
            .2
            .iter()
            .map(|q| q.to_string())
            .collect::<Vec<_>>(),
        ["transient"]
    );
    assert_eq!(
        sim.broker().queue_by_name("durable").unwrap().ready_len(),
        3
    );
    // Clients declared their topology again: the transient queue exists, empty.
    assert_eq!(
        sim.broker().queue_by_name("transient").unwrap().ready_len(),
        0
    );
}

/// A kill pressed in the UI is a runtime edit: it is tied to the event count, so stepping back
/// over it and forward again replays the same requeue and redelivery.
#[test]
fn live_kill_replays_identically_after_step_back_and_forward() {
    let config = load_sim(&work_queues(1, "")).unwrap().0;
    let mut h = History::with_limits(Simulator::new(config), 4, 8);
    // Until a worker holds a task.
    let mut holder = None;
    for _ in 0..200 {
        let e = h.step().expect("work-queues runs");
        if let Explanation::Delivered { consumer, .. } = &e.what {
            holder = Some(consumer.id.to_string());
            break;
        }
    }
    let holder = holder.expect("a delivery");
    assert_eq!(h.sim().consumer_subscribed(&holder), Some(true));
    let at = h.position();
    h.edit(vec![Action::KillConsumer {
        consumer: holder.clone(),
    }]);
    assert_eq!(h.sim().consumer_subscribed(&holder), Some(false));
    let mut first = Vec::new();
    for _ in 0..40 {
        match h.step() {
            Some(e) => first.push(e),
            None => break,
        }
    }
    let killed = first
        .iter()
        .position(|e| matches!(&e.what, Explanation::ConsumerKilled { unacked: 1, .. }))
        .expect("kill event with one unacked");
    let requeued = first
        .iter()
        .position(|e| matches!(&e.what, Explanation::Requeued { .. }))
        .expect("requeue event");
    let redelivered = first
        .iter()
        .position(|e| {
            matches!(&e.what, Explanation::Delivered { redelivered: true, consumer, .. }
                if consumer.id.as_ref() != holder)
        })
        .expect("redelivery to the other worker");
    assert!(killed < requeued && requeued < redelivered);
    let end = h.position();
    // Step back over the kill, then forward again: the same events.
    h.seek(at - 1);
    assert_eq!(h.sim().consumer_subscribed(&holder), Some(true));
    h.seek(at);
    let mut again = Vec::new();
    while h.position() < end {
        again.push(h.step().expect("replay"));
    }
    assert_eq!(first, again);
    h.seek(0);
    let replay: Vec<SimEvent> = (0..end).filter_map(|_| h.step()).collect();
    assert_eq!(replay[replay.len() - first.len()..], first[..]);
    // Stepped back before the kill, a new live action rewrites the future: the kill is gone.
    h.seek(at - 2);
    h.edit(vec![Action::RestartBroker]);
    let recorded: Vec<&Action> = h.sim().edits().map(|(_, a)| a).collect();
    assert_eq!(recorded, [&Action::RestartBroker]);
}

/// The editor's document keeps a scenario's `script`, so the web playback runs it too; an
/// action whose actor was deleted from the diagram is dropped, not the whole script.
#[test]
fn the_scenario_model_keeps_the_script_for_to_sim() {
    let text = work_queues(
        1,
        r#"[{"at_ms": 2000, "action": "kill_consumer", "consumer": "worker2"}, {"at_ms": 3000, "action": "restart_broker"}]"#,
    );
    let mut parsed = warren::scenario::parse::parse_str(&text).unwrap().scenario;
    assert_eq!(parsed.script.len(), 2);
    let config = warren::scenario::to_sim::to_sim(&parsed);
    assert_eq!(config, load_sim(&text).unwrap().0);
    assert!(parsed.to_json().contains("kill_consumer"));
    parsed.consumers.retain(|c| c.id != "worker2");
    let actions: Vec<Action> = warren::scenario::to_sim::to_sim(&parsed)
        .script
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(actions, [Action::RestartBroker]);
}

// ---- lesson facts of the presets, read from their events --------------------------------------

fn preset(name: &str) -> String {
    presets()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("preset {name} missing"))
}

fn published_with_key(events: &[SimEvent], key: &str) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::Published {
                message: Some(m),
                routing_key,
                ..
            } if &**routing_key == key => Some(m.0),
            _ => None,
        })
        .collect()
}

#[test]
fn delayed_retry_shows_a_failure_waiting_expiring_and_then_acked_early() {
    let events = events_of(&preset("delayed-retry"));
    let first_failure = events
        .iter()
        .position(|e| matches!(&e.what, Explanation::Nacked { failed: true, .. }))
        .expect("some order fails");
    assert!(
        first_failure < 10,
        "the retry loop should start early, first failure at event #{first_failure}"
    );
    let Explanation::Nacked { message, .. } = &events[first_failure].what else {
        unreachable!()
    };
    // Follow the failed order through its dead-lettered copies until it is acked.
    let (mut current, mut waited, mut expired, mut rounds) = (message.0, false, false, 0);
    let acked = loop {
        let next = events.iter().find_map(|e| match &e.what {
            Explanation::DeadLettered {
                message,
                copy,
                queues,
                ..
            } if message.0 == current => Some((copy.0, queues.clone())),
            _ => None,
        });
        let Some((copy, queues)) = next else {
            break events.iter().any(
                |e| matches!(&e.what, Explanation::Acked { message, .. } if message.0 == current),
            );
        };
        if queues.iter().any(|q| &**q == "orders.wait") {
            waited = true;
            expired |= events.iter().any(|e| {
                matches!(&e.what, Explanation::Expired { message, queue, .. }
                    if message.0 == copy && &**queue == "orders.wait")
            });
        }
        current = copy;
        rounds += 1;
        assert!(rounds < 100, "dead-letter chain does not end");
    };
    assert!(waited, "the failed order never reached orders.wait");
    assert!(expired, "the failed order never expired in orders.wait");
    assert!(acked, "the retried order is never acked");
    // Every order is eventually processed, and one of them needs more than one retry.
    let acks = events
        .iter()
        .filter(|e| matches!(&e.what, Explanation::Acked { .. }))
        .count();
    assert_eq!(acks, 5);
    let max_count = events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::DeadLettered { x_death, .. } => Some(x_death.count),
            _ => None,
        })
        .max();
    assert!(
        max_count >= Some(2),
        "x-death count never grows: {max_count:?}"
    );
}

#[test]
fn topics_deliver_lazy_pink_rabbit_once_and_drop_the_unmatched_keys() {
    let events = events_of(&preset("topics"));
    let pink = published_with_key(&events, "lazy.pink.rabbit");
    assert_eq!(pink.len(), 1);
    let to: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::Delivered { message, queue, .. } if message.0 == pink[0] => {
                Some(queue.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(to, ["Q2"], "lazy.pink.rabbit matches two bindings of Q2");
    for key in ["quick.brown.fox", "orange", "quick.orange.new.rabbit"] {
        let m = published_with_key(&events, key);
        assert_eq!(m.len(), 1, "{key}");
        assert!(
            events.iter().any(
                |e| matches!(&e.what, Explanation::NotRouted { message, .. } if message.0 == m[0])
            ),
            "{key} should match nothing"
        );
    }
}

#[test]
fn work_queues_preset_survives_a_broker_restart_only_when_durable_and_persistent() {
    let script = r#"[{"at_ms": 2500, "action": "restart_broker"}]"#;
    let restart_of = |text: &str| {
        let events = events_of(text);
        events
            .iter()
            .find_map(|e| match &e.what {
                Explanation::BrokerRestarted {
                    kept_messages,
                    lost_messages,
                    ..
                } => Some((*kept_messages, *lost_messages)),
                _ => None,
            })
            .expect("restart event")
    };
    let (kept, lost) = restart_of(&work_queues(1, script));
    assert!(kept > 0, "no task was waiting at the restart");
    assert_eq!(lost, 0);
    let mut v: serde_json::Value = serde_json::from_str(&work_queues(1, script)).unwrap();
    v["producers"][0]["properties"]["delivery_mode"] = 1.into();
    let (kept, lost) = restart_of(&v.to_string());
    assert_eq!(kept, 0);
    assert!(lost > 0, "transient tasks should be lost");
}

#[test]
fn rpc_replies_reach_the_callback_queue_with_the_requests_correlation_id() {
    let events = events_of(&preset("rpc"));
    let replies: Vec<(u64, u64, Option<String>)> = events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::ReplyPublished {
                message: Some(reply),
                request,
                correlation_id,
                ..
            } => Some((request.0, reply.0, correlation_id.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(replies.len(), 3, "{replies:?}");
    for (n, (request, reply, correlation_id)) in replies.iter().enumerate() {
        let published = events.iter().any(|e| {
            matches!(&e.what, Explanation::Published { message: Some(m), number, .. }
                if m.0 == *request && *number == n as u64 + 1)
        });
        assert!(published, "request {request} is not request {}", n + 1);
        assert_eq!(
            correlation_id.as_deref(),
            Some(&*format!("request-{}", n + 1))
        );
        let to_client = events.iter().any(|e| {
            matches!(&e.what, Explanation::Delivered { message, queue, consumer, .. }
                if message.0 == *reply && &**queue == "amq.gen-callback"
                    && &*consumer.id == "rpc_client_replies")
        });
        assert!(
            to_client,
            "reply {reply} never reached the client's callback queue"
        );
    }
}

#[test]
fn publish_subscribe_copies_every_message_to_both_exclusive_queues() {
    let text = preset("publish-subscribe");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for q in v["topology"]["queues"].as_array().unwrap() {
        assert_eq!(q["exclusive"], true, "{q}");
        assert_eq!(q["server_named"], true, "{q}");
    }
    let events = events_of(&text);
    let published = published_with_key(&events, "");
    assert_eq!(published.len(), 5);
    for m in published {
        let receivers: Vec<String> = events
            .iter()
            .filter_map(|e| match &e.what {
                Explanation::Delivered {
                    message, consumer, ..
                } if message.0 == m => Some(consumer.id.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(receivers, ["receiver1", "receiver2"], "m{m}");
    }
}

/// The queues each publish of `producer` (or of any producer) was routed to, in publish order.
fn routes(events: &[SimEvent], producer: Option<&str>) -> Vec<(String, Vec<String>)> {
    events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::Published {
                message: Some(m),
                producer: p,
                routing_key,
                ..
            } if producer.is_none_or(|id| &*p.id == id) => Some((m.0, routing_key.to_string())),
            _ => None,
        })
        .map(|(m, key)| {
            let mut queues: Vec<String> = events
                .iter()
                .filter_map(|e| match &e.what {
                    Explanation::Routed {
                        message, queues, ..
                    } if message.0 == m => Some(
                        queues
                            .iter()
                            .map(|q| q.to_string())
                            .collect::<Vec<String>>(),
                    ),
                    _ => None,
                })
                .flatten()
                .collect::<Vec<String>>();
            queues.sort();
            (key, queues)
        })
        .collect()
}

#[test]
fn routing_sends_error_to_both_queues_and_info_warning_to_screen_only() {
    let events = events_of(&preset("routing"));
    let all = routes(&events, None);
    assert_eq!(all.len(), 6);
    for (key, queues) in all {
        let expected: &[&str] = if key == "error" {
            &["amq.gen-disk", "amq.gen-screen"]
        } else {
            &["amq.gen-screen"]
        };
        assert_eq!(queues, expected, "{key}");
    }
}

#[test]
fn dead_lettering_shows_both_a_rejected_and_an_expired_death() {
    let events = events_of(&preset("dead-lettering"));
    let deaths: Vec<(&str, String)> = events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::DeadLettered {
                x_death, queues, ..
            } if queues.iter().any(|q| &**q == "dead_letters") => {
                Some((x_death.reason, x_death.queue.clone()))
            }
            _ => None,
        })
        .collect();
    assert!(
        deaths.contains(&("rejected", "work_queue".into())),
        "{deaths:?}"
    );
    assert!(
        deaths.contains(&("expired", "slow_queue".into())),
        "{deaths:?}"
    );
}

#[test]
fn exchange_to_exchange_and_alternate_and_headers_route_as_their_lessons_say() {
    let events = events_of(&preset("exchange-to-exchange"));
    for (key, queues) in routes(&events, None) {
        let expected: &[&str] = if key.starts_with("order.") {
            &["audit_log", "billing"]
        } else {
            &["audit_log"]
        };
        assert_eq!(queues, expected, "{key}");
    }

    let events = events_of(&preset("alternate-exchange"));
    let asia = routes(&events, None)
        .into_iter()
        .filter(|(k, _)| k == "asia")
        .collect::<Vec<_>>();
    assert_eq!(asia.len(), 2);
    for (_, queues) in asia {
        assert_eq!(queues, ["unrouted_orders"]);
    }
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.what, Explanation::ToAlternate { .. }))
    );

    let events = events_of(&preset("headers-exchange"));
    for (producer, queue) in [
        ("pdf_report", "pdf_reports"),
        ("zip_report", "zip_or_logs"),
        ("pdf_log", "zip_or_logs"),
    ] {
        let r = routes(&events, Some(producer));
        assert_eq!(r.len(), 2, "{producer}");
        for (_, queues) in r {
            assert_eq!(queues, [queue], "{producer}");
        }
    }
}

#[test]
fn max_length_shows_each_overflow_mode() {
    let events = events_of(&preset("max-length"));
    let nacks = events
        .iter()
        .filter(|e| matches!(&e.what, Explanation::ConfirmNack { .. }))
        .count();
    assert_eq!(nacks, 3, "messages 4 to 6 are refused and nacked");
    let maxlen_from: BTreeSet<String> = events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::DeadLettered {
                x_death, queues, ..
            } if x_death.reason == "maxlen" && queues.iter().any(|q| &**q == "overflowed") => {
                Some(x_death.queue.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        maxlen_from.into_iter().collect::<Vec<_>>(),
        ["drop_head", "reject_publish_dlx"]
    );
    let refused = events.iter().any(|e| {
        matches!(&e.what, Explanation::Dropped { queue, why: warren::sim::explain::DropWhy::RejectPublish, .. }
            if &**queue == "reject_publish")
    });
    assert!(refused);
}

#[test]
fn priority_queue_lets_the_high_burst_overtake_waiting_low_messages() {
    let events = events_of(&preset("priority-queue"));
    let producer_of = |m: u64| {
        events.iter().find_map(|e| match &e.what {
            Explanation::Published {
                message: Some(x),
                producer,
                ..
            } if x.0 == m => Some(producer.id.to_string()),
            _ => None,
        })
    };
    let order: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.what {
            Explanation::Delivered { message, .. } => producer_of(message.0),
            _ => None,
        })
        .collect();
    assert!(order.len() >= 6, "{order:?}");
    assert_eq!(order[0], "low");
    assert!(
        order[1..6].iter().all(|p| p == "high"),
        "after the first low job the five high ones: {order:?}"
    );
}
