//! The pure AMQP 0-9-1 broker model, faithful to RabbitMQ 3.10 classic queues.
//!
//! Owns: exchanges and bindings (routing), queues, consumers, channels, connections,
//! acknowledgements, dead-lettering, TTL and length limits.
//! Must not import: web crates, `std::time`, threads, any RNG, or other modules of this crate.
//! Time is a parameter (virtual milliseconds) passed in by the caller; nothing here reads a clock.

pub mod error;
pub mod ids;
pub mod value;

pub use error::BrokerError;
pub use ids::QueueId;
pub use value::{FieldTable, FieldValue};
mod headers;
pub mod router;
mod topic;
