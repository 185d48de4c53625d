//! The scenario file and URL formats, validation, presets, definitions.json import/export,
//! client code generation and the CLI commands built on them.
//!
//! Owns: the versioned scenario JSON format ([`model`], [`parse`]), its limits for untrusted
//! input ([`limits`]), share links ([`link`]), presets ([`presets`]), automatic layout
//! ([`layout`]), lesson goals checked by running the engine ([`goals`]), RabbitMQ definitions.json ([`definitions`]), pika code generation
//! ([`codegen`]) and the `warren definitions` / `warren codegen` commands ([`cli`]).
//! Must not import: web crates or `ui`. Names are data: nothing here renders HTML.

pub mod cli;
pub mod codegen;
pub mod definitions;
pub mod error;
pub mod goals;
pub mod layout;
pub mod limits;
pub mod link;
pub mod model;
pub mod parse;
pub mod pattern;
pub mod presets;
pub mod to_sim;

pub use error::{Diagnostic, ScenarioError};
pub use model::*;
pub use parse::{Parsed, parse_str, parse_value, validate};
