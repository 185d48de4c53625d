//! Share links and the URL the app was opened with: `#preset=ID` (short, while the diagram
//! still equals that preset) or `#s=…` (the whole scenario, see `scenario::link`).
//!
//! Owns: turning a URL fragment into a document to open (or a clear message), building share
//! and embed URLs and the `<iframe>` snippet. A link that cannot be opened never touches the
//! open document or the autosave: callers open only what [`open_fragment`] returns as `Ok`.
//! Must not be imported by `broker`, `sim` or `scenario`.

use crate::scenario::Scenario;
use crate::scenario::link::{self, LinkTarget};

use super::editor::ops;
use super::lessons;

/// A document opened from a link.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// What to open, laid out as the editor expects.
    pub scenario: Scenario,
    /// The preset it is, for `#preset=` links.
    pub preset: Option<&'static str>,
    /// Parser warnings (unknown fields ignored, older versions migrated).
    pub warnings: Vec<String>,
}

/// Whether a fragment (with or without `#`) asks to open something: it has a `preset=` or `s=`
/// parameter. Other fragments (none, `#`, an anchor) are not links and are left alone.
pub fn is_link(fragment: &str) -> bool {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment
        .split('&')
        .any(|p| p.starts_with("preset=") || p.starts_with("s="))
}

/// Decodes a fragment: `Ok(None)` when it is not a link, `Err` with a message saying what is
/// wrong when it is a damaged one.
pub fn open_fragment(fragment: &str) -> Result<Option<Opened>, String> {
    if !is_link(fragment) {
        return Ok(None);
    }
    match link::decode_fragment(fragment).map_err(|e| e.to_string())? {
        LinkTarget::Preset(id) => {
            let found = lessons::preset_docs().iter().find(|p| p.id == id);
            match found {
                Some(p) => Ok(Some(Opened {
                    scenario: p.scenario.clone(),
                    preset: Some(p.id),
                    warnings: Vec::new(),
                })),
                None => Err(super::i18n::tr_with("shell.no_preset", &[("id", &id)])),
            }
        }
        LinkTarget::Scenario(parsed) => {
            let mut scenario = parsed.scenario;
            ops::ensure_layout(&mut scenario);
            lessons::normalize(&mut scenario);
            Ok(Some(Opened {
                preset: lessons::unchanged_preset(&scenario),
                scenario,
                warnings: parsed.warnings.iter().map(ToString::to_string).collect(),
            }))
        }
    }
}

/// The fragment (without `#`) for `doc`: `preset=ID` while it equals a preset, else `s=…`.
pub fn fragment_for(doc: &Scenario) -> String {
    match lessons::unchanged_preset(doc) {
        Some(id) => link::preset_fragment(id),
        None => link::scenario_fragment(doc),
    }
}

/// The share URL: `base` (the app's address without query or fragment) + `#` + fragment.
pub fn share_url(base: &str, doc: &Scenario) -> String {
    format!("{base}#{}", fragment_for(doc))
}

/// Options of an embedded diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmbedChoice {
    /// Start playing once loaded.
    pub autoplay: bool,
    /// No editing in the embed.
    pub readonly: bool,
}

/// The embed URL: `base?embed[&autoplay][&readonly]#fragment`.
pub fn embed_url(base: &str, doc: &Scenario, choice: EmbedChoice) -> String {
    let mut url = format!("{base}?embed");
    if choice.autoplay {
        url.push_str("&autoplay");
    }
    if choice.readonly {
        url.push_str("&readonly");
    }
    url.push('#');
    url.push_str(&fragment_for(doc));
    url
}

/// A ready `<iframe>` snippet for `doc`.
pub fn iframe_snippet(base: &str, doc: &Scenario, choice: EmbedChoice) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"420\" \
         style=\"border:1px solid #dde1ea;border-radius:8px\" loading=\"lazy\" \
         allow=\"clipboard-write\"></iframe>",
        escape_attr(&embed_url(base, doc, choice)),
        escape_attr(&format!("warren: {}", doc.title)),
    )
}

/// Escapes text for a double-quoted HTML attribute (titles are untrusted).
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(id: &str) -> Scenario {
        lessons::preset_scenario(id).unwrap_or_else(|| panic!("no preset {id}"))
    }

    #[test]
    fn unchanged_presets_get_short_links_and_edited_ones_carry_the_scenario() {
        let mut doc = preset("routing");
        assert_eq!(fragment_for(&doc), "preset=routing");
        doc.title = "My routing".into();
        let frag = fragment_for(&doc);
        assert!(frag.starts_with("s="), "{frag}");
        let opened = open_fragment(&format!("#{frag}"))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("not a link"));
        assert_eq!(opened.scenario, doc);
        assert_eq!(opened.preset, None);
    }

    #[test]
    fn every_preset_opens_from_its_short_link_and_its_long_one() {
        for p in lessons::preset_docs() {
            let short = open_fragment(&format!("#preset={}", p.id))
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("not a link"));
            assert_eq!(short.scenario, p.scenario);
            let long = open_fragment(&link::scenario_fragment(&p.scenario))
                .unwrap_or_else(|e| panic!("{}: {e}", p.id))
                .unwrap_or_else(|| panic!("not a link"));
            assert_eq!(long.scenario, p.scenario, "{}", p.id);
            assert_eq!(long.preset, Some(p.id));
        }
    }

    #[test]
    fn non_links_are_ignored_and_damaged_links_explained() {
        assert_eq!(open_fragment(""), Ok(None));
        assert_eq!(open_fragment("#"), Ok(None));
        assert_eq!(open_fragment("#section-2"), Ok(None));
        let e = open_fragment("#preset=nope").err().unwrap_or_default();
        assert!(e.contains("no preset named"), "{e}");
        let e = open_fragment("#s=AAAA!!").err().unwrap_or_default();
        assert!(e.contains("damaged"), "{e}");
        let good = link::scenario_fragment(&preset("topics"));
        let e = open_fragment(&good[..good.len() / 2])
            .err()
            .unwrap_or_default();
        assert!(e.contains("cut short"), "{e}");
    }

    #[test]
    fn embed_snippets_escape_titles_and_carry_the_options() {
        let mut doc = preset("topics");
        let url = embed_url(
            "https://x.test/warren/",
            &doc,
            EmbedChoice {
                autoplay: true,
                readonly: true,
            },
        );
        assert_eq!(
            url,
            "https://x.test/warren/?embed&autoplay&readonly#preset=topics"
        );
        doc.title = "<script>\"x\"".into();
        let html = iframe_snippet("https://x.test/", &doc, EmbedChoice::default());
        assert!(
            html.contains("title=\"warren: &lt;script&gt;&quot;x&quot;\""),
            "{html}"
        );
        assert!(html.contains("src=\"https://x.test/?embed#s="), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert_eq!(
            share_url("https://x.test/", &preset("rpc")),
            "https://x.test/#preset=rpc"
        );
    }
}
