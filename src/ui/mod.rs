//! The Yew web UI (feature `web`): renders the model and sends it commands, never re-implements it.
//!
//! Must not be imported by `broker`, `sim` or `scenario`.
