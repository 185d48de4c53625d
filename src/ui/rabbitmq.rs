//! The "RabbitMQ definitions" dialog: import a `definitions.json` (choosing the virtual host when
//! the file has several) as the new diagram, export the diagram's topology as one, and show the
//! Python (pika) client code generated for the diagram, each file copyable and downloadable.
//!
//! Owns: the browser side of [`crate::scenario::definitions`]. An import replaces the document
//! only through `EditorAction::Load` (one undoable step, autosaved like any edit); a file that
//! cannot be imported changes nothing and its error names the JSON path.
//! Must not be imported by `broker`, `sim` or `scenario`.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::editor::{EditorAction, ops};
use super::i18n::{tr, tr_with, use_lang};
use super::menu::{Modal, Notice};
use super::{files, lessons};
use crate::scenario::Scenario;
use crate::scenario::codegen::{self, GeneratedFile};
use crate::scenario::definitions::{export_definitions, import_definitions, topology_vhosts};
use crate::scenario::limits::MAX_INPUT_BYTES;

/// Imports `text` (from file `name`) for `vhost` as an editor document, with the notes to show.
pub fn import_text(text: &str, vhost: Option<&str>) -> Result<(Scenario, Vec<String>), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let imported = import_definitions(text, vhost).map_err(|e| e.to_string())?;
    let mut scenario = imported.scenario;
    ops::ensure_layout(&mut scenario);
    lessons::normalize(&mut scenario);
    Ok((
        scenario,
        imported.warnings.iter().map(ToString::to_string).collect(),
    ))
}

/// Props of [`RabbitDialog`].
#[derive(Properties, PartialEq)]
pub struct RabbitDialogProps {
    /// The open document (exported).
    pub doc: Rc<Scenario>,
    /// Where an imported document goes.
    pub edit: Callback<EditorAction>,
    /// Page notices (the outcome of an import).
    pub notify: Callback<Notice>,
    /// Closes the dialog.
    pub close: Callback<()>,
}

/// A file read and waiting for the user to pick one of its virtual hosts.
#[derive(Clone, PartialEq)]
struct Pending {
    name: String,
    text: Rc<str>,
    vhosts: Vec<String>,
}

/// Import and export of RabbitMQ definitions.json.
#[function_component(RabbitDialog)]
pub fn rabbit_dialog(props: &RabbitDialogProps) -> Html {
    let _lang = use_lang();
    let pending = use_state(|| None::<Pending>);
    let status = use_state(|| None::<(bool, String)>);
    let file_input = use_node_ref();
    let code = use_state(|| None::<Rc<Vec<GeneratedFile>>>);
    let copied = use_state(|| None::<String>);

    // Imports and, on success, replaces the document and closes; on failure says why here.
    let finish = {
        let edit = props.edit.clone();
        let notify = props.notify.clone();
        let close = props.close.clone();
        let status = status.setter();
        Rc::new(
            move |name: &str, text: &str, vhost: Option<&str>| match import_text(text, vhost) {
                Ok((scenario, warnings)) => {
                    let nodes = scenario.nodes().len().to_string();
                    edit.emit(EditorAction::Load(Rc::new(scenario)));
                    let mut text = tr_with("defs.imported", &[("name", name), ("nodes", &nodes)]);
                    if !warnings.is_empty() {
                        text.push(' ');
                        text.push_str(&tr_with(
                            "file.warnings",
                            &[("warnings", &warnings.join("; "))],
                        ));
                    }
                    notify.emit(Notice { error: false, text });
                    close.emit(());
                }
                Err(e) => status.set(Some((
                    true,
                    tr_with("defs.bad", &[("name", name), ("error", &e)]),
                ))),
            },
        )
    };

    let on_pick = super::files::pick_file(file_input.clone());
    let on_file = {
        let finish = Rc::clone(&finish);
        let pending = pending.setter();
        let status = status.setter();
        Callback::from(move |e: Event| {
            let Some(file) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            let name = file.name();
            if file.size() > MAX_INPUT_BYTES as f64 {
                let error = tr_with("file.too_big", &[("limit", "4 MiB")]);
                status.set(Some((
                    true,
                    tr_with("defs.bad", &[("name", &name), ("error", &error)]),
                )));
                return;
            }
            let file = gloo::file::File::from(file);
            let finish = Rc::clone(&finish);
            let pending = pending.clone();
            let status = status.clone();
            yew::platform::spawn_local(async move {
                match gloo::file::futures::read_as_text(&file).await {
                    Err(e) => status.set(Some((
                        true,
                        tr_with("defs.bad", &[("name", &name), ("error", &e.to_string())]),
                    ))),
                    Ok(text) => {
                        let vhosts = topology_vhosts(&text);
                        if vhosts.len() > 1 {
                            status.set(None);
                            pending.set(Some(Pending {
                                name,
                                text: Rc::from(text),
                                vhosts,
                            }));
                        } else {
                            finish(&name, &text, None);
                        }
                    }
                }
            });
        })
    };

    let on_export = {
        let doc = Rc::clone(&props.doc);
        let status = status.setter();
        Callback::from(move |_: MouseEvent| {
            let (json, warnings) = export_definitions(&doc, "/");
            let name = files::file_name(&doc.title, "definitions.json");
            status.set(Some(
                match files::download(json.as_bytes(), "application/json", &name) {
                    Ok(()) if warnings.is_empty() => (false, tr("export.done").to_owned()),
                    Ok(()) => (
                        false,
                        format!(
                            "{} {}",
                            tr("export.done"),
                            tr_with(
                                "file.warnings",
                                &[(
                                    "warnings",
                                    &warnings
                                        .iter()
                                        .map(ToString::to_string)
                                        .collect::<Vec<_>>()
                                        .join("; ")
                                )]
                            )
                        ),
                    ),
                    Err(e) => (true, tr_with("export.failed", &[("error", &e)])),
                },
            ));
        })
    };

    let on_code = {
        let doc = Rc::clone(&props.doc);
        let code = code.setter();
        Callback::from(move |_: MouseEvent| code.set(Some(Rc::new(codegen::pika(&doc)))))
    };
    let code_view = (*code).clone().map(|files_list| {
        let items = files_list.iter().map(|f| {
            let on_copy = {
                let text = f.contents.clone();
                let name = f.name.clone();
                let copied = copied.setter();
                Callback::from(move |_: MouseEvent| {
                    if super::menu::copy_to_clipboard(&text) {
                        copied.set(Some(name.clone()));
                    }
                })
            };
            let on_download = {
                let text = f.contents.clone();
                let name = f.name.clone();
                let status = status.setter();
                Callback::from(move |_: MouseEvent| {
                    if let Err(e) = files::download(
                        text.as_bytes(),
                        if name.ends_with(".py") {
                            "text/x-python"
                        } else {
                            "text/plain"
                        },
                        &name,
                    ) {
                        status.set(Some((true, tr_with("export.failed", &[("error", &e)]))));
                    }
                })
            };
            let done = copied.as_deref() == Some(f.name.as_str());
            html! {
                <li key={f.name.clone()} class="code-file">
                    <div class="code-file-head">
                        <code class="code-file-name">{ f.name.clone() }</code>
                        <button type="button" class="small-button" onclick={on_copy}>{ if done { tr("share.copied") } else { tr("code.copy") } }</button>
                        <button type="button" class="small-button" onclick={on_download}>{ tr("code.download") }</button>
                    </div>
                    <textarea class="share-text code-text" readonly=true rows="8" spellcheck="false"
                        aria-label={f.name.clone()} value={f.contents.clone()} />
                </li>
            }
        });
        html! {
            <section class="code-files" aria-labelledby="code-title">
                <h3 id="code-title">{ tr("code.title") }</h3>
                <p class="muted small">{ tr("code.intro") }</p>
                <ul class="code-list">{ for items }</ul>
            </section>
        }
    });

    let choice = (*pending).clone().map(|p| {
        let buttons = p.vhosts.iter().take(50).map(|v| {
            let finish = Rc::clone(&finish);
            let p = p.clone();
            let vhost = v.clone();
            let onclick = Callback::from(move |_: MouseEvent| finish(&p.name, &p.text, Some(&vhost)));
            html! {
                <li key={v.clone()}><button type="button" class="small-button vhost-choice" data-vhost={v.clone()} {onclick}>{ v.clone() }</button></li>
            }
        });
        html! {
            <div class="vhost-choose" role="group" aria-labelledby="vhost-title">
                <p id="vhost-title">{ tr_with("defs.choose_vhost", &[("name", &p.name), ("count", &p.vhosts.len().to_string())]) }</p>
                <ul class="vhost-list">{ for buttons }</ul>
            </div>
        }
    });

    html! {
        <Modal title_id="defs-title" title={tr("defs.title")} close={props.close.clone()} class="defs-dialog">
            <p class="muted">{ tr("defs.intro") }</p>
            <div class="modal-actions">
                <button type="button" class="primary-button defs-import" onclick={on_pick}>{ tr("defs.import") }</button>
                <button type="button" class="primary-button defs-export" onclick={on_export}>{ tr("defs.export") }</button>
                <button type="button" class="primary-button defs-code" onclick={on_code}>{ tr("code.generate") }</button>
            </div>
            <input ref={file_input} type="file" class="visually-hidden defs-file" tabindex="-1" aria-hidden="true"
                accept=".json,application/json" onchange={on_file} />
            { choice.unwrap_or_default() }
            { (*status).clone().map(|(error, text)| html! {
                <p class={classes!("export-status", error.then_some("error"))} role={if error { "alert" } else { "status" }}>{ text }</p>
            }).unwrap_or_default() }
            { code_view.unwrap_or_default() }
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_VHOSTS: &str = include_str!("../../tests/fixtures/definitions/two-vhosts.json");

    #[test]
    fn an_import_is_laid_out_and_errors_name_the_path() {
        let (s, _) = import_text(TWO_VHOSTS, Some("shop")).unwrap_or_else(|e| panic!("{e}"));
        assert!(!s.topology.queues.is_empty());
        for n in s.nodes() {
            assert!(s.layout.contains_key(&n.to_string()), "{n} has no position");
        }
        let e = import_text(
            r#"{"queues": [{"name": "q", "arguments": {"x-max-length": -1}}]}"#,
            None,
        )
        .err()
        .unwrap_or_default();
        assert!(e.contains("queues[0].arguments.x-max-length"), "{e}");
        let e = import_text("{\"queues\": [", None)
            .err()
            .unwrap_or_default();
        assert!(e.starts_with("not valid JSON"), "{e}");
    }
}
