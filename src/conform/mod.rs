//! Runs conformance cases (the format of `shared/conformance/FORMAT.md`, recorded against a real
//! RabbitMQ 3.10.8) through the broker model and produces the outcome JSON.
//!
//! Owns: the case parser ([`case`]), the oracle-faithful runner ([`runner`]), the canonical
//! outcome text and a readable outcome diff.
//! Must not import: web crates, `sim`, `scenario` or `ui`.

pub mod case;
pub mod runner;

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

pub use case::{Case, CaseError, parse_case};
pub use runner::Runner;

/// Runs one parsed case and returns its outcome.
pub fn run_case(case: &Case) -> Value {
    Runner::new().run(case)
}

/// The case's name: its `name`, else the file name without `.json`.
pub fn case_name(case: &Case, path: &Path) -> String {
    if let Some(n) = case.name.as_ref().filter(|n| !n.is_empty()) {
        return n.clone();
    }
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.strip_suffix(".json")
        .map_or(file.clone(), str::to_owned)
}

/// Whether a path names an outcome or meta file rather than a case (the oracle skips them).
pub fn is_outcome_file(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".outcome.json") || name.ends_with(".meta.json")
}

fn write_compact(out: &mut String, v: &Value) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_compact(out, &Value::String((*k).clone()));
                out.push_str(": ");
                if let Some(x) = map.get(*k) {
                    write_compact(out, x);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_compact(out, x);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn compact(v: &Value) -> String {
    let mut s = String::new();
    write_compact(&mut s, v);
    s
}

/// The oracle's canonical outcome text: keys sorted, one record per line.
pub fn canonical_text(outcome: &Value) -> String {
    let mut lines = vec!["{".to_owned()];
    let Value::Object(map) = outcome else {
        return compact(outcome) + "\n";
    };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for (i, k) in keys.iter().enumerate() {
        let comma = if i + 1 < keys.len() { "," } else { "" };
        let key = compact(&Value::String((*k).clone()));
        match map.get(*k) {
            Some(Value::Array(items)) if !items.is_empty() => {
                lines.push(format!("  {key}: ["));
                for (j, x) in items.iter().enumerate() {
                    let c = if j + 1 < items.len() { "," } else { "" };
                    lines.push(format!("    {}{c}", compact(x)));
                }
                lines.push(format!("  ]{comma}"));
            }
            Some(Value::Object(q)) if !q.is_empty() => {
                lines.push(format!("  {key}: {{"));
                let mut qk: Vec<&String> = q.keys().collect();
                qk.sort();
                for (j, name) in qk.iter().enumerate() {
                    let c2 = if j + 1 < qk.len() { "," } else { "" };
                    let qname = compact(&Value::String((*name).clone()));
                    match q.get(*name) {
                        Some(Value::Array(msgs)) if !msgs.is_empty() => {
                            lines.push(format!("    {qname}: ["));
                            for (m, x) in msgs.iter().enumerate() {
                                let c3 = if m + 1 < msgs.len() { "," } else { "" };
                                lines.push(format!("      {}{c3}", compact(x)));
                            }
                            lines.push(format!("    ]{c2}"));
                        }
                        Some(other) => lines.push(format!("    {qname}: {}{c2}", compact(other))),
                        None => {}
                    }
                }
                lines.push(format!("  }}{comma}"));
            }
            Some(other) => lines.push(format!("  {key}: {}{comma}", compact(other))),
            None => {}
        }
    }
    lines.push("}".to_owned());
    lines.join("\n") + "\n"
}

/// A readable difference between an expected and an actual outcome (empty when equal as
/// parsed JSON): per key, records only in one of them, and differing queue contents.
pub fn outcome_diff(expected: &Value, actual: &Value) -> String {
    if expected == actual {
        return String::new();
    }
    let mut out = String::new();
    let keys = [
        "deliveries",
        "gets",
        "returned",
        "nacked",
        "errors",
        "cancelled",
        "checks",
        "queues",
    ];
    for key in keys {
        let (e, a) = (expected.get(key), actual.get(key));
        if e == a {
            continue;
        }
        let _ = writeln!(out, "  {key}:");
        match (e, a) {
            (Some(Value::Array(e)), Some(Value::Array(a))) => {
                let n = e.len().max(a.len());
                for i in 0..n {
                    match (e.get(i), a.get(i)) {
                        (Some(x), Some(y)) if x == y => {}
                        (x, y) => {
                            if let Some(x) = x {
                                let _ = writeln!(out, "    - [{i}] {}", compact(x));
                            }
                            if let Some(y) = y {
                                let _ = writeln!(out, "    + [{i}] {}", compact(y));
                            }
                        }
                    }
                }
            }
            (Some(Value::Object(e)), Some(Value::Object(a))) => {
                let mut names: Vec<&String> = e.keys().chain(a.keys()).collect();
                names.sort();
                names.dedup();
                for n in names {
                    if e.get(n) != a.get(n) {
                        let show = |v: Option<&Value>| v.map_or("(absent)".to_owned(), compact);
                        let _ = writeln!(
                            out,
                            "    {n}:\n      - {}\n      + {}",
                            show(e.get(n)),
                            show(a.get(n))
                        );
                    }
                }
            }
            (e, a) => {
                let show = |v: Option<&Value>| v.map_or("(absent)".to_owned(), compact);
                let _ = writeln!(out, "    - {}\n    + {}", show(e), show(a));
            }
        }
    }
    if out.is_empty() {
        out.push_str("  (outcomes differ outside the eight known keys)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_text_matches_the_oracle_layout() {
        let v: Value = serde_json::json!({"queues": {"b": [], "a": [{"z": 1, "b": "x"}]}, "errors": [], "checks": [{"step": 1}]});
        assert_eq!(
            canonical_text(&v),
            "{\n  \"checks\": [\n    {\"step\": 1}\n  ],\n  \"errors\": [],\n  \"queues\": {\n    \"a\": [\n      {\"b\": \"x\", \"z\": 1}\n    ],\n    \"b\": []\n  }\n}\n"
        );
    }

    #[test]
    fn diff_is_empty_only_for_equal_outcomes() {
        let a: Value = serde_json::json!({"errors": [{"step": 1}], "queues": {}});
        let b: Value = serde_json::json!({"errors": [{"step": 2}], "queues": {}});
        assert!(outcome_diff(&a, &a).is_empty());
        let d = outcome_diff(&a, &b);
        assert!(d.contains("errors") && d.contains("\"step\": 2"), "{d}");
    }
}
