//! The shell's document actions in the header (lessons, open, save, export, share, embed) with
//! their dialogs, the page notices they raise, and the page-level input they handle: the URL
//! fragment at start and on `hashchange`, and the host page's postMessage API in embed mode.
//!
//! Owns: deciding what to open from outside input (links, files, host messages) and reporting
//! what could not be opened. The document itself changes only through `EditorAction::Load`, so
//! a bad link, file or message never touches the open work or its autosave.
//! Must not be imported by `broker`, `sim` or `scenario`.

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::scenario::Scenario;

use super::editor::EditorAction;
pub use super::embed::PlaybackCommand;
use super::embed::{self, EmbedOptions, HostCommand};
use super::i18n::{Lang, tr, tr_with, use_lang};
use super::icons;
use super::lessons;
use super::share::{self, EmbedChoice};
use super::shell_icons;
use super::{export, files};

/// The page's embed options, read once from the URL.
pub fn page_options() -> EmbedOptions {
    thread_local! {
        static OPTIONS: EmbedOptions = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .map(|q| EmbedOptions::from_query(&q))
            .unwrap_or_default();
    }
    OPTIONS.with(|o| *o)
}

/// Marks `<html>` with `embed` / `embed-readonly` so the stylesheet shows only the diagram and
/// the playback controls. Called before the first render.
pub fn apply_page_mode() {
    let o = page_options();
    if !o.embed {
        return;
    }
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let list = root.class_list();
        let _ = list.add_1("embed");
        if o.readonly {
            let _ = list.add_1("embed-readonly");
        }
    }
}

/// The document an embed starts with: the one in the URL fragment, else Hello World. An embed
/// never reads or writes the autosave (it would show, or overwrite, the user's own work).
pub fn embed_start_document() -> (Scenario, Option<String>) {
    let hash = location_hash();
    match share::open_fragment(&hash) {
        Ok(Some(opened)) => (opened.scenario, None),
        Ok(None) => (
            lessons::preset_scenario("hello-world")
                .unwrap_or_else(super::editor::ops::empty_scenario),
            None,
        ),
        Err(e) => (
            super::editor::ops::empty_scenario(),
            Some(tr_with("link.bad", &[("error", &e)])),
        ),
    }
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The app's address without query or fragment, for share and embed links.
fn base_url() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let end = href.find(['?', '#']).unwrap_or(href.len());
    href[..end].to_owned()
}

/// Removes the fragment from the address bar without reloading, so that a reload restores the
/// autosaved work instead of opening the link again over it.
fn clear_hash() {
    if let Some(w) = web_sys::window()
        && let Ok(history) = w.history()
    {
        let loc = w.location();
        let url = format!(
            "{}{}",
            loc.pathname().unwrap_or_default(),
            loc.search().unwrap_or_default()
        );
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Posts a `warren:event` message to the host page, if there is one.
pub fn post_to_host(kind: &str, detail: &[(&str, serde_json::Value)]) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    if js_sys::Object::is(&parent, &w) {
        return;
    }
    let text = embed::event_message(kind, detail).to_string();
    if let Ok(value) = js_sys::JSON::parse(&text) {
        // Events carry nothing private (the scenario is the host's own), so any origin may read them.
        let _ = parent.post_message(&value, "*");
    }
}

/// Most simulation events posted to the host per batch (a frame at 64× can hold hundreds).
const MAX_FORWARDED: usize = 100;

/// Posts simulation events to the host page as `warren:event` messages with `kind` (the event
/// kind, e.g. `delivered`), `index`, `time_ms` and `text` (the explanation in `lang`); only in
/// embed mode and only to the parent window. Of a large batch, the last events are posted.
pub fn forward_events(events: &[crate::sim::SimEvent], lang: crate::sim::Lang) {
    if events.is_empty() || !page_options().embed {
        return;
    }
    for e in &events[events.len().saturating_sub(MAX_FORWARDED)..] {
        post_to_host(
            e.what.kind(),
            &[
                ("index", e.index.into()),
                ("time_ms", e.time.ms().into()),
                ("text", crate::sim::render(&e.what, lang).into()),
            ],
        );
    }
}

/// After "Run to idle": forwards the run's last events (at most [`MAX_FORWARDED`], from the
/// playback log `recent`, whose events from index `from` on are the run's), then one
/// `run_to_idle` event with how many events ran, so the host knows what it did not hear.
pub fn forward_run(
    recent: &std::collections::VecDeque<crate::sim::SimEvent>,
    from: u64,
    ran: u64,
    lang: crate::sim::Lang,
) {
    if !page_options().embed {
        return;
    }
    // The run's events are the log's tail; the log may hold fewer (it is bounded).
    let run = recent.iter().rev().take_while(|e| e.index >= from).count();
    let start = recent.len() - run.min(MAX_FORWARDED);
    let (a, b) = recent.as_slices();
    let (a, b) = if start < a.len() {
        (&a[start..], b)
    } else {
        (&a[..0], b.get(start - a.len()..).unwrap_or_default())
    };
    forward_events(a, lang);
    forward_events(b, lang);
    post_to_host("run_to_idle", &[("events", ran.into())]);
}

/// Copies `text` with the async clipboard API; false when the page may not.
pub(crate) fn copy_to_clipboard(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null());
    let Some(clipboard) = clipboard else {
        return false;
    };
    let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match write {
        Some(f) => match f.call1(&clipboard, &JsValue::from_str(text)) {
            Ok(p) => {
                // A refused write (no permission) must not surface as an unhandled rejection.
                if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                    let ignore = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|_| {});
                    let _ = p.catch(&ignore);
                    ignore.forget();
                }
                true
            }
            Err(_) => false,
        },
        None => false,
    }
}

/// A page notice.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Something failed (an alert) rather than news (a status).
    pub error: bool,
    /// The text.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialog {
    Lessons,
    Export,
    Share,
    Embed,
    Rabbit,
}

/// Props of [`ShellActions`].
#[derive(Properties, PartialEq)]
pub struct ShellActionsProps {
    /// The open document.
    pub doc: Rc<Scenario>,
    /// Where opened documents go (`EditorAction::Load`).
    pub edit: Callback<EditorAction>,
    /// Playback commands from the host page. The playback integration passes its controls'
    /// callback here; without one, commands are acknowledged to the host as `unavailable`.
    #[prop_or_default]
    pub playback: Option<Callback<PlaybackCommand>>,
}

/// Header buttons, dialogs and notices of the shell's document actions.
#[function_component(ShellActions)]
pub fn shell_actions(props: &ShellActionsProps) -> Html {
    let lang = use_lang();
    let dialog = use_state(|| None::<Dialog>);
    let notice = use_state(|| None::<Notice>);
    let options = page_options();

    // Opening from the URL fragment: at start and whenever the fragment changes.
    {
        let edit = props.edit.clone();
        let notice = notice.setter();
        use_effect_with((), move |_| {
            let open = move || {
                let hash = location_hash();
                match share::open_fragment(&hash) {
                    Ok(None) => {}
                    Ok(Some(opened)) => {
                        let title = lessons::localized_title(&opened.scenario);
                        edit.emit(EditorAction::Load(Rc::new(opened.scenario)));
                        let mut text = tr_with("link.opened", &[("title", &title)]);
                        if !opened.warnings.is_empty() {
                            text.push(' ');
                            text.push_str(&tr_with(
                                "file.warnings",
                                &[("warnings", &opened.warnings.join("; "))],
                            ));
                        }
                        notice.set(Some(Notice { error: false, text }));
                        clear_hash();
                    }
                    Err(e) => notice.set(Some(Notice {
                        error: true,
                        text: tr_with("link.bad", &[("error", &e)]),
                    })),
                }
            };
            // An embed opened its fragment at start already (see `embed_start_document`).
            if !page_options().embed {
                open();
            }
            let listener =
                web_sys::window().map(|w| EventListener::new(&w, "hashchange", move |_| open()));
            move || drop(listener)
        });
    }

    // The host page's messages (only from the parent window).
    {
        let edit = props.edit.clone();
        let playback = props.playback.clone();
        let notice = notice.setter();
        use_effect_with((), move |_| {
            if page_options().autoplay
                && let Some(cb) = &playback
            {
                cb.emit(PlaybackCommand::Play);
            }
            let listener = web_sys::window().map(|w| {
                let me = w.clone();
                EventListener::new(&w, "message", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
                        return;
                    };
                    let from_parent = match (e.source(), me.parent()) {
                        (Some(src), Ok(Some(parent))) => {
                            !js_sys::Object::is(&parent, &me) && js_sys::Object::is(&src, &parent)
                        }
                        _ => false,
                    };
                    if !from_parent {
                        return;
                    }
                    let Some(text) = js_sys::JSON::stringify(&e.data())
                        .ok()
                        .and_then(|s| s.as_string())
                    else {
                        return;
                    };
                    match embed::parse_message_text(&text) {
                        None => {}
                        Some(HostCommand::Load(s)) => {
                            let title = s.title.clone();
                            edit.emit(EditorAction::Load(Rc::new(*s)));
                            notice.set(None);
                            post_to_host("loaded", &[("title", title.into())]);
                        }
                        Some(HostCommand::BadScenario(why)) => {
                            post_to_host("error", &[("message", why.into())]);
                        }
                        Some(HostCommand::Playback(cmd)) => match &playback {
                            Some(cb) => {
                                cb.emit(cmd);
                                post_to_host(cmd.as_str(), &[]);
                            }
                            None => {
                                post_to_host("unavailable", &[("command", cmd.as_str().into())])
                            }
                        },
                    }
                })
            });
            post_to_host("ready", &[]);
            move || drop(listener)
        });
    }

    let open_dialog = |d: Dialog| {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(Some(d)))
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_: ()| dialog.set(None))
    };

    // Open file: a hidden file input, clicked by the button.
    let file_input = use_node_ref();
    let on_open_click = super::files::pick_file(file_input.clone());
    let on_file = {
        let edit = props.edit.clone();
        let notice = notice.setter();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let name = file.name();
            let size = file.size();
            let edit = edit.clone();
            let notice = notice.clone();
            if size > crate::scenario::limits::MAX_INPUT_BYTES as f64 {
                notice.set(Some(Notice {
                    error: true,
                    text: tr_with(
                        "file.bad",
                        &[
                            ("name", &name),
                            ("error", &tr_with("file.too_big", &[("limit", "4 MiB")])),
                        ],
                    ),
                }));
                return;
            }
            let file = gloo::file::File::from(file);
            yew::platform::spawn_local(async move {
                let text = gloo::file::futures::read_as_text(&file).await;
                let outcome = match text {
                    Err(e) => Err(e.to_string()),
                    Ok(text) => files::read_text(&text)
                        .map_err(|e| crate::ui::editor::messages::scenario_error(&e)),
                };
                match outcome {
                    Ok(opened) => {
                        let title = opened.scenario.title.clone();
                        edit.emit(EditorAction::Load(Rc::new(opened.scenario)));
                        let mut text =
                            tr_with("file.opened", &[("name", &name), ("title", &title)]);
                        if !opened.warnings.is_empty() {
                            text.push(' ');
                            text.push_str(&tr_with(
                                "file.warnings",
                                &[("warnings", &opened.warnings.join("; "))],
                            ));
                        }
                        notice.set(Some(Notice { error: false, text }));
                    }
                    Err(e) => notice.set(Some(Notice {
                        error: true,
                        text: tr_with("file.bad", &[("name", &name), ("error", &e)]),
                    })),
                }
            });
        })
    };
    let on_save = {
        let doc = Rc::clone(&props.doc);
        let notice = notice.setter();
        Callback::from(move |_: MouseEvent| {
            let name = files::file_name(&doc.title, "warren.json");
            if let Err(e) = files::download(doc.to_json().as_bytes(), "application/json", &name) {
                notice.set(Some(Notice {
                    error: true,
                    text: tr_with("save.failed", &[("error", &e)]),
                }));
            }
        })
    };

    let button = |class: &'static str,
                  label: &'static str,
                  text: Option<&'static str>,
                  icon: &'static [&'static str],
                  onclick: Callback<MouseEvent>| {
        html! {
            <button type="button" class={classes!("tool-button", class, text.is_some().then_some("with-text"))}
                aria-label={label} title={label} {onclick}>
                { icons::icon(icon) }
                { text.map(|t| html! { <span class="button-text">{ t }</span> }).unwrap_or_default() }
            </button>
        }
    };

    let dismiss = {
        let notice = notice.setter();
        Callback::from(move |_: MouseEvent| notice.set(None))
    };
    let notice_view = (*notice).clone().map(|n| {
        let role = if n.error { "alert" } else { "status" };
        html! {
            <div class={classes!("shell-notice", n.error.then_some("error"))} role={role}>
                <span class="shell-notice-text">{ n.text }</span>
                <button type="button" class="small-button" onclick={dismiss.clone()}>{ tr("notice.dismiss") }</button>
            </div>
        }
    });

    let notify = {
        let notice = notice.setter();
        Callback::from(move |n: Notice| notice.set(Some(n)))
    };
    let dialog_view = (*dialog).map(|d| match d {
        Dialog::Lessons => lessons_dialog(lang, &props.edit, &close),
        Dialog::Export => html! { <ExportDialog doc={Rc::clone(&props.doc)} close={close.clone()} /> },
        Dialog::Share => html! { <ShareDialog doc={Rc::clone(&props.doc)} close={close.clone()} embed={false} /> },
        Dialog::Embed => html! { <ShareDialog doc={Rc::clone(&props.doc)} close={close.clone()} embed={true} /> },
        Dialog::Rabbit => html! { <super::rabbitmq::RabbitDialog doc={Rc::clone(&props.doc)} edit={props.edit.clone()}
            notify={notify.clone()} close={close.clone()} /> },
    });

    let open_full = options.embed.then(|| {
        let href = share::share_url(&base_url(), &props.doc);
        html! {
            <a class="embed-open" href={href} target="_blank" rel="noopener">
                { tr("embed.open_full") }<span aria-hidden="true">{ " ↗" }</span></a>
        }
    });

    html! {
        <div class="shell-actions">
            { button("lessons-button", tr("lessons.open"), Some(tr("lessons.short")), icons::BOOK, open_dialog(Dialog::Lessons)) }
            <div class="button-group" role="group" aria-label={tr("file.group")}>
                { button("open-button", tr("file.open"), None, shell_icons::OPEN, on_open_click) }
                { button("save-button", tr("file.save"), None, shell_icons::SAVE, on_save) }
                { button("export-button", tr("export.open"), None, shell_icons::IMAGE, open_dialog(Dialog::Export)) }
                { button("defs-button", tr("defs.open"), None, shell_icons::RABBITMQ, open_dialog(Dialog::Rabbit)) }
            </div>
            <input ref={file_input} type="file" class="visually-hidden" tabindex="-1" aria-hidden="true"
                accept=".json,application/json" onchange={on_file} />
            { button("share-button", tr("share.open"), Some(tr("share.short")), shell_icons::SHARE, open_dialog(Dialog::Share)) }
            { button("embed-button", tr("embed.open"), None, shell_icons::EMBED, open_dialog(Dialog::Embed)) }
            { open_full.unwrap_or_default() }
            { dialog_view.unwrap_or_default() }
            { notice_view.unwrap_or_default() }
        </div>
    }
}

/// Props of [`Modal`].
#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// Id of the title element.
    pub title_id: AttrValue,
    /// The title.
    pub title: AttrValue,
    /// Called on Escape, the close button or a click on the backdrop.
    pub close: Callback<()>,
    /// Extra class.
    #[prop_or_default]
    pub class: Classes,
    /// Body.
    pub children: Html,
}

/// A modal dialog: focus moves into it on open and back when it closes; Escape closes it.
#[function_component(Modal)]
pub fn modal(props: &ModalProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with((), move |_| {
            let previous = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(el) = node.cast::<web_sys::Element>() {
                let target = el
                    .query_selector("[data-autofocus], button:not(.modal-close), input, textarea")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(t) = target {
                    let _ = t.focus();
                }
            }
            move || {
                if let Some(p) = previous {
                    let _ = p.focus();
                }
            }
        });
    }
    let onkeydown = {
        let close = props.close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                // The app's own Escape (clear selection) must not also run.
                e.prevent_default();
                e.stop_propagation();
                close.emit(());
            }
        })
    };
    let on_backdrop = {
        let close = props.close.clone();
        Callback::from(move |e: MouseEvent| {
            let on_backdrop = e
                .target()
                .zip(e.current_target())
                .is_some_and(|(t, c)| js_sys::Object::is(&t, &c));
            if on_backdrop {
                close.emit(());
            }
        })
    };
    html! {
        <div class="modal-backdrop" onclick={on_backdrop}>
            <div class={classes!("modal", props.class.clone())} role="dialog" aria-modal="true"
                aria-labelledby={props.title_id.clone()} ref={node} {onkeydown}>
                <div class="modal-head">
                    <h2 id={props.title_id.clone()}>{ props.title.clone() }</h2>
                    <button type="button" class="icon-button modal-close" aria-label={tr("dialog.close")}
                        title={tr("dialog.close")} onclick={props.close.reform(|_: MouseEvent| ())}>
                        { icons::icon(icons::CLOSE) }</button>
                </div>
                { props.children.clone() }
            </div>
        </div>
    }
}

fn lessons_dialog(lang: Lang, edit: &Callback<EditorAction>, close: &Callback<()>) -> Html {
    let items = lessons::preset_docs().iter().enumerate().map(|(i, p)| {
        let onclick = {
            let edit = edit.clone();
            let close = close.clone();
            let doc = p.scenario.clone();
            Callback::from(move |_: MouseEvent| {
                edit.emit(EditorAction::Load(Rc::new(doc.clone())));
                close.emit(());
            })
        };
        let challenge = p
            .scenario
            .lesson
            .as_ref()
            .is_some_and(|l| !l.goals.is_empty());
        let badge = if challenge {
            tr("lessons.challenge").to_owned()
        } else if i < 7 {
            tr_with("lessons.tutorial", &[("n", &(i + 1).to_string())])
        } else {
            tr("lessons.more").to_owned()
        };
        html! {
            <li key={p.id}>
                <button type="button" class="preset-item" data-preset={p.id} {onclick}>
                    <span class="preset-badge">{ badge }</span>
                    <strong class="preset-title">{ lessons::preset_title(p.id, lang) }</strong>
                    <span class="preset-summary">{ lessons::preset_summary(p.id, lang) }</span>
                </button>
            </li>
        }
    });
    html! {
        <Modal title_id="lessons-title" title={tr("lessons.title")} close={close.clone()} class="lessons-dialog">
            <p class="muted">{ tr("lessons.intro") }</p>
            <ul class="preset-list">{ for items }</ul>
        </Modal>
    }
}

/// Props of [`ShareDialog`].
#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    /// The open document.
    pub doc: Rc<Scenario>,
    /// Closes the dialog.
    pub close: Callback<()>,
    /// The embed variant (an `<iframe>` snippet) instead of a link.
    pub embed: bool,
}

/// The Share dialog (a link) or the Embed dialog (an `<iframe>` snippet), with copy buttons.
#[function_component(ShareDialog)]
pub fn share_dialog(props: &ShareDialogProps) -> Html {
    let _lang = use_lang();
    let choice = use_state(EmbedChoice::default);
    let copied = use_state(|| false);
    let field = use_node_ref();
    let base = base_url();
    let preset = lessons::unchanged_preset(&props.doc);
    let text = if props.embed {
        share::iframe_snippet(&base, &props.doc, *choice)
    } else {
        share::share_url(&base, &props.doc)
    };
    let on_copy = {
        let text = text.clone();
        let copied = copied.clone();
        let field = field.clone();
        Callback::from(move |_: MouseEvent| {
            // Selecting the text also lets the user copy it by hand if the clipboard is refused.
            if let Some(el) = field.cast::<web_sys::HtmlTextAreaElement>() {
                el.select();
            }
            copied.set(copy_to_clipboard(&text));
        })
    };
    let toggle = |set: fn(&mut EmbedChoice, bool), on: bool| {
        let choice = choice.clone();
        let copied = copied.clone();
        Callback::from(move |e: Event| {
            let checked = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some_and(|i| i.checked());
            let mut c = *choice;
            set(&mut c, checked);
            copied.set(false);
            choice.set(c);
            let _ = on;
        })
    };
    let about = if props.embed {
        tr("embed.intro").to_owned()
    } else if let Some(id) = preset {
        tr_with("share.preset", &[("id", id)])
    } else {
        tr_with("share.whole", &[("length", &text.len().to_string())])
    };
    let (title_id, title, copy_label) = if props.embed {
        ("embed-title", tr("embed.title"), tr("embed.copy"))
    } else {
        ("share-title", tr("share.title"), tr("share.copy"))
    };
    let options = props.embed.then(|| {
        let preview = share::embed_url(&base, &props.doc, *choice);
        html! {
            <>
                <div class="embed-options">
                    <label><input type="checkbox" checked={choice.autoplay}
                        onchange={toggle(|c, v| c.autoplay = v, choice.autoplay)} />{ tr("embed.autoplay") }</label>
                    <label><input type="checkbox" checked={choice.readonly}
                        onchange={toggle(|c, v| c.readonly = v, choice.readonly)} />{ tr("embed.readonly") }</label>
                </div>
                <p class="muted small">{ tr("embed.api") }{ " " }
                    <a href="embed-example.html" target="_blank" rel="noopener">{ tr("embed.example") }</a>
                    { " · " }<a href={preview} target="_blank" rel="noopener">{ tr("embed.preview") }</a></p>
            </>
        }
    });
    html! {
        <Modal title_id={title_id} title={title} close={props.close.clone()} class="share-dialog">
            <p class="muted">{ about }</p>
            { options.unwrap_or_default() }
            <label class="field">
                <span class="field-label">{ if props.embed { tr("embed.snippet") } else { tr("share.link") } }</span>
                <textarea ref={field} class="share-text" readonly=true rows={if props.embed { "5" } else { "3" }}
                    spellcheck="false" value={text.clone()} />
            </label>
            <div class="modal-actions">
                <button type="button" class="primary-button" data-autofocus="" onclick={on_copy}>{ copy_label }</button>
                <span class="copied" role="status">{ if *copied { tr("share.copied") } else { "" } }</span>
            </div>
        </Modal>
    }
}

/// Props of [`ExportDialog`].
#[derive(Properties, PartialEq)]
pub struct ExportDialogProps {
    /// The open document.
    pub doc: Rc<Scenario>,
    /// Closes the dialog.
    pub close: Callback<()>,
}

/// Export the diagram as a picture.
#[function_component(ExportDialog)]
pub fn export_dialog(props: &ExportDialogProps) -> Html {
    let _lang = use_lang();
    let status = use_state(|| None::<(bool, String)>);
    let title = props.doc.title.clone();
    let on_svg = {
        let status = status.clone();
        let title = title.clone();
        Callback::from(move |_: MouseEvent| {
            status.set(Some(match export::save_svg(&title) {
                Ok(()) => (false, tr("export.done").to_owned()),
                Err(e) => (true, tr_with("export.failed", &[("error", &e)])),
            }));
        })
    };
    let on_png = {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            let later = status.setter();
            let result = export::save_png(&title, move |r| {
                later.set(Some(match r {
                    Ok(()) => (false, tr("export.done").to_owned()),
                    Err(e) => (true, tr_with("export.failed", &[("error", &e)])),
                }));
            });
            if let Err(e) = result {
                status.set(Some((true, tr_with("export.failed", &[("error", &e)]))));
            }
        })
    };
    html! {
        <Modal title_id="export-title" title={tr("export.title")} close={props.close.clone()} class="export-dialog">
            <p class="muted">{ tr("export.intro") }</p>
            <div class="modal-actions">
                <button type="button" class="primary-button" onclick={on_svg}>{ tr("export.svg") }</button>
                <button type="button" class="primary-button" onclick={on_png}>{ tr("export.png") }</button>
            </div>
            { (*status).clone().map(|(error, text)| html! {
                <p class={classes!("export-status", error.then_some("error"))} role={if error { "alert" } else { "status" }}>{ text }</p>
            }).unwrap_or_default() }
        </Modal>
    }
}
