//! Lesson goals: checks a challenge states about the diagram ("only `*.critical` messages reach
//! the pager queue"), read from `lesson.goals`, and their evaluation by running the simulation
//! headless on the student's current scenario.
//!
//! Owns: the goal vocabulary (see `www/scenarios/FORMAT.md`), reading it with JSON paths, the
//! bounded headless run that observes what happened to every message, and the per-goal verdicts
//! with a specific explanation of what is still wrong, in English and 简体中文.
//! Must not import: web crates or `ui`. Names are data: verdicts are plain text.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::error::index;
use super::limits::{MAX_LIST_ITEMS, MAX_MESSAGE_COUNT, MAX_NAME_BYTES};
use super::model::Scenario;
use super::parse::{Cx, Obj};
use super::to_sim::to_sim;
use crate::broker::MessageId;
use crate::sim::explain::{DropWhy, Why};
use crate::sim::{Explanation, Lang, Simulator, VirtualTime};

/// Virtual time a check simulates at most (unbounded producers stop here).
pub const CHECK_TIME_MS: u64 = 120_000;
/// Events a check runs at most (a message rejected back to its queue for ever stops here).
pub const CHECK_EVENTS: u64 = 50_000;

/// One check of a challenge lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Goal {
    /// Every message published with `routing_key` reaches `queue` (directly, through other
    /// exchanges or by dead-lettering).
    Reaches { routing_key: String, queue: String },
    /// No message (with `routing_key`, when given) ever reaches `queue`.
    NeverReaches {
        #[serde(skip_serializing_if = "Option::is_none")]
        routing_key: Option<String>,
        queue: String,
    },
    /// The number of messages arriving in `queue` is within `min..=max`.
    QueueReceives {
        queue: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
    },
    /// The number of deliveries to consumer `consumer` (its id) is within `min..=max`.
    ConsumerReceives {
        consumer: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
    },
    /// At least `min` messages are dead-lettered into `queue`.
    DeadLettered { queue: String, min: u64 },
    /// No publish is routed nowhere.
    NoUnroutable,
    /// Every message published (by `producer`, when given) is eventually acked by a consumer
    /// (a dead-lettered copy acked counts for its original).
    AllAcked {
        #[serde(skip_serializing_if = "Option::is_none")]
        producer: Option<String>,
    },
}

/// Reads `lesson.goals` (`path` is its JSON path).
pub(crate) fn read_goals(values: &[Value], path: &str, cx: &mut Cx) -> Vec<Goal> {
    if values.len() > MAX_LIST_ITEMS {
        cx.err(
            path,
            format!("has {} items; the limit is {MAX_LIST_ITEMS}", values.len()),
        );
        return Vec::new();
    }
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| read_goal(v, &index(path, i), cx))
        .collect()
}

fn read_goal(v: &Value, path: &str, cx: &mut Cx) -> Option<Goal> {
    let mut o = Obj::of(v, path, cx)?;
    let kind = o.required_string(cx, "kind", MAX_NAME_BYTES);
    let name = |o: &mut Obj<'_>, cx: &mut Cx, key: &'static str| {
        o.required_string(cx, key, MAX_NAME_BYTES)
    };
    let goal = match kind.as_str() {
        "reaches" => Goal::Reaches {
            routing_key: name(&mut o, cx, "routing_key"),
            queue: name(&mut o, cx, "queue"),
        },
        "never_reaches" => Goal::NeverReaches {
            routing_key: o.opt_string(cx, "routing_key", MAX_NAME_BYTES),
            queue: name(&mut o, cx, "queue"),
        },
        "queue_receives" | "consumer_receives" => {
            let key = if kind == "queue_receives" {
                "queue"
            } else {
                "consumer"
            };
            let subject = name(&mut o, cx, key);
            let min = o.opt_uint(cx, "min", 0, MAX_MESSAGE_COUNT);
            let max = o.opt_uint(cx, "max", 0, MAX_MESSAGE_COUNT);
            if min.is_none() && max.is_none() {
                cx.err(o.p("min"), "give min, max or both");
            }
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                cx.err(o.p("max"), "must not be less than min");
            }
            if kind == "queue_receives" {
                Goal::QueueReceives {
                    queue: subject,
                    min,
                    max,
                }
            } else {
                Goal::ConsumerReceives {
                    consumer: subject,
                    min,
                    max,
                }
            }
        }
        "dead_lettered" => Goal::DeadLettered {
            queue: name(&mut o, cx, "queue"),
            min: o.uint(cx, "min", 1, 1, MAX_MESSAGE_COUNT),
        },
        "no_unroutable" => Goal::NoUnroutable,
        "all_acked" => Goal::AllAcked {
            producer: o.opt_string(cx, "producer", MAX_NAME_BYTES),
        },
        "" => return None,
        other => {
            cx.err(
                o.p("kind"),
                format!(
                    "unknown goal \"{other}\" (expected reaches, never_reaches, queue_receives, \
                     consumer_receives, dead_lettered, no_unroutable or all_acked)"
                ),
            );
            return None;
        }
    };
    o.finish(cx);
    Some(goal)
}

/// What a goal found wrong (or `Met`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The goal holds.
    Met,
    /// The diagram has no queue of that name.
    NoQueue(String),
    /// No consumer has that id.
    NoConsumer(String),
    /// No producer has that id.
    NoProducer(String),
    /// No message was published with the routing key.
    NotPublished(String),
    /// `missed` of `total` messages with the key did not reach the queue; `routed_to` is where
    /// the first of them went (empty: nowhere).
    Missed {
        routing_key: String,
        exchange: String,
        missed: u64,
        total: u64,
        routed_to: Vec<String>,
    },
    /// `count` messages (with the key, if the goal has one) reached the queue, the first `via`.
    Leaked {
        routing_key: String,
        count: u64,
        via: Via,
    },
    /// A count outside the goal's range.
    Count { got: u64, hint: Option<Hint> },
    /// `count` publishes were routed nowhere, the first with this key at this exchange.
    Unroutable {
        count: u64,
        routing_key: String,
        exchange: String,
    },
    /// `missed` of `total` messages were never acked.
    NotAcked {
        missed: u64,
        total: u64,
        hint: Option<Hint>,
    },
}

/// How a message arrived in a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Through a binding of `exchange` (described by `binding`).
    Binding { exchange: String, why: Why },
    /// Dead-lettered from queue `from`.
    DeadLetter { from: String },
}

/// Why messages were lost: the first drop or unroutable publish seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// A queue dropped a message.
    Dropped { queue: String, why: DropWhy },
    /// A publish was routed nowhere.
    Unroutable {
        routing_key: String,
        exchange: String,
    },
}

/// One goal and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The goal checked.
    pub goal: Goal,
    /// What was found.
    pub finding: Finding,
}

impl Verdict {
    /// Whether the goal holds.
    pub fn passed(&self) -> bool {
        self.finding == Finding::Met
    }
}

struct Published {
    producer: String,
    exchange: String,
    routing_key: String,
}

/// What the headless run saw, per original message (dead-letter copies map to their original).
#[derive(Default)]
struct Observed {
    published: BTreeMap<MessageId, Published>,
    original: BTreeMap<MessageId, MessageId>,
    /// (original, queue) → how it first got there.
    arrivals: BTreeMap<(MessageId, String), Via>,
    /// Messages arriving per queue (every arrival counts).
    arrived: BTreeMap<String, u64>,
    /// Where each original was first routed (empty = nowhere).
    first_route: BTreeMap<MessageId, Vec<String>>,
    deliveries: BTreeMap<String, u64>,
    dead_lettered: BTreeMap<String, u64>,
    unroutable: Vec<MessageId>,
    acked: BTreeSet<MessageId>,
    hint: Option<Hint>,
}

impl Observed {
    fn root(&self, m: MessageId) -> MessageId {
        self.original.get(&m).copied().unwrap_or(m)
    }

    fn arrive(&mut self, m: MessageId, queue: &str, via: Via) {
        *self.arrived.entry(queue.to_owned()).or_default() += 1;
        self.arrivals.entry((m, queue.to_owned())).or_insert(via);
    }

    fn see(&mut self, e: &Explanation) {
        use Explanation as E;
        match e {
            E::Published {
                message: Some(m),
                producer,
                exchange,
                routing_key,
                ..
            } => {
                self.published.insert(
                    *m,
                    Published {
                        producer: producer.id.to_string(),
                        exchange: exchange.to_string(),
                        routing_key: routing_key.to_string(),
                    },
                );
            }
            E::Routed {
                message,
                hops,
                queues,
                ..
            } => {
                let m = self.root(*message);
                self.first_route
                    .entry(m)
                    .or_insert_with(|| queues.iter().map(|q| q.to_string()).collect());
                for q in queues {
                    let via = hops
                        .iter()
                        .find(|h| !h.to_exchange && h.destination == **q)
                        .map(|h| Via::Binding {
                            exchange: h.exchange.clone(),
                            why: h.why.clone(),
                        })
                        .unwrap_or(Via::Binding {
                            exchange: String::new(),
                            why: Why::Fanout,
                        });
                    self.arrive(m, q, via);
                }
            }
            E::NotRouted {
                message,
                exchange,
                routing_key,
                ..
            } => {
                let m = self.root(*message);
                self.first_route.entry(m).or_default();
                self.unroutable.push(m);
                self.hint.get_or_insert(Hint::Unroutable {
                    routing_key: routing_key.to_string(),
                    exchange: exchange.to_string(),
                });
            }
            E::DeadLettered {
                message,
                copy,
                queue,
                queues,
                ..
            } => {
                let m = self.root(*message);
                self.original.insert(*copy, m);
                for q in queues {
                    *self.dead_lettered.entry(q.to_string()).or_default() += 1;
                    self.arrive(
                        m,
                        q,
                        Via::DeadLetter {
                            from: queue.to_string(),
                        },
                    );
                }
            }
            E::Dropped { queue, why, .. } => {
                self.hint.get_or_insert(Hint::Dropped {
                    queue: queue.to_string(),
                    why: *why,
                });
            }
            E::Delivered { consumer, .. } => {
                *self.deliveries.entry(consumer.id.to_string()).or_default() += 1;
            }
            E::Acked { message, .. } => {
                let m = self.root(*message);
                self.acked.insert(m);
            }
            _ => {}
        }
    }
}

/// Runs the scenario headless (bounded by [`CHECK_TIME_MS`] and [`CHECK_EVENTS`]) and checks
/// every goal of its lesson; no lesson or no goals gives no verdicts.
pub fn check(s: &Scenario) -> Vec<Verdict> {
    let goals = s.lesson.as_ref().map(|l| l.goals.as_slice()).unwrap_or(&[]);
    if goals.is_empty() {
        return Vec::new();
    }
    let mut sim = Simulator::new(to_sim(s));
    let mut events = Vec::new();
    sim.run_until(VirtualTime(CHECK_TIME_MS), CHECK_EVENTS, &mut events);
    let mut seen = Observed::default();
    for e in &events {
        seen.see(&e.what);
    }
    goals
        .iter()
        .map(|g| Verdict {
            goal: named(g, s),
            finding: judge(s, g, &seen),
        })
        .collect()
}

/// The goal with producer and consumer ids replaced by their display names (what the diagram
/// shows), for [`describe`] and [`explain`]; ids without a node stay as written.
pub fn named(goal: &Goal, s: &Scenario) -> Goal {
    let consumer = |id: &String| {
        s.consumers
            .iter()
            .find(|c| c.id == *id)
            .map_or_else(|| id.clone(), |c| c.name.clone())
    };
    match goal {
        Goal::ConsumerReceives {
            consumer: c,
            min,
            max,
        } => Goal::ConsumerReceives {
            consumer: consumer(c),
            min: *min,
            max: *max,
        },
        Goal::AllAcked { producer: Some(p) } => Goal::AllAcked {
            producer: Some(
                s.producers
                    .iter()
                    .find(|x| x.id == *p)
                    .map_or_else(|| p.clone(), |x| x.name.clone()),
            ),
        },
        other => other.clone(),
    }
}

fn within(got: u64, min: Option<u64>, max: Option<u64>) -> bool {
    min.is_none_or(|m| got >= m) && max.is_none_or(|m| got <= m)
}

fn judge(s: &Scenario, goal: &Goal, seen: &Observed) -> Finding {
    let no_queue = |q: &str| s.queue(q).is_none().then(|| Finding::NoQueue(q.to_owned()));
    match goal {
        Goal::Reaches { routing_key, queue } => {
            if let Some(f) = no_queue(queue) {
                return f;
            }
            let with_key: Vec<(&MessageId, &Published)> = seen
                .published
                .iter()
                .filter(|(_, p)| p.routing_key == *routing_key)
                .collect();
            let Some((_, first)) = with_key.first() else {
                return Finding::NotPublished(routing_key.clone());
            };
            let missed: Vec<&MessageId> = with_key
                .iter()
                .filter(|(m, _)| !seen.arrivals.contains_key(&(**m, queue.clone())))
                .map(|(m, _)| *m)
                .collect();
            match missed.first() {
                None => Finding::Met,
                Some(m) => Finding::Missed {
                    routing_key: routing_key.clone(),
                    exchange: seen
                        .published
                        .get(m)
                        .map_or_else(|| first.exchange.clone(), |p| p.exchange.clone()),
                    missed: missed.len() as u64,
                    total: with_key.len() as u64,
                    routed_to: seen.first_route.get(m).cloned().unwrap_or_default(),
                },
            }
        }
        Goal::NeverReaches { routing_key, queue } => {
            if let Some(f) = no_queue(queue) {
                return f;
            }
            let leaks: Vec<(&MessageId, &Via)> = seen
                .arrivals
                .iter()
                .filter(|((m, q), _)| {
                    q == queue
                        && routing_key.as_ref().is_none_or(|k| {
                            seen.published.get(m).is_some_and(|p| p.routing_key == *k)
                        })
                })
                .map(|((m, _), via)| (m, via))
                .collect();
            match leaks.first() {
                None => Finding::Met,
                Some((m, via)) => Finding::Leaked {
                    routing_key: seen
                        .published
                        .get(m)
                        .map(|p| p.routing_key.clone())
                        .unwrap_or_default(),
                    count: leaks.len() as u64,
                    via: (*via).clone(),
                },
            }
        }
        Goal::QueueReceives { queue, min, max } => {
            if let Some(f) = no_queue(queue) {
                return f;
            }
            let got = seen.arrived.get(queue).copied().unwrap_or(0);
            if within(got, *min, *max) {
                Finding::Met
            } else {
                Finding::Count {
                    got,
                    hint: seen.hint.clone(),
                }
            }
        }
        Goal::ConsumerReceives { consumer, min, max } => {
            if !s.consumers.iter().any(|c| c.id == *consumer) {
                return Finding::NoConsumer(consumer.clone());
            }
            let got = seen.deliveries.get(consumer).copied().unwrap_or(0);
            if within(got, *min, *max) {
                Finding::Met
            } else {
                Finding::Count { got, hint: None }
            }
        }
        Goal::DeadLettered { queue, min } => {
            if let Some(f) = no_queue(queue) {
                return f;
            }
            let got = seen.dead_lettered.get(queue).copied().unwrap_or(0);
            if got >= *min {
                Finding::Met
            } else {
                Finding::Count {
                    got,
                    hint: seen.hint.clone(),
                }
            }
        }
        Goal::NoUnroutable => match seen.unroutable.first() {
            None => Finding::Met,
            Some(m) => {
                let p = seen.published.get(m);
                Finding::Unroutable {
                    count: seen.unroutable.len() as u64,
                    routing_key: p.map(|p| p.routing_key.clone()).unwrap_or_default(),
                    exchange: p.map(|p| p.exchange.clone()).unwrap_or_default(),
                }
            }
        },
        Goal::AllAcked { producer } => {
            if let Some(p) = producer
                && !s.producers.iter().any(|x| x.id == *p)
            {
                return Finding::NoProducer(p.clone());
            }
            let mine: Vec<&MessageId> = seen
                .published
                .iter()
                .filter(|(_, p)| producer.as_ref().is_none_or(|id| p.producer == *id))
                .map(|(m, _)| m)
                .collect();
            let missed = mine.iter().filter(|m| !seen.acked.contains(m)).count() as u64;
            if missed == 0 && !mine.is_empty() {
                Finding::Met
            } else {
                Finding::NotAcked {
                    missed,
                    total: mine.len() as u64,
                    hint: seen.hint.clone(),
                }
            }
        }
    }
}

fn q(name: &str) -> String {
    format!("\"{name}\"")
}

fn exchange_name(x: &str, lang: Lang) -> String {
    match (x.is_empty(), lang) {
        (true, Lang::En) => "the default exchange".to_owned(),
        (true, Lang::ZhCn) => "默认交换机".to_owned(),
        (false, Lang::En) => format!("exchange {}", q(x)),
        (false, Lang::ZhCn) => format!("交换机 {}", q(x)),
    }
}

fn range(min: Option<u64>, max: Option<u64>, lang: Lang) -> String {
    match (min, max, lang) {
        (Some(a), Some(b), Lang::En) if a == b => format!("exactly {a}"),
        (Some(a), Some(b), Lang::ZhCn) if a == b => format!("恰好 {a}"),
        (Some(a), Some(b), Lang::En) => format!("from {a} to {b}"),
        (Some(a), Some(b), Lang::ZhCn) => format!("{a} 到 {b}"),
        (Some(a), None, Lang::En) => format!("at least {a}"),
        (Some(a), None, Lang::ZhCn) => format!("至少 {a}"),
        (None, Some(b), Lang::En) => format!("at most {b}"),
        (None, Some(b), Lang::ZhCn) => format!("至多 {b}"),
        (None, None, _) => String::new(),
    }
}

/// The goal as a sentence, for the lesson panel.
pub fn describe(goal: &Goal, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    match goal {
        Goal::Reaches { routing_key, queue } if zh => {
            format!("路由键为 {} 的消息到达队列 {}。", q(routing_key), q(queue))
        }
        Goal::Reaches { routing_key, queue } => format!(
            "Messages with routing key {} reach queue {}.",
            q(routing_key),
            q(queue)
        ),
        Goal::NeverReaches {
            routing_key: Some(k),
            queue,
        } if zh => format!("路由键为 {} 的消息永远不会到达队列 {}。", q(k), q(queue)),
        Goal::NeverReaches {
            routing_key: Some(k),
            queue,
        } => format!(
            "Messages with routing key {} never reach queue {}.",
            q(k),
            q(queue)
        ),
        Goal::NeverReaches { queue, .. } if zh => format!("没有任何消息到达队列 {}。", q(queue)),
        Goal::NeverReaches { queue, .. } => format!("No message reaches queue {}.", q(queue)),
        Goal::QueueReceives { queue, min, max } if zh => {
            format!("队列 {} 收到{} 条消息。", q(queue), range(*min, *max, lang))
        }
        Goal::QueueReceives { queue, min, max } => format!(
            "Queue {} receives {} messages.",
            q(queue),
            range(*min, *max, lang)
        ),
        Goal::ConsumerReceives { consumer, min, max } if zh => {
            format!(
                "消费者 {} 收到{} 次投递。",
                q(consumer),
                range(*min, *max, lang)
            )
        }
        Goal::ConsumerReceives { consumer, min, max } => format!(
            "Consumer {} gets {} deliveries.",
            q(consumer),
            range(*min, *max, lang)
        ),
        Goal::DeadLettered { queue, min } if zh => {
            format!("至少 {min} 条消息被死信转发到队列 {}。", q(queue))
        }
        Goal::DeadLettered { queue, min } => {
            format!(
                "At least {min} message(s) are dead-lettered into queue {}.",
                q(queue)
            )
        }
        Goal::NoUnroutable if zh => "没有无法路由的消息：每次发布都到达某个队列。".to_owned(),
        Goal::NoUnroutable => "No message is unroutable: every publish reaches a queue.".to_owned(),
        Goal::AllAcked { producer: Some(p) } if zh => {
            format!("来自 {} 的每条消息最终都被确认（ack）。", q(p))
        }
        Goal::AllAcked { producer: Some(p) } => {
            format!("Every message from {} is eventually acked.", q(p))
        }
        Goal::AllAcked { producer: None } if zh => "每条消息最终都被确认（ack）。".to_owned(),
        Goal::AllAcked { producer: None } => "Every message is eventually acked.".to_owned(),
    }
}

fn why_text(exchange: &str, why: &Why, lang: Lang) -> String {
    let x = exchange_name(exchange, lang);
    let zh = lang == Lang::ZhCn;
    match why {
        Why::Direct { binding_key } | Why::Topic { binding_key, .. } if zh => {
            format!("{x} 的绑定键 {}", q(binding_key))
        }
        Why::Direct { binding_key } | Why::Topic { binding_key, .. } => {
            format!("the binding {} of {x}", q(binding_key))
        }
        Why::DefaultExchange { .. } if zh => "默认交换机".to_owned(),
        Why::DefaultExchange { .. } => "the default exchange".to_owned(),
        Why::Fanout if zh => format!("{x} 的 fanout 绑定"),
        Why::Fanout => format!("a fanout binding of {x}"),
        Why::Headers { .. } if zh => format!("{x} 的 headers 绑定"),
        Why::Headers { .. } => format!("a headers binding of {x}"),
        Why::Alternate if zh => format!("{x} 的备用交换机"),
        Why::Alternate => format!("the alternate exchange of {x}"),
    }
}

fn hint_text(h: &Hint, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    match h {
        Hint::Dropped { queue, why } => {
            let (en, cn) = match why {
                DropWhy::Rejected => ("rejected", "被拒绝"),
                DropWhy::Expired => ("expired", "过期"),
                DropWhy::Overflow | DropWhy::RejectPublish => ("queue full", "队列已满"),
                DropWhy::DeadLetterUnroutable => {
                    return if zh {
                        format!("队列 {} 的死信交换机没有把消息路由到任何队列。", q(queue))
                    } else {
                        format!(
                            " Queue {}'s dead-letter exchange routed a message nowhere.",
                            q(queue)
                        )
                    };
                }
                DropWhy::Purged => ("purged", "被清空"),
                DropWhy::QueueDeleted => ("queue deleted", "队列被删除"),
            };
            if zh {
                format!(
                    "队列 {} 丢弃了一条消息（{cn}），因为它没有死信交换机。",
                    q(queue)
                )
            } else {
                format!(
                    " Queue {} dropped a message ({en}) because it has no dead-letter exchange.",
                    q(queue)
                )
            }
        }
        Hint::Unroutable {
            routing_key,
            exchange,
        } => {
            let x = exchange_name(exchange, lang);
            if zh {
                format!("路由键为 {} 的消息在{x}处无法路由。", q(routing_key))
            } else {
                format!(
                    " A message with routing key {} was unroutable at {x}.",
                    q(routing_key)
                )
            }
        }
    }
}

/// What is still wrong, as a sentence (empty when the goal is met).
pub fn explain(v: &Verdict, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let hint = |h: &Option<Hint>| h.as_ref().map(|h| hint_text(h, lang)).unwrap_or_default();
    match (&v.finding, &v.goal) {
        (Finding::Met, _) => String::new(),
        (Finding::NoQueue(n), _) if zh => format!("没有名为 {} 的队列。", q(n)),
        (Finding::NoQueue(n), _) => format!("There is no queue named {}.", q(n)),
        (Finding::NoConsumer(n), _) if zh => format!("没有 id 为 {} 的消费者。", q(n)),
        (Finding::NoConsumer(n), _) => format!("There is no consumer with id {}.", q(n)),
        (Finding::NoProducer(n), _) if zh => format!("没有 id 为 {} 的生产者。", q(n)),
        (Finding::NoProducer(n), _) => format!("There is no producer with id {}.", q(n)),
        (Finding::NotPublished(k), _) if zh => {
            format!("没有生产者发布路由键为 {} 的消息。", q(k))
        }
        (Finding::NotPublished(k), _) => {
            format!("No producer publishes a message with routing key {}.", q(k))
        }
        (
            Finding::Missed {
                routing_key,
                exchange,
                missed,
                total,
                routed_to,
            },
            goal,
        ) => {
            let queue = match goal {
                Goal::Reaches { queue, .. } => queue.as_str(),
                _ => "",
            };
            let x = exchange_name(exchange, lang);
            let part = if missed < total {
                if zh {
                    format!("（{total} 条中有 {missed} 条）")
                } else {
                    format!(" ({missed} of {total} messages)")
                }
            } else {
                String::new()
            };
            let list = routed_to.iter().map(|r| q(r)).collect::<Vec<_>>();
            match (routed_to.is_empty(), zh) {
                (true, true) => format!(
                    "{} 没有到达队列 {}{part}：{x} 没有任何绑定匹配它，消息没有被路由到任何队列。",
                    q(routing_key),
                    q(queue)
                ),
                (true, false) => format!(
                    "{} did not reach queue {}{part}: no binding of {x} matches it, so it was routed nowhere.",
                    q(routing_key),
                    q(queue)
                ),
                (false, true) => format!(
                    "{} 没有到达队列 {}{part}：{x} 只把它路由到了 {}。",
                    q(routing_key),
                    q(queue),
                    list.join("、")
                ),
                (false, false) => format!(
                    "{} did not reach queue {}{part}: {x} routed it only to {}.",
                    q(routing_key),
                    q(queue),
                    list.join(", ")
                ),
            }
        }
        (
            Finding::Leaked {
                routing_key,
                count,
                via,
            },
            goal,
        ) => {
            let queue = match goal {
                Goal::NeverReaches { queue, .. } => queue.as_str(),
                _ => "",
            };
            let how = match via {
                Via::Binding { exchange, why } => why_text(exchange, why, lang),
                Via::DeadLetter { from } if zh => format!("来自队列 {} 的死信", q(from)),
                Via::DeadLetter { from } => format!("dead-lettering from queue {}", q(from)),
            };
            if zh {
                format!(
                    "{} 通过{how}到达了队列 {}（共 {count} 条消息）。",
                    q(routing_key),
                    q(queue)
                )
            } else {
                format!(
                    "{} reached queue {} through {how} ({count} message(s) in all).",
                    q(routing_key),
                    q(queue)
                )
            }
        }
        (Finding::Count { got, hint: h }, goal) => {
            let h = hint(h);
            match goal {
                Goal::QueueReceives { queue, min, max } if zh => format!(
                    "队列 {} 收到了 {got} 条消息；目标是{} 条。{h}",
                    q(queue),
                    range(*min, *max, lang)
                ),
                Goal::QueueReceives { queue, min, max } => format!(
                    "Queue {} received {got} message(s); the goal is {}.{h}",
                    q(queue),
                    range(*min, *max, lang)
                ),
                Goal::ConsumerReceives { consumer, min, max } if zh => format!(
                    "消费者 {} 收到了 {got} 次投递；目标是{} 次。{h}",
                    q(consumer),
                    range(*min, *max, lang)
                ),
                Goal::ConsumerReceives { consumer, min, max } => format!(
                    "Consumer {} got {got} deliveries; the goal is {}.{h}",
                    q(consumer),
                    range(*min, *max, lang)
                ),
                Goal::DeadLettered { queue, min } if zh => format!(
                    "有 {got} 条消息被死信转发到队列 {}；目标是至少 {min} 条。{h}",
                    q(queue)
                ),
                Goal::DeadLettered { queue, min } => format!(
                    "{got} message(s) were dead-lettered into queue {}; the goal is at least {min}.{h}",
                    q(queue)
                ),
                _ => String::new(),
            }
        }
        (
            Finding::Unroutable {
                count,
                routing_key,
                exchange,
            },
            _,
        ) => {
            let x = exchange_name(exchange, lang);
            if zh {
                format!(
                    "有 {count} 次发布无法路由；第一条的路由键是 {}，发布到{x}。",
                    q(routing_key)
                )
            } else {
                format!(
                    "{count} publish(es) were routed nowhere, the first with routing key {} at {x}.",
                    q(routing_key)
                )
            }
        }
        (
            Finding::NotAcked {
                missed,
                total,
                hint: h,
            },
            _,
        ) => {
            let h = hint(h);
            match (*total == 0, zh) {
                (true, true) => "没有发布任何消息。".to_owned(),
                (true, false) => "No message was published.".to_owned(),
                (false, true) => format!("{total} 条消息中有 {missed} 条从未被确认。{h}"),
                (false, false) => {
                    format!("{missed} of {total} messages were never acked.{h}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_str;
    use crate::scenario::presets;

    fn preset(id: &str) -> Scenario {
        presets::load(id)
            .unwrap_or_else(|e| panic!("{id}: {e}"))
            .scenario
    }

    fn failures(s: &Scenario, lang: Lang) -> Vec<String> {
        check(s)
            .iter()
            .filter(|v| !v.passed())
            .map(|v| explain(v, lang))
            .collect()
    }

    #[test]
    fn pager_challenge_fails_until_the_binding_key_is_fixed() {
        let mut s = preset("challenge-pager");
        let verdicts = check(&s);
        assert_eq!(verdicts.len(), 5);
        let failed: Vec<&Verdict> = verdicts.iter().filter(|v| !v.passed()).collect();
        assert_eq!(failed.len(), 2, "{verdicts:?}");
        assert_eq!(
            explain(failed[0], Lang::En),
            "\"app.info\" reached queue \"pager\" through the binding \"#\" of exchange \"alerts\" (1 message(s) in all)."
        );
        assert!(explain(failed[0], Lang::ZhCn).contains("绑定键 \"#\""));
        // Too narrow a key: now the critical alerts miss the pager, and the verdict says where they went.
        s.topology.bindings[0].routing_key = "app.critical".into();
        let f = failures(&s, Lang::En);
        assert_eq!(
            f,
            vec![
                "\"db.critical\" did not reach queue \"pager\": exchange \"alerts\" routed it only to \"archive\"."
            ]
        );
        s.topology.bindings[0].routing_key = "*.critical".into();
        assert!(failures(&s, Lang::En).is_empty());
        // Breaking the archive is caught too.
        s.topology.bindings.remove(1);
        let f = failures(&s, Lang::En);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].starts_with("Queue \"archive\" received 0 message(s); the goal is at least 4.")
        );
    }

    #[test]
    fn retry_challenge_needs_the_dead_letter_exchange() {
        let mut s = preset("challenge-retry");
        let f = failures(&s, Lang::En);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(
            f[0].contains("Queue \"orders.work\" dropped a message (rejected) because it has no dead-letter exchange"),
            "{}",
            f[0]
        );
        assert!(f[1].contains("of 5 messages were never acked"), "{}", f[1]);
        assert!(failures(&s, Lang::ZhCn)[0].contains("没有死信交换机"));
        s.topology.queues[0].arguments.insert(
            "x-dead-letter-exchange".into(),
            serde_json::Value::from("orders.retry"),
        );
        assert!(
            failures(&s, Lang::En).is_empty(),
            "{:?}",
            failures(&s, Lang::En)
        );
    }

    #[test]
    fn fair_dispatch_challenge_needs_prefetch_one() {
        let mut s = preset("challenge-fair-dispatch");
        let f = failures(&s, Lang::En);
        assert_eq!(
            f,
            vec!["Consumer \"worker 2 (fast)\" got 5 deliveries; the goal is at least 7."]
        );
        for c in &mut s.consumers {
            c.prefetch = 1;
        }
        assert!(
            failures(&s, Lang::En).is_empty(),
            "{:?}",
            failures(&s, Lang::En)
        );
    }

    #[test]
    fn goals_are_validated_with_json_paths_and_round_trip() {
        let bad = r#"{"warren":1,"lesson":{"goals":[{"kind":"reaches","queue":"q"},
            {"kind":"teleport"},{"kind":"queue_receives","queue":"q"},
            {"kind":"consumer_receives","consumer":"c","min":3,"max":1},"x"]}}"#;
        let err = parse_str(bad).map(|_| ()).unwrap_err().to_string();
        for path in [
            "lesson.goals[0].routing_key: is required",
            "lesson.goals[1].kind: unknown goal \"teleport\"",
            "lesson.goals[2].min: give min, max or both",
            "lesson.goals[3].max: must not be less than min",
            "lesson.goals[4]: must be an object",
        ] {
            assert!(err.contains(path), "{path} not in {err}");
        }
        let s = preset("challenge-pager");
        let again = parse_str(&s.to_json()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.scenario, s);
        assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    }

    #[test]
    fn cli_check_prints_verdicts_and_says_whether_all_hold() {
        let mut warnings = Vec::new();
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (out, ok) = crate::scenario::cli::check(
            &args(&[
                "www/scenarios/challenge-fair-dispatch.json",
                "--lang",
                "zh-CN",
            ]),
            &mut warnings,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!ok);
        assert!(
            out.starts_with(
                "✗ 消费者 \"worker 2 (fast)\" 收到至少 7 次投递。\n  消费者 \"worker 2 (fast)\" 收到了 5 次投递"
            ),
            "{out}"
        );
        assert!(out.contains("✓ 每条消息最终都被确认"), "{out}");
        let e = crate::scenario::cli::check(&args(&["www/scenarios/topics.json"]), &mut warnings);
        assert!(e.is_err());
        assert!(crate::scenario::cli::check(&args(&["a", "b"]), &mut warnings).is_err());
    }

    #[test]
    fn unroutable_ranges_and_keyless_goals() {
        let mut s = preset("challenge-pager");
        let goals = |s: &mut Scenario, json: &str| {
            let v: Value = serde_json::from_str(json).unwrap_or_default();
            let mut cx = Cx::default();
            let g = read_goals(
                v.as_array().map_or(&[][..], |a| a.as_slice()),
                "goals",
                &mut cx,
            );
            assert!(cx.errors.is_empty(), "{:?}", cx.errors);
            if let Some(l) = s.lesson.as_mut() {
                l.goals = g;
            }
        };
        goals(
            &mut s,
            r#"[{"kind":"no_unroutable"},{"kind":"queue_receives","queue":"pager","max":2},
                {"kind":"never_reaches","queue":"archive"},{"kind":"all_acked"}]"#,
        );
        // Only the pager binding left, with the fixed key: app.info and db.warning go nowhere.
        s.topology.bindings.retain(|b| b.destination == "pager");
        s.topology.bindings[0].routing_key = "*.critical".into();
        let v = check(&s);
        let text: Vec<String> = v.iter().map(|v| explain(v, Lang::En)).collect();
        assert_eq!(
            text[0],
            "2 publish(es) were routed nowhere, the first with routing key \"app.info\" at exchange \"alerts\"."
        );
        assert!(v[1].passed() && v[2].passed(), "{text:?}");
        // The on-call phone acks everything that reaches it; the unroutable two are never acked.
        assert!(text[3].starts_with("2 of 4 messages were never acked. A message with routing key \"app.info\" was unroutable"), "{}", text[3]);
        // Everything to the pager again: too many for max 2, and the count is named.
        s.topology.bindings[0].routing_key = "#".into();
        let v = check(&s);
        assert_eq!(
            explain(&v[1], Lang::En),
            "Queue \"pager\" received 4 message(s); the goal is at most 2."
        );
        assert_eq!(
            describe(&v[1].goal, Lang::ZhCn),
            "队列 \"pager\" 收到至多 2 条消息。"
        );
    }

    #[test]
    fn missing_names_and_unbounded_producers_are_handled() {
        let mut s = preset("challenge-pager");
        s.topology.queues.retain(|q| q.name != "archive");
        s.topology.bindings.retain(|b| b.destination != "archive");
        s.producers[0].count = None;
        let v = check(&s);
        let last = v.last().unwrap_or_else(|| panic!("no verdicts"));
        assert_eq!(
            explain(last, Lang::En),
            "There is no queue named \"archive\"."
        );
        // An unbounded producer stops at the time cap: about CHECK_TIME_MS / 1000 messages leak.
        assert!(matches!(v[2].finding, Finding::Leaked { count, .. } if count >= 25));
        assert!(describe(&v[0].goal, Lang::ZhCn).contains("到达队列"));
        assert!(check(&preset("topics")).is_empty());
    }
}
