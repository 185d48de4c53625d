//! The UI message catalogs and the Chinese lesson texts, checked without the `web` feature so
//! plain `cargo test` catches a key added to one language only, a placeholder lost in
//! translation, a key used in `src/ui` but missing from the catalogs, or a preset whose lesson
//! lists no longer line up with its translation.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn object(rel: &str) -> Map<String, Value> {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    match serde_json::from_str(&text).unwrap() {
        Value::Object(m) => m,
        other => panic!("{rel} is not a JSON object: {other}"),
    }
}

/// `{name}` placeholders (ASCII letters, digits, `_`), sorted and deduplicated.
fn placeholders(template: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.insert(name.to_string());
        }
        rest = &after[close + 1..];
    }
    out
}

#[test]
fn english_and_chinese_catalogs_have_the_same_keys_and_placeholders() {
    let en = object("www/i18n/en.json");
    let zh = object("www/i18n/zh-CN.json");
    assert!(en.len() > 100, "English catalog has only {} keys", en.len());
    let en_keys: BTreeSet<&String> = en.keys().collect();
    let zh_keys: BTreeSet<&String> = zh.keys().collect();
    let only_en: Vec<_> = en_keys.difference(&zh_keys).collect();
    let only_zh: Vec<_> = zh_keys.difference(&en_keys).collect();
    assert!(
        only_en.is_empty() && only_zh.is_empty(),
        "only in en.json: {only_en:?}; only in zh-CN.json: {only_zh:?}"
    );
    let mut differ = Vec::new();
    for (k, v) in &en {
        let (Some(e), Some(z)) = (v.as_str(), zh[k].as_str()) else {
            panic!("{k}: values must be strings");
        };
        assert!(!e.trim().is_empty() && !z.trim().is_empty(), "{k} is empty");
        if placeholders(e) != placeholders(z) {
            differ.push(format!(
                "{k}: en {:?} zh-CN {:?}",
                placeholders(e),
                placeholders(z)
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "placeholders differ:\n{}",
        differ.join("\n")
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Catalog keys written literally in UI code: `tr("k")`, `tr_with("k", …)`, `tr_in(lang, "k")`.
fn keys_used(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for call in ["tr(\"", "tr_with(\"", "tr_in(lang, \""] {
        let mut rest = source;
        while let Some(at) = rest.find(call) {
            // `tr(` must not be the tail of another name (`attr(`, `str(`).
            let before = rest[..at].chars().next_back();
            rest = &rest[at + call.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_string());
            }
        }
    }
    keys
}

#[test]
fn every_key_the_ui_looks_up_is_in_the_catalog() {
    let en = object("www/i18n/en.json");
    let mut files = Vec::new();
    rust_files(&root().join("src/ui"), &mut files);
    files.sort();
    let (mut used, mut missing) = (0, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // Tests may look up made-up keys on purpose.
        let code = text
            .split("#[cfg(test)]")
            .next()
            .and_then(|c| c.split("#[cfg(all(test").next())
            .unwrap_or("");
        for key in keys_used(code) {
            used += 1;
            if !en.contains_key(&key) {
                missing.push(format!("{}: {key}", file.display()));
            }
        }
    }
    assert!(used > 50, "found only {used} lookups: is the scan broken?");
    assert!(
        missing.is_empty(),
        "keys not in en.json:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_preset_lesson_has_a_chinese_text_with_the_same_lists() {
    let zh = object("www/i18n/lessons.zh-CN.json");
    let mut presets = Vec::new();
    for entry in std::fs::read_dir(root().join("www/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            presets.push(path);
        }
    }
    presets.sort();
    assert!(presets.len() >= 14, "found {} presets", presets.len());
    for path in presets {
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        let scenario: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let lesson = &scenario["lesson"];
        let Some(text) = zh.get(&id) else {
            panic!("{id}: no entry in lessons.zh-CN.json")
        };
        // A title may stay as the tutorial names it ("Hello World"); the explanation may not.
        assert!(
            !text["title"].as_str().unwrap_or("").is_empty(),
            "{id}: no title"
        );
        let explanation = text["explanation"].as_str().unwrap_or("");
        assert!(
            explanation
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{id}.explanation is not Chinese: {explanation:?}"
        );
        for list in ["watch_for", "try_this"] {
            let en_len = lesson[list].as_array().map_or(0, Vec::len);
            let zh_len = text[list].as_array().map_or(0, Vec::len);
            assert_eq!(
                en_len, zh_len,
                "{id}.{list}: {en_len} English items, {zh_len} Chinese"
            );
        }
    }
}
