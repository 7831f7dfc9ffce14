//! Form controls with their labels and current values, keyboard-operable (native inputs).

use leptos::prelude::*;

/// A labelled range slider showing its value.
#[component]
pub fn Slider(
    /// Visible label.
    label: &'static str,
    /// Machine-readable name (`data-control`).
    name: &'static str,
    /// The current value.
    #[prop(into)]
    value: Signal<f64>,
    /// Called with the new value while the slider moves.
    on_input: Callback<f64>,
    /// Smallest value.
    min: f64,
    /// Largest value (may change, e.g. with the graph's size).
    #[prop(into)]
    max: Signal<f64>,
    /// Step.
    step: f64,
    /// Text shown next to the slider (defaults to the value).
    #[prop(optional, into)]
    display: Option<Signal<String>>,
) -> impl IntoView {
    let shown = move || match display {
        Some(d) => d.get(),
        None => crate::widgets::format::fmt_num(value.get(), 3),
    };
    view! {
        <label class="control slider" data-control=name>
            <span class="control-label">{label}</span>
            <input type="range" min=min max=max step=step
                prop:value=move || value.get().to_string()
                on:input=move |ev| {
                    if let Some(v) = crate::widgets::format::parse_num(&event_target_value(&ev)) {
                        on_input.run(v);
                    }
                }/>
            <output>{shown}</output>
        </label>
    }
}

/// A labelled drop-down over `(value, text)` options.
#[component]
pub fn Select(
    /// Visible label.
    label: &'static str,
    /// Machine-readable name (`data-control`).
    name: &'static str,
    /// The options as (value, text).
    options: Vec<(&'static str, &'static str)>,
    /// The selected value.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the chosen value.
    on_change: Callback<String>,
) -> impl IntoView {
    view! {
        <label class="control select" data-control=name>
            <span class="control-label">{label}</span>
            <select on:change=move |ev| on_change.run(event_target_value(&ev)) prop:value=move || value.get()>
                {options
                    .into_iter()
                    .map(|(v, t)| view! { <option value=v selected=move || value.get() == v>{t}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}
