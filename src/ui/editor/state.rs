//! The editor's state and reducer: the scenario being edited, the selection, undo/redo
//! history, the view (zoom and pan), drafts of fields that do not validate yet, and the
//! notice shown when something is refused.
//!
//! Owns: every change the editor makes, as plain data, so it is unit-tested natively. Every
//! model edit goes through [`EditorState::commit`], which runs the scenario module's
//! validation and keeps the edit only if it passes; the user sees why otherwise.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::scenario::parse::validate;
use crate::scenario::{NodeId, Point, Scenario};

use super::fields::{self, Field, Target};
use super::ops::{self, Connected, NewNode};
use crate::ui::i18n::{kind_word, tr, tr_with};

/// Most undo steps kept.
pub const HISTORY_LIMIT: usize = 200;
/// Zoom limits, in CSS pixels per diagram unit.
pub const MIN_SCALE: f64 = 0.1;
/// Zoom limits, in CSS pixels per diagram unit.
pub const MAX_SCALE: f64 = 3.0;
/// Largest scale zoom-to-fit picks, so a tiny diagram is not blown up.
pub const MAX_FIT_SCALE: f64 = 1.25;
/// In a transposed (portrait) drawing, model x (the flow) is drawn downwards at this factor,
/// so columns meant for wide screens become rows of a readable height.
pub const TRANSPOSED_ALONG: f64 = 0.5;
/// In a transposed drawing, model y is drawn across at this factor, so nodes of one column
/// (rows 110–120 units apart) sit side by side without overlapping.
pub const TRANSPOSED_ACROSS: f64 = 1.6;
/// Room kept around the content by zoom-to-fit, in diagram units.
pub const FIT_MARGIN: f64 = 60.0;

/// A width and height in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// What part of the diagram is on screen: the diagram point at the centre of the drawing
/// area, and CSS pixels per diagram unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Diagram point shown at the centre.
    pub center: Point,
    /// CSS pixels per diagram unit.
    pub scale: f64,
}

impl Default for View {
    fn default() -> Self {
        View {
            center: Point { x: 400.0, y: 200.0 },
            scale: 1.0,
        }
    }
}

impl View {
    /// The diagram point under a point of the drawing area (CSS pixels from its top-left).
    pub fn to_diagram(&self, viewport: Size, px: f64, py: f64) -> Point {
        Point {
            x: self.center.x + (px - viewport.w / 2.0) / self.scale,
            y: self.center.y + (py - viewport.h / 2.0) / self.scale,
        }
    }

    /// The SVG `viewBox` for a drawing area of `viewport`.
    pub fn view_box(&self, viewport: Size) -> (f64, f64, f64, f64) {
        let w = viewport.w / self.scale;
        let h = viewport.h / self.scale;
        (self.center.x - w / 2.0, self.center.y - h / 2.0, w, h)
    }
}

/// A visible message about the last gesture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Plain text.
    pub text: String,
    /// Something was refused (shown as an alert) rather than done.
    pub refused: bool,
}

/// A field whose typed text is not (yet) valid: kept and shown with its error, never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The text as typed.
    pub text: String,
    /// Why it is not applied.
    pub error: String,
}

/// The editor.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorState {
    /// The scenario being edited; always valid.
    pub doc: Rc<Scenario>,
    /// Bumped on every change of `doc` (autosave keys on it).
    pub revision: u64,
    /// Selected nodes and bindings; the last one is the inspector's.
    pub selection: Vec<Target>,
    undo: Vec<Rc<Scenario>>,
    redo: Vec<Rc<Scenario>>,
    /// Typed values that do not validate, by target and field.
    pub drafts: BTreeMap<(Target, Field), Draft>,
    /// Message of the last refused or notable gesture.
    pub notice: Option<Notice>,
    /// Zoom and pan.
    pub view: View,
    /// Size of the drawing area, once measured.
    pub viewport: Option<Size>,
    /// Fit the view once the drawing area is measured.
    fit_pending: bool,
    /// Snap moved nodes to the grid.
    pub snap: bool,
    /// Offset of the selected nodes during a drag (diagram units), not yet committed.
    pub drag: Option<Point>,
    /// The node being renamed in place.
    pub renaming: Option<NodeId>,
    /// Keyboard connection in progress (C on a node): the source; Enter on another node
    /// connects them.
    pub connecting: Option<NodeId>,
    /// Ask the view to focus the inspector's first field (after a keyboard add).
    pub focus_inspector: u64,
    /// The text field the last action typed into: the next keystroke in the same field joins
    /// the same undo step (one step per field edit, not per key). Any other action ends it.
    typing: Option<(Target, Field)>,
}

/// Everything the editor can be asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorAction {
    /// Replace the document (a preset, a restored autosave); undoable.
    Load(Rc<Scenario>),
    /// Start a blank diagram; undoable.
    New,
    /// Add a node; at a diagram point, or near the middle of the view.
    Add {
        /// What to add.
        kind: NewNode,
        /// Where (diagram units); `None` = a free spot near the view centre.
        at: Option<Point>,
        /// Move keyboard focus to the inspector afterwards.
        focus_inspector: bool,
    },
    /// Select one target only, or nothing.
    Select(Option<Target>),
    /// Add or remove one target from the selection (shift-click).
    Toggle(Target),
    /// Select these (marquee); `extend` keeps the current selection.
    SelectMany {
        /// The targets.
        targets: Vec<Target>,
        /// Keep what is selected.
        extend: bool,
    },
    /// Select every node.
    SelectAll,
    /// Preview a drag of the selected nodes by this offset (diagram units).
    DragTo(Point),
    /// Commit the dragged offset (one undo step).
    EndDrag,
    /// Drop the drag preview.
    CancelDrag,
    /// Move the selected nodes by an offset now (keyboard).
    MoveBy(Point),
    /// Connect two nodes (meaning depends on the pair).
    Connect {
        /// Source.
        from: NodeId,
        /// Target.
        to: NodeId,
    },
    /// Start a keyboard connection from this node (C).
    StartConnect(NodeId),
    /// Give up the keyboard connection.
    CancelConnect,
    /// Report a refused gesture.
    Refuse(String),
    /// Delete the selection.
    Delete,
    /// Duplicate the selected nodes.
    Duplicate,
    /// Start renaming a node in place.
    StartRename(NodeId),
    /// Stop renaming without a change.
    CancelRename,
    /// Write a field from its form text.
    SetField {
        /// What is edited.
        target: Target,
        /// Which field.
        field: Field,
        /// The text typed or picked.
        value: String,
    },
    /// Add a binding from exchange `source` to a queue or exchange.
    AddBinding {
        /// The exchange.
        source: String,
        /// The queue or exchange bound.
        destination: NodeId,
    },
    /// Delete one binding.
    RemoveBinding(usize),
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Lay the diagram out automatically (undoable).
    AutoLayout,
    /// Turn snap to grid on or off.
    ToggleSnap,
    /// Zoom by a factor around a point of the drawing area (CSS px), or its centre.
    Zoom {
        /// Factor (> 1 zooms in).
        factor: f64,
        /// Fixed point, in CSS pixels from the drawing area's top-left.
        at: Option<(f64, f64)>,
    },
    /// Pan by CSS pixels.
    PanBy(f64, f64),
    /// Zoom and pan so everything fits.
    Fit,
    /// The drawing area was measured.
    Resize(Size),
    /// Hide the notice.
    DismissNotice,
}

impl EditorState {
    /// An editor on `doc`, fitted once the drawing area is measured.
    pub fn new(doc: Scenario) -> Self {
        EditorState {
            doc: Rc::new(doc),
            revision: 0,
            selection: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            typing: None,
            connecting: None,
            drafts: BTreeMap::new(),
            notice: None,
            view: View::default(),
            viewport: None,
            fit_pending: true,
            snap: false,
            drag: None,
            renaming: None,
            focus_inspector: 0,
        }
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The selected nodes.
    pub fn selected_nodes(&self) -> Vec<NodeId> {
        self.selection
            .iter()
            .filter_map(|t| match t {
                Target::Node(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    /// Whether `t` is selected.
    pub fn is_selected(&self, t: &Target) -> bool {
        self.selection.contains(t)
    }

    /// The target the inspector shows.
    pub fn primary(&self) -> Option<&Target> {
        self.selection.last()
    }

    /// Applies `edit` to a copy of the document; keeps it if it validates. Returns the edit's
    /// own result, or the reason it was refused.
    fn commit<T>(
        &mut self,
        edit: impl FnOnce(&mut Scenario) -> Result<T, String>,
    ) -> Result<T, String> {
        self.commit_joining(false, edit)
    }

    /// [`Self::commit`]; with `join`, the change joins the last undo step instead of making
    /// a new one.
    fn commit_joining<T>(
        &mut self,
        join: bool,
        edit: impl FnOnce(&mut Scenario) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut next = (*self.doc).clone();
        let out = edit(&mut next)?;
        if let Err(e) = validate(&next) {
            return Err(super::messages::scenario_error(&e));
        }
        if next != *self.doc {
            let prev = std::mem::replace(&mut self.doc, Rc::new(next));
            if !join || self.undo.is_empty() {
                self.undo.push(prev);
            }
            if self.undo.len() > HISTORY_LIMIT {
                self.undo.remove(0);
            }
            self.redo.clear();
            self.revision += 1;
        }
        Ok(out)
    }

    fn refuse(&mut self, text: String) {
        self.notice = Some(Notice {
            text,
            refused: true,
        });
    }

    fn tell(&mut self, text: String) {
        self.notice = Some(Notice {
            text,
            refused: false,
        });
    }

    /// Drops selected targets that no longer exist.
    fn prune_selection(&mut self) {
        let doc = &self.doc;
        let nodes = doc.nodes();
        self.selection.retain(|t| match t {
            Target::Node(n) => nodes.contains(n),
            Target::Binding(i) => *i < doc.topology.bindings.len(),
            Target::Scenario => true,
        });
        self.drafts.retain(|(t, _), _| match t {
            Target::Node(n) => nodes.contains(n),
            Target::Binding(i) => *i < doc.topology.bindings.len(),
            Target::Scenario => true,
        });
    }

    fn replace_doc(&mut self, doc: Rc<Scenario>) {
        let prev = std::mem::replace(&mut self.doc, doc);
        self.undo.push(prev);
        self.redo.clear();
        self.revision += 1;
        self.selection.clear();
        self.drafts.clear();
        self.fit_pending = true;
        self.fit();
    }

    /// Whether the diagram is drawn transposed (flow top to bottom) because the drawing area
    /// is portrait, as on a phone. The model keeps its left-to-right coordinates.
    pub fn transposed(&self) -> bool {
        self.viewport.is_some_and(|v| v.h > v.w * 1.1)
    }

    /// Where a model point is drawn.
    pub fn to_draw(&self, p: Point) -> Point {
        if self.transposed() {
            Point {
                x: p.y * TRANSPOSED_ACROSS,
                y: p.x * TRANSPOSED_ALONG,
            }
        } else {
            p
        }
    }

    /// The model point drawn at `p`.
    pub fn to_model(&self, p: Point) -> Point {
        if self.transposed() {
            Point {
                x: p.y / TRANSPOSED_ALONG,
                y: p.x / TRANSPOSED_ACROSS,
            }
        } else {
            p
        }
    }

    /// Model-space corners of where a node's centre can be with its whole box on screen,
    /// kept a node's height clear of the edges (the toolbar, captions and zoom controls are
    /// drawn over them).
    fn on_screen(&self) -> ops::Within {
        let vp = self.viewport?;
        let (x, y, w, h) = self.view.view_box(vp);
        let (mx, my) = (ops::NODE_W / 2.0, ops::NODE_H);
        if w <= 2.0 * mx || h <= 2.0 * my {
            return None;
        }
        let a = self.to_model(Point {
            x: x + mx,
            y: y + my,
        });
        let b = self.to_model(Point {
            x: x + w - mx,
            y: y + h - my,
        });
        Some((
            Point {
                x: a.x.min(b.x),
                y: a.y.min(b.y),
            },
            Point {
                x: a.x.max(b.x),
                y: a.y.max(b.y),
            },
        ))
    }

    fn center(&self) -> Point {
        self.to_model(self.view.center)
    }

    /// Zooms and pans so the whole diagram fits the measured drawing area.
    fn fit(&mut self) {
        let Some(vp) = self.viewport else {
            return;
        };
        self.fit_pending = false;
        let pts: Vec<Point> = self.doc.layout.values().map(|p| self.to_draw(*p)).collect();
        if pts.is_empty() {
            self.view = View {
                center: Point { x: 0.0, y: 0.0 },
                scale: 1.0,
            };
            return;
        }
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in pts {
            x0 = x0.min(p.x - ops::NODE_W / 2.0);
            x1 = x1.max(p.x + ops::NODE_W / 2.0);
            y0 = y0.min(p.y - ops::NODE_H / 2.0);
            y1 = y1.max(p.y + ops::NODE_H / 2.0);
        }
        let (w, h) = (x1 - x0 + 2.0 * FIT_MARGIN, y1 - y0 + 2.0 * FIT_MARGIN);
        let scale = (vp.w / w).min(vp.h / h).clamp(MIN_SCALE, MAX_FIT_SCALE);
        self.view = View {
            center: Point {
                x: (x0 + x1) / 2.0,
                y: (y0 + y1) / 2.0,
            },
            scale,
        };
    }

    /// Applies one action; returns a line for the event log when something changed.
    pub fn apply(&mut self, action: EditorAction) -> Option<String> {
        use EditorAction as A;
        // Measuring, zooming and panning the view do not end a field edit; anything else does.
        let typing = if matches!(
            action,
            A::Resize(_) | A::Zoom { .. } | A::PanBy(..) | A::Fit | A::DismissNotice
        ) {
            self.typing.clone()
        } else {
            self.typing.take()
        };
        match action {
            A::Load(doc) => {
                let title = doc.title.clone();
                let mut doc = doc;
                ops::spread_for_labels(Rc::make_mut(&mut doc));
                self.replace_doc(doc);
                Some(tr_with("editor.log.opened", &[("title", &title)]))
            }
            A::New => {
                self.replace_doc(Rc::new(ops::empty_scenario()));
                Some(tr("editor.log.new").to_owned())
            }
            A::Add {
                kind,
                at,
                focus_inspector,
            } => {
                let near = at.map_or_else(|| self.center(), |p| self.to_model(p));
                let within = self.on_screen();
                let drawn = self.doc.layout.len();
                let old = Rc::clone(&self.doc);
                match self.commit(|s| Ok(ops::add_node_within(s, kind, near, within))) {
                    Ok(id) => {
                        // No free spot on screen (a phone holds few nodes at 100%): show
                        // everything rather than add a node the user cannot see.
                        let seen = |(k, p): (&String, &Point)| {
                            old.layout.contains_key(k)
                                || within.is_none_or(|(lo, hi)| {
                                    p.x >= lo.x && p.x <= hi.x && p.y >= lo.y && p.y <= hi.y
                                })
                        };
                        if self.doc.layout.len() > drawn && !self.doc.layout.iter().all(seen) {
                            self.fit();
                        }
                        self.selection = vec![Target::Node(id.clone())];
                        if focus_inspector {
                            self.focus_inspector += 1;
                        }
                        self.notice = None;
                        Some(tr_with(
                            "editor.log.added",
                            &[
                                ("kind", kind_word(kind.word())),
                                ("name", &node_name(&self.doc, &id)),
                            ],
                        ))
                    }
                    Err(e) => {
                        self.refuse(e);
                        None
                    }
                }
            }
            A::Select(t) => {
                let before = self.selection.clone();
                self.selection = t.into_iter().collect();
                self.renaming = None;
                match self.selection.as_slice() {
                    [Target::Node(id)] if before != self.selection => Some(tr_with(
                        "editor.log.selected",
                        &[
                            ("kind", kind_word(super::graph::NodeKind::of(id).word())),
                            ("name", &node_name(&self.doc, id)),
                        ],
                    )),
                    _ => None,
                }
            }
            A::Toggle(t) => {
                if let Some(i) = self.selection.iter().position(|x| x == &t) {
                    self.selection.remove(i);
                } else {
                    self.selection.push(t);
                }
                None
            }
            A::SelectMany { targets, extend } => {
                if !extend {
                    self.selection.clear();
                }
                for t in targets {
                    if !self.selection.contains(&t) {
                        self.selection.push(t);
                    }
                }
                None
            }
            A::SelectAll => {
                self.selection = self.doc.nodes().into_iter().map(Target::Node).collect();
                None
            }
            A::DragTo(offset) => {
                self.drag = Some(offset);
                None
            }
            A::CancelDrag => {
                self.drag = None;
                None
            }
            A::EndDrag => {
                let offset = self.drag.take()?;
                let offset = self.to_model(offset);
                self.move_selection(offset)
            }
            A::MoveBy(offset) => {
                let offset = self.to_model(offset);
                self.move_selection(offset)
            }
            A::StartConnect(id) => {
                let text = tr_with(
                    "editor.connect.keyboard_start",
                    &[
                        ("kind", kind_word(super::graph::NodeKind::of(&id).word())),
                        ("name", &node_name(&self.doc, &id)),
                    ],
                );
                self.connecting = Some(id.clone());
                self.selection = vec![Target::Node(id)];
                self.tell(text.clone());
                Some(text)
            }
            A::CancelConnect => {
                self.connecting.take()?;
                let text = tr("editor.connect.keyboard_cancel").to_owned();
                self.tell(text.clone());
                Some(text)
            }
            A::Connect { from, to } => {
                self.connecting = None;
                match self.commit(|s| ops::connect(s, &from, &to)) {
                    Ok(done) => {
                        self.selection = vec![match done {
                            Connected::Node(n) => Target::Node(n),
                            Connected::Binding(i) => Target::Binding(i),
                        }];
                        self.prune_selection();
                        let text = connected_text(&self.doc, &from, &to);
                        self.tell(text.clone());
                        Some(text)
                    }
                    Err(e) => {
                        self.refuse(tr_with("editor.log.not_connected", &[("reason", &e)]));
                        None
                    }
                }
            }
            A::Refuse(text) => {
                self.refuse(text);
                None
            }
            A::Delete => {
                let nodes = self.selected_nodes();
                let bindings: Vec<usize> = self
                    .selection
                    .iter()
                    .filter_map(|t| match t {
                        Target::Binding(i) => Some(*i),
                        _ => None,
                    })
                    .collect();
                let kept: Vec<&NodeId> = nodes
                    .iter()
                    .filter(|n| matches!(n, NodeId::Exchange(x) if self.doc.exchange(x).is_none()))
                    .collect();
                if !kept.is_empty() && nodes.len() == kept.len() && bindings.is_empty() {
                    self.refuse(
                        "The default exchange and amq.* exchanges are predeclared by the broker \
                         and cannot be deleted."
                            .to_owned(),
                    );
                    return None;
                }
                match self.commit(|s| Ok(ops::delete(s, &nodes, &bindings))) {
                    Ok(0) => None,
                    Ok(n) => {
                        self.selection.clear();
                        self.prune_selection();
                        let text = if n == 1 {
                            tr("editor.log.deleted_one").to_owned()
                        } else {
                            tr_with("editor.log.deleted_many", &[("count", &n.to_string())])
                        };
                        self.tell(text.clone());
                        Some(text)
                    }
                    Err(e) => {
                        self.refuse(e);
                        None
                    }
                }
            }
            A::Duplicate => {
                let nodes = self.selected_nodes();
                match self.commit(|s| Ok(ops::duplicate(s, &nodes))) {
                    Ok(new) if !new.is_empty() => {
                        let n = new.len();
                        self.selection = new.into_iter().map(Target::Node).collect();
                        Some(if n == 1 {
                            tr("editor.log.duplicated_one").to_owned()
                        } else {
                            tr_with("editor.log.duplicated_many", &[("count", &n.to_string())])
                        })
                    }
                    Ok(_) => None,
                    Err(e) => {
                        self.refuse(e);
                        None
                    }
                }
            }
            A::StartRename(id) => {
                let renamable = match &id {
                    NodeId::Exchange(x) => self.doc.exchange(x).is_some(),
                    _ => self.doc.nodes().contains(&id),
                };
                if renamable {
                    self.selection = vec![Target::Node(id.clone())];
                    self.renaming = Some(id);
                    None
                } else {
                    // Predeclared exchanges have no editable name: Enter opens them instead.
                    self.apply(EditorAction::Select(Some(Target::Node(id))))
                }
            }
            A::CancelRename => {
                self.renaming = None;
                None
            }
            A::SetField {
                target,
                field,
                value,
            } => self.set_field(target, field, value, typing),
            A::AddBinding {
                source,
                destination,
            } => {
                let from = NodeId::Exchange(source);
                match self.commit(|s| ops::connect(s, &from, &destination)) {
                    Ok(Connected::Binding(i)) => {
                        self.selection = vec![Target::Binding(i)];
                        // The button that asked is gone: continue in the new binding's key.
                        self.focus_inspector += 1;
                        Some(connected_text(&self.doc, &from, &destination))
                    }
                    Ok(_) => None,
                    Err(e) => {
                        self.refuse(tr_with("editor.log.not_bound", &[("reason", &e)]));
                        None
                    }
                }
            }
            A::RemoveBinding(i) => match self.commit(|s| Ok(ops::delete(s, &[], &[i]))) {
                Ok(n) if n > 0 => {
                    self.selection.retain(|t| !matches!(t, Target::Binding(_)));
                    self.drafts.clear();
                    Some(tr("editor.log.deleted_binding").to_owned())
                }
                Ok(_) => None,
                Err(e) => {
                    self.refuse(e);
                    None
                }
            },
            A::Undo => {
                let prev = self.undo.pop()?;
                let cur = std::mem::replace(&mut self.doc, prev);
                self.redo.push(cur);
                self.after_history();
                Some(tr("editor.log.undid").to_owned())
            }
            A::Redo => {
                let next = self.redo.pop()?;
                let cur = std::mem::replace(&mut self.doc, next);
                self.undo.push(cur);
                self.after_history();
                Some(tr("editor.log.redid").to_owned())
            }
            A::AutoLayout => match self.commit(|s| {
                ops::auto_layout(s);
                Ok(())
            }) {
                Ok(()) => {
                    self.fit();
                    Some(tr("editor.log.laid_out").to_owned())
                }
                Err(e) => {
                    self.refuse(e);
                    None
                }
            },
            A::ToggleSnap => {
                self.snap = !self.snap;
                None
            }
            A::Zoom { factor, at } => {
                if !factor.is_finite() || factor <= 0.0 {
                    return None;
                }
                let vp = self.viewport.unwrap_or(Size { w: 800.0, h: 600.0 });
                let (px, py) = at.unwrap_or((vp.w / 2.0, vp.h / 2.0));
                let fixed = self.view.to_diagram(vp, px, py);
                let scale = (self.view.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
                self.view = View {
                    scale,
                    center: Point {
                        x: fixed.x - (px - vp.w / 2.0) / scale,
                        y: fixed.y - (py - vp.h / 2.0) / scale,
                    },
                };
                None
            }
            A::PanBy(dx, dy) => {
                if dx.is_finite() && dy.is_finite() {
                    self.view.center.x -= dx / self.view.scale;
                    self.view.center.y -= dy / self.view.scale;
                }
                None
            }
            A::Fit => {
                self.fit();
                None
            }
            A::Resize(size) => {
                if size.w > 0.0 && size.h > 0.0 {
                    let turned = self.transposed();
                    self.viewport = Some(size);
                    if self.fit_pending || turned != self.transposed() {
                        self.fit();
                    }
                }
                None
            }
            A::DismissNotice => {
                self.notice = None;
                None
            }
        }
    }

    fn after_history(&mut self) {
        self.revision += 1;
        self.drafts.clear();
        self.renaming = None;
        self.drag = None;
        self.prune_selection();
    }

    fn move_selection(&mut self, offset: Point) -> Option<String> {
        let nodes = self.selected_nodes();
        if nodes.is_empty() || (offset.x == 0.0 && offset.y == 0.0) {
            return None;
        }
        let snap = self.snap;
        match self.commit(|s| {
            ops::move_nodes(s, &nodes, offset.x, offset.y, snap);
            Ok(())
        }) {
            Ok(()) => None,
            Err(e) => {
                self.refuse(e);
                None
            }
        }
    }

    fn set_field(
        &mut self,
        target: Target,
        field: Field,
        value: String,
        typing: Option<(Target, Field)>,
    ) -> Option<String> {
        let key = (target.clone(), field);
        let typed = matches!(
            field.input(),
            fields::Input::Text | fields::Input::Number | fields::Input::Lines
        );
        let join = typed && typing.as_ref() == Some(&key);
        let result = self.commit_joining(join, |s| fields::set(s, &target, field, &value));
        match result {
            Ok(()) => {
                self.drafts.remove(&key);
                let new_target = fields::target_after(&target, field, &value);
                // A rename changes the target: the next key in the same field still joins.
                self.typing = typed.then(|| (new_target.clone(), field));
                if new_target != target {
                    for t in &mut self.selection {
                        if *t == target {
                            *t = new_target.clone();
                        }
                    }
                    if self.renaming.is_some() {
                        self.renaming = None;
                    }
                    // Drafts of the old id are about a node that no longer has that name.
                    self.drafts.retain(|(t, _), _| *t != target);
                }
                if field == fields::Field::XName
                    || field == fields::Field::QName
                    || field == fields::Field::PName
                    || field == fields::Field::CName
                {
                    self.renaming = None;
                }
                None
            }
            Err(error) => {
                // A draft that does not validate yet (a half-typed number) keeps the step open.
                self.typing = typing.filter(|t| *t == key);
                self.drafts.insert(key, Draft { text: value, error });
                None
            }
        }
    }
}

fn node_name(s: &Scenario, id: &NodeId) -> String {
    match id {
        NodeId::Producer(p) => s
            .producers
            .iter()
            .find(|x| &x.id == p)
            .map_or_else(|| p.clone(), |x| x.name.clone()),
        NodeId::Consumer(c) => s
            .consumers
            .iter()
            .find(|x| &x.id == c)
            .map_or_else(|| c.clone(), |x| x.name.clone()),
        NodeId::Exchange(x) => super::graph::display_exchange(x).to_owned(),
        NodeId::Queue(q) => q.clone(),
    }
}

fn connected_text(s: &Scenario, from: &NodeId, to: &NodeId) -> String {
    let (a, b) = (node_name(s, from), node_name(s, to));
    let key = match (from, to) {
        (NodeId::Producer(_), NodeId::Exchange(_)) => "editor.log.publishes_to",
        (NodeId::Producer(_), NodeId::Queue(_)) => "editor.log.publishes_to_queue",
        (NodeId::Exchange(_), NodeId::Queue(_)) => "editor.log.bound_queue",
        (NodeId::Exchange(_), NodeId::Exchange(_)) => "editor.log.bound_exchange",
        (NodeId::Queue(_), NodeId::Consumer(_)) => "editor.log.consumes",
        (NodeId::Queue(_), NodeId::Exchange(_)) => "editor.log.dead_letters",
        _ => "editor.log.connected",
    };
    tr_with(key, &[("a", &a), ("b", &b)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;

    /// Types `text` into a field key by key, as the inspector's input events do.
    fn type_into(e: &mut EditorState, target: &Target, field: Field, text: &str) -> Target {
        let mut t = target.clone();
        for n in 1..=text.chars().count() {
            let value: String = text.chars().take(n).collect();
            e.apply(EditorAction::SetField {
                target: t.clone(),
                field,
                value,
            });
            // A rename moves the selection to the new id, as the inspector follows it.
            if let Some(p) = e.primary() {
                t = p.clone();
            }
        }
        t
    }

    #[test]
    fn keyboard_connect_from_c_to_enter_and_escape_cancels() {
        let mut e = empty();
        let p = add(&mut e, NewNode::Producer);
        let x = add(&mut e, NewNode::Exchange);
        let q = add(&mut e, NewNode::Queue);
        e.apply(EditorAction::StartConnect(p.clone()));
        assert_eq!(e.connecting, Some(p.clone()));
        e.apply(EditorAction::CancelConnect);
        assert_eq!(e.connecting, None);
        e.apply(EditorAction::StartConnect(x.clone()));
        e.apply(EditorAction::Connect {
            from: x.clone(),
            to: q.clone(),
        });
        assert_eq!(e.connecting, None);
        let NodeId::Queue(qname) = &q else {
            panic!("not a queue: {q:?}")
        };
        assert!(
            e.doc
                .topology
                .bindings
                .iter()
                .any(|b| b.destination == *qname),
            "bound"
        );
        // A refused target ends the connection too, with the reason shown.
        e.apply(EditorAction::StartConnect(q.clone()));
        e.apply(EditorAction::Connect {
            from: q.clone(),
            to: p.clone(),
        });
        assert_eq!(e.connecting, None);
        assert!(e.notice.as_ref().is_some_and(|n| n.refused));
    }

    #[test]
    fn typing_in_one_field_is_one_undo_step() {
        let mut e = empty();
        let q = add(&mut e, NewNode::Queue);
        let before_edits = e.undo.len();
        let q = Target::Node(q);
        // The name is renamed on every key: the target changes each time, the step does not.
        let renamed = type_into(&mut e, &q, Field::QName, "orders");
        assert_eq!(renamed, Target::Node(NodeId::Queue("orders".into())));
        assert_eq!(
            e.undo.len(),
            before_edits + 1,
            "one step for the whole name"
        );
        // A half-typed number is a draft; finishing it stays in the same step.
        type_into(&mut e, &renamed, Field::QMaxLength, "1x");
        type_into(&mut e, &renamed, Field::QMaxLength, "10");
        assert_eq!(e.undo.len(), before_edits + 2, "max length is its own step");
        // Zooming in between does not split the edit; selecting something else does.
        e.apply(EditorAction::Fit);
        type_into(&mut e, &renamed, Field::QMaxLength, "100");
        assert_eq!(e.undo.len(), before_edits + 2);
        e.apply(EditorAction::Select(Some(renamed.clone())));
        type_into(&mut e, &renamed, Field::QMaxLength, "1000");
        assert_eq!(e.undo.len(), before_edits + 3);
        // Undo goes back field edit by field edit.
        e.apply(EditorAction::Undo);
        assert_eq!(
            fields::get(&e.doc, &renamed, Field::QMaxLength).as_deref(),
            Some("100")
        );
        e.apply(EditorAction::Undo);
        assert_eq!(
            fields::get(&e.doc, &renamed, Field::QMaxLength).as_deref(),
            Some("")
        );
        e.apply(EditorAction::Undo);
        assert!(e.doc.queue("orders").is_none());
        assert!(
            e.doc.queue("q1").is_some(),
            "the name typed key by key is undone at once"
        );
        // A checkbox is a step per click, even in a row.
        let n = e.undo.len();
        let q1 = Target::Node(NodeId::Queue("q1".into()));
        let now = fields::get(&e.doc, &q1, Field::QDurable).unwrap_or_default();
        let flip = if now == "true" { "false" } else { "true" };
        for v in [flip, now.as_str()] {
            e.apply(EditorAction::SetField {
                target: q1.clone(),
                field: Field::QDurable,
                value: v.into(),
            });
        }
        assert_eq!(e.undo.len(), n + 2);
    }

    fn empty() -> EditorState {
        let mut e = EditorState::new(ops::empty_scenario());
        e.apply(EditorAction::Resize(Size {
            w: 1000.0,
            h: 600.0,
        }));
        e
    }

    fn add(e: &mut EditorState, kind: NewNode) -> NodeId {
        e.apply(EditorAction::Add {
            kind,
            at: None,
            focus_inspector: false,
        });
        match e.primary() {
            Some(Target::Node(n)) => n.clone(),
            other => panic!("added node not selected: {other:?}"),
        }
    }

    fn set(e: &mut EditorState, t: Target, field: Field, value: &str) {
        e.apply(EditorAction::SetField {
            target: t,
            field,
            value: value.to_owned(),
        });
    }

    /// Draws tutorial 5 the way the e2e tests do, through actions only.
    fn draw_topics(e: &mut EditorState) {
        let p = add(e, NewNode::Producer);
        let x = add(e, NewNode::Exchange);
        set(e, Target::Node(x.clone()), Field::XName, "topic_logs");
        set(
            e,
            Target::Node(NodeId::Exchange("topic_logs".into())),
            Field::XType,
            "topic",
        );
        let x = NodeId::Exchange("topic_logs".into());
        let q1 = add(e, NewNode::Queue);
        let q2 = add(e, NewNode::Queue);
        let c1 = add(e, NewNode::Consumer);
        let c2 = add(e, NewNode::Consumer);
        e.apply(EditorAction::Connect {
            from: p,
            to: x.clone(),
        });
        for (q, key) in [(&q1, "*.orange.*"), (&q2, "*.*.rabbit"), (&q2, "lazy.#")] {
            e.apply(EditorAction::Connect {
                from: x.clone(),
                to: q.clone(),
            });
            let Some(Target::Binding(i)) = e.primary().cloned() else {
                panic!("binding not selected");
            };
            set(e, Target::Binding(i), Field::BKey, key);
        }
        e.apply(EditorAction::Connect { from: q1, to: c1 });
        e.apply(EditorAction::Connect { from: q2, to: c2 });
    }

    #[test]
    fn drawing_topics_gives_the_tutorial_model_and_undo_redo_walk_it_back() {
        let mut e = empty();
        draw_topics(&mut e);
        let s = e.doc.clone();
        assert_eq!(s.producers[0].exchange, "topic_logs");
        let keys: Vec<(&str, &str)> = s
            .topology
            .bindings
            .iter()
            .map(|b| (b.destination.as_str(), b.routing_key.as_str()))
            .collect();
        assert_eq!(
            keys,
            [("q1", "*.orange.*"), ("q2", "*.*.rabbit"), ("q2", "lazy.#")]
        );
        assert_eq!(s.consumers[0].queue, "q1");
        assert_eq!(s.consumers[1].queue, "q2");
        assert!(validate(&s).is_ok());
        let mut steps = 0;
        while e.can_undo() {
            e.apply(EditorAction::Undo);
            steps += 1;
        }
        assert!(e.doc.nodes().is_empty(), "undo goes back to empty");
        assert!(steps >= 14, "{steps}");
        while e.can_redo() {
            e.apply(EditorAction::Redo);
        }
        assert_eq!(e.doc, s);
    }

    #[test]
    fn invalid_text_is_kept_as_a_draft_with_its_error_and_the_model_is_unchanged() {
        let mut e = empty();
        let q = add(&mut e, NewNode::Queue);
        let q2 = add(&mut e, NewNode::Queue);
        let before = e.doc.clone();
        set(&mut e, Target::Node(q2.clone()), Field::QName, "q1");
        assert_eq!(e.doc, before);
        let d = &e.drafts[&(Target::Node(q2.clone()), Field::QName)];
        assert_eq!(d.text, "q1");
        assert!(d.error.contains("second queue"), "{}", d.error);
        // Out of range: read fine, refused by the scenario's validation.
        set(&mut e, Target::Node(q.clone()), Field::QMaxPriority, "300");
        let d = &e.drafts[&(Target::Node(q.clone()), Field::QMaxPriority)];
        assert!(d.error.contains("255"), "{}", d.error);
        assert_eq!(e.doc, before);
        // Fixing it applies it and clears the draft.
        set(&mut e, Target::Node(q.clone()), Field::QMaxPriority, "10");
        assert!(
            !e.drafts
                .contains_key(&(Target::Node(q.clone()), Field::QMaxPriority))
        );
        assert!(
            e.drafts.contains_key(&(Target::Node(q2), Field::QName)),
            "other drafts stay"
        );
        assert_eq!(e.doc.topology.queues[0].arguments["x-max-priority"], 10);
    }

    #[test]
    fn renaming_keeps_the_node_selected_under_its_new_name() {
        let mut e = empty();
        let q = add(&mut e, NewNode::Queue);
        e.apply(EditorAction::StartRename(q.clone()));
        assert_eq!(e.renaming, Some(q.clone()));
        set(&mut e, Target::Node(q), Field::QName, "tasks");
        assert_eq!(e.renaming, None);
        assert_eq!(
            e.primary(),
            Some(&Target::Node(NodeId::Queue("tasks".into())))
        );
    }

    #[test]
    fn refused_connections_leave_a_visible_notice_and_no_history() {
        let mut e = empty();
        let p = add(&mut e, NewNode::Producer);
        let x = add(&mut e, NewNode::Exchange);
        let undo_depth = e.undo.len();
        e.apply(EditorAction::Connect {
            from: x,
            to: p.clone(),
        });
        let n = e.notice.clone().expect("notice");
        assert!(n.refused && n.text.contains("producer"), "{n:?}");
        assert_eq!(e.undo.len(), undo_depth);
    }

    #[test]
    fn drag_preview_commits_once_on_end() {
        let mut e = empty();
        let q = add(&mut e, NewNode::Queue);
        let at = e.doc.layout[&q.to_string()];
        let depth = e.undo.len();
        for i in 1..=10 {
            e.apply(EditorAction::DragTo(Point {
                x: f64::from(i) * 3.0,
                y: 0.0,
            }));
        }
        assert_eq!(e.doc.layout[&q.to_string()], at, "a preview does not edit");
        e.apply(EditorAction::EndDrag);
        assert_eq!(e.undo.len(), depth + 1);
        assert_eq!(e.doc.layout[&q.to_string()].x, at.x + 30.0);
    }

    #[test]
    fn delete_and_duplicate_work_on_the_selection() {
        let mut e = EditorState::new(presets::load("topics").expect("topics").scenario);
        e.apply(EditorAction::SelectMany {
            targets: vec![
                Target::Node(NodeId::Queue("Q1".into())),
                Target::Node(NodeId::Queue("Q2".into())),
            ],
            extend: false,
        });
        e.apply(EditorAction::Duplicate);
        assert_eq!(e.doc.topology.queues.len(), 4);
        assert_eq!(e.selection.len(), 2);
        e.apply(EditorAction::Delete);
        assert_eq!(e.doc.topology.queues.len(), 2);
        e.apply(EditorAction::Select(Some(Target::Node(NodeId::Exchange(
            "topic_logs".into(),
        )))));
        e.apply(EditorAction::Delete);
        assert!(e.doc.topology.bindings.is_empty());
        assert!(e.selection.is_empty());
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_fixed() {
        let mut e = empty();
        let vp = e.viewport.expect("measured");
        let before = e.view.to_diagram(vp, 100.0, 50.0);
        e.apply(EditorAction::Zoom {
            factor: 1.5,
            at: Some((100.0, 50.0)),
        });
        let after = e.view.to_diagram(vp, 100.0, 50.0);
        assert!((before.x - after.x).abs() < 1e-9 && (before.y - after.y).abs() < 1e-9);
        e.apply(EditorAction::Zoom {
            factor: 1000.0,
            at: None,
        });
        assert_eq!(e.view.scale, MAX_SCALE);
    }

    #[test]
    fn portrait_areas_draw_the_flow_top_to_bottom_and_map_back() {
        let mut e = EditorState::new(presets::load("topics").expect("topics").scenario);
        e.apply(EditorAction::Resize(Size { w: 390.0, h: 500.0 }));
        assert!(e.transposed());
        let p = e.to_draw(e.doc.layout["producer:emit_log_topic"]);
        let x = e.to_draw(e.doc.layout["exchange:topic_logs"]);
        assert!(x.y > p.y + ops::NODE_H, "{p:?} {x:?}");
        let back = e.to_model(x);
        assert!((back.x - e.doc.layout["exchange:topic_logs"].x).abs() < 1e-9);
        // Queues of one column sit side by side without overlapping.
        let q1 = e.to_draw(e.doc.layout["queue:Q1"]);
        let q2 = e.to_draw(e.doc.layout["queue:Q2"]);
        assert!((q1.x - q2.x).abs() >= ops::NODE_W, "{q1:?} {q2:?}");
    }

    #[test]
    fn palette_clicks_never_overlap_in_either_drawing() {
        for portrait in [true, false] {
            let mut e = EditorState::new(ops::empty_scenario());
            let size = if portrait {
                Size { w: 390.0, h: 600.0 }
            } else {
                Size {
                    w: 1280.0,
                    h: 600.0,
                }
            };
            e.apply(EditorAction::Resize(size));
            assert_eq!(e.transposed(), portrait);
            let kinds = [
                NewNode::Producer,
                NewNode::Exchange,
                NewNode::Queue,
                NewNode::Consumer,
            ];
            for n in 0..24 {
                e.apply(EditorAction::Add {
                    kind: kinds[n % 4],
                    at: None,
                    focus_inspector: false,
                });
                // Both drawings of the layout, box against box.
                let pts: Vec<Point> = e.doc.layout.values().copied().collect();
                for (i, a) in pts.iter().enumerate() {
                    for b in &pts[i + 1..] {
                        let (dx, dy) = ((a.x - b.x).abs(), (a.y - b.y).abs());
                        assert!(
                            dx >= ops::NODE_W || dy >= ops::NODE_H,
                            "landscape: {a:?} overlaps {b:?} after {n}"
                        );
                        assert!(
                            dy * TRANSPOSED_ACROSS >= ops::NODE_W
                                || dx * TRANSPOSED_ALONG >= ops::NODE_H,
                            "portrait: {a:?} overlaps {b:?} after {n}"
                        );
                    }
                }
                // The first few land on screen, a node's height clear of the top and bottom
                // edges, where the toolbar and captions are drawn over the canvas.
                if n < 4 {
                    let vp = e.viewport.expect("measured");
                    let (x, y, w, h) = e.view.view_box(vp);
                    for p in e.doc.layout.values() {
                        let d = e.to_draw(*p);
                        assert!(
                            d.x - ops::NODE_W / 2.0 >= x
                                && d.x + ops::NODE_W / 2.0 <= x + w
                                && d.y - ops::NODE_H >= y
                                && d.y + ops::NODE_H <= y + h,
                            "{d:?} off screen {:?}",
                            (x, y, w, h)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn fit_shows_every_node() {
        let mut e = EditorState::new(presets::load("topics").expect("topics").scenario);
        e.apply(EditorAction::Resize(Size { w: 800.0, h: 400.0 }));
        let vp = e.viewport.expect("measured");
        let (x, y, w, h) = e.view.view_box(vp);
        for p in e.doc.layout.values() {
            assert!(p.x - ops::NODE_W / 2.0 >= x && p.x + ops::NODE_W / 2.0 <= x + w);
            assert!(p.y - ops::NODE_H / 2.0 >= y && p.y + ops::NODE_H / 2.0 <= y + h);
        }
    }
}
