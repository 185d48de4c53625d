//! Exporting the diagram as a picture: SVG (the canvas's own drawing, cropped to the diagram,
//! with the stylesheet's computed styles written inline so it looks the same anywhere) and PNG
//! (that SVG drawn onto an offscreen canvas at twice the size).
//!
//! Owns: the serialisation; the drawing itself is the canvas's. Must not be imported by
//! `broker`, `sim` or `scenario`.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;

use super::canvas::CANVAS_ID;
use super::files;
// Not `to_string`/`{:.1}` on f64: core's float formatter would be linked for these few numbers.
use super::num::fixed;

/// Style properties copied inline from the computed style of every element of the drawing.
const STYLE_PROPERTIES: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "paint-order",
    "visibility",
    "display",
    "marker-start",
    "marker-end",
];

/// Parts of the canvas that are editing aids, not the diagram.
const LEAVE_OUT: &str = ".canvas-bg, .handle, .marquee, .wire-target, .wire-text, .focus-ring";

/// Margin around the diagram, in diagram units.
const MARGIN: f64 = 24.0;

/// A self-contained SVG document of the diagram, with its width and height.
pub fn diagram_svg() -> Result<(String, f64, f64), String> {
    let window = web_sys::window().ok_or("no window")?;
    let doc = window.document().ok_or("no document")?;
    let svg = doc
        .get_element_by_id(CANVAS_ID)
        .ok_or("the diagram is not on the page")?;
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for sel in [".edges", ".nodes"] {
        if let Ok(Some(g)) = svg.query_selector(sel)
            && let Ok(g) = g.dyn_into::<web_sys::SvgGraphicsElement>()
            && let Ok(b) = g.get_b_box()
            && b.width() > 0.0
        {
            x0 = x0.min(f64::from(b.x()));
            y0 = y0.min(f64::from(b.y()));
            x1 = x1.max(f64::from(b.x() + b.width()));
            y1 = y1.max(f64::from(b.y() + b.height()));
        }
    }
    if x0 > x1 {
        return Err(super::i18n::tr("shell.export_empty").into());
    }
    let (x, y) = (x0 - MARGIN, y0 - MARGIN);
    let (w, h) = (x1 - x0 + 2.0 * MARGIN, y1 - y0 + 2.0 * MARGIN);

    let clone = svg
        .clone_node_with_deep(true)
        .ok()
        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        .ok_or("cannot copy the drawing")?;
    // Styles are read from the live elements (the clone is not in the document, so it has
    // none); both lists are in document order, so they pair up while nothing is removed.
    let live = svg
        .query_selector_all("*")
        .map_err(|_| "cannot read the drawing")?;
    let copied = clone
        .query_selector_all("*")
        .map_err(|_| "cannot read the copy")?;
    for i in 0..live.length().min(copied.length()) {
        let (Some(from), Some(to)) = (live.item(i), copied.item(i)) else {
            continue;
        };
        let (Ok(from), Ok(to)) = (
            from.dyn_into::<web_sys::Element>(),
            to.dyn_into::<web_sys::Element>(),
        ) else {
            continue;
        };
        let Ok(Some(cs)) = window.get_computed_style(&from) else {
            continue;
        };
        let mut style = String::new();
        for p in STYLE_PROPERTIES {
            if let Ok(v) = cs.get_property_value(p)
                && !v.is_empty()
            {
                style.push_str(p);
                style.push(':');
                style.push_str(&v.replace('"', "'"));
                style.push(';');
            }
        }
        let _ = to.set_attribute("style", &style);
    }
    if let Ok(extra) = clone.query_selector_all(LEAVE_OUT) {
        for i in 0..extra.length() {
            if let Some(n) = extra.item(i)
                && let Some(parent) = n.parent_node()
            {
                let _ = parent.remove_child(&n);
            }
        }
    }
    // A solid background in the canvas colour, so the picture reads on any page.
    let background = window
        .get_computed_style(&svg)
        .ok()
        .flatten()
        .and_then(|cs| cs.get_property_value("background-color").ok())
        .filter(|c| !c.is_empty() && c != "rgba(0, 0, 0, 0)")
        .unwrap_or_else(|| "#ffffff".into());
    if let Ok(bg) = doc.create_element_ns(Some("http://www.w3.org/2000/svg"), "rect") {
        for (k, v) in [
            ("x", fixed(x, 1)),
            ("y", fixed(y, 1)),
            ("width", fixed(w, 1)),
            ("height", fixed(h, 1)),
            ("fill", background),
        ] {
            let _ = bg.set_attribute(k, &v);
        }
        let _ = clone.insert_before(&bg, clone.first_child().as_ref());
    }
    for (k, v) in [
        ("xmlns", "http://www.w3.org/2000/svg".to_owned()),
        ("viewBox", [x, y, w, h].map(|v| fixed(v, 1)).join(" ")),
        ("width", fixed(w, 0)),
        ("height", fixed(h, 0)),
        ("preserveAspectRatio", "xMidYMid meet".to_owned()),
    ] {
        let _ = clone.set_attribute(k, &v);
    }
    for k in ["id", "style", "class", "tabindex"] {
        let _ = clone.remove_attribute(k);
    }
    let text = web_sys::XmlSerializer::new()
        .and_then(|s| s.serialize_to_string(&clone))
        .map_err(|_| "cannot write the SVG")?;
    Ok((text, w, h))
}

/// Downloads the diagram as an SVG file.
pub fn save_svg(title: &str) -> Result<(), String> {
    let (svg, _, _) = diagram_svg()?;
    let text = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}\n");
    files::download(
        text.as_bytes(),
        "image/svg+xml",
        &files::file_name(title, "svg"),
    )
}

/// Downloads the diagram as a PNG file (twice the diagram's size). Errors found at once are
/// returned; `done` gets the outcome of the drawing, which finishes after the SVG image loads.
pub fn save_png(
    title: &str,
    done: impl FnOnce(Result<(), String>) + 'static,
) -> Result<(), String> {
    type Done = Rc<RefCell<Option<Box<dyn FnOnce(Result<(), String>)>>>>;
    let (svg, w, h) = diagram_svg()?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let blob =
        gloo::file::Blob::new_with_options(svg.as_str(), Some("image/svg+xml;charset=utf-8"));
    let url =
        web_sys::Url::create_object_url_with_blob(&blob.into()).map_err(|_| "no object URL")?;
    let img = web_sys::HtmlImageElement::new().map_err(|_| "no image element")?;
    let canvas = doc
        .create_element("canvas")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or("no canvas element")?;
    let scale = 2.0;
    let (pw, ph) = (
        (w * scale).ceil().min(16_000.0),
        (h * scale).ceil().min(16_000.0),
    );
    canvas.set_width(pw as u32);
    canvas.set_height(ph as u32);
    let name = files::file_name(title, "png");
    let done: Done = Rc::new(RefCell::new(Some(Box::new(done))));
    let finish = move |done: &Done, result: Result<(), String>| {
        if let Some(f) = done.borrow_mut().take() {
            f(result);
        }
    };
    let on_error = EventListener::once(&img, "error", {
        let (url, done) = (url.clone(), Rc::clone(&done));
        move |_| {
            let _ = web_sys::Url::revoke_object_url(&url);
            finish(
                &done,
                Err(super::i18n::tr("shell.export_undrawable").into()),
            );
        }
    });
    let img2 = img.clone();
    let src = url.clone();
    let on_load = EventListener::once(&img, "load", move |_| {
        let drawn = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
            .and_then(|ctx| {
                ctx.draw_image_with_html_image_element_and_dw_and_dh(&img2, 0.0, 0.0, pw, ph)
                    .ok()
            })
            .and_then(|_| canvas.to_data_url_with_type("image/png").ok());
        let _ = web_sys::Url::revoke_object_url(&url);
        let result = match drawn {
            Some(data_url) => download_url(&data_url, &name),
            None => Err(super::i18n::tr("shell.export_undrawable").into()),
        };
        finish(&done, result);
    });
    // Both must outlive this call; each fires at most once.
    on_error.forget();
    on_load.forget();
    img.set_src(&src);
    Ok(())
}

fn download_url(url: &str, name: &str) -> Result<(), String> {
    let a = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or("cannot create a link")?;
    a.set_href(url);
    a.set_download(name);
    a.click();
    Ok(())
}
