//! The UI state and its reducer: theme, view (zoom and pan), selection and the event log.
//!
//! Owns: every change the shell's controls make, as plain data, so it is unit-tested natively.
//! Side effects (storage, DOM) live in the components, never here.

use std::rc::Rc;

use yew::Reducible;

use super::geometry::{MAX_ZOOM, MIN_ZOOM, Point, Size};
use super::topology::{NodeId, Topology, hello_world};

/// Light or dark colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light surfaces.
    Light,
    /// Light text on dark surfaces.
    Dark,
}

impl Theme {
    /// The value of `data-theme` on `<html>` and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Reads a stored value; anything else is `None` so a bad value falls back to the system's.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Self {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// One line of the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// 1-based position in the session, shown and used as the list key.
    pub seq: u32,
    /// The plain-language text.
    pub text: String,
}

/// How many log lines are kept; older ones are dropped first.
pub const LOG_LIMIT: usize = 200;
/// Factor of one zoom step.
pub const ZOOM_STEP: f64 = 1.25;

/// Everything the shell shows that is not the model.
#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    /// The diagram on screen.
    pub topology: Rc<Topology>,
    /// Current colours.
    pub theme: Theme,
    /// Zoom as a factor of the fitted scale (1 = fit).
    pub zoom: f64,
    /// Offset of the view centre from the content centre, in diagram units.
    pub pan: Point,
    /// The drawing area's size in CSS pixels, once measured.
    pub viewport: Option<Size>,
    /// The selected node, shown in the side panel.
    pub selected: Option<NodeId>,
    /// The event log, oldest first.
    pub log: Vec<LogEntry>,
    next_seq: u32,
}

/// What the controls ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum UiAction {
    /// Switch between light and dark.
    ToggleTheme,
    /// One zoom step in.
    ZoomIn,
    /// One zoom step out.
    ZoomOut,
    /// Zoom and pan so the whole diagram fits.
    Fit,
    /// Move the view by this many diagram units.
    PanBy(Point),
    /// Select a node, or clear the selection.
    Select(Option<NodeId>),
    /// The drawing area was measured at this size.
    Resize(Size),
}

impl UiState {
    /// The start state: the Hello World diagram, fitted, nothing selected.
    pub fn new(theme: Theme) -> Self {
        let topology = hello_world();
        let mut state = UiState {
            theme,
            zoom: 1.0,
            pan: Point::default(),
            viewport: None,
            selected: None,
            log: Vec::new(),
            next_seq: 1,
            topology: Rc::new(topology),
        };
        let opened = format!(
            "Opened scenario \u{201c}{}\u{201d}: {}.",
            state.topology.title,
            state.topology.summary()
        );
        state.push_log(opened);
        state
    }

    fn push_log(&mut self, text: String) {
        self.log.push(LogEntry {
            seq: self.next_seq,
            text,
        });
        self.next_seq = self.next_seq.saturating_add(1);
        if self.log.len() > LOG_LIMIT {
            let excess = self.log.len() - LOG_LIMIT;
            self.log.drain(..excess);
        }
    }

    /// Applies one action in place.
    pub fn apply(&mut self, action: UiAction) {
        match action {
            UiAction::ToggleTheme => {
                self.theme = self.theme.toggled();
                let text = format!("Switched to the {} theme.", self.theme.as_str());
                self.push_log(text);
            }
            UiAction::ZoomIn => self.zoom = (self.zoom * ZOOM_STEP).min(MAX_ZOOM),
            UiAction::ZoomOut => self.zoom = (self.zoom / ZOOM_STEP).max(MIN_ZOOM),
            UiAction::Fit => {
                self.zoom = 1.0;
                self.pan = Point::default();
            }
            UiAction::PanBy(d) => {
                self.pan.x += d.x;
                self.pan.y += d.y;
            }
            UiAction::Select(id) => {
                let id = id.filter(|i| *i < self.topology.nodes.len());
                if id != self.selected {
                    self.selected = id;
                    if let Some(node) = id.and_then(|i| self.topology.nodes.get(i)) {
                        let text =
                            format!("Selected {} {}.", node.kind.word(), node.display_name());
                        self.push_log(text);
                    }
                }
            }
            UiAction::Resize(size) => {
                if size.w > 0.0 && size.h > 0.0 {
                    self.viewport = Some(size);
                }
            }
        }
    }
}

impl Reducible for UiState {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self { self } else { Rc::new(next) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_with_the_scenario_logged_and_nothing_selected() {
        let s = UiState::new(Theme::Light);
        assert_eq!(s.selected, None);
        assert_eq!(s.log.len(), 1);
        assert!(s.log[0].text.contains("Hello World"), "{}", s.log[0].text);
    }

    #[test]
    fn theme_toggles_and_logs() {
        let mut s = UiState::new(Theme::Light);
        s.apply(UiAction::ToggleTheme);
        assert_eq!(s.theme, Theme::Dark);
        assert_eq!(
            s.log.last().map(|e| e.text.as_str()),
            Some("Switched to the dark theme.")
        );
        s.apply(UiAction::ToggleTheme);
        assert_eq!(s.theme, Theme::Light);
        assert_eq!(Theme::parse("dark"), Some(Theme::Dark));
        assert_eq!(Theme::parse("purple"), None);
    }

    #[test]
    fn zoom_is_clamped_and_fit_resets_zoom_and_pan() {
        let mut s = UiState::new(Theme::Light);
        s.apply(UiAction::ZoomIn);
        assert!((s.zoom - ZOOM_STEP).abs() < 1e-12);
        for _ in 0..50 {
            s.apply(UiAction::ZoomIn);
        }
        assert_eq!(s.zoom, MAX_ZOOM);
        for _ in 0..50 {
            s.apply(UiAction::ZoomOut);
        }
        assert_eq!(s.zoom, MIN_ZOOM);
        s.apply(UiAction::PanBy(Point { x: 5.0, y: -2.0 }));
        assert_eq!(s.pan, Point { x: 5.0, y: -2.0 });
        s.apply(UiAction::Fit);
        assert_eq!((s.zoom, s.pan), (1.0, Point::default()));
    }

    #[test]
    fn selecting_logs_once_and_ignores_unknown_nodes() {
        let mut s = UiState::new(Theme::Light);
        s.apply(UiAction::Select(Some(2)));
        assert_eq!(s.selected, Some(2));
        assert_eq!(
            s.log.last().map(|e| e.text.as_str()),
            Some("Selected queue hello.")
        );
        let len = s.log.len();
        s.apply(UiAction::Select(Some(2)));
        assert_eq!(s.log.len(), len);
        s.apply(UiAction::Select(Some(99)));
        assert_eq!(s.selected, None);
    }

    #[test]
    fn log_is_bounded_and_keeps_the_newest() {
        let mut s = UiState::new(Theme::Light);
        for _ in 0..(LOG_LIMIT + 10) {
            s.apply(UiAction::ToggleTheme);
        }
        assert_eq!(s.log.len(), LOG_LIMIT);
        let last = s.log.last().map(|e| e.seq);
        assert_eq!(last, Some((LOG_LIMIT + 11) as u32));
    }

    #[test]
    fn reduce_returns_the_same_rc_when_nothing_changes() {
        let s = Rc::new(UiState::new(Theme::Light));
        let t = Rc::clone(&s).reduce(UiAction::Resize(Size { w: 0.0, h: 10.0 }));
        assert!(Rc::ptr_eq(&s, &t));
        let u = Rc::clone(&s).reduce(UiAction::Resize(Size { w: 10.0, h: 10.0 }));
        assert!(!Rc::ptr_eq(&s, &u));
    }
}
