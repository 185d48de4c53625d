//! The real App mounted in headless Chromium (wasm-bindgen-test with chromedriver): it draws
//! the default Hello World diagram, the keyboard selects a node and opens the inspector, the
//! palette adds a node that undo removes and redo restores (and autosave stores), zoom and
//! theme work, and the panic overlay keeps saved work.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::time::Duration;

use gloo::timers::future::sleep;
use warren::ui::editor::autosave;
use warren::ui::{App, PANIC_OVERLAY_ID, show_panic_message};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Yew renders asynchronously; this is long enough for a render and its effects.
async fn settle() {
    sleep(Duration::from_millis(60)).await;
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage")
}

/// Mounts the App with no autosaved diagram, so it opens the Hello World preset.
async fn mount() -> (Element, yew::AppHandle<App>) {
    let _ = storage().remove_item(autosave::KEY);
    let doc = document();
    let root = doc.create_element("div").expect("div");
    root.set_attribute("style", "width:1280px;height:720px")
        .expect("style");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    (root, handle)
}

fn unmount(root: Element, handle: yew::AppHandle<App>) {
    handle.destroy();
    root.remove();
    let _ = storage().remove_item(autosave::KEY);
}

fn node_labels(root: &Element) -> Vec<String> {
    let list = root
        .query_selector_all(".nodes [role=button]")
        .expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .filter_map(|e| e.get_attribute("aria-label"))
        .collect()
}

fn key(el: &Element, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    el.dispatch_event(&ev).expect("dispatch");
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn button(root: &Element, label: &str) -> HtmlElement {
    root.query_selector(&format!("button[aria-label='{label}']"))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .unwrap_or_else(|| panic!("button {label}"))
}

#[wasm_bindgen_test]
async fn app_draws_hello_world_and_the_keyboard_opens_the_inspector() {
    let (root, handle) = mount().await;
    let labels = node_labels(&root);
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert!(
        labels[0].starts_with("producer send.py, publishes to exchange (AMQP default)"),
        "{labels:?}"
    );
    assert!(
        labels[1].starts_with("exchange (AMQP default)"),
        "{labels:?}"
    );
    assert_eq!(labels[2], "queue hello, 0 ready, 0 unacked");
    assert!(
        labels[3].starts_with("consumer receive.py, consumes from queue hello"),
        "{labels:?}"
    );
    assert_eq!(
        root.query_selector_all(".edges .edge-line")
            .expect("query")
            .length(),
        3
    );
    assert_eq!(text_of(&root, ".inspector h2"), "Hello World");
    assert!(text_of(&root, ".log").contains("Opened scenario \u{201c}Hello World\u{201d}"));

    let queue = root
        .query_selector(".node-queue")
        .ok()
        .flatten()
        .expect("queue node");
    key(&queue, " ");
    settle().await;
    assert_eq!(text_of(&root, ".inspector h2"), "Queue hello");
    let queue = root
        .query_selector(".node-queue")
        .ok()
        .flatten()
        .expect("queue node");
    assert_eq!(queue.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert!(text_of(&root, ".status-text").contains("Selected: queue hello"));
    assert!(text_of(&root, ".inspector").contains("Max length"));

    button(&root, "Close inspector").click();
    settle().await;
    assert_eq!(text_of(&root, ".inspector h2"), "Hello World");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn palette_adds_a_queue_that_undo_removes_redo_restores_and_autosave_keeps() {
    let (root, handle) = mount().await;
    assert_eq!(node_labels(&root).len(), 4);
    button(&root, "Add queue").click();
    settle().await;
    let labels = node_labels(&root);
    assert_eq!(labels.len(), 5, "{labels:?}");
    assert!(
        labels.iter().any(|l| l.starts_with("queue q1")),
        "{labels:?}"
    );
    assert!(text_of(&root, ".log").contains("Added queue q1."));
    let saved = storage().get_item(autosave::KEY).ok().flatten();
    assert!(
        saved.as_deref().is_some_and(|s| s.contains("\"q1\"")),
        "{saved:?}"
    );

    button(&root, "Undo").click();
    settle().await;
    assert_eq!(node_labels(&root).len(), 4);
    let saved = storage().get_item(autosave::KEY).ok().flatten();
    assert!(
        saved.as_deref().is_some_and(|s| !s.contains("\"q1\"")),
        "{saved:?}"
    );
    button(&root, "Redo").click();
    settle().await;
    assert_eq!(node_labels(&root).len(), 5);
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn zoom_in_enlarges_and_fit_restores_the_view() {
    let (root, handle) = mount().await;
    let view_box = || {
        root.query_selector("svg.canvas-svg")
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("viewBox"))
            .unwrap_or_default()
    };
    // The first fit waits for the drawing area to be measured; ask for one explicitly.
    button(&root, "Zoom to fit").click();
    settle().await;
    let fitted = view_box();
    assert!(!fitted.is_empty());
    let fitted_zoom = text_of(&root, ".zoom-level");
    button(&root, "Zoom in").click();
    settle().await;
    assert_ne!(view_box(), fitted);
    assert_ne!(text_of(&root, ".zoom-level"), fitted_zoom);
    button(&root, "Zoom to fit").click();
    settle().await;
    assert_eq!(view_box(), fitted);
    assert_eq!(text_of(&root, ".zoom-level"), fitted_zoom);
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn theme_toggle_switches_the_document_theme_and_remembers_it() {
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage");
    let _ = storage.remove_item("warren.theme");
    let (root, handle) = mount().await;
    let html = document().document_element().expect("<html>");
    let before = html.get_attribute("data-theme").unwrap_or_default();
    assert!(before == "light" || before == "dark", "{before:?}");
    let toggle = root
        .query_selector(".theme-toggle")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .expect("theme toggle");
    toggle.click();
    settle().await;
    let after = html.get_attribute("data-theme").unwrap_or_default();
    assert_ne!(after, before);
    assert_eq!(storage.get_item("warren.theme").ok().flatten(), Some(after));
    let _ = storage.remove_item("warren.theme");
    unmount(root, handle);
}

#[wasm_bindgen_test]
fn panic_overlay_is_readable_and_keeps_saved_work() {
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage");
    storage
        .set_item("warren.test.saved-work", "{\"nodes\":4}")
        .expect("set");
    show_panic_message("panicked at src/ui/example.rs:1:1: index out of bounds").expect("overlay");
    let overlay = document()
        .get_element_by_id(PANIC_OVERLAY_ID)
        .expect("overlay shown");
    let text = overlay.text_content().unwrap_or_default();
    assert!(text.contains("internal error"), "{text}");
    assert!(text.contains("index out of bounds"), "{text}");
    assert!(text.contains("saved work is safe"), "{text}");
    assert_eq!(
        overlay.get_attribute("role").as_deref(),
        Some("alertdialog")
    );
    assert_eq!(
        storage.get_item("warren.test.saved-work").ok().flatten(),
        Some("{\"nodes\":4}".to_owned())
    );
    // A second panic replaces the overlay instead of stacking another.
    show_panic_message("second").expect("overlay");
    assert_eq!(
        document()
            .query_selector_all(&format!("#{PANIC_OVERLAY_ID}"))
            .expect("query")
            .length(),
        1
    );
    document()
        .get_element_by_id(PANIC_OVERLAY_ID)
        .expect("overlay")
        .remove();
    let _ = storage.remove_item("warren.test.saved-work");
}

/// In the page, non-ASCII characters of a title are classified and lower-cased by the browser
/// (not core's Unicode tables); the result must be what `char` gives natively.
#[wasm_bindgen_test]
fn file_names_lower_case_unicode_titles_like_native_rust() {
    use warren::ui::files::file_name;
    let titles = [
        "Übung ÄÖ",
        "ΣΟΦΙΑ Σ",
        "İstanbul",
        "主题 1",
        "Straße ẞ",
        // Letters and numbers beyond ASCII (Nl, No, Nd) and non-ASCII that is neither.
        "Ⅻ² ١٢ – ·x 🐇 naïve—café",
    ];
    for title in titles {
        let expected: String = {
            let mut slug = String::new();
            for c in title.chars() {
                if c.is_alphanumeric() {
                    slug.extend(c.to_lowercase());
                } else if !slug.is_empty() && !slug.ends_with('-') {
                    slug.push('-');
                }
            }
            format!("{}.svg", slug.trim_end_matches('-'))
        };
        assert_eq!(file_name(title, "svg"), expected, "{title}");
    }
}
