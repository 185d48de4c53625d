//! Which diagram changes can be applied to a running simulation, and as which broker
//! operations: [`runtime_changes`] compares the configuration being run with the edited one.
//!
//! The rule is what RabbitMQ itself allows a client to do while the broker runs: declare and
//! delete exchanges and queues, bind and unbind, and clients that connect, subscribe
//! (basic.consume), cancel (basic.cancel) or disconnect. A client whose settings change is
//! the old client leaving and a new one connecting (that is how a real deployment changes
//! them). What RabbitMQ refuses is refused here with the reason: re-declaring an existing
//! exchange or queue with other properties or arguments fails with 406 PRECONDITION_FAILED
//! (`inequivalent arg`), and there is no rename. The seed and the timed script describe the
//! whole run, so they cannot change in the middle of one.
//!
//! Pure data in, data out; must not import `ui` or `scenario`.

use std::collections::BTreeSet;

use super::config::{Action, BindingSpec, SimConfig};
use super::explain::Lang;

/// Why an edit cannot be applied to the running simulation (so it restarts from time 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The RNG seed changed.
    Seed,
    /// The timed script changed.
    Script,
    /// An existing exchange got other properties or arguments.
    ExchangeChanged { name: String },
    /// An existing queue got other properties or arguments.
    QueueChanged { name: String },
    /// An exchange or queue was renamed (`kind` is "exchange" or "queue").
    Renamed {
        kind: &'static str,
        from: String,
        to: String,
    },
}

impl Refusal {
    /// The reason in plain language.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Refusal::Seed, Lang::En) => "the random seed changed".into(),
            (Refusal::Seed, Lang::ZhCn) => "随机种子改变了".into(),
            (Refusal::Script, Lang::En) => "the timed script changed".into(),
            (Refusal::Script, Lang::ZhCn) => "定时脚本改变了".into(),
            (Refusal::ExchangeChanged { name }, Lang::En) => format!(
                "exchange {name} changed: RabbitMQ refuses to redeclare an existing exchange with other properties (406 PRECONDITION_FAILED)"
            ),
            (Refusal::ExchangeChanged { name }, Lang::ZhCn) => format!(
                "交换机 {name} 被修改：RabbitMQ 拒绝以不同属性重新声明已存在的交换机（406 PRECONDITION_FAILED）"
            ),
            (Refusal::QueueChanged { name }, Lang::En) => format!(
                "queue {name} changed: RabbitMQ refuses to redeclare an existing queue with other properties or arguments (406 PRECONDITION_FAILED)"
            ),
            (Refusal::QueueChanged { name }, Lang::ZhCn) => format!(
                "队列 {name} 被修改：RabbitMQ 拒绝以不同属性或参数重新声明已存在的队列（406 PRECONDITION_FAILED）"
            ),
            (Refusal::Renamed { kind, from, to }, Lang::En) => format!(
                "{kind} {from} renamed to {to}: RabbitMQ cannot rename, and deleting it would lose its messages and bindings"
            ),
            (Refusal::Renamed { kind, from, to }, Lang::ZhCn) => {
                let kind = if *kind == "queue" {
                    "队列"
                } else {
                    "交换机"
                };
                format!("{kind} {from} 改名为 {to}：RabbitMQ 不能改名，删除它会丢失消息和绑定")
            }
        }
    }
}

/// The runtime actions that turn the running `old` configuration into `new`, in the order a
/// client would send them (cancel and disconnect, unbind, delete, declare, bind, connect), or
/// why that is not possible. Equal configurations give no actions.
pub fn runtime_changes(old: &SimConfig, new: &SimConfig) -> Result<Vec<Action>, Refusal> {
    if old.seed != new.seed {
        return Err(Refusal::Seed);
    }
    if old.script != new.script {
        return Err(Refusal::Script);
    }
    let old_x: BTreeSet<&str> = old.exchanges.iter().map(|x| x.name.as_str()).collect();
    let new_x: BTreeSet<&str> = new.exchanges.iter().map(|x| x.name.as_str()).collect();
    let old_q: BTreeSet<&str> = old.queues.iter().map(|q| q.name.as_str()).collect();
    let new_q: BTreeSet<&str> = new.queues.iter().map(|q| q.name.as_str()).collect();
    for x in &new.exchanges {
        if let Some(o) = old.exchanges.iter().find(|o| o.name == x.name)
            && o != x
        {
            return Err(Refusal::ExchangeChanged {
                name: x.name.clone(),
            });
        }
    }
    for q in &new.queues {
        if let Some(o) = old.queues.iter().find(|o| o.name == q.name)
            && o != q
        {
            return Err(Refusal::QueueChanged {
                name: q.name.clone(),
            });
        }
    }
    let gone_x: Vec<&str> = old_x.difference(&new_x).copied().collect();
    let added_x: Vec<&str> = new_x.difference(&old_x).copied().collect();
    let gone_q: Vec<&str> = old_q.difference(&new_q).copied().collect();
    let added_q: Vec<&str> = new_q.difference(&old_q).copied().collect();
    // One edit that removes one node and adds another of the same kind is a rename (the
    // diagram edits one field at a time; deleting and adding are separate edits).
    if let ([from], [to]) = (gone_x.as_slice(), added_x.as_slice()) {
        return Err(Refusal::Renamed {
            kind: "exchange",
            from: (*from).to_string(),
            to: (*to).to_string(),
        });
    }
    if let ([from], [to]) = (gone_q.as_slice(), added_q.as_slice()) {
        return Err(Refusal::Renamed {
            kind: "queue",
            from: (*from).to_string(),
            to: (*to).to_string(),
        });
    }

    let mut actions = Vec::new();
    // Clients first: a consumer of a queue about to be deleted is cancelled by its client,
    // not by the broker.
    for c in &old.consumers {
        if !new.consumers.contains(c) {
            actions.push(Action::RemoveConsumer {
                consumer: c.id.clone(),
            });
        }
    }
    for p in &old.producers {
        if !new.producers.contains(p) {
            actions.push(Action::RemoveProducer {
                producer: p.id.clone(),
            });
        }
    }
    // Bindings of a deleted exchange or queue go with it.
    let implied = |b: &BindingSpec| {
        gone_x.contains(&b.source.as_str())
            || (b.to_exchange && gone_x.contains(&b.destination.as_str()))
            || (!b.to_exchange && gone_q.contains(&b.destination.as_str()))
    };
    // The broker keeps a set of bindings: binding twice is binding once.
    for b in distinct(&old.bindings) {
        if !new.bindings.contains(b) && !implied(b) {
            actions.push(Action::Unbind(b.clone()));
        }
    }
    for q in &gone_q {
        actions.push(Action::DeleteQueue {
            name: (*q).to_string(),
        });
    }
    for x in &gone_x {
        actions.push(Action::DeleteExchange {
            name: (*x).to_string(),
        });
    }
    for x in &new.exchanges {
        if added_x.contains(&x.name.as_str()) {
            actions.push(Action::DeclareExchange(x.clone()));
        }
    }
    for q in &new.queues {
        if added_q.contains(&q.name.as_str()) {
            actions.push(Action::DeclareQueue(q.clone()));
        }
    }
    for b in distinct(&new.bindings) {
        if !old.bindings.contains(b) {
            actions.push(Action::Bind(b.clone()));
        }
    }
    for c in &new.consumers {
        if !old.consumers.contains(c) {
            actions.push(Action::AddConsumer(Box::new(c.clone())));
        }
    }
    for p in &new.producers {
        if !old.producers.contains(p) {
            actions.push(Action::AddProducer(Box::new(p.clone())));
        }
    }
    Ok(actions)
}

/// Each binding once, in first-occurrence order.
fn distinct(bindings: &[BindingSpec]) -> Vec<&BindingSpec> {
    let mut out: Vec<&BindingSpec> = Vec::new();
    for b in bindings {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}
