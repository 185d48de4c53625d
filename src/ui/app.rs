//! The application shell: header, toolbar, diagram, side panel, event log and status bar.
//!
//! Owns: wiring the reducer to the components and the shell-wide side effects (theme on
//! `<html>`, keyboard shortcuts). Components below it receive data and callbacks only.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::browser;
use super::diagram::{Diagram, ViewModel};
use super::icons;
use super::panel::SidePanel;
use super::state::{Theme, UiAction, UiState};

/// The whole app. Mount it with `yew::Renderer::<App>`.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| UiState::new(browser::initial_theme()));
    let dispatch: Callback<UiAction> = {
        let state = state.clone();
        Callback::from(move |a| state.dispatch(a))
    };

    use_effect_with(state.theme, |theme| browser::apply_theme(*theme));

    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                // Not passive: a handled shortcut must not also scroll or type.
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&w, "keydown", options, move |e| {
                    if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>()
                        && let Some(action) = shortcut(e)
                    {
                        e.prevent_default();
                        dispatch.emit(action);
                    }
                })
            });
            move || drop(listener)
        });
    }

    let toggle_theme = {
        let dispatch = dispatch.clone();
        let next = state.theme.toggled();
        Callback::from(move |_: MouseEvent| {
            // Only an explicit choice is remembered; until then the system preference rules.
            browser::store_theme(next);
            dispatch.emit(UiAction::ToggleTheme);
        })
    };
    let (theme_label, theme_icon) = match state.theme {
        Theme::Light => ("Switch to dark theme", icons::MOON),
        Theme::Dark => ("Switch to light theme", icons::SUN),
    };
    let zoom_percent = (ViewModel::new(&state).scale * 100.0).round();
    let t = &state.topology;
    let selected_text = state
        .selected
        .and_then(|i| t.nodes.get(i))
        .map(|n| format!("Selected: {} {}", n.kind.word(), n.display_name()));
    let inner: &UiState = &state;
    let rc_state = std::rc::Rc::new(inner.clone());

    html! {
        <div class="app">
            <header class="app-header">
                <div class="brand">
                    <svg class="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
                        <rect width="32" height="32" rx="8" class="logo-bg" />
                        <path class="logo-ears" d="M11.5 14.5c-2-3.5-2.5-8.5-.5-10s3.8 4 3.7 9M20.5 14.5c2-3.5 2.5-8.5.5-10s-3.8 4-3.7 9" />
                        <ellipse class="logo-head" cx="16" cy="19.5" rx="7.5" ry="6.5" />
                        <circle class="logo-eye" cx="13.3" cy="18.6" r="1.1" />
                        <circle class="logo-eye" cx="18.7" cy="18.6" r="1.1" />
                    </svg>
                    <h1 class="brand-name">{ "warren" }</h1>
                </div>
                <p class="tagline">{ "See what RabbitMQ does with every message" }</p>
                <div class="header-actions">
                    <button type="button" class="icon-button theme-toggle" aria-label={theme_label}
                        title={theme_label} onclick={toggle_theme}>{ icons::icon(theme_icon) }</button>
                </div>
            </header>
            <div class="toolbar" role="toolbar" aria-label="Diagram tools">
                <div class="scenario-chip">
                    <span class="chip-label">{ "Scenario" }</span>
                    <strong class="scenario-title">{ t.title.clone() }</strong>
                    <span class="chip-summary">{ t.summary() }</span>
                </div>
                <div class="toolbar-spacer"></div>
                <div class="button-group" role="group" aria-label="Zoom">
                    <button type="button" class="tool-button" aria-label="Zoom out" title="Zoom out (−)"
                        onclick={dispatch.reform(|_: MouseEvent| UiAction::ZoomOut)}>{ icons::icon(icons::ZOOM_OUT) }</button>
                    <output class="zoom-level" aria-label="Zoom level">{ format!("{zoom_percent}%") }</output>
                    <button type="button" class="tool-button" aria-label="Zoom in" title="Zoom in (+)"
                        onclick={dispatch.reform(|_: MouseEvent| UiAction::ZoomIn)}>{ icons::icon(icons::ZOOM_IN) }</button>
                    <button type="button" class="tool-button with-text" aria-label="Zoom to fit" title="Zoom to fit (0)"
                        onclick={dispatch.reform(|_: MouseEvent| UiAction::Fit)}>{ icons::icon(icons::FIT) }<span>{ "Fit" }</span></button>
                </div>
            </div>
            <main class="workspace">
                <section class="diagram-area" aria-label="Diagram">
                    <Diagram state={rc_state} dispatch={dispatch.clone()} />
                </section>
                <SidePanel topology={t.clone()} selected={state.selected} dispatch={dispatch.clone()} />
                <section class="log-area" aria-labelledby="log-title">
                    <h2 id="log-title" class="log-title">{ "Event log" }</h2>
                    <ol class="log" role="log" aria-live="polite">
                        { for state.log.iter().rev().map(|e| html! {
                            <li key={e.seq}><span class="log-seq">{ format!("#{}", e.seq) }</span>{ e.text.clone() }</li>
                        }) }
                    </ol>
                </section>
            </main>
            <footer class="status-bar">
                <span class="status-dot" aria-hidden="true"></span>
                <span role="status" class="status-text">{ selected_text.unwrap_or_else(|| "Ready".to_owned()) }</span>
                <span class="status-spacer"></span>
                <span class="status-model">{ "RabbitMQ 3.10 model · AMQP 0-9-1" }</span>
                <span class="status-version">{ concat!("warren ", env!("CARGO_PKG_VERSION")) }</span>
            </footer>
        </div>
    }
}

/// Maps a key press to a shell action, ignoring presses meant for text fields or with modifiers.
fn shortcut(e: &web_sys::KeyboardEvent) -> Option<UiAction> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    if typing {
        return None;
    }
    match e.key().as_str() {
        "+" | "=" => Some(UiAction::ZoomIn),
        "-" | "_" => Some(UiAction::ZoomOut),
        "0" => Some(UiAction::Fit),
        "Escape" => Some(UiAction::Select(None)),
        _ => None,
    }
}
