//! Every field the inspector edits, as data: its label, its input kind, how to read it from a
//! [`Scenario`] as text and how to write text back. Text that cannot be read (a letter in a
//! number) is an error for the field; whatever can be read is written and then checked by the
//! scenario module's validation, so the two never disagree about what is valid.
//!
//! Owns: the mapping between form text and model fields. Pure, so it is unit-tested natively.

use serde_json::{Map, Value};

use crate::scenario::{Action, DestinationType, ExchangeKind, NodeId, Rate, RoutingKeys, Scenario};

use super::graph::plain;
use super::ops;
use crate::ui::i18n::{tr, tr_with};

/// What the inspector shows: a node or a binding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A node.
    Node(NodeId),
    /// `topology.bindings[i]`.
    Binding(usize),
    /// The scenario itself (title).
    Scenario,
}

impl Target {
    /// A stable text key (`queue:hello`, `binding:2`, `scenario`) for element keys.
    pub fn key(&self) -> String {
        match self {
            Target::Node(id) => id.to_string(),
            Target::Binding(i) => format!("binding:{i}"),
            Target::Scenario => "scenario".to_owned(),
        }
    }
}

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Text,
    /// A number typed as text (so nothing typed is silently dropped by the browser).
    Number,
    /// Several lines.
    Lines,
    /// A checkbox: "true" / "false".
    Check,
    /// One of fixed (value, label) pairs; a label is a catalog key or an AMQP word.
    Choice(&'static [(&'static str, &'static str)]),
    /// An exchange name, from the declared and predeclared exchanges.
    ExchangeRef,
    /// A queue name, from the declared queues.
    QueueRef,
}

const EXCHANGE_TYPES: &[(&str, &str)] = &[
    ("direct", "direct"),
    ("fanout", "fanout"),
    ("topic", "topic"),
    ("headers", "headers"),
];
const OVERFLOW: &[(&str, &str)] = &[
    ("", "editor.choice.drop_head_default"),
    ("drop-head", "drop-head"),
    ("reject-publish", "reject-publish"),
    ("reject-publish-dlx", "reject-publish-dlx"),
];
const X_MATCH: &[(&str, &str)] = &[
    ("all", "all"),
    ("any", "any"),
    ("all-with-x", "all-with-x"),
    ("any-with-x", "any-with-x"),
];
const DELIVERY_MODE: &[(&str, &str)] = &[
    ("", "editor.choice.not_set"),
    ("1", "editor.choice.transient"),
    ("2", "editor.choice.persistent"),
];
const RATE: &[(&str, &str)] = &[
    ("once", "editor.choice.once"),
    ("every", "editor.choice.every"),
    ("burst", "editor.choice.burst"),
];
const ACTIONS: &[(&str, &str)] = &[
    ("ack", "ack"),
    ("nack_requeue", "editor.choice.nack_requeue"),
    ("nack", "editor.choice.nack"),
    ("reject", "editor.choice.reject"),
];
const FAILURE_ACTIONS: &[(&str, &str)] = &[
    ("", "editor.choice.not_set"),
    ("ack", "ack"),
    ("nack_requeue", "editor.choice.nack_requeue"),
    ("nack", "editor.choice.nack"),
    ("reject", "editor.choice.reject"),
];

macro_rules! fields {
    ($($v:ident => $label:literal, $input:expr;)*) => {
        /// One editable field.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Field { $(
            #[doc = $label]
            $v,
        )* }

        impl Field {
            /// The variant's name, for element ids (`field-QName`).
            pub fn name(self) -> &'static str {
                match self { $(Field::$v => stringify!($v),)* }
            }

            /// The visible label (also the input's accessible name), in the current language.
            pub fn label(self) -> &'static str {
                crate::ui::i18n::tr(self.label_key())
            }

            /// The catalog key of the label (`editor.field.QName`).
            pub fn label_key(self) -> &'static str {
                match self { $(Field::$v => concat!("editor.field.", stringify!($v)),)* }
            }

            /// How it is edited.
            pub fn input(self) -> Input {
                match self { $(Field::$v => $input,)* }
            }
        }
    };
}

fields! {
    Title => "Title", Input::Text;
    XName => "Name", Input::Text;
    XType => "Type", Input::Choice(EXCHANGE_TYPES);
    XDurable => "Durable", Input::Check;
    XAutoDelete => "Auto-delete", Input::Check;
    XInternal => "Internal", Input::Check;
    XAlternate => "Alternate exchange", Input::ExchangeRef;
    QName => "Name", Input::Text;
    QDurable => "Durable", Input::Check;
    QExclusive => "Exclusive", Input::Check;
    QAutoDelete => "Auto-delete", Input::Check;
    QMessageTtl => "Message TTL (ms)", Input::Number;
    QExpires => "Expires (ms)", Input::Number;
    QMaxLength => "Max length", Input::Number;
    QMaxLengthBytes => "Max length bytes", Input::Number;
    QOverflow => "Overflow", Input::Choice(OVERFLOW);
    QDlx => "Dead-letter exchange", Input::ExchangeRef;
    QDlrk => "Dead-letter routing key", Input::Text;
    QMaxPriority => "Max priority", Input::Number;
    QSingleActive => "Single active consumer", Input::Check;
    BKey => "Binding key", Input::Text;
    BMatch => "x-match", Input::Choice(X_MATCH);
    BArgs => "Header arguments (name=value per line)", Input::Lines;
    PName => "Name", Input::Text;
    PExchange => "Exchange", Input::ExchangeRef;
    PKeys => "Routing keys (one per line, cycled; {n} = message number)", Input::Lines;
    PHeaders => "Headers (name=value per line)", Input::Lines;
    PDeliveryMode => "Delivery mode", Input::Choice(DELIVERY_MODE);
    PPriority => "Priority", Input::Number;
    PExpiration => "Expiration (ms)", Input::Number;
    PReplyTo => "Reply-to", Input::Text;
    PCorrelationId => "Correlation id", Input::Text;
    PBody => "Body template", Input::Text;
    PRate => "Rate", Input::Choice(RATE);
    PEveryMs => "Every (ms)", Input::Number;
    PBurst => "Burst size", Input::Number;
    PCount => "Message count", Input::Number;
    PStartMs => "Start at (ms)", Input::Number;
    PMandatory => "Mandatory", Input::Check;
    PConfirms => "Publisher confirms", Input::Check;
    CName => "Name", Input::Text;
    CQueue => "Queue", Input::QueueRef;
    CPrefetch => "Prefetch count", Input::Number;
    CAutoAck => "Auto-ack", Input::Check;
    CProcessingMs => "Processing time (ms)", Input::Number;
    CAction => "On each message", Input::Choice(ACTIONS);
    CFailureRate => "Failure rate (0 to 1)", Input::Number;
    CFailureAction => "On failure", Input::Choice(FAILURE_ACTIONS);
    CPriority => "Consumer priority", Input::Number;
    CExclusive => "Exclusive", Input::Check;
    CReplyTo => "Reply to reply_to (RPC server)", Input::Check;
}

/// The fields shown for a target, in order.
pub fn fields_for(s: &Scenario, t: &Target) -> Vec<Field> {
    use Field::*;
    match t {
        Target::Scenario => vec![Title],
        Target::Node(NodeId::Exchange(x)) if s.exchange(x).is_none() => Vec::new(),
        Target::Node(NodeId::Exchange(_)) => {
            vec![XName, XType, XDurable, XAutoDelete, XInternal, XAlternate]
        }
        Target::Node(NodeId::Queue(_)) => vec![
            QName,
            QDurable,
            QExclusive,
            QAutoDelete,
            QMessageTtl,
            QExpires,
            QMaxLength,
            QMaxLengthBytes,
            QOverflow,
            QDlx,
            QDlrk,
            QMaxPriority,
            QSingleActive,
        ],
        Target::Binding(i) => {
            let headers = s
                .topology
                .bindings
                .get(*i)
                .and_then(|b| s.exchange(&b.source))
                .is_some_and(|x| x.kind == ExchangeKind::Headers);
            if headers {
                vec![BMatch, BArgs]
            } else {
                vec![BKey]
            }
        }
        Target::Node(NodeId::Producer(id)) => {
            let rate = s.producers.iter().find(|p| &p.id == id).map(|p| p.rate);
            let mut v = vec![PName, PExchange, PKeys, PBody, PRate];
            match rate {
                Some(Rate::Every { .. }) => v.push(PEveryMs),
                Some(Rate::Burst { .. }) => v.extend([PBurst, PEveryMs]),
                _ => {}
            }
            v.extend([
                PCount,
                PStartMs,
                PMandatory,
                PConfirms,
                PDeliveryMode,
                PPriority,
                PExpiration,
                PReplyTo,
                PCorrelationId,
                PHeaders,
            ]);
            v
        }
        Target::Node(NodeId::Consumer(_)) => vec![
            CName,
            CQueue,
            CAutoAck,
            CPrefetch,
            CProcessingMs,
            CAction,
            CFailureRate,
            CFailureAction,
            CPriority,
            CExclusive,
            CReplyTo,
        ],
    }
}

fn arg_text(args: &Map<String, Value>, key: &str) -> String {
    args.get(key).map(plain).unwrap_or_default()
}

fn table_text(m: &Map<String, Value>, skip: &str) -> String {
    m.iter()
        .filter(|(k, _)| k.as_str() != skip)
        .map(|(k, v)| format!("{k}={}", plain(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn bool_text(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

fn opt_text<T: ToString>(o: Option<T>) -> String {
    o.map(|v| v.to_string()).unwrap_or_default()
}

/// The current value of `f` on `t`, as the form shows it (`None` if `t` is gone).
pub fn get(s: &Scenario, t: &Target, f: Field) -> Option<String> {
    use Field::*;
    Some(match t {
        Target::Scenario => s.title.clone(),
        Target::Node(NodeId::Exchange(name)) => {
            let x = s.exchange(name)?;
            match f {
                XName => x.name.clone(),
                XType => x.kind.as_str().to_owned(),
                XDurable => bool_text(x.durable),
                XAutoDelete => bool_text(x.auto_delete),
                XInternal => bool_text(x.internal),
                XAlternate => arg_text(&x.arguments, "alternate-exchange"),
                _ => return None,
            }
        }
        Target::Node(NodeId::Queue(name)) => {
            let q = s.queue(name)?;
            let a = &q.arguments;
            match f {
                QName => q.name.clone(),
                QDurable => bool_text(q.durable),
                QExclusive => bool_text(q.exclusive),
                QAutoDelete => bool_text(q.auto_delete),
                QMessageTtl => arg_text(a, "x-message-ttl"),
                QExpires => arg_text(a, "x-expires"),
                QMaxLength => arg_text(a, "x-max-length"),
                QMaxLengthBytes => arg_text(a, "x-max-length-bytes"),
                QOverflow => arg_text(a, "x-overflow"),
                QDlx => arg_text(a, "x-dead-letter-exchange"),
                QDlrk => arg_text(a, "x-dead-letter-routing-key"),
                QMaxPriority => arg_text(a, "x-max-priority"),
                QSingleActive => bool_text(
                    a.get("x-single-active-consumer")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                ),
                _ => return None,
            }
        }
        Target::Binding(i) => {
            let b = s.topology.bindings.get(*i)?;
            match f {
                BKey => b.routing_key.clone(),
                BMatch => {
                    let m = arg_text(&b.arguments, "x-match");
                    if m.is_empty() { "all".to_owned() } else { m }
                }
                BArgs => table_text(&b.arguments, "x-match"),
                _ => return None,
            }
        }
        Target::Node(NodeId::Producer(id)) => {
            let p = s.producers.iter().find(|p| &p.id == id)?;
            let pr = &p.properties;
            match f {
                PName => p.name.clone(),
                PExchange => p.exchange.clone(),
                PKeys => p.routing_key.0.join("\n"),
                PHeaders => table_text(&p.headers, ""),
                PDeliveryMode => opt_text(pr.delivery_mode),
                PPriority => opt_text(pr.priority),
                PExpiration => pr.expiration.clone().unwrap_or_default(),
                PReplyTo => pr.reply_to.clone().unwrap_or_default(),
                PCorrelationId => pr.correlation_id.clone().unwrap_or_default(),
                PBody => p.body.clone(),
                PRate => match p.rate {
                    Rate::Once => "once",
                    Rate::Every { .. } => "every",
                    Rate::Burst { .. } => "burst",
                }
                .to_owned(),
                PEveryMs => match p.rate {
                    Rate::Every { every_ms } => every_ms.to_string(),
                    Rate::Burst { every_ms, .. } => opt_text(every_ms),
                    Rate::Once => String::new(),
                },
                PBurst => match p.rate {
                    Rate::Burst { burst, .. } => burst.to_string(),
                    _ => String::new(),
                },
                PCount => opt_text(p.count),
                PStartMs => p.start_ms.to_string(),
                PMandatory => bool_text(p.mandatory),
                PConfirms => bool_text(p.confirms),
                _ => return None,
            }
        }
        Target::Node(NodeId::Consumer(id)) => {
            let c = s.consumers.iter().find(|c| &c.id == id)?;
            match f {
                CName => c.name.clone(),
                CQueue => c.queue.clone(),
                CPrefetch => c.prefetch.to_string(),
                CAutoAck => bool_text(c.auto_ack),
                CProcessingMs => c.processing_ms.to_string(),
                CAction => action_name(c.action).to_owned(),
                CFailureRate => crate::ui::num::short(c.failure_rate),
                CFailureAction => c.failure_action.map(action_name).unwrap_or("").to_owned(),
                CPriority => opt_text(c.priority),
                CExclusive => bool_text(c.exclusive),
                CReplyTo => bool_text(c.reply_to_reply),
                _ => return None,
            }
        }
    })
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::Ack => "ack",
        Action::NackRequeue => "nack_requeue",
        Action::Nack => "nack",
        Action::Reject => "reject",
    }
}

fn parse_bool(v: &str) -> Result<bool, String> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(tr("editor.error.bool").to_owned()),
    }
}

fn parse_u64(v: &str) -> Result<u64, String> {
    v.trim()
        .parse::<u64>()
        .map_err(|_| tr_with("editor.error.whole_number", &[("value", v)]))
}

fn parse_opt_u64(v: &str) -> Result<Option<u64>, String> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        parse_u64(v).map(Some)
    }
}

/// Sets or removes (empty text) a numeric argument.
fn set_num_arg(args: &mut Map<String, Value>, key: &str, v: &str) -> Result<(), String> {
    match parse_opt_u64(v)? {
        Some(n) => {
            args.insert(key.to_owned(), Value::from(n));
        }
        None => {
            args.remove(key);
        }
    }
    Ok(())
}

fn set_str_arg(args: &mut Map<String, Value>, key: &str, v: &str) {
    if v.is_empty() {
        args.remove(key);
    } else {
        args.insert(key.to_owned(), Value::from(v));
    }
}

/// Reads `name=value` lines; numbers and true/false become JSON numbers and booleans.
pub fn parse_table(text: &str) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(tr_with(
                "editor.error.line_name_value",
                &[("line", &(i + 1).to_string())],
            ));
        };
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() {
            return Err(tr_with(
                "editor.error.line_empty_name",
                &[("line", &(i + 1).to_string())],
            ));
        }
        let value = if let Ok(n) = v.parse::<i64>() {
            Value::from(n)
        } else if v == "true" || v == "false" {
            Value::from(v == "true")
        } else {
            Value::from(v)
        };
        m.insert(k.to_owned(), value);
    }
    Ok(m)
}

fn parse_action(v: &str) -> Result<Action, String> {
    Action::from_name(v).ok_or_else(|| tr_with("editor.error.unknown_action", &[("value", v)]))
}

/// Writes `value` into field `f` of `t`. An error means the text could not be read at all;
/// range and reference checks are left to the scenario's validation.
pub fn set(s: &mut Scenario, t: &Target, f: Field, value: &str) -> Result<(), String> {
    use Field::*;
    let gone = || tr("editor.error.gone").to_owned();
    match t {
        Target::Scenario => {
            s.title = value.to_owned();
        }
        Target::Node(NodeId::Exchange(name)) => {
            if f == XName {
                if s.exchange(value).is_some() && value != name {
                    return Err(tr_with("editor.error.second_exchange", &[("value", value)]));
                }
                ops::rename_exchange(s, name, value);
                return Ok(());
            }
            let x = s
                .topology
                .exchanges
                .iter_mut()
                .find(|x| &x.name == name)
                .ok_or_else(gone)?;
            match f {
                XType => {
                    x.kind = ExchangeKind::from_name(value).ok_or_else(|| {
                        tr_with("editor.error.unknown_exchange_type", &[("value", value)])
                    })?;
                }
                XDurable => x.durable = parse_bool(value)?,
                XAutoDelete => x.auto_delete = parse_bool(value)?,
                XInternal => x.internal = parse_bool(value)?,
                XAlternate => set_str_arg(&mut x.arguments, "alternate-exchange", value),
                _ => return Err(gone()),
            }
        }
        Target::Node(NodeId::Queue(name)) => {
            if f == QName {
                if s.queue(value).is_some() && value != name {
                    return Err(tr_with("editor.error.second_queue", &[("value", value)]));
                }
                ops::rename_queue(s, name, value);
                return Ok(());
            }
            let q = s
                .topology
                .queues
                .iter_mut()
                .find(|q| &q.name == name)
                .ok_or_else(gone)?;
            let a = &mut q.arguments;
            match f {
                QDurable => q.durable = parse_bool(value)?,
                QExclusive => q.exclusive = parse_bool(value)?,
                QAutoDelete => q.auto_delete = parse_bool(value)?,
                QMessageTtl => set_num_arg(a, "x-message-ttl", value)?,
                QExpires => set_num_arg(a, "x-expires", value)?,
                QMaxLength => set_num_arg(a, "x-max-length", value)?,
                QMaxLengthBytes => set_num_arg(a, "x-max-length-bytes", value)?,
                QMaxPriority => set_num_arg(a, "x-max-priority", value)?,
                QOverflow => set_str_arg(a, "x-overflow", value),
                QDlx => set_str_arg(a, "x-dead-letter-exchange", value),
                QDlrk => set_str_arg(a, "x-dead-letter-routing-key", value),
                QSingleActive => {
                    if parse_bool(value)? {
                        a.insert("x-single-active-consumer".into(), Value::from(true));
                    } else {
                        a.remove("x-single-active-consumer");
                    }
                }
                _ => return Err(gone()),
            }
        }
        Target::Binding(i) => {
            let b = s.topology.bindings.get_mut(*i).ok_or_else(gone)?;
            match f {
                BKey => b.routing_key = value.to_owned(),
                BMatch => {
                    b.arguments.insert("x-match".into(), Value::from(value));
                }
                BArgs => {
                    let m = b.arguments.get("x-match").cloned();
                    let mut table = parse_table(value)?;
                    if let Some(m) = m {
                        table.insert("x-match".into(), m);
                    }
                    b.arguments = table;
                }
                _ => return Err(gone()),
            }
        }
        Target::Node(NodeId::Producer(id)) => {
            let p = s
                .producers
                .iter_mut()
                .find(|p| &p.id == id)
                .ok_or_else(gone)?;
            let pr = &mut p.properties;
            let opt = |v: &str| (!v.is_empty()).then(|| v.to_owned());
            match f {
                PName => p.name = value.to_owned(),
                PExchange => p.exchange = value.to_owned(),
                PKeys => {
                    let keys: Vec<String> = value.lines().map(str::to_owned).collect();
                    p.routing_key = RoutingKeys(if keys.is_empty() {
                        vec![String::new()]
                    } else {
                        keys
                    });
                }
                PHeaders => p.headers = parse_table(value)?,
                PDeliveryMode => {
                    pr.delivery_mode = parse_opt_u64(value)?
                        .map(|d| u8::try_from(d).map_err(|_| "must be 1 or 2".to_owned()))
                        .transpose()?;
                }
                PPriority => {
                    pr.priority = parse_opt_u64(value)?
                        .map(|d| u8::try_from(d).map_err(|_| "must be from 0 to 255".to_owned()))
                        .transpose()?;
                }
                PExpiration => pr.expiration = parse_opt_u64(value)?.map(|n| n.to_string()),
                PReplyTo => pr.reply_to = opt(value),
                PCorrelationId => pr.correlation_id = opt(value),
                PBody => p.body = value.to_owned(),
                PRate => {
                    let every = match p.rate {
                        Rate::Every { every_ms } => Some(every_ms),
                        Rate::Burst { every_ms, .. } => every_ms,
                        Rate::Once => None,
                    };
                    p.rate = match value {
                        "once" => Rate::Once,
                        "every" => Rate::Every {
                            every_ms: every.unwrap_or(1000),
                        },
                        "burst" => Rate::Burst {
                            burst: 10,
                            every_ms: every,
                        },
                        other => {
                            return Err(tr_with("editor.error.unknown_rate", &[("value", other)]));
                        }
                    };
                }
                PEveryMs => {
                    p.rate = match p.rate {
                        Rate::Every { .. } => Rate::Every {
                            every_ms: parse_u64(value)?,
                        },
                        Rate::Burst { burst, .. } => Rate::Burst {
                            burst,
                            every_ms: parse_opt_u64(value)?,
                        },
                        Rate::Once => return Err(tr("editor.error.rate_every_or_burst").into()),
                    }
                }
                PBurst => {
                    p.rate = match p.rate {
                        Rate::Burst { every_ms, .. } => Rate::Burst {
                            burst: parse_u64(value)?,
                            every_ms,
                        },
                        _ => return Err(tr("editor.error.rate_burst").into()),
                    }
                }
                PCount => p.count = parse_opt_u64(value)?,
                PStartMs => p.start_ms = parse_u64(value)?,
                PMandatory => p.mandatory = parse_bool(value)?,
                PConfirms => p.confirms = parse_bool(value)?,
                _ => return Err(gone()),
            }
        }
        Target::Node(NodeId::Consumer(id)) => {
            let c = s
                .consumers
                .iter_mut()
                .find(|c| &c.id == id)
                .ok_or_else(gone)?;
            match f {
                CName => c.name = value.to_owned(),
                CQueue => c.queue = value.to_owned(),
                CPrefetch => {
                    c.prefetch = u16::try_from(parse_u64(value)?)
                        .map_err(|_| "must be from 0 to 65535".to_owned())?;
                }
                CAutoAck => c.auto_ack = parse_bool(value)?,
                CProcessingMs => c.processing_ms = parse_u64(value)?,
                CAction => c.action = parse_action(value)?,
                CFailureRate => {
                    let r = crate::ui::num::parse_decimal(value.trim())
                        .ok_or_else(|| tr_with("editor.error.number", &[("value", value)]))?;
                    if !(0.0..=1.0).contains(&r) {
                        return Err(tr("editor.error.failure_rate").to_owned());
                    }
                    c.failure_rate = r;
                }
                CFailureAction => {
                    c.failure_action = if value.is_empty() {
                        None
                    } else {
                        Some(parse_action(value)?)
                    };
                }
                CPriority => {
                    c.priority = if value.trim().is_empty() {
                        None
                    } else {
                        Some(value.trim().parse::<i32>().map_err(|_| {
                            tr_with("editor.error.whole_number", &[("value", value)])
                        })?)
                    };
                }
                CExclusive => c.exclusive = parse_bool(value)?,
                CReplyTo => c.reply_to_reply = parse_bool(value)?,
                _ => return Err(gone()),
            }
        }
    }
    Ok(())
}

/// The target after a successful edit of `f` (a rename changes a node's id).
pub fn target_after(t: &Target, f: Field, value: &str) -> Target {
    match (t, f) {
        (Target::Node(NodeId::Exchange(_)), Field::XName) => {
            Target::Node(NodeId::Exchange(value.to_owned()))
        }
        (Target::Node(NodeId::Queue(_)), Field::QName) => {
            Target::Node(NodeId::Queue(value.to_owned()))
        }
        _ => t.clone(),
    }
}

/// The field that holds a node's drawn name.
pub fn name_field(id: &NodeId) -> Field {
    match id {
        NodeId::Producer(_) => Field::PName,
        NodeId::Exchange(_) => Field::XName,
        NodeId::Queue(_) => Field::QName,
        NodeId::Consumer(_) => Field::CName,
    }
}

/// Names offered by an [`Input::ExchangeRef`] select: the default exchange, the `amq.*`
/// exchanges and every declared exchange.
pub fn exchange_choices(s: &Scenario) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "(AMQP default)".to_owned())];
    for n in ["amq.direct", "amq.fanout", "amq.topic", "amq.headers"] {
        v.push((n.to_owned(), n.to_owned()));
    }
    v.extend(
        s.topology
            .exchanges
            .iter()
            .map(|x| (x.name.clone(), x.name.clone())),
    );
    v
}

/// Whether the binding at `i` goes to a queue.
pub fn binding_to_queue(s: &Scenario, i: usize) -> bool {
    s.topology
        .bindings
        .get(i)
        .is_some_and(|b| b.destination_type == DestinationType::Queue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;

    fn topics() -> Scenario {
        presets::load("topics").expect("topics").scenario
    }

    #[test]
    fn every_listed_field_reads_back_what_was_written() {
        let s = topics();
        let targets = [
            Target::Node(NodeId::Exchange("topic_logs".into())),
            Target::Node(NodeId::Queue("Q1".into())),
            Target::Binding(0),
            Target::Node(NodeId::Producer("emit_log_topic".into())),
            Target::Node(NodeId::Consumer("c1".into())),
        ];
        for t in &targets {
            for f in fields_for(&s, t) {
                let v = get(&s, t, f).unwrap_or_else(|| panic!("{t:?} {f:?}"));
                let mut copy = s.clone();
                set(&mut copy, t, f, &v).unwrap_or_else(|e| panic!("{t:?} {f:?} {v:?}: {e}"));
                let t2 = target_after(t, f, &v);
                assert_eq!(get(&copy, &t2, f).as_deref(), Some(v.as_str()), "{f:?}");
            }
        }
    }

    #[test]
    fn unreadable_numbers_are_errors_not_dropped() {
        let mut s = topics();
        let q = Target::Node(NodeId::Queue("Q1".into()));
        assert!(set(&mut s, &q, Field::QMessageTtl, "12x").is_err());
        assert_eq!(get(&s, &q, Field::QMessageTtl).as_deref(), Some(""));
        set(&mut s, &q, Field::QMessageTtl, "5000").expect("ttl");
        assert_eq!(s.topology.queues[0].arguments["x-message-ttl"], 5000);
        set(&mut s, &q, Field::QMessageTtl, "").expect("clear");
        assert!(!s.topology.queues[0].arguments.contains_key("x-message-ttl"));
    }

    #[test]
    fn header_tables_parse_types_and_report_bad_lines() {
        let m = parse_table("format=pdf\nsize=3\nurgent=true\n").expect("table");
        assert_eq!(m["format"], "pdf");
        assert_eq!(m["size"], 3);
        assert_eq!(m["urgent"], true);
        assert!(parse_table("oops").is_err());
    }

    #[test]
    fn renaming_onto_an_existing_name_is_refused() {
        let mut s = topics();
        let q = Target::Node(NodeId::Queue("Q1".into()));
        assert!(set(&mut s, &q, Field::QName, "Q2").is_err());
        assert!(s.queue("Q1").is_some());
    }
}
