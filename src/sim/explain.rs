//! What happened and why, as data ([`Explanation`]) and as plain language ([`render`]).
//!
//! The engine builds an `Explanation` for every event with every parameter a sentence needs
//! (names, keys, counts), so rendering needs no access to the simulator and a new language is one
//! more arm per variant in [`render`]. English and 简体中文 are provided.

use std::fmt::Write;
use std::sync::Arc;

use crate::broker::{DeathReason, MessageId};

/// Output language of [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

/// A producer or consumer: its stable id (the diagram node) and display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Arc<str>,
    pub name: Arc<str>,
}

/// Why a binding (or rule) sent a message from an exchange to a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The default exchange routes to the queue named by the routing key.
    DefaultExchange { routing_key: String },
    /// Direct: binding key equals routing key.
    Direct { binding_key: String },
    /// Fanout: every binding gets a copy.
    Fanout,
    /// Topic: `binding_key` matched `routing_key`; `taken` lists, per pattern word, the
    /// routing-key words it took.
    Topic {
        binding_key: String,
        routing_key: String,
        taken: Vec<(String, Vec<String>)>,
    },
    /// Headers: the binding's pattern matched (`x_match` mode, keys satisfied).
    Headers {
        x_match: &'static str,
        satisfied: Vec<String>,
    },
    /// Nothing matched, so the exchange passed it to its alternate exchange.
    Alternate,
}

/// One matching binding: `exchange` → `destination`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub exchange: String,
    pub destination: String,
    pub to_exchange: bool,
    pub why: Why,
}

/// Why a consumer got a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryWhy {
    /// 1-based place of the consumer among the queue's consumers (subscription order).
    pub position: u32,
    /// Consumers on the queue.
    pub consumers: u32,
    /// prefetch_count (0 = unlimited).
    pub prefetch: u16,
    /// Unacked deliveries it held before this one.
    pub unacked_before: u32,
    /// Consumer priority (0 unless `x-priority`).
    pub priority: i64,
    /// Whether consumers on the queue have different priorities.
    pub priorities_differ: bool,
    /// Consumers passed over because their prefetch window was full.
    pub skipped_full: Vec<Arc<str>>,
    /// no-ack consumer: the message is settled the moment it is sent.
    pub auto_ack: bool,
}

/// Why a message left a queue without delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropWhy {
    /// drop-head overflow (no dead-letter exchange).
    Overflow,
    /// reject-publish overflow refused it.
    RejectPublish,
    /// TTL passed (no dead-letter exchange).
    Expired,
    /// Rejected or nacked without requeue (no dead-letter exchange).
    Rejected,
    /// The dead-letter exchange routed it nowhere.
    DeadLetterUnroutable,
    /// queue.purge.
    Purged,
    /// Its queue was deleted.
    QueueDeleted,
}

/// The `x-death` entry a dead-lettered copy carries for this death.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XDeath {
    pub queue: String,
    pub reason: &'static str,
    pub count: i64,
    pub exchange: String,
    pub routing_keys: Vec<String>,
}

/// One event, explained. Every variant about a message names it (`message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explanation {
    Published {
        message: Option<MessageId>,
        producer: Actor,
        exchange: Arc<str>,
        routing_key: Arc<str>,
        number: u64,
        persistent: bool,
        mandatory: bool,
        confirm_seq: Option<u64>,
    },
    /// A consumer answered an RPC request.
    ReplyPublished {
        message: Option<MessageId>,
        consumer: Actor,
        reply_to: Arc<str>,
        correlation_id: Option<String>,
        request: MessageId,
    },
    Routed {
        message: MessageId,
        exchange: Arc<str>,
        routing_key: Arc<str>,
        hops: Vec<Hop>,
        queues: Vec<Arc<str>>,
    },
    NotRouted {
        message: MessageId,
        exchange: Arc<str>,
        routing_key: Arc<str>,
        mandatory: bool,
        notes: Vec<String>,
    },
    ToAlternate {
        message: MessageId,
        exchange: String,
        alternate: String,
    },
    Returned {
        message: MessageId,
        producer: Actor,
        reply_code: u16,
        reply_text: &'static str,
    },
    Enqueued {
        message: MessageId,
        queue: Arc<str>,
    },
    Dropped {
        message: MessageId,
        queue: Arc<str>,
        why: DropWhy,
        max_length: Option<u64>,
    },
    Delivered {
        message: MessageId,
        queue: Arc<str>,
        consumer: Actor,
        delivery_tag: u64,
        redelivered: bool,
        why: DeliveryWhy,
    },
    Acked {
        message: MessageId,
        consumer: Actor,
        delivery_tag: u64,
    },
    Nacked {
        message: MessageId,
        consumer: Actor,
        delivery_tag: u64,
        requeue: bool,
        failed: bool,
    },
    Rejected {
        message: MessageId,
        consumer: Actor,
        delivery_tag: u64,
        requeue: bool,
        failed: bool,
    },
    Requeued {
        message: MessageId,
        queue: Arc<str>,
    },
    Expired {
        message: MessageId,
        queue: Arc<str>,
        ttl: Option<u64>,
    },
    DeadLettered {
        message: MessageId,
        copy: MessageId,
        queue: Arc<str>,
        reason: DeathReason,
        exchange: Arc<str>,
        routing_key: String,
        x_death: XDeath,
        hops: Vec<Hop>,
        queues: Vec<Arc<str>>,
    },
    ConfirmAck {
        message: Option<MessageId>,
        producer: Actor,
        seq: u64,
    },
    ConfirmNack {
        message: Option<MessageId>,
        producer: Actor,
        seq: u64,
    },
    ConsumerStarted {
        consumer: Actor,
        queue: Arc<str>,
        prefetch: u16,
        auto_ack: bool,
    },
    ConsumerKilled {
        consumer: Actor,
        unacked: u32,
    },
    ConsumerCancelled {
        consumer: Actor,
        queue: Arc<str>,
    },
    ChannelClosed {
        actor: Actor,
        reply_code: u16,
        reply_text: String,
    },
    QueueDeleted {
        queue: Arc<str>,
    },
    BrokerRestarted {
        kept_queues: Vec<Arc<str>>,
        lost_queues: Vec<Arc<str>>,
        kept_messages: u64,
        lost_messages: u64,
    },
    /// The diagram was edited while the simulation ran; `error` is the broker's refusal
    /// (reply code and text), if it refused.
    Edited {
        change: Change,
        error: Option<(u16, String)>,
    },
}

/// A runtime edit of the topology or of the clients (see [`crate::sim::Action`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    ExchangeDeclared {
        name: Arc<str>,
        kind: &'static str,
    },
    ExchangeDeleted {
        name: Arc<str>,
    },
    QueueDeclared {
        name: Arc<str>,
    },
    /// `messages`: ready messages discarded with it.
    QueueDeleted {
        name: Arc<str>,
        messages: u32,
    },
    BindingAdded {
        source: Arc<str>,
        destination: Arc<str>,
        to_exchange: bool,
        binding_key: Arc<str>,
    },
    BindingRemoved {
        source: Arc<str>,
        destination: Arc<str>,
        to_exchange: bool,
        binding_key: Arc<str>,
    },
    ConsumerAdded {
        consumer: Actor,
        queue: Arc<str>,
    },
    ConsumerRemoved {
        consumer: Actor,
        queue: Arc<str>,
        unacked: u32,
    },
    ProducerAdded {
        producer: Actor,
        exchange: Arc<str>,
    },
    ProducerRemoved {
        producer: Actor,
    },
}

impl Explanation {
    /// The message the event is about (the original, for a dead-lettering).
    pub fn message(&self) -> Option<MessageId> {
        use Explanation as E;
        match self {
            E::Published { message, .. }
            | E::ReplyPublished { message, .. }
            | E::ConfirmAck { message, .. }
            | E::ConfirmNack { message, .. } => *message,
            E::Routed { message, .. }
            | E::NotRouted { message, .. }
            | E::ToAlternate { message, .. }
            | E::Returned { message, .. }
            | E::Enqueued { message, .. }
            | E::Dropped { message, .. }
            | E::Delivered { message, .. }
            | E::Acked { message, .. }
            | E::Nacked { message, .. }
            | E::Rejected { message, .. }
            | E::Requeued { message, .. }
            | E::Expired { message, .. }
            | E::DeadLettered { message, .. } => Some(*message),
            E::ConsumerStarted { .. }
            | E::ConsumerKilled { .. }
            | E::ConsumerCancelled { .. }
            | E::ChannelClosed { .. }
            | E::QueueDeleted { .. }
            | E::BrokerRestarted { .. }
            | E::Edited { .. } => None,
        }
    }

    /// A short, stable name of the event kind (for JSON and filters).
    pub fn kind(&self) -> &'static str {
        use Explanation as E;
        match self {
            E::Published { .. } => "published",
            E::ReplyPublished { .. } => "reply_published",
            E::Routed { .. } => "routed",
            E::NotRouted { .. } => "not_routed",
            E::ToAlternate { .. } => "alternate_exchange",
            E::Returned { .. } => "returned",
            E::Enqueued { .. } => "enqueued",
            E::Dropped { .. } => "dropped",
            E::Delivered { .. } => "delivered",
            E::Acked { .. } => "acked",
            E::Nacked { .. } => "nacked",
            E::Rejected { .. } => "rejected",
            E::Requeued { .. } => "requeued",
            E::Expired { .. } => "expired",
            E::DeadLettered { .. } => "dead_lettered",
            E::ConfirmAck { .. } => "confirm_ack",
            E::ConfirmNack { .. } => "confirm_nack",
            E::ConsumerStarted { .. } => "consumer_started",
            E::ConsumerKilled { .. } => "consumer_killed",
            E::ConsumerCancelled { .. } => "consumer_cancelled",
            E::ChannelClosed { .. } => "channel_closed",
            E::QueueDeleted { .. } => "queue_deleted",
            E::BrokerRestarted { .. } => "broker_restarted",
            E::Edited { .. } => "edited",
        }
    }
}

fn m(id: MessageId) -> String {
    format!("m{}", id.0)
}

fn om(id: Option<MessageId>) -> String {
    id.map_or_else(|| "?".to_string(), m)
}

fn ex(name: &str, lang: Lang) -> String {
    match (name.is_empty(), lang) {
        (true, Lang::En) => "the default exchange".to_string(),
        (true, Lang::ZhCn) => "默认交换机".to_string(),
        (false, Lang::En) => format!("exchange {name}"),
        (false, Lang::ZhCn) => format!("交换机 {name}"),
    }
}

fn list(items: &[Arc<str>]) -> String {
    items.iter().map(|s| &**s).collect::<Vec<_>>().join(", ")
}

fn words(ws: &[String]) -> String {
    if ws.is_empty() {
        "nothing".to_string()
    } else {
        ws.join(".")
    }
}

fn why_text(why: &Why, lang: Lang) -> String {
    match (why, lang) {
        (Why::DefaultExchange { routing_key }, Lang::En) => {
            format!(
                "the default exchange routes to the queue named by the routing key `{routing_key}`"
            )
        }
        (Why::DefaultExchange { routing_key }, Lang::ZhCn) => {
            format!("默认交换机把消息投递到与路由键 `{routing_key}` 同名的队列")
        }
        (Why::Direct { binding_key }, Lang::En) => {
            format!("binding key `{binding_key}` equals the routing key")
        }
        (Why::Direct { binding_key }, Lang::ZhCn) => {
            format!("绑定键 `{binding_key}` 与路由键相同")
        }
        (Why::Fanout, Lang::En) => "a fanout exchange copies to every binding".to_string(),
        (Why::Fanout, Lang::ZhCn) => "扇出交换机向每个绑定复制一份".to_string(),
        (
            Why::Topic {
                binding_key,
                routing_key,
                taken,
            },
            lang,
        ) => {
            let mut s = match lang {
                Lang::En => format!("`{binding_key}` matches `{routing_key}`"),
                Lang::ZhCn => format!("`{binding_key}` 匹配 `{routing_key}`"),
            };
            let wild: Vec<String> = taken
                .iter()
                .filter(|(w, _)| w == "#" || w == "*")
                .map(|(w, t)| match lang {
                    Lang::En => format!("{w} takes {}", words(t)),
                    Lang::ZhCn => format!("{w} 匹配 {}", words(t)),
                })
                .collect();
            if !wild.is_empty() {
                s.push_str(": ");
                s.push_str(&wild.join(", "));
            }
            s
        }
        (Why::Headers { x_match, satisfied }, Lang::En) => format!(
            "headers match (x-match {x_match}; satisfied: {})",
            satisfied.join(", ")
        ),
        (Why::Headers { x_match, satisfied }, Lang::ZhCn) => format!(
            "消息头匹配（x-match {x_match}；满足：{}）",
            satisfied.join(", ")
        ),
        (Why::Alternate, Lang::En) => {
            "nothing matched, so it goes to the alternate exchange".into()
        }
        (Why::Alternate, Lang::ZhCn) => "没有绑定匹配，转给备用交换机".into(),
    }
}

fn hops_text(hops: &[Hop], lang: Lang) -> String {
    let parts: Vec<String> = hops
        .iter()
        .map(|h| {
            let dest = match (h.to_exchange, lang) {
                (true, Lang::En) => format!("exchange {}", h.destination),
                (true, Lang::ZhCn) => format!("交换机 {}", h.destination),
                (false, _) => h.destination.clone(),
            };
            let src = if h.exchange.is_empty() {
                "\"\"".to_string()
            } else {
                h.exchange.clone()
            };
            format!("{src} → {dest} ({})", why_text(&h.why, lang))
        })
        .collect();
    parts.join("; ")
}

fn drop_text(why: DropWhy, max_length: Option<u64>, lang: Lang) -> String {
    let max = max_length.map_or_else(String::new, |n| n.to_string());
    match (why, lang) {
        (DropWhy::Overflow, Lang::En) => format!(
            "the queue is over x-max-length {max} and overflow is drop-head, so the oldest message goes"
        ),
        (DropWhy::Overflow, Lang::ZhCn) => {
            format!("队列超过 x-max-length {max}，溢出策略为 drop-head，丢弃最旧的消息")
        }
        (DropWhy::RejectPublish, Lang::En) => {
            format!("the queue is full (x-max-length {max}) and overflow is reject-publish")
        }
        (DropWhy::RejectPublish, Lang::ZhCn) => {
            format!("队列已满（x-max-length {max}），溢出策略为 reject-publish")
        }
        (DropWhy::Expired, Lang::En) => {
            "its TTL passed and the queue has no dead-letter exchange".into()
        }
        (DropWhy::Expired, Lang::ZhCn) => "TTL 已过且队列没有死信交换机".into(),
        (DropWhy::Rejected, Lang::En) => {
            "it was rejected without requeue and the queue has no dead-letter exchange".into()
        }
        (DropWhy::Rejected, Lang::ZhCn) => "被拒绝且不重新入队，队列没有死信交换机".into(),
        (DropWhy::DeadLetterUnroutable, Lang::En) => {
            "its dead-letter exchange routed it nowhere (missing, no match, or a cycle)".into()
        }
        (DropWhy::DeadLetterUnroutable, Lang::ZhCn) => {
            "死信交换机无法路由它（不存在、无匹配或形成循环）".into()
        }
        (DropWhy::Purged, Lang::En) => "the queue was purged".into(),
        (DropWhy::Purged, Lang::ZhCn) => "队列被清空".into(),
        (DropWhy::QueueDeleted, Lang::En) => "its queue was deleted".into(),
        (DropWhy::QueueDeleted, Lang::ZhCn) => "所在队列被删除".into(),
    }
}

fn delivery_text(w: &DeliveryWhy, lang: Lang) -> String {
    let mut s = String::new();
    match lang {
        Lang::En => {
            if w.consumers <= 1 {
                s.push_str("the only consumer on the queue");
            } else {
                let _ = write!(
                    s,
                    "round-robin, consumer {} of {} on the queue",
                    w.position, w.consumers
                );
            }
            if w.priorities_differ {
                let _ = write!(
                    s,
                    "; highest priority with credit (x-priority {})",
                    w.priority
                );
            }
            if w.auto_ack {
                s.push_str("; auto-ack: settled as soon as it is sent");
            } else if w.prefetch == 0 {
                let _ = write!(
                    s,
                    "; no prefetch limit ({} unacked already: the broker does not look at how busy it is)",
                    w.unacked_before
                );
            } else {
                let _ = write!(
                    s,
                    "; prefetch credit: {} of {} unacked before this one",
                    w.unacked_before, w.prefetch
                );
            }
            if !w.skipped_full.is_empty() {
                let _ = write!(
                    s,
                    "; skipped {} (prefetch window full)",
                    list(&w.skipped_full)
                );
            }
        }
        Lang::ZhCn => {
            if w.consumers <= 1 {
                s.push_str("队列上唯一的消费者");
            } else {
                let _ = write!(
                    s,
                    "轮询，队列上 {} 个消费者中的第 {} 个",
                    w.consumers, w.position
                );
            }
            if w.priorities_differ {
                let _ = write!(s, "；有余量的最高优先级消费者（x-priority {}）", w.priority);
            }
            if w.auto_ack {
                s.push_str("；自动确认：发出即结算");
            } else if w.prefetch == 0 {
                let _ = write!(
                    s,
                    "；无预取上限（已有 {} 条未确认：代理不考虑它有多忙）",
                    w.unacked_before
                );
            } else {
                let _ = write!(
                    s,
                    "；预取额度：此前未确认 {} / {}",
                    w.unacked_before, w.prefetch
                );
            }
            if !w.skipped_full.is_empty() {
                let _ = write!(s, "；跳过 {}（预取窗口已满）", list(&w.skipped_full));
            }
        }
    }
    s
}

fn reason_zh(r: DeathReason) -> &'static str {
    match r {
        DeathReason::Rejected => "被拒绝",
        DeathReason::Expired => "过期",
        DeathReason::Maxlen => "超出长度限制",
    }
}

/// The explanation as one sentence in `lang`.
pub fn render(e: &Explanation, lang: Lang) -> String {
    use Explanation as E;
    match (e, lang) {
        (
            E::Published {
                message,
                producer,
                exchange,
                routing_key,
                number,
                persistent,
                mandatory,
                confirm_seq,
            },
            lang,
        ) => {
            let mut s = match lang {
                Lang::En => format!(
                    "{} published {} (message {number}) to {} with routing key `{routing_key}`",
                    producer.name,
                    om(*message),
                    ex(exchange, lang)
                ),
                Lang::ZhCn => format!(
                    "{} 发布 {}（第 {number} 条）到{}，路由键 `{routing_key}`",
                    producer.name,
                    om(*message),
                    ex(exchange, lang)
                ),
            };
            let mut flags = Vec::new();
            if *persistent {
                flags.push(if lang == Lang::En {
                    "persistent"
                } else {
                    "持久化"
                });
            }
            if *mandatory {
                flags.push("mandatory");
            }
            let seq = confirm_seq.map(|q| match lang {
                Lang::En => format!("confirm seq {q}"),
                Lang::ZhCn => format!("确认序号 {q}"),
            });
            let mut flags: Vec<String> = flags.into_iter().map(String::from).collect();
            flags.extend(seq);
            if !flags.is_empty() {
                let _ = write!(s, " [{}]", flags.join(", "));
            }
            s
        }
        (
            E::ReplyPublished {
                message,
                consumer,
                reply_to,
                correlation_id,
                request,
            },
            Lang::En,
        ) => format!(
            "{} replied to {} with {} via the default exchange to reply_to queue {reply_to} (correlation_id {})",
            consumer.name,
            m(*request),
            om(*message),
            correlation_id.as_deref().unwrap_or("none")
        ),
        (
            E::ReplyPublished {
                message,
                consumer,
                reply_to,
                correlation_id,
                request,
            },
            Lang::ZhCn,
        ) => format!(
            "{} 经默认交换机回复 {}：{} 发往 reply_to 队列 {reply_to}（correlation_id {}）",
            consumer.name,
            m(*request),
            om(*message),
            correlation_id.as_deref().unwrap_or("无")
        ),
        (
            E::Routed {
                message,
                exchange,
                routing_key,
                hops,
                queues,
            },
            lang,
        ) => {
            let mut s = match lang {
                Lang::En => format!(
                    "{} routed {} (routing key `{routing_key}`) to {}",
                    ex(exchange, lang),
                    m(*message),
                    list(queues)
                ),
                Lang::ZhCn => format!(
                    "{}把 {}（路由键 `{routing_key}`）路由到 {}",
                    ex(exchange, lang),
                    m(*message),
                    list(queues)
                ),
            };
            if !hops.is_empty() {
                s.push_str(": ");
                s.push_str(&hops_text(hops, lang));
            }
            s
        }
        (
            E::NotRouted {
                message,
                exchange,
                routing_key,
                mandatory,
                notes,
            },
            lang,
        ) => {
            let mut s = match lang {
                Lang::En => format!(
                    "{} matched no binding for {} (routing key `{routing_key}`)",
                    ex(exchange, lang),
                    m(*message)
                ),
                Lang::ZhCn => format!(
                    "{}没有绑定匹配 {}（路由键 `{routing_key}`）",
                    ex(exchange, lang),
                    m(*message)
                ),
            };
            s.push_str(match (mandatory, lang) {
                (true, Lang::En) => ": it is mandatory, so it will be returned",
                (false, Lang::En) => ": it is silently dropped",
                (true, Lang::ZhCn) => "：设置了 mandatory，将被退回",
                (false, Lang::ZhCn) => "：被静默丢弃",
            });
            if !notes.is_empty() {
                let _ = write!(s, " ({})", notes.join("; "));
            }
            s
        }
        (
            E::ToAlternate {
                message,
                exchange,
                alternate,
            },
            Lang::En,
        ) => format!(
            "{} matched nothing for {}, so it goes to its alternate exchange {alternate}",
            ex(exchange, lang),
            m(*message)
        ),
        (
            E::ToAlternate {
                message,
                exchange,
                alternate,
            },
            Lang::ZhCn,
        ) => format!(
            "{}没有匹配 {}，转给备用交换机 {alternate}",
            ex(exchange, lang),
            m(*message)
        ),
        (
            E::Returned {
                message,
                producer,
                reply_code,
                reply_text,
            },
            Lang::En,
        ) => format!(
            "returned {} to {} with basic.return {reply_code} {reply_text}: it was mandatory and no queue took it",
            m(*message),
            producer.name
        ),
        (
            E::Returned {
                message,
                producer,
                reply_code,
                reply_text,
            },
            Lang::ZhCn,
        ) => format!(
            "通过 basic.return {reply_code} {reply_text} 把 {} 退回给 {}：消息设置了 mandatory 且没有队列接收",
            m(*message),
            producer.name
        ),
        (E::Enqueued { message, queue }, Lang::En) => {
            format!(
                "{} waits in queue {queue} (no consumer could take it yet)",
                m(*message)
            )
        }
        (E::Enqueued { message, queue }, Lang::ZhCn) => {
            format!("{} 在队列 {queue} 中等待（暂无消费者可接收）", m(*message))
        }
        (
            E::Dropped {
                message,
                queue,
                why,
                max_length,
            },
            Lang::En,
        ) => format!(
            "dropped {} from queue {queue}: {}",
            m(*message),
            drop_text(*why, *max_length, lang)
        ),
        (
            E::Dropped {
                message,
                queue,
                why,
                max_length,
            },
            Lang::ZhCn,
        ) => format!(
            "从队列 {queue} 丢弃 {}：{}",
            m(*message),
            drop_text(*why, *max_length, lang)
        ),
        (
            E::Delivered {
                message,
                queue,
                consumer,
                delivery_tag,
                redelivered,
                why,
            },
            Lang::En,
        ) => format!(
            "delivered {} from {queue} to consumer {} (delivery tag {delivery_tag}{}): {}",
            m(*message),
            consumer.name,
            if *redelivered { ", redelivered" } else { "" },
            delivery_text(why, lang)
        ),
        (
            E::Delivered {
                message,
                queue,
                consumer,
                delivery_tag,
                redelivered,
                why,
            },
            Lang::ZhCn,
        ) => format!(
            "把 {} 从 {queue} 投递给消费者 {}（delivery tag {delivery_tag}{}）：{}",
            m(*message),
            consumer.name,
            if *redelivered { "，重新投递" } else { "" },
            delivery_text(why, lang)
        ),
        (
            E::Acked {
                message,
                consumer,
                delivery_tag,
            },
            Lang::En,
        ) => format!(
            "{} acked {} (delivery tag {delivery_tag}): the broker forgets it",
            consumer.name,
            m(*message)
        ),
        (
            E::Acked {
                message,
                consumer,
                delivery_tag,
            },
            Lang::ZhCn,
        ) => format!(
            "{} 确认了 {}（delivery tag {delivery_tag}）：代理将其删除",
            consumer.name,
            m(*message)
        ),
        (
            E::Nacked {
                message,
                consumer,
                delivery_tag,
                requeue,
                failed,
            },
            lang,
        )
        | (
            E::Rejected {
                message,
                consumer,
                delivery_tag,
                requeue,
                failed,
            },
            lang,
        ) => {
            let method = if matches!(e, E::Nacked { .. }) {
                "basic.nack"
            } else {
                "basic.reject"
            };
            match lang {
                Lang::En => format!(
                    "{} {}settled {} with {method} requeue={requeue} (delivery tag {delivery_tag}){}",
                    consumer.name,
                    if *failed {
                        "failed to process and "
                    } else {
                        ""
                    },
                    m(*message),
                    if *requeue {
                        ": it goes back to its queue"
                    } else {
                        ": it is dead-lettered if the queue has a dead-letter exchange, else dropped"
                    }
                ),
                Lang::ZhCn => format!(
                    "{} {}以 {method} requeue={requeue} 结算 {}（delivery tag {delivery_tag}）{}",
                    consumer.name,
                    if *failed { "处理失败，" } else { "" },
                    m(*message),
                    if *requeue {
                        "：消息回到队列"
                    } else {
                        "：若队列有死信交换机则成为死信，否则丢弃"
                    }
                ),
            }
        }
        (E::Requeued { message, queue }, Lang::En) => format!(
            "requeued {} to its original position in {queue}; its next delivery is marked redelivered",
            m(*message)
        ),
        (E::Requeued { message, queue }, Lang::ZhCn) => format!(
            "{} 回到 {queue} 中原来的位置；下次投递标记为 redelivered",
            m(*message)
        ),
        (
            E::Expired {
                message,
                queue,
                ttl,
            },
            Lang::En,
        ) => format!(
            "{} expired at the head of {queue}{}",
            m(*message),
            ttl.map_or_else(String::new, |t| format!(" (TTL {t} ms)"))
        ),
        (
            E::Expired {
                message,
                queue,
                ttl,
            },
            Lang::ZhCn,
        ) => format!(
            "{} 在 {queue} 队首过期{}",
            m(*message),
            ttl.map_or_else(String::new, |t| format!("（TTL {t} 毫秒）"))
        ),
        (
            E::DeadLettered {
                message,
                copy,
                queue,
                reason,
                exchange,
                routing_key,
                x_death,
                hops,
                queues,
            },
            lang,
        ) => {
            let xd = format!(
                "{{queue: {}, reason: {}, count: {}, exchange: \"{}\", routing-keys: [{}]}}",
                x_death.queue,
                x_death.reason,
                x_death.count,
                x_death.exchange,
                x_death.routing_keys.join(", ")
            );
            let mut s = match lang {
                Lang::En => format!(
                    "dead-lettered {} from {queue} ({}) as {} to {} with routing key `{routing_key}`; new x-death entry {xd}",
                    m(*message),
                    reason.as_str(),
                    m(*copy),
                    ex(exchange, lang)
                ),
                Lang::ZhCn => format!(
                    "{} 在 {queue} 中成为死信（{}），副本 {} 发往{}，路由键 `{routing_key}`；新的 x-death 条目 {xd}",
                    m(*message),
                    reason_zh(*reason),
                    m(*copy),
                    ex(exchange, lang)
                ),
            };
            if !queues.is_empty() {
                let _ = match lang {
                    Lang::En => write!(s, "; it reaches {}", list(queues)),
                    Lang::ZhCn => write!(s, "；到达 {}", list(queues)),
                };
            }
            if !hops.is_empty() {
                let _ = write!(s, " ({})", hops_text(hops, lang));
            }
            s
        }
        (
            E::ConfirmAck {
                message,
                producer,
                seq,
            },
            Lang::En,
        ) => format!(
            "publisher confirm: basic.ack seq {seq} to {} ({} is safely in every queue it was routed to)",
            producer.name,
            om(*message)
        ),
        (
            E::ConfirmAck {
                message,
                producer,
                seq,
            },
            Lang::ZhCn,
        ) => format!(
            "发布确认：向 {} 发送 basic.ack 序号 {seq}（{} 已安全进入所有目标队列）",
            producer.name,
            om(*message)
        ),
        (
            E::ConfirmNack {
                message,
                producer,
                seq,
            },
            Lang::En,
        ) => format!(
            "publisher confirm: basic.nack seq {seq} to {} ({} was refused by a queue)",
            producer.name,
            om(*message)
        ),
        (
            E::ConfirmNack {
                message,
                producer,
                seq,
            },
            Lang::ZhCn,
        ) => format!(
            "发布确认：向 {} 发送 basic.nack 序号 {seq}（{} 被某个队列拒绝）",
            producer.name,
            om(*message)
        ),
        (
            E::ConsumerStarted {
                consumer,
                queue,
                prefetch,
                auto_ack,
            },
            Lang::En,
        ) => format!(
            "consumer {} subscribed to {queue} (prefetch_count {prefetch}, {})",
            consumer.name,
            if *auto_ack { "auto-ack" } else { "manual ack" }
        ),
        (
            E::ConsumerStarted {
                consumer,
                queue,
                prefetch,
                auto_ack,
            },
            Lang::ZhCn,
        ) => format!(
            "消费者 {} 订阅 {queue}（prefetch_count {prefetch}，{}）",
            consumer.name,
            if *auto_ack {
                "自动确认"
            } else {
                "手动确认"
            }
        ),
        (E::ConsumerKilled { consumer, unacked }, Lang::En) => format!(
            "consumer {} was killed: its channel closed, so its {unacked} unacked message(s) return to their queues",
            consumer.name
        ),
        (E::ConsumerKilled { consumer, unacked }, Lang::ZhCn) => format!(
            "消费者 {} 被终止：通道关闭，它的 {unacked} 条未确认消息回到队列",
            consumer.name
        ),
        (E::ConsumerCancelled { consumer, queue }, Lang::En) => format!(
            "the broker cancelled consumer {} because queue {queue} was deleted",
            consumer.name
        ),
        (E::ConsumerCancelled { consumer, queue }, Lang::ZhCn) => {
            format!("队列 {queue} 被删除，代理取消了消费者 {}", consumer.name)
        }
        (
            E::ChannelClosed {
                actor,
                reply_code,
                reply_text,
            },
            Lang::En,
        ) => format!(
            "the broker closed the channel of {} with {reply_code}: {reply_text}",
            actor.name
        ),
        (
            E::ChannelClosed {
                actor,
                reply_code,
                reply_text,
            },
            Lang::ZhCn,
        ) => format!(
            "代理以 {reply_code} 关闭了 {} 的通道：{reply_text}",
            actor.name
        ),
        (E::QueueDeleted { queue }, Lang::En) => format!("queue {queue} was deleted"),
        (E::QueueDeleted { queue }, Lang::ZhCn) => format!("队列 {queue} 被删除"),
        (
            E::BrokerRestarted {
                kept_queues,
                lost_queues,
                kept_messages,
                lost_messages,
            },
            Lang::En,
        ) => format!(
            "the broker restarted: durable queues kept ({}) with {kept_messages} persistent message(s); lost: transient queues ({}) and {lost_messages} message(s); clients reconnect and declare their topology again",
            list(kept_queues),
            list(lost_queues)
        ),
        (
            E::BrokerRestarted {
                kept_queues,
                lost_queues,
                kept_messages,
                lost_messages,
            },
            Lang::ZhCn,
        ) => format!(
            "代理重启：保留持久队列（{}）及 {kept_messages} 条持久消息；丢失：临时队列（{}）和 {lost_messages} 条消息；客户端重新连接并重新声明拓扑",
            list(kept_queues),
            list(lost_queues)
        ),
        (E::Edited { change, error }, lang) => {
            let what = change_text(change, lang);
            match (error, lang) {
                (None, _) => what,
                (Some((code, text)), Lang::En) => {
                    format!("{what} — refused by the broker: {code} {text}")
                }
                (Some((code, text)), Lang::ZhCn) => format!("{what} — 被代理拒绝：{code} {text}"),
            }
        }
    }
}

fn binding_arrow(
    destination: &str,
    to_exchange: bool,
    source: &str,
    key: &str,
    lang: Lang,
) -> String {
    let dest = match (to_exchange, lang) {
        (true, Lang::En) => format!("exchange {destination}"),
        (true, Lang::ZhCn) => format!("交换机 {destination}"),
        (false, _) => destination.to_string(),
    };
    if key.is_empty() {
        format!("{dest} ← {source}")
    } else {
        format!("{dest} ← {source} ({key})")
    }
}

/// One runtime edit in plain language.
pub fn change_text(c: &Change, lang: Lang) -> String {
    use Change as C;
    match (c, lang) {
        (C::ExchangeDeclared { name, kind }, Lang::En) => {
            format!("exchange {name} ({kind}) declared while running")
        }
        (C::ExchangeDeclared { name, kind }, Lang::ZhCn) => {
            format!("运行中声明了交换机 {name}（{kind}）")
        }
        (C::ExchangeDeleted { name }, Lang::En) => {
            format!("exchange {name} deleted while running, with every binding to and from it")
        }
        (C::ExchangeDeleted { name }, Lang::ZhCn) => {
            format!("运行中删除了交换机 {name}，连同它的所有绑定")
        }
        (C::QueueDeclared { name }, Lang::En) => format!("queue {name} declared while running"),
        (C::QueueDeclared { name }, Lang::ZhCn) => format!("运行中声明了队列 {name}"),
        (C::QueueDeleted { name, messages }, Lang::En) => format!(
            "queue {name} deleted while running: {messages} ready message(s) discarded, its bindings removed and its consumers cancelled"
        ),
        (C::QueueDeleted { name, messages }, Lang::ZhCn) => format!(
            "运行中删除了队列 {name}：丢弃 {messages} 条就绪消息，移除它的绑定并取消它的消费者"
        ),
        (
            C::BindingAdded {
                source,
                destination,
                to_exchange,
                binding_key,
            },
            _,
        ) => {
            let b = binding_arrow(destination, *to_exchange, source, binding_key, lang);
            match lang {
                Lang::En => format!("binding {b} added"),
                Lang::ZhCn => format!("添加了绑定 {b}"),
            }
        }
        (
            C::BindingRemoved {
                source,
                destination,
                to_exchange,
                binding_key,
            },
            _,
        ) => {
            let b = binding_arrow(destination, *to_exchange, source, binding_key, lang);
            match lang {
                Lang::En => format!("binding {b} removed"),
                Lang::ZhCn => format!("移除了绑定 {b}"),
            }
        }
        (C::ConsumerAdded { consumer, queue }, Lang::En) if queue.is_empty() => {
            format!(
                "consumer {} added, not subscribed to a queue yet",
                consumer.name
            )
        }
        (C::ConsumerAdded { consumer, queue }, Lang::ZhCn) if queue.is_empty() => {
            format!("添加了消费者 {}，尚未订阅任何队列", consumer.name)
        }
        (C::ConsumerAdded { consumer, queue }, Lang::En) => {
            format!("consumer {} added on queue {queue}", consumer.name)
        }
        (C::ConsumerAdded { consumer, queue }, Lang::ZhCn) => {
            format!("在队列 {queue} 上添加了消费者 {}", consumer.name)
        }
        (
            C::ConsumerRemoved {
                consumer,
                queue,
                unacked,
            },
            Lang::En,
        ) => format!(
            "consumer {} removed from queue {queue} (basic.cancel): no more deliveries; its {unacked} unacked message(s) stay on its channel until it settles them, they are not requeued",
            consumer.name
        ),
        (
            C::ConsumerRemoved {
                consumer,
                queue,
                unacked,
            },
            Lang::ZhCn,
        ) => format!(
            "消费者 {} 从队列 {queue} 移除（basic.cancel）：不再投递；它的 {unacked} 条未确认消息留在通道上直到它处理完，不会重新入队",
            consumer.name
        ),
        (C::ProducerAdded { producer, exchange }, Lang::En) => format!(
            "producer {} added, publishing to {}",
            producer.name,
            ex(exchange, lang)
        ),
        (C::ProducerAdded { producer, exchange }, Lang::ZhCn) => format!(
            "添加了生产者 {}，发布到{}",
            producer.name,
            ex(exchange, lang)
        ),
        (C::ProducerRemoved { producer }, Lang::En) => {
            format!("producer {} removed: its channel closed", producer.name)
        }
        (C::ProducerRemoved { producer }, Lang::ZhCn) => {
            format!("移除了生产者 {}：它的通道已关闭", producer.name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_explanation_names_what_hash_took() {
        let w = Why::Topic {
            binding_key: "lazy.#".into(),
            routing_key: "lazy.orange.male.rabbit".into(),
            taken: vec![
                ("lazy".into(), vec!["lazy".into()]),
                (
                    "#".into(),
                    vec!["orange".into(), "male".into(), "rabbit".into()],
                ),
            ],
        };
        assert_eq!(
            why_text(&w, Lang::En),
            "`lazy.#` matches `lazy.orange.male.rabbit`: # takes orange.male.rabbit"
        );
        assert!(why_text(&w, Lang::ZhCn).contains("# 匹配 orange.male.rabbit"));
    }

    #[test]
    fn every_language_renders_differently() {
        let e = Explanation::Requeued {
            message: MessageId(7),
            queue: Arc::from("task_queue"),
        };
        let en = render(&e, Lang::En);
        let zh = render(&e, Lang::ZhCn);
        assert!(en.starts_with("requeued m7 to its original position in task_queue"));
        assert!(zh.contains("m7") && zh.contains("task_queue") && zh != en);
        assert_eq!(e.kind(), "requeued");
        assert_eq!(e.message(), Some(MessageId(7)));
    }
}
