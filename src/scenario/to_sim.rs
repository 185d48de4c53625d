//! Scenario → simulation: converts a validated [`Scenario`] into the simulator's own
//! [`SimConfig`], reads the optional `script` of timed actions, and implements `warren run`.
//!
//! `script` is an additive extension of the scenario format (older readers ignore it with an
//! "unknown field" warning); the scenario model keeps its items as written:
//! `"script": [{"at_ms": 4000, "action": "kill_consumer", "consumer": "worker1"},
//! {"at_ms": 6000, "action": "start_consumer", "consumer": "worker1"},
//! {"at_ms": 7000, "action": "publish_now", "producer": "new_task", "count": 2},
//! {"at_ms": 9000, "action": "restart_broker"}]`.
//!
//! Must not import: web crates or `ui`.

use serde_json::Value;

use super::cli::read_file;
use super::error::{Diagnostic, ScenarioError};
use super::model::{self, Rate, Scenario, field_table};
use super::parse::{parse_value, read_json};
use crate::broker::BasicProperties;
use crate::sim::trace::{Format, RunOptions, trace};
use crate::sim::{
    Action, BindingSpec, ConsumerSpec, ExchangeSpec, Lang, ProducerSpec, QueueSpec, Schedule,
    ScriptedAction, Settle, SimConfig,
};

/// The most scripted actions a scenario may hold (untrusted input).
pub const MAX_SCRIPT: usize = 1000;

fn settle(a: model::Action) -> Settle {
    match a {
        model::Action::Ack => Settle::Ack,
        model::Action::NackRequeue => Settle::NackRequeue,
        model::Action::Nack => Settle::Nack,
        model::Action::Reject => Settle::Reject,
    }
}

/// Probability 0..=1 → parts per million (the simulator draws integers only).
fn ppm(rate: f64) -> u32 {
    if rate.is_nan() || rate <= 0.0 {
        0
    } else if rate >= 1.0 {
        1_000_000
    } else {
        (rate * 1_000_000.0).round() as u32
    }
}

/// The simulation of a scenario, with the script actions whose actors still exist (an edited
/// diagram may have lost one; [`load_sim`] refuses such a script instead).
pub fn to_sim(s: &Scenario) -> SimConfig {
    let t = &s.topology;
    SimConfig {
        seed: s.seed,
        exchanges: t
            .exchanges
            .iter()
            .map(|x| ExchangeSpec {
                name: x.name.clone(),
                kind: x.kind,
                durable: x.durable,
                auto_delete: x.auto_delete,
                internal: x.internal,
                arguments: field_table(&x.arguments),
            })
            .collect(),
        queues: t
            .queues
            .iter()
            .map(|q| QueueSpec {
                name: q.name.clone(),
                durable: q.durable,
                exclusive: q.exclusive,
                auto_delete: q.auto_delete,
                server_named: q.server_named,
                arguments: field_table(&q.arguments),
            })
            .collect(),
        bindings: t
            .bindings
            .iter()
            .map(|b| BindingSpec {
                source: b.source.clone(),
                destination: b.destination.clone(),
                to_exchange: b.destination_type == model::DestinationType::Exchange,
                binding_key: b.routing_key.clone(),
                arguments: field_table(&b.arguments),
            })
            .collect(),
        producers: s.producers.iter().map(producer).collect(),
        consumers: s
            .consumers
            .iter()
            .map(|c| ConsumerSpec {
                id: c.id.clone(),
                name: c.name.clone(),
                connection: c.connection.clone(),
                queue: c.queue.clone(),
                prefetch: c.prefetch,
                auto_ack: c.auto_ack,
                processing_ms: c.processing_ms,
                on_success: settle(c.action),
                failure_ppm: ppm(c.failure_rate),
                on_failure: settle(c.failure_action.unwrap_or(model::Action::NackRequeue)),
                priority: c.priority.map(i64::from),
                exclusive: c.exclusive,
                reply: c.reply_to_reply,
                start_ms: Some(0),
            })
            .collect(),
        script: s
            .script
            .iter()
            .take(MAX_SCRIPT)
            .filter_map(|item| {
                let one = Value::Array(vec![item.clone()]);
                let doc = Value::Object([("script".to_owned(), one)].into_iter().collect());
                read_script(&doc, s).ok()
            })
            .flatten()
            .collect(),
    }
}

fn producer(p: &model::Producer) -> ProducerSpec {
    let pr = &p.properties;
    let properties = BasicProperties {
        content_type: pr.content_type.clone(),
        content_encoding: pr.content_encoding.clone(),
        headers: (!p.headers.is_empty()).then(|| field_table(&p.headers)),
        delivery_mode: pr.delivery_mode,
        priority: pr.priority,
        correlation_id: pr.correlation_id.clone(),
        reply_to: pr.reply_to.clone(),
        expiration: pr.expiration.clone(),
        message_id: pr.message_id.clone(),
        timestamp: None,
        kind: pr.message_type.clone(),
        user_id: None,
        app_id: pr.app_id.clone(),
    };
    ProducerSpec {
        id: p.id.clone(),
        name: p.name.clone(),
        connection: p.connection.clone(),
        exchange: p.exchange.clone(),
        routing_keys: p.routing_key.0.clone(),
        properties,
        body: p.body.clone(),
        schedule: match p.rate {
            Rate::Once => Schedule::Once,
            Rate::Every { every_ms } => Schedule::Every { every_ms },
            Rate::Burst { burst, every_ms } => Schedule::Burst {
                size: burst,
                every_ms,
            },
        },
        start_ms: p.start_ms,
        count: p.count,
        mandatory: p.mandatory,
        confirms: p.confirms,
    }
}

/// Reads the optional `script` of a scenario JSON document, checking that every actor exists.
pub fn read_script(doc: &Value, s: &Scenario) -> Result<Vec<ScriptedAction>, ScenarioError> {
    let Some(script) = doc.get("script") else {
        return Ok(Vec::new());
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let Some(items) = script.as_array() else {
        return Err(ScenarioError::Invalid(vec![Diagnostic::new(
            "script",
            "must be a list of timed actions",
        )]));
    };
    if items.len() > MAX_SCRIPT {
        return Err(ScenarioError::Invalid(vec![Diagnostic::new(
            "script",
            format!("at most {MAX_SCRIPT} actions"),
        )]));
    }
    for (i, item) in items.iter().enumerate() {
        let path = format!("script[{i}]");
        let field = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
        let Some(at_ms) = item.get("at_ms").and_then(Value::as_u64) else {
            errors.push(Diagnostic::new(
                format!("{path}.at_ms"),
                "must be a whole number of milliseconds",
            ));
            continue;
        };
        let consumer = |errors: &mut Vec<Diagnostic>| {
            let id = field("consumer");
            match id {
                Some(id) if s.consumers.iter().any(|c| c.id == id) => Some(id),
                _ => {
                    errors.push(Diagnostic::new(
                        format!("{path}.consumer"),
                        "must be the id of a consumer",
                    ));
                    None
                }
            }
        };
        let action = match field("action").as_deref() {
            Some("kill_consumer") => {
                consumer(&mut errors).map(|consumer| Action::KillConsumer { consumer })
            }
            Some("start_consumer") => {
                consumer(&mut errors).map(|consumer| Action::StartConsumer { consumer })
            }
            Some("restart_broker") => Some(Action::RestartBroker),
            Some("publish_now") => {
                let count = item.get("count").and_then(Value::as_u64).unwrap_or(1);
                match field("producer") {
                    Some(p) if s.producers.iter().any(|x| x.id == p) && count <= 10_000 => {
                        Some(Action::PublishNow { producer: p, count })
                    }
                    _ => {
                        errors.push(Diagnostic::new(
                            format!("{path}.producer"),
                            "must be the id of a producer (count at most 10000)",
                        ));
                        None
                    }
                }
            }
            _ => {
                errors.push(Diagnostic::new(
                    format!("{path}.action"),
                    "expected kill_consumer, start_consumer, publish_now or restart_broker",
                ));
                None
            }
        };
        if let Some(action) = action {
            out.push(ScriptedAction { at_ms, action });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ScenarioError::Invalid(errors))
    }
}

/// Parses scenario JSON text into a simulation, with the parser's warnings (the `script`
/// field, which the scenario model does not know, is not warned about).
pub fn load_sim(text: &str) -> Result<(SimConfig, Vec<Diagnostic>), ScenarioError> {
    let doc = read_json(text)?;
    let parsed = parse_value(&doc)?;
    let mut config = to_sim(&parsed.scenario);
    config.script = read_script(&doc, &parsed.scenario)?;
    let warnings = parsed
        .warnings
        .into_iter()
        .filter(|w| w.path != "script")
        .collect();
    Ok((config, warnings))
}

/// Usage of `warren run`.
pub const RUN_USAGE: &str = "warren run SCENARIO.json [--until MS] [--events N] [--format text|json] [--seed N] [--lang en|zh-CN]";

fn usage(msg: &str) -> ScenarioError {
    ScenarioError::Usage(format!("{msg}\nusage: {RUN_USAGE}"))
}

/// Parses the options of `warren run` (everything after the file name).
pub fn run_options(args: &[String]) -> Result<(String, RunOptions), ScenarioError> {
    let mut opts = RunOptions::default();
    let mut path = None;
    let mut it = args.iter();
    let number = |flag: &str, v: Option<&String>| -> Result<u64, ScenarioError> {
        v.and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| usage(&format!("{flag} needs a whole number")))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--until" => opts.until_ms = Some(number("--until", it.next())?),
            "--events" => opts.max_events = number("--events", it.next())?,
            "--seed" => opts.seed = Some(number("--seed", it.next())?),
            "--format" => {
                opts.format = match it.next().map(String::as_str) {
                    Some("text") => Format::Text,
                    Some("json") => Format::Json,
                    _ => return Err(usage("--format must be text or json")),
                }
            }
            "--lang" => {
                opts.lang = match it.next().map(String::as_str) {
                    Some("en") => Lang::En,
                    Some("zh-CN" | "zh") => Lang::ZhCn,
                    _ => return Err(usage("--lang must be en or zh-CN")),
                }
            }
            flag if flag.starts_with("--") => return Err(usage(&format!("unknown option {flag}"))),
            file => {
                if path.replace(file.to_string()).is_some() {
                    return Err(usage("only one scenario file"));
                }
            }
        }
    }
    let path = path.ok_or_else(|| usage("missing SCENARIO.json"))?;
    Ok((path, opts))
}

/// `warren run`: the trace of a scenario file (warnings pushed for stderr).
pub fn run_command(args: &[String], warnings: &mut Vec<String>) -> Result<String, ScenarioError> {
    let (path, opts) = run_options(args)?;
    let text = read_file(&path)?;
    let (config, warns) = load_sim(&text).map_err(|e| ScenarioError::Io(format!("{path}: {e}")))?;
    warnings.extend(warns.iter().map(|w| format!("{path}: {w}")));
    Ok(trace(config, &opts))
}

/// The trace of scenario JSON text (for tests and the wasm build, which have no files).
pub fn trace_of(text: &str, opts: &RunOptions) -> Result<String, ScenarioError> {
    let (config, _) = load_sim(text)?;
    Ok(trace(config, opts))
}
