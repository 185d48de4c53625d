//! Which tokens an event puts on the diagram and where they go: pure geometry over the node
//! centres, unit-tested natively. The DOM side is [`super::layer`].
//!
//! One token per message hop: a publish travels producer → exchange; a route splits into one
//! token per matching binding (a fanout visibly copies); a delivery travels queue → consumer;
//! an ack travels back consumer → queue as a small tick; a dead-lettering travels the
//! dead-letter link to its exchange and on to the queues it reached. A message that is dropped,
//! expired or not routed stays where it was and fades out with a label, and a returned one
//! travels back to its producer, so nothing silently vanishes.

use crate::broker::MessageId;
use crate::scenario::Point;
use crate::sim::{Explanation, SimEvent};
use crate::ui::canvas::geometry::clip_to_box;
use crate::ui::i18n::{tr, tr_with};

/// How a token looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// A message on its way.
    Message,
    /// A settle travelling back (ack).
    Ack,
    /// A negative settle (nack, reject) or a consumer killed.
    Nack,
    /// A message coming back to its producer (basic.return).
    Returned,
    /// A message that ends here (dropped, expired, unroutable): fades out.
    Gone,
    /// A dead-lettered copy.
    DeadLetter,
    /// A short note on a node (subscribed, confirm, requeued).
    Note,
}

impl Look {
    /// CSS class of the token group.
    pub fn class(self) -> &'static str {
        match self {
            Look::Message => "token",
            Look::Ack => "token ack",
            Look::Nack => "token nack",
            Look::Returned => "token returned",
            Look::Gone => "token gone",
            Look::DeadLetter => "token dead",
            Look::Note => "token note",
        }
    }
}

/// One token to animate.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSpec {
    /// The message it stands for (for colour and the inspector), if any.
    pub message: Option<MessageId>,
    /// The message whose colour it wears (a dead-letter copy keeps its original's colour).
    pub colour_of: Option<MessageId>,
    /// Text inside or beside it ("m7").
    pub label: String,
    /// A word under it ("returned", "dropped: max-length").
    pub note: Option<String>,
    /// Start and end point (equal for a token that stays put).
    pub from: Point,
    /// End point.
    pub to: Point,
    /// Fraction of the event's duration before it starts moving (for the second leg of a
    /// dead-lettering).
    pub delay: f64,
    /// How it looks.
    pub look: Look,
}

/// Hue (degrees) of a message's colour: successive ids spread around the colour wheel by the
/// golden angle, so neighbours differ clearly.
pub fn hue(m: MessageId) -> u32 {
    ((m.0 as f64 * 137.508) % 360.0) as u32
}

/// The short label of a message, as the trace names it.
pub fn label(m: MessageId) -> String {
    format!("m{}", m.0)
}

fn exchange_key(name: &str) -> String {
    format!("exchange:{name}")
}

fn queue_key(name: &str) -> String {
    format!("queue:{name}")
}

/// Tokens for one event. `at` maps a node key (`queue:hello`, plus `consumer-queue:ID` and
/// `producer-exchange:ID`, see [`queue_of_consumer`]) to its centre; `root` gives
/// the colour-bearing original of a message. Nodes missing from the drawing give no token.
pub fn tokens_for(
    e: &SimEvent,
    at: &dyn Fn(&str) -> Option<Point>,
    root: &dyn Fn(MessageId) -> MessageId,
) -> Vec<TokenSpec> {
    use Explanation as E;
    let mut out = Vec::new();
    let m = e.message();
    let mut push = |from: Option<Point>,
                    to: Option<Point>,
                    look: Look,
                    note: Option<String>,
                    message: Option<MessageId>,
                    delay: f64| {
        let (Some(a), Some(b)) = (from, to) else {
            return;
        };
        let (from, to) = if a == b {
            (a, b)
        } else {
            (clip_to_box(a, b), clip_to_box(b, a))
        };
        out.push(TokenSpec {
            message,
            colour_of: message.map(root),
            label: match (message, look) {
                (_, Look::Ack) => "\u{2713}".to_owned(),
                (_, Look::Nack) if message.is_none() => "\u{2717}".to_owned(),
                (Some(x), _) => label(x),
                (None, _) => String::new(),
            },
            note,
            from,
            to,
            delay,
            look,
        });
    };
    match &e.what {
        E::Published {
            producer, exchange, ..
        } => {
            let p = at(&format!("producer:{}", producer.id));
            push(p, at(&exchange_key(exchange)), Look::Message, None, m, 0.0);
        }
        E::ReplyPublished {
            consumer, reply_to, ..
        } => {
            let c = at(&format!("consumer:{}", consumer.id));
            let to = at(&exchange_key("")).or_else(|| at(&queue_key(reply_to)));
            push(
                c,
                to,
                Look::Message,
                Some(tr("pb.note.reply").to_owned()),
                m,
                0.0,
            );
        }
        E::Routed {
            exchange,
            hops,
            queues,
            ..
        } => {
            if hops.is_empty() {
                for q in queues {
                    push(
                        at(&exchange_key(exchange)),
                        at(&queue_key(q)),
                        Look::Message,
                        None,
                        m,
                        0.0,
                    );
                }
            } else {
                for h in hops {
                    let to = if h.to_exchange {
                        at(&exchange_key(&h.destination))
                    } else {
                        at(&queue_key(&h.destination))
                    };
                    push(
                        at(&exchange_key(&h.exchange)),
                        to,
                        Look::Message,
                        None,
                        m,
                        0.0,
                    );
                }
            }
        }
        E::NotRouted {
            exchange,
            mandatory,
            ..
        } => {
            let x = at(&exchange_key(exchange));
            let note = if *mandatory {
                tr("pb.note.unroutable_return")
            } else {
                tr("pb.note.unroutable_drop")
            };
            push(x, x, Look::Gone, Some(note.to_owned()), m, 0.0);
        }
        E::ToAlternate {
            exchange,
            alternate,
            ..
        } => {
            push(
                at(&exchange_key(exchange)),
                at(&exchange_key(alternate)),
                Look::Message,
                Some(tr("pb.note.alternate").to_owned()),
                m,
                0.0,
            );
        }
        E::Returned {
            producer,
            reply_code,
            ..
        } => {
            // Back from the exchange it was published to, along the publish arrow.
            let p = at(&format!("producer:{}", producer.id));
            let from = at(&format!("producer-exchange:{}", producer.id)).or(p);
            push(
                from,
                p,
                Look::Returned,
                Some(tr_with(
                    "pb.note.returned",
                    &[("code", &reply_code.to_string())],
                )),
                m,
                0.0,
            );
        }
        E::Enqueued { queue, .. } => {
            let q = at(&queue_key(queue));
            push(
                q,
                q,
                Look::Note,
                Some(tr("pb.note.waits").to_owned()),
                m,
                0.0,
            );
        }
        E::Requeued { queue, .. } => {
            let q = at(&queue_key(queue));
            push(
                q,
                q,
                Look::Note,
                Some(tr("pb.note.requeued").to_owned()),
                m,
                0.0,
            );
        }
        E::Dropped { queue, why, .. } => {
            let q = at(&queue_key(queue));
            let note = tr_with("pb.note.dropped", &[("why", drop_word(*why))]);
            push(q, q, Look::Gone, Some(note), m, 0.0);
        }
        E::Expired { queue, .. } => {
            let q = at(&queue_key(queue));
            push(
                q,
                q,
                Look::Gone,
                Some(tr("pb.note.expired").to_owned()),
                m,
                0.0,
            );
        }
        E::Delivered {
            queue, consumer, ..
        } => {
            push(
                at(&queue_key(queue)),
                at(&format!("consumer:{}", consumer.id)),
                Look::Message,
                None,
                m,
                0.0,
            );
        }
        E::Acked { consumer, .. } => {
            let c = at(&format!("consumer:{}", consumer.id));
            let q = queue_of_consumer(consumer.id.as_ref(), at);
            push(
                c,
                q.or(c),
                Look::Ack,
                Some(tr("pb.note.ack").to_owned()),
                m,
                0.0,
            );
        }
        E::Nacked {
            consumer, requeue, ..
        }
        | E::Rejected {
            consumer, requeue, ..
        } => {
            let c = at(&format!("consumer:{}", consumer.id));
            let q = queue_of_consumer(consumer.id.as_ref(), at);
            let key = match (matches!(e.what, E::Nacked { .. }), *requeue) {
                (true, false) => "pb.note.nack",
                (true, true) => "pb.note.nack_requeue",
                (false, false) => "pb.note.reject",
                (false, true) => "pb.note.reject_requeue",
            };
            let note = tr(key).to_owned();
            push(c, q.or(c), Look::Nack, Some(note), m, 0.0);
        }
        E::DeadLettered {
            copy,
            queue,
            exchange,
            queues,
            reason,
            ..
        } => {
            let q = at(&queue_key(queue));
            let x = at(&exchange_key(exchange));
            let note = Some(tr_with(
                "pb.note.dead_lettered",
                &[("reason", reason.as_str())],
            ));
            push(q, x.or(q), Look::DeadLetter, note, Some(*copy), 0.0);
            for target in queues {
                push(
                    x,
                    at(&queue_key(target)),
                    Look::DeadLetter,
                    None,
                    Some(*copy),
                    0.5,
                );
            }
        }
        E::ConfirmAck { producer, .. } | E::ConfirmNack { producer, .. } => {
            let p = at(&format!("producer:{}", producer.id));
            let (look, note) = if matches!(e.what, E::ConfirmAck { .. }) {
                (Look::Ack, tr("pb.note.confirm_ack"))
            } else {
                (Look::Nack, tr("pb.note.confirm_nack"))
            };
            push(p, p, look, Some(note.to_owned()), m, 0.0);
        }
        E::ConsumerStarted { consumer, .. } => {
            let c = at(&format!("consumer:{}", consumer.id));
            push(
                c,
                c,
                Look::Note,
                Some(tr("pb.note.subscribed").to_owned()),
                None,
                0.0,
            );
        }
        E::ConsumerKilled { consumer, .. } => {
            let c = at(&format!("consumer:{}", consumer.id));
            push(
                c,
                c,
                Look::Nack,
                Some(tr("pb.note.killed").to_owned()),
                None,
                0.0,
            );
        }
        E::ConsumerCancelled { .. }
        | E::ChannelClosed { .. }
        | E::QueueDeleted { .. }
        | E::BrokerRestarted { .. }
        | E::Edited { .. } => {}
    }
    out
}

fn drop_word(why: crate::sim::explain::DropWhy) -> &'static str {
    use crate::sim::explain::DropWhy as D;
    match why {
        D::Overflow => tr("pb.why.max_length"),
        D::RejectPublish => tr("pb.why.queue_full"),
        D::Expired => tr("pb.why.ttl"),
        D::Rejected => tr("pb.why.rejected"),
        D::DeadLetterUnroutable => tr("pb.why.no_route"),
        D::Purged => tr("pb.why.purged"),
        D::QueueDeleted => tr("pb.why.queue_deleted"),
    }
}

/// The queue a consumer takes from is not in its settle events: the caller maps
/// `consumer-queue:ID` to it (and `producer-exchange:ID` to a producer's exchange).
fn queue_of_consumer(consumer: &str, at: &dyn Fn(&str) -> Option<Point>) -> Option<Point> {
    at(&format!("consumer-queue:{consumer}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;
    use crate::scenario::to_sim::to_sim;
    use crate::sim::Simulator;
    use std::collections::BTreeMap;

    fn positions(id: &str) -> (Simulator, BTreeMap<String, Point>) {
        let s = presets::load(id).unwrap().scenario;
        let mut pos: BTreeMap<String, Point> =
            s.layout.iter().map(|(k, p)| (k.clone(), *p)).collect();
        for c in &s.consumers {
            if let Some(q) = pos.get(&format!("queue:{}", c.queue)).copied() {
                pos.insert(format!("consumer-queue:{}", c.id), q);
            }
        }
        for p in &s.producers {
            if let Some(x) = pos.get(&format!("exchange:{}", p.exchange)).copied() {
                pos.insert(format!("producer-exchange:{}", p.id), x);
            }
        }
        (Simulator::new(to_sim(&s)), pos)
    }

    fn all_tokens(id: &str) -> Vec<(SimEvent, Vec<TokenSpec>)> {
        let (mut sim, pos) = positions(id);
        let at = |k: &str| pos.get(k).copied();
        let mut out = Vec::new();
        while let Some(e) = sim.step() {
            let t = tokens_for(&e, &at, &|m| m);
            out.push((e, t));
            if out.len() > 5000 {
                break;
            }
        }
        out
    }

    #[test]
    fn a_fanout_route_splits_into_one_token_per_queue() {
        let all = all_tokens("publish-subscribe");
        let (e, t) = all
            .iter()
            .find(
                |(e, _)| matches!(&e.what, Explanation::Routed { queues, .. } if queues.len() > 1),
            )
            .expect("a fanout route");
        let Explanation::Routed { queues, .. } = &e.what else {
            unreachable!()
        };
        assert_eq!(t.len(), queues.len());
        // All copies leave from the same exchange and go to different queues.
        // (Each leaves the exchange's outline towards its queue, so the starts are close.)
        assert!(t.windows(2).all(|w| {
            let d =
                ((w[0].from.x - w[1].from.x).powi(2) + (w[0].from.y - w[1].from.y).powi(2)).sqrt();
            d < crate::ui::editor::ops::NODE_W && w[0].to != w[1].to
        }));
        assert!(t.iter().all(|x| x.label == label(e.message().unwrap())));
    }

    #[test]
    fn nothing_silently_vanishes() {
        for id in [
            "hello-world",
            "max-length",
            "dead-lettering",
            "alternate-exchange",
        ] {
            for (e, t) in all_tokens(id) {
                let moves = matches!(
                    e.what,
                    Explanation::Published { .. }
                        | Explanation::Delivered { .. }
                        | Explanation::Dropped { .. }
                        | Explanation::Expired { .. }
                        | Explanation::NotRouted { .. }
                        | Explanation::Returned { .. }
                        | Explanation::DeadLettered { .. }
                );
                if moves {
                    assert!(!t.is_empty(), "{id}: no token for {:?}", e.what.kind());
                }
                if matches!(
                    e.what,
                    Explanation::Dropped { .. }
                        | Explanation::Expired { .. }
                        | Explanation::NotRouted { .. }
                ) {
                    assert!(t.iter().all(|x| x.look == Look::Gone && x.note.is_some()));
                }
            }
        }
    }

    #[test]
    fn dead_lettered_copies_travel_the_dead_letter_link_then_to_their_queues() {
        let all = all_tokens("dead-lettering");
        let (e, t) = all
            .iter()
            .find(|(e, _)| matches!(&e.what, Explanation::DeadLettered { queues, .. } if !queues.is_empty()))
            .expect("a dead-lettering");
        assert!(t.len() >= 2);
        assert_eq!(t[0].look, Look::DeadLetter);
        assert_eq!(t[0].delay, 0.0);
        assert!(t[1..].iter().all(|x| x.delay > 0.0));
        let Explanation::DeadLettered { copy, .. } = &e.what else {
            unreachable!()
        };
        assert!(t.iter().all(|x| x.message == Some(*copy)));
    }

    #[test]
    fn hues_of_neighbouring_messages_differ() {
        for i in 0..50 {
            let a = hue(MessageId(i));
            let b = hue(MessageId(i + 1));
            let d = a.abs_diff(b).min(360 - a.abs_diff(b));
            assert!(d > 40, "{i}: {a} vs {b}");
        }
    }
}
