//! Runtime edits: the diff from the running configuration to the edited one, and the edits
//! run by the engine (checked from the events they produce), replayed across step back.

use warren::broker::FieldTable;
use warren::scenario::presets::preset;
use warren::scenario::to_sim::load_sim;
use warren::sim::{
    Action, BindingSpec, ConsumerSpec, Explanation, History, Lang, QueueSpec, Refusal, Settle,
    SimConfig, SimEvent, Simulator, render, runtime_changes,
};

fn topics() -> SimConfig {
    let text = preset("topics").unwrap_or_default();
    load_sim(text).map(|(c, _)| c).unwrap_or_default()
}

fn queue(name: &str) -> QueueSpec {
    QueueSpec {
        name: name.into(),
        durable: false,
        exclusive: false,
        auto_delete: false,
        server_named: false,
        arguments: FieldTable::new(),
    }
}

fn binding(source: &str, destination: &str, key: &str) -> BindingSpec {
    BindingSpec {
        source: source.into(),
        destination: destination.into(),
        to_exchange: false,
        binding_key: key.into(),
        arguments: FieldTable::new(),
    }
}

fn consumer(id: &str, queue: &str, auto_ack: bool, processing_ms: u64) -> ConsumerSpec {
    ConsumerSpec {
        id: id.into(),
        name: id.into(),
        connection: id.into(),
        queue: queue.into(),
        prefetch: 0,
        auto_ack,
        processing_ms,
        on_success: Settle::Ack,
        failure_ppm: 0,
        on_failure: Settle::Ack,
        priority: None,
        exclusive: false,
        reply: false,
        start_ms: Some(0),
    }
}

fn texts(events: &[SimEvent]) -> Vec<String> {
    events.iter().map(|e| render(&e.what, Lang::En)).collect()
}

fn steps(h: &mut History, n: usize) -> Vec<SimEvent> {
    (0..n).filter_map(|_| h.step()).collect()
}

#[test]
fn adding_a_queue_and_binding_is_a_declare_then_a_bind() {
    let old = topics();
    let mut new = old.clone();
    new.queues.push(queue("Q3"));
    new.bindings.push(binding("topic_logs", "Q3", "quick.#"));
    let actions = runtime_changes(&old, &new);
    assert_eq!(
        actions,
        Ok(vec![
            Action::DeclareQueue(queue("Q3")),
            Action::Bind(binding("topic_logs", "Q3", "quick.#")),
        ])
    );
    assert_eq!(runtime_changes(&old, &old), Ok(vec![]));
}

#[test]
fn deleting_a_queue_does_not_unbind_its_bindings_separately() {
    let old = topics();
    let mut new = old.clone();
    new.queues.retain(|q| q.name != "Q2");
    new.bindings.retain(|b| b.destination != "Q2");
    new.consumers.retain(|c| c.queue != "Q2");
    let actions = runtime_changes(&old, &new).unwrap_or_default();
    assert_eq!(
        actions,
        vec![
            Action::RemoveConsumer {
                consumer: "c2".into()
            },
            Action::DeleteQueue { name: "Q2".into() },
        ]
    );
    // Removing one binding alone is an unbind.
    let mut one = old.clone();
    one.bindings.retain(|b| b.binding_key != "lazy.#");
    assert_eq!(
        runtime_changes(&old, &one),
        Ok(vec![Action::Unbind(binding("topic_logs", "Q2", "lazy.#"))])
    );
}

#[test]
fn what_rabbitmq_refuses_at_runtime_is_refused_with_the_reason() {
    let old = topics();
    let mut durable = old.clone();
    durable.queues[0].durable = true;
    assert_eq!(
        runtime_changes(&old, &durable),
        Err(Refusal::QueueChanged { name: "Q1".into() })
    );
    let mut kind = old.clone();
    kind.exchanges[0].kind = warren::broker::ExchangeKind::Direct;
    assert!(matches!(
        runtime_changes(&old, &kind),
        Err(Refusal::ExchangeChanged { .. })
    ));
    let mut renamed = old.clone();
    renamed.queues[0].name = "Q9".into();
    assert_eq!(
        runtime_changes(&old, &renamed),
        Err(Refusal::Renamed {
            kind: "queue",
            from: "Q1".into(),
            to: "Q9".into()
        })
    );
    let mut seed = old.clone();
    seed.seed += 1;
    assert_eq!(runtime_changes(&old, &seed), Err(Refusal::Seed));
    let why = Refusal::QueueChanged { name: "Q1".into() };
    assert!(why.text(Lang::En).contains("406"));
    assert!(why.text(Lang::ZhCn).contains("队列 Q1"));
}

#[test]
fn a_changed_client_is_replaced_not_refused() {
    let old = topics();
    let mut new = old.clone();
    new.consumers[0].prefetch = 5;
    let actions = runtime_changes(&old, &new).unwrap_or_default();
    assert_eq!(actions.len(), 2);
    assert_eq!(
        actions[0],
        Action::RemoveConsumer {
            consumer: "c1".into()
        }
    );
    assert!(matches!(&actions[1], Action::AddConsumer(c) if c.prefetch == 5));
}

#[test]
fn a_queue_declared_and_bound_while_running_receives_matching_messages() {
    let old = topics();
    let mut h = History::new(Simulator::new(old.clone()));
    let before = steps(&mut h, 12);
    let pos = h.position();
    let t = h.sim().now();
    let mut new = old.clone();
    new.queues.push(queue("Q3"));
    new.bindings.push(binding("topic_logs", "Q3", "#.rabbit"));
    h.edit(runtime_changes(&old, &new).unwrap_or_default());
    assert_eq!(h.position(), pos, "an edit does not move the timeline");
    assert_eq!(h.sim().now(), t);
    let after = steps(&mut h, 400);
    let log = texts(&after);
    assert!(
        log.iter().any(|l| l == "queue Q3 declared while running"),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l == "binding Q3 ← topic_logs (#.rabbit) added"),
        "{log:?}"
    );
    // Every message published after the edit whose key ends in `.rabbit` reaches Q3.
    let rabbits = after
        .iter()
        .filter(|e| matches!(&e.what, Explanation::Published { routing_key, .. } if routing_key.ends_with(".rabbit")))
        .count();
    let to_q3 = after
        .iter()
        .filter(|e| matches!(&e.what, Explanation::Routed { queues, .. } if queues.iter().any(|q| &**q == "Q3")))
        .count();
    assert!(rabbits > 0);
    assert_eq!(to_q3, rabbits);
    let ready = h.sim().broker().queue_by_name("Q3").map(|q| q.ready_len());
    assert_eq!(ready, Some(rabbits));
    assert!(
        !before
            .iter()
            .any(|e| render(&e.what, Lang::En).contains("Q3"))
    );
    assert!(h.sim().broker().queue_by_name("Q3").is_some());
}

#[test]
fn step_back_across_an_edit_undeclares_and_replays_it() {
    let old = topics();
    let mut h = History::with_limits(Simulator::new(old.clone()), 4, 8);
    steps(&mut h, 9);
    let pos = h.position();
    let mut new = old.clone();
    new.queues.push(queue("Q3"));
    new.bindings.push(binding("topic_logs", "Q3", "#"));
    h.edit(runtime_changes(&old, &new).unwrap_or_default());
    let forward = texts(&steps(&mut h, 60));
    h.seek(pos - 3);
    assert!(h.sim().broker().queue_by_name("Q3").is_none());
    h.seek(pos + 60);
    assert!(h.sim().broker().queue_by_name("Q3").is_some());
    // The replay from a snapshot is the same story.
    h.seek(pos);
    let again = texts(&steps(&mut h, 60));
    assert_eq!(forward, again);
    // Reset keeps the edit on the timeline.
    h.reset();
    let mut all = Vec::new();
    while let Some(e) = h.step() {
        all.push(render(&e.what, Lang::En));
    }
    assert!(all.iter().any(|l| l == "queue Q3 declared while running"));
}

#[test]
fn deleting_a_queue_while_running_discards_its_messages_and_cancels_consumers() {
    // Q3 takes everything; its slow worker holds one message at a time.
    let mut old = topics();
    old.queues.push(queue("Q3"));
    old.bindings.push(binding("topic_logs", "Q3", "#"));
    let mut worker = consumer("c3", "Q3", false, 5_000);
    worker.prefetch = 1;
    old.consumers.push(worker);
    let mut h = History::new(Simulator::new(old.clone()));
    while h.sim().now().ms() < 6_500 || h.sim().pending_events() > 0 {
        if h.step().is_none() {
            break;
        }
    }
    let ready = h
        .sim()
        .broker()
        .queue_by_name("Q3")
        .map_or(0, |q| q.ready_len());
    assert!(ready > 1, "the test needs ready messages in Q3");
    let mut new = old.clone();
    new.queues.retain(|q| q.name != "Q3");
    new.bindings.retain(|b| b.destination != "Q3");
    let actions = runtime_changes(&old, &new).unwrap_or_default();
    assert_eq!(actions, vec![Action::DeleteQueue { name: "Q3".into() }]);
    h.edit(actions);
    let after = steps(&mut h, 50);
    let log = texts(&after);
    let expected = format!(
        "queue Q3 deleted while running: {ready} ready message(s) discarded, its bindings removed and its consumers cancelled"
    );
    assert_eq!(log.first(), Some(&expected), "{log:?}");
    let dropped = after
        .iter()
        .filter(|e| matches!(&e.what, Explanation::Dropped { queue, .. } if &**queue == "Q3"))
        .count();
    assert_eq!(dropped, ready);
    assert!(
        log.iter()
            .any(|l| l.contains("cancelled consumer c3 because queue Q3 was deleted")),
        "{log:?}"
    );
    assert!(h.sim().broker().queue_by_name("Q3").is_none());
    assert!(!log.iter().any(|l| l.contains("from Q3")), "{log:?}");
}

#[test]
fn removing_a_consumer_is_a_cancel_that_keeps_its_unacked_messages() {
    let mut old = topics();
    old.consumers[0] = consumer("c1", "Q1", false, 5_000);
    let mut h = History::new(Simulator::new(old.clone()));
    while h.sim().consumer_unacked(0).unwrap_or(0) == 0 {
        if h.step().is_none() {
            break;
        }
    }
    // Let the Delivered event of the current item be handed out.
    while h.sim().pending_events() > 0 {
        h.step();
    }
    let mut new = old.clone();
    new.consumers.remove(0);
    h.edit(runtime_changes(&old, &new).unwrap_or_default());
    let after = steps(&mut h, 200);
    let log = texts(&after);
    assert!(
        log.first().is_some_and(|l| l.starts_with(
            "consumer c1 removed from queue Q1 (basic.cancel): no more deliveries; its 1 unacked"
        )),
        "{log:?}"
    );
    // Still settles what it holds (an ack, not a requeue), then gets nothing more.
    let acked = after.iter().position(
        |e| matches!(&e.what, Explanation::Acked { consumer, .. } if &*consumer.id == "c1"),
    );
    assert!(acked.is_some(), "{log:?}");
    assert!(!after.iter().any(
        |e| matches!(&e.what, Explanation::Delivered { consumer, .. } if &*consumer.id == "c1")
    ));
    assert!(
        !after
            .iter()
            .any(|e| matches!(e.what, Explanation::Requeued { .. }))
    );
}

#[test]
fn adding_a_consumer_while_running_subscribes_it_now() {
    let old = topics();
    let mut h = History::new(Simulator::new(old.clone()));
    steps(&mut h, 10);
    let t = h.sim().now();
    let mut new = old.clone();
    new.consumers.push(consumer("c3", "Q2", true, 0));
    h.edit(runtime_changes(&old, &new).unwrap_or_default());
    let after = steps(&mut h, 300);
    let started = after
        .iter()
        .find(|e| matches!(&e.what, Explanation::ConsumerStarted { consumer, .. } if &*consumer.id == "c3"));
    assert_eq!(started.map(|e| e.time), Some(t));
    assert!(after.iter().any(
        |e| matches!(&e.what, Explanation::Delivered { consumer, .. } if &*consumer.id == "c3")
    ));
}

#[test]
fn a_consumer_without_a_queue_is_added_but_does_not_subscribe() {
    let old = topics();
    let mut h = History::new(Simulator::new(old.clone()));
    steps(&mut h, 5);
    while h.sim().pending_events() > 0 {
        h.step();
    }
    let mut new = old.clone();
    new.consumers.push(consumer("c9", "", false, 0));
    h.edit(runtime_changes(&old, &new).unwrap_or_default());
    let after = steps(&mut h, 100);
    let log = texts(&after);
    assert_eq!(
        log.first().map(String::as_str),
        Some("consumer c9 added, not subscribed to a queue yet")
    );
    assert!(!after.iter().any(|e| matches!(
        &e.what,
        Explanation::ConsumerStarted { consumer, .. } | Explanation::ChannelClosed { actor: consumer, .. }
            if &*consumer.id == "c9"
    )));
    // Connecting it later is a client change: the old one leaves, the new one subscribes.
    let mut connected = new.clone();
    if let Some(c) = connected.consumers.last_mut() {
        c.queue = "Q2".into();
    }
    h.edit(runtime_changes(&new, &connected).unwrap_or_default());
    let log = texts(&steps(&mut h, 5));
    assert!(
        log.iter()
            .any(|l| l.starts_with("consumer c9 subscribed to Q2")),
        "{log:?}"
    );
}
