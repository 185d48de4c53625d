//! The diagram derived from a [`Scenario`]: one node per producer, exchange, queue and consumer,
//! and the edges their fields imply (publishes-to, bindings, subscriptions, dead-letter and
//! alternate-exchange links), with the labels drawn and read out for each.
//!
//! Owns: what the drawing says about the model. Pure: no Yew, no web-sys, so it is unit-tested
//! natively. The scenario is the only source of truth; nothing here is stored.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::scenario::{DestinationType, ExchangeKind, NodeId, Point, Scenario};
use crate::ui::i18n::{tr, tr_with};

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A publishing client.
    Producer,
    /// An exchange of this type.
    Exchange(ExchangeKind),
    /// A queue.
    Queue,
    /// A consuming client.
    Consumer,
}

impl NodeKind {
    /// The word that starts the node's accessible label.
    pub fn word(self) -> &'static str {
        match self {
            NodeKind::Producer => "producer",
            NodeKind::Exchange(_) => "exchange",
            NodeKind::Queue => "queue",
            NodeKind::Consumer => "consumer",
        }
    }

    /// The kind of a node id (exchange type unknown: direct).
    pub fn of(id: &NodeId) -> Self {
        match id {
            NodeId::Producer(_) => NodeKind::Producer,
            NodeId::Exchange(_) => NodeKind::Exchange(ExchangeKind::Direct),
            NodeId::Queue(_) => NodeKind::Queue,
            NodeId::Consumer(_) => NodeKind::Consumer,
        }
    }
}

/// Shows the default exchange's empty name the way RabbitMQ's management UI does.
pub fn display_exchange(name: &str) -> &str {
    if name.is_empty() {
        "(AMQP default)"
    } else {
        name
    }
}

/// Message counts of one queue, filled in by playback (zero while editing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueCounts {
    /// Messages ready for delivery.
    pub ready: u64,
    /// Messages delivered and not yet acknowledged.
    pub unacked: u64,
}

/// One node as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    /// Which scenario object it is.
    pub id: NodeId,
    /// Its kind.
    pub kind: NodeKind,
    /// The name drawn (the default exchange shows as "(AMQP default)").
    pub name: String,
    /// The smaller second line.
    pub caption: String,
    /// The accessible label: kind and name first, then the facts.
    pub label: String,
    /// Centre, in diagram units.
    pub at: Point,
    /// Predeclared by the broker (the default exchange, `amq.*`): cannot be renamed or deleted.
    pub predeclared: bool,
    /// Queue counts (queues only).
    pub counts: QueueCounts,
    /// Playback stepped back before the runtime edit that declares it: the diagram has it,
    /// the model at this point does not yet (drawn dimmed).
    pub undeclared: bool,
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// producer → exchange: basic.publish.
    Publish,
    /// exchange → queue or exchange → exchange.
    Binding,
    /// The default exchange's implicit binding to a queue by its name.
    Implicit,
    /// queue → consumer: basic.consume.
    Subscription,
    /// queue → its dead-letter exchange (`x-dead-letter-exchange`).
    DeadLetter,
    /// exchange → its alternate exchange (`alternate-exchange`).
    Alternate,
}

impl EdgeKind {
    /// CSS class and marker suffix.
    pub fn class(self) -> &'static str {
        match self {
            EdgeKind::Publish => "publish",
            EdgeKind::Binding => "binding",
            EdgeKind::Implicit => "implicit",
            EdgeKind::Subscription => "subscription",
            EdgeKind::DeadLetter => "dead-letter",
            EdgeKind::Alternate => "alternate",
        }
    }

    /// Drawn dashed: derived from arguments, not a binding or subscription.
    pub fn dashed(self) -> bool {
        matches!(
            self,
            EdgeKind::DeadLetter | EdgeKind::Alternate | EdgeKind::Implicit
        )
    }
}

/// One label of an edge; bindings carry their index so clicking the label selects them.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLabel {
    /// The text drawn.
    pub text: String,
    /// Index into `topology.bindings`, for binding labels.
    pub binding: Option<usize>,
}

/// One edge as drawn; every binding between one pair shares an edge with one label each.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphEdge {
    /// What it stands for.
    pub kind: EdgeKind,
    /// Index of the source in [`Graph::nodes`].
    pub from: usize,
    /// Index of the target in [`Graph::nodes`].
    pub to: usize,
    /// Labels, stacked at the middle of the edge.
    pub labels: Vec<EdgeLabel>,
}

/// The whole drawing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    /// Nodes in the scenario's stable order.
    pub nodes: Vec<GraphNode>,
    /// Edges.
    pub edges: Vec<GraphEdge>,
    /// Indexes into `topology.bindings` of bindings whose runtime queue.bind / exchange.bind
    /// lies ahead of the playback position (drawn dimmed, like undeclared nodes).
    pub unbound: Vec<usize>,
}

impl Graph {
    /// The index of a node.
    pub fn index(&self, id: &NodeId) -> Option<usize> {
        self.nodes.iter().position(|n| &n.id == id)
    }
}

fn routing_keys_text(keys: &[String]) -> String {
    match keys {
        [] => String::new(),
        [one] if one.is_empty() => "\u{201c}\u{201d}".to_owned(),
        [one] => one.clone(),
        many => tr_with(
            "editor.edge.routing_keys",
            &[("count", &many.len().to_string())],
        ),
    }
}

/// The label of a binding: its key, or for a headers exchange its arguments.
pub fn binding_text(
    kind: Option<ExchangeKind>,
    key: &str,
    args: &serde_json::Map<String, Value>,
) -> String {
    if kind == Some(ExchangeKind::Headers) || (!args.is_empty() && key.is_empty()) {
        let parts: Vec<String> = args
            .iter()
            .map(|(k, v)| format!("{k}={}", plain(v)))
            .collect();
        if parts.is_empty() {
            "(no arguments)".to_owned()
        } else {
            parts.join(", ")
        }
    } else if kind == Some(ExchangeKind::Fanout) && key.is_empty() {
        "(all)".to_owned()
    } else if key.is_empty() {
        "\u{201c}\u{201d}".to_owned()
    } else {
        key.to_owned()
    }
}

/// A JSON value as a person would write it in a form (strings without quotes).
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Builds the drawing. `counts` gives each queue's message counts (empty while editing).
pub fn build(s: &Scenario, counts: &BTreeMap<String, QueueCounts>) -> Graph {
    let ids = s.nodes();
    let mut nodes = Vec::with_capacity(ids.len());
    for id in ids {
        let at = s
            .layout
            .get(&id.to_string())
            .copied()
            .unwrap_or(Point { x: 0.0, y: 0.0 });
        nodes.push(node(s, id, at, counts));
    }
    let mut g = Graph {
        nodes,
        edges: Vec::new(),
        unbound: Vec::new(),
    };
    // extend, not collect: collecting into a BTree sorts first, and each sort instance costs
    // kilobytes of wasm; inserting one by one costs nothing extra at these sizes.
    let mut index = BTreeMap::new();
    index.extend(
        g.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.to_string(), i)),
    );
    let at = |id: NodeId| index.get(&id.to_string()).copied();
    let mut edges: BTreeMap<(usize, usize, EdgeKind), Vec<EdgeLabel>> = BTreeMap::new();
    let mut add = |from: Option<usize>, to: Option<usize>, kind, label: EdgeLabel| {
        if let (Some(f), Some(t)) = (from, to) {
            edges.entry((f, t, kind)).or_default().push(label);
        }
    };
    for p in &s.producers {
        add(
            at(NodeId::Producer(p.id.clone())),
            at(NodeId::Exchange(p.exchange.clone())),
            EdgeKind::Publish,
            EdgeLabel {
                text: routing_keys_text(&p.routing_key.0),
                binding: None,
            },
        );
        if p.exchange.is_empty() {
            // The default exchange routes by queue name: draw the bindings that will be used.
            for key in &p.routing_key.0 {
                if s.queue(key).is_some() {
                    add(
                        at(NodeId::Exchange(String::new())),
                        at(NodeId::Queue(key.clone())),
                        EdgeKind::Implicit,
                        EdgeLabel {
                            text: key.clone(),
                            binding: None,
                        },
                    );
                }
            }
        }
    }
    for (i, b) in s.topology.bindings.iter().enumerate() {
        let kind = s
            .exchange(&b.source)
            .map(|x| x.kind)
            .or_else(|| crate::scenario::parse::predeclared_kind(&b.source));
        let to = match b.destination_type {
            DestinationType::Queue => at(NodeId::Queue(b.destination.clone())),
            DestinationType::Exchange => at(NodeId::Exchange(b.destination.clone())),
        };
        add(
            at(NodeId::Exchange(b.source.clone())),
            to,
            EdgeKind::Binding,
            EdgeLabel {
                text: binding_text(kind, &b.routing_key, &b.arguments),
                binding: Some(i),
            },
        );
    }
    for c in &s.consumers {
        if c.queue.is_empty() {
            continue;
        }
        let text = if c.auto_ack {
            tr("editor.label.auto_ack").to_owned()
        } else if c.prefetch > 0 {
            tr_with(
                "editor.edge.prefetch",
                &[("count", &c.prefetch.to_string())],
            )
        } else {
            tr("editor.label.manual_ack").to_owned()
        };
        add(
            at(NodeId::Queue(c.queue.clone())),
            at(NodeId::Consumer(c.id.clone())),
            EdgeKind::Subscription,
            EdgeLabel {
                text,
                binding: None,
            },
        );
    }
    for q in &s.topology.queues {
        if let Some(dlx) = q
            .arguments
            .get("x-dead-letter-exchange")
            .and_then(Value::as_str)
        {
            let key = q
                .arguments
                .get("x-dead-letter-routing-key")
                .and_then(Value::as_str);
            add(
                at(NodeId::Queue(q.name.clone())),
                at(NodeId::Exchange(dlx.to_owned())),
                EdgeKind::DeadLetter,
                EdgeLabel {
                    text: key.map_or_else(
                        || tr("editor.edge.dead_letters").to_owned(),
                        |k| tr_with("editor.edge.dead_letters_key", &[("key", k)]),
                    ),
                    binding: None,
                },
            );
        }
    }
    for x in &s.topology.exchanges {
        if let Some(ae) = x
            .arguments
            .get("alternate-exchange")
            .and_then(Value::as_str)
        {
            add(
                at(NodeId::Exchange(x.name.clone())),
                at(NodeId::Exchange(ae.to_owned())),
                EdgeKind::Alternate,
                EdgeLabel {
                    text: "unroutable".to_owned(),
                    binding: None,
                },
            );
        }
    }
    g.edges = edges
        .into_iter()
        .map(|((from, to, kind), labels)| GraphEdge {
            kind,
            from,
            to,
            labels,
        })
        .collect();
    g
}

fn node(s: &Scenario, id: NodeId, at: Point, counts: &BTreeMap<String, QueueCounts>) -> GraphNode {
    let mut counts_here = QueueCounts::default();
    let (kind, name, caption, label, predeclared) = match &id {
        NodeId::Producer(pid) => {
            let p = s.producers.iter().find(|p| &p.id == pid);
            let name = p.map_or_else(|| pid.clone(), |p| p.name.clone());
            let (exchange, keys) = p.map_or((String::new(), String::new()), |p| {
                (p.exchange.clone(), routing_keys_text(&p.routing_key.0))
            });
            let label = tr_with(
                "editor.label.producer",
                &[
                    ("name", &name),
                    ("exchange", display_exchange(&exchange)),
                    ("keys", &keys),
                ],
            );
            (
                NodeKind::Producer,
                name,
                "producer".to_owned(),
                label,
                false,
            )
        }
        NodeId::Exchange(xname) => {
            let declared = s.exchange(xname);
            let kind = declared
                .map(|x| x.kind)
                .or_else(|| crate::scenario::parse::predeclared_kind(xname))
                .unwrap_or(ExchangeKind::Direct);
            let name = display_exchange(xname).to_owned();
            let mut label = tr_with(
                "editor.label.exchange",
                &[("name", &name), ("type", kind.as_str())],
            );
            if declared.is_some_and(|x| x.internal) {
                label.push_str(tr("editor.label.internal"));
            }
            let caption = format!("{} exchange", kind.as_str());
            (
                NodeKind::Exchange(kind),
                name,
                caption,
                label,
                declared.is_none(),
            )
        }
        NodeId::Queue(qname) => {
            counts_here = counts.get(qname).copied().unwrap_or_default();
            let label = tr_with(
                "editor.label.queue",
                &[
                    ("name", qname),
                    ("ready", &counts_here.ready.to_string()),
                    ("unacked", &counts_here.unacked.to_string()),
                ],
            );
            let caption = format!(
                "{} ready · {} unacked",
                counts_here.ready, counts_here.unacked
            );
            (NodeKind::Queue, qname.clone(), caption, label, false)
        }
        NodeId::Consumer(cid) => {
            let c = s.consumers.iter().find(|c| &c.id == cid);
            let name = c.map_or_else(|| cid.clone(), |c| c.name.clone());
            let queue = c.map(|c| c.queue.clone()).unwrap_or_default();
            let ack = if c.is_some_and(|c| c.auto_ack) {
                tr("editor.label.auto_ack")
            } else {
                tr("editor.label.manual_ack")
            };
            let label = if queue.is_empty() {
                tr_with("editor.label.consumer_idle", &[("name", &name)])
            } else {
                tr_with(
                    "editor.label.consumer",
                    &[("name", &name), ("queue", &queue), ("ack", ack)],
                )
            };
            (
                NodeKind::Consumer,
                name,
                "consumer".to_owned(),
                label,
                false,
            )
        }
    };
    GraphNode {
        id,
        kind,
        name,
        caption,
        label,
        at,
        predeclared,
        counts: counts_here,
        undeclared: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;

    fn preset(id: &str) -> Scenario {
        presets::load(id).expect("preset").scenario
    }

    #[test]
    fn hello_world_draws_the_default_exchange_and_its_implicit_binding() {
        let g = build(&preset("hello-world"), &BTreeMap::new());
        let labels: Vec<&str> = g.nodes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels.len(), 4, "{labels:?}");
        assert!(labels[0].starts_with("producer send.py, publishes to exchange (AMQP default)"));
        assert_eq!(labels[1], "exchange (AMQP default), direct");
        assert_eq!(labels[2], "queue hello, 0 ready, 0 unacked");
        assert_eq!(
            labels[3],
            "consumer receive.py, consumes from queue hello, auto-ack"
        );
        assert!(g.nodes[1].predeclared);
        let kinds: Vec<EdgeKind> = g.edges.iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&EdgeKind::Publish));
        assert!(kinds.contains(&EdgeKind::Implicit));
        assert!(kinds.contains(&EdgeKind::Subscription));
    }

    #[test]
    fn two_bindings_between_one_pair_share_an_edge_with_two_labels() {
        let g = build(&preset("topics"), &BTreeMap::new());
        let q2 = g.index(&NodeId::Queue("Q2".into())).expect("Q2");
        let e: Vec<&GraphEdge> = g
            .edges
            .iter()
            .filter(|e| e.to == q2 && e.kind == EdgeKind::Binding)
            .collect();
        assert_eq!(e.len(), 1);
        let texts: Vec<&str> = e[0].labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["*.*.rabbit", "lazy.#"]);
        assert_eq!(e[0].labels[1].binding, Some(2));
    }

    #[test]
    fn dead_letter_and_alternate_links_come_from_arguments() {
        let g = build(&preset("dead-lettering"), &BTreeMap::new());
        assert!(g.edges.iter().any(|e| e.kind == EdgeKind::DeadLetter));
        let g = build(&preset("alternate-exchange"), &BTreeMap::new());
        assert!(g.edges.iter().any(|e| e.kind == EdgeKind::Alternate));
    }

    #[test]
    fn queue_counts_show_in_label_and_caption() {
        let mut counts = BTreeMap::new();
        counts.insert(
            "hello".to_owned(),
            QueueCounts {
                ready: 3,
                unacked: 1,
            },
        );
        let g = build(&preset("hello-world"), &counts);
        assert_eq!(g.nodes[2].label, "queue hello, 3 ready, 1 unacked");
        assert_eq!(g.nodes[2].caption, "3 ready · 1 unacked");
    }

    #[test]
    fn headers_bindings_are_labelled_with_their_arguments() {
        let mut args = serde_json::Map::new();
        args.insert("x-match".into(), Value::from("all"));
        args.insert("format".into(), Value::from("pdf"));
        assert_eq!(
            binding_text(Some(ExchangeKind::Headers), "", &args),
            "x-match=all, format=pdf"
        );
        assert_eq!(
            binding_text(Some(ExchangeKind::Fanout), "", &serde_json::Map::new()),
            "(all)"
        );
    }
}
