//! Opening and saving scenario files, and the browser plumbing for downloads and file reading
//! shared with [`super::export`].
//!
//! Owns: reading a user's file (a warren scenario) into a document or a message naming the JSON path of the problem, and the
//! file names of saved files. A file that cannot be read changes nothing.
//! Must not be imported by `broker`, `sim` or `scenario`.

use crate::scenario::{Scenario, ScenarioError, parse_str};

use super::editor::ops;
use super::lessons;

/// A file that was read.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedFile {
    /// The document.
    pub scenario: Scenario,
    /// What was ignored or changed, each with its JSON path.
    pub warnings: Vec<String>,
}

/// Reads a file's text as a warren scenario. The error is the scenario reader's, with its JSON
/// path. (RabbitMQ definitions.json files are imported from their own dialog, `ui::rabbitmq`.)
pub fn read_text(text: &str) -> Result<OpenedFile, ScenarioError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parsed = parse_str(text)?;
    let mut scenario = parsed.scenario;
    ops::ensure_layout(&mut scenario);
    lessons::normalize(&mut scenario);
    Ok(OpenedFile {
        scenario,
        warnings: parsed.warnings.iter().map(ToString::to_string).collect(),
    })
}

/// A file name for `title` with `extension` (no dot): lower-case words joined by dashes.
pub fn file_name(title: &str, extension: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if is_alphanumeric(c) {
            push_lowercase(&mut slug, c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() > 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() {
        "warren-diagram"
    } else {
        slug
    };
    format!("{slug}.{extension}")
}

/// `char::is_alphanumeric`; in the page the browser's Unicode properties answer for non-ASCII
/// characters (the same definition: Alphabetic or a number category), so core's tables for it
/// are not linked.
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    #[cfg(target_arch = "wasm32")]
    return js_sys::RegExp::new(r"^[\p{Alphabetic}\p{N}]$", "u").test(&String::from(c));
    #[cfg(not(target_arch = "wasm32"))]
    c.is_alphanumeric()
}

/// Appends `c` in lower case (Unicode's mapping, which may be several chars).
fn push_lowercase(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    // In the page the browser's own case mapping does it (String.prototype.toLowerCase on one
    // character gives the same as char::to_lowercase): core's Unicode case tables would add
    // ~7 KB of gzipped wasm for the rare non-ASCII title.
    #[cfg(target_arch = "wasm32")]
    {
        let lower: String = js_sys::JsString::from(c).to_lower_case().into();
        out.push_str(&lower);
    }
    #[cfg(not(target_arch = "wasm32"))]
    out.extend(c.to_lowercase());
}

/// A click handler that opens the browser's file picker of a hidden `<input type=file>`,
/// cleared first so choosing the same file again still fires `change`.
pub fn pick_file(input: yew::NodeRef) -> yew::Callback<web_sys::MouseEvent> {
    yew::Callback::from(move |_: web_sys::MouseEvent| {
        if let Some(input) = input.cast::<web_sys::HtmlInputElement>() {
            input.set_value("");
            input.click();
        }
    })
}

/// Starts a download of `bytes` as `name`.
pub fn download(bytes: &[u8], mime: &str, name: &str) -> Result<(), String> {
    let blob = gloo::file::Blob::new_with_options(bytes, Some(mime));
    download_blob(&blob.into(), name)
}

/// Starts a download of a blob as `name`.
pub fn download_blob(blob: &web_sys::Blob, name: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|_| "no object URL")?;
    let a = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or("cannot create a link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The click has started the download; the URL can go once the event loop has moved on.
    yew::platform::spawn_local(async move {
        gloo::timers::future::sleep(std::time::Duration::from_secs(30)).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_file_opens_to_the_same_document() {
        let doc = lessons::preset_scenario("dead-lettering").unwrap_or_else(|| panic!("preset"));
        let opened = read_text(&doc.to_json()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.scenario, doc);
        assert!(opened.warnings.is_empty(), "{:?}", opened.warnings);
        let bom = format!("\u{feff}{}", doc.to_json());
        assert_eq!(read_text(&bom).map(|o| o.scenario).ok(), Some(doc));
    }

    #[test]
    fn bad_files_are_reported_with_their_json_path() {
        let e = read_text(
            r#"{"warren":1,"producers":[{"id":"p","rate":{"kind":"every","every_ms":0}}]}"#,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(e.starts_with("producers[0]"), "{e}");
        let e = read_text("{\"warren\": 1,")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!e.is_empty(), "{e}");
        assert!(read_text("").is_err());
        assert!(read_text("[1,2]").is_err());
    }

    #[test]
    fn file_names_are_tidy() {
        assert_eq!(file_name("Topics", "warren.json"), "topics.warren.json");
        assert_eq!(
            file_name("Dead-lettering: reject and TTL", "svg"),
            "dead-lettering-reject-and-ttl.svg"
        );
        assert_eq!(file_name("  ", "png"), "warren-diagram.png");
        assert_eq!(file_name("主题 1", "svg"), "主题-1.svg");
    }
}
