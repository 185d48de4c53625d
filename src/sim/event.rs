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

    /// One JSON object (no trailing newline) with the kind, message and English text.
    pub fn json(&self) -> String {
        let v = serde_json::json!({
            "index": self.index,
            "t": self.time.ms(),
            "kind": self.what.kind(),
            "message": self.message().map(|m| m.0),
            "text": render(&self.what, Lang::En),
        });
        v.to_string()
    }
}
