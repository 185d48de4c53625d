//! Pure diagram geometry: node sizes, a layered layout, edge clipping and the fitted view box.
//!
//! Owns: the numbers behind the drawing, so they are unit-tested natively.
//! Must not import Yew, web-sys, or any model module: it works on plain numbers and [`Topology`].

use super::topology::{DiagramNode, NodeKind, Topology};

/// A point in diagram units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal, growing right.
    pub x: f64,
    /// Vertical, growing down.
    pub y: f64,
}

/// A width and height, in diagram units or CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// Estimated advance of one character of a node name and caption, in
/// diagram units (20px bold and 14.5px in the CSS). Generous, so text never spills out of its shape in common sans-serif fonts.
const NAME_CHAR: f64 = 11.6;
const CAPTION_CHAR: f64 = 7.8;

/// Where a node's name and caption start, measured from the shape's left edge.
pub fn text_left(kind: &NodeKind) -> f64 {
    match kind {
        NodeKind::Producer { .. } | NodeKind::Consumer { .. } => 58.0,
        NodeKind::Exchange { .. } => 66.0,
        NodeKind::Queue { .. } => 18.0,
    }
}

/// Width taken by the queue's message-slot pictogram at its right-hand end.
pub const QUEUE_SLOTS_WIDTH: f64 = 37.0;

/// The size of a node's shape, wide enough for its name and caption.
pub fn node_size(node: &DiagramNode) -> Size {
    let name = node.display_name().chars().count() as f64 * NAME_CHAR;
    let caption = node.caption().chars().count() as f64 * CAPTION_CHAR;
    let text = name.max(caption);
    let left = text_left(&node.kind);
    match node.kind {
        NodeKind::Producer { .. } | NodeKind::Consumer { .. } => Size {
            w: (left + text + 24.0).max(132.0),
            h: 64.0,
        },
        NodeKind::Exchange { .. } => Size {
            w: (left + text + 30.0).max(170.0),
            h: 72.0,
        },
        NodeKind::Queue { .. } => Size {
            w: (left + text + 16.0 + QUEUE_SLOTS_WIDTH + 16.0).max(170.0),
            h: 68.0,
        },
    }
}

/// Which way the flow runs: left→right on wide screens, top→bottom on tall ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Flow left to right.
    Horizontal,
    /// Flow top to bottom.
    Vertical,
}

impl Orientation {
    /// Top→bottom when the drawing area is clearly taller than wide (phones in portrait).
    pub fn for_viewport(viewport: Size) -> Self {
        if viewport.h > viewport.w * 1.1 {
            Orientation::Vertical
        } else {
            Orientation::Horizontal
        }
    }
}

/// Gap between the shapes of two successive layers, leaving room for an edge label.
const LAYER_GAP_H: f64 = 128.0;
const LAYER_GAP_V: f64 = 70.0;
/// Gap between nodes of one layer.
const SIBLING_GAP: f64 = 36.0;

/// Places every node on a layer by the longest path from a source (producers end up first),
/// then lays the layers out along the flow. Returns the centre of each node, by node index.
/// Cycles are cut by capping the depth at the node count, so this always terminates.
pub fn layered_layout(topology: &Topology, orientation: Orientation) -> Vec<Point> {
    let n = topology.nodes.len();
    let mut layer = vec![0usize; n];
    // Bellman-Ford style relaxation: at most n rounds, each lengthening a path by one edge.
    for _ in 0..n {
        let mut changed = false;
        for e in &topology.edges {
            if e.from < n && e.to < n && layer[e.to] < layer[e.from] + 1 && layer[e.from] + 1 < n {
                layer[e.to] = layer[e.from] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let layers = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, l) in layer.iter().enumerate() {
        members[*l].push(i);
    }
    let sizes: Vec<Size> = topology.nodes.iter().map(node_size).collect();
    let mut out = vec![Point::default(); n];
    let mut along = 0.0;
    for group in &members {
        // Extent of the layer along the flow, and its nodes' total spread across it.
        let depth = group
            .iter()
            .map(|&i| match orientation {
                Orientation::Horizontal => sizes[i].w,
                Orientation::Vertical => sizes[i].h,
            })
            .fold(0.0, f64::max);
        let across_total: f64 = group
            .iter()
            .map(|&i| match orientation {
                Orientation::Horizontal => sizes[i].h,
                Orientation::Vertical => sizes[i].w,
            })
            .sum::<f64>()
            + SIBLING_GAP * (group.len().saturating_sub(1)) as f64;
        let mut across = -across_total / 2.0;
        for &i in group {
            let extent = match orientation {
                Orientation::Horizontal => sizes[i].h,
                Orientation::Vertical => sizes[i].w,
            };
            let a = along + depth / 2.0;
            let b = across + extent / 2.0;
            out[i] = match orientation {
                Orientation::Horizontal => Point { x: a, y: b },
                Orientation::Vertical => Point { x: b, y: a },
            };
            across += extent + SIBLING_GAP;
        }
        along += depth
            + match orientation {
                Orientation::Horizontal => LAYER_GAP_H,
                Orientation::Vertical => LAYER_GAP_V,
            };
    }
    out
}

/// Where the segment from `center` towards `toward` leaves the box of `size` around `center`.
pub fn boundary_point(center: Point, size: Size, toward: Point) -> Point {
    let dx = toward.x - center.x;
    let dy = toward.y - center.y;
    if dx == 0.0 && dy == 0.0 {
        return center;
    }
    let sx = if dx == 0.0 {
        f64::INFINITY
    } else {
        (size.w / 2.0) / dx.abs()
    };
    let sy = if dy == 0.0 {
        f64::INFINITY
    } else {
        (size.h / 2.0) / dy.abs()
    };
    let s = sx.min(sy).min(1.0);
    Point {
        x: center.x + dx * s,
        y: center.y + dy * s,
    }
}

/// An axis-aligned box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// The centre.
    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }

    /// The `viewBox` attribute value.
    pub fn to_view_box(&self) -> String {
        format!("{:.1} {:.1} {:.1} {:.1}", self.x, self.y, self.w, self.h)
    }
}

/// The bounding box of all node shapes plus `margin` on every side (room for edge labels).
pub fn content_bounds(topology: &Topology, positions: &[Point], margin: f64) -> Rect {
    let mut min = Point {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Point {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for (node, p) in topology.nodes.iter().zip(positions) {
        let s = node_size(node);
        min.x = min.x.min(p.x - s.w / 2.0);
        min.y = min.y.min(p.y - s.h / 2.0);
        max.x = max.x.max(p.x + s.w / 2.0);
        max.y = max.y.max(p.y + s.h / 2.0);
    }
    if !min.x.is_finite() {
        return Rect {
            x: -200.0,
            y: -150.0,
            w: 400.0,
            h: 300.0,
        };
    }
    Rect {
        x: min.x - margin,
        y: min.y - margin,
        w: max.x - min.x + 2.0 * margin,
        h: max.y - min.y + 2.0 * margin,
    }
}

/// Largest scale "Fit" may pick, so a small diagram is not blown up to poster size.
pub const MAX_FIT_SCALE: f64 = 1.5;
/// Zoom limits, as a factor of the fitted scale.
pub const MIN_ZOOM: f64 = 0.25;
/// Zoom limits, as a factor of the fitted scale.
pub const MAX_ZOOM: f64 = 4.0;

/// The scale (CSS pixels per diagram unit) at which `content` just fits `viewport`.
pub fn fit_scale(content: Rect, viewport: Size) -> f64 {
    if content.w <= 0.0 || content.h <= 0.0 || viewport.w <= 0.0 || viewport.h <= 0.0 {
        return 1.0;
    }
    (viewport.w / content.w)
        .min(viewport.h / content.h)
        .min(MAX_FIT_SCALE)
}

/// The view box that shows `content` at `zoom` × the fitted scale, centred on the content
/// centre moved by `pan` (diagram units), with the viewport's aspect ratio so nothing is
/// letter-boxed.
pub fn view_box(content: Rect, viewport: Size, zoom: f64, pan: Point) -> Rect {
    let scale = fit_scale(content, viewport) * zoom;
    let w = viewport.w.max(1.0) / scale;
    let h = viewport.h.max(1.0) / scale;
    let c = content.center();
    Rect {
        x: c.x + pan.x - w / 2.0,
        y: c.y + pan.y - h / 2.0,
        w,
        h,
    }
}

#[cfg(test)]
mod tests {
    use super::super::topology::hello_world;
    use super::*;

    #[test]
    fn horizontal_layout_puts_the_chain_left_to_right_on_one_line() {
        let t = hello_world();
        let p = layered_layout(&t, Orientation::Horizontal);
        assert!(p[0].x < p[1].x && p[1].x < p[2].x && p[2].x < p[3].x);
        assert!(p.iter().all(|q| q.y == p[0].y));
        // Shapes never overlap and leave the label gap.
        for w in 0..3 {
            let a = node_size(&t.nodes[w]).w / 2.0;
            let b = node_size(&t.nodes[w + 1]).w / 2.0;
            assert!(p[w + 1].x - p[w].x >= a + b + LAYER_GAP_H - 1e-9);
        }
    }

    #[test]
    fn vertical_layout_stacks_the_chain() {
        let t = hello_world();
        let p = layered_layout(&t, Orientation::Vertical);
        assert!(p[0].y < p[1].y && p[1].y < p[2].y && p[2].y < p[3].y);
        assert!(p.iter().all(|q| q.x == p[0].x));
    }

    #[test]
    fn layout_terminates_on_a_cycle() {
        let mut t = hello_world();
        t.edges.push(super::super::topology::DiagramEdge {
            from: 3,
            to: 0,
            kind: super::super::topology::EdgeKind::Publish,
            label: String::new(),
        });
        let p = layered_layout(&t, Orientation::Horizontal);
        assert_eq!(p.len(), 4);
        assert!(p.iter().all(|q| q.x.is_finite() && q.y.is_finite()));
    }

    #[test]
    fn nodes_grow_with_their_names() {
        let t = hello_world();
        let mut queue = t.nodes[2].clone();
        let short = node_size(&queue).w;
        queue.name = "a_rather_long_queue_name_for_tasks".to_owned();
        let long = node_size(&queue).w;
        assert!(long > short + 100.0, "{short} -> {long}");
        // The name fits between the text start and the slots.
        let name_w = queue.name.len() as f64 * NAME_CHAR;
        assert!(text_left(&queue.kind) + name_w + QUEUE_SLOTS_WIDTH < long);
    }

    #[test]
    fn orientation_follows_the_viewport_shape() {
        assert_eq!(
            Orientation::for_viewport(Size { w: 960.0, h: 500.0 }),
            Orientation::Horizontal
        );
        assert_eq!(
            Orientation::for_viewport(Size { w: 390.0, h: 520.0 }),
            Orientation::Vertical
        );
    }

    #[test]
    fn boundary_point_lies_on_the_box_edge() {
        let c = Point { x: 0.0, y: 0.0 };
        let s = Size { w: 100.0, h: 50.0 };
        assert_eq!(
            boundary_point(c, s, Point { x: 300.0, y: 0.0 }),
            Point { x: 50.0, y: 0.0 }
        );
        assert_eq!(
            boundary_point(c, s, Point { x: 0.0, y: -300.0 }),
            Point { x: 0.0, y: -25.0 }
        );
        let d = boundary_point(c, s, Point { x: 100.0, y: 100.0 });
        assert!((d.y - 25.0).abs() < 1e-9 && (d.x - 25.0).abs() < 1e-9);
        assert_eq!(boundary_point(c, s, c), c);
    }

    #[test]
    fn view_box_keeps_viewport_aspect_and_zoom_shrinks_it() {
        let content = Rect {
            x: 0.0,
            y: 0.0,
            w: 1000.0,
            h: 200.0,
        };
        let vp = Size { w: 800.0, h: 400.0 };
        let fitted = view_box(content, vp, 1.0, Point::default());
        assert!((fitted.w / fitted.h - 2.0).abs() < 1e-9);
        assert!(
            (fitted.w - 1000.0).abs() < 1e-9,
            "fits the width: {fitted:?}"
        );
        assert_eq!(fitted.center(), content.center());
        let zoomed = view_box(content, vp, 2.0, Point::default());
        assert!((zoomed.w - 500.0).abs() < 1e-9);
        let panned = view_box(content, vp, 1.0, Point { x: 10.0, y: -5.0 });
        assert_eq!(panned.center(), Point { x: 510.0, y: 95.0 });
    }

    #[test]
    fn fit_never_blows_a_small_diagram_up_past_the_cap() {
        let tiny = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        assert_eq!(
            fit_scale(
                tiny,
                Size {
                    w: 1000.0,
                    h: 1000.0
                }
            ),
            MAX_FIT_SCALE
        );
    }
}
