//! The attention view (seeds 000, 002, 003, 004): a typed sentence becomes tokens, embeddings
//! plus positions, and then Q, K, V, scores, scaled and masked scores, softmax weights and
//! outputs for every head — each matrix a heatmap labelled with the tokens, the hovered weight
//! written out term by term, each row's entropy, and all heads side by side.

mod formulas;
mod pipeline;
mod positions;
pub mod state;
pub mod train;
mod training;

use crate::hooks::use_url_state;
use crate::route::Route;
use crate::widgets::controls::{Select, Slider};
use crate::widgets::formula::Formula;
use leptos::prelude::*;
use pipeline::{Ctx, EntropyPanel, EntryPanel, GraphPanel, HeadsGrid, OutputPanel, Pipeline};
use positions::PositionsPanel;
use state::{run, AttnState, MaskChoice, Preset, MAX_D_MODEL, MAX_HEADS, MAX_TOKENS};

/// The attention page.
#[component]
pub fn AttentionView() -> impl IntoView {
    let (state, link_error) = use_url_state::<AttnState>(Route::Attention);
    // The engine runs when the sentence or the model changes — not when another head is shown.
    let model_state = Memo::new(move |_| {
        state.with(|s| AttnState {
            head: 0,
            train: Default::default(),
            ..s.clone()
        })
    });
    let crate::views::EngineRun {
        latest,
        run,
        ms: engine_ms,
        ..
    } = crate::views::use_engine_run(model_state, run);
    let n_heads = Memo::new(move |_| run.with(|r| r.as_ref().map_or(1, |r| r.trace.heads.len())));
    let head = Memo::new(move |_| state.with(|s| s.head).min(n_heads.get().saturating_sub(1)));
    let n_tokens = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .map_or((0, 0), |r| (r.tokens.len(), r.keys.len()))
        })
    });
    let tok = RwSignal::new(None::<usize>);
    let pick = RwSignal::new(None::<(usize, usize)>);
    // The weight shown term by term: the one pointed at, else the last real query's strongest.
    let entry = Memo::new(move |_| {
        let (n_q, n_k) = n_tokens.get();
        match pick.get() {
            Some((i, j)) if i < n_q && j < n_k => (i, j),
            _ => run.with(|r| {
                r.as_ref().map_or((0, 0), |r| {
                    let i = r.real.saturating_sub(1);
                    let h = head.get();
                    let j = r.trace.heads.get(h).map_or(0, |t| {
                        let w = t.attn.weights.row(i);
                        (0..w.len()).fold(0, |b, j| if w[j] > w[b] { j } else { b })
                    });
                    (i, j)
                })
            }),
        }
    });
    let ctx = Ctx {
        run,
        head,
        tok,
        entry,
        pick,
    };

    let num = move |f: fn(&AttnState) -> f64| Signal::derive(move || state.with(f));
    let set =
        move |f: fn(&mut AttnState, f64)| Callback::new(move |v: f64| state.update(|s| f(s, v)));
    let text = RwSignal::new(state.with_untracked(|s| s.text.clone()));
    let source = RwSignal::new(state.with_untracked(|s| s.source.clone()));
    let controls = view! {
        <div class="panel controls" role="group" aria-label="attention controls">
            <label class="control sentence" data-control="text">
                <span class="control-label">{format!("Sentence (words and punctuation; up to {MAX_TOKENS} tokens)")}</span>
                <textarea rows="3" spellcheck="false" prop:value=move || text.get()
                    on:input=move |ev| { let v = event_target_value(&ev); text.set(v.clone()); state.update(|s| s.text = v); }></textarea>
            </label>
            <Slider label="d_model" name="d_model" min=2.0 max=MAX_D_MODEL as f64 step=2.0
                value=num(|s| s.d_model as f64) on_input=set(|s, v| s.d_model = v as usize)/>
            <Slider label="Heads h" name="heads" min=1.0 max=MAX_HEADS as f64 step=1.0
                value=num(|s| s.heads as f64) on_input=set(|s, v| s.heads = v as usize)
                display=Signal::derive(move || { let s = state.with(|s| s.sanitized().0); format!("{} (d_k = {})", s.heads, s.d_k()) })/>
            <label class="control check" data-control="scale">
                <input type="checkbox" prop:checked=move || state.with(|s| s.scale)
                    on:change=move |ev| { let on = event_target_checked(&ev); state.update(|s| s.scale = on) }/>
                <span>"Divide the scores by √d_k"</span>
            </label>
            <Select label="Mask" name="mask"
                options=vec![("none", "none (encoder)"), ("causal", "causal (decoder)"), ("padding", "padding")]
                value=Signal::derive(move || match state.with(|s| s.mask) { MaskChoice::None => "none", MaskChoice::Causal => "causal", MaskChoice::Padding => "padding" }.to_string())
                on_change=Callback::new(move |v: String| {
                    let m = match v.as_str() { "causal" => MaskChoice::Causal, "padding" => MaskChoice::Padding, _ => MaskChoice::None };
                    state.update(|s| s.mask = m);
                })/>
            <Show when=move || state.with(|s| s.mask == MaskChoice::Padding)>
                <Slider label="[PAD] tokens appended" name="pad" min=0.0 max=8.0 step=1.0
                    value=num(|s| s.pad as f64) on_input=set(|s, v| s.pad = v as usize)/>
            </Show>
            <label class="control check" data-control="cross">
                <input type="checkbox" prop:checked=move || state.with(|s| s.cross)
                    on:change=move |ev| { let on = event_target_checked(&ev); state.update(|s| s.cross = on) }/>
                <span>"Cross-attention from a source sentence"</span>
            </label>
            <Show when=move || state.with(|s| s.cross)>
                <label class="control sentence" data-control="source">
                    <span class="control-label">"Source sentence (keys and values)"</span>
                    <textarea rows="3" spellcheck="false" prop:value=move || source.get()
                        on:input=move |ev| { let v = event_target_value(&ev); source.set(v.clone()); state.update(|s| s.source = v); }></textarea>
                </label>
            </Show>
            <label class="control" data-control="seed">
                <span class="control-label">"Seed (embeddings and W_q, W_k, W_v, W_o)"</span>
                <input type="number" min="0" prop:value=move || state.with(|s| s.seed).to_string()
                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u64>() { state.update(|s| s.seed = v) } }/>
                <button on:click=move |_| state.update(|s| s.seed = s.seed.wrapping_add(1))>"New seed"</button>
            </label>
        </div>
    };
    let autoplay = RwSignal::new(false);
    let presets = Preset::ALL
        .into_iter()
        .map(|p| {
            view! {
                <button class="preset" on:click=move |_| {
                    let s = p.state();
                    text.set(s.text.clone());
                    source.set(s.source.clone());
                    pick.set(None);
                    tok.set(None);
                    state.set(s);
                    if p.trains() {
                        autoplay.set(true);
                        if let Some(el) = document().get_element_by_id("attn-training") {
                            el.scroll_into_view();
                        }
                    }
                }>{p.label()}</button>
            }
        })
        .collect_view();
    // One button per token position, kept across edits: a changed word updates its own button's
    // text (re-rendering the list re-set every button's attributes and listeners per keystroke).
    let tokens = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .map(|r| (r.tokens.clone(), r.real))
                .unwrap_or_default()
        })
    });
    let count = Memo::new(move |_| tokens.with(|t| t.0.len()));
    let token_button = move |i: usize| {
        let word = Memo::new(move |_| tokens.with(|t| t.0.get(i).cloned().unwrap_or_default()));
        let is_pad = Memo::new(move |_| tokens.with(|t| i >= t.1));
        view! {
            <button class="token" class:pad=is_pad class:hl=move || tok.get() == Some(i) data-index=i
                aria-label=move || format!("token {}: {}", i + 1, word.get())
                on:mouseenter=move |_| tok.set(Some(i)) on:focus=move |_| tok.set(Some(i))
                on:click=move |_| pick.set(Some((i, entry.get_untracked().1)))>
                <span class="token-index">{i + 1}</span>{word}
            </button>
        }
    };
    let token_strip = view! {
        <div class="token-strip" role="group" aria-label="tokens" on:mouseleave=move |_| tok.set(None)>
            <For each=move || 0..count.get() key=|i| *i children=token_button/>
        </div>
        <Show when=move || ctx.cross().get()>
            <div class="token-strip source-strip" role="group" aria-label="source tokens">
                <span class="control-label">"Source:"</span>
                {move || run.with(|r| r.as_ref().map(|r| r.keys.clone()).unwrap_or_default()).into_iter().enumerate().map(|(j, t)| view! {
                    <span class="token source" data-index=j><span class="token-index">{j + 1}</span>{t}</span>
                }).collect_view()}
            </div>
        </Show>
    };
    view! {
        <section class="view attention-view"
            data-engine-ms=move || { latest.track(); format!("{:.2}", engine_ms.get_value()) }>
            <header class="view-header">
                <h1>"Attention and Transformers"</h1>
                <p class="lede">
                    "Every matrix of self-attention for the sentence you type, computed live. Point at a token
                    to follow it as a query (its row) and as a key (its column); point at a score or weight to
                    see it worked out."
                </p>
                <Formula expr=Signal::derive(move || formulas::attention(state.with(|s| s.scale))) block=true class="headline"/>
            </header>
            {link_error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="presets" role="group" aria-label="presets">{presets}</div>
            <crate::views::RunStatus kept=" — still showing the last valid sentence."
                status=Signal::derive(move || latest.get().map(|r| r.notes.clone()))/>
            <div class="rnn-layout">
                {controls}
                <div class="rnn-main">
                    {token_strip}
                    <Pipeline ctx=ctx/>
                    <div class="rnn-columns">
                        <EntryPanel ctx=ctx/>
                        <EntropyPanel ctx=ctx/>
                    </div>
                    <div class="rnn-columns">
                        <GraphPanel ctx=ctx/>
                        <PositionsPanel state=state ctx=ctx/>
                    </div>
                    <HeadsGrid ctx=ctx on_select=Callback::new(move |h| state.update(|s| s.head = h))/>
                    <OutputPanel ctx=ctx/>
                    <training::AttnTrainingPanel state=state autoplay=autoplay/>
                </div>
            </div>
        </section>
    }
}
