//! What the simulator runs: topology, producers, consumers and a script of timed actions.
//!
//! These are the simulator's own types so that `sim` does not depend on the scenario file
//! format (`scenario` converts into them). Everything is plain data; probabilities are integer
//! parts per million so no floating point takes part in a decision.

use crate::broker::{BasicProperties, ExchangeKind, FieldTable};

/// A whole simulation setup.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimConfig {
    /// Seed of the simulation RNG (consumer failure draws).
    pub seed: u64,
    /// Exchanges declared at time 0 (the predeclared ones need not be listed).
    pub exchanges: Vec<ExchangeSpec>,
    /// Queues declared at time 0.
    pub queues: Vec<QueueSpec>,
    /// Bindings made at time 0, after exchanges and queues.
    pub bindings: Vec<BindingSpec>,
    /// Message producers.
    pub producers: Vec<ProducerSpec>,
    /// Consumers.
    pub consumers: Vec<ConsumerSpec>,
    /// Timed actions (kill a consumer, restart the broker…), run in time then list order.
    pub script: Vec<ScriptedAction>,
}

/// An exchange declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeSpec {
    pub name: String,
    pub kind: ExchangeKind,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    /// E.g. `alternate-exchange`.
    pub arguments: FieldTable,
}

/// A queue declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSpec {
    /// The name the diagram shows; for a server-named queue a placeholder.
    pub name: String,
    pub durable: bool,
    pub exclusive: bool,
    pub auto_delete: bool,
    /// Declared with an empty name so the broker picks `amq.gen-…`; bindings and consumers
    /// still refer to it by `name`.
    pub server_named: bool,
    /// `x-message-ttl`, `x-dead-letter-exchange`, `x-max-length`, `x-max-priority`…
    pub arguments: FieldTable,
}

/// A binding from exchange `source` to a queue or (with `to_exchange`) an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingSpec {
    pub source: String,
    pub destination: String,
    pub to_exchange: bool,
    pub binding_key: String,
    pub arguments: FieldTable,
}

/// When a producer publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// One message at the start time (or `count` messages at once).
    Once,
    /// One message every `every_ms`.
    Every { every_ms: u64 },
    /// `size` messages at once, repeated every `every_ms` if given.
    Burst { size: u64, every_ms: Option<u64> },
}

/// A producer: one channel on its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerSpec {
    /// Stable id (the diagram node).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Connection name; producers and consumers with the same name share a connection.
    pub connection: String,
    /// `""` = the default exchange.
    pub exchange: String,
    /// RoutingKeys cycled through, message n uses `routing_keys[(n-1) % len]`; `{n}` is
    /// replaced by the message number (1-based).
    pub routing_keys: Vec<String>,
    /// Properties; `{n}` is substituted in `correlation_id` and `message_id`. Headers go here.
    pub properties: BasicProperties,
    /// Body template (`{n}` = message number).
    pub body: String,
    pub schedule: Schedule,
    /// Virtual time of the first publish.
    pub start_ms: u64,
    /// Total messages; `None` = unbounded (bounded by the run limits).
    pub count: Option<u64>,
    pub mandatory: bool,
    /// Publisher confirms on this producer's channel.
    pub confirms: bool,
}

/// How a consumer settles a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// basic.ack.
    Ack,
    /// basic.nack requeue=true.
    NackRequeue,
    /// basic.nack requeue=false (dead-letters if the queue has a DLX).
    Nack,
    /// basic.reject requeue=false.
    Reject,
    /// basic.reject requeue=true.
    RejectRequeue,
}

/// A consumer: one channel on its connection, one basic.consume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerSpec {
    pub id: String,
    pub name: String,
    pub connection: String,
    /// Queue name as in [`QueueSpec::name`].
    pub queue: String,
    /// basic.qos prefetch_count (0 = unlimited).
    pub prefetch: u16,
    pub auto_ack: bool,
    /// Virtual ms per message; messages are processed one after another, as a single-threaded
    /// client does.
    pub processing_ms: u64,
    /// What it does with a message that succeeds.
    pub on_success: Settle,
    /// Probability, in parts per million, that a message fails.
    pub failure_ppm: u32,
    /// What it does with a failed message.
    pub on_failure: Settle,
    /// `x-priority` consumer argument.
    pub priority: Option<i64>,
    pub exclusive: bool,
    /// RPC server: after settling, publish a reply to `reply_to` via the default exchange with
    /// the request's `correlation_id`.
    pub reply: bool,
    /// When it subscribes; `None` = only when a script starts it.
    pub start_ms: Option<u64>,
}

/// One scripted action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedAction {
    pub at_ms: u64,
    pub action: Action,
}

/// Something that happens to the system from outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Close the consumer's channel, as a crashed worker does: its unacked messages are
    /// requeued.
    KillConsumer { consumer: String },
    /// Subscribe (again) a consumer.
    StartConsumer { consumer: String },
    /// Make a producer publish `count` messages now (outside its schedule).
    PublishNow { producer: String, count: u64 },
    /// Stop and start the broker: transient queues and non-persistent messages are lost.
    RestartBroker,
    // Runtime edits of the diagram: what a client (or the management UI) can change while
    // the broker runs. See `sim::edit` for which diagram changes map to them.
    /// exchange.declare of a new exchange.
    DeclareExchange(ExchangeSpec),
    /// queue.declare of a new queue.
    DeclareQueue(QueueSpec),
    /// queue.bind / exchange.bind.
    Bind(BindingSpec),
    /// queue.unbind / exchange.unbind.
    Unbind(BindingSpec),
    /// exchange.delete: its bindings (as source and as destination) go with it.
    DeleteExchange { name: String },
    /// queue.delete: its messages are discarded, its bindings removed, its consumers cancelled.
    DeleteQueue { name: String },
    /// A new consumer client connects and subscribes (basic.qos + basic.consume).
    AddConsumer(Box<ConsumerSpec>),
    /// basic.cancel: no more deliveries; its unacked messages stay on its channel and are
    /// still settled as it finishes processing them (they are not requeued).
    RemoveConsumer { consumer: String },
    /// A new producer client connects and starts its schedule; a producer replacing one with
    /// the same id continues its message numbering.
    AddProducer(Box<ProducerSpec>),
    /// The producer client disconnects (its channel closes).
    RemoveProducer { producer: String },
}

impl ProducerSpec {
    /// The RoutingKey of message number `n` (1-based).
    pub fn routing_key_for(&self, n: u64) -> String {
        let len = self.routing_keys.len() as u64;
        if len == 0 {
            return String::new();
        }
        let i = ((n.max(1) - 1) % len) as usize;
        self.routing_keys
            .get(i)
            .map(|k| substitute(k, n))
            .unwrap_or_default()
    }

    /// How many messages its schedule publishes in total (`None` = unbounded).
    pub fn total(&self) -> Option<u64> {
        match self.schedule {
            Schedule::Once => Some(self.count.unwrap_or(1)),
            Schedule::Burst {
                size,
                every_ms: None,
            } => Some(self.count.map_or(size, |c| c.min(size))),
            _ => self.count,
        }
    }
}

/// Replaces every `{n}` in a template by the message number.
pub fn substitute(template: &str, n: u64) -> String {
    if template.contains("{n}") {
        template.replace("{n}", &n.to_string())
    } else {
        template.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn producer(keys: &[&str], schedule: Schedule, count: Option<u64>) -> ProducerSpec {
        ProducerSpec {
            id: "p".into(),
            name: "p".into(),
            connection: "c".into(),
            exchange: String::new(),
            routing_keys: keys.iter().map(|k| k.to_string()).collect(),
            properties: BasicProperties::default(),
            body: "m{n}".into(),
            schedule,
            start_ms: 0,
            count,
            mandatory: false,
            confirms: false,
        }
    }

    #[test]
    fn routing_keys_cycle_and_substitute() {
        let p = producer(&["a.{n}", "b"], Schedule::Once, None);
        let keys: Vec<String> = (1..=5).map(|n| p.routing_key_for(n)).collect();
        assert_eq!(keys, ["a.1", "b", "a.3", "b", "a.5"]);
        assert_eq!(producer(&[], Schedule::Once, None).routing_key_for(3), "");
    }

    #[test]
    fn totals_follow_the_schedule() {
        assert_eq!(producer(&["k"], Schedule::Once, None).total(), Some(1));
        assert_eq!(producer(&["k"], Schedule::Once, Some(4)).total(), Some(4));
        let burst = Schedule::Burst {
            size: 5,
            every_ms: None,
        };
        assert_eq!(producer(&["k"], burst, None).total(), Some(5));
        assert_eq!(producer(&["k"], burst, Some(3)).total(), Some(3));
        let every = Schedule::Every { every_ms: 10 };
        assert_eq!(producer(&["k"], every, None).total(), None);
        assert_eq!(producer(&["k"], every, Some(7)).total(), Some(7));
    }
}
