//! Messages as the broker stores them: content properties, body, and the exchange and routing
//! keys they were last published (or dead-lettered) with; publish-time validation of properties.
//!
//! Must not import: queues, channels or routing (a message knows nothing about where it is).

use std::sync::Arc;

use super::error::BrokerError;
use super::ids::MessageId;
use super::value::{FieldTable, FieldValue};

/// The largest TTL RabbitMQ accepts (10 years in ms), for `expiration` and `x-message-ttl`.
pub const MAX_EXPIRY_MS: i64 = 315_360_000_000;

/// AMQP basic content properties. `None` = absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasicProperties {
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    pub headers: Option<FieldTable>,
    pub delivery_mode: Option<u8>,
    pub priority: Option<u8>,
    pub correlation_id: Option<String>,
    pub reply_to: Option<String>,
    /// Per-message TTL in ms, as the decimal string AMQP carries.
    pub expiration: Option<String>,
    pub message_id: Option<String>,
    /// Seconds since the epoch.
    pub timestamp: Option<u64>,
    pub kind: Option<String>,
    pub user_id: Option<String>,
    pub app_id: Option<String>,
}

impl BasicProperties {
    /// A header value, if the message has headers and that key.
    pub fn header(&self, key: &str) -> Option<&FieldValue> {
        self.headers.as_ref().and_then(|h| h.get(key))
    }
}

/// One stored message. Immutable once published: a queue holds it by `Arc`, so a fanout copy
/// costs a reference count; dead-lettering makes a new `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    /// The exchange it was published to (for a dead-lettered copy: the dead-letter exchange).
    pub exchange: Arc<str>,
    /// The routing key it was published (or dead-lettered) with.
    pub routing_key: Arc<str>,
    /// The CC keys, then the BCC keys (BCC keys are kept for dead-letter routing although the
    /// BCC header itself is stripped). Usually empty, so a publish allocates no list.
    pub extra_routing_keys: Vec<Arc<str>>,
    pub properties: BasicProperties,
    pub body: Arc<[u8]>,
}

impl Message {
    /// The routing key basic.deliver and basic.get-ok report.
    pub fn routing_key(&self) -> &str {
        &self.routing_key
    }

    /// All routing keys: the routing key, then CC, then BCC keys.
    pub fn routing_keys(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&*self.routing_key).chain(self.extra_routing_keys.iter().map(|k| &**k))
    }

    /// Body size in bytes (what `x-max-length-bytes` counts).
    pub fn size(&self) -> usize {
        self.body.len()
    }

    /// The per-message TTL, already validated at publish.
    pub fn ttl(&self) -> Option<u64> {
        self.properties
            .expiration
            .as_deref()
            .and_then(|e| parse_expiration(e).ok())
    }
}

/// Parses `expiration` the way RabbitMQ 3.10 does (Erlang `string:to_integer`): an optional sign
/// and digits, nothing else (`"+5"` and `"0010"` are fine, `" 5"` and `"1e3"` are not), then
/// 0..=10 years.
pub fn parse_expiration(text: &str) -> Result<u64, BrokerError> {
    let invalid = || BrokerError::PreconditionFailed(format!("invalid expiration '{text}'"));
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'+') => (false, &text[1..]),
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    // Leading zeros make the digit count no guide to the magnitude, so fold with saturation.
    let value = digits.bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    if negative && value != 0 {
        return Err(invalid());
    }
    if value > MAX_EXPIRY_MS {
        return Err(invalid());
    }
    u64::try_from(value).map_err(|_| invalid())
}

/// The routing keys the CC and BCC headers add (only string elements count); 406 when either
/// header is present but not an array.
pub fn header_routes(headers: Option<&FieldTable>) -> Result<Vec<Arc<str>>, BrokerError> {
    let mut out = Vec::new();
    let Some(headers) = headers else {
        return Ok(out);
    };
    for key in ["CC", "BCC"] {
        match headers.get(key) {
            None => {}
            Some(FieldValue::Array(items)) => {
                out.extend(items.iter().filter_map(|v| v.as_str()).map(Arc::from));
            }
            Some(_) => {
                return Err(BrokerError::PreconditionFailed(format!(
                    "invalid message: unacceptable type in header {key}"
                )));
            }
        }
    }
    Ok(out)
}

/// Publish-time checks RabbitMQ makes on properties, in its order: expiration, then
/// delivery_mode; `user_id` must be the connection's user.
pub fn validate_properties(props: &BasicProperties, user: &str) -> Result<(), BrokerError> {
    if let Some(uid) = &props.user_id
        && uid != user
    {
        return Err(BrokerError::PreconditionFailed(format!(
            "user_id property set to '{uid}' but authenticated user was '{user}'"
        )));
    }
    if let Some(e) = &props.expiration {
        parse_expiration(e)?;
    }
    match props.delivery_mode {
        None | Some(1) | Some(2) => Ok(()),
        Some(m) => Err(BrokerError::PreconditionFailed(format!(
            "invalid message: delivery_mode_unknown {m}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiration_parsing_follows_erlang_to_integer() {
        assert_eq!(parse_expiration("+5"), Ok(5));
        assert_eq!(parse_expiration("0010"), Ok(10));
        assert_eq!(parse_expiration("0"), Ok(0));
        assert_eq!(parse_expiration("-0"), Ok(0));
        for bad in [
            " 5",
            "5 ",
            "1e3",
            "-10",
            "foobar",
            "10000foobar",
            "",
            "+",
            "315360000001",
        ] {
            assert!(parse_expiration(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(parse_expiration("315360000000"), Ok(315_360_000_000));
    }

    #[test]
    fn cc_and_bcc_routes() {
        let mut h = FieldTable::new();
        h.insert(
            "CC".into(),
            FieldValue::Array(vec![FieldValue::Str("a".into()), FieldValue::Int(1)]),
        );
        h.insert(
            "BCC".into(),
            FieldValue::Array(vec![FieldValue::Str("b".into())]),
        );
        let keys = header_routes(Some(&h)).unwrap_or_default();
        let keys: Vec<&str> = keys.iter().map(|k| &**k).collect();
        assert_eq!(keys, ["a", "b"]);
        h.insert("CC".into(), FieldValue::Str("a".into()));
        assert_eq!(
            header_routes(Some(&h)).map_err(|e| e.reply_code()),
            Err(406)
        );
    }
}
