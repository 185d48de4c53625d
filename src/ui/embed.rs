//! Embed mode and the host page's postMessage API.
//!
//! Owns: reading `?embed`, `&autoplay`, `&readonly` from the page URL; validating messages
//! from the host page (`{type: "warren:load", scenario}`, `warren:play`, `warren:pause`,
//! `warren:step`); the `warren:event` messages the embed posts back (lifecycle events here,
//! one per simulation event via `menu::forward_events`, and after "Run to idle" its last events
//! plus one `run_to_idle` summary via `menu::forward_run`). Every message is untrusted:
//! anything unknown or malformed is ignored, a scenario is read with the same limits as a file or
//! a link. Must not be imported by `broker`, `sim` or `scenario`.

use serde_json::{Map, Value, json};

use crate::scenario::limits::MAX_INPUT_BYTES;
use crate::scenario::{Scenario, parse_value};

use super::editor::ops;
use super::lessons;

/// How the page was asked to show itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmbedOptions {
    /// Only the diagram and the playback controls.
    pub embed: bool,
    /// Start playing once loaded.
    pub autoplay: bool,
    /// No editing.
    pub readonly: bool,
}

impl EmbedOptions {
    /// Reads a query string (`?embed&autoplay`, also `embed=1`; `embed=0`/`false` is off).
    pub fn from_query(query: &str) -> Self {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut o = EmbedOptions::default();
        for param in query.split('&') {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            let on = !matches!(value, "0" | "false" | "no");
            match name {
                "embed" => o.embed = on,
                "autoplay" => o.autoplay = on,
                "readonly" => o.readonly = on,
                _ => {}
            }
        }
        // Autoplay and read-only only mean something in an embed.
        if !o.embed {
            o = EmbedOptions::default();
        }
        o
    }
}

/// What the playback controls are asked to do by the host page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaybackCommand {
    /// Start playing.
    Play,
    /// Pause.
    Pause,
    /// One event forward.
    Step,
}

impl PlaybackCommand {
    /// The word used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaybackCommand::Play => "play",
            PlaybackCommand::Pause => "pause",
            PlaybackCommand::Step => "step",
        }
    }
}

/// A validated message from the host page.
#[derive(Debug, Clone, PartialEq)]
pub enum HostCommand {
    /// Open this scenario.
    Load(Box<Scenario>),
    /// A scenario was sent but cannot be opened; the message says why (posted back as an error
    /// event so the host's author sees it).
    BadScenario(String),
    /// A playback control.
    Playback(PlaybackCommand),
}

/// Reads one message's JSON text (as `JSON.stringify` wrote it); `None` means "not for us or
/// malformed": ignore it.
pub fn parse_message_text(text: &str) -> Option<HostCommand> {
    // The scenario limit plus room for the envelope; bigger messages are not read at all.
    if text.len() > MAX_INPUT_BYTES + 1024 {
        return None;
    }
    let value: Value = serde_json::from_str(text).ok()?;
    parse_message(&value)
}

/// Reads one message; `None` means ignore it.
pub fn parse_message(value: &Value) -> Option<HostCommand> {
    let obj = value.as_object()?;
    let kind = obj.get("type")?.as_str()?;
    match kind {
        "warren:play" => Some(HostCommand::Playback(PlaybackCommand::Play)),
        "warren:pause" => Some(HostCommand::Playback(PlaybackCommand::Pause)),
        "warren:step" => Some(HostCommand::Playback(PlaybackCommand::Step)),
        "warren:load" => Some(load(obj.get("scenario")?)),
        _ => None,
    }
}

fn load(scenario: &Value) -> HostCommand {
    // A host may send the object or its JSON text.
    let parsed = match scenario {
        Value::String(text) => {
            if text.len() > MAX_INPUT_BYTES {
                return HostCommand::BadScenario(format!(
                    "the scenario is {} bytes; the limit is {MAX_INPUT_BYTES} bytes",
                    text.len()
                ));
            }
            match serde_json::from_str::<Value>(text) {
                Ok(v) => parse_value(&v),
                Err(e) => return HostCommand::BadScenario(format!("not JSON: {e}")),
            }
        }
        other => parse_value(other),
    };
    match parsed {
        Ok(p) => {
            let mut s = p.scenario;
            ops::ensure_layout(&mut s);
            lessons::normalize(&mut s);
            HostCommand::Load(Box::new(s))
        }
        Err(e) => HostCommand::BadScenario(e.to_string()),
    }
}

/// The `warren:event` message for one event: `{type: "warren:event", event: {kind, ...detail}}`.
pub fn event_message(kind: &str, detail: &[(&str, Value)]) -> Value {
    let mut event = Map::new();
    event.insert("kind".into(), Value::String(kind.to_owned()));
    for (k, v) in detail {
        event.insert((*k).to_owned(), v.clone());
    }
    json!({ "type": "warren:event", "event": Value::Object(event) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_options() {
        let o = EmbedOptions::from_query("?embed&autoplay&readonly");
        assert_eq!(
            o,
            EmbedOptions {
                embed: true,
                autoplay: true,
                readonly: true
            }
        );
        assert!(EmbedOptions::from_query("?embed=1").embed);
        assert_eq!(
            EmbedOptions::from_query("?embed=0&autoplay"),
            EmbedOptions::default()
        );
        assert_eq!(
            EmbedOptions::from_query("?autoplay"),
            EmbedOptions::default()
        );
        assert_eq!(EmbedOptions::from_query(""), EmbedOptions::default());
        assert!(!EmbedOptions::from_query("?x=1&embed").readonly);
    }

    #[test]
    fn control_messages_are_recognised_and_everything_else_ignored() {
        assert_eq!(
            parse_message(&json!({"type": "warren:play"})),
            Some(HostCommand::Playback(PlaybackCommand::Play))
        );
        assert_eq!(
            parse_message_text(r#"{"type":"warren:pause","extra":[1,2]}"#),
            Some(HostCommand::Playback(PlaybackCommand::Pause))
        );
        assert_eq!(
            parse_message_text(r#"{"type":"warren:step"}"#),
            Some(HostCommand::Playback(PlaybackCommand::Step))
        );
        for ignored in [
            "null",
            "42",
            "\"warren:play\"",
            "[]",
            "{}",
            r#"{"type":7}"#,
            r#"{"type":"warren:explode"}"#,
            r#"{"type":"warren:load"}"#,
            "{not json",
            r#"{"type":"WARREN:PLAY"}"#,
        ] {
            assert_eq!(parse_message_text(ignored), None, "{ignored}");
        }
        let huge = format!(
            r#"{{"type":"warren:play","pad":"{}"}}"#,
            "x".repeat(MAX_INPUT_BYTES + 2048)
        );
        assert_eq!(parse_message_text(&huge), None);
    }

    #[test]
    fn scenarios_are_validated_like_files() {
        let topics = lessons::preset_scenario("topics").unwrap_or_else(|| panic!("no topics"));
        let as_value: Value = serde_json::from_str(&topics.to_json()).unwrap_or_default();
        match parse_message(&json!({"type": "warren:load", "scenario": as_value})) {
            Some(HostCommand::Load(s)) => assert_eq!(*s, topics),
            other => panic!("{other:?}"),
        }
        match parse_message(&json!({"type": "warren:load", "scenario": topics.to_json_compact()})) {
            Some(HostCommand::Load(s)) => assert_eq!(*s, topics),
            other => panic!("{other:?}"),
        }
        match parse_message(&json!({"type": "warren:load", "scenario": {"warren": 1, "seed": -1}}))
        {
            Some(HostCommand::BadScenario(e)) => assert!(e.starts_with("seed:"), "{e}"),
            other => panic!("{other:?}"),
        }
        match parse_message(&json!({"type": "warren:load", "scenario": "{oops"})) {
            Some(HostCommand::BadScenario(e)) => assert!(e.contains("not JSON"), "{e}"),
            other => panic!("{other:?}"),
        }
        let many: Vec<Value> = (0..600).map(|i| json!({"name": format!("q{i}")})).collect();
        match parse_message(
            &json!({"type": "warren:load", "scenario": {"warren": 1, "topology": {"queues": many}}}),
        ) {
            Some(HostCommand::BadScenario(e)) => {
                assert!(e.contains("500") || e.contains("limit"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn events_have_the_documented_shape() {
        let m = event_message("loaded", &[("title", json!("Topics"))]);
        assert_eq!(
            m,
            json!({"type": "warren:event", "event": {"kind": "loaded", "title": "Topics"}})
        );
    }
}
