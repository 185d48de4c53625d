//! Playback wording and icons. The views write the English wording; [`t`] maps it to its
//! catalog key (`pb.*` in `www/i18n/*.json`) and looks it up in the current language.

use crate::ui::i18n::tr;

/// The text for the English wording `en` in the current language (unknown wording is shown
/// as is, so a missing key is visible but harmless).
pub fn t(en: &'static str) -> &'static str {
    let key = match en {
        "Playback" => "pb.toolbar",
        "Step" => "pb.step",
        "Step back" => "pb.step_back",
        "Play" => "pb.play",
        "Pause" => "pb.pause",
        "Reset" => "pb.reset",
        "Step over" => "pb.step_over",
        "Run to idle" => "pb.run_to_idle",
        "Speed" => "pb.speed",
        "Timeline" => "pb.timeline",
        "event" => "pb.event",
        " (idle)" => "pb.idle",
        "Event log" => "pb.log",
        "Go to this event" => "pb.go_to_event",
        "Inspect message" => "pb.inspect",
        "Message inspector" => "pb.inspector",
        "Close message inspector" => "pb.inspector_close",
        "Message" => "pb.message",
        "Properties" => "pb.properties",
        "Headers" => "pb.headers",
        "Trace" => "pb.trace",
        "none" => "pb.none",
        "exchange" => "pb.exchange",
        "routing key" => "pb.routing_key",
        "body" => "pb.body",
        "dead-letter copy of" => "pb.dl_copy_of",
        "not held by the broker (settled, dropped or not yet routed)" => "pb.not_held",
        "Depth over time of queue" => "pb.depth_of",
        "Queue depth over time" => "pb.depth",
        "ready" => "pb.ready",
        "unacked" => "pb.unacked",
        "max" => "pb.max",
        "auto-ack" => "pb.auto_ack",
        "no prefetch limit" => "pb.no_prefetch",
        "credit left" => "pb.credit_left",
        "Press Step (→) to run one event, or Play (Space)." => "pb.hint",
        _ => return en,
    };
    tr(key)
}

/// Back to the start: a bar and a left triangle.
pub const PB_RESET: &[&str] = &["M6 5v14", "M18 6l-9 6 9 6z"];
/// One step back.
pub const PB_BACK: &[&str] = &["M15 6l-6 6 6 6"];
/// Play.
pub const PB_PLAY: &[&str] = &["M8 5l11 7-11 7z"];
/// Pause.
pub const PB_PAUSE: &[&str] = &["M8 5v14", "M16 5v14"];
/// One step forward.
pub const PB_STEP: &[&str] = &["M9 6l6 6-6 6"];
/// Step over: an arc over a dot.
pub const PB_OVER: &[&str] = &["M5 14a7 7 0 0 1 14 0", "M19 9v5h-5", "M12 19h.01"];
/// Run to the end.
pub const PB_END: &[&str] = &["M6 6l6 6-6 6", "M12 6l6 6-6 6", "M19 5v14"];
