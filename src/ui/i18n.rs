//! UI languages: English and Simplified Chinese message catalogs, the current language, and
//! `tr` / `tr_with` to look strings up.
//!
//! Owns: the catalogs (`www/i18n/*.json`, flat key → string with `{name}` placeholders, compiled
//! in and parsed once), the language choice (saved preference, else `navigator.languages`) and
//! [`LangContext`], which components read with [`use_lang`] so a switch re-renders them in
//! place. Must not be imported by `broker`, `sim` or `scenario`; lesson texts of the presets
//! live in `lessons`, not here.
//!
//! Lookups never panic: a key missing from the current catalog falls back to English, and a
//! key missing from English is shown as itself, so a typo is visible but harmless.

use std::cell::Cell;
use std::sync::OnceLock;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// English (the source language and the fallback).
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// Every language, in the order of the language menu.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// BCP 47 tag, used for `<html lang>`, storage and catalog file names.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's name in itself, for the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// Reads a stored tag exactly (a saved preference).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// Maps a browser language tag (`zh`, `zh-Hans-CN`, `en-GB`, …) to a supported language.
    pub fn from_browser_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            // Traditional Chinese readers also read Simplified better than English, on average.
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language in the browser's preference list, else English.
    pub fn negotiate<'a>(browser: impl IntoIterator<Item = &'a str>) -> Lang {
        browser
            .into_iter()
            .find_map(Lang::from_browser_tag)
            .unwrap_or(Lang::En)
    }
}

// serde_json's own map (already in the page for the scenario parser): a BTreeMap<String, String>
// would add its own node code and deserializer for this one use.
type Catalog = serde_json::Map<String, serde_json::Value>;

const EN_JSON: &str = include_str!("../../www/i18n/en.json");
// In the web build only English is compiled in; other catalogs are fetched when chosen (see
// `load`), which keeps ~10 KB of gzipped Chinese text out of the wasm for English readers.
#[cfg(any(test, not(target_arch = "wasm32")))]
const ZH_CN_JSON: &str = include_str!("../../www/i18n/zh-CN.json");

static ZH_CN: OnceLock<Catalog> = OnceLock::new();

fn parse_catalog(json: &str) -> Catalog {
    // A malformed catalog is a build-time mistake the native test catches; at run time it only
    // means keys show through, never a crash.
    // Through Value (whose deserializer the page has anyway), not Map's own.
    match serde_json::from_str(json) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => Catalog::new(),
    }
}

fn catalog(lang: Lang) -> &'static Catalog {
    static EN: OnceLock<Catalog> = OnceLock::new();
    match lang {
        Lang::En => EN.get_or_init(|| parse_catalog(EN_JSON)),
        #[cfg(any(test, not(target_arch = "wasm32")))]
        Lang::ZhCn => ZH_CN.get_or_init(|| parse_catalog(ZH_CN_JSON)),
        // Not fetched (yet): every lookup falls back to English.
        #[cfg(all(not(test), target_arch = "wasm32"))]
        Lang::ZhCn => {
            static NONE: OnceLock<Catalog> = OnceLock::new();
            ZH_CN
                .get()
                .unwrap_or_else(|| NONE.get_or_init(Catalog::new))
        }
    }
}

/// Whether `lang`'s strings are available (English always is; others once [`install`]ed or,
/// outside the browser, compiled in).
pub fn is_loaded(lang: Lang) -> bool {
    match lang {
        Lang::En => true,
        Lang::ZhCn => cfg!(any(test, not(target_arch = "wasm32"))) || ZH_CN.get().is_some(),
    }
}

/// Installs a fetched catalog (the text of `www/i18n/<tag>.json`); a second call is ignored.
pub fn install(lang: Lang, json: &str) {
    if lang == Lang::ZhCn {
        let _ = ZH_CN.set(parse_catalog(json));
    }
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The language strings are looked up in.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// Sets the language for later lookups (components re-render through [`LangContext`]).
pub fn set_current(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The string for `key` in `lang`: that catalog, else English, else the key itself.
pub fn tr_in(lang: Lang, key: &str) -> &str {
    lookup(lang, key).unwrap_or(key)
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    let found = |l: Lang| catalog(l).get(key).and_then(serde_json::Value::as_str);
    found(lang).or_else(|| found(Lang::En))
}

/// The string for `key` in the current language (see [`tr_in`]).
pub fn tr(key: &'static str) -> &'static str {
    tr_static(current(), key)
}

fn tr_static(lang: Lang, key: &'static str) -> &'static str {
    lookup(lang, key).unwrap_or(key)
}

/// `tr(key)` with each `{name}` replaced by its value; unknown placeholders stay as written.
pub fn tr_with(key: &'static str, args: &[(&str, &str)]) -> String {
    fill(tr(key), args)
}

/// Replaces `{name}` placeholders in one pass, so a value containing `{x}` is not expanded again
/// (the simulator's explanations fill their templates the same way, with the same function).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<crate::sim::explain::Arg> = args
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    crate::sim::explain::fill(template, &args)
}

/// A node kind in the UI language (`NodeKind::word` gives the English word the accessible
/// names start with).
pub fn kind_word(word: &'static str) -> &'static str {
    match word {
        "producer" => tr("kind.producer"),
        "exchange" => tr("kind.exchange"),
        "queue" => tr("kind.queue"),
        "consumer" => tr("kind.consumer"),
        other => other,
    }
}

/// The `{name}` placeholders of a template, sorted and deduplicated.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    names.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

pub use web::*;

mod web {
    use super::{Lang, set_current};
    use yew::prelude::*;

    /// localStorage key of the language the user picked; absent means "follow the browser".
    pub const LANG_KEY: &str = "warren.lang";

    /// Provided by the app; components that show text call [`use_lang`] so they re-render when
    /// the language changes.
    pub type LangContext = Lang;

    /// Subscribes the calling component to language changes and returns the language.
    #[hook]
    pub fn use_lang() -> Lang {
        use_context::<LangContext>().unwrap_or_else(super::current)
    }

    /// The saved preference, else the first supported language in `navigator.languages`.
    pub fn initial_language() -> Lang {
        let window = web_sys::window();
        let saved = window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
            .and_then(|t| Lang::from_tag(&t));
        if let Some(lang) = saved {
            return lang;
        }
        let tags: Vec<String> = window
            .map(|w| {
                let nav = w.navigator();
                let mut tags: Vec<String> = nav
                    .languages()
                    .iter()
                    .filter_map(|v| v.as_string())
                    .collect();
                if tags.is_empty()
                    && let Some(l) = nav.language()
                {
                    tags.push(l);
                }
                tags
            })
            .unwrap_or_default();
        Lang::negotiate(tags.iter().map(String::as_str))
    }

    /// Makes `lang` current and sets `<html lang>` so fonts and screen readers follow.
    pub fn apply_language(lang: Lang) {
        set_current(lang);
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.tag());
        }
    }

    /// Makes `lang`'s strings available, then calls `done` (at once if they already are).
    /// The web build fetches `i18n/<tag>.json` and `i18n/lessons.<tag>.json` next to the page
    /// (the service worker keeps them for offline use). `done(false)` means the fetch failed
    /// and lookups keep falling back to English.
    pub fn load(lang: Lang, done: impl FnOnce(bool) + 'static) {
        if super::is_loaded(lang) {
            done(true);
            return;
        }
        yew::platform::spawn_local(async move {
            let tag = lang.tag();
            let ui = fetch_text(&format!("i18n/{tag}.json")).await;
            let lessons = fetch_text(&format!("i18n/lessons.{tag}.json")).await;
            match (ui, lessons) {
                (Some(ui), Some(lessons)) => {
                    crate::ui::lessons::install(lang, &lessons);
                    super::install(lang, &ui);
                    done(true);
                }
                _ => {
                    web_sys::console::warn_1(
                        &format!("warren: could not load the {tag} texts; showing English").into(),
                    );
                    done(false);
                }
            }
        });
    }

    // Plain `fetch` rather than gloo-net's request builder, which links a lot more code.
    async fn fetch_text(url: &str) -> Option<String> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        let window = web_sys::window()?;
        let res: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        if !res.ok() {
            return None;
        }
        JsFuture::from(res.text().ok()?).await.ok()?.as_string()
    }

    /// Remembers an explicit language choice.
    pub fn store_language(lang: Lang) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            // Blocked storage only means the choice is not remembered.
            let _ = storage.set_item(LANG_KEY, lang.tag());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::Object(m)) => m,
            other => panic!("catalog is not a JSON object: {other:?}"),
        }
    }

    #[test]
    fn catalogs_are_flat_strings_with_identical_keys_and_placeholders() {
        let en = raw(EN_JSON);
        let zh = raw(ZH_CN_JSON);
        assert!(en.len() > 20, "English catalog has {} keys", en.len());
        for (name, cat) in [("en", &en), ("zh-CN", &zh)] {
            for (k, v) in cat {
                assert!(v.is_string(), "{name}: {k} is not a string");
                assert!(
                    !v.as_str().unwrap_or("").trim().is_empty(),
                    "{name}: {k} is empty"
                );
            }
        }
        let en_keys: Vec<&String> = en.keys().collect();
        let zh_keys: Vec<&String> = zh.keys().collect();
        let only_en: Vec<_> = en_keys.iter().filter(|k| !zh.contains_key(**k)).collect();
        let only_zh: Vec<_> = zh_keys.iter().filter(|k| !en.contains_key(**k)).collect();
        assert!(
            only_en.is_empty() && only_zh.is_empty(),
            "only in en: {only_en:?}; only in zh-CN: {only_zh:?}"
        );
        for (k, v) in &en {
            let e = placeholders(v.as_str().unwrap_or(""));
            let z = placeholders(zh[k].as_str().unwrap_or(""));
            assert_eq!(e, z, "placeholders of {k} differ");
        }
        // Parsed catalogs hold every key (no silent parse failure).
        assert_eq!(catalog(Lang::En).len(), en.len());
        assert_eq!(catalog(Lang::ZhCn).len(), zh.len());
    }

    #[test]
    fn chinese_catalog_is_translated_not_copied() {
        let en = catalog(Lang::En);
        let zh = catalog(Lang::ZhCn);
        let translated = zh
            .iter()
            .filter(|(k, v)| {
                en.get(*k) != Some(*v)
                    && v.as_str()
                        .unwrap_or("")
                        .chars()
                        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            })
            .count();
        // A few strings (product names, "AMQP 0-9-1") are the same in both languages.
        assert!(
            translated * 10 >= zh.len() * 9,
            "{translated} of {} zh-CN strings contain Chinese",
            zh.len()
        );
    }

    #[test]
    fn lookups_fall_back_to_english_then_to_the_key() {
        assert_eq!(
            tr_in(Lang::En, "app.tagline"),
            "See what RabbitMQ does with every message"
        );
        assert_ne!(
            tr_in(Lang::ZhCn, "app.tagline"),
            tr_in(Lang::En, "app.tagline")
        );
        assert_eq!(tr_in(Lang::ZhCn, "no.such.key"), "no.such.key");
        set_current(Lang::ZhCn);
        assert_eq!(tr("no.such.key"), "no.such.key");
        assert_eq!(tr("lang.label"), "语言");
        set_current(Lang::En);
        assert_eq!(tr("lang.label"), "Language");
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_kept() {
        assert_eq!(
            fill("a {x} b {y}", &[("x", "1"), ("y", "{x}")]),
            "a 1 b {x}"
        );
        assert_eq!(fill("{missing} and {", &[("x", "1")]), "{missing} and {");
        assert_eq!(fill("{x}{x}", &[("x", "é")]), "éé");
        assert_eq!(placeholders("{b} {a} {b} {not a name}"), vec!["a", "b"]);
        set_current(Lang::En);
        assert_eq!(
            tr_with("status.selected_items", &[("count", "3")]),
            "Selected: 3 items"
        );
    }

    #[test]
    fn browser_languages_are_negotiated() {
        assert_eq!(Lang::negotiate(["zh-TW", "en"]), Lang::ZhCn);
        assert_eq!(Lang::negotiate(["zh"]), Lang::ZhCn);
        assert_eq!(Lang::negotiate(["de-DE", "en-GB"]), Lang::En);
        assert_eq!(Lang::negotiate(["fr"]), Lang::En);
        assert_eq!(Lang::negotiate([]), Lang::En);
        assert_eq!(Lang::from_tag("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_tag("zh"), None);
    }
}
