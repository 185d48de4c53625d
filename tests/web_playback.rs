//! Playback state in headless Chromium (wasm32): the same steps give the same log text as the
//! native golden trace, step back returns to identical states, and the App's Step button and
//! token layer work in a real page.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::time::Duration;

use gloo::timers::future::sleep;
use warren::scenario::presets;
use warren::scenario::to_sim::to_sim;
use warren::ui::App;
use warren::ui::playback::model::Playback;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("golden/work-queues.trace");

fn work_queues() -> Playback {
    let parsed = presets::load("work-queues").expect("preset");
    Playback::new(to_sim(&parsed.scenario))
}

#[wasm_bindgen_test]
fn stepping_in_wasm_matches_the_native_golden_trace() {
    let mut pb = work_queues();
    let lines: Vec<&str> = GOLDEN.lines().filter(|l| l.starts_with("t=")).collect();
    assert_eq!(lines.len(), 50);
    for line in &lines {
        let e = pb.step().expect("an event");
        assert_eq!(&e.line(warren::sim::Lang::En), line);
    }
    assert!(pb.step().is_none());
    let end = pb.counts();
    pb.seek(7);
    let mid = (pb.position(), pb.counts(), pb.last_event().cloned());
    pb.seek(50);
    assert_eq!(pb.counts(), end);
    pb.seek(7);
    assert_eq!((pb.position(), pb.counts(), pb.last_event().cloned()), mid);
}

#[wasm_bindgen_test]
async fn the_step_button_advances_the_log_and_draws_a_token() {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let root = doc.create_element("div").expect("div");
    root.set_attribute("style", "width:1280px;height:720px")
        .expect("style");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    sleep(Duration::from_millis(100)).await;
    let step = root
        .query_selector("button[aria-label='Step']")
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        .expect("a Step button");
    // The default diagram (hello world): subscription, then the first publish.
    step.click();
    sleep(Duration::from_millis(60)).await;
    step.click();
    sleep(Duration::from_millis(80)).await;
    let current = root
        .query_selector(".pb-log li.current")
        .ok()
        .flatten()
        .and_then(|li| li.text_content())
        .unwrap_or_default();
    assert!(current.contains("published m0"), "{current}");
    let tokens = root
        .query_selector_all(".tokens > g:not([visibility])")
        .expect("query")
        .length();
    assert!(tokens >= 1, "a token moves for the publish");
    handle.destroy();
    root.remove();
}
