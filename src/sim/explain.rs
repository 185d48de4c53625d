//! What happened and why, as data ([`Explanation`]) and as plain language ([`render`]).
//!
//! The engine builds an `Explanation` for every event with every parameter a sentence needs
//! (names, keys, counts), so rendering needs no access to the simulator. The sentences live in one
//! table of templates (`TEMPLATES`: each message's English and 简体中文 side by side, with `{name}`
//! placeholders); [`render`] computes the values once and fills the template of the event's kind,
//! so a new language is one more column in that table.

use std::fmt::{Display, Write};
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

/// The name of one entry of [`TEMPLATES`]. An enum rather than a string: a misspelt key does
/// not compile, and the names cost the page nothing.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug, PartialOrd, Ord))]
enum Key {
    DefaultExchange,
    Exchange,
    NoValue,
    WhyDefault,
    WhyDirect,
    WhyFanout,
    WhyTopic,
    WhyTopicTook,
    WhyHeaders,
    WhyAlternate,
    DropOverflow,
    DropRejectPublish,
    DropExpired,
    DropRejected,
    DropDeadLetterUnroutable,
    DropPurged,
    DropQueueDeleted,
    DeliveryOnly,
    DeliveryRoundRobin,
    DeliveryPriority,
    DeliveryAutoAck,
    DeliveryNoPrefetch,
    DeliveryPrefetch,
    DeliverySkipped,
    ReasonRejected,
    ReasonExpired,
    ReasonMaxlen,
    Published,
    FlagPersistent,
    FlagConfirmSeq,
    ReplyPublished,
    Routed,
    NotRouted,
    NotRoutedMandatory,
    NotRoutedDropped,
    ToAlternate,
    Returned,
    Enqueued,
    Dropped,
    Delivered,
    Redelivered,
    Acked,
    Settled,
    SettleFailed,
    SettleRequeued,
    SettleNotRequeued,
    Requeued,
    Expired,
    ExpiredTtl,
    DeadLettered,
    DeadLetteredReaches,
    ConfirmAck,
    ConfirmNack,
    ConsumerStarted,
    AutoAck,
    ManualAck,
    ConsumerKilled,
    ConsumerCancelled,
    ChannelClosed,
    QueueDeleted,
    BrokerRestarted,
    EditRefused,
    ExchangeDeclared,
    ExchangeDeleted,
    QueueDeclared,
    QueueDeletedEdit,
    BindingAdded,
    BindingRemoved,
    ConsumerAddedIdle,
    ConsumerAdded,
    ConsumerRemoved,
    ProducerAdded,
    ProducerRemoved,
}

/// One sentence or sentence part in every language, side by side. `{name}` placeholders are
/// filled by [`fill`] from the values the render code computed once for all languages, so each
/// language may order them as its grammar needs; the tests check both texts use the same set.
struct Template {
    key: Key,
    en: &'static str,
    zh: &'static str,
}

const fn tpl(key: Key, en: &'static str, zh: &'static str) -> Template {
    Template { key, en, zh }
}

/// Every message [`render`] and [`change_text`] can produce. Kept as data rather than one
/// `format!` per language so that a message's languages sit side by side and its arguments are
/// computed once, whatever the language.
#[rustfmt::skip]
static TEMPLATES: &[Template] = &[
    // Names.
    tpl(Key::DefaultExchange, "the default exchange", "默认交换机"),
    tpl(Key::Exchange, "exchange {name}", "交换机 {name}"),
    tpl(Key::NoValue, "none", "无"),
    // Why a binding matched.
    tpl(Key::WhyDefault,
        "the default exchange routes to the queue named by the routing key `{routing_key}`",
        "默认交换机把消息投递到与路由键 `{routing_key}` 同名的队列"),
    tpl(Key::WhyDirect,
        "binding key `{binding_key}` equals the routing key",
        "绑定键 `{binding_key}` 与路由键相同"),
    tpl(Key::WhyFanout, "a fanout exchange copies to every binding", "扇出交换机向每个绑定复制一份"),
    tpl(Key::WhyTopic, "`{binding_key}` matches `{routing_key}`", "`{binding_key}` 匹配 `{routing_key}`"),
    tpl(Key::WhyTopicTook, "{wildcard} takes {words}", "{wildcard} 匹配 {words}"),
    tpl(Key::WhyHeaders,
        "headers match (x-match {x_match}; satisfied: {satisfied})",
        "消息头匹配（x-match {x_match}；满足：{satisfied}）"),
    tpl(Key::WhyAlternate,
        "nothing matched, so it goes to the alternate exchange",
        "没有绑定匹配，转给备用交换机"),
    // Why a message was dropped.
    tpl(Key::DropOverflow,
        "the queue is over x-max-length {max} and overflow is drop-head, so the oldest message goes",
        "队列超过 x-max-length {max}，溢出策略为 drop-head，丢弃最旧的消息"),
    tpl(Key::DropRejectPublish,
        "the queue is full (x-max-length {max}) and overflow is reject-publish",
        "队列已满（x-max-length {max}），溢出策略为 reject-publish"),
    tpl(Key::DropExpired,
        "its TTL passed and the queue has no dead-letter exchange",
        "TTL 已过且队列没有死信交换机"),
    tpl(Key::DropRejected,
        "it was rejected without requeue and the queue has no dead-letter exchange",
        "被拒绝且不重新入队，队列没有死信交换机"),
    tpl(Key::DropDeadLetterUnroutable,
        "its dead-letter exchange routed it nowhere (missing, no match, or a cycle)",
        "死信交换机无法路由它（不存在、无匹配或形成循环）"),
    tpl(Key::DropPurged, "the queue was purged", "队列被清空"),
    tpl(Key::DropQueueDeleted, "its queue was deleted", "所在队列被删除"),
    // Why a consumer got a delivery.
    tpl(Key::DeliveryOnly, "the only consumer on the queue", "队列上唯一的消费者"),
    tpl(Key::DeliveryRoundRobin,
        "round-robin, consumer {position} of {consumers} on the queue",
        "轮询，队列上 {consumers} 个消费者中的第 {position} 个"),
    tpl(Key::DeliveryPriority,
        "; highest priority with credit (x-priority {priority})",
        "；有余量的最高优先级消费者（x-priority {priority}）"),
    tpl(Key::DeliveryAutoAck, "; auto-ack: settled as soon as it is sent", "；自动确认：发出即结算"),
    tpl(Key::DeliveryNoPrefetch,
        "; no prefetch limit ({unacked} unacked already: the broker does not look at how busy it is)",
        "；无预取上限（已有 {unacked} 条未确认：代理不考虑它有多忙）"),
    tpl(Key::DeliveryPrefetch,
        "; prefetch credit: {unacked} of {prefetch} unacked before this one",
        "；预取额度：此前未确认 {unacked} / {prefetch}"),
    tpl(Key::DeliverySkipped,
        "; skipped {consumers} (prefetch window full)",
        "；跳过 {consumers}（预取窗口已满）"),
    // Dead-letter reasons (English uses the x-death reason itself).
    tpl(Key::ReasonRejected, "rejected", "被拒绝"),
    tpl(Key::ReasonExpired, "expired", "过期"),
    tpl(Key::ReasonMaxlen, "maxlen", "超出长度限制"),
    // Events.
    tpl(Key::Published,
        "{producer} published {message} (message {number}) to {exchange} with routing key `{routing_key}`",
        "{producer} 发布 {message}（第 {number} 条）到{exchange}，路由键 `{routing_key}`"),
    tpl(Key::FlagPersistent, "persistent", "持久化"),
    tpl(Key::FlagConfirmSeq, "confirm seq {seq}", "确认序号 {seq}"),
    tpl(Key::ReplyPublished,
        "{consumer} replied to {request} with {message} via the default exchange to reply_to queue {reply_to} (correlation_id {correlation_id})",
        "{consumer} 经默认交换机回复 {request}：{message} 发往 reply_to 队列 {reply_to}（correlation_id {correlation_id}）"),
    tpl(Key::Routed,
        "{exchange} routed {message} (routing key `{routing_key}`) to {queues}",
        "{exchange}把 {message}（路由键 `{routing_key}`）路由到 {queues}"),
    tpl(Key::NotRouted,
        "{exchange} matched no binding for {message} (routing key `{routing_key}`)",
        "{exchange}没有绑定匹配 {message}（路由键 `{routing_key}`）"),
    tpl(Key::NotRoutedMandatory, ": it is mandatory, so it will be returned", "：设置了 mandatory，将被退回"),
    tpl(Key::NotRoutedDropped, ": it is silently dropped", "：被静默丢弃"),
    tpl(Key::ToAlternate,
        "{exchange} matched nothing for {message}, so it goes to its alternate exchange {alternate}",
        "{exchange}没有匹配 {message}，转给备用交换机 {alternate}"),
    tpl(Key::Returned,
        "returned {message} to {producer} with basic.return {reply_code} {reply_text}: it was mandatory and no queue took it",
        "通过 basic.return {reply_code} {reply_text} 把 {message} 退回给 {producer}：消息设置了 mandatory 且没有队列接收"),
    tpl(Key::Enqueued,
        "{message} waits in queue {queue} (no consumer could take it yet)",
        "{message} 在队列 {queue} 中等待（暂无消费者可接收）"),
    tpl(Key::Dropped, "dropped {message} from queue {queue}: {why}", "从队列 {queue} 丢弃 {message}：{why}"),
    tpl(Key::Delivered,
        "delivered {message} from {queue} to consumer {consumer} (delivery tag {delivery_tag}{redelivered}): {why}",
        "把 {message} 从 {queue} 投递给消费者 {consumer}（delivery tag {delivery_tag}{redelivered}）：{why}"),
    tpl(Key::Redelivered, ", redelivered", "，重新投递"),
    tpl(Key::Acked,
        "{consumer} acked {message} (delivery tag {delivery_tag}): the broker forgets it",
        "{consumer} 确认了 {message}（delivery tag {delivery_tag}）：代理将其删除"),
    tpl(Key::Settled,
        "{consumer} {failed}settled {message} with {method} requeue={requeue} (delivery tag {delivery_tag}){outcome}",
        "{consumer} {failed}以 {method} requeue={requeue} 结算 {message}（delivery tag {delivery_tag}）{outcome}"),
    tpl(Key::SettleFailed, "failed to process and ", "处理失败，"),
    tpl(Key::SettleRequeued, ": it goes back to its queue", "：消息回到队列"),
    tpl(Key::SettleNotRequeued,
        ": it is dead-lettered if the queue has a dead-letter exchange, else dropped",
        "：若队列有死信交换机则成为死信，否则丢弃"),
    tpl(Key::Requeued,
        "requeued {message} to its original position in {queue}; its next delivery is marked redelivered",
        "{message} 回到 {queue} 中原来的位置；下次投递标记为 redelivered"),
    tpl(Key::Expired, "{message} expired at the head of {queue}{ttl}", "{message} 在 {queue} 队首过期{ttl}"),
    tpl(Key::ExpiredTtl, " (TTL {ttl} ms)", "（TTL {ttl} 毫秒）"),
    tpl(Key::DeadLettered,
        "dead-lettered {message} from {queue} ({reason}) as {copy} to {exchange} with routing key `{routing_key}`; new x-death entry {x_death}",
        "{message} 在 {queue} 中成为死信（{reason}），副本 {copy} 发往{exchange}，路由键 `{routing_key}`；新的 x-death 条目 {x_death}"),
    tpl(Key::DeadLetteredReaches, "; it reaches {queues}", "；到达 {queues}"),
    tpl(Key::ConfirmAck,
        "publisher confirm: basic.ack seq {seq} to {producer} ({message} is safely in every queue it was routed to)",
        "发布确认：向 {producer} 发送 basic.ack 序号 {seq}（{message} 已安全进入所有目标队列）"),
    tpl(Key::ConfirmNack,
        "publisher confirm: basic.nack seq {seq} to {producer} ({message} was refused by a queue)",
        "发布确认：向 {producer} 发送 basic.nack 序号 {seq}（{message} 被某个队列拒绝）"),
    tpl(Key::ConsumerStarted,
        "consumer {consumer} subscribed to {queue} (prefetch_count {prefetch}, {ack})",
        "消费者 {consumer} 订阅 {queue}（prefetch_count {prefetch}，{ack}）"),
    tpl(Key::AutoAck, "auto-ack", "自动确认"),
    tpl(Key::ManualAck, "manual ack", "手动确认"),
    tpl(Key::ConsumerKilled,
        "consumer {consumer} was killed: its channel closed, so its {unacked} unacked message(s) return to their queues",
        "消费者 {consumer} 被终止：通道关闭，它的 {unacked} 条未确认消息回到队列"),
    tpl(Key::ConsumerCancelled,
        "the broker cancelled consumer {consumer} because queue {queue} was deleted",
        "队列 {queue} 被删除，代理取消了消费者 {consumer}"),
    tpl(Key::ChannelClosed,
        "the broker closed the channel of {actor} with {reply_code}: {reply_text}",
        "代理以 {reply_code} 关闭了 {actor} 的通道：{reply_text}"),
    tpl(Key::QueueDeleted, "queue {queue} was deleted", "队列 {queue} 被删除"),
    tpl(Key::BrokerRestarted,
        "the broker restarted: durable queues kept ({kept_queues}) with {kept_messages} persistent message(s); lost: transient queues ({lost_queues}) and {lost_messages} message(s); clients reconnect and declare their topology again",
        "代理重启：保留持久队列（{kept_queues}）及 {kept_messages} 条持久消息；丢失：临时队列（{lost_queues}）和 {lost_messages} 条消息；客户端重新连接并重新声明拓扑"),
    tpl(Key::EditRefused,
        "{change} — refused by the broker: {reply_code} {reply_text}",
        "{change} — 被代理拒绝：{reply_code} {reply_text}"),
    // Runtime edits.
    tpl(Key::ExchangeDeclared,
        "exchange {name} ({kind}) declared while running",
        "运行中声明了交换机 {name}（{kind}）"),
    tpl(Key::ExchangeDeleted,
        "exchange {name} deleted while running, with every binding to and from it",
        "运行中删除了交换机 {name}，连同它的所有绑定"),
    tpl(Key::QueueDeclared, "queue {name} declared while running", "运行中声明了队列 {name}"),
    tpl(Key::QueueDeletedEdit,
        "queue {name} deleted while running: {messages} ready message(s) discarded, its bindings removed and its consumers cancelled",
        "运行中删除了队列 {name}：丢弃 {messages} 条就绪消息，移除它的绑定并取消它的消费者"),
    tpl(Key::BindingAdded, "binding {binding} added", "添加了绑定 {binding}"),
    tpl(Key::BindingRemoved, "binding {binding} removed", "移除了绑定 {binding}"),
    tpl(Key::ConsumerAddedIdle,
        "consumer {consumer} added, not subscribed to a queue yet",
        "添加了消费者 {consumer}，尚未订阅任何队列"),
    tpl(Key::ConsumerAdded, "consumer {consumer} added on queue {queue}", "在队列 {queue} 上添加了消费者 {consumer}"),
    tpl(Key::ConsumerRemoved,
        "consumer {consumer} removed from queue {queue} (basic.cancel): no more deliveries; its {unacked} unacked message(s) stay on its channel until it settles them, they are not requeued",
        "消费者 {consumer} 从队列 {queue} 移除（basic.cancel）：不再投递；它的 {unacked} 条未确认消息留在通道上直到它处理完，不会重新入队"),
    tpl(Key::ProducerAdded,
        "producer {producer} added, publishing to {exchange}",
        "添加了生产者 {producer}，发布到{exchange}"),
    tpl(Key::ProducerRemoved, "producer {producer} removed: its channel closed", "移除了生产者 {producer}：它的通道已关闭"),
];

/// A placeholder's name and value. `dyn Display` rather than a generic keeps one copy of
/// [`fill`] in the page and lets numbers be written without a temporary `String` per call site.
pub type Arg<'a> = (&'a str, &'a dyn Display);

/// `text` with each `{name}` replaced by the value paired with `name` in `args`. A brace group
/// naming no argument is copied as it is; values are not scanned again, so a value may hold
/// braces (the x-death table does). The UI's message catalogs use it too (`ui::i18n::fill`).
pub fn fill(text: &str, args: &[Arg]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (close, *v))
        });
        match value {
            Some((close, v)) => {
                let _ = write!(out, "{v}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
thread_local! {
    /// The template keys [`t`] was asked for on this thread, so a test can tell that the
    /// samples reach every template and name no missing one.
    static LOOKED_UP: std::cell::RefCell<Vec<Key>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The template `key` in `lang`, filled from `args`.
fn t(key: Key, lang: Lang, args: &[Arg]) -> String {
    #[cfg(test)]
    LOOKED_UP.with(|l| l.borrow_mut().push(key));
    let text = TEMPLATES
        .iter()
        .find(|t| t.key == key)
        .map_or("", |t| match lang {
            Lang::En => t.en,
            Lang::ZhCn => t.zh,
        });
    fill(text, args)
}

fn m(id: MessageId) -> String {
    format!("m{}", id.0)
}

fn om(id: Option<MessageId>) -> String {
    id.map_or_else(|| "?".to_string(), m)
}

fn ex(name: &str, lang: Lang) -> String {
    if name.is_empty() {
        t(Key::DefaultExchange, lang, &[])
    } else {
        t(Key::Exchange, lang, &[("name", &name)])
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
    match why {
        Why::DefaultExchange { routing_key } => {
            t(Key::WhyDefault, lang, &[("routing_key", routing_key)])
        }
        Why::Direct { binding_key } => t(Key::WhyDirect, lang, &[("binding_key", binding_key)]),
        Why::Fanout => t(Key::WhyFanout, lang, &[]),
        Why::Topic {
            binding_key,
            routing_key,
            taken,
        } => {
            let mut s = t(
                Key::WhyTopic,
                lang,
                &[("binding_key", binding_key), ("routing_key", routing_key)],
            );
            let wild: Vec<String> = taken
                .iter()
                .filter(|(w, _)| w == "#" || w == "*")
                .map(|(w, took)| {
                    t(
                        Key::WhyTopicTook,
                        lang,
                        &[("wildcard", w), ("words", &words(took))],
                    )
                })
                .collect();
            if !wild.is_empty() {
                s.push_str(": ");
                s.push_str(&wild.join(", "));
            }
            s
        }
        Why::Headers { x_match, satisfied } => t(
            Key::WhyHeaders,
            lang,
            &[("x_match", x_match), ("satisfied", &satisfied.join(", "))],
        ),
        Why::Alternate => t(Key::WhyAlternate, lang, &[]),
    }
}

fn hops_text(hops: &[Hop], lang: Lang) -> String {
    let parts: Vec<String> = hops
        .iter()
        .map(|h| {
            let dest = if h.to_exchange {
                t(Key::Exchange, lang, &[("name", &h.destination)])
            } else {
                h.destination.clone()
            };
            let src = if h.exchange.is_empty() {
                "\"\""
            } else {
                &h.exchange
            };
            fill(
                "{source} → {destination} ({why})",
                &[
                    ("source", &src),
                    ("destination", &dest),
                    ("why", &why_text(&h.why, lang)),
                ],
            )
        })
        .collect();
    parts.join("; ")
}

fn drop_text(why: DropWhy, max_length: Option<u64>, lang: Lang) -> String {
    let max = max_length.map_or_else(String::new, |n| n.to_string());
    let key = match why {
        DropWhy::Overflow => Key::DropOverflow,
        DropWhy::RejectPublish => Key::DropRejectPublish,
        DropWhy::Expired => Key::DropExpired,
        DropWhy::Rejected => Key::DropRejected,
        DropWhy::DeadLetterUnroutable => Key::DropDeadLetterUnroutable,
        DropWhy::Purged => Key::DropPurged,
        DropWhy::QueueDeleted => Key::DropQueueDeleted,
    };
    t(key, lang, &[("max", &max)])
}

fn delivery_text(w: &DeliveryWhy, lang: Lang) -> String {
    let mut s = if w.consumers <= 1 {
        t(Key::DeliveryOnly, lang, &[])
    } else {
        t(
            Key::DeliveryRoundRobin,
            lang,
            &[("position", &w.position), ("consumers", &w.consumers)],
        )
    };
    if w.priorities_differ {
        s += &t(Key::DeliveryPriority, lang, &[("priority", &w.priority)]);
    }
    s += &if w.auto_ack {
        t(Key::DeliveryAutoAck, lang, &[])
    } else if w.prefetch == 0 {
        t(
            Key::DeliveryNoPrefetch,
            lang,
            &[("unacked", &w.unacked_before)],
        )
    } else {
        t(
            Key::DeliveryPrefetch,
            lang,
            &[("unacked", &w.unacked_before), ("prefetch", &w.prefetch)],
        )
    };
    if !w.skipped_full.is_empty() {
        s += &t(
            Key::DeliverySkipped,
            lang,
            &[("consumers", &list(&w.skipped_full))],
        );
    }
    s
}

fn reason_text(r: DeathReason, lang: Lang) -> String {
    let key = match r {
        DeathReason::Rejected => Key::ReasonRejected,
        DeathReason::Expired => Key::ReasonExpired,
        DeathReason::Maxlen => Key::ReasonMaxlen,
    };
    t(key, lang, &[])
}

/// The explanation as one sentence in `lang`.
pub fn render(e: &Explanation, lang: Lang) -> String {
    use Explanation as E;
    match e {
        E::Published {
            message,
            producer,
            exchange,
            routing_key,
            number,
            persistent,
            mandatory,
            confirm_seq,
        } => {
            let mut s = t(
                Key::Published,
                lang,
                &[
                    ("producer", &producer.name),
                    ("message", &om(*message)),
                    ("number", number),
                    ("exchange", &ex(exchange, lang)),
                    ("routing_key", routing_key),
                ],
            );
            let mut flags = Vec::new();
            if *persistent {
                flags.push(t(Key::FlagPersistent, lang, &[]));
            }
            if *mandatory {
                flags.push("mandatory".to_string());
            }
            if let Some(q) = confirm_seq {
                flags.push(t(Key::FlagConfirmSeq, lang, &[("seq", q)]));
            }
            if !flags.is_empty() {
                s += &fill(" [{flags}]", &[("flags", &flags.join(", "))]);
            }
            s
        }
        E::ReplyPublished {
            message,
            consumer,
            reply_to,
            correlation_id,
            request,
        } => {
            let none = t(Key::NoValue, lang, &[]);
            t(
                Key::ReplyPublished,
                lang,
                &[
                    ("consumer", &consumer.name),
                    ("request", &m(*request)),
                    ("message", &om(*message)),
                    ("reply_to", reply_to),
                    (
                        "correlation_id",
                        &correlation_id.as_deref().unwrap_or(&none),
                    ),
                ],
            )
        }
        E::Routed {
            message,
            exchange,
            routing_key,
            hops,
            queues,
        } => {
            let mut s = t(
                Key::Routed,
                lang,
                &[
                    ("exchange", &ex(exchange, lang)),
                    ("message", &m(*message)),
                    ("routing_key", routing_key),
                    ("queues", &list(queues)),
                ],
            );
            if !hops.is_empty() {
                s.push_str(": ");
                s.push_str(&hops_text(hops, lang));
            }
            s
        }
        E::NotRouted {
            message,
            exchange,
            routing_key,
            mandatory,
            notes,
        } => {
            let mut s = t(
                Key::NotRouted,
                lang,
                &[
                    ("exchange", &ex(exchange, lang)),
                    ("message", &m(*message)),
                    ("routing_key", routing_key),
                ],
            );
            s += &t(
                if *mandatory {
                    Key::NotRoutedMandatory
                } else {
                    Key::NotRoutedDropped
                },
                lang,
                &[],
            );
            if !notes.is_empty() {
                s += &fill(" ({notes})", &[("notes", &notes.join("; "))]);
            }
            s
        }
        E::ToAlternate {
            message,
            exchange,
            alternate,
        } => t(
            Key::ToAlternate,
            lang,
            &[
                ("exchange", &ex(exchange, lang)),
                ("message", &m(*message)),
                ("alternate", alternate),
            ],
        ),
        E::Returned {
            message,
            producer,
            reply_code,
            reply_text,
        } => t(
            Key::Returned,
            lang,
            &[
                ("message", &m(*message)),
                ("producer", &producer.name),
                ("reply_code", reply_code),
                ("reply_text", reply_text),
            ],
        ),
        E::Enqueued { message, queue } => t(
            Key::Enqueued,
            lang,
            &[("message", &m(*message)), ("queue", queue)],
        ),
        E::Dropped {
            message,
            queue,
            why,
            max_length,
        } => t(
            Key::Dropped,
            lang,
            &[
                ("message", &m(*message)),
                ("queue", queue),
                ("why", &drop_text(*why, *max_length, lang)),
            ],
        ),
        E::Delivered {
            message,
            queue,
            consumer,
            delivery_tag,
            redelivered,
            why,
        } => {
            let again = if *redelivered {
                t(Key::Redelivered, lang, &[])
            } else {
                String::new()
            };
            t(
                Key::Delivered,
                lang,
                &[
                    ("message", &m(*message)),
                    ("queue", queue),
                    ("consumer", &consumer.name),
                    ("delivery_tag", delivery_tag),
                    ("redelivered", &again),
                    ("why", &delivery_text(why, lang)),
                ],
            )
        }
        E::Acked {
            message,
            consumer,
            delivery_tag,
        } => t(
            Key::Acked,
            lang,
            &[
                ("consumer", &consumer.name),
                ("message", &m(*message)),
                ("delivery_tag", delivery_tag),
            ],
        ),
        E::Nacked {
            message,
            consumer,
            delivery_tag,
            requeue,
            failed,
        }
        | E::Rejected {
            message,
            consumer,
            delivery_tag,
            requeue,
            failed,
        } => {
            let method = if matches!(e, E::Nacked { .. }) {
                "basic.nack"
            } else {
                "basic.reject"
            };
            let failed = if *failed {
                t(Key::SettleFailed, lang, &[])
            } else {
                String::new()
            };
            let outcome = if *requeue {
                Key::SettleRequeued
            } else {
                Key::SettleNotRequeued
            };
            t(
                Key::Settled,
                lang,
                &[
                    ("consumer", &consumer.name),
                    ("failed", &failed),
                    ("message", &m(*message)),
                    ("method", &method),
                    ("requeue", requeue),
                    ("delivery_tag", delivery_tag),
                    ("outcome", &t(outcome, lang, &[])),
                ],
            )
        }
        E::Requeued { message, queue } => t(
            Key::Requeued,
            lang,
            &[("message", &m(*message)), ("queue", queue)],
        ),
        E::Expired {
            message,
            queue,
            ttl,
        } => {
            let ttl = ttl.map_or_else(String::new, |ms| t(Key::ExpiredTtl, lang, &[("ttl", &ms)]));
            t(
                Key::Expired,
                lang,
                &[("message", &m(*message)), ("queue", queue), ("ttl", &ttl)],
            )
        }
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
        } => {
            let xd = format!(
                "{{queue: {}, reason: {}, count: {}, exchange: \"{}\", routing-keys: [{}]}}",
                x_death.queue,
                x_death.reason,
                x_death.count,
                x_death.exchange,
                x_death.routing_keys.join(", ")
            );
            let mut s = t(
                Key::DeadLettered,
                lang,
                &[
                    ("message", &m(*message)),
                    ("queue", queue),
                    ("reason", &reason_text(*reason, lang)),
                    ("copy", &m(*copy)),
                    ("exchange", &ex(exchange, lang)),
                    ("routing_key", routing_key),
                    ("x_death", &xd),
                ],
            );
            if !queues.is_empty() {
                s += &t(Key::DeadLetteredReaches, lang, &[("queues", &list(queues))]);
            }
            if !hops.is_empty() {
                s += &fill(" ({hops})", &[("hops", &hops_text(hops, lang))]);
            }
            s
        }
        E::ConfirmAck {
            message,
            producer,
            seq,
        }
        | E::ConfirmNack {
            message,
            producer,
            seq,
        } => t(
            if matches!(e, E::ConfirmAck { .. }) {
                Key::ConfirmAck
            } else {
                Key::ConfirmNack
            },
            lang,
            &[
                ("seq", seq),
                ("producer", &producer.name),
                ("message", &om(*message)),
            ],
        ),
        E::ConsumerStarted {
            consumer,
            queue,
            prefetch,
            auto_ack,
        } => {
            let ack = t(
                if *auto_ack {
                    Key::AutoAck
                } else {
                    Key::ManualAck
                },
                lang,
                &[],
            );
            t(
                Key::ConsumerStarted,
                lang,
                &[
                    ("consumer", &consumer.name),
                    ("queue", queue),
                    ("prefetch", prefetch),
                    ("ack", &ack),
                ],
            )
        }
        E::ConsumerKilled { consumer, unacked } => t(
            Key::ConsumerKilled,
            lang,
            &[("consumer", &consumer.name), ("unacked", unacked)],
        ),
        E::ConsumerCancelled { consumer, queue } => t(
            Key::ConsumerCancelled,
            lang,
            &[("consumer", &consumer.name), ("queue", queue)],
        ),
        E::ChannelClosed {
            actor,
            reply_code,
            reply_text,
        } => t(
            Key::ChannelClosed,
            lang,
            &[
                ("actor", &actor.name),
                ("reply_code", reply_code),
                ("reply_text", reply_text),
            ],
        ),
        E::QueueDeleted { queue } => t(Key::QueueDeleted, lang, &[("queue", queue)]),
        E::BrokerRestarted {
            kept_queues,
            lost_queues,
            kept_messages,
            lost_messages,
        } => t(
            Key::BrokerRestarted,
            lang,
            &[
                ("kept_queues", &list(kept_queues)),
                ("kept_messages", kept_messages),
                ("lost_queues", &list(lost_queues)),
                ("lost_messages", lost_messages),
            ],
        ),
        E::Edited { change, error } => {
            let what = change_text(change, lang);
            match error {
                None => what,
                Some((code, text)) => t(
                    Key::EditRefused,
                    lang,
                    &[
                        ("change", &what),
                        ("reply_code", code),
                        ("reply_text", text),
                    ],
                ),
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
    let dest = if to_exchange {
        t(Key::Exchange, lang, &[("name", &destination)])
    } else {
        destination.to_string()
    };
    let arrow = if key.is_empty() {
        "{destination} ← {source}"
    } else {
        "{destination} ← {source} ({key})"
    };
    fill(
        arrow,
        &[("destination", &dest), ("source", &source), ("key", &key)],
    )
}

/// One runtime edit in plain language.
pub fn change_text(c: &Change, lang: Lang) -> String {
    use Change as C;
    match c {
        C::ExchangeDeclared { name, kind } => t(
            Key::ExchangeDeclared,
            lang,
            &[("name", name), ("kind", kind)],
        ),
        C::ExchangeDeleted { name } => t(Key::ExchangeDeleted, lang, &[("name", name)]),
        C::QueueDeclared { name } => t(Key::QueueDeclared, lang, &[("name", name)]),
        C::QueueDeleted { name, messages } => t(
            Key::QueueDeletedEdit,
            lang,
            &[("name", name), ("messages", messages)],
        ),
        C::BindingAdded {
            source,
            destination,
            to_exchange,
            binding_key,
        }
        | C::BindingRemoved {
            source,
            destination,
            to_exchange,
            binding_key,
        } => {
            let b = binding_arrow(destination, *to_exchange, source, binding_key, lang);
            let key = if matches!(c, C::BindingAdded { .. }) {
                Key::BindingAdded
            } else {
                Key::BindingRemoved
            };
            t(key, lang, &[("binding", &b)])
        }
        C::ConsumerAdded { consumer, queue } if queue.is_empty() => t(
            Key::ConsumerAddedIdle,
            lang,
            &[("consumer", &consumer.name)],
        ),
        C::ConsumerAdded { consumer, queue } => t(
            Key::ConsumerAdded,
            lang,
            &[("consumer", &consumer.name), ("queue", queue)],
        ),
        C::ConsumerRemoved {
            consumer,
            queue,
            unacked,
        } => t(
            Key::ConsumerRemoved,
            lang,
            &[
                ("consumer", &consumer.name),
                ("queue", queue),
                ("unacked", unacked),
            ],
        ),
        C::ProducerAdded { producer, exchange } => t(
            Key::ProducerAdded,
            lang,
            &[
                ("producer", &producer.name),
                ("exchange", &ex(exchange, lang)),
            ],
        ),
        C::ProducerRemoved { producer } => {
            t(Key::ProducerRemoved, lang, &[("producer", &producer.name)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: &str) -> Actor {
        Actor {
            id: Arc::from(name),
            name: Arc::from(name),
        }
    }

    fn q(names: &[&str]) -> Vec<Arc<str>> {
        names.iter().map(|n| Arc::from(*n)).collect()
    }

    fn whys() -> Vec<Why> {
        vec![
            Why::DefaultExchange {
                routing_key: "hello".into(),
            },
            Why::Direct {
                binding_key: "black".into(),
            },
            Why::Fanout,
            Why::Topic {
                binding_key: "*.orange.#".into(),
                routing_key: "quick.orange".into(),
                taken: vec![
                    ("*".into(), vec!["quick".into()]),
                    ("orange".into(), vec!["orange".into()]),
                    ("#".into(), vec![]),
                ],
            },
            Why::Topic {
                binding_key: "a.b".into(),
                routing_key: "a.b".into(),
                taken: vec![("a".into(), vec!["a".into()])],
            },
            Why::Headers {
                x_match: "all",
                satisfied: vec!["format=pdf".into(), "type=report".into()],
            },
            Why::Alternate,
        ]
    }

    fn hops() -> Vec<Hop> {
        whys()
            .into_iter()
            .enumerate()
            .map(|(i, why)| Hop {
                exchange: if i == 0 {
                    String::new()
                } else {
                    format!("x{i}")
                },
                destination: format!("d{i}"),
                to_exchange: i % 2 == 1,
                why,
            })
            .collect()
    }

    fn changes() -> Vec<Change> {
        let mut v = vec![
            Change::ExchangeDeclared {
                name: Arc::from("logs"),
                kind: "fanout",
            },
            Change::ExchangeDeleted {
                name: Arc::from("logs"),
            },
            Change::QueueDeclared {
                name: Arc::from("q1"),
            },
            Change::QueueDeleted {
                name: Arc::from("q1"),
                messages: 3,
            },
            Change::ConsumerAdded {
                consumer: a("C1"),
                queue: Arc::from(""),
            },
            Change::ConsumerAdded {
                consumer: a("C1"),
                queue: Arc::from("q1"),
            },
            Change::ConsumerRemoved {
                consumer: a("C1"),
                queue: Arc::from("q1"),
                unacked: 2,
            },
            Change::ProducerAdded {
                producer: a("P"),
                exchange: Arc::from(""),
            },
            Change::ProducerAdded {
                producer: a("P"),
                exchange: Arc::from("logs"),
            },
            Change::ProducerRemoved { producer: a("P") },
        ];
        for to_exchange in [false, true] {
            for key in ["", "info.*"] {
                v.push(Change::BindingAdded {
                    source: Arc::from("logs"),
                    destination: Arc::from("q1"),
                    to_exchange,
                    binding_key: Arc::from(key),
                });
                v.push(Change::BindingRemoved {
                    source: Arc::from("logs"),
                    destination: Arc::from("q1"),
                    to_exchange,
                    binding_key: Arc::from(key),
                });
            }
        }
        v
    }

    /// One explanation of every kind, with every optional part both present and absent.
    fn samples() -> Vec<Explanation> {
        use Explanation as E;
        let mut v = Vec::new();
        for (persistent, mandatory, confirm_seq, exchange) in [
            (false, false, None, ""),
            (true, false, None, "logs"),
            (false, true, Some(4), "logs"),
            (true, true, Some(5), ""),
        ] {
            v.push(E::Published {
                message: if persistent { Some(MessageId(1)) } else { None },
                producer: a("P"),
                exchange: Arc::from(exchange),
                routing_key: Arc::from("rk"),
                number: 2,
                persistent,
                mandatory,
                confirm_seq,
            });
        }
        for correlation_id in [None, Some("abc".to_string())] {
            v.push(E::ReplyPublished {
                message: Some(MessageId(9)),
                consumer: a("server"),
                reply_to: Arc::from("amq.gen-1"),
                correlation_id,
                request: MessageId(8),
            });
        }
        for h in [Vec::new(), hops()] {
            v.push(E::Routed {
                message: MessageId(3),
                exchange: Arc::from("topic_logs"),
                routing_key: Arc::from("a.b"),
                hops: h.clone(),
                queues: q(&["q1", "q2"]),
            });
            for queues in [q(&[]), q(&["q3"])] {
                for reason in [
                    DeathReason::Rejected,
                    DeathReason::Expired,
                    DeathReason::Maxlen,
                ] {
                    v.push(E::DeadLettered {
                        message: MessageId(4),
                        copy: MessageId(5),
                        queue: Arc::from("work"),
                        reason,
                        exchange: Arc::from("dlx"),
                        routing_key: "work".into(),
                        x_death: XDeath {
                            queue: "work".into(),
                            reason: reason.as_str(),
                            count: 1,
                            exchange: String::new(),
                            routing_keys: vec!["work".into(), "w2".into()],
                        },
                        hops: h.clone(),
                        queues: queues.clone(),
                    });
                }
            }
        }
        for mandatory in [false, true] {
            for notes in [Vec::new(), vec!["n1".to_string(), "n2".to_string()]] {
                v.push(E::NotRouted {
                    message: MessageId(3),
                    exchange: Arc::from(""),
                    routing_key: Arc::from("nowhere"),
                    mandatory,
                    notes,
                });
            }
        }
        v.push(E::ToAlternate {
            message: MessageId(3),
            exchange: "main".into(),
            alternate: "ae".into(),
        });
        v.push(E::Returned {
            message: MessageId(3),
            producer: a("P"),
            reply_code: 312,
            reply_text: "NO_ROUTE",
        });
        v.push(E::Enqueued {
            message: MessageId(3),
            queue: Arc::from("q1"),
        });
        for why in [
            DropWhy::Overflow,
            DropWhy::RejectPublish,
            DropWhy::Expired,
            DropWhy::Rejected,
            DropWhy::DeadLetterUnroutable,
            DropWhy::Purged,
            DropWhy::QueueDeleted,
        ] {
            for max_length in [None, Some(2)] {
                v.push(E::Dropped {
                    message: MessageId(3),
                    queue: Arc::from("q1"),
                    why,
                    max_length,
                });
            }
        }
        for consumers in [1, 3] {
            for priorities_differ in [false, true] {
                for (auto_ack, prefetch) in [(true, 0), (false, 0), (false, 2)] {
                    for skipped in [q(&[]), q(&["C2", "C3"])] {
                        v.push(E::Delivered {
                            message: MessageId(3),
                            queue: Arc::from("q1"),
                            consumer: a("C1"),
                            delivery_tag: 7,
                            redelivered: priorities_differ == auto_ack,
                            why: DeliveryWhy {
                                position: 2,
                                consumers,
                                prefetch,
                                unacked_before: 1,
                                priority: -3,
                                priorities_differ,
                                skipped_full: skipped,
                                auto_ack,
                            },
                        });
                    }
                }
            }
        }
        v.push(E::Acked {
            message: MessageId(3),
            consumer: a("C1"),
            delivery_tag: 7,
        });
        for requeue in [false, true] {
            for failed in [false, true] {
                v.push(E::Nacked {
                    message: MessageId(3),
                    consumer: a("C1"),
                    delivery_tag: 7,
                    requeue,
                    failed,
                });
                v.push(E::Rejected {
                    message: MessageId(3),
                    consumer: a("C1"),
                    delivery_tag: 7,
                    requeue,
                    failed,
                });
            }
        }
        v.push(E::Requeued {
            message: MessageId(3),
            queue: Arc::from("q1"),
        });
        for ttl in [None, Some(5000)] {
            v.push(E::Expired {
                message: MessageId(3),
                queue: Arc::from("q1"),
                ttl,
            });
        }
        for message in [None, Some(MessageId(3))] {
            v.push(E::ConfirmAck {
                message,
                producer: a("P"),
                seq: 4,
            });
            v.push(E::ConfirmNack {
                message,
                producer: a("P"),
                seq: 4,
            });
        }
        for auto_ack in [false, true] {
            v.push(E::ConsumerStarted {
                consumer: a("C1"),
                queue: Arc::from("q1"),
                prefetch: 1,
                auto_ack,
            });
        }
        v.push(E::ConsumerKilled {
            consumer: a("C1"),
            unacked: 2,
        });
        v.push(E::ConsumerCancelled {
            consumer: a("C1"),
            queue: Arc::from("q1"),
        });
        v.push(E::ChannelClosed {
            actor: a("P"),
            reply_code: 406,
            reply_text: "PRECONDITION_FAILED - unknown delivery tag 9".into(),
        });
        v.push(E::QueueDeleted {
            queue: Arc::from("q1"),
        });
        v.push(E::BrokerRestarted {
            kept_queues: q(&["durable1", "durable2"]),
            lost_queues: q(&["tmp"]),
            kept_messages: 3,
            lost_messages: 4,
        });
        for change in changes() {
            for error in [None, Some((404, "NOT_FOUND - no queue 'q1'".to_string()))] {
                v.push(E::Edited {
                    change: change.clone(),
                    error,
                });
            }
        }
        v
    }

    /// The `{name}` placeholders of `text`, sorted, repeats kept once.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            let name_len = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                .unwrap_or(rest.len());
            if name_len > 0 && rest[name_len..].starts_with('}') {
                out.push(&rest[..name_len]);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn fill_replaces_named_placeholders_only() {
        let args: [Arg; 2] = [("a", &"{b}"), ("b", &2)];
        assert_eq!(fill("{a}+{b}={c} {x: {b}}", &args), "{b}+2={c} {x: 2}");
        assert_eq!(placeholders("{a}+{b}={c} {x: {b}}"), ["a", "b", "c"]);
    }

    #[test]
    fn every_template_has_the_same_placeholders_in_both_languages() {
        let mut keys: Vec<Key> = TEMPLATES.iter().map(|t| t.key).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before, "a template key is used twice");
        for t in TEMPLATES {
            assert!(!t.en.is_empty() && !t.zh.is_empty(), "{:?} is empty", t.key);
            assert_eq!(
                placeholders(t.en),
                placeholders(t.zh),
                "{:?}: English and Chinese use different placeholders",
                t.key
            );
        }
    }

    #[test]
    fn every_sample_fills_its_placeholders_and_together_they_reach_every_template() {
        LOOKED_UP.with(|l| l.borrow_mut().clear());
        let all = samples();
        for e in &all {
            for lang in [Lang::En, Lang::ZhCn] {
                let text = render(e, lang);
                assert!(
                    placeholders(&text).is_empty(),
                    "{} in {lang:?} left a placeholder unfilled: {text}",
                    e.kind()
                );
            }
        }
        let mut used = LOOKED_UP.with(|l| l.take());
        used.sort_unstable();
        used.dedup();
        let mut keys: Vec<Key> = TEMPLATES.iter().map(|t| t.key).collect();
        keys.sort_unstable();
        assert_eq!(used, keys, "looked-up keys and the table differ");
        let en: Vec<String> = all.iter().map(|e| render(e, Lang::En)).collect();
        let zh: Vec<String> = all.iter().map(|e| render(e, Lang::ZhCn)).collect();
        assert!(en.iter().zip(&zh).all(|(a, b)| a != b && !a.is_empty()));
    }

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
