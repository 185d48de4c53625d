//! Broker restart, as a RabbitMQ node stop/start does it to one vhost: every connection drops,
//! transient (non-durable) queues and exchanges vanish, durable queues keep their persistent
//! messages (delivery_mode 2) and lose the others. Unacked deliveries return to their queue
//! first, as the node recovers them from its message store.
//!
//! Must not import: anything outside the broker.

use std::sync::Arc;

use super::Broker;
use super::ids::{ConnectionId, QueueId};

/// What a restart kept and lost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestartReport {
    /// Durable queues that survived, in creation order.
    pub kept_queues: Vec<QueueId>,
    /// Transient queues that were lost, with their names.
    pub lost_queues: Vec<(QueueId, Arc<str>)>,
    /// Persistent messages kept in durable queues.
    pub kept_messages: u64,
    /// Messages lost: non-persistent ones and everything in transient queues.
    pub lost_messages: u64,
}

impl Broker {
    /// Stops and starts the broker at virtual time `now`. Pending events are discarded: clients
    /// see only their connections dropping, which the caller reports.
    pub fn restart(&mut self, now: u64) -> RestartReport {
        self.advance(now);
        let connections: Vec<ConnectionId> = self.connections.keys().copied().collect();
        for c in connections {
            self.close_connection_inner(c, None);
        }
        self.dead_letters.clear();
        let mut report = RestartReport::default();
        for slot in 0..self.queues.len() {
            let Some(q) = self.queues.get_mut(slot).and_then(Option::as_mut) else {
                continue;
            };
            let entries = q.clear();
            if q.durable {
                report.kept_queues.push(q.id);
                for e in entries {
                    if e.message.properties.delivery_mode == Some(2) {
                        report.kept_messages += 1;
                        q.push_back(e);
                    } else {
                        report.lost_messages += 1;
                    }
                }
            } else {
                report.lost_messages += entries.len() as u64;
                let id = q.id;
                report.lost_queues.push((id, q.name.clone()));
                self.delete_queue(id);
            }
        }
        let transient: Vec<String> = self
            .router
            .exchanges()
            .filter(|x| !x.durable() && !x.name().is_empty())
            .map(|x| x.name().to_string())
            .collect();
        for name in transient {
            // A missing exchange here can only mean an auto-delete already removed it.
            let _ = self.router.delete_exchange(&name, false);
        }
        self.events.clear();
        report
    }
}
