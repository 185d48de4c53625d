//! Pure canvas geometry: hit-testing, the marquee, edge clipping and label placement.
//!
//! Owns: numbers only, so it is unit-tested natively. Must not import Yew or web-sys.

use crate::scenario::Point;
use crate::ui::editor::ops::{NODE_H, NODE_W};

/// Radius of the connection handle drawn at a node's right-hand edge.
pub const HANDLE_R: f64 = 9.0;
/// Height of one stacked edge label.
pub const LABEL_H: f64 = 22.0;

/// Whether `p` is on the node centred at `c`.
pub fn on_node(c: Point, p: Point) -> bool {
    (p.x - c.x).abs() <= NODE_W / 2.0 && (p.y - c.y).abs() <= NODE_H / 2.0
}

/// The topmost node under `p` (later nodes are drawn on top).
pub fn node_at(centres: &[Point], p: Point) -> Option<usize> {
    centres.iter().rposition(|c| on_node(*c, p))
}

/// Indices of the nodes whose box intersects the rectangle spanned by `a` and `b`.
pub fn nodes_in_rect(centres: &[Point], a: Point, b: Point) -> Vec<usize> {
    let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
    let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
    centres
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.x + NODE_W / 2.0 >= x0
                && c.x - NODE_W / 2.0 <= x1
                && c.y + NODE_H / 2.0 >= y0
                && c.y - NODE_H / 2.0 <= y1
        })
        .map(|(i, _)| i)
        .collect()
}

/// Where the segment from the node centre `c` towards `toward` leaves the node's box.
pub fn clip_to_box(c: Point, toward: Point) -> Point {
    let (dx, dy) = (toward.x - c.x, toward.y - c.y);
    if dx == 0.0 && dy == 0.0 {
        return c;
    }
    let sx = if dx == 0.0 {
        f64::INFINITY
    } else {
        (NODE_W / 2.0) / dx.abs()
    };
    let sy = if dy == 0.0 {
        f64::INFINITY
    } else {
        (NODE_H / 2.0) / dy.abs()
    };
    let s = sx.min(sy).min(1.0);
    Point {
        x: c.x + dx * s,
        y: c.y + dy * s,
    }
}

/// The drawn segment of an edge between two node centres: clipped to both boxes and shifted
/// sideways by `offset` (so an edge and its reverse do not overlap).
pub fn edge_segment(a: Point, b: Point, offset: f64) -> (Point, Point) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (nx, ny) = (-dy / len * offset, dx / len * offset);
    let a2 = Point {
        x: a.x + nx,
        y: a.y + ny,
    };
    let b2 = Point {
        x: b.x + nx,
        y: b.y + ny,
    };
    (clip_to_box(a2, b2), clip_to_box(b2, a2))
}

/// Centres of `n` stacked labels around the middle of a segment.
pub fn label_centres(a: Point, b: Point, n: usize) -> Vec<Point> {
    let mid = Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    let top = mid.y - (n as f64 - 1.0) * LABEL_H / 2.0;
    (0..n)
        .map(|i| Point {
            x: mid.x,
            y: top + i as f64 * LABEL_H,
        })
        .collect()
}

/// Estimated width of a label in diagram units (12.5px monospace plus padding).
pub fn label_width(text: &str) -> f64 {
    // CJK characters are about twice as wide as the monospace Latin ones.
    let cells: usize = text
        .chars()
        .map(|c| if c >= '\u{2e80}' { 2 } else { 1 })
        .sum();
    cells as f64 * 7.6 + 12.0
}

/// Shortens `s` to at most `max` characters with an ellipsis.
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('\u{2026}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    #[test]
    fn hit_testing_prefers_the_top_node() {
        let c = [p(0.0, 0.0), p(20.0, 0.0)];
        assert_eq!(node_at(&c, p(10.0, 0.0)), Some(1));
        assert_eq!(node_at(&c, p(-80.0, 0.0)), Some(0));
        assert_eq!(node_at(&c, p(0.0, 100.0)), None);
    }

    #[test]
    fn marquee_catches_touched_nodes_in_any_direction() {
        let c = [p(0.0, 0.0), p(400.0, 0.0), p(0.0, 300.0)];
        assert_eq!(nodes_in_rect(&c, p(500.0, 50.0), p(50.0, -50.0)), [0, 1]);
        assert!(nodes_in_rect(&c, p(150.0, 150.0), p(200.0, 200.0)).is_empty());
    }

    #[test]
    fn edges_start_and_end_on_the_boxes() {
        let (a, b) = edge_segment(p(0.0, 0.0), p(400.0, 0.0), 0.0);
        assert_eq!(a, p(NODE_W / 2.0, 0.0));
        assert_eq!(b, p(400.0 - NODE_W / 2.0, 0.0));
        let (a, _) = edge_segment(p(0.0, 0.0), p(400.0, 0.0), 8.0);
        assert_eq!(a.y, 8.0);
    }

    #[test]
    fn stacked_labels_are_centred_and_do_not_overlap() {
        let l = label_centres(p(0.0, 0.0), p(200.0, 0.0), 3);
        assert_eq!(l[1], p(100.0, 0.0));
        assert!((l[1].y - l[0].y - LABEL_H).abs() < 1e-9);
    }

    #[test]
    fn ellipsize_keeps_short_names() {
        assert_eq!(ellipsize("hello", 8), "hello");
        assert_eq!(ellipsize("receive_logs_topic.py", 8), "receive\u{2026}");
    }
}
