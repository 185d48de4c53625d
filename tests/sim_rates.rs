//! Per-queue rates (src/sim/rates.rs) over whole preset runs: the meter counts what the events
//! say, and the per-second rates integrate back to the totals.

use warren::scenario::presets;
use warren::scenario::to_sim::to_sim;
use warren::sim::rates::{Flow, FlowMeter, RatePoint, bucket_ms, rates};
use warren::sim::{Explanation, Simulator};

fn flow(p: u64, d: u64, a: u64) -> Flow {
    Flow {
        published: p,
        delivered: d,
        acked: a,
    }
}

/// Over a whole run of a preset, the meter's totals are what the events say: every routed
/// copy into the queue counted once, every delivery and every positive ack of a delivery
/// from it; and the rates integrate back to the totals.
#[test]
fn the_meter_counts_the_work_queues_run_and_rates_integrate_to_it() {
    let cfg = to_sim(&presets::load("work-queues").unwrap().scenario);
    let mut sim = Simulator::new(cfg);
    let mut meter = FlowMeter::default();
    let mut samples = Vec::new();
    let (mut routed, mut delivered, mut acked) = (0, 0, 0);
    while let Some(e) = sim.step() {
        match &e.what {
            Explanation::Routed { queues, .. } => {
                routed += queues.iter().filter(|q| &***q == "task_queue").count() as u64
            }
            Explanation::Delivered { .. } => delivered += 1,
            Explanation::Acked { .. } => acked += 1,
            _ => {}
        }
        if meter.apply(&e).iter().any(|q| &**q == "task_queue") {
            samples.push((e.time.ms(), meter.get("task_queue")));
        }
    }
    let total = meter.get("task_queue");
    assert!(total.published > 0);
    assert_eq!(total, flow(routed, delivered, acked));
    let end = sim.now().ms();
    let width = bucket_ms(end, 30);
    let r = rates(&samples, end, width);
    let secs = width as f64 / 1000.0;
    let sum = |f: fn(&RatePoint) -> f64| r.iter().map(|p| f(p) * secs).sum::<f64>().round();
    assert_eq!(sum(|p| p.published), total.published as f64);
    assert_eq!(sum(|p| p.delivered), total.delivered as f64);
    assert_eq!(sum(|p| p.acked), total.acked as f64);
}

#[test]
fn an_ack_after_a_killed_consumer_is_not_counted_and_nacks_are_not_acks() {
    let cfg = to_sim(&presets::load("dead-lettering").unwrap().scenario);
    let mut sim = Simulator::new(cfg);
    let mut meter = FlowMeter::default();
    let mut acks = 0;
    let mut negative = 0;
    while let Some(e) = sim.step() {
        match &e.what {
            Explanation::Acked { .. } => acks += 1,
            Explanation::Nacked { .. } | Explanation::Rejected { .. } => negative += 1,
            _ => {}
        }
        meter.apply(&e);
    }
    let acked: u64 = meter.totals().values().map(|f| f.acked).sum();
    assert_eq!(acked, acks);
    assert!(negative > 0, "the preset rejects messages");
    assert!(meter.holding() == 0, "nothing is held at idle");
}
