//! The small ui-side description of the diagram drawn at start: nodes, edges and their labels.
//!
//! Owns: what kind each node is and what it says about itself (its accessible label).
//! This is a stand-in until the scenario format and the editor own the topology; it holds no broker
//! state of its own and must not import `broker`, `sim` or Yew.

/// Index of a node in [`Topology::nodes`].
pub type NodeId = usize;

/// The AMQP exchange types, shown by shape and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeType {
    /// Routes on an exact routing key match.
    Direct,
    /// Copies every message to every bound queue.
    Fanout,
    /// Routes on `*`/`#` patterns over dot-separated words.
    Topic,
    /// Routes on header arguments.
    Headers,
}

impl ExchangeType {
    /// The AMQP name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeType::Direct => "direct",
            ExchangeType::Fanout => "fanout",
            ExchangeType::Topic => "topic",
            ExchangeType::Headers => "headers",
        }
    }
}

/// What a node is, with the few facts its label shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// A publishing client.
    Producer {
        /// Exchange it publishes to (`""` is the default exchange).
        exchange: String,
        /// Routing key of its messages.
        routing_key: String,
    },
    /// An exchange.
    Exchange {
        /// Its type.
        exchange_type: ExchangeType,
    },
    /// A queue with its message counts.
    Queue {
        /// Messages ready for delivery.
        ready: u32,
        /// Messages delivered and not yet acknowledged.
        unacked: u32,
    },
    /// A consuming client.
    Consumer {
        /// Queue it consumes from.
        queue: String,
        /// `no_ack` on basic.consume: messages count as acknowledged when sent.
        auto_ack: bool,
    },
}

impl NodeKind {
    /// The word used for this kind in labels ("producer", "exchange", ...).
    pub fn word(&self) -> &'static str {
        match self {
            NodeKind::Producer { .. } => "producer",
            NodeKind::Exchange { .. } => "exchange",
            NodeKind::Queue { .. } => "queue",
            NodeKind::Consumer { .. } => "consumer",
        }
    }
}

/// One node of the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramNode {
    /// Its name; `""` for the default exchange.
    pub name: String,
    /// Its kind and facts.
    pub kind: NodeKind,
}

/// Shows the default exchange's empty name the way RabbitMQ's management UI does.
pub fn display_exchange_name(name: &str) -> &str {
    if name.is_empty() {
        "(AMQP default)"
    } else {
        name
    }
}

impl DiagramNode {
    /// The name as drawn.
    pub fn display_name(&self) -> &str {
        match self.kind {
            NodeKind::Exchange { .. } => display_exchange_name(&self.name),
            _ => &self.name,
        }
    }

    /// The second line drawn under the name.
    pub fn caption(&self) -> String {
        match &self.kind {
            NodeKind::Producer { .. } => "producer".to_owned(),
            NodeKind::Exchange { exchange_type } => format!("{} exchange", exchange_type.as_str()),
            NodeKind::Queue { ready, unacked } => format!("{ready} ready · {unacked} unacked"),
            NodeKind::Consumer { .. } => "consumer".to_owned(),
        }
    }

    /// The accessible label: always starts with the kind and the name, then the facts a
    /// screen-reader user needs (e.g. "queue hello, 0 ready, 0 unacked").
    pub fn aria_label(&self) -> String {
        let head = format!("{} {}", self.kind.word(), self.display_name());
        match &self.kind {
            NodeKind::Producer {
                exchange,
                routing_key,
            } => format!(
                "{head}, publishes to exchange {} with routing key {routing_key}",
                display_exchange_name(exchange)
            ),
            NodeKind::Exchange { exchange_type } => format!("{head}, {}", exchange_type.as_str()),
            NodeKind::Queue { ready, unacked } => {
                format!("{head}, {ready} ready, {unacked} unacked")
            }
            NodeKind::Consumer { queue, auto_ack } => format!(
                "{head}, consumes from queue {queue}, {}",
                if *auto_ack { "auto-ack" } else { "manual ack" }
            ),
        }
    }
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// producer → exchange: basic.publish.
    Publish,
    /// exchange → queue or exchange → exchange.
    Binding,
    /// queue → consumer: basic.consume.
    Subscription,
}

/// One directed edge of the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramEdge {
    /// Source node.
    pub from: NodeId,
    /// Target node.
    pub to: NodeId,
    /// What it stands for.
    pub kind: EdgeKind,
    /// Short label drawn beside it (e.g. "key: hello").
    pub label: String,
}

/// A named diagram with a short explanation for the side panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// Title shown in the toolbar and panel.
    pub title: String,
    /// Paragraphs that explain what the diagram shows.
    pub explanation: Vec<String>,
    /// Nodes; [`NodeId`] indexes this.
    pub nodes: Vec<DiagramNode>,
    /// Edges between nodes.
    pub edges: Vec<DiagramEdge>,
}

impl Topology {
    /// How many nodes of the given kind word ("queue", ...) the diagram has.
    pub fn count(&self, word: &str) -> usize {
        self.nodes.iter().filter(|n| n.kind.word() == word).count()
    }

    /// A one-line summary, e.g. "1 producer, 1 exchange, 1 queue, 1 consumer".
    pub fn summary(&self) -> String {
        ["producer", "exchange", "queue", "consumer"]
            .iter()
            .map(|word| {
                let n = self.count(word);
                format!("{n} {word}{}", if n == 1 { "" } else { "s" })
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// RabbitMQ tutorial 1, "Hello World": P → (AMQP default) → hello → C.
pub fn hello_world() -> Topology {
    Topology {
        title: "Hello World".to_owned(),
        explanation: vec![
            "The producer P publishes a message with routing key \u{201c}hello\u{201d} to the \
             default exchange, which has no name."
                .to_owned(),
            "Every queue is bound to the default exchange by its own name, so the message is \
             routed to the queue \u{201c}hello\u{201d}, where it waits until it is delivered."
                .to_owned(),
            "The consumer C subscribes to \u{201c}hello\u{201d} with automatic acknowledgement: \
             RabbitMQ forgets each message as soon as it is sent to C."
                .to_owned(),
        ],
        nodes: vec![
            DiagramNode {
                name: "P".to_owned(),
                kind: NodeKind::Producer {
                    exchange: String::new(),
                    routing_key: "hello".to_owned(),
                },
            },
            DiagramNode {
                name: String::new(),
                kind: NodeKind::Exchange {
                    exchange_type: ExchangeType::Direct,
                },
            },
            DiagramNode {
                name: "hello".to_owned(),
                kind: NodeKind::Queue {
                    ready: 0,
                    unacked: 0,
                },
            },
            DiagramNode {
                name: "C".to_owned(),
                kind: NodeKind::Consumer {
                    queue: "hello".to_owned(),
                    auto_ack: true,
                },
            },
        ],
        edges: vec![
            DiagramEdge {
                from: 0,
                to: 1,
                kind: EdgeKind::Publish,
                label: "key: hello".to_owned(),
            },
            DiagramEdge {
                from: 1,
                to: 2,
                kind: EdgeKind::Binding,
                label: "key: hello".to_owned(),
            },
            DiagramEdge {
                from: 2,
                to: 3,
                kind: EdgeKind::Subscription,
                label: "auto-ack".to_owned(),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_world_labels_start_with_kind_and_name() {
        let t = hello_world();
        let labels: Vec<String> = t.nodes.iter().map(DiagramNode::aria_label).collect();
        assert!(labels[0].starts_with("producer P"), "{}", labels[0]);
        assert!(labels[1].starts_with("exchange (AMQP default), direct"));
        assert_eq!(labels[2], "queue hello, 0 ready, 0 unacked");
        assert!(labels[3].starts_with("consumer C, consumes from queue hello"));
    }

    #[test]
    fn edges_point_at_existing_nodes_in_flow_order() {
        let t = hello_world();
        for e in &t.edges {
            assert!(e.from < t.nodes.len() && e.to < t.nodes.len());
            assert_ne!(e.from, e.to);
        }
        assert_eq!(t.summary(), "1 producer, 1 exchange, 1 queue, 1 consumer");
    }

    #[test]
    fn queue_label_follows_counts() {
        let node = DiagramNode {
            name: "task_queue".to_owned(),
            kind: NodeKind::Queue {
                ready: 3,
                unacked: 1,
            },
        };
        assert_eq!(node.aria_label(), "queue task_queue, 3 ready, 1 unacked");
        assert_eq!(node.caption(), "3 ready · 1 unacked");
    }
}
