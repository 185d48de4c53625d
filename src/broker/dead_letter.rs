//! Dead-lettering as RabbitMQ 3.10 does it (`rabbit_dead_letter.erl`): the republished copy
//! (exchange, routing keys, `expiration` removed, CC removed when a dead-letter routing key is
//! set), the `x-death` header with its 3.10 regrouping quirk, `x-first-death-*`, and cycle
//! detection.
//!
//! Must not import: queues, channels or routing (the broker routes the copy).

use std::sync::Arc;

use super::ids::MessageId;
use super::message::{Message, header_routes};
use super::value::{FieldTable, FieldValue};

/// Why a message was dead-lettered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeathReason {
    /// basic.reject / basic.nack with requeue=false.
    Rejected,
    /// Its TTL passed at the queue head.
    Expired,
    /// Dropped by a length limit (drop-head or reject-publish-dlx).
    Maxlen,
}

impl DeathReason {
    /// The `x-death` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeathReason::Rejected => "rejected",
            DeathReason::Expired => "expired",
            DeathReason::Maxlen => "maxlen",
        }
    }
}

fn str_field(table: &FieldTable, key: &str) -> Option<String> {
    table
        .get(key)
        .and_then(FieldValue::as_str)
        .map(str::to_owned)
}

/// The dead-lettered copy of `message`, which died in `queue` for `reason`, republished to
/// `dlx` with `dl_routing_key` if the queue sets one. `now` is virtual ms (x-death `time` is in
/// seconds).
pub fn make_dead_letter(
    message: &Message,
    id: MessageId,
    reason: DeathReason,
    queue: &str,
    dlx: &str,
    dl_routing_key: Option<&str>,
    now: u64,
) -> Message {
    let mut headers = message.properties.headers.clone().unwrap_or_default();
    // The first routing key is the publish key; the others come from the CC header as it is now
    // (BCC was stripped at publish).
    let mut keys = vec![FieldValue::Str(message.routing_key().to_owned())];
    if let Ok(cc) = header_routes(Some(&headers)) {
        keys.extend(cc.iter().map(|k| FieldValue::Str(k.to_string())));
    }
    let mut info = FieldTable::new();
    info.insert("reason".into(), FieldValue::Str(reason.as_str().into()));
    info.insert("queue".into(), FieldValue::Str(queue.into()));
    info.insert(
        "time".into(),
        FieldValue::Int(i64::try_from(now / 1000).unwrap_or(i64::MAX)),
    );
    info.insert(
        "exchange".into(),
        FieldValue::Str(message.exchange.to_string()),
    );
    info.insert("routing-keys".into(), FieldValue::Array(keys));
    if let Some(exp) = &message.properties.expiration {
        info.insert("original-expiration".into(), FieldValue::Str(exp.clone()));
    }
    update_x_death(&mut headers, info);
    let (routing_key, extra_routing_keys) = match dl_routing_key {
        Some(rk) => {
            headers.remove("CC");
            (Arc::from(rk), Vec::new())
        }
        None => (
            message.routing_key.clone(),
            message.extra_routing_keys.clone(),
        ),
    };
    let mut properties = message.properties.clone();
    properties.expiration = None;
    properties.headers = Some(headers);
    Message {
        id,
        exchange: Arc::from(dlx),
        routing_key,
        extra_routing_keys,
        properties,
        body: message.body.clone(),
    }
}

fn queue_and_reason(table: &FieldTable) -> (Option<String>, Option<String>) {
    (str_field(table, "queue"), str_field(table, "reason"))
}

/// `update_x_death_header/2` of 3.10, including `group_by_queue_and_reason/1`, which reverses
/// an x-death of two or more entries before the updated entry is put in front.
fn update_x_death(headers: &mut FieldTable, mut info: FieldTable) {
    let key = queue_and_reason(&info);
    match headers.get("x-death") {
        None => {
            info.insert("count".into(), FieldValue::Int(1));
            for (h, field) in [
                ("x-first-death-exchange", "exchange"),
                ("x-first-death-reason", "reason"),
                ("x-first-death-queue", "queue"),
            ] {
                if let Some(v) = info.get(field) {
                    headers.insert(h.into(), v.clone());
                }
            }
            headers.insert(
                "x-death".into(),
                FieldValue::Array(vec![FieldValue::Table(info)]),
            );
        }
        Some(FieldValue::Array(items)) => {
            let tables: Vec<&FieldTable> = items
                .iter()
                .filter_map(|v| match v {
                    FieldValue::Table(t) => Some(t),
                    _ => None,
                })
                .collect();
            let grouped = group_by_queue_and_reason(&tables);
            let (matches, others): (Vec<FieldTable>, Vec<FieldTable>) = grouped
                .into_iter()
                .partition(|t| queue_and_reason(t) == key);
            let first = match matches.into_iter().next() {
                None => {
                    info.insert("count".into(), FieldValue::Int(1));
                    info
                }
                Some(mut m) => {
                    let n = m.get("count").and_then(FieldValue::as_int).unwrap_or(0);
                    m.insert("count".into(), FieldValue::Int(n.saturating_add(1)));
                    m
                }
            };
            let mut out = vec![FieldValue::Table(first)];
            out.extend(others.into_iter().map(FieldValue::Table));
            headers.insert("x-death".into(), FieldValue::Array(out));
        }
        Some(_) => {
            info.insert("count".into(), FieldValue::Int(1));
            headers.insert(
                "x-death".into(),
                FieldValue::Array(vec![FieldValue::Table(info)]),
            );
        }
    }
}

fn group_by_queue_and_reason(tables: &[&FieldTable]) -> Vec<FieldTable> {
    if tables.len() <= 1 {
        return tables.iter().map(|t| (*t).clone()).collect();
    }
    let mut seen: Vec<(Option<String>, Option<String>)> = Vec::new();
    let mut acc: Vec<FieldTable> = Vec::new();
    for t in tables {
        let key = queue_and_reason(t);
        if seen.contains(&key) {
            continue;
        }
        let n = tables.iter().filter(|o| queue_and_reason(o) == key).count();
        let mut first = (*t).clone();
        if !first.contains_key("count") {
            first.insert(
                "count".into(),
                FieldValue::Int(i64::try_from(n).unwrap_or(i64::MAX)),
            );
        }
        seen.push(key);
        acc.push(first);
    }
    // Erlang folds with a prepend: the result is reversed.
    acc.reverse();
    acc
}

/// `is_cycle/2` of 3.10: whether dead-lettering (for a reason other than `rejected`) into
/// `target` would be a fully automatic cycle, judged on the copy's x-death (current death
/// included): the entries up to and including the first one for `target`, none `rejected`.
pub fn is_cycle(dead_letter: &Message, target: &str) -> bool {
    let Some(FieldValue::Array(deaths)) = dead_letter.properties.header("x-death") else {
        return false;
    };
    let Some(pos) = deaths.iter().position(|d| match d {
        FieldValue::Table(t) => t.get("queue").and_then(FieldValue::as_str) == Some(target),
        _ => false,
    }) else {
        return false;
    };
    deaths[..=pos].iter().all(|d| match d {
        FieldValue::Table(t) => t.get("reason").and_then(FieldValue::as_str) != Some("rejected"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::message::BasicProperties;

    fn message() -> Message {
        Message {
            id: MessageId(1),
            exchange: Arc::from("x"),
            routing_key: Arc::from("k"),
            extra_routing_keys: vec![],
            properties: BasicProperties {
                expiration: Some("100".into()),
                ..BasicProperties::default()
            },
            body: Arc::from(b"m".to_vec()),
        }
    }

    fn deaths(m: &Message) -> Vec<(String, String, i64)> {
        match m.properties.header("x-death") {
            Some(FieldValue::Array(items)) => items
                .iter()
                .filter_map(|v| match v {
                    FieldValue::Table(t) => Some((
                        str_field(t, "queue").unwrap_or_default(),
                        str_field(t, "reason").unwrap_or_default(),
                        t.get("count").and_then(FieldValue::as_int).unwrap_or(0),
                    )),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn first_death_sets_headers_and_removes_expiration() {
        let d = make_dead_letter(
            &message(),
            MessageId(2),
            DeathReason::Expired,
            "q",
            "dlx",
            Some("r"),
            5000,
        );
        assert_eq!(d.properties.expiration, None);
        assert_eq!(&*d.exchange, "dlx");
        assert_eq!(d.routing_key(), "r");
        assert_eq!(
            d.properties
                .header("x-first-death-queue")
                .and_then(FieldValue::as_str),
            Some("q")
        );
        assert_eq!(deaths(&d), [("q".into(), "expired".into(), 1)]);
    }

    #[test]
    fn x_death_grows_with_the_3_10_reversal_quirk() {
        // b(rejected) -> a2(expired) -> a3(expired) reads [a3, b, a2] on 3.10.
        let m = message();
        let d1 = make_dead_letter(&m, MessageId(2), DeathReason::Rejected, "b", "x", None, 0);
        let d2 = make_dead_letter(&d1, MessageId(3), DeathReason::Expired, "a2", "x", None, 0);
        assert_eq!(
            deaths(&d2).iter().map(|d| d.0.as_str()).collect::<Vec<_>>(),
            ["a2", "b"]
        );
        let d3 = make_dead_letter(&d2, MessageId(4), DeathReason::Expired, "a3", "x", None, 0);
        assert_eq!(
            deaths(&d3).iter().map(|d| d.0.as_str()).collect::<Vec<_>>(),
            ["a3", "b", "a2"]
        );
        // a repeated (queue, reason) is bumped and moved to the front
        let d4 = make_dead_letter(&d3, MessageId(5), DeathReason::Rejected, "b", "x", None, 0);
        assert_eq!(deaths(&d4)[0], ("b".into(), "rejected".into(), 2));
        assert_eq!(deaths(&d4).len(), 3);
        assert_eq!(
            d4.properties
                .header("x-first-death-reason")
                .and_then(FieldValue::as_str),
            Some("rejected")
        );
    }

    #[test]
    fn cycles_without_rejection_are_detected() {
        let m = message();
        let self_expired =
            make_dead_letter(&m, MessageId(2), DeathReason::Expired, "q", "", None, 0);
        assert!(is_cycle(&self_expired, "q"));
        assert!(!is_cycle(&self_expired, "other"));
        let rejected = make_dead_letter(&m, MessageId(2), DeathReason::Rejected, "q", "", None, 0);
        assert!(!is_cycle(&rejected, "q"));
        let then_expired = make_dead_letter(
            &rejected,
            MessageId(3),
            DeathReason::Expired,
            "r",
            "",
            None,
            0,
        );
        assert!(!is_cycle(&then_expired, "q"));
        assert!(is_cycle(&then_expired, "r"));
    }
}
