//! The playback model: the simulator's [`History`] plus what the screen needs of the past — the
//! folded [`Live`] state, the recent events for the log, queue depth samples for the chart,
//! message copies for the inspector — and the pacing of Play.
//!
//! Owns: every discrete playback operation (step, step back, step over, run to idle, seek,
//! reset) and the rule that turns wall-clock frames into events. Pure: no Yew, no web-sys,
//! no clock (frame durations come in as arguments), so it is unit-tested natively.
//!
//! Pacing of Play, in "presentation milliseconds" (wall ms × speed): after an event runs, the
//! next one waits for the longer of its token's travel ([`HOP_MS`] for an event that moves a
//! message, [`MINOR_MS`] otherwise) and the virtual time until the next agenda item (capped at
//! [`MAX_GAP_MS`] so a long TTL does not stall a lesson). Speed therefore scales both, and frame
//! rate changes only how many frames an event spans. From [`BURST_SPEED`] on (fast-forward),
//! events of one virtual instant wait only a sliver each, so they overlap instead of queueing
//! behind each other's tokens, and tokens travel at [`FAST_TRAVEL_SPEED`]: a burst of 1,000
//! publishes is seen as a burst.
//!
//! The depth samples carry each queue's cumulative [`Flow`] (see [`crate::sim::rates`]), so the
//! rate charts come from the same samples and are cut with them on a seek back.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use super::live::{Counts, Live};
use crate::broker::{FieldTable, FieldValue, Message, MessageId};
use crate::sim::rates::{Flow, FlowMeter, RatePoint, bucket_ms, rates};
use crate::sim::{Explanation, History, Lang, SimConfig, SimEvent, Simulator, render};
use crate::ui::i18n::{tr, tr_with};

/// Travel time of a token for one hop, at 1×.
pub const HOP_MS: f64 = 800.0;
/// Time given to an event that moves nothing (a subscription, a confirm), at 1×.
pub const MINOR_MS: f64 = 300.0;
/// Longest wait for virtual time between two events, at 1×.
pub const MAX_GAP_MS: f64 = 3000.0;
/// From this speed on Play fast-forwards: an event followed by another at the same virtual
/// instant waits only its cost divided by the speed once more, so a burst of 1,000 publishes is on screen together
/// instead of one token after another (below it, one event is shown at a time, as a lesson
/// needs).
pub const BURST_SPEED: f64 = 16.0;
/// Speed of token travel while fast-forwarding (a hop in 400 ms): at 64× it would otherwise
/// last 12 ms, less than a frame.
pub const FAST_TRAVEL_SPEED: f64 = 2.0;
/// Speeds offered, slowest first.
pub const SPEEDS: [f64; 9] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
/// Events kept for the log and message traces (older ones are dropped first).
pub const KEEP_EVENTS: usize = 5000;
/// Bound of "Run to idle" and "Step over".
pub const MAX_RUN: u64 = 200_000;
/// Depth samples kept per queue (halved by dropping every other one beyond this).
const MAX_SAMPLES: usize = 2048;
/// Message copies kept for the inspector.
const KEEP_MESSAGES: usize = 20_000;
/// Fold checkpoints kept (spacing doubles beyond this, as History does).
const MAX_CHECKPOINTS: usize = 64;

/// One depth sample of a queue: after event `index`, at virtual time `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Index of the event after which it was taken.
    pub index: u64,
    /// Virtual time, ms.
    pub t: u64,
    /// Ready messages.
    pub ready: u32,
    /// Unacked messages.
    pub unacked: u32,
    /// Messages published into, delivered from and acked on the queue so far.
    pub flow: Flow,
}

/// What the inspector shows of one message.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageInfo {
    /// The message.
    pub id: MessageId,
    /// The message it is a dead-letter copy of, if any.
    pub parent: Option<MessageId>,
    /// Exchange it was (last) published or dead-lettered to.
    pub exchange: String,
    /// Routing key.
    pub routing_key: String,
    /// Body as text.
    pub body: String,
    /// Basic properties that are set, as (name, value).
    pub properties: Vec<(String, String)>,
    /// Headers, including `x-death`, as (name, value).
    pub headers: Vec<(String, String)>,
    /// Where it is now (ready in a queue, unacked at a consumer); empty once settled.
    pub whereabouts: Vec<String>,
    /// Every event of the message and its dead-letter copies: (index, virtual ms, text).
    pub trace: Vec<(u64, u64, String)>,
}

/// The simulator on a timeline with everything the view derives from it.
#[derive(Debug, Clone)]
pub struct Playback {
    history: History,
    live: Live,
    meter: FlowMeter,
    checkpoints: Vec<(u64, Live, FlowMeter)>,
    check_interval: u64,
    events: VecDeque<SimEvent>,
    series: BTreeMap<Arc<str>, Vec<Sample>>,
    messages: BTreeMap<MessageId, Arc<Message>>,
    parents: BTreeMap<MessageId, MessageId>,
    furthest: u64,
    /// Playing (frames advance the timeline).
    pub playing: bool,
    /// Speed factor (1 = real time).
    pub speed: f64,
    wait_ms: f64,
    lang: Lang,
}

fn cost(e: &SimEvent) -> f64 {
    use Explanation as E;
    match e.what {
        E::Published { .. }
        | E::ReplyPublished { .. }
        | E::Routed { .. }
        | E::ToAlternate { .. }
        | E::Returned { .. }
        | E::Delivered { .. }
        | E::Acked { .. }
        | E::Nacked { .. }
        | E::Rejected { .. }
        | E::DeadLettered { .. } => HOP_MS,
        _ => MINOR_MS,
    }
}

fn field_text(v: &FieldValue) -> String {
    match v {
        FieldValue::Void => "null".to_owned(),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Int(i) => i.to_string(),
        FieldValue::Str(s) => s.clone(),
        FieldValue::Table(t) => {
            let inner: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k}: {}", field_text(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        FieldValue::Array(a) => {
            let inner: Vec<String> = a.iter().map(field_text).collect();
            format!("[{}]", inner.join(", "))
        }
    }
}

fn table_rows(t: &FieldTable) -> Vec<(String, String)> {
    t.iter().map(|(k, v)| (k.clone(), field_text(v))).collect()
}

impl Playback {
    /// A timeline of `config` at its start.
    pub fn new(config: SimConfig) -> Playback {
        Playback {
            history: History::new(Simulator::new(config)),
            live: Live::default(),
            meter: FlowMeter::default(),
            checkpoints: vec![(0, Live::default(), FlowMeter::default())],
            check_interval: 128,
            events: VecDeque::new(),
            series: BTreeMap::new(),
            messages: BTreeMap::new(),
            parents: BTreeMap::new(),
            furthest: 0,
            playing: false,
            speed: 1.0,
            wait_ms: 0.0,
            lang: Lang::En,
        }
    }

    /// Language of event texts.
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    /// The language of event texts.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The simulator at the current event.
    pub fn sim(&self) -> &Simulator {
        self.history.sim()
    }

    /// Events run so far (the current point of the timeline).
    pub fn position(&self) -> u64 {
        self.history.position()
    }

    /// The furthest point reached (the scrubber's end).
    pub fn furthest(&self) -> u64 {
        self.furthest.max(self.position())
    }

    /// Nothing is left to run.
    pub fn idle(&self) -> bool {
        self.sim().next_wakeup().is_none()
    }

    /// Ready and unacked messages now.
    pub fn live(&self) -> &Live {
        &self.live
    }

    /// Counts for drawing nodes.
    pub fn counts(&self) -> Counts {
        self.live.counts()
    }

    /// The most recent events, oldest first (at most [`KEEP_EVENTS`]).
    pub fn events(&self) -> &VecDeque<SimEvent> {
        &self.events
    }

    /// The last event run.
    pub fn last_event(&self) -> Option<&SimEvent> {
        self.events.back()
    }

    /// Depth samples per queue.
    pub fn series(&self) -> &BTreeMap<Arc<str>, Vec<Sample>> {
        &self.series
    }

    /// Per-second rates of `queue` over buckets of virtual time up to now (see
    /// [`crate::sim::rates`]), and the bucket width in ms.
    pub fn rates_of(&self, queue: &str, buckets: usize) -> (Vec<RatePoint>, u64) {
        let end = self.sim().now().ms();
        let width = bucket_ms(end, buckets);
        let samples: Vec<(u64, Flow)> = self
            .series
            .get(queue)
            .map(|l| l.iter().map(|s| (s.t, s.flow)).collect())
            .unwrap_or_default();
        (rates(&samples, end, width), width)
    }

    /// The first message of the dead-letter chain `m` belongs to (for its colour).
    pub fn root(&self, mut m: MessageId) -> MessageId {
        for _ in 0..64 {
            match self.parents.get(&m) {
                Some(p) => m = *p,
                None => break,
            }
        }
        m
    }

    /// Event text in the current language.
    pub fn text(&self, e: &SimEvent) -> String {
        render(&e.what, self.lang)
    }

    fn fold(&mut self, e: &SimEvent) {
        self.live.apply(e);
        match &e.what {
            Explanation::BrokerRestarted { .. } => {
                let sim = self.history.sim().clone();
                self.live.resync_after_restart(&sim);
            }
            Explanation::Routed { message, .. } => self.remember(*message),
            Explanation::DeadLettered { message, copy, .. } => {
                self.parents.insert(*copy, *message);
                self.remember(*copy);
            }
            _ => {}
        }
        if self.events.back().is_none_or(|b| b.index < e.index) {
            self.events.push_back(e.clone());
            if self.events.len() > KEEP_EVENTS {
                self.events.pop_front();
            }
        }
        let flowed = self.meter.apply(e);
        self.sample(e, flowed);
        let pos = e.index + 1;
        self.furthest = self.furthest.max(pos);
        if pos.is_multiple_of(self.check_interval)
            && self.checkpoints.last().is_none_or(|(p, _, _)| *p < pos)
        {
            self.checkpoints
                .push((pos, self.live.clone(), self.meter.clone()));
            if self.checkpoints.len() > MAX_CHECKPOINTS {
                let mut i = 0;
                self.checkpoints.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.check_interval *= 2;
            }
        }
    }

    fn remember(&mut self, m: MessageId) {
        if let Some(msg) = self.history.sim().message(m) {
            self.messages.insert(m, Arc::clone(msg));
            if self.messages.len() > KEEP_MESSAGES {
                self.messages.pop_first();
            }
        }
    }

    fn sample(&mut self, e: &SimEvent, flowed: Vec<Arc<str>>) {
        use Explanation as E;
        let mut queues: Vec<Arc<str>> = match &e.what {
            E::Enqueued { queue, .. }
            | E::Requeued { queue, .. }
            | E::Delivered { queue, .. }
            | E::Expired { queue, .. }
            | E::Dropped { queue, .. }
            | E::DeadLettered { queue, .. }
            | E::QueueDeleted { queue }
            | E::Edited {
                change: crate::sim::Change::QueueDeleted { name: queue, .. },
                ..
            } => vec![queue.clone()],
            E::Acked { .. }
            | E::Nacked { .. }
            | E::Rejected { .. }
            | E::ConsumerKilled { .. }
            | E::ChannelClosed { .. }
            | E::BrokerRestarted { .. } => {
                // Which queue lost an unacked message is not in the event: sample them all.
                self.series
                    .keys()
                    .cloned()
                    .chain(self.live.ready.keys().cloned())
                    .collect()
            }
            _ => Vec::new(),
        };
        for q in flowed {
            if !queues.contains(&q) {
                queues.push(q);
            }
        }
        if queues.is_empty() {
            return;
        }
        let counts = self.live.counts();
        for q in queues {
            let (ready, unacked) = counts.queues.get(&q).copied().unwrap_or((0, 0));
            let flow = self.meter.get(&q);
            let list = self.series.entry(q).or_default();
            if list
                .last()
                .is_some_and(|s| s.ready == ready && s.unacked == unacked && s.flow == flow)
            {
                continue;
            }
            list.push(Sample {
                index: e.index,
                t: e.time.ms(),
                ready,
                unacked,
                flow,
            });
            if list.len() > MAX_SAMPLES {
                let mut i = 0;
                list.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
            }
        }
    }

    /// One event forward.
    pub fn step(&mut self) -> Option<SimEvent> {
        let e = self.history.step()?;
        self.fold(&e);
        Some(e)
    }

    /// Edits the running topology here (see [`crate::sim::History::edit`]) and runs the
    /// edit's own events, so the log shows it at once; returns how many ran. The edit lands
    /// between two agenda items: the rest of the current one is run first. What was folded
    /// beyond this point (after a step back) belongs to a future that no longer happens.
    pub fn edit(&mut self, actions: Vec<crate::sim::Action>) -> usize {
        while self.sim().pending_events() > 0 {
            if self.step().is_none() {
                break;
            }
        }
        let pos = self.position();
        self.furthest = pos;
        self.checkpoints.retain(|(p, _, _)| *p <= pos);
        self.history.edit(actions);
        let n = self.sim().pending_events();
        for _ in 0..n {
            self.step();
        }
        self.wait_ms = 0.0;
        n
    }

    /// Runs until the next event's message (and its dead-letter copies) settles.
    pub fn step_over(&mut self) -> Vec<SimEvent> {
        let Some(first) = self.step() else {
            return Vec::new();
        };
        // extend, not collect: collecting into a BTree links a stable sort for the type.
        let mut follow: BTreeSet<MessageId> = BTreeSet::new();
        follow.extend(first.message());
        let mut out = vec![first];
        while (out.len() as u64) < MAX_RUN && !self.sim().settled(&follow) {
            let Some(e) = self.step() else { break };
            if let Explanation::DeadLettered { message, copy, .. } = &e.what
                && follow.contains(message)
            {
                follow.insert(*copy);
            }
            out.push(e);
        }
        out
    }

    /// Runs until nothing is left (bounded).
    pub fn run_to_idle(&mut self) -> u64 {
        let mut n = 0;
        while n < MAX_RUN && self.step().is_some() {
            n += 1;
        }
        self.playing = false;
        n
    }

    /// Goes to the state after exactly `n` events (back or forward).
    pub fn seek(&mut self, n: u64) {
        let pos = self.position();
        if n < pos {
            let (cp, live, meter) = self
                .checkpoints
                .iter()
                .rev()
                .find(|(p, _, _)| *p <= n)
                .cloned()
                .unwrap_or_default();
            self.history.seek(cp);
            self.live = live;
            self.meter = meter;
            while self.events.back().is_some_and(|e| e.index >= n) {
                self.events.pop_back();
            }
            // From the checkpoint, not from `n`: the replay below samples those events again.
            for list in self.series.values_mut() {
                while list.last().is_some_and(|s| s.index >= cp) {
                    list.pop();
                }
            }
            self.checkpoints.retain(|(p, _, _)| *p <= cp);
        }
        while self.position() < n {
            if self.step().is_none() {
                break;
            }
        }
        self.wait_ms = 0.0;
    }

    /// One event back.
    pub fn step_back(&mut self) {
        let pos = self.position();
        if pos > 0 {
            self.seek(pos - 1);
        }
    }

    /// Back to the start (the timeline is kept, so the scrubber still reaches the furthest
    /// point).
    pub fn reset(&mut self) {
        self.playing = false;
        self.seek(0);
    }

    /// Advances Play by one frame of `dt_ms` wall milliseconds; returns the events run.
    pub fn tick(&mut self, dt_ms: f64) -> Vec<SimEvent> {
        let mut out = Vec::new();
        if !self.playing {
            return out;
        }
        // A background tab or a breakpoint must not flush minutes of events at once.
        let mut budget = dt_ms.clamp(0.0, 100.0) * self.speed;
        loop {
            if self.wait_ms > budget {
                self.wait_ms -= budget;
                break;
            }
            budget -= self.wait_ms;
            self.wait_ms = 0.0;
            let Some(e) = self.step() else {
                self.playing = false;
                break;
            };
            let gap = self
                .sim()
                .next_wakeup()
                .map(|w| w.ms().saturating_sub(e.time.ms()) as f64);
            self.wait_ms = match gap {
                // Fast-forward through a burst: what happens at one virtual instant overlaps.
                Some(g) if g == 0.0 && self.speed >= BURST_SPEED => cost(&e) / self.speed,
                g => cost(&e).max(g.unwrap_or(0.0).min(MAX_GAP_MS)),
            };
            out.push(e);
            if out.len() > 10_000 {
                break;
            }
        }
        out
    }

    /// Presentation ms of an event's animation (token travel), at 1×.
    pub fn duration_of(e: &SimEvent) -> f64 {
        cost(e)
    }

    /// Wall ms a token of `e` travels at the current speed.
    pub fn travel_ms(&self, e: &SimEvent) -> f64 {
        if self.speed >= BURST_SPEED {
            cost(e) / FAST_TRAVEL_SPEED
        } else {
            cost(e) / self.speed.max(0.01)
        }
    }

    /// Everything the inspector shows of message `m`.
    pub fn message_info(&self, m: MessageId) -> MessageInfo {
        let family = self.family(m);
        let trace = self
            .events
            .iter()
            .filter(|e| {
                e.message().is_some_and(|x| family.contains(&x))
                    || matches!(&e.what, Explanation::DeadLettered { copy, .. } if family.contains(copy))
            })
            .map(|e| (e.index, e.time.ms(), self.text(e)))
            .collect();
        let mut info = MessageInfo {
            id: m,
            parent: self.parents.get(&m).copied(),
            exchange: String::new(),
            routing_key: String::new(),
            body: String::new(),
            properties: Vec::new(),
            headers: Vec::new(),
            whereabouts: self.live.whereabouts(m),
            trace,
        };
        let msg = self
            .sim()
            .message(m)
            .cloned()
            .or_else(|| self.messages.get(&m).cloned());
        match msg {
            Some(msg) => {
                info.exchange = msg.exchange.to_string();
                info.routing_key = msg.routing_key.to_string();
                info.body = String::from_utf8_lossy(&msg.body).into_owned();
                let p = &msg.properties;
                let mut props = Vec::new();
                let mut put = |k: &str, v: Option<String>| {
                    if let Some(v) = v {
                        props.push((k.to_owned(), v));
                    }
                };
                put(
                    "delivery_mode",
                    p.delivery_mode.map(|d| {
                        if d == 2 {
                            tr("pb.persistent").to_owned()
                        } else {
                            tr_with("pb.transient", &[("mode", &d.to_string())])
                        }
                    }),
                );
                put("priority", p.priority.map(|x| x.to_string()));
                put("expiration", p.expiration.clone());
                put("correlation_id", p.correlation_id.clone());
                put("reply_to", p.reply_to.clone());
                put("message_id", p.message_id.clone());
                put("content_type", p.content_type.clone());
                put("type", p.kind.clone());
                put("app_id", p.app_id.clone());
                info.properties = props;
                info.headers = p.headers.as_ref().map(table_rows).unwrap_or_default();
            }
            None => self.reconstruct(m, &mut info, 0),
        }
        info
    }

    /// Rebuilds what the message carried from its publish (producer spec and message number)
    /// and, for a dead-letter copy, from its parent plus the new `x-death` entry: a copy the
    /// simulator released before the screen reached it is gone from the simulator.
    fn reconstruct(&self, m: MessageId, info: &mut MessageInfo, depth: u32) {
        if depth > 16 {
            return;
        }
        for e in &self.events {
            match &e.what {
                Explanation::Published {
                    message: Some(x),
                    producer,
                    exchange,
                    routing_key,
                    number,
                    persistent,
                    ..
                } if *x == m => {
                    info.exchange = exchange.to_string();
                    info.routing_key = routing_key.to_string();
                    let spec = self
                        .sim()
                        .config()
                        .producers
                        .iter()
                        .find(|p| *p.id == *producer.id);
                    if let Some(spec) = spec {
                        info.body = crate::sim::config::substitute(&spec.body, *number);
                        let p = &spec.properties;
                        let mut props = Vec::new();
                        if *persistent {
                            props
                                .push(("delivery_mode".to_owned(), tr("pb.persistent").to_owned()));
                        }
                        for (k, v) in [
                            ("priority", p.priority.map(|x| x.to_string())),
                            ("expiration", p.expiration.clone()),
                            ("reply_to", p.reply_to.clone()),
                            (
                                "correlation_id",
                                p.correlation_id
                                    .as_ref()
                                    .map(|c| crate::sim::config::substitute(c, *number)),
                            ),
                        ] {
                            if let Some(v) = v {
                                props.push((k.to_owned(), v));
                            }
                        }
                        info.properties = props;
                        info.headers = p.headers.as_ref().map(table_rows).unwrap_or_default();
                    }
                    return;
                }
                Explanation::DeadLettered {
                    message,
                    copy,
                    exchange,
                    routing_key,
                    x_death,
                    ..
                } if *copy == m => {
                    let parent = *message;
                    match self.messages.get(&parent) {
                        Some(msg) => {
                            info.body = String::from_utf8_lossy(&msg.body).into_owned();
                            info.headers = msg
                                .properties
                                .headers
                                .as_ref()
                                .map(table_rows)
                                .unwrap_or_default();
                        }
                        None => self.reconstruct(parent, info, depth + 1),
                    }
                    info.exchange = exchange.to_string();
                    info.routing_key = routing_key.clone();
                    let entry = format!(
                        "{{count: {}, exchange: {}, queue: {}, reason: {}, routing-keys: [{}]}}",
                        x_death.count,
                        x_death.exchange,
                        x_death.queue,
                        x_death.reason,
                        x_death.routing_keys.join(", ")
                    );
                    match info.headers.iter_mut().find(|(k, _)| k == "x-death") {
                        Some((_, v)) => *v = format!("[{entry}, {}", v.trim_start_matches('[')),
                        None => info
                            .headers
                            .push(("x-death".to_owned(), format!("[{entry}]"))),
                    }
                    return;
                }
                _ => {}
            }
        }
    }

    /// `m`, its dead-letter ancestors and descendants.
    fn family(&self, m: MessageId) -> BTreeSet<MessageId> {
        let root = self.root(m);
        let mut set = BTreeSet::from([root, m]);
        // Descendants: parents map child → parent; walk until no change (chains are short).
        loop {
            let before = set.len();
            for (c, p) in &self.parents {
                if set.contains(p) {
                    set.insert(*c);
                }
            }
            if set.len() == before {
                break;
            }
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;
    use crate::scenario::to_sim::to_sim;

    fn pb(id: &str) -> Playback {
        Playback::new(to_sim(&presets::load(id).unwrap().scenario))
    }

    /// What a student sees after each step: log text and counts.
    fn screen(p: &Playback) -> (u64, Option<String>, Counts) {
        (p.position(), p.last_event().map(|e| p.text(e)), p.counts())
    }

    #[test]
    fn step_back_to_start_and_forward_again_gives_the_same_states() {
        let mut p = pb("work-queues");
        let mut seen = vec![screen(&p)];
        for _ in 0..40 {
            p.step();
            seen.push(screen(&p));
        }
        for i in (0..40).rev() {
            p.step_back();
            assert_eq!(screen(&p), seen[i], "back to {i}");
        }
        for (i, s) in seen.iter().enumerate().skip(1) {
            p.step();
            assert_eq!(&screen(&p), s, "forward to {i}");
        }
        assert_eq!(p.furthest(), 40);
    }

    #[test]
    fn seek_far_back_uses_checkpoints_and_matches_a_fresh_run() {
        let mut p = pb("max-length");
        p.run_to_idle();
        let end = p.position();
        assert!(end > 10);
        let mid = end / 2;
        let mut fresh = pb("max-length");
        fresh.seek(mid);
        p.seek(mid);
        assert_eq!(screen(&p), screen(&fresh));
        assert_eq!(p.events().back().map(|e| e.index), Some(mid - 1));
        p.seek(end);
        assert!(p.idle());
    }

    #[test]
    fn play_is_paced_by_speed_not_frame_rate() {
        let run = |frame_ms: f64, speed: f64, wall_ms: f64| {
            let mut p = pb("hello-world");
            p.speed = speed;
            p.playing = true;
            let mut t = 0.0;
            while t < wall_ms {
                p.tick(frame_ms);
                t += frame_ms;
            }
            p.position()
        };
        // Same wall time, different frame rates: the same number of events (±1 for the
        // frame that straddles a boundary).
        let a = run(1000.0 / 60.0, 1.0, 2000.0);
        let b = run(1000.0 / 30.0, 1.0, 2000.0);
        assert!(a.abs_diff(b) <= 1, "{a} vs {b}");
        // Faster speed, more events in the same wall time.
        let fast = run(1000.0 / 60.0, 4.0, 2000.0);
        assert!(fast > a, "{fast} > {a}");
        // At 16× the hello-world lesson reaches idle in a few seconds and Play stops.
        let mut p = pb("hello-world");
        p.speed = 16.0;
        p.playing = true;
        for _ in 0..600 {
            p.tick(1000.0 / 60.0);
        }
        assert!(p.idle());
        assert!(!p.playing);
    }

    #[test]
    fn fast_forward_overlaps_a_burst_but_a_lesson_speed_shows_one_event_at_a_time() {
        // Wall ms Play needs to run the first `n` events of the one-instant burst.
        let wall_for = |speed: f64, n: u64| {
            let mut p = pb("publish-subscribe");
            p.speed = speed;
            p.playing = true;
            let mut t = 0.0;
            while p.position() < n && t < 600_000.0 {
                p.tick(1000.0 / 60.0);
                t += 1000.0 / 60.0;
            }
            t
        };
        // The first few events (subscriptions, a publish and its fanout) share t = 0.
        let n = 6;
        let slow = wall_for(4.0, n);
        let fast = wall_for(64.0, n);
        // At 4×: at least 5 minor/hop waits one after another.
        assert!(slow >= 5.0 * MINOR_MS / 4.0, "{slow}");
        // At 64× the same-instant events overlap: far less than 64/4 = 16 times faster only.
        assert!(fast * 16.0 < slow, "{fast} vs {slow}");
        let mut p = pb("hello-world");
        p.speed = 64.0;
        let e = p.step().unwrap();
        assert_eq!(
            p.travel_ms(&e),
            Playback::duration_of(&e) / FAST_TRAVEL_SPEED
        );
        p.speed = 8.0;
        assert_eq!(p.travel_ms(&e), Playback::duration_of(&e) / 8.0);
    }

    #[test]
    fn step_over_settles_the_message() {
        let mut p = pb("hello-world");
        // Skip the subscription.
        p.step();
        let evs = p.step_over();
        let kinds: Vec<&str> = evs.iter().map(|e| e.what.kind()).collect();
        assert_eq!(kinds, ["published", "routed", "delivered"], "{kinds:?}");
        assert!(p.last_event().is_some_and(|e| e.what.kind() == "delivered"));
    }

    #[test]
    fn the_inspector_shows_body_headers_and_the_full_trace_of_a_dead_lettered_message() {
        let mut p = pb("dead-lettering");
        p.run_to_idle();
        let copy = p
            .events()
            .iter()
            .find_map(|e| match &e.what {
                Explanation::DeadLettered { copy, queues, .. } if !queues.is_empty() => Some(*copy),
                _ => None,
            })
            .expect("the preset dead-letters a message");
        let info = p.message_info(copy);
        assert!(info.parent.is_some());
        assert!(
            info.headers
                .iter()
                .any(|(k, v)| k == "x-death" && v.contains("reason")),
            "{:?}",
            info.headers
        );
        assert!(!info.body.is_empty());
        let texts: Vec<&str> = info.trace.iter().map(|t| t.2.as_str()).collect();
        assert!(texts.iter().any(|t| t.contains("published")), "{texts:?}");
        assert!(texts.iter().any(|t| t.contains("dead-letter")), "{texts:?}");
        assert_eq!(p.root(copy), info.parent.map(|x| p.root(x)).unwrap_or(copy));
    }

    #[test]
    fn rates_after_stepping_back_equal_a_fresh_run_to_the_same_point() {
        let mut p = pb("work-queues");
        p.run_to_idle();
        let end = p.position();
        let (all, _) = p.rates_of("task_queue", 30);
        let published: f64 = all.iter().map(|r| r.published).sum();
        assert!(published > 0.0, "{all:?}");
        let mid = end / 2;
        p.seek(mid);
        let mut fresh = pb("work-queues");
        fresh.seek(mid);
        assert_eq!(
            p.rates_of("task_queue", 30),
            fresh.rates_of("task_queue", 30)
        );
        assert_eq!(
            p.series(),
            fresh.series(),
            "no sample twice after a seek back"
        );
        assert_ne!(p.rates_of("task_queue", 30).0, all);
        p.seek(end);
        assert_eq!(p.rates_of("task_queue", 30).0, all);
    }

    #[test]
    fn depth_series_follow_the_queue_and_are_cut_on_seek_back() {
        let mut p = pb("work-queues");
        p.run_to_idle();
        let s = p.series().get("task_queue").cloned().unwrap_or_default();
        assert!(s.iter().any(|x| x.ready > 0), "{s:?}");
        assert_eq!(s.last().map(|x| (x.ready, x.unacked)), Some((0, 0)));
        p.seek(5);
        assert!(p.series().values().all(|l| l.iter().all(|x| x.index < 5)));
    }
}
