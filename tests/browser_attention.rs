//! Browser tests of the attention view: driven as a person would (typing, checkboxes, the
//! mask menu, pointing at tokens and cells, presets, links), with what is displayed checked
//! against the engine.
#![cfg(target_arch = "wasm32")]

use nnviz::views::attention::state::{run, AttnState, MaskChoice, Preset};
use nnviz::views::AttentionView;
mod common;

use common::{count, query as q, tick, URL_WRITE_WAIT};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(hash: &str) -> HtmlElement {
    common::mount_at(hash, AttentionView).await
}

async fn mount_state(s: &AttnState) -> HtmlElement {
    mount(&nnviz::state::encode("#/attention", s)).await
}

/// The values drawn in heatmap `name`, row by row (an SVG heatmap: ≤ 120 cells).
fn shown(root: &Element, name: &str) -> Vec<Vec<f64>> {
    let cells = root
        .query_selector_all(&format!("[data-matrix='{name}'] .cell"))
        .unwrap();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for k in 0..cells.length() {
        let c: Element = cells.item(k).unwrap().unchecked_into();
        let i: usize = c.get_attribute("data-row").unwrap().parse().unwrap();
        let v: f64 = c.get_attribute("data-value").unwrap().parse().unwrap();
        if rows.len() <= i {
            rows.resize(i + 1, Vec::new());
        }
        rows[i].push(v);
    }
    rows
}

fn text_of(root: &Element, sel: &str) -> String {
    q(root, sel).text_content().unwrap_or_default()
}

fn mean_entropy(root: &Element) -> f64 {
    q(root, ".entropy-panel")
        .get_attribute("data-mean-entropy")
        .unwrap()
        .parse()
        .unwrap()
}

fn short() -> AttnState {
    AttnState {
        text: "The cat sat on the mat".into(),
        ..AttnState::default()
    }
}

#[wasm_bindgen_test]
async fn weights_rows_sum_to_one_and_match_the_engine() {
    let s = short();
    let root = mount_state(&s).await;
    let engine = run(&s).unwrap();
    assert_eq!(count(&root, ".token-strip .token"), 6);
    let a = shown(&root, "A");
    assert_eq!(a.len(), 6);
    for (i, r) in a.iter().enumerate() {
        assert!(
            (r.iter().sum::<f64>() - 1.0).abs() < 1e-12,
            "row {i}: {r:?}"
        );
        for (j, v) in r.iter().enumerate() {
            assert_eq!(*v, engine.trace.heads[0].attn.weights[(i, j)]);
        }
    }
    // Scores and scaled scores are the engine's, and scaled = scores / √d_k.
    let (sc, sd) = (shown(&root, "S"), shown(&root, "scaled"));
    assert_eq!(sc[2][3], engine.trace.heads[0].attn.scores[(2, 3)]);
    assert!((sd[2][3] - sc[2][3] / (s.d_k() as f64).sqrt()).abs() < 1e-12);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_causal_mask_shows_minus_infinity_then_exact_zeros() {
    let root = mount_state(&short()).await;
    let select: HtmlSelectElement = q(&root, "[data-control='mask'] select").unchecked_into();
    select.set_value("causal");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick(40).await;
    let (masked, a) = (shown(&root, "masked"), shown(&root, "A"));
    for i in 0..6 {
        for j in 0..6 {
            if j > i {
                assert_eq!(masked[i][j], f64::NEG_INFINITY, "({i}, {j})");
                assert_eq!(a[i][j], 0.0);
            } else {
                assert!(masked[i][j].is_finite());
            }
        }
        assert!((a[i].iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    assert_eq!(a[0][0], 1.0, "the first query sees only itself");
    // The masked cell reads −∞ on screen.
    let cell = q(
        &root,
        "[data-matrix='masked'] .cell[data-row='0'][data-col='5']",
    );
    assert_eq!(q(&cell, ".cell-text").text_content().unwrap().trim(), "−∞");
    // Pointing at a hidden weight explains it.
    cell.dispatch_event(&web_sys::MouseEvent::new("mouseenter").unwrap())
        .unwrap();
    tick(30).await;
    let says = q(&root, ".entry-says");
    assert_eq!(says.get_attribute("data-allowed").as_deref(), Some("false"));
    assert!(text_of(&root, ".entry-panel").contains("exactly 0"));
    assert!(count(&root, ".entry-panel math[data-key='mask']") == 1);
    root.remove();
}

#[wasm_bindgen_test]
async fn switching_off_the_scaling_lowers_the_entropy_as_the_engine_says() {
    let s = AttnState {
        d_model: 64,
        heads: 1,
        ..short()
    };
    let root = mount_state(&s).await;
    let scaled = run(&s).unwrap().mean_entropy[0];
    assert!((mean_entropy(&root) - scaled).abs() < 1e-12);
    let check: HtmlInputElement = q(&root, "[data-control='scale'] input").unchecked_into();
    check.click();
    tick(40).await;
    let raw = run(&AttnState { scale: false, ..s }).unwrap().mean_entropy[0];
    assert!((mean_entropy(&root) - raw).abs() < 1e-12);
    assert!(raw < scaled);
    assert!(text_of(&root, "[data-matrix='scaled'] figcaption").contains("switched off"));
    root.remove();
}

#[wasm_bindgen_test]
async fn pointing_at_a_token_highlights_its_row_and_column_and_a_weight_is_worked_out() {
    let root = mount_state(&short()).await;
    let tok = q(&root, ".token[data-index='2']");
    tok.dispatch_event(&web_sys::MouseEvent::new("mouseenter").unwrap())
        .unwrap();
    tick(30).await;
    // Row 2 and column 2 of A: 6 + 6 − 1 cells; in Q only row 2 (its columns are features).
    assert_eq!(count(&root, "[data-matrix='A'] .cell.hl"), 11);
    let q_hl = count(&root, "[data-matrix='Q'] .cell.hl");
    let d_k = short().d_k() as u32;
    assert_eq!(q_hl, d_k);
    assert!(count(&root, ".entropy-list li.hl") == 1);
    // A weight: the formula panel shows the engine's numbers.
    let s = short();
    let engine = run(&s).unwrap();
    let cell = q(&root, "[data-matrix='A'] .cell[data-row='4'][data-col='1']");
    cell.dispatch_event(&web_sys::MouseEvent::new("mouseenter").unwrap())
        .unwrap();
    tick(30).await;
    let w = engine.trace.heads[0].attn.weights[(4, 1)];
    let says = q(&root, ".entry-says");
    assert_eq!(says.get_attribute("data-weight").unwrap(), w.to_string());
    assert!(text_of(&root, ".entry-says")
        .contains("Query “the” (row 5) attends to key “cat” (column 2)"));
    let softmax = text_of(&root, ".entry-panel math[data-key='softmax']");
    assert!(
        softmax.contains(&nnviz::widgets::format::fmt_num(w, 3)),
        "{softmax}"
    );
    assert_eq!(count(&root, "[data-matrix='scaled'] .cell.focus"), 1);
    // The keyboard moves the pointed entry: → then ↓ from (4, 1) is (5, 2); the edge holds.
    let fig = q(&root, "[data-matrix='A']");
    assert_eq!(fig.get_attribute("tabindex").as_deref(), Some("0"));
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_cancelable(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        fig.dispatch_event(&ev).unwrap();
        ev.default_prevented()
    };
    assert!(
        key("ArrowRight") && key("ArrowDown"),
        "arrow keys do not scroll the page"
    );
    tick(30).await;
    let says = q(&root, ".entry-says");
    let w = engine.trace.heads[0].attn.weights[(5, 2)];
    assert_eq!(says.get_attribute("data-weight").unwrap(), w.to_string());
    assert_eq!(
        count(
            &root,
            "[data-matrix='A'] .cell.focus[data-row='5'][data-col='2']"
        ),
        1
    );
    key("ArrowDown");
    tick(30).await;
    assert_eq!(
        count(
            &root,
            "[data-matrix='A'] .cell.focus[data-row='5'][data-col='2']"
        ),
        1,
        "six rows: row 6 is the last"
    );
    assert!(!key("a"), "other keys are left alone");
    root.remove();
}

#[wasm_bindgen_test]
async fn markup_in_the_sentence_is_shown_as_text() {
    let root = mount_state(&short()).await;
    let area: HtmlTextAreaElement = q(&root, "[data-control='text'] textarea").unchecked_into();
    area.set_value("<img src=x onerror=alert(1)> & <b>bold</b>");
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick(40).await;
    assert_eq!(count(&root, "img"), 0);
    assert_eq!(count(&root, ".token-strip b"), 0);
    let toks: Vec<String> = (0..count(&root, ".token"))
        .map(|k| {
            q(&root, &format!(".token[data-index='{k}']"))
                .text_content()
                .unwrap()
        })
        .collect();
    assert!(toks.iter().any(|t| t.ends_with('<')), "{toks:?}");
    assert!(toks.iter().any(|t| t.ends_with("onerror")));
    // Empty text: a message, and the last sentence stays on screen.
    area.set_value("   ");
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick(40).await;
    assert!(text_of(&root, ".input-error").contains("empty"));
    assert!(count(&root, ".token") > 5);
    root.remove();
}

#[wasm_bindgen_test]
async fn presets_heads_and_links_reproduce_the_state() {
    let root = mount("#/attention").await;
    let eight = root
        .query_selector_all(".preset")
        .unwrap()
        .item(3)
        .unwrap()
        .unchecked_into::<HtmlElement>();
    assert!(eight.text_content().unwrap().contains("Eight heads"));
    eight.click();
    tick(URL_WRITE_WAIT).await;
    assert_eq!(count(&root, ".head-card"), 8);
    // Choose head 3: the pipeline shows it.
    root.query_selector_all(".head-pick")
        .unwrap()
        .item(2)
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    tick(URL_WRITE_WAIT).await;
    assert_eq!(
        q(&root, ".pipeline").get_attribute("data-head").as_deref(),
        Some("2")
    );
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    let decoded: AttnState = nnviz::state::decode(&hash).unwrap().unwrap();
    assert_eq!(
        decoded,
        AttnState {
            head: 2,
            ..Preset::EightHeads.state()
        }
    );
    root.remove();
    // The same link opened afresh shows the same head and weights.
    let again = mount(&hash).await;
    assert_eq!(
        q(&again, ".pipeline").get_attribute("data-head").as_deref(),
        Some("2")
    );
    let mask = MaskChoice::None;
    assert_eq!(decoded.mask, mask);
    again.remove();
}

#[wasm_bindgen_test]
async fn without_positions_reversing_the_sentence_only_reverses_the_outputs() {
    let root = mount_state(&short()).await;
    let gap = |root: &Element| -> f64 {
        q(root, ".perm-gap")
            .get_attribute("data-gap")
            .unwrap()
            .parse()
            .unwrap()
    };
    let with_pe = run(&short()).unwrap().permutation_gap.unwrap();
    assert_eq!(gap(&root), with_pe);
    assert!(with_pe > 1e-3);
    let select: HtmlSelectElement = q(&root, "[data-control='pe'] select").unchecked_into();
    select.set_value("none");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick(40).await;
    assert!(gap(&root) < 1e-12);
    assert!(text_of(&root, ".perm-gap").contains("cannot see word order"));
    // P is zero and X = E.
    assert!(shown(&root, "P").iter().flatten().all(|v| *v == 0.0));
    // Back to sinusoidal with base 100: P is the engine's.
    select.set_value("sinusoidal");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick(40).await;
    let slider: HtmlInputElement = q(&root, "[data-control='base'] input").unchecked_into();
    slider.set_value("2");
    slider
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick(40).await;
    let engine = run(&AttnState {
        base: 100.0,
        ..short()
    })
    .unwrap();
    assert_eq!(
        q(&root, "[data-control='base'] output")
            .text_content()
            .unwrap(),
        "100"
    );
    assert_eq!(shown(&root, "P")[1][2], engine.pe[(1, 2)]);
    let g = shown(&root, "PPt");
    assert_eq!(g[4][1], engine.pe_similarity[(4, 1)]);
    // Sinusoidal similarity depends only on the distance.
    assert!((g[4][1] - g[5][2]).abs() < 1e-12);
    root.remove();
}

#[wasm_bindgen_test]
async fn cross_attention_takes_keys_and_values_from_the_source() {
    let root = mount_state(&short()).await;
    let check: HtmlInputElement = q(&root, "[data-control='cross'] input").unchecked_into();
    check.click();
    tick(40).await;
    let area: HtmlTextAreaElement = q(&root, "[data-control='source'] textarea").unchecked_into();
    area.set_value("Le chat est assis");
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick(40).await;
    assert_eq!(count(&root, ".source-strip .token"), 4);
    let a = shown(&root, "A");
    assert_eq!((a.len(), a[0].len()), (6, 4));
    let engine = run(&AttnState {
        cross: true,
        source: "Le chat est assis".into(),
        ..short()
    })
    .unwrap();
    for (i, r) in a.iter().enumerate() {
        assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(r[1], engine.trace.heads[0].attn.weights[(i, 1)]);
    }
    assert_eq!(
        count(&root, "[data-matrix='K'] .cell[data-row='3']"),
        short().d_k() as u32
    );
    assert_eq!(count(&root, "[data-matrix='K'] .cell[data-row='4']"), 0);
    let cell = q(&root, "[data-matrix='A'] .cell[data-row='1'][data-col='1']");
    cell.dispatch_event(&web_sys::MouseEvent::new("mouseenter").unwrap())
        .unwrap();
    tick(30).await;
    assert!(text_of(&root, ".entry-says")
        .contains("Query “cat” (row 2) attends to key “chat” (column 2)"));
    root.remove();
}

/// The training panel's step counter.
fn train_step(root: &Element) -> usize {
    q(root, ".attn-training .train-readout")
        .get_attribute("data-train-step")
        .unwrap()
        .parse()
        .unwrap()
}

#[wasm_bindgen_test]
async fn training_steps_show_the_engines_model() {
    use nnviz::views::attention::train::TrainSession;
    let s = AttnState {
        train: nnviz::views::attention::train::TrainConfig {
            heads: 3,
            len: 5,
            ..Default::default()
        },
        ..short()
    };
    let root = mount_state(&s).await;
    assert_eq!(train_step(&root), 0);
    assert_eq!(
        count(&root, ".attn-training .head-maps [data-matrix]"),
        3,
        "one map per head"
    );
    let step: HtmlElement = q(&root, ".attn-training .train-step").unchecked_into();
    for _ in 0..3 {
        step.click();
    }
    tick(30).await;
    assert_eq!(train_step(&root), 3);
    // The same configuration stepped three times by the engine shows the same numbers.
    let mut engine = TrainSession::new(&s.train).unwrap();
    engine.tick(3);
    let r = engine.report().unwrap();
    for h in 0..3 {
        let drawn = shown(&root, &format!("train-head-{}", h + 1));
        assert_eq!(drawn.len(), 5);
        for (i, row) in drawn.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                assert_eq!(*v, r.weights[h][(i, j)], "head {h} ({i}, {j})");
            }
        }
    }
    let aw = shown(&root, "answer-weight");
    assert_eq!(aw.len(), 3);
    assert_eq!(aw[1][4], r.eval.answer_weight[(1, 4)]);
    let readout = text_of(&root, ".attn-training .train-readout");
    assert!(readout.starts_with("step 3 ·"), "{readout}");
    // Reset goes back to step 0 and the initial model.
    let reset: HtmlElement = q(&root, ".attn-training .train-reset").unchecked_into();
    reset.click();
    tick(30).await;
    assert_eq!(train_step(&root), 0);
    let init = TrainSession::new(&s.train).unwrap().report().unwrap();
    assert_eq!(shown(&root, "train-head-1")[0][0], init.weights[0][(0, 0)]);
}

#[wasm_bindgen_test]
async fn a_training_preset_starts_training_and_changes_only_the_training_settings() {
    let root = mount_state(&short()).await;
    let preset = root.query_selector_all(".preset").unwrap();
    let cross: HtmlElement = (0..preset.length())
        .map(|k| preset.item(k).unwrap().unchecked_into::<HtmlElement>())
        .find(|b| {
            b.text_content()
                .unwrap_or_default()
                .starts_with("Cross-attention alignment")
        })
        .unwrap();
    cross.click();
    tick(120).await;
    let running = q(&root, ".attn-training .train-readout").get_attribute("data-running");
    assert_eq!(
        running.as_deref(),
        Some("true"),
        "the preset starts training"
    );
    let sel: HtmlSelectElement =
        q(&root, "[data-control='attn-train-cross'] select").unchecked_into();
    assert_eq!(sel.value(), "cross");
    assert_eq!(count(&root, ".attn-training .head-maps [data-matrix]"), 1);
    // Pausing stops it.
    let play: HtmlElement = q(&root, ".attn-training .train-play").unchecked_into();
    play.click();
    tick(60).await;
    let paused = train_step(&root);
    assert!(paused > 0, "it trained while running");
    tick(200).await;
    assert_eq!(train_step(&root), paused);
}
