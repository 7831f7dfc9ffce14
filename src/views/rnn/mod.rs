//! The RNN/LSTM view (seed 001): the unrolled network stepped through time, one unit's
//! equations with live numbers, the LSTM's gates, and backpropagation through time with the
//! per-step gradient norm of a vanilla RNN and an LSTM side by side.

mod diagram;
mod equations;
mod gates;
mod gradients;
pub mod state;
pub mod train;
mod training;

use crate::engine::ops::Activation;
use crate::hooks::use_url_state;
use crate::route::Route;
use crate::widgets::controls::{Select, Slider};
use diagram::Diagram;
use equations::Equations;
use gates::GateHeatmaps;
use gradients::GradientPanel;
use leptos::prelude::*;
use state::{run, CellChoice, Preset, RnnState, MAX_HIDDEN, MAX_LEN};
use training::TrainingPanel;

/// Direction of the step animation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Play {
    Stopped,
    Forward,
    Backward,
}

/// The RNN/LSTM page.
#[component]
pub fn RnnView() -> impl IntoView {
    let (state, link_error) = use_url_state::<RnnState>(Route::Rnn);
    // The engine runs only when a model-relevant field changes — not when the student steps
    // through time, picks a unit or switches the cell shown.
    let model_state = Memo::new(move |_| {
        state.with(|s| RnnState {
            step: 0,
            unit: 0,
            cell: CellChoice::Vanilla,
            train: train::TrainConfig::default(),
            ..s.clone()
        })
    });
    // The engine's run, counted (data-engine-runs: a test checks steps reuse it) and timed
    // (data-engine-ms: the browser benchmark reads it).
    let crate::views::EngineRun {
        latest,
        run,
        runs: engine_runs,
        ms: engine_ms,
    } = crate::views::use_engine_run(model_state, run);
    // The quantity (x, h, C, a gate) pointed at in one panel and highlighted in the others.
    let link = RwSignal::new(None::<&'static str>);
    let t_len = Memo::new(move |_| run.with(|r| r.as_ref().map_or(1, |r| r.len())));
    let step = Memo::new(move |_| state.with(|s| s.step).clamp(1, t_len.get()));
    let set_step = move |t: usize| state.update(|s| s.step = t.clamp(1, t_len.get_untracked()));

    // Play / pause: a bounded timer that moves the selected step one column per tick.
    let play = RwSignal::new(Play::Stopped);
    let timer = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        timer.set_value(None);
        play.set(Play::Stopped);
    };
    let start = move |dir: Play| {
        stop();
        if dir == Play::Forward && step.get_untracked() >= t_len.get_untracked() {
            set_step(1);
        }
        if dir == Play::Backward && step.get_untracked() <= 1 {
            set_step(t_len.get_untracked());
        }
        play.set(dir);
        let h = set_interval_with_handle(
            move || {
                let (t, n) = (step.get_untracked(), t_len.get_untracked());
                match play.get_untracked() {
                    Play::Forward if t < n => set_step(t + 1),
                    Play::Backward if t > 1 => set_step(t - 1),
                    _ => stop(),
                }
            },
            std::time::Duration::from_millis(280),
        );
        timer.set_value(h.ok());
    };
    on_cleanup(move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
    });
    let toggle = move || {
        if play.get_untracked() == Play::Stopped {
            start(Play::Forward)
        } else {
            stop()
        }
    };

    // Keyboard: ←/→ step, space plays/pauses — unless the student is typing in a field.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| {
                matches!(
                    el.tag_name().as_str(),
                    "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
                )
            });
        if typing {
            return;
        }
        match ev.key().as_str() {
            "ArrowRight" => {
                ev.prevent_default();
                set_step(step.get_untracked() + 1);
            }
            "ArrowLeft" => {
                ev.prevent_default();
                set_step(step.get_untracked().saturating_sub(1));
            }
            " " => {
                ev.prevent_default();
                toggle();
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let num = |f: fn(&RnnState) -> f64| Signal::derive(move || state.with(f));
    let set =
        move |f: fn(&mut RnnState, f64)| Callback::new(move |v: f64| state.update(|s| f(s, v)));
    let input_text = RwSignal::new(state.with_untracked(|s| s.input.clone()));

    let controls = view! {
        <div class="panel controls" role="group" aria-label="model controls">
            <div class="cell-switch" role="group" aria-label="cell shown">
                {[(CellChoice::Vanilla, "Vanilla RNN"), (CellChoice::Lstm, "LSTM")]
                    .into_iter()
                    .map(|(c, label)| {
                        view! {
                            <button class="toggle" data-cell=label
                                aria-pressed=move || if state.with(|s| s.cell) == c { "true" } else { "false" }
                                on:click=move |_| state.update(|s| s.cell = c)>{label}</button>
                        }
                    })
                    .collect_view()}
            </div>
            <Select label="σ_h (vanilla)" name="activation"
                options=vec![("tanh", "tanh"), ("relu", "ReLU"), ("sigmoid", "sigmoid"), ("identity", "identity (linear RNN)")]
                value=Signal::derive(move || serde_json::to_value(state.with(|s| s.activation)).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default())
                on_change=Callback::new(move |v: String| {
                    if let Ok(a) = serde_json::from_value::<Activation>(serde_json::Value::String(v)) {
                        state.update(|s| s.activation = a);
                    }
                })/>
            <Slider label="Sequence length T" name="len" min=1.0 max=MAX_LEN as f64 step=1.0
                value=num(|s| s.len as f64)
                on_input=Callback::new(move |v: f64| state.update(|s| { s.len = v as usize; s.input.clear(); s.step = s.len; input_text.set(String::new()); }))/>
            <Slider label="Hidden size n_h" name="hidden" min=1.0 max=MAX_HIDDEN as f64 step=1.0
                value=num(|s| s.hidden as f64) on_input=set(|s, v| s.hidden = v as usize)/>
            <Slider label="σ_max(W_hh)" name="sigma" min=0.1 max=2.5 step=0.05
                value=num(|s| s.sigma) on_input=set(|s, v| s.sigma = v)/>
            <Slider label="Forget bias b_f (LSTM)" name="forget_bias" min=-3.0 max=5.0 step=0.1
                value=num(|s| s.forget_bias) on_input=set(|s, v| s.forget_bias = v)/>
            <Slider label="Clip ‖g‖ at" name="clip" min=0.0 max=5.0 step=0.1
                value=num(|s| s.clip) on_input=set(|s, v| s.clip = v)
                display=Signal::derive(move || { let c = state.with(|s| s.clip); if c > 0.0 { crate::widgets::format::fmt_num(c, 2) } else { "off".into() } })/>
            <Slider label="Truncation window k" name="window" min=0.0 max=MAX_LEN as f64 step=1.0
                value=num(|s| s.window as f64) on_input=set(|s, v| s.window = v as usize)
                display=Signal::derive(move || { let k = state.with(|s| s.window); if k > 0 { k.to_string() } else { "full BPTT".into() } })/>
            <label class="control" data-control="seed">
                <span class="control-label">"Seed"</span>
                <input type="number" min="0" prop:value=move || state.with(|s| s.seed).to_string()
                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u64>() { state.update(|s| s.seed = v) } }/>
                <button on:click=move |_| state.update(|s| s.seed = s.seed.wrapping_add(1))>"New seed"</button>
            </label>
            <label class="control input-seq" data-control="input">
                <span class="control-label">"Input x⁽¹⁾ … x⁽ᵀ⁾ (numbers; empty = seeded random)"</span>
                <textarea rows="2" spellcheck="false" prop:value=move || input_text.get()
                    on:input=move |ev| input_text.set(event_target_value(&ev))
                    on:change=move |_| state.update(|s| s.input = input_text.get_untracked())></textarea>
            </label>
        </div>
    };

    let presets = Preset::ALL
        .into_iter()
        .map(|p| {
            view! {
                <button class="preset" on:click=move |_| {
                    stop();
                    // A preset sets the story's model; the training panel keeps its settings.
                    let s = RnnState { train: state.with_untracked(|s| s.train.clone()), ..p.state() };
                    input_text.set(s.input.clone());
                    state.set(s);
                }>{p.label()}</button>
            }
        })
        .collect_view();

    let player = view! {
        <div class="player" role="group" aria-label="step through time">
            <button on:click=move |_| { stop(); set_step(1) } aria-label="reset to the first step">"Start"</button>
            <button on:click=move |_| { stop(); set_step(step.get_untracked().saturating_sub(1)) } aria-label="step back">"◀"</button>
            <button class="play" on:click=move |_| toggle()
                aria-label=move || if play.get() == Play::Stopped { "play forward" } else { "pause" }>
                {move || if play.get() == Play::Stopped { "▶ play" } else { "⏸ pause" }}
            </button>
            <button on:click=move |_| { stop(); set_step(step.get_untracked() + 1) } aria-label="step forward">"▶"</button>
            <button on:click=move |_| start(Play::Backward) aria-label="animate the backward pass">"⟲ backward pass"</button>
            <span class="step-readout" data-step=move || step.get().to_string()>
                {move || format!("t = {} of {}", step.get(), t_len.get())}
            </span>
        </div>
    };

    view! {
        <section class="view rnn-view" data-engine-runs=move || { latest.track(); engine_runs.get_untracked() }
            data-engine-ms=move || { latest.track(); format!("{:.2}", engine_ms.get_value()) }>
            <header class="view-header">
                <h1>"Recurrent networks and LSTMs"</h1>
                <p class="lede">
                    "A vanilla RNN and an LSTM read the same sequence; the loss L = (y⁽ᵀ⁾ − 1)² sits at the
                    last step (many-to-one). Step through time with ◀ ▶ (or the arrow keys, space to play),
                    and watch how much gradient reaches each earlier state."
                </p>
            </header>
            {link_error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="presets" role="group" aria-label="presets">{presets}</div>
            <crate::views::RunStatus kept=" — still showing the last valid sequence."
                status=Signal::derive(move || latest.get().map(|r| r.notes.clone()))/>
            <div class="rnn-layout">
                {controls}
                <div class="rnn-main">
                    {player}
                    <Diagram run=run state=state step=step link=link on_select=Callback::new(move |t| { stop(); set_step(t) })/>
                    <div class="rnn-columns">
                        <Equations run=run state=state step=step link=link/>
                        <GradientPanel run=run state=state step=step/>
                    </div>
                    <GateHeatmaps run=run state=state step=step link=link/>
                    <TrainingPanel state=state/>
                </div>
            </div>
        </section>
    }
}
