//! The app state and its reducer: the editor (scenario, selection, history, view), the theme
//! and the event log.
//!
//! Owns: every change the shell's controls make, as plain data, so it is unit-tested natively.
//! Side effects (storage, DOM) live in the components, never here. New areas (playback) add a
//! field here and a variant to [`UiAction`]; editor details stay in [`super::editor`].

use std::rc::Rc;

use yew::Reducible;

use super::editor::{EditorAction, EditorState};
use crate::scenario::Scenario;

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

/// Everything the app shows.
#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    /// The diagram editor.
    pub editor: EditorState,
    /// Current colours.
    pub theme: Theme,
    /// The event log, oldest first (shared: cloning the state per pointer move stays cheap).
    pub log: Rc<Vec<LogEntry>>,
    /// A problem with saving or restoring the user's work, shown until dismissed.
    pub storage_notice: Option<String>,
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
    /// An editor action.
    Edit(EditorAction),
    /// Saving failed (or works again: `None`).
    StorageProblem(Option<String>),
}

impl UiState {
    /// The start state: `doc` opened, fitted once measured, nothing selected.
    pub fn new(theme: Theme, doc: Scenario, storage_notice: Option<String>) -> Self {
        let opened = super::i18n::tr_with("editor.log.opened", &[("title", &doc.title)]);
        let mut state = UiState {
            editor: EditorState::new(doc),
            theme,
            log: Rc::new(Vec::new()),
            storage_notice,
            next_seq: 1,
        };
        state.push_log(opened);
        state
    }

    fn push_log(&mut self, text: String) {
        let log = Rc::make_mut(&mut self.log);
        log.push(LogEntry {
            seq: self.next_seq,
            text,
        });
        self.next_seq = self.next_seq.saturating_add(1);
        if log.len() > LOG_LIMIT {
            let excess = log.len() - LOG_LIMIT;
            log.drain(..excess);
        }
    }

    /// Applies one action in place.
    pub fn apply(&mut self, action: UiAction) {
        match action {
            UiAction::ToggleTheme => {
                self.theme = self.theme.toggled();
                let text = super::i18n::tr(match self.theme {
                    Theme::Dark => "shell.log_theme_dark",
                    Theme::Light => "shell.log_theme_light",
                })
                .to_owned();
                self.push_log(text);
            }
            UiAction::ZoomIn => self.edit(EditorAction::Zoom {
                factor: ZOOM_STEP,
                at: None,
            }),
            UiAction::ZoomOut => self.edit(EditorAction::Zoom {
                factor: 1.0 / ZOOM_STEP,
                at: None,
            }),
            UiAction::Fit => self.edit(EditorAction::Fit),
            UiAction::Edit(a) => self.edit(a),
            UiAction::StorageProblem(p) => self.storage_notice = p,
        }
    }

    fn edit(&mut self, a: EditorAction) {
        if let Some(line) = self.editor.apply(a) {
            self.push_log(line);
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
    use crate::ui::editor::autosave;
    use crate::ui::editor::ops::NewNode;
    use crate::ui::editor::state::Size;

    fn start() -> UiState {
        UiState::new(Theme::Light, autosave::default_scenario(), None)
    }

    #[test]
    fn starts_with_hello_world_logged_and_nothing_selected() {
        let s = start();
        assert!(s.editor.selection.is_empty());
        assert_eq!(s.log.len(), 1);
        assert!(s.log[0].text.contains("Hello World"), "{}", s.log[0].text);
        assert_eq!(s.editor.doc.title, "Hello World");
    }

    #[test]
    fn theme_toggles_and_logs() {
        let mut s = start();
        s.apply(UiAction::ToggleTheme);
        assert_eq!(s.theme, Theme::Dark);
        assert_eq!(
            s.log.last().map(|e| e.text.as_str()),
            Some("Switched to the dark theme.")
        );
        assert_eq!(Theme::parse("dark"), Some(Theme::Dark));
        assert_eq!(Theme::parse("purple"), None);
    }

    #[test]
    fn edits_are_logged_and_zoom_is_clamped() {
        let mut s = start();
        s.apply(UiAction::Edit(EditorAction::Resize(Size {
            w: 800.0,
            h: 500.0,
        })));
        s.apply(UiAction::Edit(EditorAction::Add {
            kind: NewNode::Queue,
            at: None,
            focus_inspector: false,
        }));
        assert_eq!(
            s.log.last().map(|e| e.text.as_str()),
            Some("Added queue q1.")
        );
        for _ in 0..60 {
            s.apply(UiAction::ZoomIn);
        }
        assert_eq!(s.editor.view.scale, crate::ui::editor::state::MAX_SCALE);
    }

    #[test]
    fn log_is_bounded_and_keeps_the_newest() {
        let mut s = start();
        for _ in 0..(LOG_LIMIT + 10) {
            s.apply(UiAction::ToggleTheme);
        }
        assert_eq!(s.log.len(), LOG_LIMIT);
        assert_eq!(s.log.last().map(|e| e.seq), Some((LOG_LIMIT + 11) as u32));
    }

    #[test]
    fn reduce_returns_the_same_rc_when_nothing_changes() {
        let s = Rc::new(start());
        let t = Rc::clone(&s).reduce(UiAction::Edit(EditorAction::Resize(Size {
            w: 0.0,
            h: 10.0,
        })));
        assert!(Rc::ptr_eq(&s, &t));
        let u = Rc::clone(&s).reduce(UiAction::ToggleTheme);
        assert!(!Rc::ptr_eq(&s, &u));
    }
}
