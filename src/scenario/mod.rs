//! The scenario file and URL formats, validation, presets, definitions.json import/export.
//!
//! Must not import: web crates or `ui`.
