//! Runs conformance cases (the format of `shared/conformance/FORMAT.md`, recorded against a real
//! RabbitMQ 3.10.8) through the broker model and produces the outcome JSON.
//!
//! Must not import: web crates, `sim`, `scenario` or `ui`.
