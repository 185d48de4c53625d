//! Reading a scenario: JSON text → migrated JSON value → validated [`Scenario`].
//!
//! Low level: a small reader over `serde_json::Value` that knows the JSON path of everything
//! it reads, records unknown fields as warnings and keeps going after an error so that one
//! pass reports every problem. High level: cross-references (bindings point at declared
//! exchanges and queues, consumers at queues, ids are unique) and the caps in
//! [`crate::scenario::limits`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::error::{Diagnostic, ScenarioError, child, index};
use super::layout;
use super::limits::*;
use super::model::*;

/// A validated scenario and the warnings found on the way (unknown fields, migrations).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The scenario.
    pub scenario: Scenario,
    /// Things ignored or changed, each with its JSON path.
    pub warnings: Vec<Diagnostic>,
}

/// Parses scenario JSON text.
pub fn parse_str(text: &str) -> Result<Parsed, ScenarioError> {
    let value = read_json(text)?;
    parse_value(&value)
}

/// Reads untrusted JSON text with the size cap.
pub(crate) fn read_json(text: &str) -> Result<Value, ScenarioError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ScenarioError::Json(format!(
            "the file is {} bytes; the limit is {} bytes",
            text.len(),
            MAX_INPUT_BYTES
        )));
    }
    serde_json::from_str(text).map_err(|e| ScenarioError::Json(e.to_string()))
}

/// Validates an already-built scenario (e.g. one edited in the UI) by writing and re-reading
/// it; returns the warnings.
pub fn validate(s: &Scenario) -> Result<Vec<Diagnostic>, ScenarioError> {
    parse_str(&s.to_json()).map(|p| p.warnings)
}

/// Parses a scenario JSON value of any supported version.
pub fn parse_value(value: &Value) -> Result<Parsed, ScenarioError> {
    let mut cx = Cx::default();
    let migrated = migrate(value, &mut cx)?;
    let scenario = read_scenario(&migrated, &mut cx);
    match scenario {
        Some(s) if cx.errors.is_empty() => Ok(Parsed {
            scenario: s,
            warnings: cx.warnings,
        }),
        _ => Err(ScenarioError::Invalid(cx.errors)),
    }
}

/// A migration from one format version to the next, on the raw JSON.
type Migration = fn(&mut Map<String, Value>, &mut Cx);

/// `MIGRATIONS[v]` turns version `v` into version `v + 1`.
const MIGRATIONS: [Migration; 1] = [migrate_v0_to_v1];

/// Version 0 (pre-release drafts): `name` instead of `title`, and producers had a flat
/// `interval_ms` instead of `rate`.
fn migrate_v0_to_v1(root: &mut Map<String, Value>, cx: &mut Cx) {
    if let Some(name) = root.remove("name") {
        root.entry("title").or_insert(name);
    }
    if let Some(Value::Array(producers)) = root.get_mut("producers") {
        for (i, p) in producers.iter_mut().enumerate() {
            if let Value::Object(p) = p
                && let Some(interval) = p.remove("interval_ms")
            {
                let rate = match interval.as_u64() {
                    Some(0) | None => serde_json::json!({"kind": "once"}),
                    Some(ms) => serde_json::json!({"kind": "every", "every_ms": ms}),
                };
                p.insert("rate".into(), rate);
                cx.warn(
                    index("producers", i),
                    "interval_ms (version 0) was converted to rate",
                );
            }
        }
    }
}

fn migrate(value: &Value, cx: &mut Cx) -> Result<Value, ScenarioError> {
    let Value::Object(map) = value else {
        return Err(ScenarioError::at(
            "",
            "a scenario must be a JSON object starting with \"warren\": 1",
        ));
    };
    let version = match map.get("warren") {
        None => {
            let hint = if map.contains_key("rabbit_version") || map.contains_key("vhosts") {
                " (this looks like a RabbitMQ definitions.json: import it instead)"
            } else {
                ""
            };
            return Err(ScenarioError::at(
                "warren",
                format!("missing: a scenario starts with \"warren\": {FORMAT_VERSION}{hint}"),
            ));
        }
        Some(v) => v.as_u64().ok_or_else(|| {
            ScenarioError::at("warren", "must be the format version, a whole number")
        })?,
    };
    if version > FORMAT_VERSION {
        return Err(ScenarioError::at(
            "warren",
            format!(
                "this scenario was written by a newer warren (format {version}); this version \
                 reads formats up to {FORMAT_VERSION}"
            ),
        ));
    }
    let mut map = map.clone();
    for v in version..FORMAT_VERSION {
        if let Some(step) = usize::try_from(v).ok().and_then(|i| MIGRATIONS.get(i)) {
            step(&mut map, cx);
        }
    }
    if version < FORMAT_VERSION {
        cx.warn(
            "warren",
            format!(
                "migrated from format {version} to {FORMAT_VERSION}; saving writes the new format"
            ),
        );
        map.insert("warren".into(), Value::from(FORMAT_VERSION));
    }
    Ok(Value::Object(map))
}

/// Errors and warnings collected during one read.
#[derive(Default)]
pub(crate) struct Cx {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Cx {
    pub(crate) fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        // A hostile input could otherwise produce millions of messages.
        if self.errors.len() < 100 {
            self.errors.push(Diagnostic::new(path, message));
        }
    }

    pub(crate) fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.warnings.len() < 100 {
            self.warnings.push(Diagnostic::new(path, message));
        }
    }
}

/// A JSON object being read: remembers which keys were used so the rest can be warned about.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    pub(crate) path: String,
    used: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    pub(crate) fn of(v: &'a Value, path: &str, cx: &mut Cx) -> Option<Self> {
        match v {
            Value::Object(map) => Some(Obj {
                map,
                path: path.to_string(),
                used: Vec::new(),
            }),
            _ => {
                cx.err(path, format!("must be an object, not {}", kind_of(v)));
                None
            }
        }
    }

    pub(crate) fn p(&self, key: &str) -> String {
        child(&self.path, key)
    }

    /// The value under `key`; JSON `null` counts as absent.
    pub(crate) fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.used.push(key);
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|v| !v.is_null())
    }

    pub(crate) fn opt_string(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        max: usize,
    ) -> Option<String> {
        let v = self.get(key)?;
        let path = self.p(key);
        string_value(v, &path, max, cx)
    }

    pub(crate) fn string(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        default: &str,
        max: usize,
    ) -> String {
        self.opt_string(cx, key, max)
            .unwrap_or_else(|| default.to_string())
    }

    pub(crate) fn required_string(&mut self, cx: &mut Cx, key: &'static str, max: usize) -> String {
        if !self.has(key) {
            cx.err(self.p(key), "is required");
        }
        self.string(cx, key, "", max)
    }

    pub(crate) fn boolean(&mut self, cx: &mut Cx, key: &'static str, default: bool) -> bool {
        match self.get(key) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                cx.err(
                    self.p(key),
                    format!("must be true or false, not {}", kind_of(v)),
                );
                default
            }
        }
    }

    pub(crate) fn opt_uint(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        min: u64,
        max: u64,
    ) -> Option<u64> {
        let v = self.get(key)?;
        let path = self.p(key);
        uint_value(v, &path, min, max, cx)
    }

    pub(crate) fn uint(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> u64 {
        self.opt_uint(cx, key, min, max).unwrap_or(default)
    }

    /// An AMQP field table (arguments or headers): an object whose values have no floats.
    pub(crate) fn table(&mut self, cx: &mut Cx, key: &'static str) -> Map<String, Value> {
        let Some(v) = self.get(key) else {
            return Map::new();
        };
        let path = self.p(key);
        match v {
            Value::Object(m) => {
                check_field_values(m, &path, cx, 0);
                m.clone()
            }
            other => {
                cx.err(path, format!("must be an object, not {}", kind_of(other)));
                Map::new()
            }
        }
    }

    pub(crate) fn array(&mut self, cx: &mut Cx, key: &'static str) -> &'a [Value] {
        match self.get(key) {
            None => &[],
            Some(Value::Array(a)) => a,
            Some(v) => {
                cx.err(self.p(key), format!("must be a list, not {}", kind_of(v)));
                &[]
            }
        }
    }

    pub(crate) fn finish(self, cx: &mut Cx) {
        for key in self.map.keys() {
            if !self.used.contains(&key.as_str()) {
                cx.warn(child(&self.path, key), "unknown field, ignored");
            }
        }
    }
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn string_value(v: &Value, path: &str, max: usize, cx: &mut Cx) -> Option<String> {
    match v {
        Value::String(s) if s.len() > max => {
            cx.err(
                path,
                format!("is {} bytes long; the limit is {max} bytes", s.len()),
            );
            None
        }
        Value::String(s) => Some(s.clone()),
        other => {
            cx.err(path, format!("must be a string, not {}", kind_of(other)));
            None
        }
    }
}

pub(crate) fn uint_value(v: &Value, path: &str, min: u64, max: u64, cx: &mut Cx) -> Option<u64> {
    match v.as_u64() {
        Some(n) if n >= min && n <= max => Some(n),
        _ => {
            let what = if min == 1 && max >= MAX_TIME_MS {
                format!("must be a positive integer (at most {max})")
            } else {
                format!("must be an integer from {min} to {max}")
            };
            cx.err(path, what);
            None
        }
    }
}

/// Field-table values must be representable in AMQP as warren models it (no floats).
fn check_field_values(m: &Map<String, Value>, path: &str, cx: &mut Cx, depth: usize) {
    if depth > 8 {
        cx.err(path, "is nested too deeply (more than 8 levels)");
        return;
    }
    if m.len() > MAX_LIST_ITEMS {
        cx.err(
            path,
            format!("has {} entries; the limit is {MAX_LIST_ITEMS}", m.len()),
        );
        return;
    }
    for (k, v) in m {
        let p = child(path, k);
        if k.len() > MAX_NAME_BYTES {
            cx.err(&p, format!("field name longer than {MAX_NAME_BYTES} bytes"));
        }
        check_field_value(v, &p, cx, depth);
    }
}

fn check_field_value(v: &Value, path: &str, cx: &mut Cx, depth: usize) {
    match v {
        Value::Number(n) if n.as_i64().is_none() => {
            cx.err(
                path,
                "must be a whole number that fits in 64 bits (floats are not supported)",
            );
        }
        Value::String(s) if s.len() > MAX_BODY_BYTES => {
            cx.err(path, format!("is longer than {MAX_BODY_BYTES} bytes"));
        }
        Value::Object(m) => check_field_values(m, path, cx, depth + 1),
        Value::Array(a) => {
            if a.len() > MAX_LIST_ITEMS {
                cx.err(
                    path,
                    format!("has {} entries; the limit is {MAX_LIST_ITEMS}", a.len()),
                );
                return;
            }
            for (i, x) in a.iter().enumerate() {
                check_field_value(x, &index(path, i), cx, depth + 1);
            }
        }
        _ => {}
    }
}

/// The type of a predeclared exchange: the default exchange (`""`) and the `amq.*` set.
pub fn predeclared_kind(name: &str) -> Option<ExchangeKind> {
    match name {
        "" | "amq.direct" => Some(ExchangeKind::Direct),
        "amq.fanout" => Some(ExchangeKind::Fanout),
        "amq.topic" => Some(ExchangeKind::Topic),
        "amq.headers" | "amq.match" => Some(ExchangeKind::Headers),
        _ => None,
    }
}

fn read_scenario(v: &Value, cx: &mut Cx) -> Option<Scenario> {
    let mut root = Obj::of(v, "", cx)?;
    root.get("warren");
    let title = root.string(cx, "title", "Untitled", MAX_NAME_BYTES);
    let notes = root.string(cx, "notes", "", MAX_TEXT_BYTES);
    let seed = root.uint(cx, "seed", 1, 0, MAX_SEED);

    let topology = match root.get("topology") {
        Some(t) => read_topology(t, "topology", cx),
        None => Topology::default(),
    };

    let producer_values = root.array(cx, "producers");
    let consumer_values = root.array(cx, "consumers");
    let nodes = topology.exchanges.len()
        + topology.queues.len()
        + producer_values.len()
        + consumer_values.len();
    if nodes > MAX_NODES {
        cx.err(
            "",
            format!("the scenario has {nodes} nodes (exchanges, queues, producers and consumers); the limit is {MAX_NODES}"),
        );
        return None;
    }
    let producers: Vec<Producer> = producer_values
        .iter()
        .enumerate()
        .filter_map(|(i, p)| read_producer(p, &index("producers", i), cx))
        .collect();
    let consumers: Vec<Consumer> = consumer_values
        .iter()
        .enumerate()
        .filter_map(|(i, c)| read_consumer(c, &index("consumers", i), cx))
        .collect();
    let raw_layout = root.get("layout");
    let lesson = root
        .get("lesson")
        .and_then(|l| read_lesson(l, "lesson", cx));
    // Checked against the actors by `to_sim::read_script`; here only kept.
    let script = root
        .get("script")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    root.finish(cx);

    let mut s = Scenario {
        title,
        notes,
        seed,
        topology,
        producers,
        consumers,
        layout: BTreeMap::new(),
        lesson,
        script,
    };
    check_references(&s, cx);
    s.layout = read_layout(raw_layout, &s, cx);
    Some(s)
}

pub(crate) fn read_topology(v: &Value, path: &str, cx: &mut Cx) -> Topology {
    let Some(mut o) = Obj::of(v, path, cx) else {
        return Topology::default();
    };
    let xs = o.array(cx, "exchanges");
    let qs = o.array(cx, "queues");
    let bs = o.array(cx, "bindings");
    let xp = o.p("exchanges");
    let qp = o.p("queues");
    let bp = o.p("bindings");
    o.finish(cx);
    if xs.len() + qs.len() > MAX_NODES {
        cx.err(
            path,
            format!(
                "{} exchanges and queues; the limit is {MAX_NODES} nodes",
                xs.len() + qs.len()
            ),
        );
        return Topology::default();
    }
    if bs.len() > MAX_BINDINGS {
        cx.err(
            &bp,
            format!("{} bindings; the limit is {MAX_BINDINGS}", bs.len()),
        );
        return Topology::default();
    }
    let exchanges = xs
        .iter()
        .enumerate()
        .filter_map(|(i, x)| read_exchange(x, &index(&xp, i), cx))
        .collect();
    let queues = qs
        .iter()
        .enumerate()
        .filter_map(|(i, q)| read_queue(q, &index(&qp, i), cx))
        .collect();
    let bindings = bs
        .iter()
        .enumerate()
        .filter_map(|(i, b)| read_binding(b, &index(&bp, i), cx))
        .collect();
    Topology {
        exchanges,
        queues,
        bindings,
    }
}

fn read_exchange(v: &Value, path: &str, cx: &mut Cx) -> Option<Exchange> {
    let mut o = Obj::of(v, path, cx)?;
    let name = o.required_string(cx, "name", MAX_NAME_BYTES);
    let kind_name = o.string(cx, "type", "direct", MAX_NAME_BYTES);
    let kind = ExchangeKind::from_name(&kind_name);
    if kind.is_none() {
        cx.err(
            o.p("type"),
            format!(
                "unknown exchange type \"{kind_name}\"; expected direct, fanout, topic or headers"
            ),
        );
    }
    let durable = o.boolean(cx, "durable", true);
    let auto_delete = o.boolean(cx, "auto_delete", false);
    let internal = o.boolean(cx, "internal", false);
    let arguments = o.table(cx, "arguments");
    let args_path = o.p("arguments");
    o.finish(cx);
    if let Some(ae) = arguments.get("alternate-exchange")
        && !ae.is_string()
    {
        cx.err(
            child(&args_path, "alternate-exchange"),
            "must be an exchange name (a string)",
        );
    }
    Some(Exchange {
        name,
        kind: kind?,
        durable,
        auto_delete,
        internal,
        arguments,
    })
}

fn read_queue(v: &Value, path: &str, cx: &mut Cx) -> Option<Queue> {
    let mut o = Obj::of(v, path, cx)?;
    let name = o.required_string(cx, "name", MAX_NAME_BYTES);
    let durable = o.boolean(cx, "durable", true);
    let auto_delete = o.boolean(cx, "auto_delete", false);
    let exclusive = o.boolean(cx, "exclusive", false);
    let server_named = o.boolean(cx, "server_named", false);
    let arguments = o.table(cx, "arguments");
    let args_path = o.p("arguments");
    o.finish(cx);
    check_queue_arguments(&arguments, &args_path, cx);
    Some(Queue {
        name,
        durable,
        auto_delete,
        exclusive,
        server_named,
        arguments,
    })
}

/// Queue arguments RabbitMQ 3.10 validates on queue.declare (classic queues).
pub(crate) fn check_queue_arguments(args: &Map<String, Value>, path: &str, cx: &mut Cx) {
    const U32: u64 = u32::MAX as u64;
    for (k, v) in args {
        let p = child(path, k);
        match k.as_str() {
            "x-message-ttl" => {
                uint_value(v, &p, 0, U32, cx);
            }
            "x-expires" => {
                uint_value(v, &p, 1, U32, cx);
            }
            "x-max-length" | "x-max-length-bytes" => {
                uint_value(v, &p, 0, i64::MAX as u64, cx);
            }
            "x-max-priority" => {
                uint_value(v, &p, 0, 255, cx);
            }
            "x-overflow" => {
                let ok = matches!(
                    v.as_str(),
                    Some("drop-head" | "reject-publish" | "reject-publish-dlx")
                );
                complain(
                    ok,
                    p,
                    "must be \"drop-head\", \"reject-publish\" or \"reject-publish-dlx\"",
                    cx,
                );
            }
            "x-dead-letter-exchange" | "x-dead-letter-routing-key" => {
                complain(v.is_string(), p, "must be a string", cx);
            }
            "x-single-active-consumer" => {
                complain(v.is_boolean(), p, "must be true or false", cx);
            }
            "x-queue-type" => {
                let ok = v.as_str() == Some("classic");
                complain(ok, p, "only classic queues are simulated", cx);
            }
            _ => {}
        }
    }
    if args.contains_key("x-dead-letter-routing-key")
        && !args.contains_key("x-dead-letter-exchange")
    {
        cx.err(
            child(path, "x-dead-letter-routing-key"),
            "requires x-dead-letter-exchange (RabbitMQ refuses the declaration otherwise)",
        );
    }
}

fn complain(ok: bool, path: String, message: &str, cx: &mut Cx) {
    if !ok {
        cx.err(path, message);
    }
}

fn read_binding(v: &Value, path: &str, cx: &mut Cx) -> Option<Binding> {
    let mut o = Obj::of(v, path, cx)?;
    let source = o.required_string(cx, "source", MAX_NAME_BYTES);
    let destination = o.required_string(cx, "destination", MAX_NAME_BYTES);
    let dt = o.string(cx, "destination_type", "queue", MAX_NAME_BYTES);
    let destination_type = match dt.as_str() {
        "queue" => Some(DestinationType::Queue),
        "exchange" => Some(DestinationType::Exchange),
        _ => {
            cx.err(o.p("destination_type"), "must be \"queue\" or \"exchange\"");
            None
        }
    };
    let routing_key = o.string(cx, "routing_key", "", MAX_NAME_BYTES);
    let arguments = o.table(cx, "arguments");
    let args_path = o.p("arguments");
    o.finish(cx);
    if let Some(m) = arguments.get("x-match")
        && !matches!(
            m.as_str(),
            Some("all" | "any" | "all-with-x" | "any-with-x")
        )
    {
        cx.err(
            child(&args_path, "x-match"),
            "must be \"all\", \"any\", \"all-with-x\" or \"any-with-x\"",
        );
    }
    Some(Binding {
        source,
        destination,
        destination_type: destination_type?,
        routing_key,
        arguments,
    })
}

fn read_producer(v: &Value, path: &str, cx: &mut Cx) -> Option<Producer> {
    let mut o = Obj::of(v, path, cx)?;
    let id = o.required_string(cx, "id", MAX_NAME_BYTES);
    let name = o.string(cx, "name", &id, MAX_NAME_BYTES);
    let exchange = o.string(cx, "exchange", "", MAX_NAME_BYTES);
    let routing_key = match o.get("routing_key") {
        None => RoutingKeys(vec![String::new()]),
        Some(Value::Array(keys)) => {
            let p = o.p("routing_key");
            if keys.is_empty() || keys.len() > MAX_LIST_ITEMS {
                cx.err(&p, format!("must list 1 to {MAX_LIST_ITEMS} routing keys"));
            }
            RoutingKeys(
                keys.iter()
                    .take(MAX_LIST_ITEMS)
                    .enumerate()
                    .filter_map(|(i, k)| string_value(k, &index(&p, i), MAX_NAME_BYTES, cx))
                    .collect(),
            )
        }
        Some(k) => {
            let p = o.p("routing_key");
            RoutingKeys(
                string_value(k, &p, MAX_NAME_BYTES, cx)
                    .into_iter()
                    .collect(),
            )
        }
    };
    let headers = o.table(cx, "headers");
    let properties = match o.get("properties") {
        Some(pv) => {
            let p = o.p("properties");
            read_properties(pv, &p, cx)
        }
        None => Properties::default(),
    };
    let body = o.string(cx, "body", "Message {n}", MAX_BODY_BYTES);
    let rate = match o.get("rate") {
        None => Rate::Once,
        Some(r) => {
            let p = o.p("rate");
            read_rate(r, &p, cx).unwrap_or(Rate::Once)
        }
    };
    let count = o.opt_uint(cx, "count", 1, MAX_MESSAGE_COUNT);
    let start_ms = o.uint(cx, "start_ms", 0, 0, MAX_TIME_MS);
    let mandatory = o.boolean(cx, "mandatory", false);
    let confirms = o.boolean(cx, "confirms", false);
    let connection = o.string(cx, "connection", &id, MAX_NAME_BYTES);
    o.finish(cx);
    if id.is_empty() {
        return None;
    }
    Some(Producer {
        id,
        name,
        exchange,
        routing_key,
        headers,
        properties,
        body,
        rate,
        count,
        start_ms,
        mandatory,
        confirms,
        connection,
    })
}

fn read_rate(v: &Value, path: &str, cx: &mut Cx) -> Option<Rate> {
    if v.as_str() == Some("once") {
        return Some(Rate::Once);
    }
    let mut o = Obj::of(v, path, cx)?;
    let kind = o.string(cx, "kind", "", MAX_NAME_BYTES);
    let rate = match kind.as_str() {
        "once" => Some(Rate::Once),
        "every" => {
            if !o.has("every_ms") {
                cx.err(o.p("every_ms"), "is required for kind \"every\"");
            }
            o.opt_uint(cx, "every_ms", MIN_INTERVAL_MS, MAX_TIME_MS)
                .map(|every_ms| Rate::Every { every_ms })
        }
        "burst" => {
            if !o.has("burst") {
                cx.err(o.p("burst"), "is required for kind \"burst\"");
            }
            let burst = o.opt_uint(cx, "burst", 1, MAX_BURST);
            let every_ms = o.opt_uint(cx, "every_ms", MIN_INTERVAL_MS, MAX_TIME_MS);
            burst.map(|burst| Rate::Burst { burst, every_ms })
        }
        other => {
            cx.err(
                o.p("kind"),
                format!("unknown rate \"{other}\"; expected \"once\", \"every\" or \"burst\""),
            );
            None
        }
    };
    o.finish(cx);
    rate
}

fn read_properties(v: &Value, path: &str, cx: &mut Cx) -> Properties {
    let Some(mut o) = Obj::of(v, path, cx) else {
        return Properties::default();
    };
    let expiration = match o.get("expiration") {
        None => None,
        Some(Value::String(s))
            if !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            match s.parse::<u64>() {
                Ok(ms) if ms <= u32::MAX as u64 => Some(ms.to_string()),
                _ => None,
            }
        }
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|ms| *ms <= u32::MAX as u64)
            .map(|ms| ms.to_string()),
        Some(_) => None,
    };
    if o.has("expiration") && expiration.is_none() {
        cx.err(
            o.p("expiration"),
            "must be a TTL in milliseconds (a whole number from 0 to 4294967295, or the same as a string)",
        );
    }
    let props = Properties {
        content_type: o.opt_string(cx, "content_type", MAX_NAME_BYTES),
        content_encoding: o.opt_string(cx, "content_encoding", MAX_NAME_BYTES),
        delivery_mode: o.opt_uint(cx, "delivery_mode", 1, 2).map(|d| d as u8),
        priority: o.opt_uint(cx, "priority", 0, 255).map(|d| d as u8),
        correlation_id: o.opt_string(cx, "correlation_id", MAX_NAME_BYTES),
        reply_to: o.opt_string(cx, "reply_to", MAX_NAME_BYTES),
        expiration,
        message_id: o.opt_string(cx, "message_id", MAX_NAME_BYTES),
        message_type: o.opt_string(cx, "type", MAX_NAME_BYTES),
        app_id: o.opt_string(cx, "app_id", MAX_NAME_BYTES),
    };
    o.finish(cx);
    props
}

fn read_action(o: &mut Obj<'_>, cx: &mut Cx, key: &'static str) -> Option<Action> {
    let s = o.opt_string(cx, key, MAX_NAME_BYTES)?;
    let a = Action::from_name(&s);
    if a.is_none() {
        cx.err(
            o.p(key),
            format!("unknown action \"{s}\"; expected ack, nack_requeue, nack or reject"),
        );
    }
    a
}

fn read_consumer(v: &Value, path: &str, cx: &mut Cx) -> Option<Consumer> {
    let mut o = Obj::of(v, path, cx)?;
    let id = o.required_string(cx, "id", MAX_NAME_BYTES);
    let name = o.string(cx, "name", &id, MAX_NAME_BYTES);
    let queue = o.required_string(cx, "queue", MAX_NAME_BYTES);
    let connection = o.string(cx, "connection", &id, MAX_NAME_BYTES);
    let prefetch = o.uint(cx, "prefetch", 0, 0, u16::MAX as u64) as u16;
    let auto_ack = o.boolean(cx, "auto_ack", false);
    let processing_ms = o.uint(cx, "processing_ms", 0, 0, MAX_TIME_MS);
    let action = read_action(&mut o, cx, "action").unwrap_or(Action::Ack);
    let failure_rate = match o.get("failure_rate") {
        None => 0.0,
        Some(v) => match v.as_f64() {
            Some(r) if (0.0..=1.0).contains(&r) => r,
            _ => {
                cx.err(o.p("failure_rate"), "must be a number from 0 to 1");
                0.0
            }
        },
    };
    let mut failure_action = read_action(&mut o, cx, "failure_action");
    if failure_rate > 0.0 && failure_action.is_none() {
        failure_action = Some(Action::NackRequeue);
    }
    let priority = match o.get("priority") {
        None => None,
        Some(v) => match v.as_i64().and_then(|p| i32::try_from(p).ok()) {
            Some(p) => Some(p),
            None => {
                cx.err(o.p("priority"), "must be a whole number (32-bit)");
                None
            }
        },
    };
    let exclusive = o.boolean(cx, "exclusive", false);
    let reply_to_reply = o.boolean(cx, "reply_to_reply", false);
    o.finish(cx);
    if id.is_empty() {
        return None;
    }
    Some(Consumer {
        id,
        name,
        queue,
        connection,
        prefetch,
        auto_ack,
        processing_ms,
        action,
        failure_rate,
        failure_action,
        priority,
        exclusive,
        reply_to_reply,
    })
}

fn read_lesson(v: &Value, path: &str, cx: &mut Cx) -> Option<Lesson> {
    let mut o = Obj::of(v, path, cx)?;
    let explanation = o.string(cx, "explanation", "", MAX_TEXT_BYTES);
    let mut list = |o: &mut Obj<'_>, key: &'static str| -> Vec<String> {
        let items = o.array(cx, key);
        let p = o.p(key);
        if items.len() > MAX_LIST_ITEMS {
            cx.err(
                &p,
                format!("has {} items; the limit is {MAX_LIST_ITEMS}", items.len()),
            );
            return Vec::new();
        }
        items
            .iter()
            .enumerate()
            .filter_map(|(i, s)| string_value(s, &index(&p, i), MAX_TEXT_BYTES, cx))
            .collect()
    };
    let watch_for = list(&mut o, "watch_for");
    let try_this = list(&mut o, "try_this");
    let goal_values = o.array(cx, "goals");
    let goals = super::goals::read_goals(goal_values, &o.p("goals"), cx);
    o.finish(cx);
    Some(Lesson {
        explanation,
        watch_for,
        try_this,
        goals,
    })
}

fn read_layout(v: Option<&Value>, s: &Scenario, cx: &mut Cx) -> BTreeMap<String, Point> {
    // extend, not collect: collecting into a BTree sorts first (kilobytes of wasm per type).
    let mut nodes = BTreeSet::new();
    nodes.extend(s.nodes().iter().map(|n| n.to_string()));
    let mut out = BTreeMap::new();
    if let Some(v) = v
        && let Some(o) = Obj::of(v, "layout", cx)
    {
        for (key, pos) in o.map {
            let p = child("layout", key);
            if !nodes.contains(key) {
                cx.warn(&p, "no such node (expected producer:ID, exchange:NAME, queue:NAME or consumer:ID), ignored");
                continue;
            }
            let coord = |axis: &str, cx: &mut Cx| -> Option<f64> {
                match pos.get(axis).and_then(Value::as_f64) {
                    // Hundredths: such decimals read back exactly, so a saved layout reloads
                    // unchanged (serde_json does not round extreme exponents correctly).
                    Some(c) if c.is_finite() && c.abs() <= MAX_COORD => {
                        Some((c * 100.0).round() / 100.0)
                    }
                    _ => {
                        cx.err(
                            child(&p, axis),
                            format!("must be a number from -{0} to {0}", MAX_COORD as i64),
                        );
                        None
                    }
                }
            };
            if !pos.is_object() {
                cx.err(&p, "must be an object {\"x\": number, \"y\": number}");
                continue;
            }
            if let (Some(x), Some(y)) = (coord("x", cx), coord("y", cx)) {
                out.insert(key.clone(), Point { x, y });
            }
        }
    }
    if out.len() < nodes.len() {
        for (k, p) in layout::auto_layout(s) {
            out.entry(k).or_insert(p);
        }
    }
    out
}

fn check_references(s: &Scenario, cx: &mut Cx) {
    let t = &s.topology;
    let mut exchanges = BTreeSet::new();
    for (i, x) in t.exchanges.iter().enumerate() {
        let p = index("topology.exchanges", i);
        if x.name.is_empty() {
            cx.err(
                child(&p, "name"),
                "the default exchange (\"\") is predeclared and cannot be declared",
            );
        } else if x.name.starts_with("amq.") {
            cx.err(
                child(&p, "name"),
                "names starting with \"amq.\" are reserved for the broker's own exchanges",
            );
        } else if !exchanges.insert(x.name.as_str()) {
            cx.err(
                child(&p, "name"),
                format!("a second exchange named \"{}\"", x.name),
            );
        }
    }
    let exchange_known = |n: &str| exchanges.contains(n) || predeclared_kind(n).is_some();
    for (i, x) in t.exchanges.iter().enumerate() {
        if let Some(ae) = x
            .arguments
            .get("alternate-exchange")
            .and_then(Value::as_str)
            && !exchange_known(ae)
        {
            cx.warn(
                format!("topology.exchanges[{i}].arguments.alternate-exchange"),
                format!("no exchange named \"{ae}\": unroutable messages will be dropped"),
            );
        }
    }
    let mut queues = BTreeSet::new();
    for (i, q) in t.queues.iter().enumerate() {
        let p = child(&index("topology.queues", i), "name");
        if q.name.is_empty() {
            cx.err(&p, "must not be empty (for a server-named queue give a placeholder such as \"amq.gen-1\" and set \"server_named\": true)");
        } else if q.name.starts_with("amq.") && !q.server_named {
            cx.err(
                &p,
                "names starting with \"amq.\" are reserved for server-named queues (set \"server_named\": true)",
            );
        } else if !queues.insert(q.name.as_str()) {
            cx.err(&p, format!("a second queue named \"{}\"", q.name));
        }
        if let Some(dlx) = q
            .arguments
            .get("x-dead-letter-exchange")
            .and_then(Value::as_str)
            && !exchange_known(dlx)
        {
            cx.warn(
                format!("topology.queues[{i}].arguments.x-dead-letter-exchange"),
                format!("no exchange named \"{dlx}\": dead-lettered messages will be dropped"),
            );
        }
    }
    let mut seen_bindings: Vec<&Binding> = Vec::new();
    for (i, b) in t.bindings.iter().enumerate() {
        let p = index("topology.bindings", i);
        if b.source.is_empty() {
            cx.err(child(&p, "source"), "the default exchange cannot be bound: every queue is already bound to it by its name");
        } else if !exchange_known(&b.source) {
            cx.err(
                child(&p, "source"),
                format!("no exchange named \"{}\"", b.source),
            );
        }
        match b.destination_type {
            DestinationType::Queue if !queues.contains(b.destination.as_str()) => {
                cx.err(
                    child(&p, "destination"),
                    format!("no queue named \"{}\"", b.destination),
                );
            }
            DestinationType::Exchange
                if b.destination.is_empty() || !exchange_known(&b.destination) =>
            {
                cx.err(
                    child(&p, "destination"),
                    format!("no exchange named \"{}\"", b.destination),
                );
            }
            _ => {}
        }
        if seen_bindings.contains(&b) {
            cx.warn(&p, "the same binding twice: RabbitMQ keeps one");
        }
        seen_bindings.push(b);
    }
    let mut ids = BTreeSet::new();
    for (i, pr) in s.producers.iter().enumerate() {
        let p = index("producers", i);
        if !ids.insert(pr.id.as_str()) {
            cx.err(
                child(&p, "id"),
                format!("a second producer or consumer with id \"{}\"", pr.id),
            );
        }
        if !exchange_known(&pr.exchange) {
            cx.err(
                child(&p, "exchange"),
                format!("no exchange named \"{}\"", pr.exchange),
            );
        } else if s.exchange(&pr.exchange).is_some_and(|x| x.internal) {
            cx.warn(
                child(&p, "exchange"),
                "publishing to an internal exchange is refused by the broker (403 ACCESS_REFUSED)",
            );
        }
    }
    for (i, c) in s.consumers.iter().enumerate() {
        let p = index("consumers", i);
        if !ids.insert(c.id.as_str()) {
            cx.err(
                child(&p, "id"),
                format!("a second producer or consumer with id \"{}\"", c.id),
            );
        }
        if !c.queue.is_empty() && !queues.contains(c.queue.as_str()) {
            cx.err(
                child(&p, "queue"),
                format!("no queue named \"{}\"", c.queue),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Value {
        serde_json::json!({
            "warren": 1,
            "title": "t",
            "topology": {
                "exchanges": [{"name": "logs", "type": "fanout"}],
                "queues": [{"name": "q1"}],
                "bindings": [{"source": "logs", "destination": "q1"}]
            },
            "producers": [{"id": "p", "exchange": "logs", "rate": {"kind": "every", "every_ms": 100}, "count": 3}],
            "consumers": [{"id": "c", "queue": "q1", "prefetch": 1}]
        })
    }

    fn errors_of(v: &Value) -> Vec<Diagnostic> {
        match parse_value(v) {
            Err(ScenarioError::Invalid(d)) => d,
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn minimal_scenario_parses_with_defaults() {
        let p = parse_value(&minimal()).unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let s = p.scenario;
        assert_eq!(s.topology.exchanges[0].kind, ExchangeKind::Fanout);
        assert!(s.topology.queues[0].durable);
        assert_eq!(s.producers[0].rate, Rate::Every { every_ms: 100 });
        assert_eq!(s.producers[0].connection, "p");
        assert_eq!(s.consumers[0].prefetch, 1);
        assert_eq!(
            s.layout.len(),
            4,
            "layout filled for every node: {:?}",
            s.layout
        );
    }

    #[test]
    fn round_trip_through_json() {
        let s = parse_value(&minimal()).unwrap().scenario;
        let again = parse_str(&s.to_json()).unwrap();
        assert_eq!(again.scenario, s);
        assert!(again.warnings.is_empty());
    }

    #[test]
    fn error_carries_json_path() {
        let mut v = minimal();
        v["producers"][0]["rate"]["every_ms"] = Value::from(0);
        let errs = errors_of(&v);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path, "producers[0].rate.every_ms");
        assert!(errs[0].message.contains("positive integer"), "{}", errs[0]);
    }

    #[test]
    fn unknown_fields_warn_not_fail() {
        let mut v = minimal();
        v["colour"] = Value::from("blue");
        v["consumers"][0]["mood"] = Value::from(1);
        let p = parse_value(&v).unwrap();
        let mut paths: Vec<&str> = p.warnings.iter().map(|w| w.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, vec!["colour", "consumers[0].mood"]);
    }

    #[test]
    fn all_errors_are_reported_in_one_pass() {
        let mut v = minimal();
        v["consumers"][0]["queue"] = Value::from("nope");
        v["topology"]["bindings"][0]["source"] = Value::from("missing");
        v["producers"][0]["properties"] = serde_json::json!({"delivery_mode": 3});
        let paths: Vec<String> = errors_of(&v).into_iter().map(|d| d.path).collect();
        assert!(
            paths.contains(&"consumers[0].queue".to_string()),
            "{paths:?}"
        );
        assert!(
            paths.contains(&"topology.bindings[0].source".to_string()),
            "{paths:?}"
        );
        assert!(
            paths.contains(&"producers[0].properties.delivery_mode".to_string()),
            "{paths:?}"
        );
    }

    #[test]
    fn version_zero_is_migrated() {
        let v0 = serde_json::json!({
            "warren": 0,
            "name": "Old draft",
            "topology": {"queues": [{"name": "hello"}]},
            "producers": [{"id": "p", "routing_key": "hello", "interval_ms": 250}]
        });
        let p = parse_value(&v0).unwrap();
        assert_eq!(p.scenario.title, "Old draft");
        assert_eq!(p.scenario.producers[0].rate, Rate::Every { every_ms: 250 });
        assert!(
            p.warnings
                .iter()
                .any(|w| w.path == "warren" && w.message.contains("migrated"))
        );
        // Saving writes the current version, which reads back without migration warnings.
        let again = parse_str(&p.scenario.to_json()).unwrap();
        assert!(again.warnings.is_empty());
    }

    #[test]
    fn newer_version_is_refused_clearly() {
        let mut v = minimal();
        v["warren"] = Value::from(99);
        let e = parse_value(&v).unwrap_err().to_string();
        assert!(e.contains("newer warren"), "{e}");
    }

    #[test]
    fn definitions_file_gets_a_hint() {
        let e = parse_str(r#"{"rabbit_version":"3.10.8","queues":[]}"#).unwrap_err();
        assert!(e.to_string().contains("definitions.json"), "{e}");
    }

    #[test]
    fn limits_are_enforced_with_messages() {
        let mut v = minimal();
        v["topology"]["queues"] = Value::Array(
            (0..501)
                .map(|i| serde_json::json!({"name": format!("q{i}")}))
                .collect(),
        );
        assert!(
            parse_value(&v)
                .unwrap_err()
                .to_string()
                .contains("limit is 500")
        );

        let mut v = minimal();
        v["producers"][0]["body"] = Value::from("x".repeat(MAX_BODY_BYTES + 1));
        let errs = errors_of(&v);
        assert_eq!(errs[0].path, "producers[0].body");
        assert!(errs[0].message.contains("65536"));

        let mut v = minimal();
        v["topology"]["queues"][0]["name"] = Value::from("q".repeat(256));
        assert!(
            errors_of(&v)
                .iter()
                .any(|d| d.path == "topology.queues[0].name" && d.message.contains("255"))
        );

        let mut v = minimal();
        v["producers"][0]["rate"] = serde_json::json!({"kind": "burst", "burst": MAX_BURST + 1});
        assert_eq!(errors_of(&v)[0].path, "producers[0].rate.burst");
    }

    #[test]
    fn reserved_and_duplicate_names_are_refused() {
        let mut v = minimal();
        v["topology"]["exchanges"] =
            serde_json::json!([{"name": "amq.mine"}, {"name": "a"}, {"name": "a"}]);
        v["topology"]["bindings"] = serde_json::json!([]);
        v["producers"][0]["exchange"] = Value::from("amq.topic");
        let paths: Vec<String> = errors_of(&v).into_iter().map(|d| d.path).collect();
        assert_eq!(
            paths,
            vec!["topology.exchanges[0].name", "topology.exchanges[2].name"]
        );
    }

    #[test]
    fn queue_arguments_are_checked() {
        let mut v = minimal();
        v["topology"]["queues"][0]["arguments"] = serde_json::json!({"x-overflow": "explode", "x-max-priority": 300, "x-dead-letter-routing-key": "k", "x-message-ttl": 1.5});
        let paths: Vec<String> = errors_of(&v).into_iter().map(|d| d.path).collect();
        for want in [
            "x-overflow",
            "x-max-priority",
            "x-dead-letter-routing-key",
            "x-message-ttl",
        ] {
            assert!(
                paths.contains(&format!("topology.queues[0].arguments.{want}")),
                "{want} missing from {paths:?}"
            );
        }
    }

    #[test]
    fn routing_key_patterns_cycle_and_substitute() {
        let mut v = minimal();
        v["producers"][0]["routing_key"] = serde_json::json!(["a.{n}", "b"]);
        let s = parse_value(&v).unwrap().scenario;
        let keys: Vec<String> = (1..=4)
            .map(|n| s.producers[0].routing_key.key_for(n))
            .collect();
        assert_eq!(keys, vec!["a.1", "b", "a.3", "b"]);
    }

    #[test]
    fn layout_unknown_nodes_warn_and_bad_coordinates_fail() {
        let mut v = minimal();
        v["layout"] =
            serde_json::json!({"queue:q1": {"x": 10, "y": 20}, "queue:ghost": {"x": 0, "y": 0}});
        let p = parse_value(&v).unwrap();
        assert_eq!(p.scenario.layout["queue:q1"], Point { x: 10.0, y: 20.0 });
        assert!(p.warnings.iter().any(|w| w.path == "layout.queue:ghost"));
        v["layout"] = serde_json::json!({"queue:q1": {"x": "left", "y": 20}});
        assert_eq!(errors_of(&v)[0].path, "layout.queue:q1.x");
    }
}
