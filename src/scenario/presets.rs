//! Built-in preset scenarios, each a small lesson; the JSON lives in `www/scenarios/` and is
//! compiled in, so presets work offline and a `#preset=ID` link stays short.

use super::error::ScenarioError;
use super::parse::{Parsed, parse_str};

/// A preset's id (as in `#preset=ID`) and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresetInfo {
    /// Stable id used in links.
    pub id: &'static str,
    /// Title shown in the preset menu (equals the scenario's `title`).
    pub title: &'static str,
}

macro_rules! presets {
    ($(($id:literal, $title:literal)),* $(,)?) => {
        const PRESETS: &[(PresetInfo, &str)] = &[$(
            (
                PresetInfo { id: $id, title: $title },
                include_str!(concat!("../../www/scenarios/", $id, ".json")),
            ),
        )*];
    };
}

presets![
    ("hello-world", "Hello World"),
    ("work-queues", "Work queues"),
    ("publish-subscribe", "Publish/Subscribe"),
    ("routing", "Routing"),
    ("topics", "Topics"),
    ("rpc", "RPC"),
    ("publisher-confirms", "Publisher confirms"),
    ("dead-lettering", "Dead-lettering: reject and TTL"),
    ("delayed-retry", "Delayed retry with TTL and DLX"),
    ("max-length", "Max length and overflow modes"),
    ("priority-queue", "Priority queue"),
    ("alternate-exchange", "Alternate exchange"),
    ("headers-exchange", "Headers exchange"),
    ("exchange-to-exchange", "Exchange-to-exchange routing"),
    ("challenge-pager", "Challenge: page only critical alerts"),
    ("challenge-retry", "Challenge: retry failed orders"),
    ("challenge-fair-dispatch", "Challenge: fair dispatch"),
];

/// Every preset, the seven RabbitMQ tutorials first, in menu order.
pub fn presets() -> Vec<PresetInfo> {
    PRESETS.iter().map(|(info, _)| *info).collect()
}

/// The JSON text of preset `id`.
pub fn preset(id: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|(info, _)| info.id == id)
        .map(|(_, json)| *json)
}

/// Parses preset `id`.
pub fn load(id: &str) -> Result<Parsed, ScenarioError> {
    let json =
        preset(id).ok_or_else(|| ScenarioError::at("", format!("no preset named \"{id}\"")))?;
    parse_str(json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::{DestinationType, NodeId};

    #[test]
    fn every_preset_parses_validates_and_is_a_lesson() {
        assert_eq!(presets().len(), 17);
        for p in presets() {
            let parsed = load(p.id).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert!(
                parsed.warnings.is_empty(),
                "{}: {:?}",
                p.id,
                parsed.warnings
            );
            let s = parsed.scenario;
            assert_eq!(s.title, p.title, "{}", p.id);
            let lesson = s
                .lesson
                .as_ref()
                .unwrap_or_else(|| panic!("{} has no lesson", p.id));
            assert!(
                !lesson.explanation.is_empty()
                    && !lesson.watch_for.is_empty()
                    && !lesson.try_this.is_empty()
            );
            // The file gives a position to every node itself (not left to auto-layout), left to right.
            let raw: serde_json::Value = serde_json::from_str(preset(p.id).unwrap()).unwrap();
            for n in s.nodes() {
                assert!(
                    raw["layout"].get(n.to_string()).is_some(),
                    "{}: {n} has no position",
                    p.id
                );
            }
            for pr in &s.producers {
                let px = s.layout[&NodeId::Producer(pr.id.clone()).to_string()].x;
                let xx = s.layout[&NodeId::Exchange(pr.exchange.clone()).to_string()].x;
                assert!(
                    px < xx,
                    "{}: producer {} not left of its exchange",
                    p.id,
                    pr.id
                );
            }
            for b in s
                .topology
                .bindings
                .iter()
                .filter(|b| b.destination_type == DestinationType::Queue)
            {
                let xx = s.layout[&NodeId::Exchange(b.source.clone()).to_string()].x;
                let qx = s.layout[&NodeId::Queue(b.destination.clone()).to_string()].x;
                assert!(
                    xx < qx,
                    "{}: binding {} -> {} points left",
                    p.id,
                    b.source,
                    b.destination
                );
            }
            // No two nodes on the same spot.
            let mut spots: Vec<(i64, i64)> = s
                .layout
                .values()
                .map(|p| (p.x as i64, p.y as i64))
                .collect();
            spots.sort();
            spots.dedup();
            assert_eq!(spots.len(), s.layout.len(), "{}: overlapping nodes", p.id);
        }
    }

    #[test]
    fn topics_follows_the_tutorial() {
        let s = load("topics").unwrap().scenario;
        let keys: Vec<&str> = s
            .topology
            .bindings
            .iter()
            .map(|b| b.routing_key.as_str())
            .collect();
        assert_eq!(keys, vec!["*.orange.*", "*.*.rabbit", "lazy.#"]);
        let sent = &s.producers[0].routing_key.0;
        for k in [
            "quick.orange.rabbit",
            "lazy.pink.rabbit",
            "quick.brown.fox",
            "orange",
            "quick.orange.new.rabbit",
        ] {
            assert!(sent.iter().any(|x| x == k), "topics does not send {k}");
        }
    }

    #[test]
    fn tutorial_details() {
        let wq = load("work-queues").unwrap().scenario;
        assert!(wq.topology.queues[0].durable);
        assert_eq!(wq.producers[0].properties.delivery_mode, Some(2));
        assert!(wq.consumers.iter().all(|c| !c.auto_ack && c.prefetch == 1));

        let ps = load("publish-subscribe").unwrap().scenario;
        assert_eq!(ps.topology.exchanges[0].name, "logs");
        assert!(
            ps.topology
                .queues
                .iter()
                .all(|q| q.exclusive && q.server_named)
        );

        let rpc = load("rpc").unwrap().scenario;
        let client = &rpc.producers[0];
        let reply_to = client.properties.reply_to.as_deref().unwrap();
        assert!(rpc.queue(reply_to).unwrap().exclusive);
        assert!(client.properties.correlation_id.is_some());
        assert!(rpc.consumers.iter().any(|c| c.reply_to_reply));

        assert!(
            load("publisher-confirms")
                .unwrap()
                .scenario
                .producers
                .iter()
                .all(|p| p.confirms)
        );
        assert!(load("nope").is_err());
    }
}
