//! Deterministic simulation around the broker: virtual clock, agenda, seeded RNG, producer and
//! consumer behaviours, events, history for stepping back.
//!
//! Determinism rules: time is integer virtual milliseconds; same-time items run in insertion
//! order; the only randomness is the scenario's named seeded RNG; no HashMap iteration.
//! Must not import: web crates, `std::time`, `scenario` or `ui`.
