//! Small stroke icons (24×24 grid) for node kinds and toolbar buttons.
//!
//! Owns: icon path data only; callers place and colour them with CSS (`currentColor`).

use yew::{Html, html};

use super::num::fixed;

/// Paths of one icon in a 24×24 box.
fn paths(d: &'static [&'static str]) -> Html {
    d.iter()
        .map(|p| html! { <path d={*p} /> })
        .collect::<Html>()
}

/// A standalone inline icon for a button, hidden from screen readers (the button is named).
pub fn icon(d: &'static [&'static str]) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"
            focusable="false">
            { paths(d) }
        </svg>
    }
}

/// The icon drawn inside a diagram node, centred on (x, y) and `size` units wide.
pub fn node_icon(d: &'static [&'static str], x: f64, y: f64, size: f64) -> Html {
    let s = size / 24.0;
    html! {
        <g class="node-icon" transform={format!("translate({} {}) scale({})", fixed(x - size / 2.0, 1), fixed(y - size / 2.0, 1), fixed(s, 3))}>
            { paths(d) }
        </g>
    }
}

/// Paper plane: something that sends.
pub const PRODUCER: &[&str] = &["M21 3 3 10.5l7 3L13.5 21z", "M21 3 10 13.5"];
/// A fork: one input, routed to several outputs.
pub const EXCHANGE: &[&str] = &[
    "M3 12h6",
    "M9 12c3 0 4-6 8-6h3",
    "M9 12c3 0 4 6 8 6h3",
    "m17.5 3.5 2.5 2.5-2.5 2.5",
    "m17.5 15.5 2.5 2.5-2.5 2.5",
];
/// A tray receiving an arrow: something that takes deliveries.
pub const CONSUMER: &[&str] = &["M12 3v11", "m7.5 9.5 4.5 4.5 4.5-4.5", "M4 15v4.5h16V15"];
/// Sun: switch to the light theme.
pub const SUN: &[&str] = &[
    "M12 16.5a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9z",
    "M12 2v2.5M12 19.5V22M2 12h2.5M19.5 12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8",
];
/// Moon: switch to the dark theme.
pub const MOON: &[&str] = &["M20.5 14.5A8.5 8.5 0 0 1 9.5 3.5a8.5 8.5 0 1 0 11 11z"];
/// Magnifier with plus.
pub const ZOOM_IN: &[&str] = &[
    "M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13z",
    "m15.5 15.5 5 5",
    "M10.5 7.5v6M7.5 10.5h6",
];
/// Magnifier with minus.
pub const ZOOM_OUT: &[&str] = &[
    "M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13z",
    "m15.5 15.5 5 5",
    "M7.5 10.5h6",
];
/// Four corners: fit to the window.
pub const FIT: &[&str] = &["M4 9V4h5", "M15 4h5v5", "M20 15v5h-5", "M9 20H4v-5"];
/// A book: the scenario's explanation.
pub const BOOK: &[&str] = &[
    "M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5z",
    "M4 20.5A2.5 2.5 0 0 0 6.5 23H20v-5",
];
/// A cross: close.
pub const CLOSE: &[&str] = &["m6 6 12 12", "M18 6 6 18"];
/// A queue: a box of message slots.
pub const QUEUE: &[&str] = &["M3 7h18v10H3z", "M8 7v10M12 7v10M16 7v10"];
/// Curved arrow back: undo.
pub const UNDO: &[&str] = &["M9 14 4 9l5-5", "M4 9h10.5a5.5 5.5 0 0 1 0 11H11"];
/// Curved arrow forward: redo.
pub const REDO: &[&str] = &["m15 14 5-5-5-5", "M20 9H9.5a5.5 5.5 0 0 0 0 11H13"];
/// Bin: delete.
pub const TRASH: &[&str] = &[
    "M4 7h16",
    "M10 11v6M14 11v6",
    "M6 7l1 13h10l1-13",
    "M9 7V4h6v3",
];
/// Two sheets: duplicate.
pub const COPY: &[&str] = &["M9 9h11v11H9z", "M5 15H4V4h11v1"];
/// Boxes in columns: automatic layout.
pub const LAYOUT: &[&str] = &["M3 4h6v6H3zM15 4h6v6h-6zM15 14h6v6h-6z", "M9 7h6M12 7v10h3"];
/// A grid: snap to grid.
pub const GRID: &[&str] = &["M4 4h16v16H4z", "M4 10h16M4 15h16M10 4v16M15 4v16"];
/// A blank sheet: new diagram.
pub const NEW: &[&str] = &["M6 3h8l4 4v14H6z", "M14 3v4h4", "M12 11v6M9 14h6"];
