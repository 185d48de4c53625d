//! The playback controller: owns the [`Playback`] model, the [`TokenLayer`] and the
//! requestAnimationFrame loop, and applies the controls' commands.
//!
//! Owns: the glue between frames, commands and Yew. The app keeps one controller in a
//! `use_mut_ref` (not in the reducer: cloning the simulator per frame would be waste) and gives
//! it a re-render function; the controller calls it after discrete changes and, while playing,
//! at most every [`RENDER_EVERY_MS`] so Yew stays out of the per-frame path.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::layer::TokenLayer;
use super::model::{BURST_SPEED, Playback};
use super::tokens::{Look, TokenSpec, tokens_for};
use crate::broker::MessageId;
use crate::scenario::Point;
use crate::sim::{Refusal, SimConfig, SimEvent, runtime_changes};

/// Shortest wall time between two Yew renders while playing.
pub const RENDER_EVERY_MS: f64 = 200.0;
/// The same when fast-forwarding (from [`BURST_SPEED`]): a render relayouts the page, which a
/// thousand moving tokens make expensive, and counts changing five times a second at 64× are
/// no easier to read than twice.
pub const FAST_RENDER_EVERY_MS: f64 = 500.0;
/// Tokens spawned per frame at most (a 64× burst shows its last events' tokens).
const SPAWN_PER_FRAME: usize = 400;

/// A control's request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cmd {
    /// One event forward.
    Step,
    /// One event back.
    StepBack,
    /// Until the next event's message settles.
    StepOver,
    /// Play or pause.
    PlayPause,
    /// Run everything left, without animation.
    RunToIdle,
    /// Back to the start.
    Reset,
    /// Set the speed factor.
    Speed(f64),
    /// Go to the state after this many events.
    Seek(u64),
    /// Show a message in the inspector (or close it).
    Inspect(Option<MessageId>),
}

/// What a diagram change did to the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// Nothing the simulation runs changed (a node moved).
    Unchanged,
    /// Applied to the running simulation as runtime edits.
    Edited,
    /// Started over from time 0.
    Restarted,
}

/// Everything playback holds between frames.
pub struct Controller {
    /// The model.
    pub pb: Playback,
    /// The configuration the diagram describes (the simulator's own grows with the edits).
    doc: SimConfig,
    /// Why the last diagram change restarted a running simulation, until the next change.
    pub notice: Option<Refusal>,
    /// The message shown in the inspector.
    pub selected: Option<MessageId>,
    /// Node key → centre in drawing units (plus `consumer-queue:` / `producer-exchange:`).
    pub positions: BTreeMap<String, Point>,
    layer: TokenLayer,
    rerender: Option<Rc<dyn Fn()>>,
    frame: Option<FrameCallback>,
    running: bool,
    last_ts: Option<f64>,
    now: f64,
    last_render: f64,
    render_due: bool,
    /// Benchmark: this many tokens looping along the diagram's edges.
    bench: usize,
}

/// The shared handle.
pub type Shared = Rc<RefCell<Controller>>;

/// The frame callback, kept alive as long as the controller.
type FrameCallback = Rc<Closure<dyn FnMut(f64)>>;

impl Controller {
    /// A controller for `config`.
    pub fn new(config: SimConfig, reduced_motion: bool) -> Controller {
        Controller {
            doc: config.clone(),
            notice: None,
            pb: Playback::new(config),
            selected: None,
            positions: BTreeMap::new(),
            layer: TokenLayer::new(reduced_motion),
            rerender: None,
            frame: None,
            running: false,
            last_ts: None,
            now: 0.0,
            last_render: 0.0,
            render_due: false,
            bench: 0,
        }
    }

    /// Sets how to ask Yew for a render.
    pub fn set_rerender(&mut self, f: Rc<dyn Fn()>) {
        self.rerender = Some(f);
    }

    /// Draw tokens into this `<g>`.
    pub fn attach(&mut self, group: web_sys::Element) {
        self.layer.attach(group);
    }

    /// Follows the diagram. A change the broker allows at runtime (declare, bind, unbind,
    /// delete, clients joining and leaving) is applied to the running simulation; anything
    /// else, or any change before the first event, starts over (with a notice of why, if it
    /// was running). Moving a node changes nothing.
    pub fn sync(&mut self, config: SimConfig) -> Sync {
        if self.doc == config {
            return Sync::Unchanged;
        }
        if self.pb.position() > 0 {
            match runtime_changes(&self.doc, &config) {
                Ok(actions) => {
                    self.doc = config;
                    self.notice = None;
                    if !actions.is_empty() {
                        self.pb.edit(actions);
                    }
                    return Sync::Edited;
                }
                Err(why) => self.notice = Some(why),
            }
        } else {
            self.notice = None;
        }
        self.rebuild(config);
        Sync::Restarted
    }

    fn rebuild(&mut self, config: SimConfig) {
        let speed = self.pb.speed;
        let lang = self.pb.lang();
        self.doc = config.clone();
        self.pb = Playback::new(config);
        self.pb.speed = speed;
        self.pb.set_lang(lang);
        self.selected = None;
        self.layer.clear();
    }

    /// Starts `n` benchmark tokens looping over the diagram's edges.
    pub fn set_bench(&mut self, n: usize) {
        self.bench = n;
    }

    fn spawn_for(&mut self, e: &SimEvent) {
        let pos = &self.positions;
        let pb = &self.pb;
        let at = |k: &str| pos.get(k).copied();
        let root = |m: MessageId| pb.root(m);
        let specs = tokens_for(e, &at, &root);
        let dur = self.pb.travel_ms(e);
        for s in specs {
            self.layer.spawn(s, self.now, dur, false);
        }
    }

    fn spawn_bench(&mut self) {
        let nodes: Vec<Point> = self
            .positions
            .iter()
            .filter(|(k, _)| {
                !k.starts_with("consumer-queue:") && !k.starts_with("producer-exchange:")
            })
            .map(|(_, p)| *p)
            .collect();
        if nodes.len() < 2 {
            return;
        }
        // A fixed pseudo-random spread (LCG), so every run draws the same picture.
        let mut seed: u32 = 12345;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            f64::from(seed) / 4_294_967_296.0
        };
        for i in 0..self.bench {
            let a = nodes[i % nodes.len()];
            let b = nodes[(i + 1 + (rnd() * (nodes.len() - 1) as f64) as usize) % nodes.len()];
            let spec = TokenSpec {
                message: Some(MessageId(i as u64)),
                colour_of: Some(MessageId(i as u64)),
                label: super::tokens::label(MessageId(i as u64)),
                note: None,
                from: a,
                to: b,
                delay: 0.0,
                look: Look::Message,
            };
            let dur = 1500.0 + rnd() * 2000.0;
            let start = self.now - rnd() * dur;
            self.layer.spawn(spec, start, dur, true);
        }
        self.bench = 0;
    }

    /// One animation frame at rAF timestamp `ts`: returns (keep running, render now).
    fn frame(&mut self, ts: f64) -> (bool, bool) {
        let dt = self.last_ts.map_or(1000.0 / 60.0, |l| ts - l);
        self.last_ts = Some(ts);
        self.now = ts;
        if self.bench > 0 {
            self.spawn_bench();
        }
        let was_playing = self.pb.playing;
        let events = self.pb.tick(dt);
        crate::ui::menu::forward_events(&events, self.pb.lang());
        let skip = events.len().saturating_sub(SPAWN_PER_FRAME);
        for e in events.iter().skip(skip) {
            self.spawn_for(e);
        }
        if !events.is_empty() || was_playing != self.pb.playing {
            self.render_due = true;
        }
        let left = self.layer.update(ts);
        let every = if self.pb.speed >= BURST_SPEED {
            FAST_RENDER_EVERY_MS
        } else {
            RENDER_EVERY_MS
        };
        let render = self.render_due && (ts - self.last_render >= every || !self.pb.playing);
        if render {
            self.render_due = false;
            self.last_render = ts;
        }
        (self.pb.playing || left > 0 || self.render_due, render)
    }

    /// Applies a command; returns whether tokens may now move.
    fn apply(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Step => {
                self.pb.playing = false;
                // One step, one story: what moved for the previous step has arrived.
                self.layer.clear();
                if let Some(e) = self.pb.step() {
                    crate::ui::menu::forward_events(std::slice::from_ref(&e), self.pb.lang());
                    self.spawn_for(&e);
                }
            }
            Cmd::StepOver => {
                self.pb.playing = false;
                self.layer.clear();
                let evs = self.pb.step_over();
                crate::ui::menu::forward_events(&evs, self.pb.lang());
                if let Some(e) = evs.last() {
                    self.spawn_for(e);
                }
            }
            Cmd::StepBack => {
                self.pb.playing = false;
                self.layer.clear();
                self.pb.step_back();
            }
            Cmd::PlayPause => {
                if self.pb.playing {
                    self.pb.playing = false;
                } else if !self.pb.idle() {
                    self.pb.playing = true;
                    self.last_ts = None;
                }
            }
            Cmd::RunToIdle => {
                self.layer.clear();
                let from = self.pb.position();
                let ran = self.pb.run_to_idle();
                crate::ui::menu::forward_run(self.pb.events(), from, ran, self.pb.lang());
            }
            Cmd::Reset => {
                self.layer.clear();
                self.pb.reset();
            }
            Cmd::Speed(s) => self.pb.speed = s.clamp(0.25, 64.0),
            Cmd::Seek(n) => {
                self.pb.playing = false;
                self.layer.clear();
                self.pb.seek(n);
            }
            Cmd::Inspect(m) => self.selected = m,
        }
    }
}

/// Applies a live control's action (kill a consumer, restart the broker…) at the current
/// point, as a runtime edit: stepping back over it and forward again replays it.
pub fn live(ctl: &Shared, action: crate::sim::Action) {
    if let Ok(mut c) = ctl.try_borrow_mut() {
        c.pb.playing = false;
        c.layer.clear();
        c.pb.edit(vec![action]);
    }
    render_now(ctl);
    kick(ctl);
}

/// Applies `cmd`, renders, and keeps the frame loop running while anything moves.
pub fn run(ctl: &Shared, cmd: Cmd) {
    if let Ok(mut c) = ctl.try_borrow_mut() {
        c.apply(cmd);
    }
    render_now(ctl);
    kick(ctl);
}

/// Renders and keeps the frame loop running (after a change made outside a command).
pub fn refresh(ctl: &Shared) {
    render_now(ctl);
    kick(ctl);
}

fn render_now(ctl: &Shared) {
    let f = ctl.try_borrow().ok().and_then(|c| c.rerender.clone());
    if let Some(f) = f {
        f();
    }
}

/// Starts the requestAnimationFrame loop unless it runs already.
pub fn kick(ctl: &Shared) {
    let Ok(mut c) = ctl.try_borrow_mut() else {
        return;
    };
    if c.running {
        return;
    }
    c.running = true;
    c.last_ts = None;
    if c.frame.is_none() {
        let weak = Rc::downgrade(ctl);
        let cb: Closure<dyn FnMut(f64)> = Closure::new(move |ts: f64| {
            let Some(ctl) = weak.upgrade() else { return };
            let (keep, render) = match ctl.try_borrow_mut() {
                Ok(mut c) => c.frame(ts),
                Err(_) => (true, false),
            };
            if render {
                render_now(&ctl);
            }
            if keep {
                request(&ctl);
            } else if let Ok(mut c) = ctl.try_borrow_mut() {
                c.running = false;
            }
        });
        c.frame = Some(Rc::new(cb));
    }
    drop(c);
    request(ctl);
}

fn request(ctl: &Shared) {
    let f = ctl.try_borrow().ok().and_then(|c| c.frame.clone());
    if let (Some(f), Some(w)) = (f, web_sys::window()) {
        let _ = w.request_animation_frame(f.as_ref().as_ref().unchecked_ref());
    }
}
