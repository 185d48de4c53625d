//! The error boundary: a panic hook that replaces a blank or frozen page with a readable message.
//!
//! Owns: what the user sees after an internal error. It deliberately never touches
//! `localStorage`, so the user's saved work survives and is restored on reload.
//! Must not call back into Yew: after a panic the app's state can no longer be trusted.

use std::panic::PanicHookInfo;

use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

// Lookups only read a Cell and compiled-in catalogs, so they are safe inside the panic hook.
use super::i18n::tr;

/// The id of the overlay, for tests and for the loader script in `index.html`.
pub const PANIC_OVERLAY_ID: &str = "warren-panic";

/// Installs the hook once; later calls replace it with the same hook.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&format!("warren panicked: {message}")));
        show_panic_message(&message);
    }));
}

fn el(doc: &Document, tag: &str, style: &str) -> Option<Element> {
    let e = doc.create_element(tag).ok()?;
    e.set_attribute("style", style).ok()?;
    Some(e)
}

/// Shows the error overlay with `details`. Styles are inline so the message is readable even
/// if the stylesheet never loaded. Returns `None` if there is no document to draw in.
pub fn show_panic_message(details: &str) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    let body = doc.body()?;
    if let Some(old) = doc.get_element_by_id(PANIC_OVERLAY_ID) {
        old.remove();
    }
    let overlay = el(
        &doc,
        "div",
        "position:fixed;inset:0;z-index:2147483647;display:flex;align-items:center;\
         justify-content:center;padding:16px;background:rgba(10,12,18,.72);\
         font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif",
    )?;
    overlay.set_id(PANIC_OVERLAY_ID);
    overlay.set_attribute("role", "alertdialog").ok()?;
    overlay
        .set_attribute("aria-labelledby", "warren-panic-title")
        .ok()?;
    let card = el(
        &doc,
        "div",
        "max-width:560px;width:100%;background:#fff;color:#1b1f2a;border-radius:14px;\
         padding:24px;box-shadow:0 20px 60px rgba(0,0,0,.35);border-top:6px solid #d9480f",
    )?;
    let title = el(&doc, "h2", "margin:0 0 8px;font-size:20px")?;
    title.set_id("warren-panic-title");
    title.set_text_content(Some(tr("shell.panic_title")));
    let kept = el(&doc, "p", "margin:0 0 12px")?;
    kept.set_text_content(Some(tr("shell.panic_kept")));
    let pre = el(
        &doc,
        "pre",
        "margin:0 0 16px;padding:10px;max-height:40vh;overflow:auto;white-space:pre-wrap;\
         word-break:break-word;background:#f3f4f8;border-radius:8px;font-size:13px",
    )?;
    pre.set_text_content(Some(details));
    let reload = el(
        &doc,
        "button",
        "font:inherit;padding:8px 18px;border-radius:8px;border:0;background:#d9480f;\
         color:#fff;cursor:pointer",
    )?;
    reload.set_attribute("type", "button").ok()?;
    // A plain inline handler: the wasm instance must not be re-entered after a panic.
    reload
        .set_attribute("onclick", "window.location.reload()")
        .ok()?;
    reload.set_text_content(Some(tr("shell.panic_reload")));
    for child in [&title, &kept, &pre, &reload] {
        card.append_child(child).ok()?;
    }
    overlay.append_child(&card).ok()?;
    body.append_child(&overlay).ok()?;
    Some(())
}
