//! Icons of the shell's own features (language, presets, share, embed, files, export), in the
//! same 24×24 stroke style as [`super::icons`], kept apart so parallel work on the editor's
//! icons never collides with these.

/// A globe: the language menu.
pub const GLOBE: &[&str] = &[
    "M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18z",
    "M3 12h18",
    "M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z",
];

/// An open folder: open a file.
pub const OPEN: &[&str] = &[
    "M3 7V5a1 1 0 0 1 1-1h5l2 2h8a1 1 0 0 1 1 1v2",
    "M3 19 5.5 10h16L19 19z",
];

/// A down arrow into a tray: save to a file.
pub const SAVE: &[&str] = &["M12 4v11", "m7.5 10.5 4.5 4.5 4.5-4.5", "M4 17v3h16v-3"];

/// A picture: export as an image.
pub const IMAGE: &[&str] = &["M4 5h16v14H4z", "m4 16 5-5 4 4 2-2 5 5", "M15.5 8.5h.01"];

/// Three connected dots: share a link.
pub const SHARE: &[&str] = &[
    "M18 8a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
    "M6 14.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
    "M18 21a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
    "m8.2 10.8 7.6-4.1M8.2 13.2l7.6 4.1",
];

/// Angle brackets: embed in a page.
pub const EMBED: &[&str] = &["m8 7-5 5 5 5", "m16 7 5 5-5 5", "m13.5 5-3 14"];

/// A stack of three discs (a server with its data): RabbitMQ definitions.
pub const RABBITMQ: &[&str] = &[
    "M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3z",
    "M4 6v6c0 1.7 3.6 3 8 3s8-1.3 8-3V6",
    "M4 12v6c0 1.7 3.6 3 8 3s8-1.3 8-3v-6",
];
