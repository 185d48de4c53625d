//! The goals of a challenge lesson in the side panel, with a Check button that runs the engine
//! headless on the current diagram and shows ✓/✗ per goal with what is still wrong.
//!
//! Owns: presenting [`crate::scenario::goals`] verdicts. The checking itself is pure Rust in
//! `scenario::goals` (tested natively); this only renders it in the UI language.
//! Must not be imported by `broker`, `sim` or `scenario`.

use std::rc::Rc;

use yew::prelude::*;

use super::i18n::{Lang, tr, tr_with, use_lang};
use crate::scenario::Scenario;
use crate::scenario::goals::{self, Verdict};

fn sim_lang(lang: Lang) -> crate::sim::Lang {
    match lang {
        Lang::ZhCn => crate::sim::Lang::ZhCn,
        Lang::En => crate::sim::Lang::En,
    }
}

/// Props of [`Goals`].
#[derive(Properties, PartialEq)]
pub struct GoalsProps {
    /// The open document (its lesson's goals are shown).
    pub doc: Rc<Scenario>,
    /// Under the inspector of a selected node: one bar with the Check button and the result,
    /// the goal list folded away, so a teacher can edit and check without leaving the node.
    #[prop_or_default]
    pub compact: bool,
}

/// The goal list and the Check button; nothing for a lesson without goals.
#[function_component(Goals)]
pub fn goals_view(props: &GoalsProps) -> Html {
    let lang = use_lang();
    // The verdicts and the document they were computed for: an edit makes them stale.
    let result = use_state(|| None::<(Rc<Scenario>, Vec<Verdict>)>);
    let Some(lesson) = props.doc.lesson.as_ref().filter(|l| !l.goals.is_empty()) else {
        return Html::default();
    };
    let on_check = {
        let doc = Rc::clone(&props.doc);
        let result = result.clone();
        Callback::from(move |_: MouseEvent| {
            let verdicts = goals::check(&doc);
            result.set(Some((Rc::clone(&doc), verdicts)));
        })
    };
    let current = (*result)
        .as_ref()
        .filter(|(doc, _)| **doc == *props.doc)
        .map(|(_, v)| v.as_slice());
    let l = sim_lang(lang);
    let items = lesson.goals.iter().enumerate().map(|(i, g)| {
        let verdict = current.and_then(|v| v.get(i));
        let (class, mark, label) = match verdict {
            None => ("goal", "○", tr("goals.unchecked")),
            Some(v) if v.passed() => ("goal goal-pass", "✓", tr("goals.pass")),
            Some(_) => ("goal goal-fail", "✗", tr("goals.fail")),
        };
        let why = verdict
            .filter(|v| !v.passed())
            .map(|v| html! { <span class="goal-why">{ goals::explain(v, l) }</span> });
        html! {
            <li class={class}>
                <span class="goal-mark" aria-label={label} title={label}>{ mark }</span>
                <span class="goal-text">{ goals::describe(&goals::named(g, &props.doc), l) }{ why.unwrap_or_default() }</span>
            </li>
        }
    });
    let summary = current.map(|v| {
        let passed = v.iter().filter(|v| v.passed()).count();
        if passed == v.len() {
            html! { <p class="goal-summary goal-pass" role="status">{ tr("goals.all_pass") }</p> }
        } else {
            html! { <p class="goal-summary goal-fail" role="status">{ tr_with("goals.some_fail", &[
            ("passed", &passed.to_string()), ("total", &v.len().to_string())]) }</p> }
        }
    });
    // Compact (under a selected node's inspector): the list folds away and opens by itself
    // once a check finds something still wrong.
    let list = html! { <ul class="goal-list">{ for items }</ul> };
    let list = if props.compact {
        let failing = current.is_some_and(|v| v.iter().any(|v| !v.passed()));
        html! {
            <details open={failing}>
                <summary>{ tr("shell.goals_show") }</summary>
                { list }
            </details>
        }
    } else {
        list
    };
    html! {
        <section class={if props.compact { "lesson-goals goals-compact" } else { "lesson-goals" }} aria-labelledby="goals-title">
            <div class="goal-bar">
                <h3 id="goals-title">{ tr("goals.title") }</h3>
                <button type="button" class="primary-button check-button" onclick={on_check}>{ tr("goals.check") }</button>
            </div>
            { summary.unwrap_or_default() }
            { list }
        </section>
    }
}
