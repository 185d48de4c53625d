//! Simulation playback: the view of issue 5 — controls, moving tokens, the event log, the
//! message inspector and queue depth charts — around the simulator's [`crate::sim::History`].
//!
//! Owns: everything under `ui/playback/`. Map of the code:
//! - [`actions`]: live controls (kill/restart a consumer, publish now, restart the broker).
//! - [`live`]: the ready/unacked state folded from events (what the screen shows per step).
//! - [`model`]: [`model::Playback`], the timeline plus log, charts, inspector data and pacing.
//! - [`tokens`]: pure token paths for an event over the diagram's node positions.
//!
//! Must not import: the editor's internals beyond its read-only `Graph` and view. The per-frame
//! path (token positions) never goes through Yew.

pub mod actions;
pub mod controller;
pub mod layer;
pub mod live;
pub mod model;
pub mod text;
pub mod tokens;
pub mod view;
