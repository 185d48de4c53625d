//! Autosave: the scenario is written to localStorage after every change and read back at
//! start. A saved state that cannot be read (corrupt, or written by a newer warren) is never
//! dropped: it is copied to a side key and the page says so.
//!
//! Owns: the decision of what to start with ([`restore`], pure and unit-tested) and the thin
//! storage calls around it ([`load`], [`save`]), which fail softly when storage is blocked.

use crate::scenario::{Scenario, parse_str, presets};

use super::ops;

/// localStorage key of the autosaved scenario.
pub const KEY: &str = "warren.scenario";
/// Prefix of the keys that keep saved states which could not be restored.
pub const REJECTED_PREFIX: &str = "warren.scenario.unreadable";

/// What the editor starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    /// The scenario to edit.
    pub scenario: Scenario,
    /// Shown in the page: why the saved state was not used, or what was migrated.
    pub notice: Option<String>,
    /// The unreadable saved text, to keep under a side key.
    pub keep_aside: Option<String>,
}

/// The start scenario: tutorial 1, or a blank canvas if even that fails to load.
pub fn default_scenario() -> Scenario {
    let mut s = presets::load("hello-world")
        .map(|p| p.scenario)
        .unwrap_or_else(|_| ops::empty_scenario());
    ops::spread_for_labels(&mut s);
    s
}

/// Decides what to start with given the saved text (if any).
pub fn restore(saved: Option<&str>) -> Restored {
    let Some(text) = saved else {
        return Restored {
            scenario: default_scenario(),
            notice: None,
            keep_aside: None,
        };
    };
    match parse_str(text) {
        Ok(parsed) => {
            let mut scenario = parsed.scenario;
            ops::ensure_layout(&mut scenario);
            ops::spread_for_labels(&mut scenario);
            let notice = (!parsed.warnings.is_empty()).then(|| {
                let list: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
                format!(
                    "Your saved diagram was restored with warnings: {}",
                    list.join("; ")
                )
            });
            Restored {
                scenario,
                notice,
                keep_aside: None,
            }
        }
        Err(e) => Restored {
            scenario: default_scenario(),
            notice: Some(format!(
                "Your saved diagram could not be restored ({e}). It was kept, unchanged, in \
                 this browser's localStorage under a key starting with \u{201c}{REJECTED_PREFIX}\u{201d}; \
                 the Hello World tutorial was opened instead."
            )),
            keep_aside: Some(text.to_owned()),
        },
    }
}

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Reads the autosave and keeps an unreadable one aside.
#[cfg(target_arch = "wasm32")]
pub fn load() -> Restored {
    let st = storage();
    let saved = st.as_ref().and_then(|s| s.get_item(KEY).ok().flatten());
    let mut r = restore(saved.as_deref());
    if let (Some(st), Some(text)) = (st, r.keep_aside.take()) {
        let key = (1u32..1000)
            .map(|n| format!("{REJECTED_PREFIX}.{n}"))
            .find(|k| st.get_item(k).ok().flatten().is_none())
            .unwrap_or_else(|| format!("{REJECTED_PREFIX}.last"));
        if st.set_item(&key, &text).is_err()
            && let Some(n) = r.notice.as_mut()
        {
            n.push_str(" (Storage is full: the unreadable copy is still under \u{201c}warren.scenario\u{201d} until the next edit.)");
        }
    }
    r
}

/// Native builds have no storage: always the default scenario.
#[cfg(not(target_arch = "wasm32"))]
pub fn load() -> Restored {
    restore(None)
}

/// Writes the scenario; returns an error text when storage refused it.
pub fn save(s: &Scenario) -> Result<(), String> {
    #[cfg(target_arch = "wasm32")]
    {
        let st = storage().ok_or("localStorage is not available")?;
        st.set_item(KEY, &s.to_json())
            .map_err(|_| "localStorage refused the write (full or blocked)".to_owned())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = s;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_saved_opens_hello_world() {
        let r = restore(None);
        assert_eq!(r.scenario.title, "Hello World");
        assert_eq!((r.notice, r.keep_aside), (None, None));
    }

    #[test]
    fn a_saved_scenario_round_trips() {
        let mut s = presets::load("topics").expect("topics").scenario;
        ops::spread_for_labels(&mut s);
        s.title = "Mine".into();
        let r = restore(Some(&s.to_json()));
        assert_eq!(r.scenario, s);
        assert_eq!(r.notice, None);
    }

    #[test]
    fn corrupt_and_too_new_saves_are_reported_and_kept_aside() {
        let r = restore(Some("{not json"));
        assert!(
            r.notice
                .as_deref()
                .is_some_and(|n| n.contains("could not be restored"))
        );
        assert_eq!(r.keep_aside.as_deref(), Some("{not json"));
        assert_eq!(r.scenario.title, "Hello World");
        let newer = r#"{"warren": 99, "title": "From the future"}"#;
        let r = restore(Some(newer));
        assert!(
            r.notice
                .as_deref()
                .is_some_and(|n| n.contains("newer warren")),
            "{:?}",
            r.notice
        );
        assert_eq!(r.keep_aside.as_deref(), Some(newer));
    }
}
