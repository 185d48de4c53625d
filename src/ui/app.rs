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
use super::i18n::{self, Lang, kind_word, tr, tr_with};
use super::icons;
use super::menu::{self, ShellActions};
use super::playback::controller::{self as playback, Cmd, Controller};
use super::playback::view as pb_view;
use super::shell_icons;
use super::state::{Theme, UiAction, UiState};

/// The whole app. Mount it with `yew::Renderer::<App>`.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        // An embed shows the scenario in its link and never touches the user's autosave.
        if menu::page_options().embed {
            let (doc, notice) = menu::embed_start_document();
            return UiState::new(browser::initial_theme(), doc, notice);
        }
        let restored = autosave::load();
        UiState::new(browser::initial_theme(), restored.scenario, restored.notice)
    });
    let dispatch: Callback<UiAction> = {
        let state = state.clone();
        Callback::from(move |a| state.dispatch(a))
    };
    let edit: Callback<EditorAction> = dispatch.reform(UiAction::Edit);
    // The language lives outside the reducer: switching it re-renders in place and changes no
    // document state (selection, history and view stay as they are).
    // A language whose strings are fetched on demand becomes current once they have arrived,
    // so the page switches in one step and never shows keys.
    let lang = use_state(|| {
        let wanted = i18n::initial_language();
        let lang = if i18n::is_loaded(wanted) {
            wanted
        } else {
            Lang::En
        };
        i18n::apply_language(lang);
        lang
    });
    {
        let lang = lang.clone();
        use_effect_with((), move |_| {
            let wanted = i18n::initial_language();
            if wanted != *lang {
                i18n::load(wanted, move |ok| {
                    if ok {
                        i18n::apply_language(wanted);
                        lang.set(wanted);
                    }
                });
            }
        });
    }
    let lang_now = *lang;
    let on_language = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            let picked = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .and_then(|s| Lang::from_tag(&s.value()));
            if let Some(picked) = picked {
                i18n::store_language(picked);
                let lang = lang.clone();
                i18n::load(picked, move |ok| {
                    // On failure the re-render puts the picker back on the language shown.
                    let now = if ok { picked } else { i18n::current() };
                    i18n::apply_language(now);
                    lang.set(now);
                });
            }
        })
    };

    use_effect_with(state.theme, |theme| browser::apply_theme(*theme));

    // Autosave after every change of the document (and once at start).
    {
        let doc = Rc::clone(&state.editor.doc);
        let dispatch = dispatch.clone();
        use_effect_with(state.editor.revision, move |_| {
            if menu::page_options().embed {
                return;
            }
            if let Err(e) = autosave::save(&doc) {
                dispatch.emit(UiAction::StorageProblem(Some(tr_with(
                    "storage.save_failed",
                    &[("error", &e.to_string())],
                ))));
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

    // Playback: the simulator lives outside the reducer (see ui::playback::controller).
    let ctl = use_mut_ref(|| {
        Controller::new(
            crate::scenario::to_sim::to_sim(&state.editor.doc),
            browser::prefers_reduced_motion(),
        )
    });
    let force = use_force_update();
    if let Ok(mut c) = ctl.try_borrow_mut() {
        c.set_rerender(Rc::new(move || force.force_update()));
    }
    // The host page's play/pause/step (embed postMessage API), made once so the shell's
    // message listener is not re-installed on every render.
    let host_playback = {
        let ctl = ctl.clone();
        use_memo((), move |_| {
            Callback::from(move |cmd: menu::PlaybackCommand| {
                let playing = ctl.try_borrow().map(|c| c.pb.playing).unwrap_or(false);
                let run = match cmd {
                    menu::PlaybackCommand::Play => (!playing).then_some(Cmd::PlayPause),
                    menu::PlaybackCommand::Pause => playing.then_some(Cmd::PlayPause),
                    menu::PlaybackCommand::Step => Some(Cmd::Step),
                };
                if let Some(run) = run {
                    playback::run(&ctl, run);
                }
            })
        })
    };
    let send: Callback<Cmd> = {
        let ctl = ctl.clone();
        Callback::from(move |cmd| playback::run(&ctl, cmd))
    };
    let live: Callback<crate::sim::Action> = {
        let ctl = ctl.clone();
        Callback::from(move |a| playback::live(&ctl, a))
    };
    {
        let ctl = ctl.clone();
        let doc = Rc::clone(&state.editor.doc);
        use_effect_with(state.editor.revision, move |_| {
            let sync = ctl
                .try_borrow_mut()
                .map(|mut c| c.sync(crate::scenario::to_sim::to_sim(&doc)))
                .unwrap_or(playback::Sync::Unchanged);
            match sync {
                playback::Sync::Restarted => playback::run(&ctl, Cmd::Reset),
                playback::Sync::Edited => playback::refresh(&ctl),
                playback::Sync::Unchanged => {}
            }
        });
    }
    use_effect(|| {
        // Keep the current log entry in view by scrolling the log only (scrollIntoView would
        // also scroll the page on a phone, away from the diagram).
        let doc = web_sys::window().and_then(|w| w.document());
        let find = |sel: &str| {
            doc.as_ref()
                .and_then(|d| d.query_selector(sel).ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        };
        if let (Some(log), Some(li)) = (find(".pb-log"), find(".pb-log li.current")) {
            let (top, h) = (li.offset_top(), li.offset_height());
            let (view, lh) = (log.scroll_top(), log.client_height());
            if top < view || top + h > view + lh {
                log.set_scroll_top(top + h - lh + 4);
            }
        }
    });
    let tokens_ref = use_node_ref();
    {
        let ctl = ctl.clone();
        let tokens_ref = tokens_ref.clone();
        use_effect(move || {
            if let (Some(g), Ok(mut c)) =
                (tokens_ref.cast::<web_sys::Element>(), ctl.try_borrow_mut())
            {
                c.attach(g);
            }
        });
    }
    {
        let ctl = ctl.clone();
        let send = send.clone();
        use_effect_with((), move |_| {
            let bench = browser::query_number("tokens");
            if let Some(n) = bench
                && let Ok(mut c) = ctl.try_borrow_mut()
            {
                c.set_bench(n);
            }
            if bench.is_some() {
                playback::kick(&ctl);
            }
            let window = web_sys::window();
            let keys = window.as_ref().map(|w| {
                let options = EventListenerOptions::enable_prevent_default();
                let send = send.clone();
                EventListener::new_with_options(w, "keydown", options, move |e| {
                    if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>()
                        && !e.default_prevented()
                        && let Some(cmd) = playback_shortcut(e)
                    {
                        e.prevent_default();
                        send.emit(cmd);
                    }
                })
            });
            // Tokens are not Yew nodes: one listener on the document finds the clicked one.
            let clicks = window.and_then(|w| w.document()).map(|d| {
                EventListener::new(&d, "click", move |e| {
                    let m = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|el| el.closest(".tokens [data-m]").ok().flatten())
                        .and_then(|el| el.get_attribute("data-m"))
                        .and_then(|v| v.parse::<u64>().ok());
                    if let Some(m) = m {
                        send.emit(Cmd::Inspect(Some(crate::broker::MessageId(m))));
                    }
                })
            });
            move || {
                drop(keys);
                drop(clicks);
            }
        });
    }
    // extend, not collect: collecting into a BTree links a stable sort for the type.
    let mut counts: BTreeMap<String, graph::QueueCounts> = BTreeMap::new();
    if let Ok(c) = ctl.try_borrow() {
        counts.extend(
            c.pb.counts()
                .queues
                .into_iter()
                .map(|(q, (ready, unacked))| {
                    (
                        q.to_string(),
                        graph::QueueCounts {
                            ready: u64::from(ready),
                            unacked: u64::from(unacked),
                        },
                    )
                }),
        );
    }
    // Nodes and bindings whose runtime declaration lies ahead on the timeline (after a step
    // back): bindings as (source, destination, to an exchange, BindingKey).
    let mut undeclared: Vec<String> = Vec::new();
    let mut unbound: Vec<(String, String, bool, String)> = Vec::new();
    if let Ok(c) = ctl.try_borrow() {
        for a in c.pb.sim().edits_ahead() {
            match a {
                crate::sim::Action::DeclareExchange(x) => {
                    undeclared.push(format!("exchange:{}", x.name))
                }
                crate::sim::Action::DeclareQueue(q) => undeclared.push(format!("queue:{}", q.name)),
                crate::sim::Action::AddConsumer(c) => undeclared.push(format!("consumer:{}", c.id)),
                crate::sim::Action::AddProducer(p) => undeclared.push(format!("producer:{}", p.id)),
                crate::sim::Action::Bind(b) => unbound.push((
                    b.source.clone(),
                    b.destination.clone(),
                    b.to_exchange,
                    b.binding_key.clone(),
                )),
                _ => {}
            }
        }
    }
    let graph = {
        let doc = Rc::clone(&state.editor.doc);
        use_memo(
            // The labels are in the UI language: rebuild on a switch.
            (state.editor.revision, counts, undeclared, unbound, lang_now),
            move |(_, counts, undeclared, unbound, _)| {
                let mut g = graph::build(&doc, counts);
                for n in &mut g.nodes {
                    n.undeclared = undeclared.contains(&n.id.to_string());
                }
                for (i, b) in doc.topology.bindings.iter().enumerate() {
                    let to_exchange =
                        b.destination_type == crate::scenario::DestinationType::Exchange;
                    if unbound.iter().any(|(s, d, x, k)| {
                        *s == b.source
                            && *d == b.destination
                            && *x == to_exchange
                            && *k == b.routing_key
                    }) {
                        g.unbound.push(i);
                    }
                }
                g
            },
        )
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
        Theme::Light => (tr("theme.to_dark"), icons::MOON),
        Theme::Dark => (tr("theme.to_light"), icons::SUN),
    };
    let ed: Rc<EditorState> = Rc::new(state.editor.clone());
    if let Ok(mut c) = ctl.try_borrow_mut() {
        c.positions = pb_view::positions(&graph, &|p| ed.to_draw(p), &ed.doc);
        c.pb.set_lang(match i18n::current() {
            Lang::ZhCn => crate::sim::Lang::ZhCn,
            Lang::En => crate::sim::Lang::En,
        });
    }
    let (vx, vy, vw, vh) = ed.view.view_box(
        ed.viewport
            .unwrap_or(super::editor::state::Size { w: 960.0, h: 540.0 }),
    );
    // num::fixed, not `{:.1}`: keeps core's float formatter out of the wasm.
    let view_box = [vx, vy, vw, vh].map(|v| super::num::fixed(v, 1)).join(" ");
    let context: Vec<String> = state
        .log
        .iter()
        .rev()
        .take(1)
        .map(|e| e.text.clone())
        .collect();
    let flash = ctl
        .try_borrow()
        .map(|c| pb_view::matched_bindings(&c, &ed.doc))
        .unwrap_or_default();
    // Live controls act on the one selected producer or consumer.
    let live_target = match (ed.selection.len(), ed.primary()) {
        (1, Some(Target::Node(id))) => Some(id.clone()),
        _ => None,
    };
    let (pb_bar, pb_overlay, pb_caption, pb_log, pb_chart, pb_panel) = match ctl.try_borrow() {
        Ok(c) => (
            pb_view::controls(
                &c,
                &send,
                super::playback::actions::buttons(&c, live_target.as_ref(), &live),
            ),
            pb_view::overlay(&c, &ed.doc, view_box, &tokens_ref, &send),
            pb_view::caption(&c),
            pb_view::event_log(&c, &send, &context),
            pb_view::depth_chart(&c),
            c.selected.map(|m| pb_view::message_panel(&c, &send, m)),
        ),
        Err(_) => Default::default(),
    };
    let zoom_percent = (ed.view.scale * 100.0).round();
    let selected_text = match ed.selection.len() {
        0 => tr("status.nothing_selected").to_owned(),
        1 => ed
            .primary()
            .and_then(|t| match t {
                Target::Node(id) => graph.index(id).and_then(|i| graph.nodes.get(i)),
                _ => None,
            })
            .map_or_else(
                || tr("status.selected_binding").to_owned(),
                |n| {
                    tr_with(
                        "status.selected_node",
                        &[("kind", kind_word(n.kind.word())), ("name", &n.name)],
                    )
                },
            ),
        n => tr_with("status.selected_items", &[("count", &n.to_string())]),
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
                <button type="button" class="small-button" onclick={dispatch.reform(|_: MouseEvent| UiAction::StorageProblem(None))}>{ tr("notice.dismiss") }</button>
            </div>
        }
    });

    html! {
        <ContextProvider<Lang> context={lang_now}>
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
                <p class="tagline">{ tr("app.tagline") }</p>
                <div class="header-actions">
                    <ShellActions doc={Rc::clone(&ed.doc)} edit={edit.clone()} playback={Some((*host_playback).clone())} />
                    <label class="lang-picker" title={tr("lang.label")}>
                        <span class="visually-hidden">{ tr("lang.label") }</span>
                        { icons::icon(shell_icons::GLOBE) }
                        <select class="lang-select" aria-label={tr("lang.label")} onchange={on_language}>
                            { for Lang::ALL.iter().map(|l| html! {
                                <option value={l.tag()} lang={l.tag()} selected={*l == lang_now}>{ l.native_name() }</option>
                            }) }
                        </select>
                    </label>
                    <button type="button" class="icon-button theme-toggle" aria-label={theme_label}
                        title={theme_label} onclick={toggle_theme}>{ icons::icon(theme_icon) }</button>
                </div>
            </header>
            <div class="toolbar" role="toolbar" aria-label={tr("toolbar.label")}>
                <Palette state={Rc::clone(&ed)} dispatch={edit.clone()} />
                <div class="button-group" role="group" aria-label={tr("toolbar.history")}>
                    { tool(tr("tool.undo"), tr("tool.undo.title"), icons::UNDO, None, EditorAction::Undo, !ed.can_undo()) }
                    { tool(tr("tool.redo"), tr("tool.redo.title"), icons::REDO, None, EditorAction::Redo, !ed.can_redo()) }
                </div>
                <div class="button-group" role="group" aria-label={tr("toolbar.selection")}>
                    { tool(tr("tool.duplicate"), tr("tool.duplicate.title"), icons::COPY, None, EditorAction::Duplicate, !has_selection) }
                    { tool(tr("tool.delete"), tr("tool.delete.title"), icons::TRASH, None, EditorAction::Delete, !has_selection) }
                </div>
                <div class="button-group" role="group" aria-label={tr("toolbar.diagram")}>
                    { tool(tr("tool.new"), tr("tool.new.title"), icons::NEW, None, EditorAction::New, false) }
                    { tool(tr("tool.layout"), tr("tool.layout.title"), icons::LAYOUT, None, EditorAction::AutoLayout, false) }
                    <button type="button" class={classes!("tool-button", ed.snap.then_some("on"))} aria-label={tr("tool.snap")}
                        aria-pressed={if ed.snap { "true" } else { "false" }} title={tr("tool.snap.title")}
                        onclick={edit.reform(|_: MouseEvent| EditorAction::ToggleSnap)}>{ icons::icon(icons::GRID) }</button>
                </div>
                <div class="toolbar-spacer"></div>
                <div class="button-group" role="group" aria-label={tr("toolbar.zoom")}>
                    <button type="button" class="tool-button" aria-label={tr("tool.zoom_out")} title={tr("tool.zoom_out.title")}
                        onclick={dispatch.reform(|_: MouseEvent| UiAction::ZoomOut)}>{ icons::icon(icons::ZOOM_OUT) }</button>
                    <output class="zoom-level" aria-label={tr("tool.zoom_level")}>{ format!("{}%", super::num::fixed(zoom_percent, 0)) }</output>
                    <button type="button" class="tool-button" aria-label={tr("tool.zoom_in")} title={tr("tool.zoom_in.title")}
                        onclick={dispatch.reform(|_: MouseEvent| UiAction::ZoomIn)}>{ icons::icon(icons::ZOOM_IN) }</button>
                    <button type="button" class="tool-button with-text" aria-label={tr("tool.fit")} title={tr("tool.fit.title")}
                        onclick={dispatch.reform(|_: MouseEvent| UiAction::Fit)}>{ icons::icon(icons::FIT) }<span>{ tr("tool.fit.text") }</span></button>
                </div>
            </div>
            { pb_bar }
            { storage_notice.unwrap_or_default() }
            <main class="workspace">
                <section class="diagram-area" aria-label={tr("area.diagram")}>
                    <Canvas state={Rc::clone(&ed)} graph={Rc::clone(&graph)} dispatch={edit.clone()}
                        flash={Rc::new(flash.0)} flash_phase={flash.1} />
                    { pb_overlay }
                </section>
                { pb_caption }
                { match pb_panel {
                    Some(panel) => panel,
                    None => html! { <Inspector state={Rc::clone(&ed)} dispatch={edit.clone()} /> },
                } }
                <section class="log-area" aria-labelledby="log-title">
                    <h2 id="log-title" class="log-title">{ tr("log.title") }</h2>
                    <div class="log-body">
                        { pb_log }
                        { pb_chart }
                    </div>
                </section>
            </main>
            <footer class="status-bar">
                <span class="status-dot" aria-hidden="true"></span>
                <span role="status" class="status-text">{ selected_text }</span>
                <span class="status-spacer"></span>
                <span class="status-model">{ tr("app.model") }</span>
                <span class="status-version">{ concat!("warren ", env!("CARGO_PKG_VERSION")) }</span>
            </footer>
        </div>
        </ContextProvider<Lang>>
    }
}

/// Space plays or pauses, → steps, ← steps back; never while typing or on a focused control
/// (where Space and the arrows already mean something).
fn playback_shortcut(e: &web_sys::KeyboardEvent) -> Option<Cmd> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let busy = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
            ) || el
                .closest("[contenteditable], .node")
                .ok()
                .flatten()
                .is_some()
        });
    if busy {
        return None;
    }
    match e.key().as_str() {
        " " => Some(Cmd::PlayPause),
        "ArrowRight" => Some(Cmd::Step),
        "ArrowLeft" => Some(Cmd::StepBack),
        _ => None,
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
        return match key.to_ascii_lowercase().as_str() {
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
