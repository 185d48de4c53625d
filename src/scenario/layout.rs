//! Automatic layered layout, left to right: producers, exchanges by depth of
//! exchange-to-exchange bindings, queues, consumers. Used for imported definitions and for
//! nodes a scenario leaves without a position. Within a column nodes are ordered by the mean
//! position of their predecessors (one barycentre pass), which keeps simple diagrams uncrossed.

use std::collections::BTreeMap;

use super::model::{DestinationType, NodeId, Point, Scenario};
use crate::sim::small_map::SmallMap;

/// Horizontal distance between columns.
pub const COLUMN_GAP: f64 = 220.0;
/// Vertical distance between nodes in a column.
pub const ROW_GAP: f64 = 110.0;
/// Position of the top-left node.
pub const MARGIN: f64 = 80.0;

/// A position for every node of `s` (ignores the positions it already has).
pub fn auto_layout(s: &Scenario) -> BTreeMap<String, Point> {
    let nodes = s.nodes();
    let exchange_names: Vec<&str> = nodes
        .iter()
        .filter_map(|n| match n {
            NodeId::Exchange(x) => Some(x.as_str()),
            _ => None,
        })
        .collect();
    // Depth of each exchange along exchange-to-exchange bindings; bounded relaxation so that
    // cycles (legal in RabbitMQ) terminate.
    // A sorted Vec, not a BTreeMap<&str, usize>: a few exchanges, and each BTreeMap type adds
    // kilobytes of wasm.
    let mut depth: SmallMap<&str, usize> = SmallMap::new();
    for x in &exchange_names {
        depth.insert(*x, 0);
    }
    let e2e: Vec<(&str, &str)> = s
        .topology
        .bindings
        .iter()
        .filter(|b| b.destination_type == DestinationType::Exchange)
        .map(|b| (b.source.as_str(), b.destination.as_str()))
        .collect();
    for _ in 0..exchange_names.len().min(16) {
        let mut changed = false;
        for (src, dst) in &e2e {
            let d = depth.get(src).copied().unwrap_or(0) + 1;
            if let Some(cur) = depth.get_mut(dst)
                && *cur < d
                && d <= 16
            {
                *cur = d;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let max_depth = depth.values().copied().max().unwrap_or(0);
    let queue_col = max_depth + 2;

    // Columns of (node, predecessor keys) in the stable node order.
    let mut columns: Vec<Vec<(String, Vec<String>)>> = vec![Vec::new(); queue_col + 2];
    for n in &nodes {
        let (col, preds): (usize, Vec<String>) = match n {
            NodeId::Producer(_) => (0, Vec::new()),
            NodeId::Exchange(x) => {
                let mut preds: Vec<String> = s
                    .producers
                    .iter()
                    .filter(|p| &p.exchange == x)
                    .map(|p| NodeId::Producer(p.id.clone()).to_string())
                    .collect();
                preds.extend(
                    e2e.iter()
                        .filter(|(_, d)| d == x)
                        .map(|(src, _)| NodeId::Exchange((*src).to_string()).to_string()),
                );
                (1 + depth.get(x.as_str()).copied().unwrap_or(0), preds)
            }
            NodeId::Queue(q) => {
                let mut preds: Vec<String> = s
                    .topology
                    .bindings
                    .iter()
                    .filter(|b| b.destination_type == DestinationType::Queue && &b.destination == q)
                    .map(|b| NodeId::Exchange(b.source.clone()).to_string())
                    .collect();
                if preds.is_empty() {
                    // Queues fed only by the default exchange sit beside it.
                    preds.extend(
                        s.producers
                            .iter()
                            .filter(|p| p.exchange.is_empty())
                            .map(|_| NodeId::Exchange(String::new()).to_string()),
                    );
                }
                (queue_col, preds)
            }
            NodeId::Consumer(c) => {
                let preds = s
                    .consumers
                    .iter()
                    .filter(|x| &x.id == c)
                    .map(|x| NodeId::Queue(x.queue.clone()).to_string())
                    .collect();
                (queue_col + 1, preds)
            }
        };
        if let Some(column) = columns.get_mut(col) {
            column.push((n.to_string(), preds));
        }
    }
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let mut out: BTreeMap<String, Point> = BTreeMap::new();
    let mut col_x = MARGIN;
    for column in columns.into_iter().filter(|c| !c.is_empty()) {
        let mut keyed: Vec<(f64, usize, String)> = column
            .into_iter()
            .enumerate()
            .map(|(i, (key, preds))| {
                let ys: Vec<f64> = preds
                    .iter()
                    .filter_map(|p| out.get(p))
                    .map(|p| p.y)
                    .collect();
                let bary = if ys.is_empty() {
                    f64::MAX
                } else {
                    ys.iter().sum::<f64>() / ys.len() as f64
                };
                (bary, i, key)
            })
            .collect();
        insertion_sort_by(&mut keyed, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let offset = (tallest - keyed.len() as f64) * ROW_GAP / 2.0;
        for (row, (_, _, key)) in keyed.into_iter().enumerate() {
            out.insert(
                key,
                Point {
                    x: col_x,
                    y: MARGIN + offset + row as f64 * ROW_GAP,
                },
            );
        }
        col_x += COLUMN_GAP;
    }
    out
}

/// A stable insertion sort. Layers hold tens of nodes (a few hundred at most), where this is as
/// fast as `sort_by`; `sort_by` would add its own ~5 KB driftsort instance to the web build.
fn insertion_sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && cmp(&v[j - 1], &v[j]) == std::cmp::Ordering::Greater {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_value;

    #[test]
    fn insertion_sort_is_stable_and_matches_sort_by() {
        let mut v: Vec<(u8, usize)> = [3, 1, 2, 1, 3, 0, 2].iter().copied().zip(0..).collect();
        let mut want = v.clone();
        want.sort_by_key(|a| a.0);
        insertion_sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, want);
        let mut empty: Vec<u8> = Vec::new();
        insertion_sort_by(&mut empty, u8::cmp);
        assert!(empty.is_empty());
    }

    #[test]
    fn layers_flow_left_to_right() {
        let s = parse_value(&serde_json::json!({
            "warren": 1,
            "topology": {
                "exchanges": [{"name": "a", "type": "fanout"}, {"name": "b", "type": "fanout"}],
                "queues": [{"name": "q"}],
                "bindings": [
                    {"source": "a", "destination": "b", "destination_type": "exchange"},
                    {"source": "b", "destination": "q"}
                ]
            },
            "producers": [{"id": "p", "exchange": "a"}],
            "consumers": [{"id": "c", "queue": "q"}]
        }))
        .unwrap()
        .scenario;
        let l = auto_layout(&s);
        let x = |k: &str| l[k].x;
        assert!(x("producer:p") < x("exchange:a"));
        assert!(x("exchange:a") < x("exchange:b"), "{l:?}");
        assert!(x("exchange:b") < x("queue:q"));
        assert!(x("queue:q") < x("consumer:c"));
    }
}
