//! Queue declaration arguments (`x-message-ttl`, `x-max-length`, `x-overflow`, dead-lettering…):
//! validation at declare (406 as RabbitMQ 3.10 answers) and the redeclare equivalence rule.
//!
//! Must not import: queues, channels or routing.

use super::error::BrokerError;
use super::message::MAX_EXPIRY_MS;
use super::value::{FieldTable, FieldValue};

/// What a queue does when a publish would exceed its length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Enqueue, then drop (dead-letter `maxlen`) from the head until within limits.
    #[default]
    DropHead,
    /// Refuse the new message; the publisher gets basic.nack.
    RejectPublish,
    /// Refuse it, nack, and dead-letter it (`maxlen`).
    RejectPublishDlx,
}

impl Overflow {
    /// The `x-overflow` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Overflow::DropHead => "drop-head",
            Overflow::RejectPublish => "reject-publish",
            Overflow::RejectPublishDlx => "reject-publish-dlx",
        }
    }
}

/// The arguments of one queue that change its behaviour, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueArgs {
    pub message_ttl: Option<u64>,
    pub expires: Option<u64>,
    pub max_length: Option<u64>,
    pub max_length_bytes: Option<u64>,
    pub overflow: Overflow,
    pub dead_letter_exchange: Option<String>,
    pub dead_letter_routing_key: Option<String>,
    pub max_priority: Option<u8>,
    pub single_active_consumer: bool,
}

/// Arguments compared on redeclare (classic queues, 3.10); any other argument is ignored.
const EQUIVALENCE_KEYS: [&str; 13] = [
    "x-expires",
    "x-message-ttl",
    "x-dead-letter-exchange",
    "x-dead-letter-routing-key",
    "x-max-length",
    "x-max-length-bytes",
    "x-max-priority",
    "x-overflow",
    "x-queue-mode",
    "x-queue-version",
    "x-single-active-consumer",
    "x-queue-type",
    "x-queue-master-locator",
];

/// Arguments of other queue types that a classic queue refuses.
const FOREIGN_KEYS: [&str; 3] = [
    "x-max-age",
    "x-delivery-limit",
    "x-stream-max-segment-size-bytes",
];

fn invalid(key: &str, why: &str) -> BrokerError {
    BrokerError::PreconditionFailed(format!("invalid arg '{key}': {why}"))
}

fn non_neg_int(args: &FieldTable, key: &str, max: i64) -> Result<Option<u64>, BrokerError> {
    match args.get(key) {
        None => Ok(None),
        Some(FieldValue::Int(n)) if (0..=max).contains(n) => Ok(u64::try_from(*n).ok()),
        Some(FieldValue::Int(_)) => Err(invalid(key, "out of range")),
        Some(_) => Err(invalid(key, "expected an integer")),
    }
}

fn string_arg<'a>(args: &'a FieldTable, key: &str) -> Result<Option<&'a str>, BrokerError> {
    match args.get(key) {
        None => Ok(None),
        Some(FieldValue::Str(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(key, "expected a string")),
    }
}

impl QueueArgs {
    /// Validates the arguments of a new queue (406 on the first invalid one).
    pub fn parse(args: &FieldTable) -> Result<QueueArgs, BrokerError> {
        let expires = non_neg_int(args, "x-expires", MAX_EXPIRY_MS)?;
        if expires == Some(0) {
            return Err(invalid("x-expires", "must be positive"));
        }
        let message_ttl = non_neg_int(args, "x-message-ttl", MAX_EXPIRY_MS)?;
        let dead_letter_exchange = string_arg(args, "x-dead-letter-exchange")?.map(str::to_owned);
        let dead_letter_routing_key =
            string_arg(args, "x-dead-letter-routing-key")?.map(str::to_owned);
        if dead_letter_routing_key.is_some() && dead_letter_exchange.is_none() {
            return Err(invalid(
                "x-dead-letter-routing-key",
                "x-dead-letter-exchange is not set",
            ));
        }
        let max_length = non_neg_int(args, "x-max-length", i64::MAX)?;
        let max_length_bytes = non_neg_int(args, "x-max-length-bytes", i64::MAX)?;
        let max_priority =
            non_neg_int(args, "x-max-priority", 255)?.and_then(|p| u8::try_from(p).ok());
        let overflow = match string_arg(args, "x-overflow")? {
            None | Some("drop-head") => Overflow::DropHead,
            Some("reject-publish") => Overflow::RejectPublish,
            Some("reject-publish-dlx") => Overflow::RejectPublishDlx,
            Some(_) => return Err(invalid("x-overflow", "unknown overflow mode")),
        };
        let single_active_consumer = match args.get("x-single-active-consumer") {
            None => false,
            Some(FieldValue::Bool(b)) => *b,
            Some(_) => return Err(invalid("x-single-active-consumer", "expected a boolean")),
        };
        match string_arg(args, "x-queue-mode")? {
            None | Some("default") | Some("lazy") => {}
            Some(_) => return Err(invalid("x-queue-mode", "unknown mode")),
        }
        match args.get("x-queue-version") {
            None | Some(FieldValue::Int(1)) | Some(FieldValue::Int(2)) => {}
            Some(_) => return Err(invalid("x-queue-version", "must be 1 or 2")),
        }
        match string_arg(args, "x-queue-type")? {
            None | Some("classic") => {}
            Some(_) => return Err(invalid("x-queue-type", "only classic queues are modelled")),
        }
        if let Some(key) = FOREIGN_KEYS.iter().find(|k| args.contains_key(**k)) {
            return Err(invalid(key, "not supported by classic queues"));
        }
        Ok(QueueArgs {
            message_ttl,
            expires,
            max_length,
            max_length_bytes,
            overflow,
            dead_letter_exchange,
            dead_letter_routing_key,
            max_priority,
            single_active_consumer,
        })
    }
}

/// Type classes for argument equivalence: all integer widths are one class.
fn same_class_and_value(a: &FieldValue, b: &FieldValue) -> bool {
    a == b
}

/// RabbitMQ's redeclare rule for arguments: for each compared key, present-vs-absent or a
/// different value (or type class) is 406; an absent `x-queue-type` equals `"classic"`.
pub fn assert_args_equivalence(
    queue_name: &str,
    existing: &FieldTable,
    requested: &FieldTable,
) -> Result<(), BrokerError> {
    let classic = FieldValue::Str("classic".into());
    for key in EQUIVALENCE_KEYS {
        let (a, b) = (existing.get(key), requested.get(key));
        let (a, b) = if key == "x-queue-type" {
            (a.or(Some(&classic)), b.or(Some(&classic)))
        } else {
            (a, b)
        };
        let equivalent = match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => same_class_and_value(a, b),
            _ => false,
        };
        if !equivalent {
            return Err(BrokerError::PreconditionFailed(format!(
                "inequivalent arg '{key}' for queue '{queue_name}'"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, FieldValue)]) -> FieldTable {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn invalid_arguments_are_406() {
        for args in [
            table(&[("x-message-ttl", FieldValue::Int(-1))]),
            table(&[("x-overflow", FieldValue::Str("nope".into()))]),
            table(&[("x-dead-letter-routing-key", FieldValue::Str("k".into()))]),
            table(&[("x-max-priority", FieldValue::Int(256))]),
            table(&[("x-max-length", FieldValue::Str("5".into()))]),
            table(&[("x-expires", FieldValue::Int(0))]),
            table(&[("x-single-active-consumer", FieldValue::Int(1))]),
        ] {
            assert_eq!(
                QueueArgs::parse(&args).map_err(|e| e.reply_code()),
                Err(406),
                "{args:?}"
            );
        }
        let ok = QueueArgs::parse(&table(&[
            ("x-max-priority", FieldValue::Int(255)),
            ("x-overflow", FieldValue::Str("reject-publish-dlx".into())),
            ("x-custom", FieldValue::Str("anything".into())),
        ]));
        assert_eq!(
            ok.map(|a| (a.max_priority, a.overflow)),
            Ok((Some(255), Overflow::RejectPublishDlx))
        );
    }

    #[test]
    fn equivalence_ignores_unknown_arguments_only() {
        let base = table(&[("x-max-length", FieldValue::Int(3))]);
        let custom = table(&[
            ("x-max-length", FieldValue::Int(3)),
            ("x-custom", FieldValue::Int(1)),
        ]);
        assert!(assert_args_equivalence("q", &base, &custom).is_ok());
        assert!(assert_args_equivalence("q", &base, &FieldTable::new()).is_err());
        let changed = table(&[("x-max-length", FieldValue::Int(4))]);
        assert!(assert_args_equivalence("q", &base, &changed).is_err());
        let typed = table(&[("x-queue-type", FieldValue::Str("classic".into()))]);
        assert!(assert_args_equivalence("q", &FieldTable::new(), &typed).is_ok());
    }
}
