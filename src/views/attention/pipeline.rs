//! The selected head's pipeline as a strip of labelled matrices — X → Q, K, V → QKᵀ → ÷√d_k →
//! mask → softmax → weights · V — then the heads side by side and Concat · W_o; the hovered
//! weight written out term by term; each query row's entropy.

use super::formulas::entry_lines;
use super::state::{AttnRun, RunRef};
use crate::engine::attention::entry;
use crate::engine::Mat;
use crate::widgets::format::fmt_num;
use crate::widgets::formula::{frac, mi, mn, mo, mtext, row, sqrt, sub, sup, Formula, M};
use crate::widgets::Heatmap;
use leptos::prelude::*;

/// Grid width of the n × d_k matrices (Q, K, V, head output).
const NARROW: f64 = 200.0;
/// Grid width of X and of the n × n matrices.
const WIDE: f64 = 300.0;

/// What the pipeline panels share.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The latest good run.
    pub run: Memo<Result<RunRef, String>>,
    /// The head shown large.
    pub head: Memo<usize>,
    /// The token pointed at (highlighted as query row and key column).
    pub tok: RwSignal<Option<usize>>,
    /// The weight pointed at, (query, key).
    pub entry: Memo<(usize, usize)>,
    /// Sets the weight pointed at.
    pub pick: RwSignal<Option<(usize, usize)>>,
}

impl Ctx {
    /// A matrix of the run for the selected head (empty while there is none). One function
    /// pointer type for every heatmap: a generic closure per call site cost wasm size.
    pub fn mat(self, f: fn(&AttnRun, usize) -> Option<&Mat>) -> Signal<Mat> {
        self.mat_at(None, f)
    }

    /// As [`Self::mat`], for head `fixed` instead of the selected one.
    fn mat_at(self, fixed: Option<usize>, f: fn(&AttnRun, usize) -> Option<&Mat>) -> Signal<Mat> {
        let (run, head) = (self.run, self.head);
        Signal::derive(move || {
            let h = fixed.unwrap_or_else(|| head.get());
            run.with(|r| {
                r.as_ref()
                    .ok()
                    .and_then(|r| f(r, h))
                    .cloned()
                    .unwrap_or_else(|| Mat::zeros(0, 0))
            })
        })
    }

    /// The token strings.
    fn tokens(self) -> Signal<Vec<String>> {
        let run = self.run;
        Signal::derive(move || {
            run.with(|r| r.as_ref().map(|r| r.tokens.clone()).unwrap_or_default())
        })
    }

    /// The key/value token strings (the source in cross-attention).
    fn keys(self) -> Signal<Vec<String>> {
        let run = self.run;
        Signal::derive(move || run.with(|r| r.as_ref().map(|r| r.keys.clone()).unwrap_or_default()))
    }

    /// Whether the run is cross-attention.
    pub fn cross(self) -> Signal<bool> {
        let run = self.run;
        Signal::derive(move || run.with(|r| r.as_ref().is_ok_and(|r| r.permutation_gap.is_none())))
    }

    /// Column labels 1…d for a matrix whose columns are features.
    fn features(self, f: fn(&AttnRun) -> usize) -> Signal<Vec<String>> {
        let run = self.run;
        Signal::derive(move || {
            let d = run.with(|r| r.as_ref().map_or(0, |r| f(r)));
            (1..=d).map(|k| k.to_string()).collect()
        })
    }
}

/// A heatmap's caption: its title and formula. A formula that follows the run is passed as a
/// derived signal, so an edit patches its numbers in place instead of re-creating the caption.
fn caption(title: &'static str, expr: impl Into<Signal<M>>) -> impl IntoView {
    let expr: Signal<M> = expr.into();
    view! {
        <span class="caption-title">{title}</span>" "
        <Formula expr=expr class="caption-math"/>
    }
}

/// The subscript of W for a projection (W_q for Q …).
fn sub_of(name: &str) -> &'static str {
    match name {
        "Q" => "q",
        "K" => "k",
        _ => "v",
    }
}

fn m_of(name: &str, h: usize) -> M {
    sup(sub(mi("W"), mi(name)), mn(format!("({h})")))
}

/// The matrices of the selected head, in order.
#[component]
pub fn Pipeline(ctx: Ctx) -> impl IntoView {
    let tokens = ctx.tokens();
    let keys = ctx.keys();
    let cross = ctx.cross();
    let d_model = ctx.features(|r| r.x.ncols());
    let d_k = ctx.features(|r| r.trace.heads.first().map_or(0, |h| h.q.ncols()));
    let on_row = Callback::new(move |(i, _): (usize, usize)| ctx.tok.set(Some(i)));
    let on_entry = Callback::new(move |(i, j): (usize, usize)| {
        ctx.pick.set(Some((i, j)));
    });
    let hl = Signal::derive(move || ctx.tok.get());
    // Rows of K and V are keys: a query token marks them only in self-attention.
    let hl_kv = Signal::derive(move || if cross.get() { None } else { ctx.tok.get() });
    let focus = Signal::derive(move || Some(ctx.entry.get()));
    let head1 = move || ctx.head.get() + 1;
    let positional = move || {
        ctx.run
            .with(|r| r.as_ref().is_ok_and(|r| r.pe.iter().any(|v| *v != 0.0)))
    };
    let scale = move || {
        ctx.run.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|r| r.trace.heads.first())
                .map_or(1.0, |h| h.attn.scale)
        })
    };
    let dk = move || {
        ctx.run.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|r| r.trace.heads.first())
                .map_or(1, |h| h.q.ncols())
        })
    };
    let mask_label = move || {
        ctx.run
            .with(|r| r.as_ref().map_or("none", |r| r.mask.label()))
    };

    let x_cap = caption(
        "Input",
        Signal::derive(move || {
            row(if positional() {
                vec![mi("X"), mo("="), mi("E"), mo("+"), mi("P")]
            } else {
                vec![mi("X"), mo("="), mi("E"), mtext("  (no positions)")]
            })
        }),
    );
    let proj = move |name: &'static str, title: &'static str| {
        caption(
            title,
            Signal::derive(move || {
                row(vec![
                    mi(name),
                    mo("="),
                    if name != "Q" && cross.get() {
                        sub(mi("X"), mtext("src"))
                    } else {
                        mi("X")
                    },
                    m_of(sub_of(name), head1()),
                ])
            }),
        )
    };
    let scaled_cap = caption(
        "Scaled",
        Signal::derive(move || {
            let s = scale();
            if s == 1.0 {
                row(vec![mi("S"), mtext("  (÷√d_k switched off)")])
            } else {
                row(vec![
                    frac(mi("S"), sqrt(sub(mi("d"), mi("k")))),
                    mo("="),
                    frac(mi("S"), sqrt(mn(dk().to_string()))),
                    mo("="),
                    mi("S"),
                    mo("·"),
                    mn(fmt_num(s, 3)),
                ])
            }
        }),
    );
    let masked_cap = caption(
        "Masked",
        Signal::derive(move || {
            row(vec![
                frac(mi("S"), sqrt(sub(mi("d"), mi("k")))),
                mo("+"),
                mi("M"),
                mtext(format!("  ({} mask: −∞ where hidden)", mask_label())),
            ])
        }),
    );
    view! {
        <div class="panel pipeline" data-head=move || ctx.head.get().to_string()>
            <h2>{move || format!("Head {} — the pipeline, matrix by matrix{}", head1(), if cross.get() { " (cross-attention: queries from the sentence, keys and values from the source)" } else { "" })}</h2>
            <div class="matrix-strip">
                <Heatmap name="X" budget=WIDE values=ctx.mat(|r, _| Some(&r.x)) row_labels=tokens col_labels=d_model
                    highlight=hl rows_only=true on_hover=on_row digits=2>{x_cap}</Heatmap>
                <Show when=move || cross.get()>
                    <Heatmap name="X_src" budget=WIDE values=ctx.mat(|r, _| Some(&r.x_kv)) row_labels=keys col_labels=d_model digits=2>
                        {caption("Source", row(vec![sub(mi("X"), mtext("src")), mo("="), sub(mi("E"), mtext("src")), mo("+"), mi("P"), mtext("  (keys and values come from here)")]))}
                    </Heatmap>
                </Show>
                <Heatmap name="Q" budget=NARROW values=ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.q)) row_labels=tokens col_labels=d_k
                    highlight=hl rows_only=true on_hover=on_row digits=2>{proj("Q", "Queries")}</Heatmap>
                <Heatmap name="K" budget=NARROW values=ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.k)) row_labels=keys col_labels=d_k
                    highlight=hl_kv rows_only=true on_hover=on_row digits=2>{proj("K", "Keys")}</Heatmap>
                <Heatmap name="V" budget=NARROW values=ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.v)) row_labels=keys col_labels=d_k
                    highlight=hl_kv rows_only=true on_hover=on_row digits=2>{proj("V", "Values")}</Heatmap>
                <Heatmap name="S" budget=WIDE values=ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.attn.scores)) row_labels=tokens col_labels=keys
                    highlight=hl rows_only=cross focus=focus on_hover=on_entry digits=2>
                    {caption("Scores", row(vec![mi("S"), mo("="), mi("Q"), sup(mi("K"), mi("T")), mo(","), mtext("  "), sub(mi("e"), mi("ij")), mo("="), sup(sub(mi("q"), mi("i")), mi("T")), sub(mi("k"), mi("j"))]))}
                </Heatmap>
                <Heatmap name="scaled" budget=WIDE values=ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.attn.scaled)) row_labels=tokens col_labels=keys
                    highlight=hl rows_only=cross focus=focus on_hover=on_entry digits=2>{scaled_cap}</Heatmap>
                <Heatmap name="masked" budget=WIDE values=ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.attn.masked)) row_labels=tokens col_labels=keys
                    highlight=hl rows_only=cross focus=focus on_hover=on_entry digits=2>{masked_cap}</Heatmap>
                <Heatmap name="A" budget=WIDE values=ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.attn.weights)) row_labels=tokens col_labels=keys
                    highlight=hl rows_only=cross focus=focus on_hover=on_entry digits=2>
                    {caption("Weights", row(vec![mi("A"), mo("="), mtext("softmax"), mo("("), mo("·"), mo(")"), mtext("  row by row")]))}
                </Heatmap>
                <Heatmap name="O" budget=NARROW values=ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.attn.output)) row_labels=tokens col_labels=d_k
                    highlight=hl rows_only=true on_hover=on_row digits=2>
                    {caption("Head output", Signal::derive(move || row(vec![sub(mi("head"), mn(head1().to_string())), mo("="), mi("A"), mi("V"), mtext(",  "), sub(mtext("output"), mi("i")), mo("="), sub(mi("Σ"), mi("j")), sub(mi("α"), mi("ij")), sub(mi("v"), mi("j"))])))}
                </Heatmap>
            </div>
        </div>
    }
}

/// The weight pointed at, term by term, and which query attends to which key.
#[component]
pub fn EntryPanel(ctx: Ctx) -> impl IntoView {
    let data = Memo::new(move |_| {
        let (i, j) = ctx.entry.get();
        let h = ctx.head.get();
        ctx.run.with(|r| {
            let r = r.as_ref().ok()?;
            let head = r.trace.heads.get(h)?;
            let t = entry(&head.attn, i, j)?;
            let (qt, kt) = (r.tokens.get(i)?.clone(), r.keys.get(j)?.clone());
            Some((i, j, t, head.q.ncols(), qt, kt))
        })
    });
    // The panel's parts are memos of their own: pointing at another weight patches the numbers of
    // the same elements (rebuilding the panel per change re-created its formulas whole).
    let says = Memo::new(move |_| {
        data.with(|d| {
            d.as_ref().map(|(i, j, t, _, qt, kt)| {
                let text = if t.allowed {
                    format!("Query “{qt}” (row {}) attends to key “{kt}” (column {}) with weight {} — {} % of its attention, shared over {} visible keys.",
                        i + 1, j + 1, fmt_num(t.weight, 4), fmt_num(100.0 * t.weight, 1), t.visible)
                } else {
                    format!("Query “{qt}” (row {}) may not see key “{kt}” (column {}): the mask sets its score to −∞, so its weight is exactly 0.", i + 1, j + 1)
                };
                let note = format!("The row maximum m_{} is subtracted before exp() so that large scores cannot overflow; it cancels in the ratio. The sum runs over the {} keys this query may see.", i + 1, t.visible);
                (text, t.weight.to_string(), t.allowed.to_string(), note)
            })
        })
    });
    let lines = Memo::new(move |_| {
        data.with(|d| {
            d.as_ref()
                .map(|(i, j, t, d_k, _, _)| entry_lines(i + 1, j + 1, t, *d_k))
                .unwrap_or_default()
        })
    });
    let keys = Memo::new(move |_| lines.with(|l| l.iter().map(|(k, _)| *k).collect::<Vec<_>>()));
    let present = Memo::new(move |_| data.with(Option::is_some));
    let part = move |f: fn(&(String, String, String, String)) -> String| {
        move || says.with(|s| s.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <div class="panel entry-panel" data-entry=move || { let (i, j) = ctx.entry.get(); format!("{i},{j}") }>
            <h2>"The weight pointed at"</h2>
            <Show when=move || present.get()
                fallback=|| view! { <p class="note">"Point at a cell of S, the scaled or masked scores, or A."</p> }>
                <p class="entry-says" data-weight=part(|s| s.1.clone()) data-allowed=part(|s| s.2.clone())>{part(|s| s.0.clone())}</p>
                {move || keys.with(|keys| keys.iter().enumerate().map(|(n, k)| {
                    let expr = Signal::derive(move || lines.with(|l| l.get(n).map_or_else(|| row(vec![]), |(_, m)| m.clone())));
                    view! { <Formula expr=expr block=true key=k.to_string() class="eq-line"/> }
                }).collect_view())}
                <p class="note">{part(|s| s.3.clone())}</p>
            </Show>
        </div>
    }
}

/// Each query row's entropy H(α_i) = −Σ_j α_ij ln α_ij, against ln(visible keys), the
/// entropy of uniform attention.
#[component]
pub fn EntropyPanel(ctx: Ctx) -> impl IntoView {
    let rows = Memo::new(move |_| {
        let h = ctx.head.get();
        ctx.run.with(|r| {
            r.as_ref().map_or_else(
                |_| (Vec::new(), 0.0),
                |r| {
                    let e = r.entropy.get(h).cloned().unwrap_or_default();
                    let rows = r
                        .tokens
                        .iter()
                        .zip(e)
                        .zip(&r.max_entropy)
                        .map(|((t, e), m)| (t.clone(), e, *m))
                        .collect();
                    (rows, r.mean_entropy.get(h).copied().unwrap_or(0.0))
                },
            )
        })
    });
    // One row per query, kept across edits; its numbers and bar widths update in place.
    let count = Memo::new(move |_| rows.with(|r| r.0.len()));
    let top =
        Memo::new(move |_| rows.with(|r| r.0.iter().map(|r| r.2).fold(0.0f64, f64::max).max(1e-9)));
    let entropy_row = move |i: usize| {
        let cell = Memo::new(move |_| rows.with(|r| r.0.get(i).cloned().unwrap_or_default()));
        let e = move || cell.with(|c| c.1);
        view! {
            <li data-row=i data-entropy=move || e().to_string()
                class:hl=move || ctx.tok.get() == Some(i)
                on:mouseenter=move |_| ctx.tok.set(Some(i))>
                <span class="entropy-token">{move || cell.with(|c| c.0.clone())}</span>
                <span class="entropy-bar">
                    <span class="entropy-fill" style:width=move || format!("{:.1}%", 100.0 * e() / top.get())></span>
                    <span class="entropy-max" style:left=move || format!("{:.1}%", 100.0 * cell.with(|c| c.2) / top.get())></span>
                </span>
                <span class="entropy-value">{move || fmt_num(e(), 3)}</span>
            </li>
        }
    };
    let formula = row(vec![
        mi("H"),
        mo("("),
        sub(mi("α"), mi("i")),
        mo(")"),
        mo("="),
        mo("−"),
        sub(mo("Σ"), mi("j")),
        sub(mi("α"), mi("ij")),
        mi("ln"),
        sub(mi("α"), mi("ij")),
    ]);
    view! {
        <div class="panel entropy-panel" data-mean-entropy=move || rows.with(|r| r.1.to_string())>
            <h2>"Row entropy " <Formula expr=formula/></h2>
            <p class="note">
                {move || format!("Mean {} nats. 0 = all weight on one key (a saturated softmax); the grey mark is ln(visible keys), uniform attention.", fmt_num(rows.with(|r| r.1), 3))}
            </p>
            <ol class="entropy-list">
                <For each=move || 0..count.get() key=|i| *i children=entropy_row/>
            </ol>
        </div>
    }
}

/// Every head's weights as small multiples; choosing one shows its pipeline.
#[component]
pub fn HeadsGrid(ctx: Ctx, on_select: Callback<usize>) -> impl IntoView {
    let count = Memo::new(move |_| {
        ctx.run
            .with(|r| r.as_ref().map_or(0, |r| r.trace.heads.len()))
    });
    let tokens = ctx.tokens();
    let keys = ctx.keys();
    let cross = ctx.cross();
    let hl = Signal::derive(move || ctx.tok.get());
    view! {
        <div class="panel heads-panel">
            <h2>"All heads: softmax weights"</h2>
            <p class="note">"Same sentence, different W_q, W_k, W_v per head: each head attends differently. Choose one to see its pipeline."</p>
            <div class="heads-grid">
                {move || (0..count.get()).map(|h| {
                    let w = ctx.mat_at(Some(h), |r, h| r.trace.heads.get(h).map(|t| &t.attn.weights));
                    let mean = move || ctx.run.with(|r| r.as_ref().ok().and_then(|r| r.mean_entropy.get(h).copied()).unwrap_or(0.0));
                    view! {
                        <div class="head-card" class:selected=move || ctx.head.get() == h data-head=h>
                            <button class="head-pick" aria-pressed=move || (ctx.head.get() == h).to_string()
                                on:click=move |_| on_select.run(h)>
                                {move || format!("Head {} · H̄ = {}", h + 1, fmt_num(mean(), 2))}
                            </button>
                            <Heatmap name=format!("head-{}", h + 1) values=w row_labels=tokens col_labels=keys
                                highlight=hl rows_only=cross budget=170.0 digits=2 on_hover=Callback::new(move |_| on_select.run(h))>
                                {""}
                            </Heatmap>
                        </div>
                    }
                }).collect_view()}
            </div>
        </div>
    }
}

/// MultiHead(X) = Concat(head_1, …, head_h) W_o.
#[component]
pub fn OutputPanel(ctx: Ctx) -> impl IntoView {
    let tokens = ctx.tokens();
    let d_model = ctx.features(|r| r.trace.output.ncols());
    let hl = Signal::derive(move || ctx.tok.get());
    let on_row = Callback::new(move |(i, _): (usize, usize)| ctx.tok.set(Some(i)));
    let formula = row(vec![
        mtext("MultiHead"),
        mo("("),
        mi("X"),
        mo(")"),
        mo("="),
        mtext("Concat"),
        mo("("),
        sub(mi("head"), mn("1")),
        mo(","),
        mo("…"),
        mo(","),
        sub(mi("head"), mi("h")),
        mo(")"),
        sub(mi("W"), mi("o")),
    ]);
    view! {
        <Heatmap name="output" values=ctx.mat(|r, _| Some(&r.trace.output)) row_labels=tokens col_labels=d_model
            highlight=hl rows_only=true on_hover=on_row digits=2>
            {caption("All heads together", formula)}
        </Heatmap>
    }
}

/// The selected head's weights as a complete directed graph over the tokens (seed 004: a
/// transformer is a GNN on a fully-connected word graph).
#[component]
pub fn GraphPanel(ctx: Ctx) -> impl IntoView {
    let tokens = ctx.tokens();
    let cross = ctx.cross();
    let weights = ctx.mat(|r, h| r.trace.heads.get(h).map(|t| &t.attn.weights));
    view! {
        <div class="panel graph-panel attention-graph">
            <h2>"Attention as a graph"</h2>
            <Show when=move || !cross.get()
                fallback=|| view! { <p class="note">"Cross-attention connects two different sentences: the weights A above are its bipartite graph."</p> }>
                <p class="note">
                    "Every token sends its value v_j to every token i along an arrow of weight α_ij — message passing on the
                    complete directed graph over the words, with weights computed from the words themselves. Point at a token
                    to see where its attention goes. The "
                    <a href=crate::route::Route::Gcn.link()>"GCN view"</a>
                    " aggregates the same way over a sparse graph, with fixed weights 1/√(d_i d_j) instead of α_ij."
                </p>
                <crate::widgets::DigraphCanvas labels=tokens weights=weights selected=Signal::derive(move || ctx.tok.get())
                    on_hover=Callback::new(move |i| ctx.tok.set(Some(i)))/>
            </Show>
        </div>
    }
}
