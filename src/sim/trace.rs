//! Headless runs: a bounded run of a [`SimConfig`] rendered as a text or JSON trace, the
//! output of `warren run` and of the golden-trace tests (natively and in wasm32).

use super::config::SimConfig;
use super::engine::{RunEnd, Simulator};
use super::event::SimEvent;
use super::explain::Lang;
use super::time::VirtualTime;

/// Trace output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// One line per event: `t=1200ms #42 delivered m7 …`.
    #[default]
    Text,
    /// A JSON array of event objects.
    Json,
}

/// Bounds and format of a headless run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Stop after the events due by this virtual time.
    pub until_ms: Option<u64>,
    /// Stop after this many events (always bounded: a reject loop never ends by itself).
    pub max_events: u64,
    pub format: Format,
    pub lang: Lang,
    /// Overrides the configuration's seed.
    pub seed: Option<u64>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            until_ms: None,
            max_events: 10_000,
            format: Format::Text,
            lang: Lang::En,
            seed: None,
        }
    }
}

/// Runs `config` within the bounds and returns the events and how the run ended.
pub fn run(mut config: SimConfig, opts: &RunOptions) -> (Vec<SimEvent>, RunEnd, VirtualTime) {
    if let Some(seed) = opts.seed {
        config.seed = seed;
    }
    let mut sim = Simulator::new(config);
    let mut events = Vec::new();
    let end = match opts.until_ms {
        Some(t) => sim.run_until(VirtualTime(t), opts.max_events, &mut events),
        None => sim.run_until_idle(opts.max_events, &mut events),
    };
    (events, end, sim.now())
}

/// The trace of a bounded run as text (with a header and an end line) or JSON.
pub fn trace(config: SimConfig, opts: &RunOptions) -> String {
    let seed = opts.seed.unwrap_or(config.seed);
    let (events, end, now) = run(config, opts);
    let end_text = match end {
        RunEnd::Idle => "idle",
        RunEnd::Bound => "event limit reached",
        RunEnd::Time => "time limit reached",
    };
    match opts.format {
        Format::Text => {
            let mut out = format!("# warren trace, seed {seed}\n");
            for e in &events {
                out.push_str(&e.line(opts.lang));
                out.push('\n');
            }
            out.push_str(&format!(
                "# end at t={now} after {} events: {end_text}\n",
                events.len()
            ));
            out
        }
        Format::Json => {
            let mut out = format!("{{\"seed\":{seed},\"events\":[\n");
            for (i, e) in events.iter().enumerate() {
                out.push_str(&e.json());
                out.push_str(if i + 1 < events.len() { ",\n" } else { "\n" });
            }
            out.push_str(&format!(
                "],\"end\":{{\"t\":{},\"events\":{},\"reason\":\"{end_text}\"}}}}\n",
                now.ms(),
                events.len()
            ));
            out
        }
    }
}
