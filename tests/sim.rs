//! Simulator integration tests: golden traces of every preset, the work-queues lesson checked
//! from events, determinism, bounded runs, step over, seek/step back, broker restart.

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
