//! warren: an interactive AMQP 0-9-1 (RabbitMQ 3.10) simulator.
//!
//! Crate map (dependencies point one way: `ui` → `scenario` → `sim` → `broker`):
//! - [`broker`]: the pure AMQP model (exchanges, topic trie, headers matching, queues, consumers,
//!   channels, connections, dead-lettering, TTL, limits). No web crates, no clock, no RNG.
//! - [`conform`]: runs the conformance case format (recorded against a real RabbitMQ) through
//!   [`broker`] and writes the outcome format.
//! - [`sim`]: the deterministic simulation around the broker: virtual clock, agenda, seeded RNG,
//!   producer and consumer behaviours, events, history.
//! - [`scenario`]: the file and URL formats, validation, presets, definitions.json import/export.
//! - `ui` (feature `web`): Yew components; renders the model and sends it commands.

pub mod broker;
pub mod conform;
pub mod scenario;
pub mod sim;

#[cfg(feature = "web")]
pub mod ui;
