//! The conformance case format (`shared/conformance/FORMAT.md` §1) parsed into typed steps.
//! Malformed input is a [`CaseError`] naming the JSON path (`steps[3].queue: expected a
//! string`), never a panic.

use serde_json::{Map, Value};

use crate::broker::{BasicProperties, FieldTable, FieldValue};

/// A malformed case: where (JSON path) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CaseError {}

fn err(path: &str, message: impl Into<String>) -> CaseError {
    CaseError {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// An exchange of the definitions or a declare_exchange step.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeDef {
    pub name: String,
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    pub arguments: FieldTable,
}

/// A queue of the definitions or a declare_queue step.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueDef {
    pub name: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub exclusive: bool,
    pub arguments: FieldTable,
}

/// A binding of the definitions or a bind/unbind step.
#[derive(Debug, Clone, PartialEq)]
pub struct BindingDef {
    pub source: String,
    pub destination: String,
    pub to_exchange: bool,
    pub routing_key: String,
    pub arguments: FieldTable,
}

/// `definitions`: applied before step 0.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Definitions {
    pub exchanges: Vec<ExchangeDef>,
    pub queues: Vec<QueueDef>,
    pub bindings: Vec<BindingDef>,
}

/// ack / nack / reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettleKind {
    Ack,
    Nack,
    Reject,
}

impl SettleKind {
    /// The op name.
    pub fn as_str(self) -> &'static str {
        match self {
            SettleKind::Ack => "ack",
            SettleKind::Nack => "nack",
            SettleKind::Reject => "reject",
        }
    }
}

/// Which delivery a settle step means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryRef {
    /// The most recent delivery of this body on the actor's current channel.
    Body(String),
    /// The oldest outstanding delivery.
    First,
    /// The newest outstanding delivery.
    Last,
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Publish {
        exchange: String,
        routing_key: String,
        body: String,
        mandatory: bool,
        properties: Box<BasicProperties>,
        conn: String,
    },
    Consume {
        queue: String,
        consumer: String,
        prefetch: u16,
        auto_ack: bool,
        exclusive: bool,
        arguments: FieldTable,
        conn: String,
    },
    Get {
        queue: String,
        actor: String,
        auto_ack: bool,
        conn: String,
    },
    Settle {
        kind: SettleKind,
        /// An actor name, or `*` (the first actor with something outstanding).
        consumer: String,
        target: DeliveryRef,
        multiple: bool,
        requeue: bool,
    },
    Cancel {
        consumer: String,
    },
    CloseChannel {
        consumer: String,
    },
    CloseConnection {
        conn: String,
    },
    DeclareQueue {
        queue: QueueDef,
        conn: String,
    },
    DeclareExchange(ExchangeDef),
    DeleteExchange {
        name: String,
        if_unused: bool,
    },
    Bind {
        binding: BindingDef,
        unbind: bool,
        conn: String,
    },
    DeleteQueue {
        name: String,
        if_unused: bool,
        if_empty: bool,
        conn: String,
    },
    Purge {
        name: String,
        conn: String,
    },
    CheckQueue {
        name: String,
        conn: String,
    },
    Wait {
        ms: u64,
    },
}

/// A parsed case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// `name`, if the file gives one.
    pub name: Option<String>,
    pub definitions: Definitions,
    pub steps: Vec<Step>,
}

/// A JSON object being read, with its path for error messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, path: String) -> Result<Obj<'a>, CaseError> {
        match v {
            Value::Object(map) => Ok(Obj { map, path }),
            other => Err(err(
                &path,
                format!("expected an object, found {}", type_name(other)),
            )),
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`; JSON null counts as absent (the oracle's `or {}` / defaults).
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Result<String, CaseError> {
        match self.map.get(key) {
            None => Err(err(&self.at(key), "missing field")),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(err(
                &self.at(key),
                format!("expected a string, found {}", type_name(other)),
            )),
        }
    }

    fn string_or(&self, key: &str, default: &str) -> Result<String, CaseError> {
        match self.get(key) {
            None => Ok(default.to_owned()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(err(
                &self.at(key),
                format!("expected a string, found {}", type_name(other)),
            )),
        }
    }

    fn bool_or(&self, key: &str, default: bool) -> Result<bool, CaseError> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(err(
                &self.at(key),
                format!("expected a boolean, found {}", type_name(other)),
            )),
        }
    }

    fn uint(&self, key: &str, max: u64) -> Result<Option<u64>, CaseError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(v) if v <= max => Ok(Some(v)),
                _ => Err(err(
                    &self.at(key),
                    format!("expected an integer from 0 to {max}"),
                )),
            },
            Some(other) => Err(err(
                &self.at(key),
                format!("expected an integer, found {}", type_name(other)),
            )),
        }
    }

    fn table(&self, key: &str) -> Result<FieldTable, CaseError> {
        match self.get(key) {
            None => Ok(FieldTable::new()),
            Some(v @ Value::Object(_)) => match field_value(v, &self.at(key))? {
                FieldValue::Table(t) => Ok(t),
                _ => Ok(FieldTable::new()),
            },
            Some(other) => Err(err(
                &self.at(key),
                format!("expected an object, found {}", type_name(other)),
            )),
        }
    }

    fn list(&self, key: &str) -> Result<&'a [Value], CaseError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(err(
                &self.at(key),
                format!("expected an array, found {}", type_name(other)),
            )),
        }
    }

    fn conn(&self) -> Result<String, CaseError> {
        self.string_or("conn", "main")
    }
}

/// A JSON value as an AMQP field value: integers, strings, booleans, null (void), objects
/// (tables) and arrays. Floats are refused: the oracle's client cannot encode them.
pub fn field_value(v: &Value, path: &str) -> Result<FieldValue, CaseError> {
    Ok(match v {
        Value::Null => FieldValue::Void,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => FieldValue::Int(i),
            None => {
                return Err(err(
                    path,
                    "expected an integer (floats and integers beyond 64 bits are not supported)",
                ));
            }
        },
        Value::String(s) => FieldValue::Str(s.clone()),
        Value::Array(items) => FieldValue::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| field_value(x, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => FieldValue::Table(
            map.iter()
                .map(|(k, x)| Ok((k.clone(), field_value(x, &format!("{path}.{k}"))?)))
                .collect::<Result<_, CaseError>>()?,
        ),
    })
}

const PROPERTY_KEYS: [&str; 13] = [
    "headers",
    "priority",
    "expiration",
    "delivery_mode",
    "content_type",
    "content_encoding",
    "correlation_id",
    "reply_to",
    "message_id",
    "type",
    "user_id",
    "app_id",
    "timestamp",
];

fn properties(o: &Obj<'_>) -> Result<BasicProperties, CaseError> {
    let Some(v) = o.get("properties") else {
        return Ok(BasicProperties::default());
    };
    let p = Obj::new(v, o.at("properties"))?;
    if let Some(bad) = p.map.keys().find(|k| !PROPERTY_KEYS.contains(&k.as_str())) {
        return Err(err(&p.at(bad), "unknown message property"));
    }
    let opt_str = |key: &str| -> Result<Option<String>, CaseError> {
        match p.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(err(
                &p.at(key),
                format!("expected a string, found {}", type_name(other)),
            )),
        }
    };
    let expiration = match p.get("expiration") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Some(other) => {
            return Err(err(
                &p.at("expiration"),
                format!(
                    "expected a string or an integer, found {}",
                    type_name(other)
                ),
            ));
        }
    };
    let headers = match p.get("headers") {
        None => None,
        Some(_) => Some(p.table("headers")?),
    };
    let small = |key: &str| -> Result<Option<u8>, CaseError> {
        Ok(p.uint(key, 255)?.and_then(|v| u8::try_from(v).ok()))
    };
    Ok(BasicProperties {
        content_type: opt_str("content_type")?,
        content_encoding: opt_str("content_encoding")?,
        headers,
        delivery_mode: small("delivery_mode")?,
        priority: small("priority")?,
        correlation_id: opt_str("correlation_id")?,
        reply_to: opt_str("reply_to")?,
        expiration,
        message_id: opt_str("message_id")?,
        timestamp: p.uint("timestamp", u64::MAX)?,
        kind: opt_str("type")?,
        user_id: opt_str("user_id")?,
        app_id: opt_str("app_id")?,
    })
}

fn exchange_def(o: &Obj<'_>) -> Result<ExchangeDef, CaseError> {
    Ok(ExchangeDef {
        name: o.string("name")?,
        kind: o.string_or("type", "direct")?,
        durable: o.bool_or("durable", true)?,
        auto_delete: o.bool_or("auto_delete", false)?,
        internal: o.bool_or("internal", false)?,
        arguments: o.table("arguments")?,
    })
}

fn queue_def(o: &Obj<'_>) -> Result<QueueDef, CaseError> {
    let name = o.string("name")?;
    if name.is_empty() {
        return Err(err(&o.at("name"), "server-named queues are not supported"));
    }
    Ok(QueueDef {
        name,
        durable: o.bool_or("durable", true)?,
        auto_delete: o.bool_or("auto_delete", false)?,
        exclusive: o.bool_or("exclusive", false)?,
        arguments: o.table("arguments")?,
    })
}

fn binding_def(o: &Obj<'_>) -> Result<BindingDef, CaseError> {
    let to_exchange = match o.string_or("destination_type", "queue")?.as_str() {
        "queue" => false,
        "exchange" => true,
        _ => {
            return Err(err(
                &o.at("destination_type"),
                "expected \"queue\" or \"exchange\"",
            ));
        }
    };
    Ok(BindingDef {
        source: o.string("source")?,
        destination: o.string("destination")?,
        to_exchange,
        routing_key: o.string_or("routing_key", "")?,
        arguments: o.table("arguments")?,
    })
}

/// The actor a settle/close step names: `consumer`, else `as`.
fn actor_name(o: &Obj<'_>) -> Result<String, CaseError> {
    if o.get("consumer").is_some() {
        o.string("consumer")
    } else if o.get("as").is_some() {
        o.string("as")
    } else {
        Err(err(&o.at("consumer"), "missing field"))
    }
}

fn step(o: &Obj<'_>) -> Result<Step, CaseError> {
    let op = o.string("op")?;
    Ok(match op.as_str() {
        "publish" => Step::Publish {
            exchange: o.string_or("exchange", "")?,
            routing_key: o.string_or("routing_key", "")?,
            body: o.string("body")?,
            mandatory: o.bool_or("mandatory", false)?,
            properties: Box::new(properties(o)?),
            conn: o.conn()?,
        },
        "consume" => Step::Consume {
            queue: o.string("queue")?,
            consumer: o.string("consumer")?,
            prefetch: o
                .uint("prefetch", u64::from(u16::MAX))?
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(0),
            auto_ack: o.bool_or("auto_ack", false)?,
            exclusive: o.bool_or("exclusive", false)?,
            arguments: o.table("arguments")?,
            conn: o.conn()?,
        },
        "get" => Step::Get {
            queue: o.string("queue")?,
            actor: o.string_or("as", "g")?,
            auto_ack: o.bool_or("auto_ack", false)?,
            conn: o.conn()?,
        },
        "ack" | "nack" | "reject" => {
            let kind = match op.as_str() {
                "ack" => SettleKind::Ack,
                "nack" => SettleKind::Nack,
                _ => SettleKind::Reject,
            };
            let consumer = actor_name(o)?;
            let target = if o.map.contains_key("body") {
                if consumer == "*" {
                    return Err(err(&o.at("body"), "consumer \"*\" needs pick, not body"));
                }
                DeliveryRef::Body(o.string("body")?)
            } else {
                match o.get("pick") {
                    Some(Value::String(s)) if s == "first" => DeliveryRef::First,
                    Some(Value::String(s)) if s == "last" => DeliveryRef::Last,
                    None => {
                        return Err(err(
                            &o.at("pick"),
                            "missing field (body or pick is required)",
                        ));
                    }
                    Some(_) => return Err(err(&o.at("pick"), "expected \"first\" or \"last\"")),
                }
            };
            Step::Settle {
                kind,
                consumer,
                target,
                multiple: o.bool_or("multiple", false)?,
                requeue: o.bool_or("requeue", true)?,
            }
        }
        "cancel" => Step::Cancel {
            consumer: o.string("consumer")?,
        },
        "close_channel" => Step::CloseChannel {
            consumer: actor_name(o)?,
        },
        "close_connection" => Step::CloseConnection { conn: o.conn()? },
        "declare_queue" => Step::DeclareQueue {
            queue: queue_def(o)?,
            conn: o.conn()?,
        },
        "declare_exchange" => Step::DeclareExchange(exchange_def(o)?),
        "delete_exchange" => Step::DeleteExchange {
            name: o.string("name")?,
            if_unused: o.bool_or("if_unused", false)?,
        },
        "bind" | "unbind" => Step::Bind {
            binding: binding_def(o)?,
            unbind: op == "unbind",
            conn: o.conn()?,
        },
        "delete_queue" => Step::DeleteQueue {
            name: o.string("name")?,
            if_unused: o.bool_or("if_unused", false)?,
            if_empty: o.bool_or("if_empty", false)?,
            conn: o.conn()?,
        },
        "purge" => Step::Purge {
            name: o.string("name")?,
            conn: o.conn()?,
        },
        "check_queue" => Step::CheckQueue {
            name: o.string("name")?,
            conn: o.conn()?,
        },
        "wait" => match o.uint("ms", u64::from(u32::MAX))? {
            Some(ms) => Step::Wait { ms },
            None => return Err(err(&o.at("ms"), "missing field")),
        },
        other => return Err(err(&o.at("op"), format!("unknown op {other:?}"))),
    })
}

/// Parses a case from its JSON text.
pub fn parse_case(text: &[u8]) -> Result<Case, CaseError> {
    let root: Value =
        serde_json::from_slice(text).map_err(|e| err("", format!("invalid JSON: {e}")))?;
    let top = Obj::new(&root, String::new())?;
    let name = match top.get("name") {
        None => None,
        Some(_) => Some(top.string("name")?),
    };
    let mut definitions = Definitions::default();
    if let Some(d) = top.get("definitions") {
        let d = Obj::new(d, "definitions".into())?;
        for (i, v) in d.list("exchanges")?.iter().enumerate() {
            definitions.exchanges.push(exchange_def(&Obj::new(
                v,
                format!("definitions.exchanges[{i}]"),
            )?)?);
        }
        for (i, v) in d.list("queues")?.iter().enumerate() {
            definitions.queues.push(queue_def(&Obj::new(
                v,
                format!("definitions.queues[{i}]"),
            )?)?);
        }
        for (i, v) in d.list("bindings")?.iter().enumerate() {
            definitions.bindings.push(binding_def(&Obj::new(
                v,
                format!("definitions.bindings[{i}]"),
            )?)?);
        }
    }
    let steps = top
        .list("steps")?
        .iter()
        .enumerate()
        .map(|(i, v)| step(&Obj::new(v, format!("steps[{i}]"))?))
        .collect::<Result<_, _>>()?;
    Ok(Case {
        name,
        definitions,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_json_path() {
        let e = parse_case(br#"{"steps": [{"op": "wait", "ms": 1}, {"op": "get", "queue": 5}]}"#);
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("steps[1].queue: expected a string, found a number".into())
        );
        let e = parse_case(br#"{"steps": [{"op": "fly"}]}"#);
        assert_eq!(e.map_err(|e| e.path), Err("steps[0].op".into()));
        let e = parse_case(br#"{"steps": [{"op": "publish"}]}"#);
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("steps[0].body: missing field".into())
        );
        let e =
            parse_case(br#"{"definitions": {"queues": [{"name": "q", "arguments": {"x": 1.5}}]}}"#);
        assert_eq!(
            e.map_err(|e| e.path),
            Err("definitions.queues[0].arguments.x".into())
        );
        assert!(parse_case(b"[1,").is_err());
        assert!(parse_case(b"\xff").is_err());
    }

    #[test]
    fn defaults_apply() {
        let c = parse_case(
            br#"{"steps": [{"op": "publish", "body": "m", "properties": {"expiration": 100}},
            {"op": "ack", "consumer": "*", "pick": "last"}]}"#,
        );
        let Ok(c) = c else {
            panic!("parse failed: {c:?}")
        };
        assert_eq!(
            c.steps[0],
            Step::Publish {
                exchange: String::new(),
                routing_key: String::new(),
                body: "m".into(),
                mandatory: false,
                properties: Box::new(BasicProperties {
                    expiration: Some("100".into()),
                    ..BasicProperties::default()
                }),
                conn: "main".into(),
            }
        );
        assert!(matches!(
            &c.steps[1],
            Step::Settle {
                target: DeliveryRef::Last,
                requeue: true,
                ..
            }
        ));
    }
}
