//! The moving tokens, drawn outside Yew: one SVG `<g>` per token inside the token layer's group,
//! positioned every animation frame by writing its `transform` (and `opacity`) attribute.
//!
//! Owns: token DOM elements (created once and pooled) and their timing from
//! requestAnimationFrame timestamps. Why not Yew: diffing a thousand moving tokens sixty times
//! a second would cost far more than the attribute writes themselves.

use js_sys::{Array, Float32Array};
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{Document, Element};

use super::tokens::{Look, TokenSpec, hue};
use crate::scenario::Point;

// The per-frame writes happen in JS: handing each transform string from wasm to JS costs a
// UTF-8 decode per call, while one Float32Array of positions per frame costs one copy.
#[wasm_bindgen(inline_js = r#"
export function place(els, buf) {
  const n = els.length;
  for (let i = 0; i < n; i++) {
    const e = els[i], x = buf[3 * i], y = buf[3 * i + 1], o = buf[3 * i + 2];
    if (e.__x !== x || e.__y !== y) {
      e.__x = x; e.__y = y;
      e.setAttribute('transform', 'translate(' + x.toFixed(1) + ' ' + y.toFixed(1) + ')');
    }
    if (e.__o !== o) { e.__o = o; e.setAttribute('opacity', o); }
  }
}
export function take(els, i) {
  const e = els[i];
  els[i] = els[els.length - 1];
  els.pop();
  e.setAttribute('visibility', 'hidden');
  e.__x = e.__y = e.__o = undefined;
  return e;
}
"#)]
extern "C" {
    fn place(els: &Array, buf: &Float32Array);
    fn take(els: &Array, i: u32) -> Element;
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// Tokens beyond this many are not drawn (the counts on the nodes still say everything): a
/// software-rendered frame paints about a thousand moving tokens at 60 fps on a classroom laptop.
pub const MAX_TOKENS: usize = 1200;

struct Active {
    spec: TokenSpec,
    /// Wall ms (rAF timestamp) it starts, and its wall duration.
    start: f64,
    dur: f64,
    /// Loops forever (benchmark tokens).
    looping: bool,
}

/// The token layer's DOM state.
pub struct TokenLayer {
    group: Option<Element>,
    doc: Option<Document>,
    active: Vec<Active>,
    /// The elements of `active`, index for index, on the JS side.
    els: Array,
    pool: Vec<Element>,
    buf: Vec<f32>,
    /// Jump to the end instead of animating (prefers-reduced-motion).
    pub reduced_motion: bool,
    crowded: bool,
}

/// Above this many tokens their labels are hidden: nobody reads a thousand moving labels, and
/// drawing text is most of a software-rendered frame.
pub const LABELS_UP_TO: usize = 150;

fn ease(p: f64) -> f64 {
    // Smooth start and stop: a student's eye can follow a token that does not jerk.
    p * p * (3.0 - 2.0 * p)
}

impl TokenLayer {
    /// An empty layer; attach it to a `<g>` with [`TokenLayer::attach`].
    pub fn new(reduced_motion: bool) -> TokenLayer {
        TokenLayer {
            group: None,
            doc: web_sys::window().and_then(|w| w.document()),
            active: Vec::new(),
            els: Array::new(),
            pool: Vec::new(),
            buf: Vec::new(),
            reduced_motion,
            crowded: false,
        }
    }

    /// Draws into `group` from now on (the previous group's tokens are dropped).
    pub fn attach(&mut self, group: Element) {
        if self.group.as_ref() != Some(&group) {
            self.clear();
            self.pool.clear();
            self.group = Some(group);
        }
    }

    /// Tokens on screen.
    pub fn len(&self) -> usize {
        self.active.len()
    }

    /// Whether no token is on screen.
    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    /// Removes every token (a seek or reset: what was moving is no longer happening).
    pub fn clear(&mut self) {
        self.active.clear();
        while self.els.length() > 0 {
            self.pool.push(take(&self.els, 0));
        }
        // Not crowded any more: the next step's note must not be skipped as part of a crowd.
        if self.crowded {
            self.crowded = false;
            if let Some(g) = &self.group {
                let _ = g.set_attribute("class", "tokens");
            }
        }
    }

    fn element(&mut self) -> Option<Element> {
        if let Some(el) = self.pool.pop() {
            return Some(el);
        }
        let doc = self.doc.as_ref()?;
        let g = doc.create_element_ns(Some(SVG_NS), "g").ok()?;
        let circle = doc.create_element_ns(Some(SVG_NS), "circle").ok()?;
        let _ = circle.set_attribute("r", "11");
        let text = doc.create_element_ns(Some(SVG_NS), "text").ok()?;
        let _ = text.set_attribute("class", "token-label");
        let _ = text.set_attribute("y", "4");
        let note = doc.create_element_ns(Some(SVG_NS), "text").ok()?;
        let _ = note.set_attribute("class", "token-note");
        let _ = note.set_attribute("y", "-17");
        let _ = g.append_child(&circle);
        let _ = g.append_child(&text);
        let _ = g.append_child(&note);
        if let Some(group) = &self.group {
            let _ = group.append_child(&g);
        }
        Some(g)
    }

    /// Starts a token at wall time `now` lasting `dur` wall ms.
    pub fn spawn(&mut self, spec: TokenSpec, now: f64, dur: f64, looping: bool) {
        if self.group.is_none() || self.active.len() >= MAX_TOKENS {
            return;
        }
        // In a crowd a note that stays on its node ("waits", "requeued") says nothing the
        // node's counts do not, and costs a frame's paint like a moving message.
        if self.crowded && spec.from == spec.to && matches!(spec.look, Look::Note) {
            return;
        }
        let Some(el) = self.element() else { return };
        let _ = el.set_attribute("class", spec.look.class());
        let _ = el.remove_attribute("visibility");
        match spec.message {
            Some(m) => {
                let _ = el.set_attribute("data-m", &m.0.to_string());
            }
            None => {
                let _ = el.remove_attribute("data-m");
            }
        }
        let fill = match (spec.look, spec.colour_of) {
            (Look::Ack, _) => "var(--token-ack)".to_owned(),
            (Look::Nack, _) => "var(--token-nack)".to_owned(),
            (_, Some(m)) => format!("hsl({} 72% 46%)", hue(m)),
            (_, None) => "var(--token-note)".to_owned(),
        };
        let children = el.children();
        if let Some(c) = children.item(0) {
            let _ = c.set_attribute("style", &format!("fill:{fill}"));
            let r = if matches!(spec.look, Look::Note) && spec.message.is_none() {
                "0"
            } else {
                "11"
            };
            let _ = c.set_attribute("r", r);
        }
        if let Some(t) = children.item(1) {
            t.set_text_content(Some(&spec.label));
        }
        if let Some(t) = children.item(2) {
            t.set_text_content(spec.note.as_deref());
        }
        let _ = el.set_attribute(
            "transform",
            &format!(
                "translate({} {})",
                crate::ui::num::fixed(spec.from.x, 1),
                crate::ui::num::fixed(spec.from.y, 1)
            ),
        );
        self.els.push(&el);
        self.active.push(Active {
            spec,
            start: now,
            dur: dur.max(1.0),
            looping,
        });
    }

    /// Positions every token for wall time `now`; removes finished ones. Returns how many
    /// remain.
    pub fn update(&mut self, now: f64) -> usize {
        self.buf.clear();
        let mut i = 0;
        while i < self.active.len() {
            let a = &mut self.active[i];
            let mut p = (now - a.start) / a.dur;
            if a.looping && p >= 1.0 {
                a.start += a.dur * p.floor();
                p = p.fract();
            }
            if p >= 1.0 {
                self.active.swap_remove(i);
                self.pool.push(take(&self.els, i as u32));
                continue;
            }
            let d = a.spec.delay;
            let q = if d > 0.0 {
                ((p - d) / (1.0 - d)).clamp(0.0, 1.0)
            } else {
                p.clamp(0.0, 1.0)
            };
            let k = if self.reduced_motion { 1.0 } else { ease(q) };
            let mut at = Point {
                x: a.spec.from.x + (a.spec.to.x - a.spec.from.x) * k,
                y: a.spec.from.y + (a.spec.to.y - a.spec.from.y) * k,
            };
            let stays = a.spec.from == a.spec.to;
            if stays {
                // A note floats just above the node it is about.
                at.y -= 36.0;
                if !self.reduced_motion && matches!(a.spec.look, Look::Gone) {
                    at.y -= 14.0 * q;
                }
            }
            // Hidden until its leg starts; a token that ends here fades over its last third.
            let opacity = if d > 0.0 && p < d {
                0.0
            } else if stays || matches!(a.spec.look, Look::Gone | Look::Ack | Look::Nack) {
                ((1.0 - q) * 3.0).min(1.0)
            } else {
                1.0
            };
            // Rounded so an unchanged position or opacity is skipped on the JS side.
            self.buf.push(((at.x * 10.0).round() / 10.0) as f32);
            self.buf.push(((at.y * 10.0).round() / 10.0) as f32);
            self.buf.push(((opacity * 100.0).round() / 100.0) as f32);
            i += 1;
        }
        let crowded = self.active.len() > LABELS_UP_TO;
        if crowded != self.crowded
            && let Some(g) = &self.group
        {
            self.crowded = crowded;
            let _ = g.set_attribute("class", if crowded { "tokens crowded" } else { "tokens" });
        }
        if !self.active.is_empty() {
            place(&self.els, &Float32Array::from(self.buf.as_slice()));
        }
        self.active.len()
    }
}
