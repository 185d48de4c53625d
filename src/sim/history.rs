//! Step back and seek: a [`History`] owns the running [`Simulator`] and keeps snapshots so any
//! earlier event can be returned to exactly.
//!
//! How: a snapshot (a clone of the simulator) is kept every `interval` events; returning to
//! event `n` restores the latest snapshot at or before `n` and replays forward, which is exact
//! because the simulator is deterministic. Memory is bounded: when more than `max_snapshots`
//! are held, every other one is dropped and the interval doubles, so after `E` events there are
//! at most `max_snapshots` snapshots, spaced `interval ≥ E / max_snapshots` apart, and a seek
//! replays at most `interval` events.
//!
//! Memory after 1,000,000 events with the defaults (interval 256, 64 snapshots): the interval
//! has doubled to 16,384 and at most 64 snapshots are held (plus the initial state), i.e.
//! 65 × the size of one simulator state, independent of the event count. A snapshot's size is
//! the live state — queued and unacked messages (message bodies are shared `Arc`s, so a
//! message held by several snapshots is stored once), consumers, the agenda — not the past.
//! Measured (`cargo bench --bench engine`, 100-node scenario, 1,000,000 events): 62 snapshots
//! every 16,384 events, +10.7 MiB resident (≈ 170 KiB per snapshot), and a seek back to the
//! middle of the timeline takes ~5 ms. The bound itself is checked in `tests/sim.rs`.

use std::collections::BTreeSet;

use super::engine::{RunEnd, Simulator};
use super::event::SimEvent;
use super::time::VirtualTime;
use crate::broker::MessageId;

/// Default spacing of snapshots, in events.
pub const DEFAULT_INTERVAL: u64 = 256;
/// Default cap on snapshots held.
pub const DEFAULT_MAX_SNAPSHOTS: usize = 64;

/// A simulator with a timeline.
#[derive(Debug, Clone)]
pub struct History {
    current: Simulator,
    /// `snapshots[i]` is the state after `i * interval` events.
    snapshots: Vec<Simulator>,
    interval: u64,
    max_snapshots: usize,
    last: Option<SimEvent>,
}

impl History {
    /// A timeline of `sim`'s configuration from time 0 (`sim` is reset).
    pub fn new(sim: Simulator) -> History {
        History::with_limits(sim, DEFAULT_INTERVAL, DEFAULT_MAX_SNAPSHOTS)
    }

    /// With explicit snapshot spacing and cap (both at least 1, resp. 2).
    pub fn with_limits(mut sim: Simulator, interval: u64, max_snapshots: usize) -> History {
        sim.reset();
        History {
            snapshots: vec![sim.clone()],
            current: sim,
            interval: interval.max(1),
            max_snapshots: max_snapshots.max(2),
            last: None,
        }
    }

    /// The simulator at the current point of the timeline.
    pub fn sim(&self) -> &Simulator {
        &self.current
    }

    /// Events run so far: the current point of the timeline.
    pub fn position(&self) -> u64 {
        self.current.events_emitted()
    }

    /// The last event run (the one the UI highlights), if any.
    pub fn last_event(&self) -> Option<&SimEvent> {
        self.last.as_ref()
    }

    /// Snapshots held and their spacing (for the memory figure).
    pub fn snapshot_stats(&self) -> (usize, u64) {
        (self.snapshots.len(), self.interval)
    }

    /// One event forward.
    pub fn step(&mut self) -> Option<SimEvent> {
        let pos = self.position();
        if pos.is_multiple_of(self.interval) && pos / self.interval == self.snapshots.len() as u64 {
            self.snapshots.push(self.current.clone());
            if self.snapshots.len() > self.max_snapshots {
                let mut i = 0;
                self.snapshots.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.interval *= 2;
            }
        }
        let e = self.current.step();
        if e.is_some() {
            self.last.clone_from(&e);
        }
        e
    }

    /// Steps until the message of the next event (and its dead-letter copies) settles.
    pub fn step_over(&mut self, max_events: u64) -> Vec<SimEvent> {
        let mut out = Vec::new();
        let Some(first) = self.step() else {
            return out;
        };
        // extend, not collect: collecting into a BTree links a stable sort for the type.
        let mut follow: BTreeSet<MessageId> = BTreeSet::new();
        follow.extend(first.message());
        out.push(first);
        while (out.len() as u64) < max_events && !self.current.settled(&follow) {
            let Some(e) = self.step() else { break };
            if let super::Explanation::DeadLettered { message, copy, .. } = &e.what
                && follow.contains(message)
            {
                follow.insert(*copy);
            }
            out.push(e);
        }
        out
    }

    /// Runs until idle or `max_events`.
    pub fn run_until_idle(&mut self, max_events: u64) -> RunEnd {
        for _ in 0..max_events {
            if self.step().is_none() {
                return RunEnd::Idle;
            }
        }
        if self.current.next_wakeup().is_none() {
            RunEnd::Idle
        } else {
            RunEnd::Bound
        }
    }

    /// Runs the events due by `t` (at most `max_events`).
    pub fn run_until(&mut self, t: VirtualTime, max_events: u64) -> RunEnd {
        for _ in 0..max_events {
            if self.current.next_wakeup().is_none_or(|w| w > t) {
                return if self.current.next_wakeup().is_none() {
                    RunEnd::Idle
                } else {
                    RunEnd::Time
                };
            }
            self.step();
        }
        RunEnd::Bound
    }

    /// One event back: the state after the event before the last one. Returns the event now
    /// last run (None at the start).
    pub fn step_back(&mut self) -> Option<&SimEvent> {
        let pos = self.position();
        if pos == 0 {
            return None;
        }
        self.seek(pos - 1)
    }

    /// Goes to the state after exactly `n` events (forward or back); returns the event now last
    /// run. Going past the end stops at the end.
    pub fn seek(&mut self, n: u64) -> Option<&SimEvent> {
        if n < self.position() {
            let slot = ((n / self.interval) as usize).min(self.snapshots.len().saturating_sub(1));
            if let Some(s) = self.snapshots.get(slot) {
                self.current = s.clone();
            }
            self.last = None;
        }
        while self.position() < n {
            let e = self.current.step();
            if e.is_none() {
                break;
            }
            self.last = e;
        }
        if n == 0 {
            self.last = None;
        }
        self.last.as_ref()
    }

    /// Drops the snapshots taken after the current point: the future is about to change.
    fn forget_future(&mut self) {
        let pos = self.position();
        let interval = self.interval;
        let mut i = 0;
        self.snapshots.retain(|_| {
            let keep = i * interval < pos;
            i += 1;
            keep
        });
    }

    /// Applies a UI action at the current point. The future changes, so snapshots after this
    /// point are dropped; seeking back before it returns to the timeline without it.
    pub fn apply(&mut self, action: super::Action) {
        self.forget_future();
        self.current.apply(action);
        if self.snapshots.is_empty() {
            self.snapshots.push(self.current.clone());
        }
    }

    /// Edits the running topology at the current point (see [`Simulator::edit`]). Unlike
    /// [`History::apply`], the edit belongs to the timeline: stepping back before it shows the
    /// model without it, and stepping forward again runs it at the same point. Snapshots after
    /// this point are dropped (the future changed); earlier ones learn the edit list.
    pub fn edit(&mut self, actions: Vec<super::Action>) {
        self.forget_future();
        self.current.edit(actions);
        for s in &mut self.snapshots {
            s.share_edits(&self.current);
        }
        if self.snapshots.is_empty() {
            self.snapshots.push(self.current.clone());
        }
    }

    /// Back to the start (snapshots are kept: the future is the same).
    pub fn reset(&mut self) {
        self.seek(0);
    }
}
