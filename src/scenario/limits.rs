//! Caps on untrusted input (files, share links, host pages, definitions.json).
//!
//! Every scenario from outside is untrusted: these bound the work and memory a hostile or
//! broken input can cost, and each is reported with a plain message when exceeded.

/// Largest scenario or definitions.json text read, in bytes.
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;
/// Most nodes (exchanges + queues + producers + consumers).
pub const MAX_NODES: usize = 500;
/// Most bindings.
pub const MAX_BINDINGS: usize = 2000;
/// Largest message body template, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Longest name (exchange, queue, RoutingKey, id, AMQP short string), in bytes.
pub const MAX_NAME_BYTES: usize = 255;
/// Longest free text (notes, lesson explanation), in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Most entries in a list of routing keys or lesson items.
pub const MAX_LIST_ITEMS: usize = 100;
/// Most messages in one burst.
pub const MAX_BURST: u64 = 10_000;
/// Most messages one producer publishes in total.
pub const MAX_MESSAGE_COUNT: u64 = 1_000_000;
/// Shortest publishing interval, in virtual milliseconds.
pub const MIN_INTERVAL_MS: u64 = 1;
/// Longest interval, start time or processing time (one day), in virtual milliseconds.
pub const MAX_TIME_MS: u64 = 86_400_000;
/// Largest seed: the largest integer a JavaScript number holds exactly, so links survive JS.
pub const MAX_SEED: u64 = (1 << 53) - 1;
/// Largest layout coordinate (absolute value).
pub const MAX_COORD: f64 = 1_000_000.0;
/// Longest share link payload (the text after `#s=`), in bytes.
pub const MAX_LINK_BYTES: usize = 64 * 1024;
