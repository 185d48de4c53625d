//! Playback wording and icons. Strings go through [`t`] so the catalogs can take them over in
//! one place.

/// The text shown for `key` (the English wording is the key).
pub fn t(key: &'static str) -> &'static str {
    key
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
