//! What the screen shows of the broker *at the current event*: the ready messages of every
//! queue and the unacked deliveries of every consumer, folded from the events handed out so far.
//!
//! Why a fold and not the broker's own state: the simulator runs one agenda item at a time and
//! queues the events it produced, so after "published m0" the broker already holds m0 in its
//! queue while the events "routed" and "waits in queue" are still to come. A teacher stepping
//! must see the queue fill when the log says so. The fold keys everything by (queue, message)
//! and (consumer, delivery tag), so it is idempotent where the broker's events overlap (a
//! delivery straight from the publish never entered the ready list). At idle it agrees with the
//! broker (checked by the tests for every preset).
//!
//! Pure: no Yew, no web-sys.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::broker::{DeathReason, MessageId};
use crate::sim::{Explanation, SimEvent, Simulator};
use crate::ui::i18n::tr_with;

/// One unacked delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unacked {
    /// The queue it came from.
    pub queue: Arc<str>,
    /// The message.
    pub message: MessageId,
}

/// Ready and unacked messages as of the last folded event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Live {
    /// Ready messages per queue (diagram name), head first.
    pub ready: BTreeMap<Arc<str>, Vec<MessageId>>,
    /// Unacked deliveries by (consumer id, delivery tag).
    pub unacked: BTreeMap<(Arc<str>, u64), Unacked>,
}

/// Per-node counts for drawing: read-only, rebuilt from [`Live`] after each change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Queue name → (ready, unacked).
    pub queues: BTreeMap<Arc<str>, (u32, u32)>,
    /// Consumer id → unacked deliveries held.
    pub consumers: BTreeMap<Arc<str>, u32>,
}

fn remove_ready(ready: &mut BTreeMap<Arc<str>, Vec<MessageId>>, queue: &str, m: MessageId) {
    if let Some(list) = ready.get_mut(queue)
        && let Some(i) = list.iter().position(|x| *x == m)
    {
        list.remove(i);
    }
}

impl Live {
    /// Applies one event.
    pub fn apply(&mut self, e: &SimEvent) {
        use Explanation as E;
        match &e.what {
            E::Enqueued { message, queue } => {
                let list = self.ready.entry(queue.clone()).or_default();
                if !list.contains(message) {
                    list.push(*message);
                }
            }
            E::Requeued { message, queue } => {
                // Back to its original position: the queue is in publish order, so before the
                // first message published after it.
                let list = self.ready.entry(queue.clone()).or_default();
                if !list.contains(message) {
                    let at = list.iter().position(|x| x > message).unwrap_or(list.len());
                    list.insert(at, *message);
                }
                self.unacked
                    .retain(|_, u| !(u.message == *message && u.queue == *queue));
            }
            E::Delivered {
                message,
                queue,
                consumer,
                delivery_tag,
                why,
                ..
            } => {
                remove_ready(&mut self.ready, queue, *message);
                if !why.auto_ack {
                    self.unacked.insert(
                        (consumer.id.clone(), *delivery_tag),
                        Unacked {
                            queue: queue.clone(),
                            message: *message,
                        },
                    );
                }
            }
            E::Acked {
                consumer,
                delivery_tag,
                ..
            }
            | E::Nacked {
                consumer,
                delivery_tag,
                ..
            }
            | E::Rejected {
                consumer,
                delivery_tag,
                ..
            } => {
                self.unacked.remove(&(consumer.id.clone(), *delivery_tag));
            }
            E::Expired { message, queue, .. } | E::Dropped { message, queue, .. } => {
                remove_ready(&mut self.ready, queue, *message);
            }
            E::DeadLettered {
                message,
                queue,
                reason,
                ..
            } => {
                if *reason != DeathReason::Rejected {
                    remove_ready(&mut self.ready, queue, *message);
                }
            }
            E::ConsumerKilled { consumer, .. }
            | E::ChannelClosed {
                actor: consumer, ..
            } => {
                self.unacked.retain(|(c, _), _| *c != consumer.id);
            }
            E::QueueDeleted { queue }
            | E::Edited {
                change: crate::sim::Change::QueueDeleted { name: queue, .. },
                ..
            } => {
                self.ready.remove(queue);
                self.unacked.retain(|_, u| u.queue != *queue);
            }
            E::BrokerRestarted { .. } => {}
            E::Published { .. }
            | E::ReplyPublished { .. }
            | E::Routed { .. }
            | E::NotRouted { .. }
            | E::ToAlternate { .. }
            | E::Returned { .. }
            | E::ConfirmAck { .. }
            | E::ConfirmNack { .. }
            | E::ConsumerStarted { .. }
            | E::ConsumerCancelled { .. }
            | E::Edited { .. } => {}
        }
    }

    /// After a broker restart the connections are gone (no unacked deliveries) and the ready
    /// lists are what survived; taken from the broker, the rest of the fold stays idempotent.
    pub fn resync_after_restart(&mut self, sim: &Simulator) {
        self.unacked.clear();
        self.ready.clear();
        for q in sim.broker().queues() {
            let name = sim.queue_name(q.id);
            self.ready
                .insert(name, q.ready().map(|e| e.message.id).collect());
        }
    }

    /// The per-node counts.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for (q, list) in &self.ready {
            c.queues.entry(q.clone()).or_default().0 =
                u32::try_from(list.len()).unwrap_or(u32::MAX);
        }
        for ((consumer, _), u) in &self.unacked {
            c.queues.entry(u.queue.clone()).or_default().1 += 1;
            *c.consumers.entry(consumer.clone()).or_default() += 1;
        }
        c
    }

    /// Where a message is now, for the inspector: ready in queues, unacked at consumers.
    pub fn whereabouts(&self, m: MessageId) -> Vec<String> {
        let mut out: Vec<String> = self
            .ready
            .iter()
            .filter(|(_, l)| l.contains(&m))
            .map(|(q, _)| tr_with("pb.where.ready", &[("queue", q)]))
            .collect();
        out.extend(
            self.unacked
                .iter()
                .filter(|(_, u)| u.message == m)
                .map(|((c, tag), u)| {
                    tr_with(
                        "pb.where.unacked",
                        &[
                            ("consumer", c),
                            ("tag", &tag.to_string()),
                            ("queue", &u.queue),
                        ],
                    )
                }),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;
    use crate::scenario::to_sim::to_sim;

    /// At idle and at every point where the simulator has no queued events, the fold equals
    /// the broker's ready counts and the simulator's unacked counts, for every preset.
    #[test]
    fn fold_agrees_with_the_broker_at_idle_for_every_preset() {
        for p in presets::presets() {
            let parsed = presets::load(p.id).unwrap();
            let cfg = to_sim(&parsed.scenario);
            let mut sim = Simulator::new(cfg.clone());
            let mut live = Live::default();
            let mut n = 0;
            while let Some(e) = sim.step() {
                live.apply(&e);
                if matches!(e.what, Explanation::BrokerRestarted { .. }) {
                    live.resync_after_restart(&sim);
                }
                n += 1;
                if n > 20_000 {
                    break;
                }
            }
            let counts = live.counts();
            for q in sim.broker().queues() {
                let name = sim.queue_name(q.id);
                let ready = counts.queues.get(&name).map_or(0, |c| c.0);
                assert_eq!(ready as usize, q.ready_len(), "{}: ready of {name}", p.id);
            }
            for (i, c) in cfg.consumers.iter().enumerate() {
                let mine = counts.consumers.get(c.id.as_str()).copied().unwrap_or(0);
                assert_eq!(
                    Some(mine),
                    sim.consumer_unacked(i),
                    "{}: unacked of {}",
                    p.id,
                    c.id
                );
            }
        }
    }

    #[test]
    fn a_waiting_message_shows_in_its_queue_only_from_its_event() {
        let parsed = presets::load("work-queues").unwrap();
        let mut sim = Simulator::new(to_sim(&parsed.scenario));
        let mut live = Live::default();
        let mut saw_wait = false;
        while let Some(e) = sim.step() {
            let before = live.counts();
            live.apply(&e);
            let after = live.counts();
            if let Explanation::Enqueued { queue, .. } = &e.what {
                let b = before.queues.get(queue).map_or(0, |c| c.0);
                let a = after.queues.get(queue).map_or(0, |c| c.0);
                assert_eq!(a, b + 1);
                saw_wait = true;
            }
            if matches!(
                e.what,
                Explanation::Published { .. } | Explanation::Routed { .. }
            ) {
                assert_eq!(before, after, "publish and route alone change no count");
            }
        }
        assert!(saw_wait);
    }
}
