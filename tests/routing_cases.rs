//! Replays the recorded RabbitMQ 3.10.8 conformance cases that exercise only routing
//! (declare/delete exchange, bind/unbind, publish; queues without arguments) through the
//! router alone, and compares queue contents, errors and basic.returns with the recorded
//! outcomes. The broker's own conformance runner covers every case; this pins routing down
//! independently of it.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use warren::broker::router::{
    BindingDecl, BindingDestination, ExchangeDecl, ExchangeKind, RouteScratch, Router,
};
use warren::broker::{BrokerError, FieldTable, FieldValue, QueueId};

const ROUTING_OPS: &[&str] = &[
    "publish",
    "bind",
    "unbind",
    "declare_exchange",
    "delete_exchange",
];

fn field(v: &Value) -> FieldValue {
    match v {
        Value::Null => FieldValue::Void,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Number(n) => FieldValue::Int(n.as_i64().unwrap_or_default()),
        Value::String(s) => FieldValue::Str(s.clone()),
        Value::Array(a) => FieldValue::Array(a.iter().map(field).collect()),
        Value::Object(o) => FieldValue::Table(table(&Value::Object(o.clone()))),
    }
}

fn table(v: &Value) -> FieldTable {
    v.as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), field(v))).collect())
        .unwrap_or_default()
}

fn s<'a>(v: &'a Value, key: &str, default: &'a str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or(default)
}

fn b(v: &Value, key: &str, default: bool) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(default)
}

fn exchange_decl(v: &Value) -> Result<ExchangeDecl, BrokerError> {
    Ok(ExchangeDecl {
        name: s(v, "name", "").to_string(),
        kind: ExchangeKind::parse(s(v, "type", "direct"))?,
        durable: b(v, "durable", true),
        auto_delete: b(v, "auto_delete", false),
        internal: b(v, "internal", false),
        arguments: table(v.get("arguments").unwrap_or(&Value::Null)),
    })
}

fn binding_decl(v: &Value) -> BindingDecl {
    let dest = s(v, "destination", "").to_string();
    BindingDecl {
        source: s(v, "source", "").to_string(),
        destination: if s(v, "destination_type", "queue") == "exchange" {
            BindingDestination::Exchange(dest)
        } else {
            BindingDestination::Queue(dest)
        },
        binding_key: s(v, "routing_key", "").to_string(),
        arguments: table(v.get("arguments").unwrap_or(&Value::Null)),
    }
}

/// Runs one case; returns (queues: name → [(body, exchange, routing_key)], errors, returned).
fn run(case: &Value) -> (Value, Value, Value) {
    let mut r = Router::new();
    let mut queues: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let defs = &case["definitions"];
    for x in defs["exchanges"].as_array().into_iter().flatten() {
        let decl = exchange_decl(x).map(|d| r.declare_exchange(&d, false));
        assert!(matches!(decl, Ok(Ok(()))), "definition {x}: {decl:?}");
    }
    for (i, q) in defs["queues"].as_array().into_iter().flatten().enumerate() {
        let name = s(q, "name", "");
        r.add_queue(name, QueueId(i as u32));
        queues.insert(name.to_string(), Vec::new());
    }
    for bd in defs["bindings"].as_array().into_iter().flatten() {
        assert_eq!(r.bind(&binding_decl(bd)), Ok(()), "definition {bd}");
    }
    let mut errors = Vec::new();
    let mut returned = Vec::new();
    let mut scratch = RouteScratch::new();
    for (step, st) in case["steps"].as_array().into_iter().flatten().enumerate() {
        let result = match s(st, "op", "") {
            "declare_exchange" => exchange_decl(st).and_then(|d| r.declare_exchange(&d, false)),
            "delete_exchange" => r.delete_exchange(s(st, "name", ""), b(st, "if_unused", false)),
            "bind" => r.bind(&binding_decl(st)),
            "unbind" => r.unbind(&binding_decl(st)),
            "publish" => {
                let exchange = s(st, "exchange", "");
                let rk = s(st, "routing_key", "");
                let headers = table(&st["properties"]["headers"]);
                let mut keys = vec![rk.to_string()];
                for h in ["CC", "BCC"] {
                    if let Some(FieldValue::Array(a)) = headers.get(h) {
                        keys.extend(a.iter().filter_map(|v| v.as_str().map(str::to_string)));
                    }
                }
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                let body = s(st, "body", "");
                r.route(exchange, &keys, &headers, true, &mut scratch)
                    .map(|()| {
                        if scratch.queues().is_empty() && b(st, "mandatory", false) {
                            returned.push(serde_json::json!({
                            "step": step, "body": body, "reply_code": 312, "reply_text": "NO_ROUTE",
                            "exchange": exchange, "routing_key": rk}));
                        }
                        for &q in scratch.queues() {
                            let name = r.queue_name(q).unwrap_or("?").to_string();
                            queues.entry(name).or_default().push(serde_json::json!(
                            {"body": body, "exchange": exchange, "routing_key": rk}));
                        }
                    })
            }
            other => panic!("op {other} is not a routing op"),
        };
        if let Err(e) = result {
            errors.push(
                serde_json::json!({"step": step, "code": e.reply_code(), "text": e.reply_text()}),
            );
        }
    }
    (
        serde_json::json!(queues),
        Value::Array(errors),
        Value::Array(returned),
    )
}

#[test]
fn routing_cases_match_rabbitmq() {
    let mut ran = Vec::new();
    for dir in ["cases", "generated"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/conformance")
            .join(dir);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for path in files {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            if !name.ends_with(".json") || name.ends_with(".outcome.json") {
                continue;
            }
            let case: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let steps = case["steps"].as_array().cloned().unwrap_or_default();
            let routing_only = steps
                .iter()
                .all(|st| ROUTING_OPS.contains(&s(st, "op", "")));
            let plain_queues = case["definitions"]["queues"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|q| {
                    q.get("arguments")
                        .is_none_or(|a| a.as_object().is_none_or(|o| o.is_empty()))
                });
            if !routing_only || !plain_queues {
                continue;
            }
            let outcome_path = path.with_file_name(name.replace(".json", ".outcome.json"));
            let outcome: Value =
                serde_json::from_str(&std::fs::read_to_string(&outcome_path).unwrap()).unwrap();
            let (queues, errors, returned) = run(&case);
            let want_queues: BTreeMap<String, Vec<Value>> = outcome["queues"]
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(q, msgs)| {
                            let msgs = msgs.as_array().into_iter().flatten().map(|m| {
                                serde_json::json!({"body": m["body"], "exchange": m["exchange"], "routing_key": m["routing_key"]})
                            });
                            (q.clone(), msgs.collect())
                        })
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(queues, serde_json::json!(want_queues), "{name}: queues");
            assert_eq!(errors, outcome["errors"], "{name}: errors");
            assert_eq!(returned, outcome["returned"], "{name}: returned");
            assert_eq!(outcome["deliveries"], serde_json::json!([]), "{name}");
            ran.push(name);
        }
    }
    eprintln!("ran {} routing cases: {ran:?}", ran.len());
    assert!(
        ran.len() >= 15,
        "only {} routing cases ran: {ran:?}",
        ran.len()
    );
}
