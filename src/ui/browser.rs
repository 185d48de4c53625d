//! The few browser services the shell uses: the theme preference, `<html data-theme>`, and
//! the system's colour-scheme and motion preferences.
//!
//! Owns: every direct `window`/`localStorage` access of the shell, each failing softly (private
//! mode, blocked storage, no window in tests) instead of panicking.

use super::state::Theme;

/// localStorage key of the theme the user picked; absent means "follow the system".
pub const THEME_KEY: &str = "warren.theme";

fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The stored choice, else the system preference.
pub fn initial_theme() -> Theme {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .and_then(|v| Theme::parse(&v));
    stored.unwrap_or(if media_matches("(prefers-color-scheme: dark)") {
        Theme::Dark
    } else {
        Theme::Light
    })
}

/// Whether the user asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    media_matches("(prefers-reduced-motion: reduce)")
}

/// Puts `data-theme` on `<html>` (the CSS keys its colours on it) and sets the browser's
/// theme colour to match.
pub fn apply_theme(theme: Theme) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = doc.document_element() {
        // Failure only leaves the previous colours on screen.
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
    if let Ok(Some(meta)) = doc.query_selector("meta[name=theme-color]") {
        let colour = match theme {
            Theme::Light => "#f6f7fb",
            Theme::Dark => "#12151c",
        };
        let _ = meta.set_attribute("content", colour);
    }
}

/// Remembers an explicit theme choice.
pub fn store_theme(theme: Theme) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        // A full or blocked storage only means the choice is not remembered.
        let _ = storage.set_item(THEME_KEY, theme.as_str());
    }
}

/// A whole number from the page's query string (`?tokens=1000`), for benchmark switches.
pub fn query_number(key: &str) -> Option<usize> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
}
