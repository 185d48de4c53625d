//! The presets as lessons in the UI: their titles and lesson texts in the current language, and
//! which preset (if any) a document still equals, for short `#preset=` share links.
//!
//! Owns: the Simplified Chinese lesson texts (`www/i18n/lessons.zh-CN.json`, keyed by preset
//! id). The English texts are the presets' own `lesson` fields in `www/scenarios/`, so the
//! scenario format is unchanged. A document is translated by content: a lesson text equal to a
//! preset's English text is shown in Chinese, anything the user wrote stays as written.
//! Must not be imported by `broker`, `sim` or `scenario`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::i18n::{self, Lang};
use crate::scenario::{Lesson, Scenario, presets};

/// One preset's lesson in one language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LessonText {
    /// The preset's title.
    pub title: String,
    /// What it shows.
    pub explanation: String,
    /// What to look at while it runs.
    pub watch_for: Vec<String>,
    /// Changes to try.
    pub try_this: Vec<String>,
}

// The web build fetches this file when Chinese is chosen (see `i18n::load` and `install`).
#[cfg(any(test, not(target_arch = "wasm32")))]
const ZH_CN_JSON: &str = include_str!("../../www/i18n/lessons.zh-CN.json");

static ZH: OnceLock<BTreeMap<String, LessonText>> = OnceLock::new();

fn parse_zh(json: &str) -> BTreeMap<String, LessonText> {
    // Read from serde_json's Value (already in the page) rather than through the derived
    // Deserialize, whose visitors would add ~4 KB of wasm. All or nothing, like the derive: a
    // malformed file only leaves lessons in English; the native test catches it.
    let read = || -> Option<BTreeMap<String, LessonText>> {
        let serde_json::Value::Object(map) = serde_json::from_str(json).ok()? else {
            return None;
        };
        let mut out = BTreeMap::new();
        for (id, v) in map {
            let text = |k: &str| v.get(k)?.as_str().map(str::to_owned);
            let list = |k: &str| {
                v.get(k)?
                    .as_array()?
                    .iter()
                    .map(|s| s.as_str().map(str::to_owned))
                    .collect::<Option<Vec<String>>>()
            };
            let lesson = LessonText {
                title: text("title")?,
                explanation: text("explanation")?,
                watch_for: list("watch_for")?,
                try_this: list("try_this")?,
            };
            out.insert(id, lesson);
        }
        Some(out)
    };
    read().unwrap_or_default()
}

fn zh_cn() -> &'static BTreeMap<String, LessonText> {
    #[cfg(any(test, not(target_arch = "wasm32")))]
    return ZH.get_or_init(|| parse_zh(ZH_CN_JSON));
    #[cfg(all(not(test), target_arch = "wasm32"))]
    {
        static NONE: BTreeMap<String, LessonText> = BTreeMap::new();
        ZH.get().unwrap_or(&NONE)
    }
}

/// Installs fetched lesson texts (`www/i18n/lessons.<tag>.json`); a second call is ignored.
pub fn install(lang: Lang, json: &str) {
    if lang == Lang::ZhCn {
        let _ = ZH.set(parse_zh(json));
    }
}

/// A preset as the editor opens it: parsed, with its labels spread the way the editor's
/// `Load` spreads them, so "unchanged since opened" is a plain equality.
#[derive(Debug, Clone)]
pub struct PresetDoc {
    /// Its id, as in `#preset=ID`.
    pub id: &'static str,
    /// The scenario.
    pub scenario: Scenario,
}

/// Every preset that parses, in menu order (parsed once).
pub fn preset_docs() -> &'static [PresetDoc] {
    static DOCS: OnceLock<Vec<PresetDoc>> = OnceLock::new();
    DOCS.get_or_init(|| {
        presets::presets()
            .into_iter()
            .filter_map(|p| {
                let mut scenario = presets::load(p.id).ok()?.scenario;
                normalize(&mut scenario);
                Some(PresetDoc { id: p.id, scenario })
            })
            .collect()
    })
}

/// What the editor does to a scenario it opens (see `EditorAction::Load`).
pub fn normalize(s: &mut Scenario) {
    super::editor::ops::spread_for_labels(s);
}

/// The preset `doc` still equals, if any.
pub fn unchanged_preset(doc: &Scenario) -> Option<&'static str> {
    preset_docs()
        .iter()
        .find(|p| p.scenario == *doc)
        .map(|p| p.id)
}

/// A preset's scenario as the editor should open it.
pub fn preset_scenario(id: &str) -> Option<Scenario> {
    preset_docs()
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.scenario.clone())
}

/// A preset's title in `lang`.
pub fn preset_title(id: &str, lang: Lang) -> String {
    if lang == Lang::ZhCn
        && let Some(t) = zh_cn().get(id)
    {
        return t.title.clone();
    }
    presets::presets()
        .into_iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_owned(), |p| p.title.to_owned())
}

/// The first sentence of a preset's explanation in `lang`, for the preset menu.
pub fn preset_summary(id: &str, lang: Lang) -> String {
    let text = match (lang, zh_cn().get(id)) {
        (Lang::ZhCn, Some(t)) => t.explanation.clone(),
        _ => preset_docs()
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.scenario.lesson.as_ref())
            .map(|l| l.explanation.clone())
            .unwrap_or_default(),
    };
    first_sentence(&text)
}

fn first_sentence(text: &str) -> String {
    let end = text
        .char_indices()
        .find(|&(i, c)| c == '。' || (c == '.' && text[i + 1..].starts_with(' ')))
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    text[..end].to_owned()
}

/// The document's title in the current language: a preset's title when it is unchanged.
pub fn localized_title(doc: &Scenario) -> String {
    localized_title_in(doc, i18n::current())
}

/// [`localized_title`] for an explicit language.
pub fn localized_title_in(doc: &Scenario, lang: Lang) -> String {
    if lang == Lang::ZhCn
        && let Some(p) = preset_docs().iter().find(|p| p.scenario.title == doc.title)
        && let Some(t) = zh_cn().get(p.id)
    {
        return t.title.clone();
    }
    doc.title.clone()
}

/// The document's lesson in the current language.
pub fn localized_lesson(doc: &Scenario) -> Option<Lesson> {
    localized_lesson_in(doc, i18n::current())
}

/// [`localized_lesson`] for an explicit language: each text equal to a preset's English text is
/// replaced by its translation; edited texts stay as the user wrote them.
pub fn localized_lesson_in(doc: &Scenario, lang: Lang) -> Option<Lesson> {
    let lesson = doc.lesson.as_ref()?;
    if lang == Lang::En {
        return Some(lesson.clone());
    }
    let Some((english, translated)) = preset_docs().iter().find_map(|p| {
        let en = p.scenario.lesson.as_ref()?;
        let related = en.explanation == lesson.explanation
            || lesson.watch_for.iter().any(|w| en.watch_for.contains(w))
            || lesson.try_this.iter().any(|w| en.try_this.contains(w));
        related.then_some((en, zh_cn().get(p.id)?))
    }) else {
        return Some(lesson.clone());
    };
    let map = |text: &String, en: &[String], zh: &[String]| -> String {
        en.iter()
            .position(|e| e == text)
            .and_then(|i| zh.get(i))
            .unwrap_or(text)
            .clone()
    };
    Some(Lesson {
        explanation: if lesson.explanation == english.explanation {
            translated.explanation.clone()
        } else {
            lesson.explanation.clone()
        },
        watch_for: lesson
            .watch_for
            .iter()
            .map(|w| map(w, &english.watch_for, &translated.watch_for))
            .collect(),
        try_this: lesson
            .try_this
            .iter()
            .map(|w| map(w, &english.try_this, &translated.try_this))
            .collect(),
        goals: lesson.goals.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_has_a_full_chinese_lesson() {
        let zh = zh_cn();
        assert_eq!(preset_docs().len(), presets::presets().len());
        assert_eq!(zh.len(), presets::presets().len(), "{:?}", zh.keys());
        for p in preset_docs() {
            let en = p
                .scenario
                .lesson
                .as_ref()
                .unwrap_or_else(|| panic!("{} has no lesson", p.id));
            let t = zh
                .get(p.id)
                .unwrap_or_else(|| panic!("{} has no zh-CN lesson", p.id));
            assert_eq!(en.watch_for.len(), t.watch_for.len(), "{} watch_for", p.id);
            assert_eq!(en.try_this.len(), t.try_this.len(), "{} try_this", p.id);
            for s in std::iter::once(&t.explanation)
                .chain(&t.watch_for)
                .chain(&t.try_this)
            {
                assert!(
                    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{}: not Chinese: {s}",
                    p.id
                );
            }
        }
    }

    #[test]
    fn a_preset_is_recognised_until_edited_and_translated_by_content() {
        let mut doc = preset_scenario("topics").unwrap_or_else(|| panic!("no topics"));
        assert_eq!(unchanged_preset(&doc), Some("topics"));
        assert_eq!(localized_title_in(&doc, Lang::ZhCn), "主题");
        assert_eq!(localized_title_in(&doc, Lang::En), "Topics");
        let zh = localized_lesson_in(&doc, Lang::ZhCn).unwrap_or_else(|| panic!("no lesson"));
        assert!(
            zh.explanation.starts_with("topic 交换机"),
            "{}",
            zh.explanation
        );
        // The user rewrites one suggestion: that one stays as written, the rest is translated.
        if let Some(l) = doc.lesson.as_mut() {
            l.try_this[0] = "My own idea".to_owned();
        }
        assert_eq!(unchanged_preset(&doc), None);
        let zh = localized_lesson_in(&doc, Lang::ZhCn).unwrap_or_else(|| panic!("no lesson"));
        assert_eq!(zh.try_this[0], "My own idea");
        assert!(zh.try_this[1].contains("direct"), "{}", zh.try_this[1]);
        assert!(zh.explanation.starts_with("topic 交换机"));
    }

    #[test]
    fn titles_and_summaries_exist_in_both_languages() {
        for p in presets::presets() {
            assert_eq!(preset_title(p.id, Lang::En), p.title);
            assert_ne!(preset_title(p.id, Lang::ZhCn), "");
            let en = preset_summary(p.id, Lang::En);
            let zh = preset_summary(p.id, Lang::ZhCn);
            assert!(en.len() > 10 && en.len() < 400, "{}: {en}", p.id);
            assert!(zh.len() > 6 && zh.len() < 400, "{}: {zh}", p.id);
        }
        assert_eq!(preset_title("nope", Lang::ZhCn), "nope");
    }
}
