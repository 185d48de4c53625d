//! AMQP field values and tables: message headers, queue/exchange/binding arguments.

use std::collections::BTreeMap;

/// An AMQP field table. Ordered by key so that iteration is deterministic.
pub type FieldTable = BTreeMap<String, FieldValue>;

/// An empty table to lend where a message has no headers (a local one would be dropped per use).
pub static EMPTY_TABLE: FieldTable = FieldTable::new();

/// An AMQP field value. Only the types a case or scenario can express are modelled; the type
/// class matters for headers-exchange matching (`"1"` does not match `1`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldValue {
    /// AMQP void (JSON `null`).
    Void,
    /// Boolean.
    Bool(bool),
    /// Any signed integer (AMQP short/long/long-long); one type class for matching.
    Int(i64),
    /// long string.
    Str(String),
    /// Nested table.
    Table(FieldTable),
    /// Array.
    Array(Vec<FieldValue>),
}

impl FieldValue {
    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            FieldValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::Str(s) => Some(s),
            _ => None,
        }
    }
}
