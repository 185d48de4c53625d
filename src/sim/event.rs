//! One simulation event: an [`Explanation`] at a virtual time with its place in the trace.

use super::explain::{Explanation, Lang, render};
use super::time::VirtualTime;
use crate::broker::MessageId;

/// An event of the trace. `index` counts events from 0 since the start (or the last reset), so
/// `seek(index)` names a point of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimEvent {
    pub index: u64,
    pub time: VirtualTime,
    pub what: Explanation,
}

impl SimEvent {
    /// The message it is about, if any.
    pub fn message(&self) -> Option<MessageId> {
        self.what.message()
    }

    /// `t=1200ms #42 delivered m7 …`: the text trace line.
    pub fn line(&self, lang: Lang) -> String {
        format!(
            "t={} #{} {}",
            self.time,
            self.index,
            render(&self.what, lang)
        )
    }

    /// One JSON object (no trailing newline) with the kind, message and English text, plus the
    /// names and numbers of publishes, routing and deliveries as fields, so that tools (the
    /// real-broker test) can read the simulator's answer without parsing English.
    pub fn json(&self) -> String {
        let mut v = serde_json::json!({
            "index": self.index,
            "t": self.time.ms(),
            "kind": self.what.kind(),
            "message": self.message().map(|m| m.0),
            "text": render(&self.what, Lang::En),
        });
        if let (serde_json::Value::Object(map), serde_json::Value::Object(extra)) =
            (&mut v, fields(&self.what))
        {
            map.extend(extra);
        }
        v.to_string()
    }
}

/// The structured fields of the events a client can observe: who published what with which
/// key, where it was routed, which consumer got it and how it was settled.
fn fields(what: &Explanation) -> serde_json::Value {
    use Explanation as E;
    use serde_json::json;
    match what {
        E::Published {
            producer,
            exchange,
            routing_key,
            number,
            ..
        } => json!({
            "producer": &*producer.id,
            "exchange": &**exchange,
            "routing_key": &**routing_key,
            "number": number,
        }),
        E::Routed {
            exchange,
            routing_key,
            queues,
            ..
        } => json!({
            "exchange": &**exchange,
            "routing_key": &**routing_key,
            "queues": queues.iter().map(|q| &**q).collect::<Vec<&str>>(),
        }),
        E::NotRouted {
            exchange,
            routing_key,
            ..
        } => json!({"exchange": &**exchange, "routing_key": &**routing_key}),
        E::ConsumerStarted {
            consumer,
            queue,
            prefetch,
            auto_ack,
        } => json!({
            "consumer": &*consumer.id,
            "queue": &**queue,
            "prefetch": prefetch,
            "auto_ack": auto_ack,
        }),
        E::Enqueued { queue, .. } | E::Requeued { queue, .. } => json!({"queue": &**queue}),
        E::Delivered {
            queue,
            consumer,
            delivery_tag,
            redelivered,
            ..
        } => json!({
            "queue": &**queue,
            "consumer": &*consumer.id,
            "delivery_tag": delivery_tag,
            "redelivered": redelivered,
        }),
        E::Acked {
            consumer,
            delivery_tag,
            ..
        } => json!({"consumer": &*consumer.id, "delivery_tag": delivery_tag}),
        E::Nacked {
            consumer,
            delivery_tag,
            requeue,
            ..
        }
        | E::Rejected {
            consumer,
            delivery_tag,
            requeue,
            ..
        } => json!({
            "consumer": &*consumer.id,
            "delivery_tag": delivery_tag,
            "requeue": requeue,
        }),
        _ => json!({}),
    }
}
