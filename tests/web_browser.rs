//! The real App mounted in headless Chromium (wasm-bindgen-test with chromedriver): it draws
//! the default diagram, reacts to clicks, and the panic overlay keeps saved work.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::time::Duration;

use gloo::timers::future::sleep;
use warren::ui::{App, PANIC_OVERLAY_ID, show_panic_message};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, MouseEvent, MouseEventInit};

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

async fn mount() -> (Element, yew::AppHandle<App>) {
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

fn click_svg(el: &Element) {
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("event");
    el.dispatch_event(&ev).expect("dispatch");
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn app_draws_hello_world_and_clicking_a_node_opens_the_inspector() {
    let (root, handle) = mount().await;
    let labels = node_labels(&root);
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert!(labels[0].starts_with("producer P"), "{labels:?}");
    assert!(
        labels[1].starts_with("exchange (AMQP default)"),
        "{labels:?}"
    );
    assert_eq!(labels[2], "queue hello, 0 ready, 0 unacked");
    assert!(labels[3].starts_with("consumer C"), "{labels:?}");
    assert_eq!(
        root.query_selector_all(".edges .edge-line")
            .expect("query")
            .length(),
        3
    );
    assert_eq!(text_of(&root, ".side-panel h2"), "Hello World");

    let queue = root
        .query_selector(".node-queue")
        .ok()
        .flatten()
        .expect("queue node");
    click_svg(&queue);
    settle().await;
    assert_eq!(text_of(&root, ".side-panel h2"), "queue hello");
    assert_eq!(queue.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert!(text_of(&root, ".log").contains("Selected queue hello."));

    let close = root
        .query_selector("button[aria-label='Close inspector']")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .expect("close button");
    close.click();
    settle().await;
    assert_eq!(text_of(&root, ".side-panel h2"), "Hello World");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn zoom_in_enlarges_and_fit_restores_the_view() {
    let (root, handle) = mount().await;
    let view_box = || {
        root.query_selector("svg.diagram-svg")
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("viewBox"))
            .unwrap_or_default()
    };
    let button = |label: &str| {
        root.query_selector(&format!("button[aria-label='{label}']"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            .expect("button")
    };
    let fitted = view_box();
    let fitted_zoom = text_of(&root, ".zoom-level");
    button("Zoom in").click();
    settle().await;
    assert_ne!(view_box(), fitted);
    assert_ne!(text_of(&root, ".zoom-level"), fitted_zoom);
    button("Zoom to fit").click();
    settle().await;
    assert_eq!(view_box(), fitted);
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
