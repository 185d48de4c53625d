//! The playback views, as pure functions of the [`Controller`] rendered by the app shell: the
//! control bar, the event log, the message inspector, the queue depth chart and the overlay
//! drawn over the diagram (ready and unacked messages, prefetch credit, the matched binding).
//!
//! Owns: markup and wording of playback. Reads the controller; every change goes through a
//! [`Cmd`] callback.

use std::collections::BTreeMap;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::controller::{Cmd, Controller};
use super::model::{SPEEDS, Sample};
use super::text::t;
use super::text::{PB_BACK, PB_END, PB_OVER, PB_PAUSE, PB_PLAY, PB_RESET, PB_STEP};
use super::tokens::{hue, label};
use crate::broker::MessageId;
use crate::scenario::Point;
use crate::scenario::model::{DestinationType, Scenario};
use crate::sim::Explanation;
use crate::sim::explain::{Hop, Why};
use crate::sim::rates::RatePoint;
use crate::ui::editor::ops::{NODE_H, NODE_W};
use crate::ui::icons;

fn f1(x: f64) -> String {
    crate::ui::num::fixed(x, 1)
}

fn speed_text(s: f64) -> String {
    let places = if s < 0.5 {
        2
    } else if s < 1.0 {
        1
    } else {
        0
    };
    format!("{}\u{d7}", crate::ui::num::fixed(s, places))
}

/// The control bar: step back, step, step over, play/pause, run to idle, reset, speed and the
/// timeline scrubber.
pub fn controls(c: &Controller, send: &Callback<Cmd>, live: Html) -> Html {
    let pb = &c.pb;
    let pos = pb.position();
    let end = pb.furthest();
    let idle = pb.idle();
    let playing = pb.playing;
    let button = |name: &'static str,
                  key_hint: &'static str,
                  icon: &'static [&'static str],
                  cmd: Cmd,
                  disabled: bool,
                  class: &'static str| {
        let onclick = send.reform(move |_: MouseEvent| cmd);
        let title = if key_hint.is_empty() {
            t(name).to_owned()
        } else {
            format!("{} ({key_hint})", t(name))
        };
        html! {
            <button type="button" class={classes!("tool-button", "pb-button", class)} aria-label={t(name)}
                {title} {disabled} {onclick}>
                { icons::icon(icon) }<span class="pb-text">{ t(name) }</span>
            </button>
        }
    };
    let onspeed = send.reform(|e: Event| {
        let v = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .and_then(|s| s.value().parse::<usize>().ok())
            .and_then(|i| SPEEDS.get(i).copied())
            .unwrap_or(1.0);
        Cmd::Speed(v)
    });
    let onscrub = send.reform(|e: InputEvent| {
        let v = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|s| s.value().parse::<u64>().ok())
            .unwrap_or(0);
        Cmd::Seek(v)
    });
    let status = crate::ui::i18n::tr_with(
        "pb.status",
        &[
            ("event", t("event")),
            ("pos", &pos.to_string()),
            ("end", &end.to_string()),
            ("idle", if idle { t(" (idle)") } else { "" }),
            ("ms", &pb.sim().now().ms().to_string()),
        ],
    );
    html! {
        <div class="playback-bar" role="toolbar" aria-label={t("Playback")}>
            <div class="button-group" role="group" aria-label={t("Step")}>
                { button("Reset", "", PB_RESET, Cmd::Reset, pos == 0 && !playing, "") }
                { button("Step back", "\u{2190}", PB_BACK, Cmd::StepBack, pos == 0, "") }
                { if playing {
                    button("Pause", "Space", PB_PAUSE, Cmd::PlayPause, false, "primary")
                } else {
                    button("Play", "Space", PB_PLAY, Cmd::PlayPause, idle, "primary")
                } }
                { button("Step", "\u{2192}", PB_STEP, Cmd::Step, idle, "") }
                { button("Step over", "", PB_OVER, Cmd::StepOver, idle, "") }
                { button("Run to idle", "", PB_END, Cmd::RunToIdle, idle, "") }
            </div>
            { live }
            <label class="pb-speed">
                <span>{ t("Speed") }</span>
                <select aria-label={t("Speed")} onchange={onspeed}>
                    { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={(*s - pb.speed).abs() < 1e-9}>{ speed_text(*s) }</option>
                    }) }
                </select>
            </label>
            <input type="range" class="pb-scrubber" min="0" max={end.to_string()} value={pos.to_string()}
                step="1" aria-label={t("Timeline")} aria-valuetext={status.clone()} oninput={onscrub} />
            <output class="pb-status" aria-live="off">{ status }</output>
            { c.notice.as_ref().map(|why| html! {
                <p class="pb-notice" role="status">{ crate::ui::i18n::tr_with(
                    "editor.restart.notice",
                    &[("reason", &why.text(pb.lang()))],
                ) }</p>
            }).unwrap_or_default() }
        </div>
    }
}

/// The event log: an ARIA log region with the explanations, newest last; each entry jumps the
/// timeline to just after it. `context` lines (the editor's last messages) come first.
pub fn event_log(c: &Controller, send: &Callback<Cmd>, context: &[String]) -> Html {
    let pb = &c.pb;
    let evs = pb.events();
    let shown = evs.len().min(80);
    let pos = pb.position();
    html! {
        <ol class="log pb-log" role="log" aria-live="polite" aria-label={t("Event log")}>
            { for context.iter().map(|line| html! { <li class="log-context">{ line.clone() }</li> }) }
            { for evs.iter().skip(evs.len() - shown).map(|e| {
                let index = e.index;
                let current = index + 1 == pos;
                let onclick = send.reform(move |_: MouseEvent| Cmd::Seek(index + 1));
                let inspect = e.message().map(|m| {
                    let onclick = send.reform(move |_: MouseEvent| Cmd::Inspect(Some(m)));
                    html! {
                        <button type="button" class="log-msg" style={format!("--h:{}", hue(pb.root(m)))}
                            aria-label={format!("{} {}", t("Inspect message"), label(m))} {onclick}>{ label(m) }</button>
                    }
                });
                html! {
                    <li key={index} class={classes!(current.then_some("current"))} aria-current={current.then_some("step")}>
                        { inspect.unwrap_or_default() }
                        <button type="button" class="log-jump" {onclick} title={t("Go to this event")}>
                            <span class="log-seq">{ format!("#{index}") }</span>
                            <span class="log-time">{ format!("{} ms", e.time.ms()) }</span>
                            <span class="log-text">{ pb.text(e) }</span>
                        </button>
                    </li>
                }
            }) }
        </ol>
    }
}

/// The message inspector for the selected message.
pub fn message_panel(c: &Controller, send: &Callback<Cmd>, m: MessageId) -> Html {
    let info = c.pb.message_info(m);
    let close = send.reform(|_: MouseEvent| Cmd::Inspect(None));
    let rows = |rows: &[(String, String)]| -> Html {
        if rows.is_empty() {
            return html! { <p class="hint">{ t("none") }</p> };
        }
        html! {
            <dl class="facts">
                { for rows.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd class="mono">{ v.clone() }</dd></> }) }
            </dl>
        }
    };
    let mut basics = vec![
        (
            t("exchange").to_owned(),
            crate::ui::editor::graph::display_exchange(&info.exchange).to_owned(),
        ),
        (t("routing key").to_owned(), info.routing_key.clone()),
        (t("body").to_owned(), info.body.clone()),
    ];
    if let Some(p) = info.parent {
        basics.push((t("dead-letter copy of").to_owned(), label(p)));
    }
    let place = if info.whereabouts.is_empty() {
        t("not held by the broker (settled, dropped or not yet routed)").to_owned()
    } else {
        info.whereabouts.join("; ")
    };
    html! {
        <aside class="side-panel message-panel" aria-labelledby="msg-title">
            <section class="panel-card">
                <div class="panel-head">
                    <p class="eyebrow">{ t("Message inspector") }</p>
                    <button type="button" class="icon-button" aria-label={t("Close message inspector")}
                        onclick={close}>{ icons::icon(icons::CLOSE) }</button>
                </div>
                <h2 id="msg-title"><span class="msg-dot" style={format!("--h:{}", hue(c.pb.root(m)))} aria-hidden="true"></span>
                    { format!("{} {}", t("Message"), label(m)) }</h2>
                <p class="msg-where">{ place }</p>
                { rows(&basics) }
                <h3>{ t("Properties") }</h3>
                { rows(&info.properties) }
                <h3>{ t("Headers") }</h3>
                { rows(&info.headers) }
                <h3>{ t("Trace") }</h3>
                <ol class="msg-trace">
                    { for info.trace.iter().map(|(i, ms, text)| {
                        let i = *i;
                        let onclick = send.reform(move |_: MouseEvent| Cmd::Seek(i + 1));
                        html! { <li><button type="button" class="log-jump" {onclick}>
                            <span class="log-seq">{ format!("#{i}") }</span>
                            <span class="log-time">{ format!("{ms} ms") }</span>
                            <span class="log-text">{ text.clone() }</span></button></li> }
                    }) }
                </ol>
            </section>
        </aside>
    }
}

fn polyline(
    samples: &[Sample],
    w: f64,
    h: f64,
    t_end: u64,
    max: u32,
    f: fn(&Sample) -> u32,
) -> String {
    let mut s = String::new();
    let x = |t: u64| t as f64 / t_end.max(1) as f64 * w;
    let y = |v: u32| h - f64::from(v) / f64::from(max.max(1)) * (h - 4.0) - 2.0;
    let mut prev: Option<u32> = None;
    let pt = |s: &mut String, a: f64, b: f64| {
        s.push(' ');
        crate::ui::num::push_fixed(s, a, 1);
        s.push(',');
        crate::ui::num::push_fixed(s, b, 1);
    };
    pt(&mut s, 0.0, y(0));
    for smp in samples {
        // Steps, not slopes: a queue's depth changes at events, it does not drift between them.
        if let Some(p) = prev {
            pt(&mut s, x(smp.t), y(p));
        } else {
            pt(&mut s, x(smp.t), y(0));
        }
        pt(&mut s, x(smp.t), y(f(smp)));
        prev = Some(f(smp));
    }
    pt(&mut s, w, y(prev.unwrap_or(0)));
    s
}

/// Buckets of virtual time in a rate chart.
const RATE_BUCKETS: usize = 30;

/// One rate as a step line over the buckets of a chart `w` wide and `h` high.
fn rate_line(r: &[RatePoint], w: f64, h: f64, max: f64, f: fn(&RatePoint) -> f64) -> String {
    let mut s = String::new();
    let n = r.len().max(1) as f64;
    // The top 13 units hold the peak's label.
    let y = |v: f64| h - v / max.max(1e-9) * (h - 15.0) - 2.0;
    for (i, p) in r.iter().enumerate() {
        for x in [i as f64 / n * w, (i + 1) as f64 / n * w] {
            s.push(' ');
            crate::ui::num::push_fixed(&mut s, x, 1);
            s.push(',');
            crate::ui::num::push_fixed(&mut s, y(f(p)), 1);
        }
    }
    s
}

fn rate_text(v: f64) -> String {
    crate::ui::num::fixed(v, if v < 10.0 { 1 } else { 0 })
}

/// Per-queue depth over virtual time, ready (solid) and unacked (dashed), and under it the
/// queue's rates per virtual second: published into it, delivered from it, acked.
pub fn depth_chart(c: &Controller) -> Html {
    let series = c.pb.series();
    let t_end = c.pb.sim().now().ms().max(1);
    let (w, h) = (200.0, 40.0);
    let mut width_ms = 1000;
    let charts: Vec<Html> = series
        .iter()
        .filter(|(_, s)| !s.is_empty())
        .take(6)
        .map(|(q, s)| {
            let max = s.iter().map(|x| x.ready.max(x.unacked)).max().unwrap_or(0).max(1);
            let last = s.last().map_or((0, 0), |x| (x.ready, x.unacked));
            let (r, width) = c.pb.rates_of(q, RATE_BUCKETS);
            width_ms = width;
            let rmax = r
                .iter()
                .map(|p| p.published.max(p.delivered).max(p.acked))
                .fold(0.0, f64::max);
            // The bucket still filling would read as a drop: quote the last complete one.
            let now = r.len().checked_sub(2).and_then(|i| r.get(i)).or(r.last());
            let (rp, rd, ra) = now.map_or((0.0, 0.0, 0.0), |p| (p.published, p.delivered, p.acked));
            let rates_now = crate::ui::i18n::tr_with(
                "playback.rates_now",
                &[
                    ("published", &rate_text(rp)),
                    ("delivered", &rate_text(rd)),
                    ("acked", &rate_text(ra)),
                ],
            );
            let rates_max = crate::ui::i18n::tr_with("playback.rates_max", &[("max", &rate_text(rmax))]);
            html! {
                <figure class="depth">
                    <figcaption><span class="mono">{ q.to_string() }</span>
                        { format!(" {} {} \u{b7} {} {} \u{b7} {} {max}", last.0, t("ready"), last.1, t("unacked"), t("max")) }
                        <span class="rates-now">{ rates_now }</span></figcaption>
                    <div class="depth-row">
                        <svg viewBox="0 0 200 40" width="200" height="40" preserveAspectRatio="none" role="img"
                            aria-label={format!("{} {q}", t("Depth over time of queue"))}>
                            <polyline class="depth-ready" points={polyline(s, w, h, t_end, max, |x| x.ready)} />
                            <polyline class="depth-unacked" points={polyline(s, w, h, t_end, max, |x| x.unacked)} />
                        </svg>
                        <svg class="rates" viewBox="0 0 200 40" width="200" height="40" preserveAspectRatio="none" role="img"
                            aria-label={crate::ui::i18n::tr_with("playback.rates_of", &[("queue", q)])}>
                            <title>{ rates_max.clone() }</title>
                            <polyline class="rate-published" points={rate_line(&r, w, h, rmax, |p| p.published)} />
                            <polyline class="rate-delivered" points={rate_line(&r, w, h, rmax, |p| p.delivered)} />
                            <polyline class="rate-acked" points={rate_line(&r, w, h, rmax, |p| p.acked)} />
                            <text class="rate-peak" x="196" y="10">{ rates_max }</text>
                        </svg>
                    </div>
                </figure>
            }
        })
        .collect();
    let legend = (!charts.is_empty()).then(|| {
        let secs = crate::ui::num::fixed(width_ms as f64 / 1000.0, 0);
        html! {
            <p class="chart-legend">
                <span class="key depth-ready">{ t("ready") }</span>
                <span class="key depth-unacked">{ t("unacked") }</span>
                <span class="key rate-published">{ crate::ui::i18n::tr("playback.published") }</span>
                <span class="key rate-delivered">{ crate::ui::i18n::tr("playback.delivered") }</span>
                <span class="key rate-acked">{ crate::ui::i18n::tr("playback.acked") }</span>
                <span class="unit">{ crate::ui::i18n::tr_with("playback.rate_unit", &[("secs", &secs)]) }</span>
            </p>
        }
    });
    html! {
        <div class="depth-charts" aria-label={crate::ui::i18n::tr("playback.charts")}>
            { legend.unwrap_or_default() }
            { for charts }
        </div>
    }
}

/// The overlay over the diagram: ready and unacked messages as coloured chips (click one to
/// inspect it), each consumer's prefetch credit, the binding the last route matched, and the
/// token group the frame loop draws into.
pub fn overlay(
    c: &Controller,
    scenario: &Scenario,
    view_box: String,
    tokens: &NodeRef,
    send: &Callback<Cmd>,
) -> Html {
    let pos = &c.positions;
    let live = c.pb.live();
    let config = c.pb.sim().config();
    let chip = |m: MessageId, x: f64, y: f64, cls: &'static str| {
        let onclick = send.reform(move |_: MouseEvent| Cmd::Inspect(Some(m)));
        html! {
            <g class={classes!("chip", cls)} transform={format!("translate({} {})", f1(x), f1(y))} {onclick}
                style={format!("--h:{}", hue(c.pb.root(m)))}>
                <title>{ format!("{} {}", t("Inspect message"), label(m)) }</title>
                <rect x="-9" y="-9" width="18" height="18" rx="4" />
            </g>
        }
    };
    const SHOW: usize = 8;
    let mut items: Vec<Html> = Vec::new();
    for (q, list) in &live.ready {
        let Some(at) = pos.get(&format!("queue:{q}")) else {
            continue;
        };
        let top = at.y - NODE_H / 2.0 - 14.0;
        let right = at.x + NODE_W / 2.0 - 12.0;
        for (i, m) in list.iter().take(SHOW).enumerate() {
            items.push(chip(*m, right - i as f64 * 21.0, top, "ready"));
        }
        if list.len() > SHOW {
            items.push(html! {
                <text class="chip-more" x={f1(right - SHOW as f64 * 21.0)} y={f1(top + 5.0)}>
                    { format!("+{}", list.len() - SHOW) }</text>
            });
        }
    }
    let mut held: BTreeMap<&str, Vec<MessageId>> = BTreeMap::new();
    for ((consumer, _), u) in &live.unacked {
        held.entry(consumer.as_ref()).or_default().push(u.message);
    }
    for spec in &config.consumers {
        let Some(at) = pos.get(&format!("consumer:{}", spec.id)) else {
            continue;
        };
        let mine = held.get(spec.id.as_str()).map_or(&[][..], |v| v.as_slice());
        let top = at.y - NODE_H / 2.0 - 14.0;
        let left = at.x - NODE_W / 2.0 + 12.0;
        for (i, m) in mine.iter().take(SHOW).enumerate() {
            items.push(chip(*m, left + i as f64 * 21.0, top, "unacked"));
        }
        let n = mine.len();
        // A killed (or not yet started) consumer gets nothing, whatever its credit.
        let subscribed = c.pb.sim().consumer_subscribed(&spec.id) != Some(false);
        let credit = if !subscribed {
            let of = if spec.prefetch > 0 {
                format!("/{}", spec.prefetch)
            } else {
                String::new()
            };
            format!(
                "{n}{of} {} \u{b7} {}",
                t("unacked"),
                crate::ui::i18n::tr("live.not_subscribed")
            )
        } else if spec.auto_ack {
            t("auto-ack").to_owned()
        } else if spec.prefetch == 0 {
            format!("{n} {} \u{b7} {}", t("unacked"), t("no prefetch limit"))
        } else {
            let free = usize::from(spec.prefetch).saturating_sub(n);
            format!(
                "{n}/{} {} \u{b7} {free} {}",
                spec.prefetch,
                t("unacked"),
                t("credit left")
            )
        };
        items.push(html! {
            <text class={classes!("credit", (spec.prefetch > 0 && n >= usize::from(spec.prefetch)).then_some("full"))}
                x={f1(at.x)} y={f1(at.y + NODE_H / 2.0 + 18.0)}>{ credit }</text>
        });
    }
    // A hop with no binding of its own on the diagram (the default exchange's implicit one) is
    // highlighted here; bindings flash on the canvas's own edges (see [`matched_bindings`]).
    if let Some(e) = c.pb.last_event() {
        for h in hops_of(&e.what) {
            if binding_of(scenario, h).is_some() {
                continue;
            }
            let from = pos.get(&format!("exchange:{}", h.exchange));
            let key = if h.to_exchange {
                format!("exchange:{}", h.destination)
            } else {
                format!("queue:{}", h.destination)
            };
            if let (Some(a), Some(b)) = (from, pos.get(&key)) {
                let (a2, b2) = (
                    crate::ui::canvas::geometry::clip_to_box(*a, *b),
                    crate::ui::canvas::geometry::clip_to_box(*b, *a),
                );
                items.push(html! {
                    <line class={classes!("flash", if e.index % 2 == 0 { "fa" } else { "fb" })}
                        x1={f1(a2.x)} y1={f1(a2.y)} x2={f1(b2.x)} y2={f1(b2.y)} />
                });
            }
        }
        // Highlight the nodes the event is about.
        for key in involved(&e.what) {
            if let Some(at) = pos.get(&key) {
                items.push(html! {
                    <rect class="focus-ring" x={f1(at.x - NODE_W / 2.0 - 5.0)} y={f1(at.y - NODE_H / 2.0 - 5.0)}
                        width={f1(NODE_W + 10.0)} height={f1(NODE_H + 10.0)} rx="12" />
                });
            }
        }
    }
    html! {
        <>
            <svg class="pb-overlay" viewBox={view_box} preserveAspectRatio="none" aria-hidden="true">
                { for items }
                <g class="tokens" ref={tokens.clone()}></g>
            </svg>
        </>
    }
}

fn hops_of(e: &Explanation) -> &[Hop] {
    match e {
        Explanation::Routed { hops, .. } | Explanation::DeadLettered { hops, .. } => hops,
        _ => &[],
    }
}

/// The scenario's binding (index into `topology.bindings`) that a routing hop went through.
fn binding_of(scenario: &Scenario, h: &Hop) -> Option<usize> {
    let key = match &h.why {
        Why::Direct { binding_key } | Why::Topic { binding_key, .. } => Some(binding_key.as_str()),
        Why::Fanout | Why::Headers { .. } => None,
        Why::DefaultExchange { .. } | Why::Alternate => return None,
    };
    let dest = if h.to_exchange {
        DestinationType::Exchange
    } else {
        DestinationType::Queue
    };
    scenario.topology.bindings.iter().position(|b| {
        b.source == h.exchange
            && b.destination == h.destination
            && b.destination_type == dest
            && key.is_none_or(|k| b.routing_key == k)
    })
}

/// The bindings the current event routed through, for the canvas to flash, and the phase
/// (alternating per event) that restarts the flash when the same binding matches again.
pub fn matched_bindings(c: &Controller, scenario: &Scenario) -> (Vec<usize>, bool) {
    match c.pb.last_event() {
        Some(e) => {
            let mut out: Vec<usize> = hops_of(&e.what)
                .iter()
                .filter_map(|h| binding_of(scenario, h))
                .collect();
            out.sort_unstable();
            out.dedup();
            (out, e.index % 2 == 1)
        }
        None => (Vec::new(), false),
    }
}

fn involved(e: &Explanation) -> Vec<String> {
    use Explanation as E;
    match e {
        E::Published {
            producer, exchange, ..
        } => {
            vec![
                format!("producer:{}", producer.id),
                format!("exchange:{exchange}"),
            ]
        }
        E::Routed { exchange, .. } | E::NotRouted { exchange, .. } => {
            vec![format!("exchange:{exchange}")]
        }
        E::Enqueued { queue, .. }
        | E::Requeued { queue, .. }
        | E::Dropped { queue, .. }
        | E::Expired { queue, .. }
        | E::DeadLettered { queue, .. } => vec![format!("queue:{queue}")],
        E::Delivered {
            queue, consumer, ..
        } => {
            vec![
                format!("queue:{queue}"),
                format!("consumer:{}", consumer.id),
            ]
        }
        E::Acked { consumer, .. }
        | E::Nacked { consumer, .. }
        | E::Rejected { consumer, .. }
        | E::ConsumerStarted { consumer, .. }
        | E::ConsumerKilled { consumer, .. } => vec![format!("consumer:{}", consumer.id)],
        E::Returned { producer, .. }
        | E::ConfirmAck { producer, .. }
        | E::ConfirmNack { producer, .. } => {
            vec![format!("producer:{}", producer.id)]
        }
        E::Edited { change, .. } => {
            use crate::sim::Change as C;
            match change {
                C::ExchangeDeclared { name, .. } | C::ExchangeDeleted { name } => {
                    vec![format!("exchange:{name}")]
                }
                C::QueueDeclared { name } | C::QueueDeleted { name, .. } => {
                    vec![format!("queue:{name}")]
                }
                C::BindingAdded {
                    source,
                    destination,
                    to_exchange,
                    ..
                }
                | C::BindingRemoved {
                    source,
                    destination,
                    to_exchange,
                    ..
                } => vec![
                    format!("exchange:{source}"),
                    if *to_exchange {
                        format!("exchange:{destination}")
                    } else {
                        format!("queue:{destination}")
                    },
                ],
                C::ConsumerAdded { consumer, .. } | C::ConsumerRemoved { consumer, .. } => {
                    vec![format!("consumer:{}", consumer.id)]
                }
                C::ProducerAdded { producer, .. } | C::ProducerRemoved { producer } => {
                    vec![format!("producer:{}", producer.id)]
                }
            }
        }
        _ => Vec::new(),
    }
}

/// Node key → centre, plus the keys tokens need for settles and returns.
pub fn positions(
    graph: &crate::ui::editor::graph::Graph,
    to_draw: &dyn Fn(Point) -> Point,
    scenario: &crate::scenario::Scenario,
) -> BTreeMap<String, Point> {
    // extend, not collect: collecting into a BTree links a stable sort for the type.
    let mut pos: BTreeMap<String, Point> = BTreeMap::new();
    pos.extend(
        graph
            .nodes
            .iter()
            .map(|n| (n.id.to_string(), to_draw(n.at))),
    );
    for c in &scenario.consumers {
        if let Some(q) = pos.get(&format!("queue:{}", c.queue)).copied() {
            pos.insert(format!("consumer-queue:{}", c.id), q);
        }
    }
    for p in &scenario.producers {
        if let Some(x) = pos.get(&format!("exchange:{}", p.exchange)).copied() {
            pos.insert(format!("producer-exchange:{}", p.id), x);
        }
    }
    pos
}

/// The current step in words, large enough to read from the back of a classroom. On wide
/// screens it sits over the bottom of the diagram, on phones under it. The log announces each
/// step to screen readers, so this copy is hidden from them.
pub fn caption(c: &Controller) -> Html {
    match c.pb.last_event() {
        Some(e) => html! {
            <p class="pb-caption" aria-hidden="true"><span class="log-seq">{ format!("#{} ", e.index) }</span>{ c.pb.text(e) }</p>
        },
        None => html! {
            <p class="pb-caption idle" aria-hidden="true">{ t("Press Step (\u{2192}) to run one event, or Play (Space).") }</p>
        },
    }
}
