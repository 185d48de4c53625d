//! Per-queue message rates from the event stream: how many messages were published into,
//! delivered from and acknowledged on each queue per virtual second.
//!
//! Owns: [`FlowMeter`], the cumulative per-queue counters folded from [`SimEvent`]s, and
//! [`rates`], which turns timestamped cumulative counters into per-second rates over buckets of
//! virtual time. Why cumulative counters and not per-bucket counts: a timeline that steps back
//! only has to drop the samples after the new position (and restore the meter from a
//! checkpoint) to be exactly where a fresh run would be; rates are then differences of totals.
//!
//! Pure: no clock, no web crates; must not import `scenario` or `ui`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::event::SimEvent;
use super::explain::Explanation;

/// Cumulative message flow of one queue since the start of the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flow {
    /// Messages routed (or dead-lettered) into the queue.
    pub published: u64,
    /// Deliveries from the queue to consumers (redeliveries included).
    pub delivered: u64,
    /// Deliveries from the queue acknowledged with basic.ack.
    pub acked: u64,
}

/// Folds events into per-queue [`Flow`] totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowMeter {
    totals: BTreeMap<Arc<str>, Flow>,
    /// Unacked deliveries: (consumer id, delivery tag) → queue. An ack names the consumer and
    /// tag, not the queue, so the queue comes from the delivery it settles.
    held: BTreeMap<(Arc<str>, u64), Arc<str>>,
}

impl FlowMeter {
    /// Applies one event; returns the queues whose totals changed.
    pub fn apply(&mut self, e: &SimEvent) -> Vec<Arc<str>> {
        use Explanation as E;
        match &e.what {
            E::Routed { queues, .. } | E::DeadLettered { queues, .. } => {
                for q in queues {
                    self.totals.entry(q.clone()).or_default().published += 1;
                }
                queues.clone()
            }
            E::Delivered {
                queue,
                consumer,
                delivery_tag,
                why,
                ..
            } => {
                self.totals.entry(queue.clone()).or_default().delivered += 1;
                if !why.auto_ack {
                    self.held
                        .insert((consumer.id.clone(), *delivery_tag), queue.clone());
                }
                vec![queue.clone()]
            }
            E::Acked {
                consumer,
                delivery_tag,
                ..
            } => match self.held.remove(&(consumer.id.clone(), *delivery_tag)) {
                Some(q) => {
                    self.totals.entry(q.clone()).or_default().acked += 1;
                    vec![q]
                }
                None => Vec::new(),
            },
            E::Nacked {
                consumer,
                delivery_tag,
                ..
            }
            | E::Rejected {
                consumer,
                delivery_tag,
                ..
            } => {
                self.held.remove(&(consumer.id.clone(), *delivery_tag));
                Vec::new()
            }
            E::ConsumerKilled { consumer, .. }
            | E::ChannelClosed {
                actor: consumer, ..
            } => {
                self.held.retain(|(c, _), _| *c != consumer.id);
                Vec::new()
            }
            E::BrokerRestarted { .. } => {
                // Connections are gone: nothing held can be acked any more.
                self.held.clear();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Totals of `queue` so far.
    pub fn get(&self, queue: &str) -> Flow {
        self.totals.get(queue).copied().unwrap_or_default()
    }

    /// Deliveries waiting for a settle.
    pub fn holding(&self) -> usize {
        self.held.len()
    }

    /// Totals of every queue that has seen any flow.
    pub fn totals(&self) -> &BTreeMap<Arc<str>, Flow> {
        &self.totals
    }
}

/// Rates of one bucket of virtual time `[from_ms, to_ms)`, in messages per virtual second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatePoint {
    /// Start of the bucket, virtual ms.
    pub from_ms: u64,
    /// End of the bucket, virtual ms.
    pub to_ms: u64,
    /// Published into the queue, msg/s.
    pub published: f64,
    /// Delivered to consumers, msg/s.
    pub delivered: f64,
    /// Acknowledged, msg/s.
    pub acked: f64,
}

/// The bucket width for a run of `span_ms` drawn in at most `buckets` buckets: one virtual
/// second, or the smallest of 2, 5, 10, 20, 50… seconds that fits.
pub fn bucket_ms(span_ms: u64, buckets: usize) -> u64 {
    let buckets = buckets.max(1) as u64;
    let mut w: u64 = 1000;
    let steps: [u64; 3] = [2, 5, 10];
    let mut scale: u64 = 1000;
    let mut i = 0;
    while w.saturating_mul(buckets) < span_ms && i < 60 {
        w = scale.saturating_mul(steps[i % 3]);
        i += 1;
        if i.is_multiple_of(3) {
            scale = scale.saturating_mul(10);
        }
    }
    w
}

fn per_s(count: u64, width_ms: u64) -> f64 {
    count as f64 * 1000.0 / width_ms as f64
}

/// Per-second rates over buckets of `width_ms` covering `[0, end_ms]`, from `samples`:
/// (virtual ms, cumulative [`Flow`] after the events at that time), in time order. A bucket's
/// rate is the flow it saw divided by its width; the last bucket may still be filling.
pub fn rates(samples: &[(u64, Flow)], end_ms: u64, width_ms: u64) -> Vec<RatePoint> {
    let width = width_ms.max(1);
    let n = end_ms / width + 1;
    let mut out = Vec::new();
    let mut i = 0;
    let mut before = Flow::default();
    for b in 0..n {
        let (from_ms, to_ms) = (b * width, (b + 1) * width);
        let mut after = before;
        while let Some((t, f)) = samples.get(i) {
            if *t >= to_ms {
                break;
            }
            after = *f;
            i += 1;
        }
        out.push(RatePoint {
            from_ms,
            to_ms,
            published: per_s(after.published.saturating_sub(before.published), width),
            delivered: per_s(after.delivered.saturating_sub(before.delivered), width),
            acked: per_s(after.acked.saturating_sub(before.acked), width),
        });
        before = after;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(p: u64, d: u64, a: u64) -> Flow {
        Flow {
            published: p,
            delivered: d,
            acked: a,
        }
    }

    #[test]
    fn rates_are_differences_of_totals_per_second() {
        // 3 in during the first second, 2 more in the third; deliveries and acks follow.
        let samples = [
            (0, flow(1, 0, 0)),
            (400, flow(3, 1, 0)),
            (999, flow(3, 2, 1)),
            (2100, flow(5, 4, 3)),
        ];
        let r = rates(&samples, 2500, 1000);
        assert_eq!(r.len(), 3);
        let got: Vec<(f64, f64, f64)> = r
            .iter()
            .map(|p| (p.published, p.delivered, p.acked))
            .collect();
        assert_eq!(got, [(3.0, 2.0, 1.0), (0.0, 0.0, 0.0), (2.0, 2.0, 2.0)]);
        // Wider buckets report per second, not per bucket.
        let r = rates(&samples, 2500, 5000);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].published, r[0].acked), (1.0, 0.6));
    }

    #[test]
    fn bucket_width_grows_in_readable_steps() {
        assert_eq!(bucket_ms(0, 30), 1000);
        assert_eq!(bucket_ms(30_000, 30), 1000);
        assert_eq!(bucket_ms(30_001, 30), 2000);
        assert_eq!(bucket_ms(100_000, 30), 5000);
        assert_eq!(bucket_ms(400_000, 30), 20_000);
        assert_eq!(bucket_ms(1_000_000, 30), 50_000);
    }
}
