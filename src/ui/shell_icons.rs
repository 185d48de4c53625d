//! Icons of the shell's own features (language, presets, share, embed, files, export), in the
//! same 24×24 stroke style as [`super::icons`], kept apart so parallel work on the editor's
//! icons never collides with these.

/// A globe: the language menu.
pub const GLOBE: &[&str] = &[
    "M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18z",
    "M3 12h18",
    "M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z",
];
