//! Deterministic simulation around the broker: virtual clock, agenda, seeded RNG, producer and
//! consumer behaviours, events, history for stepping back.
//!
//! Determinism rules: time is integer virtual milliseconds; same-time items run in insertion
//! order; the only randomness is the scenario's named seeded RNG; no HashMap iteration.
//! Must not import: web crates, `std::time`, `scenario` or `ui`.
//!
//! Map of the code:
//! - [`time`]: `VirtualTime`, integer milliseconds.
//! - [`rng`]: `SimRng` (SplitMix64), the only randomness.
//! - [`config`]: `SimConfig` and the producer, consumer and script specs the engine runs.
//! - [`edit`]: which diagram edits apply to a running simulation, as runtime `Action`s.
//! - [`engine`]: `Simulator`, the agenda and the translation of broker events.
//! - [`explain`]: `Explanation` (what happened and why, as data) and `render` (English, 简体中文).
//! - [`history`]: `History`, bounded snapshots for step back and seek.
//! - [`small_map`]: `SmallMap`, a sorted-Vec map for the engine's small lookup tables.
//! - [`rates`]: `FlowMeter` and `rates`, per-queue published/delivered/acked per virtual second.
//! - [`trace`]: bounded headless runs and the text/JSON trace formats.
//! - [`event`]: `SimEvent`, an explanation at a time with its index.

pub mod config;
pub mod edit;
pub mod engine;
pub mod event;
pub mod explain;
pub mod history;
pub mod rates;
pub mod rng;
pub mod small_map;
pub mod time;
pub mod trace;

pub use config::{
    Action, BindingSpec, ConsumerSpec, ExchangeSpec, ProducerSpec, QueueSpec, Schedule,
    ScriptedAction, Settle, SimConfig,
};
pub use edit::{Refusal, runtime_changes};
pub use engine::{RunEnd, Simulator};
pub use event::SimEvent;
pub use explain::{Change, Explanation, Lang, render};
pub use history::History;
pub use rng::SimRng;
pub use time::VirtualTime;
pub use trace::{Format, RunOptions, trace};
