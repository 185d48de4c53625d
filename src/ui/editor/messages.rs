//! Scenario validation messages in the UI language.
//!
//! Owns: the translation of [`ScenarioError`] texts at the UI boundary. The scenario layer
//! stays free of UI dependencies and keeps its English messages (the CLI prints them as they
//! are); here each known message is recognised by its English catalog template
//! (`scenario.msg.*`, the exact text `src/scenario` writes, with `{name}` placeholders), its
//! values are taken out and the template of the current language is filled with them. JSON
//! paths are kept as written: they name fields of the file. An unknown message stays English.

use crate::scenario::{Diagnostic, ScenarioError};
use crate::ui::i18n::{Lang, fill, tr, tr_in};

/// Catalog keys of the messages `src/scenario` writes that an editor user can meet.
const KEYS: [&str; 22] = [
    "scenario.msg.second_exchange",
    "scenario.msg.second_queue",
    "scenario.msg.second_id",
    "scenario.msg.no_exchange",
    "scenario.msg.no_queue",
    "scenario.msg.default_declared",
    "scenario.msg.amq_exchange",
    "scenario.msg.amq_queue",
    "scenario.msg.empty_queue",
    "scenario.msg.default_bound",
    "scenario.msg.dead_letter_key",
    "scenario.msg.too_long",
    "scenario.msg.required",
    "scenario.msg.nodes_limit",
    "scenario.msg.bindings_limit",
    "scenario.msg.failure_rate",
    "scenario.msg.expiration",
    "scenario.msg.priority",
    "scenario.msg.whole_number",
    "scenario.msg.alternate",
    "scenario.msg.positive",
    "scenario.msg.range",
];

/// The values of `template`'s `{name}` placeholders if `text` is that template filled in.
fn unfill<'t>(template: &'t str, text: &'t str) -> Option<Vec<(&'t str, &'t str)>> {
    let mut rest = template;
    // Literal text before the first placeholder, then (name, literal after it) pairs.
    let first = rest.find('{').unwrap_or(rest.len());
    let lead = &rest[..first];
    rest = &rest[first..];
    let mut parts = Vec::new();
    while let Some(after) = rest.strip_prefix('{') {
        let close = after.find('}')?;
        let name = &after[..close];
        let tail = &after[close + 1..];
        let next = tail.find('{').unwrap_or(tail.len());
        parts.push((name, &tail[..next]));
        rest = &tail[next..];
    }
    let mut text = text.strip_prefix(lead)?;
    if parts.is_empty() {
        return text.is_empty().then(Vec::new);
    }
    let mut values = Vec::new();
    let last = parts.len() - 1;
    for (i, (name, lit)) in parts.into_iter().enumerate() {
        let end = if i == last {
            text.strip_suffix(lit)?.len()
        } else if lit.is_empty() {
            return None;
        } else {
            text.find(lit)?
        };
        values.push((name, &text[..end]));
        text = &text[end + lit.len()..];
    }
    Some(values)
}

/// One validation message in the UI language.
pub fn message(english: &str) -> String {
    KEYS.iter()
        .find_map(|key| {
            let values = unfill(tr_in(Lang::En, key), english)?;
            Some(fill(tr(key), &values))
        })
        .unwrap_or_else(|| english.to_owned())
}

/// A located message, `path: message` as the scenario layer writes it, translated.
pub fn diagnostic(d: &Diagnostic) -> String {
    if d.path.is_empty() {
        message(&d.message)
    } else {
        format!("{}: {}", d.path, message(&d.message))
    }
}

/// A scenario error as the UI shows it: validation messages translated, one per line.
pub fn scenario_error(e: &ScenarioError) -> String {
    match e {
        ScenarioError::Invalid(diags) => {
            let mut out = String::new();
            for (i, d) in diags.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&diagnostic(d));
            }
            out
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{parse_str, presets, validate};
    use crate::ui::i18n::set_current;

    #[test]
    fn unfill_takes_the_values_out() {
        assert_eq!(
            unfill(
                "is {len} bytes long; the limit is {max} bytes",
                "is 300 bytes long; the limit is 255 bytes"
            ),
            Some(vec![("len", "300"), ("max", "255")])
        );
        assert_eq!(unfill("is required", "is required"), Some(vec![]));
        assert_eq!(unfill("is required", "is required!"), None);
        assert_eq!(
            unfill(
                "a second queue named \"{name}\"",
                "a second queue named \"a\"b\""
            ),
            Some(vec![("name", "a\"b")])
        );
    }

    /// Every template matches what the scenario layer writes (a real validation run), and the
    /// Chinese text carries the values.
    #[test]
    fn validation_errors_read_in_the_ui_language() {
        let mut s = presets::load("topics").expect("topics").scenario;
        let q = s.topology.queues[0].clone();
        s.topology.queues.push(q.clone());
        let mut b = s.topology.bindings[0].clone();
        b.source = "nowhere".into();
        s.topology.bindings.push(b);
        let e = validate(&s).expect_err("invalid");
        let english = e.to_string();
        assert!(
            english.contains(&format!("a second queue named \"{}\"", q.name)),
            "{english}"
        );
        set_current(Lang::En);
        assert_eq!(
            scenario_error(&e),
            english,
            "English stays as the CLI writes it"
        );
        set_current(Lang::ZhCn);
        let zh = scenario_error(&e);
        set_current(Lang::En);
        assert!(!zh.contains("a second queue"), "{zh}");
        assert!(!zh.contains("no exchange named"), "{zh}");
        assert!(zh.contains(&q.name) && zh.contains("nowhere"), "{zh}");
        assert!(zh.contains("topology.queues["), "paths stay: {zh}");
    }

    #[test]
    fn every_template_is_written_by_the_scenario_layer() {
        // A file with one of each problem the editor can cause; each message must be
        // recognised (an unrecognised one would stay English).
        let text = r#"{"warren":1,
          "topology":{"exchanges":[{"name":"amq.x","type":"direct"},{"name":"","type":"direct"},
              {"name":"e","type":"direct","arguments":{"alternate-exchange":1}},{"name":"e","type":"direct"}],
            "queues":[{"name":""},{"name":"amq.q"},{"name":"q","arguments":{"x-dead-letter-routing-key":"k"}},{"name":"q"}],
            "bindings":[{"source":"","destination":"q","destination_type":"queue"},
              {"source":"nope","destination":"q","destination_type":"queue"},
              {"source":"e","destination":"nope","destination_type":"queue"}]},
          "producers":[{"id":"p","exchange":"nope","properties":{"expiration":"x","priority":300}},{"id":"p"}],
          "consumers":[{"id":"c","queue":"nope","failure_rate":2}]}"#;
        let e = parse_str(text).expect_err("invalid");
        let ScenarioError::Invalid(diags) = &e else {
            panic!("{e}");
        };
        set_current(Lang::ZhCn);
        let unknown: Vec<String> = diags
            .iter()
            .filter(|d| message(&d.message) == d.message)
            .map(ToString::to_string)
            .collect();
        set_current(Lang::En);
        assert!(
            unknown.is_empty(),
            "not recognised: {unknown:#?}\nall: {diags:#?}"
        );
        assert!(diags.len() >= 10, "{diags:#?}");
    }
}
