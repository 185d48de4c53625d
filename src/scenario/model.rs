//! The validated scenario: what the simulation runs and the editor draws.
//!
//! Values of these types only come out of [`crate::scenario::parse`] (or are built by code that
//! then re-validates), so consumers may rely on the invariants documented on each field.
//! Names are data: nothing here is markup, and nothing here renders anything.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::broker::value::{FieldTable, FieldValue};

/// The scenario format version this build writes (and the newest it reads).
pub const FORMAT_VERSION: u64 = 1;

/// A whole scenario: topology, actors, layout and an optional lesson.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Short title shown in the UI.
    pub title: String,
    /// Free text notes by the author.
    pub notes: String,
    /// Seed of the simulation's random number generator (failure rates).
    pub seed: u64,
    /// Exchanges, queues and bindings, declared before time 0.
    pub topology: Topology,
    /// Message producers.
    pub producers: Vec<Producer>,
    /// Message consumers.
    pub consumers: Vec<Consumer>,
    /// Diagram position of every node, keyed by [`NodeId`] text.
    pub layout: BTreeMap<String, Point>,
    /// Explanation and suggestions when the scenario is a lesson.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lesson: Option<Lesson>,
    /// Timed actions (kill a consumer, restart the broker…), kept as written: the editor does
    /// not change them, and `to_sim` reads them (see [`crate::scenario::to_sim::read_script`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub script: Vec<Value>,
}

/// Exchanges, queues and bindings, in the shape of RabbitMQ's definitions.json.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Topology {
    /// Declared exchanges (never the default exchange nor `amq.*`, which are predeclared).
    pub exchanges: Vec<Exchange>,
    /// Declared queues; names are unique.
    pub queues: Vec<Queue>,
    /// Bindings; sources and destinations exist.
    pub bindings: Vec<Binding>,
}

/// The four exchange types of RabbitMQ core: the broker's own type, so a scenario cannot name one
/// the model does not have.
pub use crate::broker::router::ExchangeKind;

/// An exchange declaration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exchange {
    /// Exchange name (1..=255 bytes, not `amq.*`).
    pub name: String,
    /// Exchange type.
    #[serde(rename = "type")]
    pub kind: ExchangeKind,
    /// Survives a broker restart.
    pub durable: bool,
    /// Deleted when its last binding goes.
    pub auto_delete: bool,
    /// Cannot be published to directly, only through exchange-to-exchange bindings.
    pub internal: bool,
    /// Arguments such as `alternate-exchange`.
    pub arguments: Map<String, Value>,
}

/// A queue declaration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Queue {
    /// Queue name; for a server-named queue a placeholder such as `amq.gen-1`.
    pub name: String,
    /// Survives a broker restart.
    pub durable: bool,
    /// Deleted when its last consumer goes.
    pub auto_delete: bool,
    /// Owned by the connection of its consumers; deleted when that connection closes.
    #[serde(skip_serializing_if = "is_false")]
    pub exclusive: bool,
    /// A real client would declare this queue with an empty name and let the broker pick one
    /// (`amq.gen-…`); `name` is the placeholder the diagram shows instead.
    #[serde(skip_serializing_if = "is_false")]
    pub server_named: bool,
    /// Arguments such as `x-message-ttl`, `x-dead-letter-exchange`, `x-max-length`.
    pub arguments: Map<String, Value>,
}

/// What a binding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DestinationType {
    /// A queue.
    Queue,
    /// Another exchange (exchange-to-exchange binding).
    Exchange,
}

impl DestinationType {
    /// The definitions.json spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DestinationType::Queue => "queue",
            DestinationType::Exchange => "exchange",
        }
    }
}

/// A binding from an exchange to a queue or exchange.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Binding {
    /// Source exchange.
    pub source: String,
    /// Destination queue or exchange.
    pub destination: String,
    /// Whether `destination` names a queue or an exchange.
    pub destination_type: DestinationType,
    /// The BindingKey (pattern for topic exchanges).
    pub routing_key: String,
    /// Binding arguments (`x-match` and header values for headers exchanges).
    pub arguments: Map<String, Value>,
}

/// The RoutingKey of each message: one key, or a list cycled through; `{n}` is replaced by the
/// message number (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingKeys(pub Vec<String>);

impl RoutingKeys {
    /// The RoutingKey of message number `n` (1-based).
    pub fn key_for(&self, n: u64) -> String {
        let len = self.0.len() as u64;
        if len == 0 {
            return String::new();
        }
        let i = ((n.max(1) - 1) % len) as usize;
        self.0.get(i).map(|k| render(k, n)).unwrap_or_default()
    }
}

impl Serialize for RoutingKeys {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_str(one),
            many => many.serialize(s),
        }
    }
}

/// Replaces every `{n}` in a template by the message number.
pub fn render(template: &str, n: u64) -> String {
    template.replace("{n}", &n.to_string())
}

/// Message properties a producer sets (absent = not set).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Properties {
    /// MIME type of the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Body encoding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    /// 1 = transient, 2 = persistent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_mode: Option<u8>,
    /// Message priority (0..=255; queues cap it at their `x-max-priority`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// Correlation id (`{n}` substituted), used by RPC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Queue name replies go to, used by RPC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// Per-message TTL in milliseconds, as the decimal string AMQP carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
    /// Message id (`{n}` substituted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Application message type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    /// Application id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

/// When a producer publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rate {
    /// One message at `start_ms`.
    Once,
    /// One message every `every_ms` milliseconds from `start_ms`.
    Every {
        /// Interval (≥ 1).
        every_ms: u64,
    },
    /// `burst` messages at once at `start_ms`, repeated every `every_ms` if given.
    Burst {
        /// Messages per burst (≥ 1).
        burst: u64,
        /// Interval between bursts; `None` = a single burst.
        #[serde(skip_serializing_if = "Option::is_none")]
        every_ms: Option<u64>,
    },
}

/// A message producer (one channel on `connection`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Producer {
    /// Unique node id among producers and consumers.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Exchange published to (`""` = the default exchange).
    pub exchange: String,
    /// RoutingKey pattern.
    pub routing_key: RoutingKeys,
    /// Message headers.
    pub headers: Map<String, Value>,
    /// Message properties.
    pub properties: Properties,
    /// Body template (`{n}` = message number).
    pub body: String,
    /// Publishing schedule.
    pub rate: Rate,
    /// Total messages to publish; `None` = no limit (for `every` and repeated bursts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Virtual time of the first publish.
    pub start_ms: u64,
    /// basic.publish `mandatory` flag: unroutable messages are returned.
    pub mandatory: bool,
    /// Publisher confirms on this producer's channel.
    pub confirms: bool,
    /// Connection name; closing or killing it affects every actor on it.
    pub connection: String,
}

impl Producer {
    /// How many messages this producer publishes in total (`None` = unbounded).
    pub fn total_messages(&self) -> Option<u64> {
        match self.rate {
            Rate::Once => Some(self.count.unwrap_or(1)),
            Rate::Burst {
                burst,
                every_ms: None,
            } => Some(self.count.map_or(burst, |c| c.min(burst))),
            _ => self.count,
        }
    }
}

/// What a consumer does with a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// basic.ack.
    Ack,
    /// basic.nack with requeue = true.
    NackRequeue,
    /// basic.nack with requeue = false (dead-letters if the queue has a DLX).
    Nack,
    /// basic.reject with requeue = false (dead-letters if the queue has a DLX).
    Reject,
}

impl Action {
    /// Parses the scenario spelling.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "ack" => Some(Action::Ack),
            "nack_requeue" => Some(Action::NackRequeue),
            "nack" => Some(Action::Nack),
            "reject" => Some(Action::Reject),
            _ => None,
        }
    }
}

/// A consumer (one channel on `connection`, subscribed with basic.consume).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consumer {
    /// Unique node id among producers and consumers.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Queue consumed from.
    pub queue: String,
    /// Connection name; closing or killing it requeues this consumer's unacked messages.
    pub connection: String,
    /// basic.qos prefetch_count (0 = unlimited).
    pub prefetch: u16,
    /// basic.consume no-ack: the broker forgets a message once delivered.
    pub auto_ack: bool,
    /// Virtual milliseconds spent on each message before settling it.
    pub processing_ms: u64,
    /// What it does with a message (ignored with `auto_ack`).
    pub action: Action,
    /// Probability (0..=1, drawn from the scenario's seeded RNG) that a message fails.
    pub failure_rate: f64,
    /// What it does with a failed message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_action: Option<Action>,
    /// Consumer priority (`x-priority` argument of basic.consume).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// basic.consume exclusive flag.
    pub exclusive: bool,
    /// RPC server: publish a reply to the message's `reply_to` via the default exchange, with
    /// its `correlation_id`.
    pub reply_to_reply: bool,
}

/// A diagram position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// Horizontal, growing to the right.
    pub x: f64,
    /// Vertical, growing downwards.
    pub y: f64,
}

/// The teaching text of a preset or user lesson.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Lesson {
    /// What this scenario shows.
    pub explanation: String,
    /// Things to look at while it runs.
    pub watch_for: Vec<String>,
    /// Changes to try.
    pub try_this: Vec<String>,
    /// Checks of a challenge, run against the student's diagram ([`super::goals::check`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<super::goals::Goal>,
}

/// A node of the diagram; its text form keys [`Scenario::layout`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeId {
    /// A producer, by id.
    Producer(String),
    /// An exchange, by name (`""` = the default exchange).
    Exchange(String),
    /// A queue, by name.
    Queue(String),
    /// A consumer, by id.
    Consumer(String),
}

impl NodeId {
    /// Parses `producer:ID`, `exchange:NAME`, `queue:NAME` or `consumer:ID`.
    pub fn parse(s: &str) -> Option<NodeId> {
        let (kind, rest) = s.split_once(':')?;
        let rest = rest.to_string();
        match kind {
            "producer" => Some(NodeId::Producer(rest)),
            "exchange" => Some(NodeId::Exchange(rest)),
            "queue" => Some(NodeId::Queue(rest)),
            "consumer" => Some(NodeId::Consumer(rest)),
            _ => None,
        }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Producer(s) => write!(f, "producer:{s}"),
            NodeId::Exchange(s) => write!(f, "exchange:{s}"),
            NodeId::Queue(s) => write!(f, "queue:{s}"),
            NodeId::Consumer(s) => write!(f, "consumer:{s}"),
        }
    }
}

impl Scenario {
    /// Every node of the diagram, in a stable order: producers, exchanges (the default exchange
    /// first when a producer uses it), queues, consumers.
    pub fn nodes(&self) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = self
            .producers
            .iter()
            .map(|p| NodeId::Producer(p.id.clone()))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for name in self.used_predeclared_exchanges() {
            if seen.insert(name.clone()) {
                out.push(NodeId::Exchange(name));
            }
        }
        for x in &self.topology.exchanges {
            if seen.insert(x.name.clone()) {
                out.push(NodeId::Exchange(x.name.clone()));
            }
        }
        out.extend(
            self.topology
                .queues
                .iter()
                .map(|q| NodeId::Queue(q.name.clone())),
        );
        out.extend(
            self.consumers
                .iter()
                .map(|c| NodeId::Consumer(c.id.clone())),
        );
        out
    }

    /// Predeclared exchanges (the default exchange, `amq.*`) that producers or bindings use.
    pub fn used_predeclared_exchanges(&self) -> Vec<String> {
        let declared = |n: &str| self.topology.exchanges.iter().any(|x| x.name == n);
        let mut out: Vec<String> = Vec::new();
        let candidates = self
            .producers
            .iter()
            .map(|p| p.exchange.as_str())
            .chain(self.topology.bindings.iter().map(|b| b.source.as_str()))
            .chain(
                self.topology
                    .bindings
                    .iter()
                    .filter(|b| b.destination_type == DestinationType::Exchange)
                    .map(|b| b.destination.as_str()),
            );
        for n in candidates {
            if !declared(n) && !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
        out
    }

    /// The scenario as pretty JSON in the current format version.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&Versioned::new(self)).unwrap_or_default()
    }

    /// The scenario as compact JSON (for share links).
    pub fn to_json_compact(&self) -> String {
        // The pretty text without its whitespace between tokens is exactly the compact text
        // (serde_json's pretty printer only adds newlines, indentation and a space after `:`),
        // and it spares the page a second copy of every derived Serialize impl for the compact
        // formatter. Whitespace inside strings is kept.
        let pretty = self.to_json();
        let mut out = String::with_capacity(pretty.len());
        let (mut in_string, mut escaped) = (false, false);
        for c in pretty.chars() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if c == '"' {
                in_string = true;
            } else if c.is_ascii_whitespace() {
                continue;
            }
            out.push(c);
        }
        out
    }

    /// The exchange declared under `name`, if any.
    pub fn exchange(&self, name: &str) -> Option<&Exchange> {
        self.topology.exchanges.iter().find(|x| x.name == name)
    }

    /// The queue declared under `name`, if any.
    pub fn queue(&self, name: &str) -> Option<&Queue> {
        self.topology.queues.iter().find(|q| q.name == name)
    }
}

/// The scenario with its format version first, as written to files.
#[derive(Serialize)]
struct Versioned<'a> {
    warren: u64,
    #[serde(flatten)]
    scenario: &'a Scenario,
}

impl<'a> Versioned<'a> {
    fn new(scenario: &'a Scenario) -> Self {
        Versioned {
            warren: FORMAT_VERSION,
            scenario,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Converts validated JSON arguments or headers (no floats) into an AMQP field table.
pub fn field_table(map: &Map<String, Value>) -> FieldTable {
    // extend, not collect: collecting into a BTree links a stable sort for this type (~4 KB of
    // wasm); inserting one by one gives the same map.
    let mut table = FieldTable::new();
    table.extend(map.iter().map(|(k, v)| (k.clone(), field_value(v))));
    table
}

/// Converts one validated JSON value into an AMQP field value (floats, which validation
/// rejects, become their integer part).
pub fn field_value(v: &Value) -> FieldValue {
    match v {
        Value::Null => FieldValue::Void,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Number(n) => FieldValue::Int(
            n.as_i64()
                .or_else(|| n.as_f64().map(|f| f as i64))
                .unwrap_or(i64::MAX),
        ),
        Value::String(s) => FieldValue::Str(s.clone()),
        Value::Array(a) => FieldValue::Array(a.iter().map(field_value).collect()),
        Value::Object(m) => FieldValue::Table(field_table(m)),
    }
}

#[cfg(test)]
mod tests {
    use super::Versioned;
    use crate::scenario::presets;

    #[test]
    fn compact_json_keeps_odd_strings_and_floats_exact() {
        let Ok(loaded) = presets::load("hello-world") else {
            panic!("preset does not load")
        };
        let mut s = loaded.scenario;
        s.title = "a \"quoted\" \\ title\twith  spaces\n: {x}, [y]".into();
        s.notes = " \\\" ".into();
        for (i, p) in s.layout.values_mut().enumerate() {
            p.x = 5.255_931_739_968_509e-237 * (i as f64 + 1.0);
            p.y = 123.456_789_012_345_67 + i as f64 / 3.0;
        }
        let direct = serde_json::to_string(&Versioned::new(&s)).unwrap_or_default();
        assert!(direct.contains("  spaces"));
        assert_eq!(s.to_json_compact(), direct);
    }

    #[test]
    fn compact_json_is_exactly_a_direct_compact_serialization() {
        let mut checked = 0;
        for p in presets::presets() {
            let Ok(loaded) = presets::load(p.id) else {
                panic!("preset {} does not load", p.id)
            };
            let s = loaded.scenario;
            let direct = serde_json::to_string(&Versioned::new(&s)).unwrap_or_default();
            assert!(!direct.is_empty());
            assert_eq!(s.to_json_compact(), direct, "{}", p.id);
            checked += 1;
        }
        assert!(checked >= 10, "only {checked} presets");
    }
}
