//! The Yew web UI (feature `web`): renders the model and sends it commands, never re-implements it.
//!
//! Must not be imported by `broker`, `sim` or `scenario`.
//!
//! Layout: [`app`] is the shell and owns the reducer ([`state`]); [`editor`] holds the
//! diagram editor's logic (plain Rust over the scenario, unit-tested natively) and its
//! inspector panel; [`menu`] has the document actions (lessons, files, export, share, embed:
//! [`lessons`], [`files`], [`export`], [`share`], [`embed`]); [`i18n`] holds the message catalogs and the language; [`canvas`] draws the diagram and turns pointer and keyboard input into
//! editor actions; [`panic`] is the error boundary; [`browser`] wraps storage and media queries.

pub mod app;
pub mod browser;
pub mod canvas;
pub mod editor;
pub mod embed;
pub mod export;
pub mod files;
pub mod goals;
pub mod i18n;
pub mod icons;
pub mod lessons;
pub mod menu;
pub mod num;
pub mod panic;
pub mod playback;
pub mod rabbitmq;
pub mod share;
pub mod shell_icons;
pub mod state;

pub use app::App;
pub use panic::{PANIC_OVERLAY_ID, install_panic_hook, show_panic_message};

/// The id of the element the app mounts into (see `index.html`).
pub const ROOT_ID: &str = "warren";

/// Installs the error boundary and mounts [`App`] into `#warren` (or `<body>` without one).
pub fn start() {
    install_panic_hook();
    menu::apply_page_mode();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ROOT_ID));
    match root {
        Some(root) => {
            // Drops the "Loading…" placeholder that index.html shows until the wasm runs.
            root.set_inner_html("");
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
