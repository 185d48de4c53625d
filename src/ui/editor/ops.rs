//! Edits of a [`Scenario`] as the diagram sees them: add a node at a free spot, connect two
//! nodes (what that means depends on the pair), delete, duplicate, rename with every reference
//! following, move, and keep the layout covering exactly the drawn nodes.
//!
//! Owns: the meaning of each gesture for the model. Pure; every edit is followed by the
//! scenario module's own validation in [`super::state`] before it is kept.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::scenario::{
    Action, Binding, Consumer, DestinationType, Exchange, ExchangeKind, NodeId, Point, Producer,
    Properties, Queue, Rate, RoutingKeys, Scenario, Topology,
};
use crate::ui::i18n::{tr, tr_with};

/// Width of every node's shape, in diagram units.
pub const NODE_W: f64 = 168.0;
/// Height of every node's shape, in diagram units.
pub const NODE_H: f64 = 60.0;
/// Grid step used by snap and by the free-spot search.
pub const GRID: f64 = 20.0;

/// A kind of node the palette adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewNode {
    /// "Add producer".
    Producer,
    /// "Add exchange".
    Exchange,
    /// "Add queue".
    Queue,
    /// "Add consumer".
    Consumer,
}

impl NewNode {
    /// The word used in buttons and messages.
    pub fn word(self) -> &'static str {
        match self {
            NewNode::Producer => "producer",
            NewNode::Exchange => "exchange",
            NewNode::Queue => "queue",
            NewNode::Consumer => "consumer",
        }
    }
}

/// An empty scenario: the blank canvas.
pub fn empty_scenario() -> Scenario {
    Scenario {
        title: "Untitled".to_owned(),
        notes: String::new(),
        seed: 1,
        topology: Topology::default(),
        producers: Vec::new(),
        consumers: Vec::new(),
        layout: Default::default(),
        lesson: None,
        script: Vec::new(),
    }
}

fn taken_id(s: &Scenario, id: &str) -> bool {
    s.producers.iter().any(|p| p.id == id) || s.consumers.iter().any(|c| c.id == id)
}

fn fresh(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    (1u32..)
        .map(|n| format!("{prefix}{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| prefix.to_owned())
}

/// Whether two node centres `d` apart would draw overlapping boxes (with a grid's margin),
/// in the landscape drawing or in the transposed (portrait) one, which draws model y across
/// at [`TRANSPOSED_ACROSS`] and model x downwards at [`TRANSPOSED_ALONG`]: the same layout is
/// shown both ways, so a free spot must be free in both.
///
/// [`TRANSPOSED_ACROSS`]: super::state::TRANSPOSED_ACROSS
/// [`TRANSPOSED_ALONG`]: super::state::TRANSPOSED_ALONG
pub fn overlaps(dx: f64, dy: f64) -> bool {
    use super::state::{TRANSPOSED_ACROSS, TRANSPOSED_ALONG};
    let (dx, dy) = (dx.abs(), dy.abs());
    (dx < NODE_W + GRID && dy < NODE_H + GRID)
        || (dy * TRANSPOSED_ACROSS < NODE_W + GRID && dx * TRANSPOSED_ALONG < NODE_H + GRID)
}

/// Whether a node centred at `p` would overlap any drawn node.
fn occupied(s: &Scenario, p: Point, skip: &BTreeSet<String>) -> bool {
    s.layout
        .iter()
        .any(|(k, q)| !skip.contains(k) && overlaps(q.x - p.x, q.y - p.y))
}

/// The free spot nearest to `near` (searching outwards on the grid), so a new node never
/// lands on another.
pub fn free_spot(s: &Scenario, near: Point) -> Point {
    free_spot_skipping(s, near, &BTreeSet::new(), None)
}

/// Model-space corners (least, greatest) of where node centres are on screen; spots outside
/// cost more, so a new node lands where it can be seen and not under the overlays at the
/// canvas edges when there is room.
pub type Within = Option<(Point, Point)>;

/// Extra cost (in squared grid steps) of a spot off screen: a spot up to 100 steps further
/// away on screen still wins.
const OFF_SCREEN: i64 = 10_000;

/// How far a spot `dx`, `dy` grid steps from the wanted one is: Euclidean, but spots above or
/// left cost three times as much, because up-left is where the toolbar and palette are (left in the
/// landscape drawing, up in the portrait one, where model x is drawn downwards) and a node
/// there may land under them.
fn spot_cost(dx: i32, dy: i32) -> i64 {
    let w = |d: i32| i64::from(if d < 0 { 3 * d } else { d });
    w(dx) * w(dx) + w(dy) * w(dy)
}

fn free_spot_skipping(s: &Scenario, near: Point, skip: &BTreeSet<String>, within: Within) -> Point {
    let start = snap_point(near);
    let at = |dx: i32, dy: i32| Point {
        x: start.x + f64::from(dx) * GRID,
        y: start.y + f64::from(dy) * GRID,
    };
    // Square rings of growing radius on the grid; the cheapest free spot wins. A spot in a
    // later ring can still be cheaper than one found (ring r holds costs from r² up), so the
    // search goes on until no later ring can beat it.
    let mut best: Option<(i64, i32, i32)> = None;
    for r in 0..400i32 {
        if best.is_some_and(|(c, _, _)| c < i64::from(r) * i64::from(r)) {
            break;
        }
        for dy in -r..=r {
            let step = if dy.abs() == r {
                1
            } else {
                (2 * r).max(1) as usize
            };
            for dx in (-r..=r).step_by(step) {
                let p = at(dx, dy);
                let off = within
                    .is_some_and(|(lo, hi)| p.x < lo.x || p.x > hi.x || p.y < lo.y || p.y > hi.y);
                let c = spot_cost(dx, dy) + if off { OFF_SCREEN } else { 0 };
                if best.is_none_or(|(b, _, _)| c < b) && !occupied(s, p, skip) {
                    best = Some((c, dx, dy));
                }
            }
        }
    }
    best.map_or(start, |(_, dx, dy)| at(dx, dy))
}

/// Rounds to the grid.
pub fn snap_point(p: Point) -> Point {
    Point {
        x: (p.x / GRID).round() * GRID,
        y: (p.y / GRID).round() * GRID,
    }
}

/// Adds a node of `kind` near `near`; returns its id.
#[cfg(test)]
pub fn add_node(s: &mut Scenario, kind: NewNode, near: Point) -> NodeId {
    add_node_within(s, kind, near, None)
}

/// Adds a node of `kind` at the free spot nearest `near`, on screen (`within`) if there is
/// room; returns its id.
pub fn add_node_within(s: &mut Scenario, kind: NewNode, near: Point, within: Within) -> NodeId {
    let id = match kind {
        NewNode::Producer => {
            let id = fresh("p", |n| taken_id(s, n));
            let name = fresh("P", |n| s.producers.iter().any(|p| p.name == n));
            s.producers.push(new_producer(id.clone(), name));
            NodeId::Producer(id)
        }
        NewNode::Consumer => {
            let id = fresh("c", |n| taken_id(s, n));
            let name = fresh("C", |n| s.consumers.iter().any(|c| c.name == n));
            s.consumers.push(new_consumer(id.clone(), name));
            NodeId::Consumer(id)
        }
        NewNode::Exchange => {
            let name = fresh("ex", |n| s.exchange(n).is_some());
            s.topology.exchanges.push(Exchange {
                name: name.clone(),
                kind: ExchangeKind::Direct,
                durable: true,
                auto_delete: false,
                internal: false,
                arguments: Map::new(),
            });
            NodeId::Exchange(name)
        }
        NewNode::Queue => {
            let name = fresh("q", |n| s.queue(n).is_some());
            s.topology.queues.push(Queue {
                name: name.clone(),
                durable: true,
                auto_delete: false,
                exclusive: false,
                server_named: false,
                arguments: Map::new(),
            });
            NodeId::Queue(name)
        }
    };
    let at = free_spot_skipping(s, near, &BTreeSet::new(), within);
    s.layout.insert(id.to_string(), at);
    ensure_layout(s);
    id
}

fn new_producer(id: String, name: String) -> Producer {
    Producer {
        connection: id.clone(),
        id,
        name,
        exchange: String::new(),
        routing_key: RoutingKeys(vec![String::new()]),
        headers: Map::new(),
        properties: Properties::default(),
        body: "Message {n}".to_owned(),
        rate: Rate::Once,
        count: None,
        start_ms: 0,
        mandatory: false,
        confirms: false,
    }
}

fn new_consumer(id: String, name: String) -> Consumer {
    Consumer {
        connection: id.clone(),
        id,
        name,
        queue: String::new(),
        prefetch: 0,
        auto_ack: false,
        processing_ms: 0,
        action: Action::Ack,
        failure_rate: 0.0,
        failure_action: None,
        priority: None,
        exclusive: false,
        reply_to_reply: false,
    }
}

/// Gives every drawn node a position and drops positions of nodes that are gone. Nodes that
/// appear by themselves (the default exchange when a producer starts using it) are put at a
/// free spot right of their first neighbour.
pub fn ensure_layout(s: &mut Scenario) {
    let nodes = s.nodes();
    // extend, not collect: collecting into a BTree sorts first, and each sort instance costs
    // kilobytes of wasm; inserting one by one costs nothing extra at these sizes.
    let mut keys = BTreeSet::new();
    keys.extend(nodes.iter().map(ToString::to_string));
    s.layout.retain(|k, _| keys.contains(k));
    for n in &nodes {
        let key = n.to_string();
        if s.layout.contains_key(&key) {
            continue;
        }
        let near = neighbour_position(s, n)
            .map(|p| Point {
                x: p.x + NODE_W + 60.0,
                y: p.y,
            })
            .unwrap_or(Point { x: 0.0, y: 0.0 });
        let at = free_spot(s, near);
        s.layout.insert(key, at);
    }
}

fn neighbour_position(s: &Scenario, n: &NodeId) -> Option<Point> {
    if let NodeId::Exchange(x) = n {
        let p = s.producers.iter().find(|p| &p.exchange == x)?;
        return s
            .layout
            .get(&NodeId::Producer(p.id.clone()).to_string())
            .copied();
    }
    None
}

/// What dragging a connection from `from` to `to` would do, or why it is refused.
pub fn connection_meaning(s: &Scenario, from: &NodeId, to: &NodeId) -> Result<String, String> {
    use NodeId as N;
    match (from, to) {
        _ if from == to => Err(tr("editor.connect.self").to_owned()),
        (N::Producer(_), N::Exchange(x)) => {
            if s.exchange(x).is_some_and(|e| e.internal) {
                Err(tr_with("editor.connect.internal", &[("name", x)]))
            } else {
                Ok(tr_with(
                    "editor.connect.publish",
                    &[("name", super::graph::display_exchange(x))],
                ))
            }
        }
        (N::Producer(_), N::Queue(q)) => {
            Ok(tr_with("editor.connect.publish_queue", &[("name", q)]))
        }
        (N::Exchange(x), N::Queue(q)) | (N::Exchange(x), N::Exchange(q)) if x.is_empty() => {
            let _ = q;
            Err(tr("editor.connect.default_bound").to_owned())
        }
        (N::Exchange(_), N::Exchange(d)) if d.is_empty() => {
            Err(tr("editor.connect.into_default").to_owned())
        }
        (N::Exchange(x), N::Queue(q)) => Ok(tr_with(
            "editor.connect.bind_queue",
            &[("queue", q), ("exchange", x)],
        )),
        (N::Exchange(x), N::Exchange(d)) => Ok(tr_with(
            "editor.connect.bind_exchange",
            &[("destination", d), ("exchange", x)],
        )),
        (N::Queue(q), N::Consumer(_)) => Ok(tr_with("editor.connect.consume", &[("name", q)])),
        (N::Queue(q), N::Exchange(x)) => Ok(tr_with(
            "editor.connect.dead_letter",
            &[
                ("queue", q),
                ("exchange", super::graph::display_exchange(x)),
            ],
        )),
        (_, N::Producer(_)) => Err(tr("editor.connect.into_producer").to_owned()),
        (N::Consumer(_), _) => Err(tr("editor.connect.from_consumer").to_owned()),
        (N::Producer(_), N::Consumer(_)) => Err(tr("editor.connect.producer_consumer").to_owned()),
        (N::Exchange(_), N::Consumer(_)) => Err(tr("editor.connect.exchange_consumer").to_owned()),
        (N::Queue(_), N::Queue(_)) => Err(tr("editor.connect.queue_queue").to_owned()),
    }
}

/// A binding key for a new binding that does not repeat an existing identical binding.
fn new_binding_key(s: &Scenario, source: &str, dest: &str, dt: DestinationType) -> String {
    let kind = s.exchange(source).map(|x| x.kind);
    let base = match kind {
        Some(ExchangeKind::Fanout) | Some(ExchangeKind::Headers) => String::new(),
        _ => dest.to_owned(),
    };
    let exists = |k: &str| {
        s.topology.bindings.iter().any(|b| {
            b.source == source
                && b.destination == dest
                && b.destination_type == dt
                && b.routing_key == k
        })
    };
    if !exists(&base) {
        return base;
    }
    let stem = if base.is_empty() { "key" } else { &base };
    fresh(&format!("{stem}."), exists)
}

/// What a connection changed, for selecting it afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connected {
    /// A node's field changed.
    Node(NodeId),
    /// A binding was added at this index.
    Binding(usize),
}

/// Makes the connection `from` → `to`: producer → exchange sets the producer's exchange;
/// producer → queue publishes to it through the default exchange; exchange → queue/exchange
/// adds a binding; queue → consumer sets the consumer's queue; queue → exchange sets the
/// queue's dead-letter exchange.
pub fn connect(s: &mut Scenario, from: &NodeId, to: &NodeId) -> Result<Connected, String> {
    connection_meaning(s, from, to)?;
    let result = match (from, to) {
        (NodeId::Producer(p), NodeId::Exchange(x)) => {
            let pr = s
                .producers
                .iter_mut()
                .find(|pr| &pr.id == p)
                .ok_or_else(|| tr_with("editor.connect.no_producer", &[("name", p)]))?;
            pr.exchange = x.clone();
            Connected::Node(from.clone())
        }
        (NodeId::Producer(p), NodeId::Queue(q)) => {
            let pr = s
                .producers
                .iter_mut()
                .find(|pr| &pr.id == p)
                .ok_or_else(|| tr_with("editor.connect.no_producer", &[("name", p)]))?;
            pr.exchange = String::new();
            pr.routing_key = RoutingKeys(vec![q.clone()]);
            Connected::Node(from.clone())
        }
        (NodeId::Exchange(x), NodeId::Queue(d)) | (NodeId::Exchange(x), NodeId::Exchange(d)) => {
            let dt = if matches!(to, NodeId::Queue(_)) {
                DestinationType::Queue
            } else {
                DestinationType::Exchange
            };
            let routing_key = new_binding_key(s, x, d, dt);
            let mut arguments = Map::new();
            if s.exchange(x).map(|e| e.kind) == Some(ExchangeKind::Headers) {
                arguments.insert("x-match".into(), Value::from("all"));
            }
            s.topology.bindings.push(Binding {
                source: x.clone(),
                destination: d.clone(),
                destination_type: dt,
                routing_key,
                arguments,
            });
            Connected::Binding(s.topology.bindings.len() - 1)
        }
        (NodeId::Queue(q), NodeId::Consumer(c)) => {
            let co = s
                .consumers
                .iter_mut()
                .find(|co| &co.id == c)
                .ok_or_else(|| tr_with("editor.connect.no_consumer", &[("name", c)]))?;
            co.queue = q.clone();
            Connected::Node(to.clone())
        }
        (NodeId::Queue(q), NodeId::Exchange(x)) => {
            let qu = s
                .topology
                .queues
                .iter_mut()
                .find(|qu| &qu.name == q)
                .ok_or_else(|| tr_with("editor.connect.no_queue", &[("name", q)]))?;
            qu.arguments
                .insert("x-dead-letter-exchange".into(), Value::from(x.clone()));
            Connected::Node(from.clone())
        }
        _ => return Err(tr("editor.connect.impossible").to_owned()),
    };
    ensure_layout(s);
    Ok(result)
}

/// Deletes nodes and bindings. References to a deleted exchange or queue are cleared (a
/// producer falls back to the default exchange, a consumer is left unsubscribed), so the
/// model stays valid and the drawing shows what remains. Predeclared exchanges are kept.
/// Returns how many things were deleted.
pub fn delete(s: &mut Scenario, nodes: &[NodeId], bindings: &[usize]) -> usize {
    let mut count = 0;
    let mut drop_bindings = BTreeSet::new();
    drop_bindings.extend(
        bindings
            .iter()
            .copied()
            .filter(|i| *i < s.topology.bindings.len()),
    );
    count += drop_bindings.len();
    for n in nodes {
        match n {
            NodeId::Producer(id) => {
                let before = s.producers.len();
                s.producers.retain(|p| &p.id != id);
                count += before - s.producers.len();
            }
            NodeId::Consumer(id) => {
                let before = s.consumers.len();
                s.consumers.retain(|c| &c.id != id);
                count += before - s.consumers.len();
            }
            NodeId::Exchange(x) => {
                if s.exchange(x).is_none() {
                    continue;
                }
                s.topology.exchanges.retain(|e| &e.name != x);
                count += 1;
                for (i, b) in s.topology.bindings.iter().enumerate() {
                    let dest_is_x =
                        b.destination_type == DestinationType::Exchange && &b.destination == x;
                    if &b.source == x || dest_is_x {
                        drop_bindings.insert(i);
                    }
                }
                for p in s.producers.iter_mut().filter(|p| &p.exchange == x) {
                    p.exchange = String::new();
                }
                for e in &mut s.topology.exchanges {
                    if e.arguments
                        .get("alternate-exchange")
                        .and_then(Value::as_str)
                        == Some(x)
                    {
                        e.arguments.remove("alternate-exchange");
                    }
                }
                for q in &mut s.topology.queues {
                    if q.arguments
                        .get("x-dead-letter-exchange")
                        .and_then(Value::as_str)
                        == Some(x)
                    {
                        q.arguments.remove("x-dead-letter-exchange");
                        q.arguments.remove("x-dead-letter-routing-key");
                    }
                }
            }
            NodeId::Queue(q) => {
                if s.queue(q).is_none() {
                    continue;
                }
                s.topology.queues.retain(|e| &e.name != q);
                count += 1;
                for (i, b) in s.topology.bindings.iter().enumerate() {
                    if b.destination_type == DestinationType::Queue && &b.destination == q {
                        drop_bindings.insert(i);
                    }
                }
                for c in s.consumers.iter_mut().filter(|c| &c.queue == q) {
                    c.queue = String::new();
                }
            }
        }
    }
    let mut i = 0;
    s.topology.bindings.retain(|_| {
        let keep = !drop_bindings.contains(&i);
        i += 1;
        keep
    });
    ensure_layout(s);
    count
}

/// Copies nodes (with the bindings among the copied exchanges and queues) next to the
/// originals; returns the new ids.
pub fn duplicate(s: &mut Scenario, nodes: &[NodeId]) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut renamed: Vec<(NodeId, NodeId)> = Vec::new();
    for n in nodes {
        let new = match n {
            NodeId::Producer(id) => {
                let Some(mut p) = s.producers.iter().find(|p| &p.id == id).cloned() else {
                    continue;
                };
                p.id = fresh(&format!("{id}-"), |n| taken_id(s, n));
                p.connection = p.id.clone();
                p.name = format!("{} copy", p.name);
                let nid = NodeId::Producer(p.id.clone());
                s.producers.push(p);
                nid
            }
            NodeId::Consumer(id) => {
                let Some(mut c) = s.consumers.iter().find(|c| &c.id == id).cloned() else {
                    continue;
                };
                c.id = fresh(&format!("{id}-"), |n| taken_id(s, n));
                c.connection = c.id.clone();
                c.name = format!("{} copy", c.name);
                let nid = NodeId::Consumer(c.id.clone());
                s.consumers.push(c);
                nid
            }
            NodeId::Exchange(x) => {
                let Some(mut e) = s.exchange(x).cloned() else {
                    continue;
                };
                e.name = fresh(&format!("{x}-"), |n| s.exchange(n).is_some());
                let nid = NodeId::Exchange(e.name.clone());
                s.topology.exchanges.push(e);
                nid
            }
            NodeId::Queue(q) => {
                let Some(mut e) = s.queue(q).cloned() else {
                    continue;
                };
                e.name = fresh(&format!("{q}-"), |n| s.queue(n).is_some());
                let nid = NodeId::Queue(e.name.clone());
                s.topology.queues.push(e);
                nid
            }
        };
        let at = s
            .layout
            .get(&n.to_string())
            .copied()
            .unwrap_or(Point { x: 0.0, y: 0.0 });
        let spot = free_spot(
            s,
            Point {
                x: at.x + 2.0 * GRID,
                y: at.y + NODE_H + 2.0 * GRID,
            },
        );
        s.layout.insert(new.to_string(), spot);
        renamed.push((n.clone(), new.clone()));
        out.push(new);
    }
    // Bindings whose both ends were copied are copied too, between the copies.
    let name_of = |id: &NodeId| -> Option<String> {
        renamed
            .iter()
            .find(|(old, _)| old == id)
            .map(|(_, new)| match new {
                NodeId::Exchange(n) | NodeId::Queue(n) => n.clone(),
                NodeId::Producer(n) | NodeId::Consumer(n) => n.clone(),
            })
    };
    let mut extra = Vec::new();
    for b in &s.topology.bindings {
        let dest = match b.destination_type {
            DestinationType::Queue => NodeId::Queue(b.destination.clone()),
            DestinationType::Exchange => NodeId::Exchange(b.destination.clone()),
        };
        if let (Some(src), Some(dst)) =
            (name_of(&NodeId::Exchange(b.source.clone())), name_of(&dest))
        {
            let mut nb = b.clone();
            nb.source = src;
            nb.destination = dst;
            extra.push(nb);
        }
    }
    s.topology.bindings.extend(extra);
    ensure_layout(s);
    out
}

/// Renames an exchange and every reference to it (bindings, producers, alternate and
/// dead-letter arguments, layout).
pub fn rename_exchange(s: &mut Scenario, old: &str, new: &str) {
    for e in &mut s.topology.exchanges {
        if e.name == old {
            e.name = new.to_owned();
        }
        if e.arguments
            .get("alternate-exchange")
            .and_then(Value::as_str)
            == Some(old)
        {
            e.arguments
                .insert("alternate-exchange".into(), Value::from(new));
        }
    }
    for b in &mut s.topology.bindings {
        if b.source == old {
            b.source = new.to_owned();
        }
        if b.destination_type == DestinationType::Exchange && b.destination == old {
            b.destination = new.to_owned();
        }
    }
    for p in &mut s.producers {
        if p.exchange == old {
            p.exchange = new.to_owned();
        }
    }
    for q in &mut s.topology.queues {
        if q.arguments
            .get("x-dead-letter-exchange")
            .and_then(Value::as_str)
            == Some(old)
        {
            q.arguments
                .insert("x-dead-letter-exchange".into(), Value::from(new));
        }
    }
    move_key(
        s,
        &NodeId::Exchange(old.into()),
        &NodeId::Exchange(new.into()),
    );
}

/// Renames a queue and every reference to it (bindings, consumers, layout).
pub fn rename_queue(s: &mut Scenario, old: &str, new: &str) {
    for q in &mut s.topology.queues {
        if q.name == old {
            q.name = new.to_owned();
        }
    }
    for b in &mut s.topology.bindings {
        if b.destination_type == DestinationType::Queue && b.destination == old {
            b.destination = new.to_owned();
        }
    }
    for c in &mut s.consumers {
        if c.queue == old {
            c.queue = new.to_owned();
        }
    }
    move_key(s, &NodeId::Queue(old.into()), &NodeId::Queue(new.into()));
}

fn move_key(s: &mut Scenario, old: &NodeId, new: &NodeId) {
    if let Some(p) = s.layout.remove(&old.to_string()) {
        s.layout.insert(new.to_string(), p);
    }
}

/// Moves nodes by (dx, dy), optionally snapping each to the grid.
pub fn move_nodes(s: &mut Scenario, nodes: &[NodeId], dx: f64, dy: f64, snap: bool) {
    for n in nodes {
        if let Some(p) = s.layout.get_mut(&n.to_string()) {
            let moved = Point {
                x: (p.x + dx).clamp(-100_000.0, 100_000.0),
                y: (p.y + dy).clamp(-100_000.0, 100_000.0),
            };
            *p = if snap { snap_point(moved) } else { moved };
        }
    }
}

/// Horizontal distance between connected nodes that leaves room for an edge label.
pub const LABEL_COLUMN_GAP: f64 = 300.0;

/// Widens a diagram drawn for smaller nodes (presets, imports) so that every edge between
/// neighbouring columns has room for its label; returns whether anything moved.
pub fn spread_for_labels(s: &mut Scenario) -> bool {
    let at = |id: NodeId| s.layout.get(&id.to_string()).copied();
    let mut pairs: Vec<(Option<Point>, Option<Point>)> = Vec::new();
    for p in &s.producers {
        pairs.push((
            at(NodeId::Producer(p.id.clone())),
            at(NodeId::Exchange(p.exchange.clone())),
        ));
    }
    for b in &s.topology.bindings {
        let d = match b.destination_type {
            DestinationType::Queue => NodeId::Queue(b.destination.clone()),
            DestinationType::Exchange => NodeId::Exchange(b.destination.clone()),
        };
        pairs.push((at(NodeId::Exchange(b.source.clone())), at(d)));
    }
    for c in &s.consumers {
        pairs.push((
            at(NodeId::Queue(c.queue.clone())),
            at(NodeId::Consumer(c.id.clone())),
        ));
    }
    let min_dx = pairs
        .into_iter()
        .filter_map(|(a, b)| Some((b?.x - a?.x).abs()))
        .filter(|dx| *dx > NODE_W / 2.0)
        .fold(f64::INFINITY, f64::min);
    if !min_dx.is_finite() || min_dx >= LABEL_COLUMN_GAP {
        return false;
    }
    let factor = (LABEL_COLUMN_GAP / min_dx).min(2.0);
    let x0 = s.layout.values().map(|p| p.x).fold(f64::INFINITY, f64::min);
    for p in s.layout.values_mut() {
        p.x = x0 + (p.x - x0) * factor;
    }
    true
}

/// Lays the whole diagram out again with the scenario module's layered layout, spread so
/// that edge labels fit between columns.
pub fn auto_layout(s: &mut Scenario) {
    s.layout = crate::scenario::layout::auto_layout(s);
    ensure_layout(s);
    spread_for_labels(s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::validate;

    fn origin() -> Point {
        Point { x: 0.0, y: 0.0 }
    }

    #[test]
    fn added_nodes_never_overlap_and_stay_valid() {
        let mut s = empty_scenario();
        let ids: Vec<NodeId> = [
            NewNode::Producer,
            NewNode::Exchange,
            NewNode::Queue,
            NewNode::Queue,
        ]
        .into_iter()
        .map(|k| add_node(&mut s, k, origin()))
        .collect();
        // The producer publishes to the default exchange, which is drawn too.
        assert_eq!(s.layout.len(), 5, "{:?}", s.layout);
        let pts: Vec<Point> = s.layout.values().copied().collect();
        for (i, a) in pts.iter().enumerate() {
            for b in &pts[i + 1..] {
                assert!(
                    (a.x - b.x).abs() >= NODE_W || (a.y - b.y).abs() >= NODE_H,
                    "{a:?} overlaps {b:?}"
                );
            }
        }
        assert_eq!(ids[2], NodeId::Queue("q1".into()));
        assert_eq!(ids[3], NodeId::Queue("q2".into()));
        assert!(validate(&s).is_ok());
    }

    #[test]
    fn connections_mean_what_the_pair_says() {
        let mut s = empty_scenario();
        let p = add_node(&mut s, NewNode::Producer, origin());
        let x = add_node(&mut s, NewNode::Exchange, origin());
        let q = add_node(&mut s, NewNode::Queue, origin());
        let c = add_node(&mut s, NewNode::Consumer, origin());
        assert_eq!(connect(&mut s, &p, &x), Ok(Connected::Node(p.clone())));
        assert_eq!(s.producers[0].exchange, "ex1");
        // The default exchange is no longer used, so it is no longer drawn.
        assert!(!s.layout.contains_key("exchange:"));
        assert_eq!(connect(&mut s, &x, &q), Ok(Connected::Binding(0)));
        assert_eq!(connect(&mut s, &x, &q), Ok(Connected::Binding(1)));
        assert_ne!(
            s.topology.bindings[0].routing_key,
            s.topology.bindings[1].routing_key
        );
        assert_eq!(connect(&mut s, &q, &c), Ok(Connected::Node(c.clone())));
        assert_eq!(s.consumers[0].queue, "q1");
        assert!(connect(&mut s, &x, &p).is_err());
        assert!(connect(&mut s, &c, &q).is_err());
        assert!(connect(&mut s, &q, &q).is_err());
        assert!(validate(&s).is_ok());
    }

    #[test]
    fn the_default_exchange_cannot_be_bound() {
        let mut s = empty_scenario();
        add_node(&mut s, NewNode::Producer, origin());
        let q = add_node(&mut s, NewNode::Queue, origin());
        let err = connect(&mut s, &NodeId::Exchange(String::new()), &q);
        assert!(err.is_err_and(|e| e.contains("default exchange")));
    }

    #[test]
    fn deleting_an_exchange_clears_every_reference() {
        let mut s = crate::scenario::presets::load("topics")
            .expect("topics")
            .scenario;
        let n = delete(&mut s, &[NodeId::Exchange("topic_logs".into())], &[]);
        assert_eq!(n, 1);
        assert!(s.topology.bindings.is_empty());
        assert_eq!(s.producers[0].exchange, "");
        assert!(s.layout.contains_key("exchange:"));
        assert!(!s.layout.contains_key("exchange:topic_logs"));
        assert!(validate(&s).is_ok());
        let n = delete(&mut s, &[NodeId::Queue("Q1".into())], &[]);
        assert_eq!(n, 1);
        assert_eq!(s.consumers[0].queue, "");
        assert!(validate(&s).is_ok());
    }

    #[test]
    fn renaming_a_queue_follows_bindings_consumers_and_layout() {
        let mut s = crate::scenario::presets::load("topics")
            .expect("topics")
            .scenario;
        rename_queue(&mut s, "Q2", "rabbits");
        assert!(
            s.topology
                .bindings
                .iter()
                .filter(|b| b.destination == "rabbits")
                .count()
                == 2
        );
        assert_eq!(s.consumers[1].queue, "rabbits");
        assert!(s.layout.contains_key("queue:rabbits"));
        rename_exchange(&mut s, "topic_logs", "animals");
        assert_eq!(s.producers[0].exchange, "animals");
        assert!(validate(&s).is_ok());
    }

    #[test]
    fn duplicate_copies_nodes_and_the_bindings_between_them() {
        let mut s = crate::scenario::presets::load("topics")
            .expect("topics")
            .scenario;
        let new = duplicate(
            &mut s,
            &[
                NodeId::Exchange("topic_logs".into()),
                NodeId::Queue("Q2".into()),
            ],
        );
        assert_eq!(new.len(), 2);
        assert_eq!(s.topology.bindings.len(), 5);
        assert!(validate(&s).is_ok());
    }

    #[test]
    fn presets_are_spread_so_edge_labels_fit_between_columns() {
        let mut s = crate::scenario::presets::load("topics")
            .expect("topics")
            .scenario;
        assert!(spread_for_labels(&mut s));
        let x = |k: &str| s.layout[k].x;
        assert!(x("exchange:topic_logs") - x("producer:emit_log_topic") >= LABEL_COLUMN_GAP - 1e-9);
        assert!(
            !spread_for_labels(&mut s),
            "a spread diagram stays as it is"
        );
    }

    #[test]
    fn moves_snap_to_the_grid_when_asked() {
        let mut s = empty_scenario();
        let q = add_node(&mut s, NewNode::Queue, origin());
        move_nodes(&mut s, std::slice::from_ref(&q), 13.0, 27.0, true);
        let p = s.layout[&q.to_string()];
        assert_eq!((p.x % GRID, p.y % GRID), (0.0, 0.0));
    }
}
