//! Static pages of the shell: home and not-found.
//! They hold no numbers; every number in nnviz comes from the engine.

use crate::route::Route;

use leptos::prelude::*;

/// The landing page: what each view teaches.
#[component]
pub fn Home() -> impl IntoView {
    let cards = [
        (
            Route::Rnn,
            "Recurrent networks",
            "Unroll an RNN and an LSTM step by step: hidden state, the forget, input and output \
             gates, the cell state C_t — then run backpropagation through time and watch \
             gradients vanish or explode, and what clipping and truncation do about it.",
        ),
        (
            Route::Attention,
            "Attention",
            "From token embeddings to Q, K and V, the scores QKᵀ, the scaling by √d_k, causal and \
             padding masks, softmax weights as heatmaps, multi-head and cross-attention, \
             positional encodings — and a tiny model trained live until its heads specialise.",
        ),
        (
            Route::Gcn,
            "Graph convolutional networks",
            "Edit a graph and see its adjacency A, degrees D, the normalized adjacency \
             D^-½AD^-½ and the Laplacian I − D^-½AD^-½ respond; message passing step by step, \
             the spectrum in [0, 2] and graph Fourier transforms.",
        ),
        (
            Route::GcnLearn,
            "Graph attention and training",
            "The same editable graph, learning: a GAT's attention over each neighbourhood, per \
             head, drawn on the edges — and a two-layer GCN trained live from a few labelled \
             nodes, with its predictions, loss, accuracy and hidden embedding.",
        ),
    ];
    view! {
        <section class="home">
            <h1>"See every number of the lecture computed live"</h1>
            <p class="lede">
                "nnviz is an interactive companion to the course decks on recurrent networks,
                attention and graph neural networks. Change the example and every matrix,
                gradient and formula is recomputed in your browser — nothing is pre-rendered."
            </p>
            <div class="cards">
                {cards
                    .into_iter()
                    .map(|(r, title, text)| {
                        view! {
                            <a class="card" href=r.link() data-route=r.label()>
                                <h2>{title}</h2>
                                <p>{text}</p>
                                <span class="card-go">"Open " {r.label()} " →"</span>
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

/// Shown for a hash that names no page.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="view not-found">
            <h1>"No such page"</h1>
            <p>"This address names no nnviz view. " <a href=Route::Home.link()>"Go to the start page"</a> "."</p>
        </section>
    }
}
