//! The editing canvas: the scenario's diagram as SVG, and the pointer and keyboard gestures
//! that edit it (select, marquee, move, connect from a handle, pan, wheel and pinch zoom,
//! rename in place), plus the palette that adds nodes by click or drag.
//!
//! Owns: turning [`Graph`] and the editor's view into SVG, and pointer input into
//! [`EditorAction`]s. Hit-testing uses [`geometry`] on diagram coordinates, never DOM
//! targets, so mouse, pen and touch (with pointer capture) behave the same.
//! Playback draws its moving tokens in its own layer; this module draws the static diagram.

pub mod geometry;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::scenario::{ExchangeKind, Point};
use crate::ui::editor::fields::{self, Target};
use crate::ui::editor::graph::{EdgeKind, Graph, GraphNode, NodeKind};
use crate::ui::editor::ops::{self, NODE_H, NODE_W, NewNode};
use crate::ui::editor::state::{EditorAction, EditorState, Size};
use crate::ui::i18n::{kind_word, tr, tr_with};
use crate::ui::{icons, num};

use geometry::{HANDLE_R, LABEL_H};

/// The id of the canvas `<svg>` (the palette finds it to drop nodes on it).
pub const CANVAS_ID: &str = "warren-canvas";
/// Pixels a press may wander and still count as a click.
const CLICK_SLOP: f64 = 4.0;
/// Grid of keyboard moves.
const KEY_STEP: f64 = 20.0;

/// Props of [`Canvas`].
#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    /// The editor.
    pub state: Rc<EditorState>,
    /// The drawing derived from the editor's document.
    pub graph: Rc<Graph>,
    /// Where gestures go.
    pub dispatch: Callback<EditorAction>,
    /// Bindings (indices into `topology.bindings`) that playback's current step routed
    /// through: their edges and labels flash.
    #[prop_or_default]
    pub flash: Rc<Vec<usize>>,
    /// Alternates per step, so a binding that matches again flashes again.
    #[prop_or_default]
    pub flash_phase: bool,
}

#[derive(Debug, Clone)]
enum Gesture {
    Idle,
    Press {
        id: i32,
        start: (f64, f64),
        moved: bool,
    },
    Connect {
        id: i32,
        from: usize,
    },
    Marquee {
        id: i32,
        start: Point,
        start_px: (f64, f64),
        extend: bool,
    },
    Pan {
        id: i32,
        last: (f64, f64),
    },
    Pinch {
        last_dist: f64,
    },
}

/// A connection being dragged: source node, pointer point, and the hovered node with what
/// dropping there would do (or why it is refused).
type Wire = (usize, Point, Option<(usize, Result<String, String>)>);
/// A palette press: pointer id, where it started, and whether it became a drag.
type PalettePress = Option<(i32, f64, f64, bool)>;

#[derive(Debug, Clone, PartialEq, Default)]
struct Overlay {
    /// From node index, pointer point, hovered target and whether it is accepted.
    wire: Option<Wire>,
    marquee: Option<(Point, Point)>,
}

fn f1(x: f64) -> String {
    num::fixed(x, 1)
}

fn local(svg: &NodeRef, x: i32, y: i32) -> (f64, f64) {
    match svg.cast::<web_sys::Element>() {
        Some(el) => {
            let r = el.get_bounding_client_rect();
            (f64::from(x) - r.left(), f64::from(y) - r.top())
        }
        None => (f64::from(x), f64::from(y)),
    }
}

fn measure(el: &NodeRef) -> Option<Size> {
    let el = el.cast::<web_sys::Element>()?;
    let size = Size {
        w: f64::from(el.client_width()),
        h: f64::from(el.client_height()),
    };
    (size.w > 0.0 && size.h > 0.0).then_some(size)
}

/// Node centres with the drag preview applied to the selected nodes.
fn centres(st: &EditorState, g: &Graph) -> Vec<Point> {
    g.nodes
        .iter()
        .map(|n| {
            let at = st.to_draw(n.at);
            match st.drag {
                Some(d) if st.is_selected(&Target::Node(n.id.clone())) => Point {
                    x: at.x + d.x,
                    y: at.y + d.y,
                },
                _ => at,
            }
        })
        .collect()
}

fn handle_at(c: &[Point], p: Point) -> Option<usize> {
    c.iter().rposition(|c| {
        let (dx, dy) = (p.x - (c.x + NODE_W / 2.0), p.y - c.y);
        dx * dx + dy * dy <= (HANDLE_R + 7.0) * (HANDLE_R + 7.0)
    })
}

/// The canvas.
#[function_component(Canvas)]
pub fn canvas(props: &CanvasProps) -> Html {
    let _lang = crate::ui::i18n::use_lang();
    let st = &props.state;
    let g = &props.graph;
    let dispatch = &props.dispatch;
    let container = use_node_ref();
    let svg_ref = use_node_ref();
    let gesture: Rc<RefCell<Gesture>> = use_mut_ref(|| Gesture::Idle);
    let touches: Rc<RefCell<Vec<(i32, f64, f64)>>> = use_mut_ref(Vec::new);
    let overlay = use_state(Overlay::default);
    let rename_ref = use_node_ref();

    // Measure the drawing area now and on every window resize.
    {
        let container = container.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            if let Some(size) = measure(&container) {
                dispatch.emit(EditorAction::Resize(size));
            }
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "resize", move |_| {
                    if let Some(size) = measure(&container) {
                        dispatch.emit(EditorAction::Resize(size));
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Wheel zoom needs a non-passive listener to keep the page from scrolling.
    {
        let svg_ref = svg_ref.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = svg_ref.cast::<web_sys::Element>().map(|el| {
                let target = el.clone();
                EventListener::new_with_options(
                    &el,
                    "wheel",
                    EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        if let Some(w) = e.dyn_ref::<web_sys::WheelEvent>() {
                            w.prevent_default();
                            let r = target.get_bounding_client_rect();
                            let at = (
                                f64::from(w.client_x()) - r.left(),
                                f64::from(w.client_y()) - r.top(),
                            );
                            // Lines vs pixels: normalise so one notch is ~10% zoom.
                            let unit = if w.delta_mode() == 1 { 33.0 } else { 1.0 };
                            let factor = (-w.delta_y() * unit * 0.0015).exp().clamp(0.5, 2.0);
                            dispatch.emit(EditorAction::Zoom {
                                factor,
                                at: Some(at),
                            });
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }
    // Focus the rename field when it opens; give focus back to the node when it closes.
    {
        let rename_ref = rename_ref.clone();
        let container = container.clone();
        let primary = st.primary().cloned();
        use_effect_with(st.renaming.clone(), move |renaming| {
            if renaming.is_some() {
                if let Some(input) = rename_ref.cast::<web_sys::HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            } else if let Some(Target::Node(id)) = primary {
                focus_node(&container, &id.to_string(), false);
            }
        });
    }

    let vp = st.viewport.unwrap_or(Size { w: 960.0, h: 540.0 });
    let view = st.view;
    let pos = Rc::new(centres(st, g));

    let onpointerdown = {
        let gesture = Rc::clone(&gesture);
        let touches = Rc::clone(&touches);
        let svg_ref = svg_ref.clone();
        let dispatch = dispatch.clone();
        let pos = Rc::clone(&pos);
        let graph = Rc::clone(g);
        let state = Rc::clone(st);
        let overlay = overlay.clone();
        Callback::from(move |e: PointerEvent| {
            let (px, py) = local(&svg_ref, e.client_x(), e.client_y());
            let p = view.to_diagram(vp, px, py);
            let touch = e.pointer_type() == "touch";
            if touch {
                let mut t = touches.borrow_mut();
                t.retain(|(id, _, _)| *id != e.pointer_id());
                t.push((e.pointer_id(), px, py));
                if t.len() == 2 {
                    // A second finger turns any gesture into pinch-zoom.
                    if matches!(&*gesture.borrow(), Gesture::Press { moved: true, .. }) {
                        dispatch.emit(EditorAction::CancelDrag);
                    }
                    overlay.set(Overlay::default());
                    let d = ((t[0].1 - t[1].1).powi(2) + (t[0].2 - t[1].2).powi(2)).sqrt();
                    *gesture.borrow_mut() = Gesture::Pinch { last_dist: d };
                    return;
                }
            }
            if !touch && e.button() != 0 && e.button() != 1 {
                return;
            }
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                // Fails for synthetic pointers; the gesture then still works while over the svg.
                let _ = svg.set_pointer_capture(e.pointer_id());
            }
            let id = e.pointer_id();
            let next = if e.button() == 1 {
                Gesture::Pan { id, last: (px, py) }
            } else if let Some(from) = handle_at(&pos, p) {
                overlay.set(Overlay {
                    wire: Some((from, p, None)),
                    marquee: None,
                });
                Gesture::Connect { id, from }
            } else if let Some(i) = geometry::node_at(&pos, p) {
                let Some(node) = graph.nodes.get(i) else {
                    return;
                };
                let t = Target::Node(node.id.clone());
                if e.shift_key() {
                    dispatch.emit(EditorAction::Toggle(t));
                    Gesture::Idle
                } else {
                    if !state.is_selected(&t) {
                        dispatch.emit(EditorAction::Select(Some(t)));
                    }
                    Gesture::Press {
                        id,
                        start: (px, py),
                        moved: false,
                    }
                }
            } else if touch {
                Gesture::Pan { id, last: (px, py) }
            } else {
                overlay.set(Overlay {
                    wire: None,
                    marquee: Some((p, p)),
                });
                Gesture::Marquee {
                    id,
                    start: p,
                    start_px: (px, py),
                    extend: e.shift_key(),
                }
            };
            *gesture.borrow_mut() = next;
        })
    };

    let onpointermove = {
        let gesture = Rc::clone(&gesture);
        let touches = Rc::clone(&touches);
        let svg_ref = svg_ref.clone();
        let dispatch = dispatch.clone();
        let pos = Rc::clone(&pos);
        let graph = Rc::clone(g);
        let state = Rc::clone(st);
        let overlay = overlay.clone();
        Callback::from(move |e: PointerEvent| {
            let (px, py) = local(&svg_ref, e.client_x(), e.client_y());
            let p = view.to_diagram(vp, px, py);
            if e.pointer_type() == "touch" {
                let mut t = touches.borrow_mut();
                if let Some(entry) = t.iter_mut().find(|(id, _, _)| *id == e.pointer_id()) {
                    entry.1 = px;
                    entry.2 = py;
                }
                if let Gesture::Pinch { last_dist } = &mut *gesture.borrow_mut() {
                    if t.len() >= 2 {
                        let d = ((t[0].1 - t[1].1).powi(2) + (t[0].2 - t[1].2).powi(2)).sqrt();
                        if *last_dist > 1.0 && d > 1.0 {
                            let mid = ((t[0].1 + t[1].1) / 2.0, (t[0].2 + t[1].2) / 2.0);
                            dispatch.emit(EditorAction::Zoom {
                                factor: d / *last_dist,
                                at: Some(mid),
                            });
                        }
                        *last_dist = d;
                    }
                    return;
                }
            }
            let mut gst = gesture.borrow_mut();
            match &mut *gst {
                Gesture::Press { id, start, moved } if *id == e.pointer_id() => {
                    let (dx, dy) = (px - start.0, py - start.1);
                    if *moved || dx.abs() + dy.abs() > CLICK_SLOP {
                        *moved = true;
                        dispatch.emit(EditorAction::DragTo(Point {
                            x: dx / view.scale,
                            y: dy / view.scale,
                        }));
                    }
                }
                Gesture::Connect { id, from } if *id == e.pointer_id() => {
                    let from = *from;
                    let target = geometry::node_at(&pos, p)
                        .filter(|t| *t != from)
                        .and_then(|t| {
                            let a = &graph.nodes.get(from)?.id;
                            let b = &graph.nodes.get(t)?.id;
                            Some((t, ops::connection_meaning(&state.doc, a, b)))
                        });
                    overlay.set(Overlay {
                        wire: Some((from, p, target)),
                        marquee: None,
                    });
                }
                Gesture::Marquee { id, start, .. } if *id == e.pointer_id() => {
                    overlay.set(Overlay {
                        wire: None,
                        marquee: Some((*start, p)),
                    });
                }
                Gesture::Pan { id, last } if *id == e.pointer_id() => {
                    let (dx, dy) = (px - last.0, py - last.1);
                    *last = (px, py);
                    dispatch.emit(EditorAction::PanBy(dx, dy));
                }
                _ => {}
            }
        })
    };

    let onpointerup = {
        let gesture = Rc::clone(&gesture);
        let touches = Rc::clone(&touches);
        let svg_ref = svg_ref.clone();
        let dispatch = dispatch.clone();
        let pos = Rc::clone(&pos);
        let graph = Rc::clone(g);
        let overlay = overlay.clone();
        Callback::from(move |e: PointerEvent| {
            let cancelled = e.type_() == "pointercancel";
            touches
                .borrow_mut()
                .retain(|(id, _, _)| *id != e.pointer_id());
            let (px, py) = local(&svg_ref, e.client_x(), e.client_y());
            let p = view.to_diagram(vp, px, py);
            let g = std::mem::replace(&mut *gesture.borrow_mut(), Gesture::Idle);
            match g {
                Gesture::Press { id, moved, .. } if id == e.pointer_id() => {
                    if moved {
                        dispatch.emit(if cancelled {
                            EditorAction::CancelDrag
                        } else {
                            EditorAction::EndDrag
                        });
                    }
                }
                Gesture::Connect { id, from } if id == e.pointer_id() => {
                    overlay.set(Overlay::default());
                    if cancelled {
                        return;
                    }
                    let to = geometry::node_at(&pos, p).filter(|t| *t != from);
                    if let (Some(a), Some(b)) =
                        (graph.nodes.get(from), to.and_then(|t| graph.nodes.get(t)))
                    {
                        dispatch.emit(EditorAction::Connect {
                            from: a.id.clone(),
                            to: b.id.clone(),
                        });
                    }
                }
                Gesture::Marquee {
                    id,
                    start,
                    start_px,
                    extend,
                } if id == e.pointer_id() => {
                    overlay.set(Overlay::default());
                    if cancelled {
                        return;
                    }
                    let small = (px - start_px.0).abs() + (py - start_px.1).abs() <= CLICK_SLOP;
                    if small {
                        if !extend {
                            dispatch.emit(EditorAction::Select(None));
                        }
                    } else {
                        let targets = geometry::nodes_in_rect(&pos, start, p)
                            .into_iter()
                            .filter_map(|i| graph.nodes.get(i))
                            .map(|n| Target::Node(n.id.clone()))
                            .collect();
                        dispatch.emit(EditorAction::SelectMany { targets, extend });
                    }
                }
                other @ Gesture::Pinch { .. } => {
                    // Pinch ends when fewer than two fingers remain.
                    if touches.borrow().len() >= 2 {
                        *gesture.borrow_mut() = other;
                    }
                }
                other => {
                    if !matches!(other, Gesture::Idle) {
                        *gesture.borrow_mut() = other;
                    }
                }
            }
        })
    };

    let ondblclick = {
        let svg_ref = svg_ref.clone();
        let dispatch = dispatch.clone();
        let pos = Rc::clone(&pos);
        let graph = Rc::clone(g);
        Callback::from(move |e: MouseEvent| {
            let (px, py) = local(&svg_ref, e.client_x(), e.client_y());
            let p = view.to_diagram(vp, px, py);
            if let Some(n) = geometry::node_at(&pos, p).and_then(|i| graph.nodes.get(i)) {
                dispatch.emit(EditorAction::StartRename(n.id.clone()));
            }
        })
    };

    let edges = g
        .edges
        .iter()
        .filter_map(|e| {
            let (a, b) = (*pos.get(e.from)?, *pos.get(e.to)?);
            // An edge whose reverse also exists is shifted sideways so both stay visible.
            let reverse = g.edges.iter().any(|o| o.from == e.to && o.to == e.from);
            let offset = if reverse { 10.0 } else { 0.0 };
            Some(edge_view(st, g, e, (a, b), offset, &props.flash, dispatch))
        })
        .collect::<Html>();

    let nodes = g
        .nodes
        .iter()
        .zip(pos.iter())
        .map(|(n, at)| node_view(st, n, *at, dispatch))
        .collect::<Html>();

    let ov = &*overlay;
    let wire = ov.wire.as_ref().and_then(|(from, to, target)| {
        let a = *pos.get(*from)?;
        let start = Point {
            x: a.x + NODE_W / 2.0,
            y: a.y,
        };
        let (class, msg, ring) = match target {
            Some((t, Ok(m))) => ("wire ok", Some(m.clone()), pos.get(*t).copied()),
            Some((t, Err(m))) => ("wire refused", Some(m.clone()), pos.get(*t).copied()),
            None => ("wire", None, None),
        };
        Some(html! {
            <g class={class} aria-hidden="true">
                <line x1={f1(start.x)} y1={f1(start.y)} x2={f1(to.x)} y2={f1(to.y)} />
                { ring.map(|c| html! {
                    <rect class="wire-target" x={f1(c.x - NODE_W / 2.0 - 6.0)} y={f1(c.y - NODE_H / 2.0 - 6.0)}
                        width={f1(NODE_W + 12.0)} height={f1(NODE_H + 12.0)} rx="14" />
                }).unwrap_or_default() }
                { msg.map(|m| html! {
                    <text class="wire-text" x={f1(to.x + 14.0)} y={f1(to.y - 14.0)}>{ m }</text>
                }).unwrap_or_default() }
            </g>
        })
    });
    let marquee = ov.marquee.map(|(a, b)| {
        html! {
            <rect class="marquee" x={f1(a.x.min(b.x))} y={f1(a.y.min(b.y))}
                width={f1((a.x - b.x).abs())} height={f1((a.y - b.y).abs())} />
        }
    });
    // While a connection is being dragged, say so to screen readers and sighted users alike.
    let wire_status = ov
        .wire
        .as_ref()
        .and_then(|(_, _, t)| t.as_ref())
        .map(|(_, r)| match r {
            Ok(m) => tr_with("editor.canvas.release_to", &[("target", m)]),
            Err(m) => tr_with("editor.canvas.cannot_connect", &[("reason", m)]),
        });

    let (vx, vy, vw, vh) = view.view_box(vp);
    let rename = st.renaming.as_ref().and_then(|id| {
        let i = g.index(id)?;
        let at = *pos.get(i)?;
        let field = fields::name_field(id);
        let target = Target::Node(id.clone());
        let draft = st.drafts.get(&(target.clone(), field));
        let current = draft
            .map(|d| d.text.clone())
            .or_else(|| fields::get(&st.doc, &target, field))
            .unwrap_or_default();
        let w = (NODE_W * view.scale).max(160.0);
        let left = (at.x - vx) * view.scale - w / 2.0;
        let top = (at.y - vy) * view.scale - 18.0;
        let commit = {
            let dispatch = dispatch.clone();
            let target = target.clone();
            move |value: String| {
                dispatch.emit(EditorAction::SetField {
                    target: target.clone(),
                    field,
                    value,
                })
            }
        };
        let onkeydown = {
            let dispatch = dispatch.clone();
            let commit = commit.clone();
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                        commit(i.value());
                        dispatch.emit(EditorAction::CancelRename);
                    }
                }
                "Escape" => {
                    e.prevent_default();
                    e.stop_propagation();
                    dispatch.emit(EditorAction::CancelRename);
                }
                _ => {}
            })
        };
        let onblur = {
            let dispatch = dispatch.clone();
            Callback::from(move |e: FocusEvent| {
                if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                    commit(i.value());
                }
                dispatch.emit(EditorAction::CancelRename);
            })
        };
        let label = g
            .nodes
            .get(i)
            .map(|n| {
                tr_with(
                    "editor.canvas.rename",
                    &[("kind", kind_word(n.kind.word())), ("name", &n.name)],
                )
            })
            .unwrap_or_default();
        Some(html! {
            <div class="rename" style={format!("left:{}px;top:{}px;width:{}px", num::fixed(left, 0), num::fixed(top, 0), num::fixed(w, 0))}>
                <input ref={rename_ref.clone()} class="rename-input" type="text" aria-label={label}
                    value={current} {onkeydown} {onblur} spellcheck="false" autocomplete="off" />
                { draft.map(|d| html! { <p class="rename-error" role="alert">{ d.error.clone() }</p> }).unwrap_or_default() }
            </div>
        })
    });

    let notice = st.notice.as_ref().map(|n| {
        let role = if n.refused { "alert" } else { "status" };
        html! {
            <div class={classes!("canvas-notice", n.refused.then_some("refused"))} role={role}>
                <span>{ n.text.clone() }</span>
                <button type="button" class="notice-close" aria-label={tr("editor.canvas.dismiss")}
                    onclick={dispatch.reform(|_: MouseEvent| EditorAction::DismissNotice)}>{ icons::icon(icons::CLOSE) }</button>
            </div>
        }
    });
    let empty = g.nodes.is_empty().then(|| {
        html! {
            <p class="canvas-empty">{ tr("editor.canvas.empty") }</p>
        }
    });

    html! {
        <div class="canvas" ref={container}>
            <svg id={CANVAS_ID} class="canvas-svg" ref={svg_ref}
                viewBox={format!("{} {} {} {}", f1(vx), f1(vy), f1(vw), f1(vh))} preserveAspectRatio="none"
                role="group" aria-label={tr_with("editor.canvas.diagram_of", &[("title", &st.doc.title), ("count", &g.nodes.len().to_string())])}
                {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()}
                onpointercancel={onpointerup} {ondblclick}>
                <defs>
                    <pattern id="warren-grid" width="20" height="20" patternUnits="userSpaceOnUse">
                        <circle class="grid-dot" cx="1" cy="1" r="1.2" />
                    </pattern>
                    { for [EdgeKind::Publish, EdgeKind::Binding, EdgeKind::Implicit, EdgeKind::Subscription,
                           EdgeKind::DeadLetter, EdgeKind::Alternate].map(marker) }
                </defs>
                <rect class="canvas-bg" x={f1(vx)} y={f1(vy)} width={f1(vw)} height={f1(vh)}
                    fill="url(#warren-grid)" />
                <g class={classes!("edges", if props.flash_phase { "fb" } else { "fa" })}>{ edges }</g>
                <g class="nodes">{ nodes }</g>
                { wire.unwrap_or_default() }
                { marquee.unwrap_or_default() }
            </svg>
            { rename.unwrap_or_default() }
            { notice.unwrap_or_default() }
            { empty.unwrap_or_default() }
            <p class="visually-hidden" role="status" aria-live="polite">{ wire_status.unwrap_or_default() }</p>
        </div>
    }
}

/// Moves keyboard focus to the drawn node whose `data-node` is `key`.
fn focus_node(container: &NodeRef, key: &str, only_if_lost: bool) {
    let Some(root) = container.cast::<web_sys::Element>() else {
        return;
    };
    if only_if_lost
        && web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_some_and(|a| a.tag_name() != "BODY")
    {
        return;
    }
    let Ok(list) = root.query_selector_all(".node") else {
        return;
    };
    for i in 0..list.length() {
        if let Some(el) = list
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::SvgElement>().ok())
            && el.get_attribute("data-node").as_deref() == Some(key)
        {
            let _ = el.focus();
            return;
        }
    }
}

fn marker(kind: EdgeKind) -> Html {
    html! {
        <marker id={format!("warren-arrow-{}", kind.class())} class={classes!("arrowhead", kind.class())}
            viewBox="0 0 12 12" refX="11" refY="6" markerWidth="12" markerHeight="12"
            markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M1 1.5 11 6 1 10.5 3.5 6z" />
        </marker>
    }
}

fn edge_view(
    st: &EditorState,
    g: &Graph,
    e: &crate::ui::editor::graph::GraphEdge,
    (a, b): (Point, Point),
    offset: f64,
    flash: &[usize],
    dispatch: &Callback<EditorAction>,
) -> Html {
    let (s, t) = geometry::edge_segment(a, b, offset);
    let matched =
        |l: &crate::ui::editor::graph::EdgeLabel| l.binding.is_some_and(|i| flash.contains(&i));
    let edge_matched = e.labels.iter().any(matched);
    let unbound =
        |l: &crate::ui::editor::graph::EdgeLabel| l.binding.is_some_and(|i| g.unbound.contains(&i));
    // Dimmed when the model at this point has not got it yet: an end is not declared yet, or
    // every binding it stands for is made later.
    let edge_undeclared = [e.from, e.to]
        .iter()
        .any(|&i| g.nodes.get(i).is_some_and(|n| n.undeclared))
        || (!e.labels.is_empty() && e.labels.iter().all(unbound));
    let class = e.kind.class();
    let from_name = g.nodes.get(e.from).map_or("", |n| n.name.as_str());
    let to_name = g.nodes.get(e.to).map_or("", |n| n.name.as_str());
    let to_word = g.nodes.get(e.to).map_or("", |n| n.kind.word());
    let centres = geometry::label_centres(s, t, e.labels.len());
    let labels = e
        .labels
        .iter()
        .zip(centres)
        .map(|(l, c)| {
            let text = geometry::ellipsize(&l.text, 18);
            let w = geometry::label_width(&text);
            let rect = html! {
                <rect x={f1(-w / 2.0)} y={f1(-LABEL_H / 2.0 + 1.5)} width={f1(w)} height={f1(LABEL_H - 3.0)} rx="5" />
            };
            match l.binding {
                Some(i) => {
                    let target = Target::Binding(i);
                    let selected = st.is_selected(&target);
                    let key = if l.text.starts_with('\u{201c}') {
                        tr("editor.label.empty_key").to_owned()
                    } else {
                        tr_with("editor.label.key", &[("key", &l.text)])
                    };
                    let mut aria = tr_with(
                        "editor.label.binding",
                        &[("source", from_name), ("kind", kind_word(to_word)), ("destination", to_name), ("key", &key)],
                    );
                    if unbound(l) {
                        aria = format!("{aria}, {}", tr("editor.node.undeclared"));
                    }
                    let onclick = {
                        let dispatch = dispatch.clone();
                        let target = target.clone();
                        Callback::from(move |e: MouseEvent| {
                            dispatch.emit(if e.shift_key() {
                                EditorAction::Toggle(target.clone())
                            } else {
                                EditorAction::Select(Some(target.clone()))
                            })
                        })
                    };
                    let onkeydown = {
                        let dispatch = dispatch.clone();
                        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                            "Enter" | " " => {
                                e.prevent_default();
                                dispatch.emit(EditorAction::Select(Some(target.clone())));
                            }
                            "Delete" | "Backspace" => {
                                e.prevent_default();
                                e.stop_propagation();
                                dispatch.emit(EditorAction::Select(Some(target.clone())));
                                dispatch.emit(EditorAction::Delete);
                            }
                            _ => {}
                        })
                    };
                    let stop = Callback::from(|e: PointerEvent| e.stop_propagation());
                    html! {
                        <g class={classes!("edge-label", "binding-label", selected.then_some("selected"), matched(l).then_some("matched"), unbound(l).then_some("undeclared"))}
                            transform={format!("translate({} {})", f1(c.x), f1(c.y))}
                            role="button" tabindex="0" aria-label={aria} aria-pressed={if selected { "true" } else { "false" }}
                            {onclick} {onkeydown} onpointerdown={stop}>
                            <title>{ l.text.clone() }</title>
                            { rect }
                            <text y="4.5" text-anchor="middle">{ text }</text>
                        </g>
                    }
                }
                None => html! {
                    <g class="edge-label" transform={format!("translate({} {})", f1(c.x), f1(c.y))} aria-hidden="true">
                        { rect }
                        <text y="4.5" text-anchor="middle">{ text }</text>
                    </g>
                },
            }
        })
        .collect::<Html>();
    html! {
        <g class={classes!("edge", class, e.kind.dashed().then_some("dashed"), edge_matched.then_some("matched"), edge_undeclared.then_some("undeclared"))}>
            <path class="edge-line" d={format!("M{} {} L{} {}", f1(s.x), f1(s.y), f1(t.x), f1(t.y))}
                marker-end={format!("url(#warren-arrow-{class})")} />
            { labels }
        </g>
    }
}

fn node_view(
    st: &EditorState,
    n: &GraphNode,
    at: Point,
    dispatch: &Callback<EditorAction>,
) -> Html {
    let (hw, hh) = (NODE_W / 2.0, NODE_H / 2.0);
    let target = Target::Node(n.id.clone());
    let selected = st.is_selected(&target);
    let (kind_class, shape, badge) = match n.kind {
        NodeKind::Producer => (
            "node-producer",
            html! { <rect class="shape" x={f1(-hw)} y={f1(-hh)} width={f1(NODE_W)} height={f1(NODE_H)} rx={f1(hh)} /> },
            Some(icons::PRODUCER),
        ),
        NodeKind::Consumer => (
            "node-consumer",
            html! { <rect class="shape" x={f1(-hw)} y={f1(-hh)} width={f1(NODE_W)} height={f1(NODE_H)} rx={f1(hh)} /> },
            Some(icons::CONSUMER),
        ),
        NodeKind::Exchange(_) => {
            let k = 18.0;
            (
                "node-exchange",
                html! { <polygon class="shape" points={format!(
                "{},0 {},{} {},{} {},0 {},{} {},{}",
                f1(-hw), f1(-hw + k), f1(-hh), f1(hw - k), f1(-hh), f1(hw), f1(hw - k), f1(hh), f1(-hw + k), f1(hh))} /> },
                Some(icons::EXCHANGE),
            )
        }
        NodeKind::Queue => (
            "node-queue",
            html! { <rect class="shape" x={f1(-hw)} y={f1(-hh)} width={f1(NODE_W)} height={f1(NODE_H)} rx="8" /> },
            None,
        ),
    };
    let type_class = match n.kind {
        NodeKind::Exchange(ExchangeKind::Direct) => Some("x-direct"),
        NodeKind::Exchange(ExchangeKind::Fanout) => Some("x-fanout"),
        NodeKind::Exchange(ExchangeKind::Topic) => Some("x-topic"),
        NodeKind::Exchange(ExchangeKind::Headers) => Some("x-headers"),
        _ => None,
    };
    let text_x = match n.kind {
        NodeKind::Queue => -hw + 14.0,
        NodeKind::Exchange(_) => -hw + 56.0,
        _ => -hw + 52.0,
    };
    let icon = match badge {
        Some(d) => {
            let cx = if matches!(n.kind, NodeKind::Exchange(_)) {
                -hw + 36.0
            } else {
                -hw + 28.0
            };
            html! { <>
                <circle class="badge" cx={f1(cx)} cy="0" r="16" />
                { icons::node_icon(d, cx, 0.0, 20.0) }
            </> }
        }
        None => queue_slots(n.counts.ready),
    };
    let max_chars = if matches!(n.kind, NodeKind::Queue) {
        10
    } else {
        11
    };
    let connect_source = st.connecting.as_ref() == Some(&n.id);
    let onkeydown = {
        let dispatch = dispatch.clone();
        let id = n.id.clone();
        let selected_now = selected;
        let connecting = st.connecting.clone();
        Callback::from(move |e: KeyboardEvent| {
            let t = Target::Node(id.clone());
            let ensure = |dispatch: &Callback<EditorAction>| {
                if !selected_now {
                    dispatch.emit(EditorAction::Select(Some(t.clone())));
                }
            };
            let step = if e.shift_key() {
                KEY_STEP * 5.0
            } else {
                KEY_STEP
            };
            let mv = match e.key().as_str() {
                "ArrowLeft" => Some((-step, 0.0)),
                "ArrowRight" => Some((step, 0.0)),
                "ArrowUp" => Some((0.0, -step)),
                "ArrowDown" => Some((0.0, step)),
                _ => None,
            };
            if let Some((x, y)) = mv {
                e.prevent_default();
                e.stop_propagation();
                ensure(&dispatch);
                dispatch.emit(EditorAction::MoveBy(Point { x, y }));
                return;
            }
            match e.key().as_str() {
                // Enter on another node ends a keyboard connection there.
                "Enter" if connecting.as_ref().is_some_and(|from| *from != id) => {
                    e.prevent_default();
                    e.stop_propagation();
                    if let Some(from) = connecting.clone() {
                        dispatch.emit(EditorAction::Connect {
                            from,
                            to: id.clone(),
                        });
                    }
                }
                "c" | "C" if !e.ctrl_key() && !e.meta_key() && !e.alt_key() => {
                    e.prevent_default();
                    e.stop_propagation();
                    dispatch.emit(EditorAction::StartConnect(id.clone()));
                }
                "Enter" | "F2" => {
                    e.prevent_default();
                    e.stop_propagation();
                    dispatch.emit(EditorAction::StartRename(id.clone()));
                }
                " " => {
                    e.prevent_default();
                    dispatch.emit(if e.shift_key() {
                        EditorAction::Toggle(t.clone())
                    } else {
                        EditorAction::Select(Some(t.clone()))
                    });
                }
                "Delete" | "Backspace" => {
                    e.prevent_default();
                    e.stop_propagation();
                    ensure(&dispatch);
                    dispatch.emit(EditorAction::Delete);
                }
                "Escape" if connecting.is_some() => {
                    e.stop_propagation();
                    dispatch.emit(EditorAction::CancelConnect);
                }
                "Escape" => {
                    e.stop_propagation();
                    dispatch.emit(EditorAction::Select(None));
                }
                _ => {}
            }
        })
    };
    // The accessible label keeps its kind-and-name start; a node the model has not declared
    // yet at this point of the timeline says so after it.
    let (label, caption) = if n.undeclared {
        (
            format!("{}, {}", n.label, tr("editor.node.undeclared")),
            tr("editor.node.undeclared").to_owned(),
        )
    } else {
        (n.label.clone(), caption_text(n))
    };
    html! {
        <g class={classes!("node", kind_class, type_class, n.predeclared.then_some("predeclared"), selected.then_some("selected"), n.undeclared.then_some("undeclared"), connect_source.then_some("connect-source"))}
            transform={format!("translate({} {})", f1(at.x), f1(at.y))}
            tabindex="0" role="button" aria-pressed={if selected { "true" } else { "false" }}
            aria-label={label.clone()} data-node={n.id.to_string()} {onkeydown}>
            <title>{ label }</title>
            { shape }
            { icon }
            <text class="node-name" x={f1(text_x)} y="-3">{ geometry::ellipsize(&n.name, max_chars) }</text>
            <text class="node-caption" x={f1(text_x)} y="16">{ caption }</text>
            { if matches!(n.kind, NodeKind::Consumer) { Html::default() } else { html! {
                <circle class="handle" cx={f1(hw)} cy="0" r={f1(HANDLE_R)} />
            } } }
        </g>
    }
}

/// The queue's pictogram at its right-hand end: four slots, filled for ready messages.
fn queue_slots(ready: u64) -> Html {
    let right = NODE_W / 2.0 - 20.0;
    (0..4u64)
        .map(|i| {
            let x = right - (i as f64 + 1.0) * 7.0 - i as f64 * 3.0;
            let class = if i < ready { "slot filled" } else { "slot" };
            // Beside the name, so the caption below has the full width.
            html! { <rect class={class} x={f1(x)} y="-23" width="7" height="17" rx="2" /> }
        })
        .collect()
}

/// Props of [`Palette`].
#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    /// The editor (for the view, to place dropped nodes).
    pub state: Rc<EditorState>,
    /// Where adds go.
    pub dispatch: Callback<EditorAction>,
}

/// "Add producer", "Add exchange", "Add queue", "Add consumer": click adds at a free spot near
/// the middle of the view; dragging a button onto the canvas adds where it is dropped.
#[function_component(Palette)]
pub fn palette(props: &PaletteProps) -> Html {
    // Re-render on a language switch (the props do not change).
    let _lang = crate::ui::i18n::use_lang();
    let dragged: Rc<RefCell<PalettePress>> = use_mut_ref(|| None);
    let suppress_click = use_mut_ref(|| false);
    let st = &props.state;
    let buttons = [
        (
            NewNode::Producer,
            tr("editor.palette.add_producer"),
            tr("editor.palette.producer"),
            icons::PRODUCER,
        ),
        (
            NewNode::Exchange,
            tr("editor.palette.add_exchange"),
            tr("editor.palette.exchange"),
            icons::EXCHANGE,
        ),
        (
            NewNode::Queue,
            tr("editor.palette.add_queue"),
            tr("editor.palette.queue"),
            icons::QUEUE,
        ),
        (
            NewNode::Consumer,
            tr("editor.palette.add_consumer"),
            tr("editor.palette.consumer"),
            icons::CONSUMER,
        ),
    ]
    .into_iter()
    .map(|(kind, name, short, icon)| {
        let onpointerdown = {
            let dragged = Rc::clone(&dragged);
            let suppress = Rc::clone(&suppress_click);
            Callback::from(move |e: PointerEvent| {
                // A drag that produced no click must not swallow the next real click.
                *suppress.borrow_mut() = false;
                *dragged.borrow_mut() = Some((
                    e.pointer_id(),
                    f64::from(e.client_x()),
                    f64::from(e.client_y()),
                    false,
                ));
                if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
            })
        };
        let onpointermove = {
            let dragged = Rc::clone(&dragged);
            Callback::from(move |e: PointerEvent| {
                if let Some((id, x, y, moved)) = dragged.borrow_mut().as_mut()
                    && *id == e.pointer_id()
                    && (f64::from(e.client_x()) - *x).abs() + (f64::from(e.client_y()) - *y).abs()
                        > 8.0
                {
                    *moved = true;
                }
            })
        };
        let onpointerup = {
            let dragged = Rc::clone(&dragged);
            let suppress = Rc::clone(&suppress_click);
            let dispatch = props.dispatch.clone();
            let view = st.view;
            let vp = st.viewport;
            Callback::from(move |e: PointerEvent| {
                let Some((id, _, _, moved)) = dragged.borrow_mut().take() else {
                    return;
                };
                if id != e.pointer_id() || !moved {
                    return;
                }
                *suppress.borrow_mut() = true;
                let canvas = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(CANVAS_ID));
                let (Some(canvas), Some(vp)) = (canvas, vp) else {
                    return;
                };
                let r = canvas.get_bounding_client_rect();
                let (px, py) = (
                    f64::from(e.client_x()) - r.left(),
                    f64::from(e.client_y()) - r.top(),
                );
                if px >= 0.0 && py >= 0.0 && px <= r.width() && py <= r.height() {
                    dispatch.emit(EditorAction::Add {
                        kind,
                        at: Some(view.to_diagram(vp, px, py)),
                        focus_inspector: false,
                    });
                }
            })
        };
        let onclick = {
            let suppress = Rc::clone(&suppress_click);
            let dispatch = props.dispatch.clone();
            Callback::from(move |e: MouseEvent| {
                if std::mem::take(&mut *suppress.borrow_mut()) {
                    return;
                }
                // detail 0: pressed with the keyboard, so keep working with the keyboard.
                dispatch.emit(EditorAction::Add {
                    kind,
                    at: None,
                    focus_inspector: e.detail() == 0,
                });
            })
        };
        html! {
            <button type="button" class={classes!("tool-button", "with-text", "palette-button", format!("add-{}", kind.word()))}
                aria-label={name} title={tr_with("editor.palette.title", &[("name", name)])}
                {onpointerdown} {onpointermove} {onpointerup} {onclick}>
                { icons::icon(icon) }<span>{ short }</span>
            </button>
        }
    })
    .collect::<Html>();
    html! {
        <div class="button-group palette" role="group" aria-label={tr("editor.palette.group")}>{ buttons }</div>
    }
}

/// The second line of a node in the UI language (the graph's caption is English).
fn caption_text(n: &GraphNode) -> String {
    match n.kind {
        NodeKind::Queue => tr_with(
            "editor.node.queue_caption",
            &[
                ("ready", &n.counts.ready.to_string()),
                ("unacked", &n.counts.unacked.to_string()),
            ],
        ),
        NodeKind::Exchange(k) => tr_with("editor.node.exchange_caption", &[("type", k.as_str())]),
        NodeKind::Producer => kind_word("producer").to_owned(),
        NodeKind::Consumer => kind_word("consumer").to_owned(),
    }
}
