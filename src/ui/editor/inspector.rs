//! The inspector panel: every field of the selected exchange, queue, binding, producer or
//! consumer, with validation shown inline as you type; the scenario's title and lesson when
//! nothing is selected.
//!
//! Owns: rendering [`super::fields`] as labelled form controls. Values come from the model or
//! from a kept draft; every input is sent as text to the reducer, which decides.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::scenario::{DestinationType, ExchangeKind, NodeId, Scenario};

use super::fields::{self, Field, Input, Target};
use super::graph::display_exchange;
use super::state::{EditorAction, EditorState};
use crate::ui::i18n::{tr, tr_with};

/// Props of [`Inspector`].
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The editor.
    pub state: Rc<EditorState>,
    /// Where edits go.
    pub dispatch: Callback<EditorAction>,
}

fn input_value(e: &Event) -> String {
    let Some(t) = e.target() else {
        return String::new();
    };
    if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
        if i.type_() == "checkbox" {
            return if i.checked() { "true" } else { "false" }.to_owned();
        }
        return i.value();
    }
    if let Some(s) = t.dyn_ref::<web_sys::HtmlSelectElement>() {
        return s.value();
    }
    if let Some(a) = t.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return a.value();
    }
    String::new()
}

fn kind_title(t: &Target, s: &Scenario) -> (String, &'static str) {
    match t {
        Target::Node(NodeId::Producer(id)) => {
            let name = s
                .producers
                .iter()
                .find(|p| &p.id == id)
                .map_or(id.as_str(), |p| p.name.as_str());
            (
                tr_with("editor.inspector.title_producer", &[("name", name)]),
                "node-producer",
            )
        }
        Target::Node(NodeId::Consumer(id)) => {
            let name = s
                .consumers
                .iter()
                .find(|p| &p.id == id)
                .map_or(id.as_str(), |p| p.name.as_str());
            (
                tr_with("editor.inspector.title_consumer", &[("name", name)]),
                "node-consumer",
            )
        }
        Target::Node(NodeId::Exchange(x)) => (
            tr_with(
                "editor.inspector.title_exchange",
                &[("name", display_exchange(x))],
            ),
            "node-exchange",
        ),
        Target::Node(NodeId::Queue(q)) => (
            tr_with("editor.inspector.title_queue", &[("name", q)]),
            "node-queue",
        ),
        Target::Binding(i) => {
            let text = s.topology.bindings.get(*i).map_or_else(String::new, |b| {
                tr_with(
                    "editor.inspector.title_binding",
                    &[("source", &b.source), ("destination", &b.destination)],
                )
            });
            (text, "node-exchange")
        }
        Target::Scenario => (s.title.clone(), ""),
    }
}

fn field_id(f: Field, suffix: &str) -> String {
    format!("field-{}{suffix}", f.name())
}

/// One labelled control. `suffix` keeps ids unique when a field repeats (binding lists).
fn field_view(
    st: &EditorState,
    target: &Target,
    f: Field,
    suffix: &str,
    label: Option<String>,
    dispatch: &Callback<EditorAction>,
) -> Html {
    let s = &st.doc;
    let draft = st.drafts.get(&(target.clone(), f));
    let value = draft
        .map(|d| d.text.clone())
        .or_else(|| fields::get(s, target, f))
        .unwrap_or_default();
    let id = field_id(f, suffix);
    let err_id = format!("{id}-error");
    let error = draft.map(|d| d.error.clone());
    let invalid = if error.is_some() { "true" } else { "false" };
    let described = error.as_ref().map(|_| err_id.clone());
    let emit = {
        let dispatch = dispatch.clone();
        let target = target.clone();
        move |e: Event| {
            dispatch.emit(EditorAction::SetField {
                target: target.clone(),
                field: f,
                value: input_value(&e),
            })
        }
    };
    let on_input = {
        let emit = emit.clone();
        Callback::from(move |e: InputEvent| emit(e.into()))
    };
    let on_change = Callback::from(emit);
    let label = label.unwrap_or_else(|| f.label().to_owned());
    let options = |opts: Vec<(String, String)>| -> Html {
        let mut opts = opts;
        if !opts.iter().any(|(v, _)| *v == value) {
            opts.push((value.clone(), format!("{value} (not declared)")));
        }
        opts.into_iter()
            .map(|(v, l)| {
                let sel = v == value;
                html! { <option value={v} selected={sel}>{ l }</option> }
            })
            .collect()
    };
    let control = match f.input() {
        Input::Check => {
            return html! {
                <div class="field check" key={id.clone()}>
                    <input type="checkbox" id={id.clone()} checked={value == "true"} onchange={on_change}
                        aria-invalid={invalid} aria-describedby={described} />
                    <label for={id}>{ label }</label>
                    { error.map(|e| html! { <p class="field-error" id={err_id} role="alert">{ e }</p> }).unwrap_or_default() }
                </div>
            };
        }
        Input::Text | Input::Number => {
            let mode = if f.input() == Input::Number {
                "decimal"
            } else {
                "text"
            };
            html! { <input type="text" inputmode={mode} id={id.clone()} value={value.clone()}
            oninput={on_input} aria-invalid={invalid} aria-describedby={described}
            spellcheck="false" autocomplete="off" /> }
        }
        Input::Lines => html! {
            <textarea id={id.clone()} value={value.clone()} rows="3" oninput={on_input}
                aria-invalid={invalid} aria-describedby={described} spellcheck="false" />
        },
        Input::Choice(list) => html! {
            <select id={id.clone()} onchange={on_change} aria-invalid={invalid} aria-describedby={described}>
                { options(list.iter().map(|(v, l)| ((*v).to_owned(), tr(l).to_owned())).collect()) }
            </select>
        },
        Input::ExchangeRef => {
            let mut list = fields::exchange_choices(s);
            if f != Field::PExchange {
                // For alternate and dead-letter exchanges, "" means none, not the default exchange.
                list[0] = (String::new(), tr("editor.inspector.none").to_owned());
            }
            html! {
                <select id={id.clone()} onchange={on_change} aria-invalid={invalid} aria-describedby={described}>
                    { options(list) }
                </select>
            }
        }
        Input::QueueRef => {
            let mut list = vec![(String::new(), tr("editor.inspector.none").to_owned())];
            list.extend(
                s.topology
                    .queues
                    .iter()
                    .map(|q| (q.name.clone(), q.name.clone())),
            );
            html! {
                <select id={id.clone()} onchange={on_change} aria-invalid={invalid} aria-describedby={described}>
                    { options(list) }
                </select>
            }
        }
    };
    // Selects are keyed by their target too: a <select> reused for another item could keep the
    // other item's choice. Text inputs keep their key so a rename does not steal focus.
    let key = if matches!(f.input(), Input::Text | Input::Number | Input::Lines) {
        id.clone()
    } else {
        format!("{id}@{}", target.key())
    };
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))} key={key}>
            <label for={id}>{ label }</label>
            { control }
            { error.map(|e| html! { <p class="field-error" id={err_id} role="alert">{ e }</p> }).unwrap_or_default() }
        </div>
    }
}

fn bindings_view(st: &EditorState, t: &Target, dispatch: &Callback<EditorAction>) -> Html {
    let s = &st.doc;
    let rows: Vec<(usize, String)> = s
        .topology
        .bindings
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match t {
            Target::Node(NodeId::Exchange(x)) if &b.source == x => Some((
                i,
                tr_with(
                    if b.destination_type == DestinationType::Queue {
                        "editor.inspector.to_queue"
                    } else {
                        "editor.inspector.to_exchange"
                    },
                    &[("name", &b.destination)],
                ),
            )),
            Target::Node(NodeId::Queue(q))
                if b.destination_type == DestinationType::Queue && &b.destination == q =>
            {
                Some((
                    i,
                    tr_with("editor.inspector.from_exchange", &[("name", &b.source)]),
                ))
            }
            Target::Node(NodeId::Exchange(x))
                if b.destination_type == DestinationType::Exchange && &b.destination == x =>
            {
                Some((
                    i,
                    tr_with("editor.inspector.from_exchange", &[("name", &b.source)]),
                ))
            }
            _ => None,
        })
        .collect();
    let list = rows
        .into_iter()
        .map(|(i, what)| {
            let headers = s
                .topology
                .bindings
                .get(i)
                .and_then(|b| s.exchange(&b.source))
                .is_some_and(|x| x.kind == ExchangeKind::Headers);
            let bt = Target::Binding(i);
            let field = if headers { Field::BArgs } else { Field::BKey };
            let label = tr_with("editor.inspector.binding_key_of", &[("what", &what)]);
            let remove = dispatch.reform(move |_: MouseEvent| EditorAction::RemoveBinding(i));
            html! {
                <li key={i}>
                    { field_view(st, &bt, field, &format!("-b{i}"), Some(if headers { tr_with("editor.inspector.header_args_of", &[("what", &what)]) } else { label }), dispatch) }
                    <button type="button" class="small-button" onclick={remove}
                        aria-label={tr_with("editor.inspector.remove_binding_of", &[("what", &what)])}>{ tr("editor.inspector.remove") }</button>
                </li>
            }
        })
        .collect::<Html>();
    let add = if let Target::Node(dest) = t {
        let own = match dest {
            NodeId::Exchange(x) => x.clone(),
            _ => String::new(),
        };
        let sources: Vec<String> = s
            .topology
            .exchanges
            .iter()
            .map(|x| x.name.clone())
            .filter(|n| *n != own)
            .chain(
                ["amq.direct", "amq.fanout", "amq.topic", "amq.headers"]
                    .into_iter()
                    .map(str::to_owned),
            )
            .collect();
        let select = NodeRef::default();
        let onclick = {
            let select = select.clone();
            let dispatch = dispatch.clone();
            let dest = dest.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(sel) = select.cast::<web_sys::HtmlSelectElement>() {
                    dispatch.emit(EditorAction::AddBinding {
                        source: sel.value(),
                        destination: dest.clone(),
                    });
                }
            })
        };
        html! {
            <div class="add-binding" key={format!("add-binding@{dest}")}>
                <label for="bind-source">{ tr("editor.inspector.bind_from") }</label>
                <select id="bind-source" ref={select}>
                    { for sources.into_iter().enumerate().map(|(i, n)| html! { <option value={n.clone()} selected={i == 0}>{ n }</option> }) }
                </select>
                <button type="button" class="small-button" {onclick}>{ tr("editor.inspector.add_binding") }</button>
            </div>
        }
    } else {
        Html::default()
    };
    html! {
        <section class="bindings" aria-label={tr("editor.inspector.bindings")}>
            <h3>{ tr("editor.inspector.bindings") }</h3>
            <ul class="binding-list">{ list }</ul>
            { add }
        </section>
    }
}

/// The inspector.
#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let st = &props.state;
    let s = &st.doc;
    let dispatch = &props.dispatch;
    let panel = use_node_ref();
    // Re-render on a language switch: preset lessons are shown in the UI language.
    let _lang = crate::ui::i18n::use_lang();
    {
        let panel = panel.clone();
        use_effect_with(st.focus_inspector, move |n| {
            if *n > 0
                && let Some(el) = panel.cast::<web_sys::Element>()
                && let Ok(Some(first)) = el.query_selector("input, select, textarea")
                && let Some(h) = first.dyn_ref::<web_sys::HtmlElement>()
            {
                let _ = h.focus();
            }
        });
    }
    let body = if st.selection.len() > 1 {
        html! {
            <>
                <h2 id="inspector-title">{ tr_with("editor.inspector.items_selected", &[("count", &st.selection.len().to_string())]) }</h2>
                <div class="inspector-actions">
                    <button type="button" class="small-button" onclick={dispatch.reform(|_: MouseEvent| EditorAction::Duplicate)}>{ tr("editor.inspector.duplicate") }</button>
                    <button type="button" class="small-button danger" onclick={dispatch.reform(|_: MouseEvent| EditorAction::Delete)}>{ tr("editor.inspector.delete") }</button>
                </div>
            </>
        }
    } else if let Some(t) = st.primary() {
        let (title, swatch) = kind_title(t, s);
        let predeclared = matches!(t, Target::Node(NodeId::Exchange(x)) if s.exchange(x).is_none());
        let explain = match t {
            Target::Node(NodeId::Exchange(x)) if x.is_empty() => {
                Some(tr("editor.inspector.default_exchange"))
            }
            Target::Node(NodeId::Exchange(_)) if predeclared => {
                Some(tr("editor.inspector.predeclared"))
            }
            _ => None,
        };
        let fl = fields::fields_for(s, t)
            .into_iter()
            .map(|f| field_view(st, t, f, "", None, dispatch))
            .collect::<Html>();
        let bindings = match t {
            Target::Node(NodeId::Exchange(_)) | Target::Node(NodeId::Queue(_)) if !predeclared => {
                bindings_view(st, t, dispatch)
            }
            _ => Html::default(),
        };
        let actions = if predeclared {
            Html::default()
        } else {
            html! {
                <div class="inspector-actions">
                    { if matches!(t, Target::Node(_)) { html! {
                        <button type="button" class="small-button" onclick={dispatch.reform(|_: MouseEvent| EditorAction::Duplicate)}>{ tr("editor.inspector.duplicate") }</button>
                    } } else { Html::default() } }
                    <button type="button" class="small-button danger" onclick={dispatch.reform(|_: MouseEvent| EditorAction::Delete)}>
                        { if matches!(t, Target::Binding(_)) { tr("editor.inspector.delete_binding") } else { tr("editor.inspector.delete") } }</button>
                </div>
            }
        };
        html! {
            <>
                <div class="panel-head">
                    <p class="eyebrow">{ tr("editor.inspector.eyebrow") }</p>
                    <button type="button" class="icon-button" aria-label={tr("editor.inspector.close")} title={tr("editor.inspector.close_title")}
                        onclick={dispatch.reform(|_: MouseEvent| EditorAction::Select(None))}>{ super::super::icons::icon(super::super::icons::CLOSE) }</button>
                </div>
                <h2 id="inspector-title" title={title.clone()}><span class={classes!("swatch", swatch)} aria-hidden="true"></span>{ title }</h2>
                { explain.map(|e| html! { <p class="muted">{ e }</p> }).unwrap_or_default() }
                <form class="fields" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>{ fl }</form>
                { bindings }
                { actions }
                // A challenge stays checkable while a node is being edited.
                <crate::ui::goals::Goals doc={std::rc::Rc::clone(s)} compact=true />
            </>
        }
    } else {
        // Preset lessons in the UI language (see `ui::lessons`); the user's own text as written.
        let lesson = crate::ui::lessons::localized_lesson(s);
        let lesson = lesson.as_ref();
        html! {
            <>
                <p class="eyebrow">{ tr("editor.inspector.scenario") }</p>
                <h2 id="inspector-title">{ s.title.clone() }</h2>
                <form class="fields" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    { field_view(st, &Target::Scenario, Field::Title, "", Some(tr("editor.inspector.scenario_title").to_owned()), dispatch) }
                </form>
                { lesson.map(|l| html! { <p>{ l.explanation.clone() }</p> }).unwrap_or_default() }
                // A challenge's goals and Check come right after what to do, before the hints.
                <crate::ui::goals::Goals doc={std::rc::Rc::clone(s)} />
                { lesson.filter(|l| !l.watch_for.is_empty()).map(|l| html! { <>
                    <h3>{ crate::ui::i18n::tr("lesson.watch_for") }</h3>
                    <ul>{ for l.watch_for.iter().map(|w| html! { <li>{ w.clone() }</li> }) }</ul>
                </> }).unwrap_or_default() }
                { lesson.filter(|l| !l.try_this.is_empty()).map(|l| html! { <>
                    <h3>{ crate::ui::i18n::tr("lesson.try_this") }</h3>
                    <ul>{ for l.try_this.iter().map(|w| html! { <li>{ w.clone() }</li> }) }</ul>
                </> }).unwrap_or_default() }
                <p class="hint">{ tr("editor.inspector.hint") }</p>
            </>
        }
    };
    html! {
        <aside class="side-panel inspector" aria-label={tr("editor.inspector.eyebrow")} ref={panel}>
            <section class="panel-card" aria-labelledby="inspector-title">{ body }</section>
        </aside>
    }
}
