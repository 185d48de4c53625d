//! Headers-exchange binding patterns: validation of `x-match` at bind time and matching of a
//! message's `headers` table against a binding's arguments, as RabbitMQ 3.10's
//! `rabbit_exchange_type_headers` does it.
//!
//! Owns: the parsed pattern of one binding. Must not import: the router's exchange/binding
//! bookkeeping (this module only sees field tables).

use super::error::BrokerError;
use super::value::{FieldTable, FieldValue};

/// How the entries of a pattern combine (`x-match`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchMode {
    /// `all` (also the default when `x-match` is absent): `x-` keys ignored.
    All,
    /// `any`: `x-` keys ignored.
    Any,
    /// `all-with-x` (since 3.10): `x-` keys compared too.
    AllWithX,
    /// `any-with-x` (since 3.10): `x-` keys compared too.
    AnyWithX,
}

impl MatchMode {
    fn is_any(self) -> bool {
        matches!(self, MatchMode::Any | MatchMode::AnyWithX)
    }

    fn counts_x_keys(self) -> bool {
        matches!(self, MatchMode::AllWithX | MatchMode::AnyWithX)
    }

    /// The `x-match` value that selects this mode.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::All => "all",
            MatchMode::Any => "any",
            MatchMode::AllWithX => "all-with-x",
            MatchMode::AnyWithX => "any-with-x",
        }
    }
}

/// One binding's pattern, reduced to the entries that count for its mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadersPattern {
    mode: MatchMode,
    /// `(key, None)` is a presence test (binding value void); `(key, Some(v))` needs an equal value.
    entries: Vec<(String, Option<FieldValue>)>,
}

/// Parses and validates binding arguments. Any `x-match` other than the four longstr values → 406
/// (RabbitMQ's `validate_binding/2`).
pub fn parse(arguments: &FieldTable) -> Result<HeadersPattern, BrokerError> {
    let mode = match arguments.get("x-match") {
        None => MatchMode::All,
        Some(FieldValue::Str(s)) => match s.as_str() {
            "all" => MatchMode::All,
            "any" => MatchMode::Any,
            "all-with-x" => MatchMode::AllWithX,
            "any-with-x" => MatchMode::AnyWithX,
            other => {
                return Err(BrokerError::PreconditionFailed(format!(
                    "Invalid x-match field value <<\"{other}\">>; expected all, any, all-with-x, or any-with-x"
                )));
            }
        },
        Some(other) => {
            return Err(BrokerError::PreconditionFailed(format!(
                "Invalid x-match field type {other:?}; expected longstr"
            )));
        }
    };
    let entries = arguments
        .iter()
        .filter(|(k, _)| k.as_str() != "x-match")
        .filter(|(k, _)| mode.counts_x_keys() || !k.starts_with("x-"))
        .map(|(k, v)| {
            let want = match v {
                FieldValue::Void => None,
                other => Some(other.clone()),
            };
            (k.clone(), want)
        })
        .collect();
    Ok(HeadersPattern { mode, entries })
}

impl HeadersPattern {
    /// The `x-match` mode.
    pub fn mode(&self) -> MatchMode {
        self.mode
    }

    fn entry_satisfied(key: &str, want: &Option<FieldValue>, headers: &FieldTable) -> bool {
        match (headers.get(key), want) {
            (None, _) => false,
            (Some(_), None) => true,
            // FieldValue has one integer class, so derived equality is RabbitMQ's type-class rule.
            (Some(have), Some(want)) => have == want,
        }
    }

    /// Whether a message with these headers matches. An empty counting set matches everything
    /// in `all` modes and nothing in `any` modes (RabbitMQ starts from AllMatch=true, AnyMatch=false).
    pub fn matches(&self, headers: &FieldTable) -> bool {
        if self.mode.is_any() {
            self.entries
                .iter()
                .any(|(k, w)| Self::entry_satisfied(k, w, headers))
        } else {
            self.entries
                .iter()
                .all(|(k, w)| Self::entry_satisfied(k, w, headers))
        }
    }

    /// The pattern keys the message satisfied (for explanations).
    pub fn satisfied_keys(&self, headers: &FieldTable) -> Vec<String> {
        self.entries
            .iter()
            .filter(|(k, w)| Self::entry_satisfied(k, w, headers))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(entries: &[(&str, FieldValue)]) -> FieldTable {
        entries
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect()
    }

    fn s(v: &str) -> FieldValue {
        FieldValue::Str(v.to_string())
    }

    #[test]
    fn invalid_x_match_is_406() {
        for bad in [
            s("one"),
            s("ALL"),
            s(""),
            FieldValue::Int(1),
            FieldValue::Void,
        ] {
            let err = parse(&table(&[("x-match", bad.clone())])).err();
            assert_eq!(
                err.map(|e| e.reply_code()),
                Some(406),
                "x-match {bad:?} must be refused"
            );
        }
        for good in ["all", "any", "all-with-x", "any-with-x"] {
            assert!(parse(&table(&[("x-match", s(good))])).is_ok(), "{good}");
        }
        assert_eq!(
            parse(&FieldTable::new()).map(|p| p.mode()),
            Ok(MatchMode::All)
        );
    }

    #[test]
    fn headers_table() {
        let i = FieldValue::Int;
        // (binding args, message headers, expected)
        let rows: Vec<(FieldTable, FieldTable, bool)> = vec![
            // all: every key must match
            (
                table(&[("a", i(1)), ("b", i(2))]),
                table(&[("a", i(1)), ("b", i(2))]),
                true,
            ),
            (
                table(&[("a", i(1)), ("b", i(2))]),
                table(&[("a", i(1))]),
                false,
            ),
            (
                table(&[("a", i(1)), ("b", i(2))]),
                table(&[("a", i(1)), ("b", i(3))]),
                false,
            ),
            // extra message headers don't matter
            (
                table(&[("a", i(1))]),
                table(&[("a", i(1)), ("z", s("q"))]),
                true,
            ),
            // any
            (
                table(&[("x-match", s("any")), ("a", i(1)), ("b", i(2))]),
                table(&[("b", i(2))]),
                true,
            ),
            (
                table(&[("x-match", s("any")), ("a", i(1)), ("b", i(2))]),
                table(&[("b", i(3))]),
                false,
            ),
            // no counting entries: all matches everything, any nothing
            (table(&[("x-match", s("all"))]), FieldTable::new(), true),
            (FieldTable::new(), FieldTable::new(), true),
            (table(&[("x-foo", i(1))]), FieldTable::new(), true),
            (
                table(&[("x-match", s("any"))]),
                table(&[("a", i(1))]),
                false,
            ),
            (
                table(&[("x-match", s("any")), ("x-foo", i(1))]),
                table(&[("x-foo", i(1))]),
                false,
            ),
            // x- keys count in -with-x modes
            (
                table(&[("x-match", s("all-with-x")), ("x-foo", i(1))]),
                FieldTable::new(),
                false,
            ),
            (
                table(&[("x-match", s("all-with-x")), ("x-foo", i(1))]),
                table(&[("x-foo", i(1))]),
                true,
            ),
            (
                table(&[("x-match", s("any-with-x")), ("x-foo", i(1))]),
                table(&[("x-foo", i(1))]),
                true,
            ),
            (
                table(&[("x-match", s("any-with-x")), ("x-foo", i(1))]),
                table(&[("x-foo", i(2))]),
                false,
            ),
            // void = presence
            (
                table(&[("a", FieldValue::Void)]),
                table(&[("a", s("anything"))]),
                true,
            ),
            (
                table(&[("a", FieldValue::Void)]),
                table(&[("a", FieldValue::Void)]),
                true,
            ),
            (
                table(&[("a", FieldValue::Void)]),
                table(&[("b", i(1))]),
                false,
            ),
            // type class
            (table(&[("a", i(1))]), table(&[("a", s("1"))]), false),
            (table(&[("a", s("1"))]), table(&[("a", i(1))]), false),
            (
                table(&[("a", FieldValue::Bool(true))]),
                table(&[("a", s("true"))]),
                false,
            ),
            (table(&[("a", s(""))]), FieldTable::new(), false),
            (table(&[("a", s(""))]), table(&[("a", s(""))]), true),
            // a non-void binding value does not match a void header
            (
                table(&[("a", i(1))]),
                table(&[("a", FieldValue::Void)]),
                false,
            ),
            // arrays element-wise in order
            (
                table(&[("a", FieldValue::Array(vec![i(1), i(2)]))]),
                table(&[("a", FieldValue::Array(vec![i(1), i(2)]))]),
                true,
            ),
            (
                table(&[("a", FieldValue::Array(vec![i(1), i(2)]))]),
                table(&[("a", FieldValue::Array(vec![i(2), i(1)]))]),
                false,
            ),
            // keys are case-sensitive
            (table(&[("A", i(1))]), table(&[("a", i(1))]), false),
        ];
        for (n, (args, headers, want)) in rows.iter().enumerate() {
            let pattern = parse(args);
            assert_eq!(
                pattern.as_ref().map(|p| p.matches(headers)),
                Ok(*want),
                "row {n}: binding {args:?} headers {headers:?}"
            );
        }
    }
}
