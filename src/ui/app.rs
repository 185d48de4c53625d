//! The application shell: header, toolbar (palette, history, layout and zoom), the editing
//! canvas, the inspector, the event log and the status bar.
//!
//! Owns: wiring the reducer to the components and the shell-wide side effects (theme on
//! `<html>`, keyboard shortcuts, autosave). Components below it receive data and callbacks.

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::browser;
use super::canvas::{Canvas, Palette};
use super::editor::autosave;
use super::editor::fields::Target;
use super::editor::graph;
use super::editor::inspector::Inspector;
use super::editor::{EditorAction, EditorState};
use super::icons;
use super::state::{Theme, UiAction, UiState};

/// The whole app. Mount it with `yew::Renderer::<App>`.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let restored = autosave::load();
        UiState::new(browser::initial_theme(), restored.scenario, restored.notice)
    });
    let dispatch: Callback<UiAction> = {
        let state = state.clone();
        Callback::from(move |a| state.dispatch(a))
    };
    let edit: Callback<EditorAction> = dispatch.reform(UiAction::Edit);

    use_effect_with(state.theme, |theme| browser::apply_theme(*theme));

    // Autosave after every change of the document (and once at start).
    {
        let doc = Rc::clone(&state.editor.doc);
        let dispatch = dispatch.clone();
        use_effect_with(state.editor.revision, move |_| {
            match autosave::save(&doc) {
                Ok(()) => {}
                Err(e) => dispatch.emit(UiAction::StorageProblem(Some(format!(
                    "Your diagram could not be saved in this browser: {e}. Keep this tab open or export it."
                )))),
            }
        });
    }

    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                // Not passive: a handled shortcut must not also scroll or type.
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&w, "keydown", options, move |e| {
                    if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>()
                        && !e.default_prevented()
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

    let graph = {
        let doc = Rc::clone(&state.editor.doc);
        use_memo(state.editor.revision, move |_| {
            graph::build(&doc, &BTreeMap::new())
        })
    };

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
    let ed: Rc<EditorState> = Rc::new(state.editor.clone());
    let zoom_percent = (ed.view.scale * 100.0).round();
    let selected_text = match ed.selection.len() {
        0 => "Nothing selected".to_owned(),
        1 => ed
            .primary()
            .and_then(|t| match t {
                Target::Node(id) => graph.index(id).and_then(|i| graph.nodes.get(i)),
                _ => None,
            })
            .map_or_else(
                || "Selected: a binding".to_owned(),
                |n| format!("Selected: {} {}", n.kind.word(), n.name),
            ),
        n => format!("Selected: {n} items"),
    };
    let has_selection = !ed.selection.is_empty();
    let tool = |label: &'static str,
                title: &'static str,
                icon: &'static [&'static str],
                text: Option<&'static str>,
                action: EditorAction,
                disabled: bool| {
        let onclick = edit.reform(move |_: MouseEvent| action.clone());
        html! {
            <button type="button" class={classes!("tool-button", text.is_some().then_some("with-text"))}
                aria-label={label} title={title} {disabled} {onclick}>
                { icons::icon(icon) }{ text.map(|t| html! { <span>{ t }</span> }).unwrap_or_default() }
            </button>
        }
    };
    let storage_notice = state.storage_notice.clone().map(|n| {
        html! {
            <div class="page-notice" role="alert">
                <span>{ n }</span>
                <button type="button" class="small-button" onclick={dispatch.reform(|_: MouseEvent| UiAction::StorageProblem(None))}>{ "Dismiss" }</button>
            </div>
        }
    });

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
                <Palette state={Rc::clone(&ed)} dispatch={edit.clone()} />
                <div class="button-group" role="group" aria-label="History">
                    { tool("Undo", "Undo (Ctrl+Z)", icons::UNDO, None, EditorAction::Undo, !ed.can_undo()) }
                    { tool("Redo", "Redo (Shift+Ctrl+Z)", icons::REDO, None, EditorAction::Redo, !ed.can_redo()) }
                </div>
                <div class="button-group" role="group" aria-label="Selection">
                    { tool("Duplicate", "Duplicate the selection (Ctrl+D)", icons::COPY, None, EditorAction::Duplicate, !has_selection) }
                    { tool("Delete", "Delete the selection (Delete)", icons::TRASH, None, EditorAction::Delete, !has_selection) }
                </div>
                <div class="button-group" role="group" aria-label="Diagram">
                    { tool("New empty diagram", "Start a blank diagram (undoable)", icons::NEW, None, EditorAction::New, false) }
                    { tool("Auto-layout", "Lay the diagram out automatically", icons::LAYOUT, None, EditorAction::AutoLayout, false) }
                    <button type="button" class={classes!("tool-button", ed.snap.then_some("on"))} aria-label="Snap to grid"
                        aria-pressed={if ed.snap { "true" } else { "false" }} title="Snap moved nodes to the grid"
                        onclick={edit.reform(|_: MouseEvent| EditorAction::ToggleSnap)}>{ icons::icon(icons::GRID) }</button>
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
            { storage_notice.unwrap_or_default() }
            <main class="workspace">
                <section class="diagram-area" aria-label="Diagram">
                    <Canvas state={Rc::clone(&ed)} graph={Rc::clone(&graph)} dispatch={edit.clone()} />
                </section>
                <Inspector state={Rc::clone(&ed)} dispatch={edit.clone()} />
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
                <span role="status" class="status-text">{ selected_text }</span>
                <span class="status-spacer"></span>
                <span class="status-model">{ "RabbitMQ 3.10 model · AMQP 0-9-1" }</span>
                <span class="status-version">{ concat!("warren ", env!("CARGO_PKG_VERSION")) }</span>
            </footer>
        </div>
    }
}

/// Maps a key press to an action, ignoring presses meant for text fields.
fn shortcut(e: &web_sys::KeyboardEvent) -> Option<UiAction> {
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    if typing {
        return None;
    }
    let key = e.key();
    if e.ctrl_key() || e.meta_key() {
        return match key.to_lowercase().as_str() {
            "z" if e.shift_key() => Some(UiAction::Edit(EditorAction::Redo)),
            "z" => Some(UiAction::Edit(EditorAction::Undo)),
            "y" => Some(UiAction::Edit(EditorAction::Redo)),
            "d" => Some(UiAction::Edit(EditorAction::Duplicate)),
            "a" => Some(UiAction::Edit(EditorAction::SelectAll)),
            _ => None,
        };
    }
    if e.alt_key() {
        return None;
    }
    match key.as_str() {
        "+" | "=" => Some(UiAction::ZoomIn),
        "-" | "_" => Some(UiAction::ZoomOut),
        "0" => Some(UiAction::Fit),
        "Escape" => Some(UiAction::Edit(EditorAction::Select(None))),
        "Delete" => Some(UiAction::Edit(EditorAction::Delete)),
        _ => None,
    }
}
