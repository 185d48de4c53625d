//! Live controls: what happens to a running system from outside — a worker is killed or
//! started again, a producer publishes one message now, the broker restarts.
//!
//! Owns: which of those apply to the selected node at the current point, why not otherwise,
//! and their buttons. Each becomes a [`crate::sim::Action`] applied through
//! [`super::controller::live`], i.e. as a runtime edit tied to the event count, so stepping
//! back over it and forward again replays it. Must not import: the editor's internals (it gets
//! the selected node as a [`NodeId`]).

use yew::prelude::*;

use super::controller::Controller;
use crate::scenario::model::NodeId;
use crate::sim::Action;
use crate::ui::i18n::tr;
use crate::ui::icons;

/// A lightning bolt: something happens from outside.
const KILL: &[&str] = &["M13 3L5 14h6l-1 7 8-11h-6z"];
/// A circular arrow: start again.
const AGAIN: &[&str] = &["M4 12a8 8 0 1 0 2.3-5.6", "M4 4v4h4"];
/// A power switch: the broker stops and starts.
const POWER: &[&str] = &["M12 3v8", "M6.3 6.8a8 8 0 1 0 11.4 0"];
/// An arrow: publish.
const SEND: &[&str] = &["M5 12h12", "M13 7l5 5-5 5"];

/// One live control: its action, or why it does not apply now (an i18n key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    /// Catalog key of the label (`live.*`).
    pub label: &'static str,
    /// The action, or the catalog key of why it is disabled.
    pub action: Result<Action, &'static str>,
}

/// The live controls for the selected node at the current point of `c`, in display order.
pub fn available(c: &Controller, selected: Option<&NodeId>) -> Vec<Control> {
    let sim = c.pb.sim();
    let started = c.pb.position() > 0;
    let mut out = Vec::new();
    match selected {
        Some(NodeId::Consumer(id)) => {
            let state = sim.consumer_subscribed(id);
            out.push(Control {
                label: "live.kill",
                action: match state {
                    None => Err("live.why.not_running"),
                    Some(false) => Err("live.why.not_subscribed"),
                    Some(true) => Ok(Action::KillConsumer {
                        consumer: id.clone(),
                    }),
                },
            });
            out.push(Control {
                label: "live.restart_consumer",
                action: match state {
                    None => Err("live.why.not_running"),
                    Some(true) => Err("live.why.subscribed"),
                    Some(false) if !started => Err("live.why.not_started"),
                    Some(false) => Ok(Action::StartConsumer {
                        consumer: id.clone(),
                    }),
                },
            });
        }
        Some(NodeId::Producer(id)) => out.push(Control {
            label: "live.publish",
            action: match sim.producer_connected(id) {
                None => Err("live.why.not_running"),
                Some(false) => Err("live.why.no_channel"),
                Some(true) => Ok(Action::PublishNow {
                    producer: id.clone(),
                    count: 1,
                }),
            },
        }),
        _ => {}
    }
    out.push(Control {
        label: "live.restart_broker",
        action: if started {
            Ok(Action::RestartBroker)
        } else {
            Err("live.why.not_started")
        },
    });
    out
}

/// The catalog key of what a control does (its tooltip).
fn title_key(label: &'static str) -> &'static str {
    match label {
        "live.kill" => "live.kill.title",
        "live.restart_consumer" => "live.restart_consumer.title",
        "live.publish" => "live.publish.title",
        _ => "live.restart_broker.title",
    }
}

/// The live controls' button group (for the playback bar).
pub fn buttons(c: &Controller, selected: Option<&NodeId>, live: &Callback<Action>) -> Html {
    let controls = available(c, selected);
    html! {
        <div class="button-group live-group" role="group" aria-label={tr("live.group")}>
            { for controls.into_iter().map(|ctl| {
                let icon = match ctl.label {
                    "live.kill" => KILL,
                    "live.publish" => SEND,
                    "live.restart_consumer" => AGAIN,
                    _ => POWER,
                };
                let label = tr(ctl.label);
                let (title, disabled, onclick) = match ctl.action {
                    Ok(a) => (
                        format!("{label}: {}", tr(title_key(ctl.label))),
                        false,
                        live.reform(move |_: MouseEvent| a.clone()),
                    ),
                    Err(why) => (format!("{label}: {}", tr(why)), true, Callback::noop()),
                };
                html! {
                    <button type="button" class="tool-button pb-button live-button" aria-label={label}
                        {title} {disabled} {onclick}>
                        { icons::icon(icon) }<span class="pb-text">{ label }</span>
                    </button>
                }
            }) }
        </div>
    }
}
