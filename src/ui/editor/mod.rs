//! The diagram editor's logic and panels: the scenario as a drawing ([`graph`]), the edits
//! gestures make ([`ops`]), the inspector's fields ([`fields`]), the editor state and reducer
//! ([`state`]), autosave ([`autosave`]) and the inspector panel ([`inspector`]).
//!
//! Everything but [`inspector`] is plain Rust over [`crate::scenario`], unit-tested natively
//! (`cargo test --features web --lib ui::editor`). The canvas that draws and takes pointer
//! input lives in [`super::canvas`]. Must not import `sim` or `broker` directly: the
//! scenario is the document; playback fills queue counts through [`graph::QueueCounts`].

pub mod autosave;
pub mod fields;
pub mod graph;
pub mod inspector;
pub mod messages;
pub mod ops;
pub mod state;

pub use state::{EditorAction, EditorState};
