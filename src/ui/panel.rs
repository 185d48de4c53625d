//! The side panel: the scenario's explanation and legend, or the inspector of the selected node.
//!
//! Owns: the read-only facts shown for a selection. Editing arrives with the editor; until then
//! this only reads [`Topology`].

use yew::prelude::*;

use super::icons;
use super::state::UiAction;
use super::topology::{
    DiagramNode, EdgeKind, ExchangeType, NodeId, NodeKind, Topology, display_exchange_name,
};

/// Props of [`SidePanel`].
#[derive(Properties, PartialEq)]
pub struct SidePanelProps {
    /// The diagram.
    pub topology: std::rc::Rc<Topology>,
    /// The selected node, if any.
    pub selected: Option<NodeId>,
    /// Where the close button goes.
    pub dispatch: Callback<UiAction>,
}

/// The right-hand (or, on phones, bottom) panel.
#[function_component(SidePanel)]
pub fn side_panel(props: &SidePanelProps) -> Html {
    let t = &props.topology;
    let body = match props.selected.and_then(|i| t.nodes.get(i).map(|n| (i, n))) {
        Some((i, node)) => inspector(t, i, node, &props.dispatch),
        None => about(t),
    };
    html! {
        <aside class="side-panel" aria-label="Details">{ body }</aside>
    }
}

fn about(t: &Topology) -> Html {
    let legend = [
        (
            "node-producer",
            "Producer",
            "publishes messages to an exchange",
        ),
        (
            "node-exchange",
            "Exchange",
            "routes each message to queues by its bindings",
        ),
        (
            "node-queue",
            "Queue",
            "stores messages until a consumer takes them",
        ),
        (
            "node-consumer",
            "Consumer",
            "receives messages and acknowledges them",
        ),
    ];
    html! {
        <section class="panel-card" aria-labelledby="panel-title">
            <p class="eyebrow">{ icons::icon(icons::BOOK) }{ "RabbitMQ tutorial 1" }</p>
            <h2 id="panel-title">{ t.title.clone() }</h2>
            { for t.explanation.iter().map(|p| html! { <p>{ p.clone() }</p> }) }
            <h3>{ "In the diagram" }</h3>
            <ul class="legend">
                { for legend.iter().map(|(class, name, what)| html! {
                    <li><span class={classes!("swatch", *class)} aria-hidden="true"></span>
                        <span><strong>{ *name }</strong>{ " " }{ *what }</span></li>
                }) }
            </ul>
            <p class="hint">{ "Select a node to inspect it. Drag the background to pan; use + and − to zoom." }</p>
        </section>
    }
}

fn type_explanation(t: ExchangeType) -> &'static str {
    match t {
        ExchangeType::Direct => {
            "Routes a message to every queue whose binding key equals its routing key."
        }
        ExchangeType::Fanout => "Copies every message to every bound queue; keys are ignored.",
        ExchangeType::Topic => {
            "Matches the routing key's dot-separated words against binding patterns: \
             * is one word, # is zero or more."
        }
        ExchangeType::Headers => "Routes by matching message headers against binding arguments.",
    }
}

fn rows(t: &Topology, index: NodeId, node: &DiagramNode) -> Vec<(&'static str, String)> {
    match &node.kind {
        NodeKind::Producer {
            exchange,
            routing_key,
        } => vec![
            ("Publishes to", display_exchange_name(exchange).to_owned()),
            ("Routing key", routing_key.clone()),
        ],
        NodeKind::Exchange { exchange_type } => vec![
            ("Type", exchange_type.as_str().to_owned()),
            (
                "Name",
                if node.name.is_empty() {
                    "\"\" (the default exchange)".to_owned()
                } else {
                    node.name.clone()
                },
            ),
        ],
        NodeKind::Queue { ready, unacked } => vec![
            ("Ready", ready.to_string()),
            ("Unacked", unacked.to_string()),
            (
                "Consumers",
                t.edges
                    .iter()
                    .filter(|e| e.from == index && e.kind == EdgeKind::Subscription)
                    .count()
                    .to_string(),
            ),
        ],
        NodeKind::Consumer { queue, auto_ack } => vec![
            ("Consumes from", queue.clone()),
            (
                "Acknowledgement",
                if *auto_ack {
                    "automatic (no-ack)".to_owned()
                } else {
                    "manual".to_owned()
                },
            ),
        ],
    }
}

fn inspector(
    t: &Topology,
    index: NodeId,
    node: &DiagramNode,
    dispatch: &Callback<UiAction>,
) -> Html {
    let close = dispatch.reform(|_: MouseEvent| UiAction::Select(None));
    let note = match &node.kind {
        NodeKind::Exchange { exchange_type } => {
            let mut s = type_explanation(*exchange_type).to_owned();
            if node.name.is_empty() {
                s.push_str(" Every queue is bound to the default exchange by its own name.");
            }
            Some(s)
        }
        _ => None,
    };
    let links = t
        .edges
        .iter()
        .filter(|e| e.from == index || e.to == index)
        .filter_map(|e| {
            let (arrow, other) = if e.from == index {
                ("→", t.nodes.get(e.to)?)
            } else {
                ("←", t.nodes.get(e.from)?)
            };
            let word = match e.kind {
                EdgeKind::Publish => "publish",
                EdgeKind::Binding => "binding",
                EdgeKind::Subscription => "consume",
            };
            Some(html! {
                <li><span class="arrow" aria-hidden="true">{ arrow }</span>
                    { format!("{word} ({}) {} {}", e.label, other.kind.word(), other.display_name()) }</li>
            })
        })
        .collect::<Html>();
    html! {
        <section class="panel-card inspector" aria-labelledby="panel-title">
            <div class="panel-head">
                <p class="eyebrow">{ "Inspector" }</p>
                <button type="button" class="icon-button" aria-label="Close inspector" title="Close (Esc)"
                    onclick={close}>{ icons::icon(icons::CLOSE) }</button>
            </div>
            <h2 id="panel-title"><span class={classes!("swatch", kind_swatch(&node.kind))} aria-hidden="true"></span>
                { format!("{} {}", node.kind.word(), node.display_name()) }</h2>
            <dl class="facts">
                { for rows(t, index, node).into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
            </dl>
            { note.map(|n| html! { <p>{ n }</p> }).unwrap_or_default() }
            <h3>{ "Connections" }</h3>
            <ul class="links">{ links }</ul>
        </section>
    }
}

fn kind_swatch(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Producer { .. } => "node-producer",
        NodeKind::Exchange { .. } => "node-exchange",
        NodeKind::Queue { .. } => "node-queue",
        NodeKind::Consumer { .. } => "node-consumer",
    }
}
