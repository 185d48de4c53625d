//! The diagram area: the topology drawn as SVG nodes and arrows, with pan by drag and
//! keyboard-selectable nodes.
//!
//! Owns: turning [`Topology`] plus the view state into SVG, and measuring the drawing area.
//! Geometry comes from [`super::geometry`]; this module only renders and forwards input.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use super::geometry::{
    Orientation, Point, QUEUE_SLOTS_WIDTH, Rect, Size, boundary_point, content_bounds,
    layered_layout, node_size, text_left, view_box,
};
use super::icons;
use super::state::{UiAction, UiState};
use super::topology::{DiagramNode, EdgeKind, NodeKind, Topology};

/// Room around the shapes for edge labels and focus rings, in diagram units.
const CONTENT_MARGIN: f64 = 36.0;
/// Gap left between an arrowhead's tip and the shape it points at.
const ARROW_GAP: f64 = 5.0;
/// Size used until the drawing area has been measured.
const FALLBACK_VIEWPORT: Size = Size { w: 960.0, h: 540.0 };

/// Props of [`Diagram`].
#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    /// The whole UI state (the diagram reads topology, view and selection).
    pub state: Rc<UiState>,
    /// Where user input goes.
    pub dispatch: Callback<UiAction>,
}

/// Everything derived from the state that drawing and input need.
pub struct ViewModel {
    /// Flow direction chosen for the viewport.
    pub orientation: Orientation,
    /// Node centres.
    pub positions: Vec<Point>,
    /// The visible rectangle in diagram units.
    pub view: Rect,
    /// CSS pixels per diagram unit.
    pub scale: f64,
}

impl ViewModel {
    /// Lays out and fits the state's topology.
    pub fn new(state: &UiState) -> Self {
        let viewport = state.viewport.unwrap_or(FALLBACK_VIEWPORT);
        let orientation = Orientation::for_viewport(viewport);
        let positions = layered_layout(&state.topology, orientation);
        let content = content_bounds(&state.topology, &positions, CONTENT_MARGIN);
        let view = view_box(content, viewport, state.zoom, state.pan);
        let scale = viewport.w / view.w.max(1e-9);
        ViewModel {
            orientation,
            positions,
            view,
            scale,
        }
    }
}

fn measure(container: &NodeRef) -> Option<Size> {
    let el = container.cast::<web_sys::Element>()?;
    let size = Size {
        w: f64::from(el.client_width()),
        h: f64::from(el.client_height()),
    };
    (size.w > 0.0 && size.h > 0.0).then_some(size)
}

/// An active background drag: pointer id and its last position in CSS pixels.
type Drag = Option<(i32, f64, f64, bool)>;

/// The SVG drawing of the topology.
#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let container = use_node_ref();
    {
        let container = container.clone();
        let dispatch = props.dispatch.clone();
        use_effect_with((), move |_| {
            if let Some(size) = measure(&container) {
                dispatch.emit(UiAction::Resize(size));
            }
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "resize", move |_| {
                    if let Some(size) = measure(&container) {
                        dispatch.emit(UiAction::Resize(size));
                    }
                })
            });
            move || drop(listener)
        });
    }

    let state = &props.state;
    let vm = ViewModel::new(state);
    let drag: Rc<RefCell<Drag>> = use_mut_ref(|| None);
    let svg_ref = use_node_ref();

    let onpointerdown = {
        let drag = Rc::clone(&drag);
        let svg_ref = svg_ref.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            *drag.borrow_mut() = Some((
                e.pointer_id(),
                f64::from(e.client_x()),
                f64::from(e.client_y()),
                false,
            ));
            // Capture keeps the drag alive when the pointer leaves the drawing. (Yew delegates
            // events, so `current_target` is the app root, not the SVG: use the ref.)
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                let _ = svg.set_pointer_capture(e.pointer_id());
            }
        })
    };
    let onpointermove = {
        let drag = Rc::clone(&drag);
        let dispatch = props.dispatch.clone();
        let scale = vm.scale;
        Callback::from(move |e: PointerEvent| {
            let mut d = drag.borrow_mut();
            if let Some((id, x, y, moved)) = d.as_mut()
                && *id == e.pointer_id()
            {
                let (nx, ny) = (f64::from(e.client_x()), f64::from(e.client_y()));
                let (dx, dy) = (nx - *x, ny - *y);
                // A few pixels of jitter still count as a click.
                if *moved || dx.abs() + dy.abs() > 3.0 {
                    *moved = true;
                    *x = nx;
                    *y = ny;
                    dispatch.emit(UiAction::PanBy(Point {
                        x: -dx / scale,
                        y: -dy / scale,
                    }));
                }
            }
        })
    };
    let onpointerup = {
        let drag = Rc::clone(&drag);
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: PointerEvent| {
            let ended = drag.borrow_mut().take();
            if let Some((id, _, _, moved)) = ended
                && id == e.pointer_id()
                && !moved
                && e.type_() == "pointerup"
            {
                dispatch.emit(UiAction::Select(None));
            }
        })
    };

    let t: &Topology = &state.topology;
    let edges = t
        .edges
        .iter()
        .filter_map(|edge| {
            let from = t.nodes.get(edge.from)?;
            let to = t.nodes.get(edge.to)?;
            let (a, b) = (*vm.positions.get(edge.from)?, *vm.positions.get(edge.to)?);
            Some(edge_view(
                edge.kind,
                &edge.label,
                boundary_point(a, node_size(from), b),
                boundary_point(b, node_size(to), a),
                vm.orientation,
            ))
        })
        .collect::<Html>();
    let nodes = t
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| {
            let at = *vm.positions.get(i)?;
            Some(node_view(
                i,
                node,
                at,
                state.selected == Some(i),
                &props.dispatch,
            ))
        })
        .collect::<Html>();

    let v = vm.view;
    html! {
        <div class="diagram" ref={container}>
            <svg class="diagram-svg" ref={svg_ref} viewBox={v.to_view_box()} preserveAspectRatio="xMidYMid meet"
                role="group" aria-label={format!("Diagram of scenario {}", t.title)}
                {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()}
                onpointercancel={onpointerup}>
                <defs>
                    <pattern id="warren-grid" width="24" height="24" patternUnits="userSpaceOnUse">
                        <circle class="grid-dot" cx="1" cy="1" r="1.1" />
                    </pattern>
                    { for [EdgeKind::Publish, EdgeKind::Binding, EdgeKind::Subscription].map(marker) }
                </defs>
                <rect class="diagram-bg" x={f(v.x)} y={f(v.y)} width={f(v.w)} height={f(v.h)}
                    fill="url(#warren-grid)" />
                <g class="edges">{ edges }</g>
                <g class="nodes">{ nodes }</g>
            </svg>
        </div>
    }
}

fn f(x: f64) -> String {
    format!("{x:.1}")
}

fn edge_class(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Publish => "publish",
        EdgeKind::Binding => "binding",
        EdgeKind::Subscription => "subscription",
    }
}

fn edge_word(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Publish => "publish",
        EdgeKind::Binding => "binding",
        EdgeKind::Subscription => "consume",
    }
}

fn marker(kind: EdgeKind) -> Html {
    html! {
        <marker id={format!("warren-arrow-{}", edge_class(kind))} class={classes!("arrowhead", edge_class(kind))}
            viewBox="0 0 12 12" refX="11" refY="6" markerWidth="13" markerHeight="13"
            markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M1 1.5 11 6 1 10.5 3.5 6z" />
        </marker>
    }
}

fn edge_view(kind: EdgeKind, label: &str, a: Point, b: Point, orientation: Orientation) -> Html {
    let len = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt().max(1e-9);
    let end = Point {
        x: b.x - (b.x - a.x) / len * ARROW_GAP,
        y: b.y - (b.y - a.y) / len * ARROW_GAP,
    };
    let start = Point {
        x: a.x + (b.x - a.x) / len * 2.0,
        y: a.y + (b.y - a.y) / len * 2.0,
    };
    let mid = Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    let class = edge_class(kind);
    // Labels sit above a horizontal edge and beside a vertical one, never on the line.
    let (lx, ly, anchor) = match orientation {
        Orientation::Horizontal => (mid.x, mid.y - 28.0, "middle"),
        Orientation::Vertical => (mid.x + 14.0, mid.y - 9.0, "start"),
    };
    html! {
        <g class={classes!("edge", class)}>
            <path class="edge-line" d={format!("M{:.1} {:.1} L{:.1} {:.1}", start.x, start.y, end.x, end.y)}
                marker-end={format!("url(#warren-arrow-{class})")} />
            <text class="edge-kind" x={f(lx)} y={f(ly)} text-anchor={anchor}>{ edge_word(kind) }</text>
            <text class="edge-label" x={f(lx)} y={f(ly + 18.0)} text-anchor={anchor}>{ label.to_owned() }</text>
        </g>
    }
}

fn kind_class(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Producer { .. } => "node-producer",
        NodeKind::Exchange { .. } => "node-exchange",
        NodeKind::Queue { .. } => "node-queue",
        NodeKind::Consumer { .. } => "node-consumer",
    }
}

fn node_shape(kind: &NodeKind, s: Size) -> Html {
    let (hw, hh) = (s.w / 2.0, s.h / 2.0);
    match kind {
        NodeKind::Producer { .. } | NodeKind::Consumer { .. } => html! {
            <rect class="shape" x={f(-hw)} y={f(-hh)} width={f(s.w)} height={f(s.h)} rx={f(hh)} />
        },
        NodeKind::Exchange { .. } => {
            let k = 20.0;
            html! {
                <polygon class="shape" points={format!(
                    "{:.1},0 {:.1},{:.1} {:.1},{:.1} {:.1},0 {:.1},{:.1} {:.1},{:.1}",
                    -hw, -hw + k, -hh, hw - k, -hh, hw, hw - k, hh, -hw + k, hh
                )} />
            }
        }
        NodeKind::Queue { .. } => html! {
            <rect class="shape" x={f(-hw)} y={f(-hh)} width={f(s.w)} height={f(s.h)} rx="10" />
        },
    }
}

/// The queue's pictogram: message slots, filled for ready messages.
fn queue_slots(s: Size, ready: u32) -> Html {
    const SLOTS: u32 = 4;
    let (slot_w, slot_h) = (7.0, 32.0);
    let gap = (QUEUE_SLOTS_WIDTH - f64::from(SLOTS) * slot_w) / f64::from(SLOTS - 1);
    let right = s.w / 2.0 - 16.0;
    (0..SLOTS)
        .map(|i| {
            let x = right - f64::from(i + 1) * slot_w - f64::from(i) * gap;
            // Slots fill from the head (right-hand side), where messages leave the queue.
            let class = if i < ready { "slot filled" } else { "slot" };
            html! { <rect class={class} x={f(x)} y={f(-slot_h / 2.0)} width={f(slot_w)} height={f(slot_h)} rx="2" /> }
        })
        .collect()
}

fn node_view(
    index: usize,
    node: &DiagramNode,
    at: Point,
    selected: bool,
    dispatch: &Callback<UiAction>,
) -> Html {
    let s = node_size(node);
    let hw = s.w / 2.0;
    let text_x = -hw + text_left(&node.kind);
    let onclick = dispatch.reform(move |_: MouseEvent| UiAction::Select(Some(index)));
    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                dispatch.emit(UiAction::Select(Some(index)));
            }
            "Escape" => dispatch.emit(UiAction::Select(None)),
            _ => {}
        })
    };
    // A node press must not start a background pan (which would clear the selection).
    let onpointerdown = Callback::from(|e: PointerEvent| e.stop_propagation());
    // Icons sit in a round badge left of the text; the queue's slots are its icon.
    let badge = |d, cx: f64| {
        html! { <>
            <circle class="badge" cx={f(cx)} cy="0" r="19" />
            { icons::node_icon(d, cx, 0.0, 24.0) }
        </> }
    };
    let icon = match &node.kind {
        NodeKind::Producer { .. } => badge(icons::PRODUCER, -hw + 31.0),
        NodeKind::Consumer { .. } => badge(icons::CONSUMER, -hw + 31.0),
        NodeKind::Exchange { .. } => badge(icons::EXCHANGE, -hw + 41.0),
        NodeKind::Queue { ready, .. } => queue_slots(s, *ready),
    };
    html! {
        <g class={classes!("node", kind_class(&node.kind), selected.then_some("selected"))}
            transform={format!("translate({:.1} {:.1})", at.x, at.y)}
            tabindex="0" role="button" aria-pressed={if selected { "true" } else { "false" }}
            aria-label={node.aria_label()} {onclick} {onkeydown} {onpointerdown}>
            <title>{ node.aria_label() }</title>
            { node_shape(&node.kind, s) }
            { icon }
            <text class="node-name" x={f(text_x)} y="-2">{ node.display_name().to_owned() }</text>
            <text class="node-caption" x={f(text_x)} y="18">{ node.caption() }</text>
        </g>
    }
}
