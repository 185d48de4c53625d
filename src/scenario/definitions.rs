//! RabbitMQ `definitions.json` import and export.
//!
//! Import reads what `rabbitmqctl export_definitions` or the management UI writes (users,
//! permissions and parameters are ignored), keeps one virtual host, applies policies and lays
//! the topology out automatically. Export writes a file `rabbitmqctl import_definitions`
//! accepts (RabbitMQ 3.10).
//!
//! Simplification: RabbitMQ evaluates policies continuously (highest `priority` whose `pattern`
//! matches and whose `apply-to` fits wins, and a later policy change re-applies). Here the
//! winning policy is chosen once, at import, and its DLX / TTL / max-length / overflow /
//! max-priority / alternate-exchange keys become queue or exchange arguments. Where a queue
//! already has the same argument, the argument wins (RabbitMQ takes the smaller of the two
//! for the length limits and TTLs). Operator policies are ignored.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::error::{Diagnostic, ScenarioError, child, index};
use super::limits::MAX_NAME_BYTES;
use super::model::{DestinationType, Scenario};
use super::parse::{Cx, check_queue_arguments, kind_of, parse_value, predeclared_kind, read_json};

/// The RabbitMQ version an exported file claims (the version warren models).
pub const RABBIT_VERSION: &str = "3.10.8";

/// An imported topology.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The scenario: topology and layout, no producers or consumers.
    pub scenario: Scenario,
    /// The virtual host that was imported.
    pub vhost: String,
    /// What was skipped or simplified.
    pub warnings: Vec<Diagnostic>,
}

/// Policy keys that become queue arguments.
const QUEUE_POLICY_KEYS: [(&str, &str); 9] = [
    ("dead-letter-exchange", "x-dead-letter-exchange"),
    ("dead-letter-routing-key", "x-dead-letter-routing-key"),
    ("message-ttl", "x-message-ttl"),
    ("expires", "x-expires"),
    ("max-length", "x-max-length"),
    ("max-length-bytes", "x-max-length-bytes"),
    ("overflow", "x-overflow"),
    ("max-priority", "x-max-priority"),
    ("queue-mode", "x-queue-mode"),
];

struct Policy {
    name: String,
    pattern: PolicyPattern,
    apply_to: String,
    priority: i64,
    definition: Map<String, Value>,
}

/// Native builds match policy patterns with `regex-lite`; the web build uses the small matcher
/// of [`super::pattern`] (same answers on what it accepts, tested natively) to stay small.
#[cfg(not(target_arch = "wasm32"))]
type PolicyPattern = regex_lite::Regex;
#[cfg(target_arch = "wasm32")]
type PolicyPattern = super::pattern::Pattern;

#[cfg(not(target_arch = "wasm32"))]
fn compile_pattern(text: &str) -> Result<PolicyPattern, String> {
    regex_lite::RegexBuilder::new(text)
        .size_limit(1 << 20)
        .nest_limit(32)
        .build()
        .map_err(|e| e.to_string())
}

#[cfg(target_arch = "wasm32")]
fn compile_pattern(text: &str) -> Result<PolicyPattern, String> {
    super::pattern::Pattern::new(text)
        .map_err(|e| format!("{e} is not supported in the browser; import with the CLI"))
}

/// The virtual hosts that hold topology (queues, exchanges or bindings) in definitions.json
/// text, sorted; empty when the text is not a definitions file (the import then says why).
pub fn topology_vhosts(text: &str) -> Vec<String> {
    let Ok(Value::Object(root)) = read_json(text) else {
        return Vec::new();
    };
    let mut out = BTreeSet::new();
    for key in ["queues", "exchanges", "bindings"] {
        if let Some(Value::Array(items)) = root.get(key) {
            for v in items.iter().filter_map(|m| m.get("vhost")?.as_str()) {
                if out.len() < 1000 {
                    out.insert(v.to_string());
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Imports definitions.json text, keeping virtual host `vhost` (required when the file has
/// topology in several).
pub fn import_definitions(text: &str, vhost: Option<&str>) -> Result<Imported, ScenarioError> {
    let value = read_json(text)?;
    let Value::Object(root) = &value else {
        return Err(ScenarioError::at(
            "",
            "a definitions.json file is a JSON object with queues, exchanges and bindings",
        ));
    };
    if root.contains_key("warren") {
        return Err(ScenarioError::at(
            "",
            "this is a warren scenario, not a RabbitMQ definitions.json",
        ));
    }
    let mut cx = Cx::default();
    let list = |key: &str, cx: &mut Cx| -> Vec<(usize, &Map<String, Value>)> {
        match root.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::Object(m) => Some((i, m)),
                    other => {
                        cx.err(
                            index(key, i),
                            format!("must be an object, not {}", kind_of(other)),
                        );
                        None
                    }
                })
                .collect(),
            Some(other) => {
                cx.err(key, format!("must be a list, not {}", kind_of(other)));
                Vec::new()
            }
        }
    };
    let queues = list("queues", &mut cx);
    let exchanges = list("exchanges", &mut cx);
    let bindings = list("bindings", &mut cx);
    let policies = list("policies", &mut cx);
    let vhosts = list("vhosts", &mut cx);
    if !cx.errors.is_empty() {
        return Err(ScenarioError::Invalid(cx.errors));
    }
    if root
        .get("operator_policies")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        cx.warn("operator_policies", "operator policies are not applied");
    }

    let vhost = choose_vhost(&vhosts, &[&queues, &exchanges, &bindings], vhost)?;
    let in_vhost = |m: &Map<String, Value>| match m.get("vhost") {
        None => true,
        Some(v) => v.as_str() == Some(vhost.as_str()),
    };
    let text_of = |m: &Map<String, Value>, key: &str| -> Option<String> {
        m.get(key).and_then(Value::as_str).map(str::to_string)
    };

    let policies: Vec<Policy> = policies
        .iter()
        .filter(|(_, m)| in_vhost(m))
        .filter_map(|(i, m)| read_policy(*i, m, &mut cx))
        .collect();

    // Exchanges.
    let mut out_exchanges = Vec::new();
    let mut skipped: BTreeSet<String> = BTreeSet::new();
    for (i, m) in exchanges.iter().filter(|(_, m)| in_vhost(m)) {
        let path = index("exchanges", *i);
        let Some(name) = text_of(m, "name") else {
            cx.err(child(&path, "name"), "is required");
            continue;
        };
        if name.is_empty() || name.starts_with("amq.") {
            // Predeclared in every virtual host; RabbitMQ exports them only in old versions.
            continue;
        }
        let kind = text_of(m, "type").unwrap_or_else(|| "direct".into());
        if !matches!(kind.as_str(), "direct" | "fanout" | "topic" | "headers") {
            cx.warn(
                &path,
                format!("exchange \"{name}\" has type \"{kind}\" (a plugin type warren does not model): skipped with its bindings"),
            );
            skipped.insert(name);
            continue;
        }
        let mut arguments = object_of(m, "arguments");
        if let Some(p) = winning_policy(&policies, &name, false)
            && let Some(ae) = p.definition.get("alternate-exchange")
        {
            arguments.entry("alternate-exchange").or_insert(ae.clone());
        }
        let mut x: Map<String, Value> = (*m).clone();
        x.insert("arguments".into(), Value::Object(arguments));
        x.remove("vhost");
        out_exchanges.push(Value::Object(x));
    }

    // Queues.
    let mut out_queues = Vec::new();
    for (i, m) in queues.iter().filter(|(_, m)| in_vhost(m)) {
        let path = index("queues", *i);
        let Some(name) = text_of(m, "name") else {
            cx.err(child(&path, "name"), "is required");
            continue;
        };
        let mut arguments = object_of(m, "arguments");
        let declared_type = arguments
            .get("x-queue-type")
            .and_then(Value::as_str)
            .or_else(|| m.get("type").and_then(Value::as_str))
            .unwrap_or("classic")
            .to_string();
        if declared_type != "classic" {
            cx.warn(
                &path,
                format!("queue \"{name}\" is a {declared_type} queue: imported as a classic queue"),
            );
            arguments.remove("x-queue-type");
            for k in [
                "x-quorum-initial-group-size",
                "x-delivery-limit",
                "x-max-age",
                "x-stream-max-segment-size-bytes",
                "x-dead-letter-strategy",
            ] {
                arguments.remove(k);
            }
        }
        if let Some(p) = winning_policy(&policies, &name, true) {
            for (key, arg) in QUEUE_POLICY_KEYS {
                if let Some(v) = p.definition.get(key) {
                    if key == "max-priority" {
                        cx.warn(
                            format!("policies: {}", p.name),
                            "max-priority is not a RabbitMQ policy key (only the x-max-priority argument sets it); applied anyway",
                        );
                    }
                    arguments.entry(arg).or_insert(v.clone());
                }
            }
        }
        check_queue_arguments(&arguments, &child(&path, "arguments"), &mut cx);
        let mut q = Map::new();
        q.insert("name".into(), Value::from(name));
        for key in ["durable", "auto_delete"] {
            if let Some(v) = m.get(key) {
                q.insert(key.into(), v.clone());
            }
        }
        q.insert("arguments".into(), Value::Object(arguments));
        out_queues.push(Value::Object(q));
    }

    // Bindings.
    let mut out_bindings = Vec::new();
    for (i, m) in bindings.iter().filter(|(_, m)| in_vhost(m)) {
        let path = index("bindings", *i);
        let source = text_of(m, "source").unwrap_or_default();
        let destination = text_of(m, "destination").unwrap_or_default();
        if source.is_empty() {
            // The default exchange's implicit bindings; not declarable.
            continue;
        }
        if skipped.contains(&source) || skipped.contains(&destination) {
            cx.warn(
                &path,
                format!("binding {source} → {destination} skipped with its exchange"),
            );
            continue;
        }
        let mut b: Map<String, Value> = (*m).clone();
        b.remove("vhost");
        out_bindings.push(Value::Object(b));
    }

    if !cx.errors.is_empty() {
        return Err(ScenarioError::Invalid(cx.errors));
    }
    let scenario_json = json!({
        "warren": 1,
        "title": format!("Imported definitions (vhost {vhost})"),
        "notes": "Imported from a RabbitMQ definitions.json; policies applied once as queue arguments.",
        "topology": {"exchanges": out_exchanges, "queues": out_queues, "bindings": out_bindings},
    });
    let parsed = parse_value(&scenario_json)?;
    let mut warnings = cx.warnings;
    // Unknown definitions fields (e.g. a queue's "type") are expected here, not worth a warning.
    warnings.extend(
        parsed
            .warnings
            .into_iter()
            .filter(|w| !w.message.starts_with("unknown field")),
    );
    Ok(Imported {
        scenario: parsed.scenario,
        vhost,
        warnings,
    })
}

fn object_of(m: &Map<String, Value>, key: &str) -> Map<String, Value> {
    match m.get(key) {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    }
}

fn choose_vhost(
    vhosts: &[(usize, &Map<String, Value>)],
    lists: &[&Vec<(usize, &Map<String, Value>)>],
    chosen: Option<&str>,
) -> Result<String, ScenarioError> {
    // extend, not collect: collecting into a BTree links a stable sort for the type.
    let mut all: BTreeSet<String> = BTreeSet::new();
    all.extend(
        vhosts
            .iter()
            .filter_map(|(_, m)| m.get("name").and_then(Value::as_str).map(str::to_string)),
    );
    let mut used: BTreeSet<String> = BTreeSet::new();
    for list in lists {
        for (_, m) in list.iter() {
            if let Some(v) = m.get("vhost").and_then(Value::as_str) {
                used.insert(v.to_string());
            }
        }
    }
    all.extend(used.iter().cloned());
    // A busy broker can have hundreds of virtual hosts: name the first few.
    let listing = |set: &BTreeSet<String>| {
        let mut out = set
            .iter()
            .take(20)
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ");
        if set.len() > 20 {
            out.push_str(&format!(" and {} more", set.len() - 20));
        }
        out
    };
    match chosen {
        Some(v) if all.is_empty() || all.contains(v) => Ok(v.to_string()),
        Some(v) => Err(ScenarioError::at(
            "vhosts",
            format!(
                "no virtual host \"{}\" in this file; it has {}",
                v.chars().take(MAX_NAME_BYTES).collect::<String>(),
                listing(&all)
            ),
        )),
        None if used.len() > 1 => Err(ScenarioError::at(
            "vhosts",
            format!(
                "this file has topology in {} virtual hosts ({}); choose one (--vhost NAME)",
                used.len(),
                listing(&used)
            ),
        )),
        None => Ok(used
            .into_iter()
            .next()
            .or_else(|| (all.len() == 1).then(|| all.into_iter().next()).flatten())
            .unwrap_or_else(|| "/".to_string())),
    }
}

fn read_policy(i: usize, m: &Map<String, Value>, cx: &mut Cx) -> Option<Policy> {
    let path = index("policies", i);
    let name = m
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let pattern_text = m.get("pattern").and_then(Value::as_str).unwrap_or("");
    if pattern_text.len() > MAX_NAME_BYTES {
        cx.warn(
            &path,
            format!("policy \"{name}\": pattern longer than {MAX_NAME_BYTES} bytes, ignored"),
        );
        return None;
    }
    let pattern = match compile_pattern(pattern_text) {
        Ok(r) => r,
        Err(e) => {
            cx.warn(
                &path,
                format!("policy \"{name}\": pattern not understood ({e}), ignored"),
            );
            return None;
        }
    };
    let definition = object_of(m, "definition");
    let known: Vec<&str> = QUEUE_POLICY_KEYS
        .iter()
        .map(|(k, _)| *k)
        .chain(["alternate-exchange"])
        .collect();
    let ignored: Vec<&str> = definition
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect();
    if !ignored.is_empty() {
        cx.warn(
            child(&path, "definition"),
            format!(
                "policy \"{name}\": {} not modelled, ignored",
                ignored.join(", ")
            ),
        );
    }
    Some(Policy {
        name,
        pattern,
        apply_to: m
            .get("apply-to")
            .and_then(Value::as_str)
            .unwrap_or("all")
            .to_string(),
        priority: m.get("priority").and_then(Value::as_i64).unwrap_or(0),
        definition,
    })
}

/// The policy RabbitMQ would apply to the queue (or exchange) `name`: the highest priority
/// among matching ones, the first in the file on a tie.
fn winning_policy<'p>(policies: &'p [Policy], name: &str, is_queue: bool) -> Option<&'p Policy> {
    let mut best: Option<&Policy> = None;
    for p in policies {
        let applies = match p.apply_to.as_str() {
            "all" => true,
            "queues" | "classic_queues" => is_queue,
            "exchanges" => !is_queue,
            _ => false,
        };
        if applies && p.pattern.is_match(name) && best.is_none_or(|b| p.priority > b.priority) {
            best = Some(p);
        }
    }
    best
}

/// Exports the scenario's topology as a definitions.json for virtual host `vhost`, with the
/// warnings for what definitions cannot express (exclusive and server-named queues, which a
/// client declares at run time on its own connection).
pub fn export_definitions(s: &Scenario, vhost: &str) -> (String, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    let mut left_out: BTreeSet<&str> = BTreeSet::new();
    let mut queues = Vec::new();
    for (i, q) in s.topology.queues.iter().enumerate() {
        if q.exclusive || q.server_named {
            warnings.push(Diagnostic::new(
                index("topology.queues", i),
                format!(
                    "queue \"{}\" is {}: a client declares it at run time, so it is not exported (nor its bindings)",
                    q.name,
                    if q.server_named { "server-named" } else { "exclusive" }
                ),
            ));
            left_out.insert(&q.name);
            continue;
        }
        queues.push(json!({
            "name": q.name, "vhost": vhost, "durable": q.durable, "auto_delete": q.auto_delete,
            "arguments": q.arguments,
        }));
    }
    let exchanges: Vec<Value> = s
        .topology
        .exchanges
        .iter()
        .filter(|x| predeclared_kind(&x.name).is_none() && !x.name.starts_with("amq."))
        .map(|x| {
            json!({
                "name": x.name, "vhost": vhost, "type": x.kind.as_str(), "durable": x.durable,
                "auto_delete": x.auto_delete, "internal": x.internal, "arguments": x.arguments,
            })
        })
        .collect();
    let bindings: Vec<Value> = s
        .topology
        .bindings
        .iter()
        .filter(|b| {
            !(b.destination_type == DestinationType::Queue
                && left_out.contains(b.destination.as_str()))
        })
        .map(|b| {
            json!({
                "source": b.source, "vhost": vhost, "destination": b.destination,
                "destination_type": b.destination_type.as_str(), "routing_key": b.routing_key,
                "arguments": b.arguments,
            })
        })
        .collect();
    let defs = json!({
        "rabbit_version": RABBIT_VERSION,
        "rabbitmq_version": RABBIT_VERSION,
        "vhosts": [{"name": vhost}],
        "queues": queues,
        "exchanges": exchanges,
        "bindings": bindings,
    });
    (
        serde_json::to_string_pretty(&defs).unwrap_or_default(),
        warnings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;

    const TWO_VHOSTS: &str = include_str!("../../tests/fixtures/definitions/two-vhosts.json");
    const SIMPLE: &str = include_str!("../../tests/fixtures/definitions/simple.json");

    #[test]
    fn topology_vhosts_lists_the_choices() {
        assert_eq!(topology_vhosts(TWO_VHOSTS), vec!["/", "shop"]);
        assert_eq!(topology_vhosts(SIMPLE).len(), 1);
        assert!(topology_vhosts("{not json").is_empty());
        assert!(topology_vhosts("[]").is_empty());
    }

    #[test]
    fn two_vhosts_need_a_choice() {
        let e = import_definitions(TWO_VHOSTS, None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"/\"") && e.contains("\"shop\"") && e.contains("--vhost"),
            "{e}"
        );
        let e = import_definitions(TWO_VHOSTS, Some("nope"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no virtual host \"nope\""), "{e}");
    }

    #[test]
    fn policies_become_arguments() {
        let imp = import_definitions(TWO_VHOSTS, Some("shop")).unwrap();
        assert_eq!(imp.vhost, "shop");
        let s = &imp.scenario;
        let names: Vec<&str> = s.topology.queues.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, vec!["orders", "orders.dead", "audit"]);
        let orders = s.queue("orders").unwrap();
        // The priority-10 policy beats the priority-0 catch-all.
        assert_eq!(orders.arguments["x-dead-letter-exchange"], "shop.dlx");
        assert_eq!(orders.arguments["x-message-ttl"], 60000);
        assert_eq!(orders.arguments["x-max-length"], 1000);
        assert_eq!(orders.arguments["x-overflow"], "reject-publish");
        // The queue's own argument wins over the policy.
        assert_eq!(s.queue("audit").unwrap().arguments["x-max-length"], 50);
        // apply-to exchanges only: the catch-all's alternate exchange reaches exchanges.
        assert_eq!(
            s.exchange("shop").unwrap().arguments["alternate-exchange"],
            "shop.unrouted"
        );
        assert!(
            s.queue("orders.dead")
                .unwrap()
                .arguments
                .get("x-dead-letter-exchange")
                .is_none()
        );
        // Every node got a position, exchanges left of queues.
        assert_eq!(s.layout.len(), s.nodes().len());
        assert!(s.layout["exchange:shop"].x < s.layout["queue:orders"].x);
        assert!(
            imp.warnings.iter().any(|w| w.message.contains("ha-mode")),
            "{:?}",
            imp.warnings
        );

        let other = import_definitions(TWO_VHOSTS, Some("/")).unwrap().scenario;
        assert_eq!(other.topology.queues.len(), 1);
        // Only the policy of "/" applies there, not the shop ones.
        let hello = &other.topology.queues[0].arguments;
        assert_eq!(hello.len(), 1, "{hello:?}");
        assert_eq!(hello["x-message-ttl"], 1);
    }

    #[test]
    fn simple_file_imports_without_choice() {
        let imp = import_definitions(SIMPLE, None).unwrap();
        assert_eq!(imp.vhost, "/");
        let s = imp.scenario;
        assert_eq!(
            s.topology.exchanges.len(),
            2,
            "amq.* and the default exchange are skipped"
        );
        assert_eq!(s.topology.bindings.len(), 3);
        assert!(imp.warnings.iter().any(|w| w.message.contains("quorum")));
        assert!(
            imp.warnings
                .iter()
                .any(|w| w.message.contains("x-delayed-message"))
        );
    }

    #[test]
    fn presets_round_trip_through_definitions() {
        for p in presets::presets() {
            let s = presets::load(p.id).unwrap().scenario;
            let (text, warnings) = export_definitions(&s, "/");
            let back = import_definitions(&text, None).unwrap().scenario;
            let exported_queues: Vec<_> = s
                .topology
                .queues
                .iter()
                .filter(|q| !q.exclusive && !q.server_named)
                .cloned()
                .collect();
            assert_eq!(back.topology.queues, exported_queues, "{}", p.id);
            assert_eq!(back.topology.exchanges, s.topology.exchanges, "{}", p.id);
            let exported_bindings: Vec<_> = s
                .topology
                .bindings
                .iter()
                .filter(|b| {
                    b.destination_type == DestinationType::Exchange
                        || exported_queues.iter().any(|q| q.name == b.destination)
                })
                .cloned()
                .collect();
            assert_eq!(back.topology.bindings, exported_bindings, "{}", p.id);
            let left_out = s.topology.queues.len() - exported_queues.len();
            assert_eq!(
                warnings.len(),
                left_out,
                "{}: one warning per queue left out",
                p.id
            );
        }
    }

    #[test]
    fn export_skips_client_owned_queues_with_a_warning() {
        let s = presets::load("publish-subscribe").unwrap().scenario;
        let (text, warnings) = export_definitions(&s, "demo");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["queues"].as_array().unwrap().len(), 0);
        assert_eq!(v["bindings"].as_array().unwrap().len(), 0);
        assert_eq!(v["exchanges"][0]["vhost"], "demo");
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn garbage_is_refused_clearly() {
        assert!(
            import_definitions("[]", None)
                .unwrap_err()
                .to_string()
                .contains("JSON object")
        );
        let e = import_definitions(r#"{"queues": 5}"#, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("queues: must be a list"), "{e}");
        let e = import_definitions(
            r#"{"queues": [{"name": "q", "arguments": {"x-overflow": "no"}}]}"#,
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("queues[0].arguments.x-overflow"), "{e}");
        let e = import_definitions(r#"{"warren": 1}"#, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("warren scenario"), "{e}");
    }
}
