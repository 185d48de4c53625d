//! Exchanges, bindings and routing of one virtual host, as RabbitMQ 3.10.8 does them.
//!
//! Owns: the exchange table (including the predeclared `""` and `amq.*` exchanges), every binding
//! (queue and exchange destinations), a mirror of queue names → [`QueueId`] kept up to date by the
//! broker, exchange declare/delete/bind/unbind rules (403/404/406), auto-delete of exchanges, and
//! `route`: default/direct/fanout/topic/headers matching, exchange-to-exchange bindings (each
//! exchange visited once per publish), alternate exchanges, and per-publish de-duplication.
//! Must not import: queues, messages, channels, or anything outside `broker::{error, ids, value}`
//! and its own `topic`/`headers` helpers. Routing is a pure function of this table and its inputs.
//!
//! Routing is built for speed because the simulator routes every message a scenario produces:
//! each exchange keeps a ready index (direct: key → destinations; fanout: one pre-deduplicated
//! list; topic: a word trie; headers: parsed patterns), destinations are dense [`QueueId`]s, and
//! de-duplication uses epoch-stamped marks in a reusable [`RouteScratch`], so a warm publish does
//! not allocate.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::error::BrokerError;
use super::headers::{self, HeadersPattern};
use super::ids::QueueId;
use super::topic::{self, TopicScratch, TopicTrie};
use super::value::{FieldTable, FieldValue};

/// The vhost every name in error texts is reported in (the model has one vhost).
const VHOST: &str = "/";
/// Slot of the default exchange `""`.
const DEFAULT_EXCHANGE: u32 = 0;

/// An exchange type. Serialized by its AMQP name, as in definitions.json and scenario files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExchangeKind {
    /// Exact routing-key match.
    Direct,
    /// Every binding matches.
    Fanout,
    /// Word patterns with `*` and `#`.
    Topic,
    /// Header-table patterns (`x-match`).
    Headers,
}

impl ExchangeKind {
    /// Parses an AMQP exchange type name, `None` when unknown (for callers with their own error).
    pub fn from_name(kind: &str) -> Option<ExchangeKind> {
        ExchangeKind::parse(kind).ok()
    }

    /// Parses an AMQP exchange type. An unknown type is a connection error, 503 COMMAND_INVALID
    /// (RabbitMQ's `rabbit_exchange:check_type/1`).
    pub fn parse(kind: &str) -> Result<ExchangeKind, BrokerError> {
        match kind {
            "direct" => Ok(ExchangeKind::Direct),
            "fanout" => Ok(ExchangeKind::Fanout),
            "topic" => Ok(ExchangeKind::Topic),
            "headers" => Ok(ExchangeKind::Headers),
            other => Err(BrokerError::CommandInvalid(format!(
                "unknown exchange type '{other}'"
            ))),
        }
    }

    /// The AMQP type name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeKind::Direct => "direct",
            ExchangeKind::Fanout => "fanout",
            ExchangeKind::Topic => "topic",
            ExchangeKind::Headers => "headers",
        }
    }
}

impl std::fmt::Display for ExchangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fields of `exchange.declare`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeDecl {
    /// Exchange name.
    pub name: String,
    /// Exchange type.
    pub kind: ExchangeKind,
    /// Survives a restart.
    pub durable: bool,
    /// Deleted when its last binding as source goes.
    pub auto_delete: bool,
    /// Refuses direct publishes.
    pub internal: bool,
    /// Arguments (`alternate-exchange`).
    pub arguments: FieldTable,
}

impl ExchangeDecl {
    /// A durable, non-auto-delete, non-internal exchange without arguments.
    pub fn new(name: &str, kind: ExchangeKind) -> ExchangeDecl {
        ExchangeDecl {
            name: name.to_string(),
            kind,
            durable: true,
            auto_delete: false,
            internal: false,
            arguments: FieldTable::new(),
        }
    }
}

/// Where a binding delivers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BindingDestination {
    /// A queue, by name.
    Queue(String),
    /// An exchange, by name (exchange-to-exchange binding).
    Exchange(String),
}

impl BindingDestination {
    /// The destination's name.
    pub fn name(&self) -> &str {
        match self {
            BindingDestination::Queue(n) | BindingDestination::Exchange(n) => n,
        }
    }
}

/// The fields of `queue.bind` / `exchange.bind` (and their unbind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingDecl {
    /// Source exchange.
    pub source: String,
    /// Destination queue or exchange.
    pub destination: BindingDestination,
    /// The binding key (AMQP `routing_key` field of the bind method).
    pub binding_key: String,
    /// Binding arguments (headers pattern; part of the binding's identity for every type).
    pub arguments: FieldTable,
}

/// A binding destination inside the router: queues by id, exchanges by slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Dest {
    Queue(QueueId),
    Exchange(u32),
}

/// A duplicate-free list of destinations with, for each, how many bindings lead to it, so a
/// queue bound twice (different keys or arguments) is one entry until both bindings go.
#[derive(Debug, Clone, Default)]
pub(crate) struct DestList {
    queues: Vec<QueueId>,
    queue_refs: Vec<u32>,
    exchanges: Vec<u32>,
    exchange_refs: Vec<u32>,
}

impl DestList {
    fn add(&mut self, d: Dest) {
        match d {
            Dest::Queue(q) => match self.queues.iter().position(|&x| x == q) {
                Some(i) => self.queue_refs[i] += 1,
                None => {
                    self.queues.push(q);
                    self.queue_refs.push(1);
                }
            },
            Dest::Exchange(x) => match self.exchanges.iter().position(|&e| e == x) {
                Some(i) => self.exchange_refs[i] += 1,
                None => {
                    self.exchanges.push(x);
                    self.exchange_refs.push(1);
                }
            },
        }
    }

    fn remove(&mut self, d: Dest) {
        match d {
            Dest::Queue(q) => {
                if let Some(i) = self.queues.iter().position(|&x| x == q) {
                    self.queue_refs[i] -= 1;
                    if self.queue_refs[i] == 0 {
                        self.queues.remove(i);
                        self.queue_refs.remove(i);
                    }
                }
            }
            Dest::Exchange(x) => {
                if let Some(i) = self.exchanges.iter().position(|&e| e == x) {
                    self.exchange_refs[i] -= 1;
                    if self.exchange_refs[i] == 0 {
                        self.exchanges.remove(i);
                        self.exchange_refs.remove(i);
                    }
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.queues.is_empty() && self.exchanges.is_empty()
    }

    /// The queue id when this list is exactly one queue (the topic trie keeps it in the node).
    fn single_queue(&self) -> Option<u32> {
        match (self.queues.as_slice(), self.exchanges.is_empty()) {
            ([q], true) => Some(q.0),
            _ => None,
        }
    }
}

/// The per-type routing index of one exchange.
#[derive(Debug, Clone)]
enum Matcher {
    Direct(FxHashMap<String, DestList>),
    Fanout(DestList),
    Topic(TopicTrie<DestList>),
    /// By binding sequence number, so evaluation order is binding order.
    Headers(BTreeMap<u64, (HeadersPattern, Dest)>),
}

#[derive(Debug, Clone)]
struct BindingRec {
    dest: Dest,
    key: String,
    args: FieldTable,
}

/// One exchange: its declaration and its outgoing bindings.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Shared, so every message published here names its exchange without an allocation.
    name: Arc<str>,
    kind: ExchangeKind,
    durable: bool,
    auto_delete: bool,
    internal: bool,
    arguments: FieldTable,
    alternate: Option<String>,
    /// Bindings with this exchange as source, by sequence number (= binding order).
    bindings: BTreeMap<u64, BindingRec>,
    binding_ids: FxHashMap<(Dest, String, FieldTable), u64>,
    next_seq: u64,
    matcher: Matcher,
}

impl Exchange {
    fn new(decl: &ExchangeDecl, name: &str) -> Exchange {
        let matcher = match decl.kind {
            ExchangeKind::Direct => Matcher::Direct(FxHashMap::default()),
            ExchangeKind::Fanout => Matcher::Fanout(DestList::default()),
            ExchangeKind::Topic => Matcher::Topic(TopicTrie::new()),
            ExchangeKind::Headers => Matcher::Headers(BTreeMap::new()),
        };
        let alternate = match decl.arguments.get("alternate-exchange") {
            Some(FieldValue::Str(ae)) => Some(ae.clone()),
            _ => None,
        };
        Exchange {
            name: Arc::from(name),
            kind: decl.kind,
            durable: decl.durable,
            auto_delete: decl.auto_delete,
            internal: decl.internal,
            arguments: decl.arguments.clone(),
            alternate,
            bindings: BTreeMap::new(),
            binding_ids: FxHashMap::default(),
            next_seq: 0,
            matcher,
        }
    }

    /// The exchange name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The exchange name, shared.
    pub fn name_arc(&self) -> &Arc<str> {
        &self.name
    }
    /// The exchange type.
    pub fn kind(&self) -> ExchangeKind {
        self.kind
    }
    /// Declared durable.
    pub fn durable(&self) -> bool {
        self.durable
    }
    /// Declared auto-delete.
    pub fn auto_delete(&self) -> bool {
        self.auto_delete
    }
    /// Declared internal.
    pub fn internal(&self) -> bool {
        self.internal
    }
    /// The declare arguments.
    pub fn arguments(&self) -> &FieldTable {
        &self.arguments
    }
    /// The `alternate-exchange` argument, if it is a string.
    pub fn alternate_exchange(&self) -> Option<&str> {
        self.alternate.as_deref()
    }
    /// Number of bindings with this exchange as source.
    pub fn binding_count(&self) -> usize {
        self.bindings.len()
    }

    fn matcher_add(&mut self, seq: u64, rec: &BindingRec) {
        match &mut self.matcher {
            Matcher::Direct(map) => match map.get_mut(rec.key.as_str()) {
                Some(list) => list.add(rec.dest),
                None => {
                    let mut list = DestList::default();
                    list.add(rec.dest);
                    map.insert(rec.key.clone(), list);
                }
            },
            Matcher::Fanout(list) => list.add(rec.dest),
            Matcher::Topic(trie) => {
                let node = trie.insert(&rec.key);
                if let Some(list) = trie.payload_mut(node) {
                    list.add(rec.dest);
                    let hint = list.single_queue();
                    trie.set_hint(node, hint);
                }
            }
            Matcher::Headers(map) => {
                // Validated at bind time; an unparsable pattern (only possible for bindings made
                // before a type change, which RabbitMQ forbids) simply never matches.
                if let Ok(p) = headers::parse(&rec.args) {
                    map.insert(seq, (p, rec.dest));
                }
            }
        }
    }

    fn matcher_remove(&mut self, seq: u64, rec: &BindingRec) {
        match &mut self.matcher {
            Matcher::Direct(map) => {
                let now_empty = match map.get_mut(rec.key.as_str()) {
                    Some(list) => {
                        list.remove(rec.dest);
                        list.is_empty()
                    }
                    None => false,
                };
                if now_empty {
                    map.remove(rec.key.as_str());
                }
            }
            Matcher::Fanout(list) => list.remove(rec.dest),
            Matcher::Topic(trie) => {
                if let Some(node) = trie.find(&rec.key) {
                    if let Some(list) = trie.payload_mut(node) {
                        list.remove(rec.dest);
                        let hint = list.single_queue();
                        trie.set_hint(node, hint);
                    }
                    trie.prune(node, DestList::is_empty);
                }
            }
            Matcher::Headers(map) => {
                map.remove(&seq);
            }
        }
    }
}

/// Reusable buffers for [`Router::route`]: the output queue list, epoch-stamped marks for queue
/// and exchange de-duplication, the exchange work list and the topic walk's active-node sets.
#[derive(Debug, Clone, Default)]
pub struct RouteScratch {
    out: Output,
    topic: TopicScratch,
}

#[derive(Debug, Clone, Default)]
struct Output {
    queues: Vec<QueueId>,
    /// `queues[..stamped]` carry the current epoch in `queue_mark`; the rest came from one
    /// duplicate-free list and are stamped only if a second contribution arrives, which keeps
    /// the common single-exchange fanout a plain slice copy.
    stamped: usize,
    queue_mark: Vec<u32>,
    queue_epoch: u32,
    exchange_mark: Vec<u32>,
    exchange_epoch: u32,
    work: Vec<u32>,
}

impl Output {
    fn begin(&mut self, queue_slots: usize, exchange_slots: usize) {
        self.queues.clear();
        self.work.clear();
        self.stamped = 0;
        if self.queue_mark.len() < queue_slots {
            self.queue_mark.resize(queue_slots, 0);
        }
        if self.exchange_mark.len() < exchange_slots {
            self.exchange_mark.resize(exchange_slots, 0);
        }
        self.queue_epoch = self.queue_epoch.wrapping_add(1);
        if self.queue_epoch == 0 {
            self.queue_mark.iter_mut().for_each(|m| *m = 0);
            self.queue_epoch = 1;
        }
        self.exchange_epoch = self.exchange_epoch.wrapping_add(1);
        if self.exchange_epoch == 0 {
            self.exchange_mark.iter_mut().for_each(|m| *m = 0);
            self.exchange_epoch = 1;
        }
    }

    fn stamp_pending(&mut self) {
        while self.stamped < self.queues.len() {
            let q = self.queues[self.stamped].0 as usize;
            if q >= self.queue_mark.len() {
                self.queue_mark.resize(q + 1, 0);
            }
            self.queue_mark[q] = self.queue_epoch;
            self.stamped += 1;
        }
    }

    fn add_queue(&mut self, q: QueueId) {
        self.stamp_pending();
        let i = q.0 as usize;
        if i >= self.queue_mark.len() {
            self.queue_mark.resize(i + 1, 0);
        }
        if self.queue_mark[i] != self.queue_epoch {
            self.queue_mark[i] = self.queue_epoch;
            self.queues.push(q);
            self.stamped = self.queues.len();
        }
    }

    fn add_list(&mut self, list: &DestList) {
        if self.queues.is_empty() {
            self.queues.extend_from_slice(&list.queues);
            self.stamped = 0;
        } else {
            for &q in &list.queues {
                self.add_queue(q);
            }
        }
        for &x in &list.exchanges {
            self.visit(x);
        }
    }

    /// Queues exchange `x` for routing unless this publish already visited it.
    fn visit(&mut self, x: u32) {
        let i = x as usize;
        if i >= self.exchange_mark.len() {
            self.exchange_mark.resize(i + 1, 0);
        }
        if self.exchange_mark[i] != self.exchange_epoch {
            self.exchange_mark[i] = self.exchange_epoch;
            self.work.push(x);
        }
    }
}

impl RouteScratch {
    /// Empty buffers; they grow to the router's size on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// The queues the last successful [`Router::route`] reached: each once, in discovery order
    /// (a deterministic function of the router's state and the route inputs).
    pub fn queues(&self) -> &[QueueId] {
        &self.out.queues
    }

    /// Reorders the last result by queue name, the order RabbitMQ's `rabbit_exchange:route/2`
    /// returns (it `usort`s the queue names); for callers whose observable behaviour depends on
    /// the order queues receive one message (e.g. several queues dead-lettering into one).
    pub fn sort_queues_by_name(&mut self, router: &Router) {
        self.out
            .queues
            .sort_by(|a, b| router.queue_name(*a).cmp(&router.queue_name(*b)));
    }
}

/// Why one destination was reached (see [`Router::explain_route`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchReason {
    /// The default exchange: the routing key names the queue.
    DefaultExchange {
        /// The key (publish key, CC or BCC) equal to the queue name.
        routing_key: String,
    },
    /// A direct binding whose key equals a routing key.
    Direct {
        /// Binding key (= routing key).
        binding_key: String,
        /// Binding arguments (identity only).
        arguments: FieldTable,
    },
    /// A fanout binding (keys ignored).
    Fanout {
        /// Binding key (ignored).
        binding_key: String,
        /// Binding arguments (identity only).
        arguments: FieldTable,
    },
    /// A topic binding whose pattern matched a routing key.
    Topic {
        /// The pattern.
        binding_key: String,
        /// The routing key it matched.
        routing_key: String,
        /// For each pattern word, the routing-key words it took (`#` zero or more).
        words_taken: Vec<(String, Vec<String>)>,
        /// Binding arguments (identity only).
        arguments: FieldTable,
    },
    /// A headers binding whose pattern matched the message headers.
    Headers {
        /// `all`, `any`, `all-with-x` or `any-with-x`.
        x_match: &'static str,
        /// The pattern keys the message satisfied.
        satisfied: Vec<String>,
        /// The binding arguments (the pattern).
        arguments: FieldTable,
    },
    /// The exchange matched nothing, so the message went to its alternate exchange.
    AlternateExchange,
}

/// One step of a routing explanation: `exchange` passed the message to `destination`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteHop {
    /// The exchange that matched.
    pub exchange: String,
    /// Where the message went from it.
    pub destination: BindingDestination,
    /// Which binding (or rule) matched and why.
    pub reason: MatchReason,
}

impl std::fmt::Display for RouteHop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let to = match &self.destination {
            BindingDestination::Queue(q) => format!("queue '{q}'"),
            BindingDestination::Exchange(x) => format!("exchange '{x}'"),
        };
        let from = if self.exchange.is_empty() {
            "the default exchange".to_string()
        } else {
            format!("exchange '{}'", self.exchange)
        };
        match &self.reason {
            MatchReason::DefaultExchange { routing_key } => {
                write!(
                    f,
                    "{from} → {to}: routing key '{routing_key}' is the queue's name"
                )
            }
            MatchReason::Direct { binding_key, .. } => {
                write!(
                    f,
                    "{from} → {to}: binding key '{binding_key}' equals the routing key"
                )
            }
            MatchReason::Fanout { .. } => write!(f, "{from} → {to}: fanout (keys ignored)"),
            MatchReason::Topic {
                binding_key,
                routing_key,
                words_taken,
                ..
            } => {
                write!(f, "{from} → {to}: '{binding_key}' matches '{routing_key}'")?;
                let parts: Vec<String> = words_taken
                    .iter()
                    .filter(|(p, _)| p == "#" || p == "*")
                    .map(|(p, w)| {
                        let words: Vec<String> = w.iter().map(|x| format!("'{x}'")).collect();
                        if words.is_empty() {
                            format!("{p} took no words")
                        } else {
                            format!("{p} took {}", words.join(" "))
                        }
                    })
                    .collect();
                if !parts.is_empty() {
                    write!(f, " ({})", parts.join(", "))?;
                }
                Ok(())
            }
            MatchReason::Headers {
                x_match, satisfied, ..
            } => {
                if satisfied.is_empty() {
                    write!(
                        f,
                        "{from} → {to}: x-match {x_match} with nothing to compare"
                    )
                } else {
                    write!(
                        f,
                        "{from} → {to}: x-match {x_match}, matched {}",
                        satisfied.join(", ")
                    )
                }
            }
            MatchReason::AlternateExchange => {
                write!(f, "{from} matched nothing → alternate {to}")
            }
        }
    }
}

/// The full story of one routing decision, for the simulation's "why did it go there" view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteExplanation {
    /// Exchanges in the order they were visited.
    pub visited: Vec<String>,
    /// Every matching binding at every visited exchange, in visit order.
    pub hops: Vec<RouteHop>,
    /// Human-readable notes (skipped exchanges, missing alternate exchanges, …).
    pub notes: Vec<String>,
    /// The queues reached, each once, in the same order `route` reports them.
    pub queues: Vec<String>,
}

/// All exchanges and bindings of one vhost, plus the queue-name registry mirrored from the broker.
#[derive(Debug, Clone)]
pub struct Router {
    /// Exchanges by slot; a deleted exchange leaves `None` and slots are never reused, so slot
    /// order is declaration order.
    slots: Vec<Option<Exchange>>,
    by_name: FxHashMap<String, u32>,
    queues: FxHashMap<String, QueueId>,
    queue_names: BTreeMap<QueueId, String>,
    queue_slots: usize,
    /// Reverse index: bindings (source slot, seq) that deliver to a destination.
    incoming: FxHashMap<Dest, BTreeSet<(u32, u64)>>,
}

impl Default for Router {
    fn default() -> Self {
        Self::new()
    }
}

fn strip_cr_lf(name: &str) -> Cow<'_, str> {
    if name.contains(['\r', '\n']) {
        Cow::Owned(name.chars().filter(|c| *c != '\r' && *c != '\n').collect())
    } else {
        Cow::Borrowed(name)
    }
}

/// RabbitMQ's `binding_action/…` strips CR/LF from both names before anything else.
fn strip_binding_names(b: &BindingDecl) -> Cow<'_, BindingDecl> {
    let source = strip_cr_lf(&b.source);
    let dest = strip_cr_lf(b.destination.name());
    if matches!((&source, &dest), (Cow::Borrowed(_), Cow::Borrowed(_))) {
        return Cow::Borrowed(b);
    }
    let destination = match &b.destination {
        BindingDestination::Queue(_) => BindingDestination::Queue(dest.into_owned()),
        BindingDestination::Exchange(_) => BindingDestination::Exchange(dest.into_owned()),
    };
    Cow::Owned(BindingDecl {
        source: source.into_owned(),
        destination,
        binding_key: b.binding_key.clone(),
        arguments: b.arguments.clone(),
    })
}

fn no_exchange(name: &str) -> BrokerError {
    BrokerError::NotFound(format!("no exchange '{name}' in vhost '{VHOST}'"))
}

fn internal_refused(name: &str) -> BrokerError {
    BrokerError::AccessRefused(format!(
        "cannot publish to internal exchange '{name}' in vhost '{VHOST}'"
    ))
}

fn default_exchange_refused() -> BrokerError {
    BrokerError::AccessRefused(format!(
        "operation not permitted on the default exchange in vhost '{VHOST}'"
    ))
}

impl Router {
    /// A vhost with its predeclared exchanges: `""`, `amq.direct`, `amq.fanout`, `amq.topic`,
    /// `amq.headers`, `amq.match` and the internal `amq.rabbitmq.trace`, all durable.
    pub fn new() -> Router {
        let mut r = Router {
            slots: Vec::new(),
            by_name: FxHashMap::default(),
            queues: FxHashMap::default(),
            queue_names: BTreeMap::new(),
            queue_slots: 0,
            incoming: FxHashMap::default(),
        };
        let predeclared = [
            ("", ExchangeKind::Direct, false),
            ("amq.direct", ExchangeKind::Direct, false),
            ("amq.fanout", ExchangeKind::Fanout, false),
            ("amq.topic", ExchangeKind::Topic, false),
            ("amq.headers", ExchangeKind::Headers, false),
            ("amq.match", ExchangeKind::Headers, false),
            ("amq.rabbitmq.trace", ExchangeKind::Topic, true),
        ];
        for (name, kind, internal) in predeclared {
            let mut decl = ExchangeDecl::new(name, kind);
            decl.internal = internal;
            r.insert_exchange(&decl, name);
        }
        r
    }

    fn insert_exchange(&mut self, decl: &ExchangeDecl, name: &str) {
        let slot = self.slots.len() as u32;
        self.slots.push(Some(Exchange::new(decl, name)));
        self.by_name.insert(name.to_string(), slot);
    }

    fn slot(&self, x: u32) -> Option<&Exchange> {
        self.slots.get(x as usize).and_then(Option::as_ref)
    }

    fn slot_mut(&mut self, x: u32) -> Option<&mut Exchange> {
        self.slots.get_mut(x as usize).and_then(Option::as_mut)
    }

    /// `exchange.declare`. 403 for `""` and for creating an `amq.*` name; passive → 404 if
    /// missing; a redeclare must match type, durable, auto_delete, internal and the
    /// `alternate-exchange` argument (other arguments are ignored) → else 406.
    pub fn declare_exchange(
        &mut self,
        decl: &ExchangeDecl,
        passive: bool,
    ) -> Result<(), BrokerError> {
        let name = strip_cr_lf(&decl.name);
        if name.is_empty() {
            return Err(default_exchange_refused());
        }
        let existing = self.by_name.get(name.as_ref()).copied();
        if passive {
            return match existing {
                Some(_) => Ok(()),
                None => Err(no_exchange(&name)),
            };
        }
        if let Some(x) = existing {
            return match self.slot(x) {
                Some(ex) => assert_equivalence(ex, decl),
                None => Err(no_exchange(&name)),
            };
        }
        if name.starts_with("amq.") {
            return Err(BrokerError::AccessRefused(format!(
                "exchange name '{name}' contains reserved prefix 'amq.*'"
            )));
        }
        if let Some(ae) = decl.arguments.get("alternate-exchange")
            && !matches!(ae, FieldValue::Str(_))
        {
            return Err(BrokerError::PreconditionFailed(format!(
                "invalid type '{}' for arg 'alternate-exchange' in exchange '{name}' in vhost '{VHOST}'",
                type_name(ae)
            )));
        }
        let name = name.into_owned();
        self.insert_exchange(decl, &name);
        Ok(())
    }

    /// `exchange.delete`. 403 for `""` and any `amq.*` name; a missing exchange is fine;
    /// `if_unused` with bindings from it → 406. Removes its bindings in both directions, which
    /// may auto-delete source exchanges that lose their last binding.
    pub fn delete_exchange(&mut self, name: &str, if_unused: bool) -> Result<(), BrokerError> {
        let name = strip_cr_lf(name);
        if name.is_empty() {
            return Err(default_exchange_refused());
        }
        if name.starts_with("amq.") {
            return Err(BrokerError::AccessRefused(format!(
                "deletion of system exchange '{name}' in vhost '{VHOST}' not allowed"
            )));
        }
        let Some(&x) = self.by_name.get(name.as_ref()) else {
            return Ok(());
        };
        if if_unused && self.slot(x).is_some_and(|ex| !ex.bindings.is_empty()) {
            return Err(BrokerError::PreconditionFailed(format!(
                "exchange '{name}' in vhost '{VHOST}' in use"
            )));
        }
        self.delete_cascade(x);
        Ok(())
    }

    /// The exchange called `name`.
    pub fn exchange(&self, name: &str) -> Option<&Exchange> {
        self.by_name.get(name).and_then(|&x| self.slot(x))
    }

    /// All exchanges in declaration order (predeclared first).
    pub fn exchanges(&self) -> impl Iterator<Item = &Exchange> {
        self.slots.iter().flatten()
    }

    /// All explicit bindings: by source exchange in declaration order, then binding order.
    /// The default exchange's implicit bindings are not listed (RabbitMQ does not export them).
    pub fn bindings(&self) -> Vec<BindingDecl> {
        let mut out = Vec::new();
        for ex in self.exchanges() {
            for rec in ex.bindings.values() {
                if let Some(destination) = self.dest_decl(rec.dest) {
                    out.push(BindingDecl {
                        source: ex.name.to_string(),
                        destination,
                        binding_key: rec.key.clone(),
                        arguments: rec.args.clone(),
                    });
                }
            }
        }
        out
    }

    fn dest_decl(&self, d: Dest) -> Option<BindingDestination> {
        match d {
            Dest::Queue(q) => self
                .queue_names
                .get(&q)
                .map(|n| BindingDestination::Queue(n.clone())),
            Dest::Exchange(x) => self
                .slot(x)
                .map(|ex| BindingDestination::Exchange(ex.name.to_string())),
        }
    }

    /// Registers a queue that now exists (the broker calls this at queue creation).
    pub fn add_queue(&mut self, name: &str, id: QueueId) {
        if let Some(old) = self.queues.insert(name.to_string(), id)
            && old != id
        {
            self.queue_names.remove(&old);
        }
        self.queue_names.insert(id, name.to_string());
        self.queue_slots = self.queue_slots.max(id.0 as usize + 1);
    }

    /// Forgets a deleted queue: drops every binding to it and auto-deletes exchanges left
    /// without bindings.
    pub fn remove_queue(&mut self, id: QueueId) {
        let sources = self.drop_incoming(Dest::Queue(id));
        if let Some(name) = self.queue_names.remove(&id)
            && self.queues.get(&name) == Some(&id)
        {
            self.queues.remove(&name);
        }
        for x in sources {
            self.maybe_auto_delete(x);
        }
    }

    /// The id of the queue called `name`.
    pub fn queue_id(&self, name: &str) -> Option<QueueId> {
        self.queues.get(name).copied()
    }

    /// The name of queue `id`.
    pub fn queue_name(&self, id: QueueId) -> Option<&str> {
        self.queue_names.get(&id).map(String::as_str)
    }

    fn resolve_dest(&self, d: &BindingDestination) -> Result<Dest, BrokerError> {
        match d {
            BindingDestination::Queue(name) => match self.queues.get(name.as_str()) {
                Some(&q) => Ok(Dest::Queue(q)),
                None => Err(BrokerError::NotFound(format!(
                    "no queue '{name}' in vhost '{VHOST}'"
                ))),
            },
            BindingDestination::Exchange(name) => match self.by_name.get(name.as_str()) {
                Some(&x) => Ok(Dest::Exchange(x)),
                None => Err(no_exchange(name)),
            },
        }
    }

    fn check_not_default(b: &BindingDecl) -> Result<(), BrokerError> {
        if b.destination == BindingDestination::Exchange(String::new()) || b.source.is_empty() {
            return Err(default_exchange_refused());
        }
        Ok(())
    }

    /// `queue.bind` / `exchange.bind` (CR/LF stripped from both names). 403 if source or destination is the default exchange,
    /// 404 if either is missing, 406 for an invalid `x-match` on a headers exchange; binding the
    /// same (source, destination, key, arguments) again is a no-op.
    pub fn bind(&mut self, b: &BindingDecl) -> Result<(), BrokerError> {
        let b = &*strip_binding_names(b);
        Self::check_not_default(b)?;
        let Some(&sx) = self.by_name.get(b.source.as_str()) else {
            return Err(no_exchange(&b.source));
        };
        let dest = self.resolve_dest(&b.destination)?;
        let Some(ex) = self.slot_mut(sx) else {
            return Err(no_exchange(&b.source));
        };
        if ex.kind == ExchangeKind::Headers {
            headers::parse(&b.arguments)?;
        }
        let identity = (dest, b.binding_key.clone(), b.arguments.clone());
        if ex.binding_ids.contains_key(&identity) {
            return Ok(());
        }
        let seq = ex.next_seq;
        ex.next_seq += 1;
        let rec = BindingRec {
            dest,
            key: b.binding_key.clone(),
            args: b.arguments.clone(),
        };
        ex.matcher_add(seq, &rec);
        ex.bindings.insert(seq, rec);
        ex.binding_ids.insert(identity, seq);
        self.incoming.entry(dest).or_default().insert((sx, seq));
        Ok(())
    }

    /// `queue.unbind` / `exchange.unbind` (CR/LF stripped from both names). 403 if source or destination is the default exchange;
    /// otherwise idempotent, as in 3.10: a missing binding, source or destination is fine.
    /// Removing the last binding of an auto-delete source deletes that exchange.
    pub fn unbind(&mut self, b: &BindingDecl) -> Result<(), BrokerError> {
        let b = &*strip_binding_names(b);
        Self::check_not_default(b)?;
        let Some(&sx) = self.by_name.get(b.source.as_str()) else {
            return Ok(());
        };
        let Ok(dest) = self.resolve_dest(&b.destination) else {
            return Ok(());
        };
        let identity = (dest, b.binding_key.clone(), b.arguments.clone());
        let Some(seq) = self
            .slot(sx)
            .and_then(|ex| ex.binding_ids.get(&identity).copied())
        else {
            return Ok(());
        };
        self.remove_binding(sx, seq);
        self.maybe_auto_delete(sx);
        Ok(())
    }

    fn remove_binding(&mut self, sx: u32, seq: u64) {
        let Some(ex) = self.slot_mut(sx) else {
            return;
        };
        let Some(rec) = ex.bindings.remove(&seq) else {
            return;
        };
        ex.matcher_remove(seq, &rec);
        let dest = rec.dest;
        ex.binding_ids.remove(&(rec.dest, rec.key, rec.args));
        let now_empty = match self.incoming.get_mut(&dest) {
            Some(set) => {
                set.remove(&(sx, seq));
                set.is_empty()
            }
            None => false,
        };
        if now_empty {
            self.incoming.remove(&dest);
        }
    }

    /// Removes every binding delivering to `dest`; returns the affected source exchanges.
    fn drop_incoming(&mut self, dest: Dest) -> Vec<u32> {
        let Some(set) = self.incoming.remove(&dest) else {
            return Vec::new();
        };
        let mut sources = Vec::new();
        for (sx, seq) in set {
            if let Some(ex) = self.slot_mut(sx)
                && let Some(rec) = ex.bindings.remove(&seq)
            {
                ex.matcher_remove(seq, &rec);
                ex.binding_ids.remove(&(rec.dest, rec.key, rec.args));
            }
            if sources.last() != Some(&sx) {
                sources.push(sx);
            }
        }
        sources
    }

    fn maybe_auto_delete(&mut self, x: u32) {
        if self
            .slot(x)
            .is_some_and(|ex| ex.auto_delete && ex.bindings.is_empty() && x != DEFAULT_EXCHANGE)
        {
            self.delete_cascade(x);
        }
    }

    /// Deletes exchange `x`, its bindings in both directions, and (transitively) auto-delete
    /// sources that lose their last binding.
    fn delete_cascade(&mut self, x: u32) {
        let mut pending = vec![x];
        while let Some(x) = pending.pop() {
            let Some(ex) = self.slot(x) else {
                continue;
            };
            let outgoing: Vec<u64> = ex.bindings.keys().copied().collect();
            for seq in outgoing {
                self.remove_binding(x, seq);
            }
            for sx in self.drop_incoming(Dest::Exchange(x)) {
                if sx != x
                    && self
                        .slot(sx)
                        .is_some_and(|s| s.auto_delete && s.bindings.is_empty())
                {
                    pending.push(sx);
                }
            }
            if let Some(ex) = self.slots.get_mut(x as usize).and_then(Option::take) {
                self.by_name.remove(&*ex.name);
            }
        }
    }

    /// Routes one publish. `routing_keys` is the publish routing key followed by the CC and BCC
    /// keys. `client_publish`: a `basic.publish` (missing exchange → 404, internal → 403) rather
    /// than a dead-letter republish (missing → no queues, internal allowed). Follows
    /// exchange-to-exchange bindings (each exchange once), alternate exchanges (only for an
    /// exchange that matched nothing; chained; missing → nothing) and de-duplicates queues.
    /// On `Ok`, [`RouteScratch::queues`] holds the result.
    pub fn route(
        &self,
        exchange: &str,
        routing_keys: &[&str],
        headers: &FieldTable,
        client_publish: bool,
        scratch: &mut RouteScratch,
    ) -> Result<(), BrokerError> {
        scratch.out.begin(self.queue_slots, self.slots.len());
        let Some(&x) = self.by_name.get(exchange) else {
            return if client_publish {
                Err(no_exchange(exchange))
            } else {
                Ok(())
            };
        };
        let Some(ex) = self.slot(x) else {
            return Ok(());
        };
        if client_publish && ex.internal {
            return Err(internal_refused(exchange));
        }
        self.walk(x, routing_keys, headers, scratch);
        Ok(())
    }

    /// The exchange a client publishes to, by slot, checked as `basic.publish` checks it
    /// (missing → 404, internal → 403), so the broker looks the name up once per publish and
    /// routes with [`Router::route_from`].
    pub(crate) fn publish_target(&self, exchange: &str) -> Result<(u32, &Exchange), BrokerError> {
        let Some((x, ex)) = self
            .by_name
            .get(exchange)
            .and_then(|&x| self.slot(x).map(|ex| (x, ex)))
        else {
            return Err(no_exchange(exchange));
        };
        if ex.internal {
            return Err(internal_refused(exchange));
        }
        Ok((x, ex))
    }

    /// [`Router::route`] from an exchange already looked up (a slot from
    /// [`Router::publish_target`]); a deleted slot routes nowhere.
    pub(crate) fn route_from(
        &self,
        x: u32,
        routing_keys: &[&str],
        headers: &FieldTable,
        scratch: &mut RouteScratch,
    ) {
        scratch.out.begin(self.queue_slots, self.slots.len());
        if self.slot(x).is_some() {
            self.walk(x, routing_keys, headers, scratch);
        }
    }

    /// Routing from exchange `x` (existing) into a freshly begun `scratch`: its matches, the
    /// exchanges bound to it and alternate exchanges, each exchange once.
    fn walk(
        &self,
        x: u32,
        routing_keys: &[&str],
        headers: &FieldTable,
        scratch: &mut RouteScratch,
    ) {
        scratch.out.visit(x);
        while let Some(x) = scratch.out.work.pop() {
            let Some(ex) = self.slot(x) else {
                continue;
            };
            let matched = self.route_exchange(x, ex, routing_keys, headers, scratch);
            if !matched
                && let Some(ae) = &ex.alternate
                && let Some(&a) = self.by_name.get(ae.as_str())
            {
                scratch.out.visit(a);
            }
        }
    }

    /// Applies one exchange's own matching; returns whether it matched any destination.
    fn route_exchange(
        &self,
        x: u32,
        ex: &Exchange,
        routing_keys: &[&str],
        headers: &FieldTable,
        scratch: &mut RouteScratch,
    ) -> bool {
        let out = &mut scratch.out;
        if x == DEFAULT_EXCHANGE {
            let mut matched = false;
            for key in routing_keys {
                if let Some(&q) = self.queues.get(*key) {
                    out.add_queue(q);
                    matched = true;
                }
            }
            return matched;
        }
        match &ex.matcher {
            Matcher::Direct(map) => {
                let mut matched = false;
                for key in routing_keys {
                    if let Some(list) = map.get(*key) {
                        out.add_list(list);
                        matched = true;
                    }
                }
                matched
            }
            Matcher::Fanout(list) => {
                if list.is_empty() {
                    false
                } else {
                    out.add_list(list);
                    true
                }
            }
            Matcher::Topic(trie) => {
                let mut matched = false;
                for key in routing_keys {
                    trie.for_each_match(key, &mut scratch.topic, |hint, list| match hint {
                        Some(q) => {
                            out.add_queue(QueueId(q));
                            matched = true;
                        }
                        None => {
                            if !list.is_empty() {
                                out.add_list(list);
                                matched = true;
                            }
                        }
                    });
                }
                matched
            }
            Matcher::Headers(map) => {
                let mut matched = false;
                for (pattern, dest) in map.values() {
                    if pattern.matches(headers) {
                        matched = true;
                        match *dest {
                            Dest::Queue(q) => out.add_queue(q),
                            Dest::Exchange(d) => out.visit(d),
                        }
                    }
                }
                matched
            }
        }
    }

    /// The slow, explaining twin of [`Router::route`]: for every exchange visited, every
    /// binding that matched and why (for topic, which words each pattern word took). Errors
    /// exactly when `route` errs.
    pub fn explain_route(
        &self,
        exchange: &str,
        routing_keys: &[&str],
        headers: &FieldTable,
        client_publish: bool,
    ) -> Result<RouteExplanation, BrokerError> {
        let mut scratch = RouteScratch::new();
        self.route(
            exchange,
            routing_keys,
            headers,
            client_publish,
            &mut scratch,
        )?;
        let mut ex_out = RouteExplanation {
            queues: scratch
                .queues()
                .iter()
                .filter_map(|&q| self.queue_name(q).map(str::to_string))
                .collect(),
            ..RouteExplanation::default()
        };
        let Some(&start) = self.by_name.get(exchange) else {
            ex_out
                .notes
                .push(format!("exchange '{exchange}' does not exist: dropped"));
            return Ok(ex_out);
        };
        let mut seen = BTreeSet::from([start]);
        let mut work = vec![start];
        while let Some(x) = work.pop() {
            let Some(ex) = self.slot(x) else {
                continue;
            };
            ex_out.visited.push(ex.name.to_string());
            let before = ex_out.hops.len();
            let mut next: Vec<u32> = Vec::new();
            if x == DEFAULT_EXCHANGE {
                for key in routing_keys {
                    if self.queues.contains_key(*key) {
                        ex_out.hops.push(RouteHop {
                            exchange: ex.name.to_string(),
                            destination: BindingDestination::Queue((*key).to_string()),
                            reason: MatchReason::DefaultExchange {
                                routing_key: (*key).to_string(),
                            },
                        });
                    }
                }
            }
            for rec in ex.bindings.values() {
                let reasons = explain_binding(ex, rec, routing_keys, headers);
                if reasons.is_empty() {
                    continue;
                }
                let Some(destination) = self.dest_decl(rec.dest) else {
                    continue;
                };
                if let Dest::Exchange(d) = rec.dest {
                    next.push(d);
                }
                for reason in reasons {
                    ex_out.hops.push(RouteHop {
                        exchange: ex.name.to_string(),
                        destination: destination.clone(),
                        reason,
                    });
                }
            }
            if ex_out.hops.len() == before {
                match &ex.alternate {
                    Some(ae) if x != DEFAULT_EXCHANGE => match self.by_name.get(ae.as_str()) {
                        Some(&a) => {
                            ex_out.hops.push(RouteHop {
                                exchange: ex.name.to_string(),
                                destination: BindingDestination::Exchange(ae.clone()),
                                reason: MatchReason::AlternateExchange,
                            });
                            next.push(a);
                        }
                        None => ex_out.notes.push(format!(
                            "exchange '{}' matched nothing and its alternate exchange '{ae}' does not exist",
                            ex.name
                        )),
                    },
                    _ => ex_out
                        .notes
                        .push(format!("exchange '{}' matched nothing", ex.name)),
                }
            }
            for d in next {
                if seen.insert(d) {
                    work.push(d);
                } else if let Some(dx) = self.slot(d) {
                    ex_out.notes.push(format!(
                        "exchange '{}' already visited by this publish: not routed again",
                        dx.name
                    ));
                }
            }
        }
        Ok(ex_out)
    }
}

fn explain_binding(
    ex: &Exchange,
    rec: &BindingRec,
    routing_keys: &[&str],
    headers: &FieldTable,
) -> Vec<MatchReason> {
    let mut reasons = Vec::new();
    match ex.kind {
        ExchangeKind::Direct => {
            if routing_keys.contains(&rec.key.as_str()) {
                reasons.push(MatchReason::Direct {
                    binding_key: rec.key.clone(),
                    arguments: rec.args.clone(),
                });
            }
        }
        ExchangeKind::Fanout => reasons.push(MatchReason::Fanout {
            binding_key: rec.key.clone(),
            arguments: rec.args.clone(),
        }),
        ExchangeKind::Topic => {
            let mut seen_keys: Vec<&str> = Vec::new();
            for key in routing_keys {
                if seen_keys.contains(key) {
                    continue;
                }
                seen_keys.push(key);
                if let Some(taken) = topic::explain_match(&rec.key, key) {
                    let words_taken = topic::split_words(&rec.key)
                        .map(str::to_string)
                        .zip(taken)
                        .collect();
                    reasons.push(MatchReason::Topic {
                        binding_key: rec.key.clone(),
                        routing_key: (*key).to_string(),
                        words_taken,
                        arguments: rec.args.clone(),
                    });
                }
            }
        }
        ExchangeKind::Headers => {
            if let Ok(p) = headers::parse(&rec.args)
                && p.matches(headers)
            {
                reasons.push(MatchReason::Headers {
                    x_match: p.mode().as_str(),
                    satisfied: p.satisfied_keys(headers),
                    arguments: rec.args.clone(),
                });
            }
        }
    }
    reasons
}

/// RabbitMQ's `assert_equivalence/6` for exchanges.
fn assert_equivalence(ex: &Exchange, decl: &ExchangeDecl) -> Result<(), BrokerError> {
    let name = &ex.name;
    let mismatch = |field: &str, received: String, current: String| {
        BrokerError::PreconditionFailed(format!(
            "inequivalent arg '{field}' for exchange '{name}' in vhost '{VHOST}': received '{received}' but current is '{current}'"
        ))
    };
    if ex.kind != decl.kind {
        return Err(mismatch("type", decl.kind.to_string(), ex.kind.to_string()));
    }
    if ex.durable != decl.durable {
        return Err(mismatch(
            "durable",
            decl.durable.to_string(),
            ex.durable.to_string(),
        ));
    }
    if ex.auto_delete != decl.auto_delete {
        return Err(mismatch(
            "auto_delete",
            decl.auto_delete.to_string(),
            ex.auto_delete.to_string(),
        ));
    }
    if ex.internal != decl.internal {
        return Err(mismatch(
            "internal",
            decl.internal.to_string(),
            ex.internal.to_string(),
        ));
    }
    let current = ex.arguments.get("alternate-exchange");
    let received = decl.arguments.get("alternate-exchange");
    if current != received {
        let show =
            |v: Option<&FieldValue>| v.map_or_else(|| "none".to_string(), |v| format!("{v:?}"));
        return Err(mismatch(
            "alternate-exchange",
            show(received),
            show(current),
        ));
    }
    Ok(())
}

fn type_name(v: &FieldValue) -> &'static str {
    match v {
        FieldValue::Void => "void",
        FieldValue::Bool(_) => "bool",
        FieldValue::Int(_) => "long",
        FieldValue::Str(_) => "longstr",
        FieldValue::Table(_) => "table",
        FieldValue::Array(_) => "array",
    }
}

#[cfg(test)]
mod tests;
