//! The attention view's state — everything in the URL — and the engine run it implies. Plain
//! Rust, tested natively; the components only call it.
//!
//! Tokens are words and punctuation marks of the typed sentence. Each distinct token string gets
//! its own seeded embedding (the engine's `token_embeddings`), so a repeated word attends like
//! its twin unless positions are encoded.

use super::train::TrainConfig;
use crate::engine::attention::{
    learned_init, similarity, Mask, MultiHead, MultiHeadTrace, Positional,
};
use crate::engine::data::{token_embeddings, TokenTask};
use crate::engine::ops::softmax::row_entropy;
use crate::engine::rng::rng;
use crate::engine::Mat;
use serde::{Deserialize, Serialize};

/// Most tokens the view runs (longer text is cut, with a note).
pub const MAX_TOKENS: usize = 128;
/// Widest model.
pub const MAX_D_MODEL: usize = 64;
/// Most heads.
pub const MAX_HEADS: usize = 8;
/// The token appended for padding.
pub const PAD: &str = "[PAD]";

/// The mask applied before the softmax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaskChoice {
    /// Every query sees every key.
    None,
    /// Query i sees keys j ≤ i (a decoder).
    Causal,
    /// `[PAD]` keys are hidden.
    Padding,
}

/// How positions enter the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeChoice {
    /// No positions: attention is permutation-equivariant.
    None,
    /// The fixed sin/cos encoding of Vaswani et al.
    Sinusoidal,
    /// A learned table, shown at its seeded initialisation.
    Learned,
}

impl PeChoice {
    /// The name used in the URL and the menu.
    pub fn name(self) -> &'static str {
        match self {
            PeChoice::None => "none",
            PeChoice::Sinusoidal => "sinusoidal",
            PeChoice::Learned => "learned",
        }
    }
}

/// Every control of the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttnState {
    /// The sentence as typed.
    pub text: String,
    /// Width of the embeddings d_model.
    pub d_model: usize,
    /// Number of heads h (d_k = d_model / h).
    pub heads: usize,
    /// Divide the scores by √d_k.
    pub scale: bool,
    /// The mask.
    pub mask: MaskChoice,
    /// `[PAD]` tokens appended (shown with the padding mask).
    pub pad: usize,
    /// The positional encoding added to the embeddings.
    pub pe: PeChoice,
    /// Base of the sinusoidal encoding (10 000 in the paper).
    pub base: f64,
    /// Cross-attention: queries from the sentence, keys and values from `source`.
    pub cross: bool,
    /// The source sentence of cross-attention.
    pub source: String,
    /// Seed of the embeddings and the projection weights.
    pub seed: u64,
    /// The head shown large (0-based).
    pub head: usize,
    /// The training panel's settings.
    pub train: TrainConfig,
}

impl Default for AttnState {
    fn default() -> Self {
        AttnState {
            text: "The animal didn't cross the street because it was too tired.".into(),
            d_model: 16,
            heads: 2,
            scale: true,
            mask: MaskChoice::None,
            pad: 2,
            pe: PeChoice::Sinusoidal,
            base: 10_000.0,
            cross: false,
            source: "L'animal n'a pas traversé la rue parce qu'il était trop fatigué.".into(),
            seed: 1,
            head: 0,
            train: TrainConfig::default(),
        }
    }
}

/// Splits text into word and punctuation tokens ("didn't" stays one word).
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || (c == '\'' && !word.is_empty()) {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// One-click stories, each a whole state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// A decoder: query i sees keys 1…i; the upper triangle is −∞ before the softmax, 0 after.
    Causal,
    /// d_k = 64 without ÷√d_k: the scores grow like √d_k and the softmax saturates.
    WhySqrtDk,
    /// Two `[PAD]` tokens hidden from every query.
    Padding,
    /// Eight heads of d_k = 8 on one sentence: each head attends differently.
    EightHeads,
    /// Four heads trained to sort digits split the work: one fetches the smallest digit, another
    /// the largest (the training panel starts).
    HeadsSpecialise,
    /// Cross-attention trained to reverse: output position i aligns with input n − 1 − i, the
    /// anti-diagonal of the translation figure (the training panel starts).
    CrossAlignment,
}

impl Preset {
    /// All presets, in the order of the buttons.
    pub const ALL: [Preset; 6] = [
        Preset::Causal,
        Preset::WhySqrtDk,
        Preset::Padding,
        Preset::EightHeads,
        Preset::HeadsSpecialise,
        Preset::CrossAlignment,
    ];

    /// Whether the preset is about training (the panel resets and starts).
    pub fn trains(self) -> bool {
        matches!(self, Preset::HeadsSpecialise | Preset::CrossAlignment)
    }

    /// Button text.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Causal => "Causal mask (decoder)",
            Preset::WhySqrtDk => "Why ÷√d_k",
            Preset::Padding => "Padding mask",
            Preset::EightHeads => "Eight heads",
            Preset::HeadsSpecialise => "Heads specialise (training)",
            Preset::CrossAlignment => "Cross-attention alignment (training)",
        }
    }

    /// The state this preset sets.
    pub fn state(self) -> AttnState {
        let base = AttnState::default();
        match self {
            Preset::Causal => AttnState {
                text: "The cat sat on the mat .".into(),
                mask: MaskChoice::Causal,
                ..base
            },
            Preset::WhySqrtDk => AttnState {
                text: "Why do we divide the scores by the square root of d_k ?".into(),
                d_model: 64,
                heads: 1,
                scale: false,
                ..base
            },
            Preset::Padding => AttnState {
                text: "Attention is all you need".into(),
                mask: MaskChoice::Padding,
                pad: 3,
                ..base
            },
            Preset::EightHeads => AttnState {
                d_model: 64,
                heads: 8,
                ..base
            },
            Preset::HeadsSpecialise => AttnState {
                train: TrainConfig {
                    task: TokenTask::Sort,
                    cross: true,
                    heads: 4,
                    ..TrainConfig::default()
                },
                ..base
            },
            Preset::CrossAlignment => AttnState {
                train: TrainConfig {
                    task: TokenTask::Reversal,
                    cross: true,
                    heads: 1,
                    ..TrainConfig::default()
                },
                ..base
            },
        }
    }
}

/// Everything the view shows, computed once per state.
#[derive(Debug, Clone)]
pub struct AttnRun {
    /// The tokens (including any `[PAD]`).
    pub tokens: Vec<String>,
    /// Number of real (non-padding) tokens.
    pub real: usize,
    /// The key/value tokens (the source in cross-attention, else the same as `tokens`).
    pub keys: Vec<String>,
    /// Number of real (non-padding) keys.
    pub real_keys: usize,
    /// The key/value input (the source's E + P in cross-attention, else X).
    pub x_kv: Mat,
    /// P Pᵀ: how alike the positions are.
    pub pe_similarity: Mat,
    /// max |out(reversed) − reversed out| — 0 when attention cannot tell the order (self-attention
    /// only; `None` in cross-attention).
    pub permutation_gap: Option<f64>,
    /// Token embeddings E (n × d_model).
    pub embeddings: Mat,
    /// Positional encoding P (n × d_model; zeros when off).
    pub pe: Mat,
    /// The input X = E + P.
    pub x: Mat,
    /// The mask used.
    pub mask: Mask,
    /// The weights.
    pub model: MultiHead,
    /// The engine's trace.
    pub trace: MultiHeadTrace,
    /// Row entropy (nats) of every head's weights.
    pub entropy: Vec<Vec<f64>>,
    /// Mean row entropy of every head.
    pub mean_entropy: Vec<f64>,
    /// ln(number of keys each query may see): the entropy of uniform attention, row by row.
    pub max_entropy: Vec<f64>,
    /// Messages about clamped settings or cut text.
    pub notes: Vec<String>,
}

impl AttnState {
    /// The state with every number brought into range, and a message for each change.
    pub fn sanitized(&self) -> (AttnState, Vec<String>) {
        let mut s = self.clone();
        let mut notes = Vec::new();
        crate::views::clamp_noted(&mut notes, "d_model", &mut s.d_model, 1, MAX_D_MODEL);
        crate::views::clamp_noted(&mut notes, "Heads", &mut s.heads, 1, MAX_HEADS);
        crate::views::clamp_noted(&mut notes, "Padding tokens", &mut s.pad, 0, 8);
        if !(s.base.is_finite() && (2.0..=1e6).contains(&s.base)) {
            notes.push(format!(
                "PE base {} is outside 2–1 000 000; using 10 000",
                s.base
            ));
            s.base = 10_000.0;
        }
        if s.cross && s.mask == MaskChoice::Causal {
            notes.push("cross-attention has no causal mask (each target word may see the whole source); using none".into());
            s.mask = MaskChoice::None;
        }
        if s.heads > s.d_model {
            notes.push(format!(
                "{} heads need d_model ≥ {}; using {} heads",
                s.heads, s.heads, s.d_model
            ));
            s.heads = s.d_model;
        }
        s.head = s.head.min(s.heads - 1);
        (s, notes)
    }

    /// d_k = d_model / h.
    pub fn d_k(&self) -> usize {
        (self.d_model / self.heads.max(1)).max(1)
    }
}

/// The tokens of `text` plus `pad` padding tokens, cut to [`MAX_TOKENS`] with a note; and the
/// number of real ones.
fn tokens_of(
    text: &str,
    what: &str,
    pad: usize,
    notes: &mut Vec<String>,
) -> Result<(Vec<String>, usize), String> {
    let mut tokens = tokenize(text);
    if tokens.is_empty() {
        return Err(format!("the {what} is empty: type at least one word"));
    }
    if tokens.len() + pad > MAX_TOKENS {
        let keep = MAX_TOKENS - pad;
        notes.push(format!(
            "the {what} has {} tokens; nnviz runs the first {keep}",
            tokens.len()
        ));
        tokens.truncate(keep);
    }
    let real = tokens.len();
    tokens.extend((0..pad).map(|_| PAD.to_string()));
    Ok((tokens, real))
}

/// Runs multi-head attention on the state's sentence: self-attention, or cross-attention from
/// the sentence (queries) to the source (keys and values).
pub fn run(state: &AttnState) -> Result<AttnRun, String> {
    let (s, mut notes) = state.sanitized();
    let pad = if s.mask == MaskChoice::Padding {
        s.pad
    } else {
        0
    };
    let (tokens, real) = tokens_of(
        &s.text,
        "sentence",
        if s.cross { 0 } else { pad },
        &mut notes,
    )?;
    let (keys, real_keys) = if s.cross {
        tokens_of(&s.source, "source sentence", pad, &mut notes)?
    } else {
        (tokens.clone(), real)
    };
    let d = s.d_model;
    let positional = match s.pe {
        PeChoice::None => Positional::None,
        PeChoice::Sinusoidal => Positional::Sinusoidal { base: s.base },
        PeChoice::Learned => Positional::Learned(learned_init(
            &mut rng(s.seed ^ 0x005e_ed0f_9051),
            MAX_TOKENS,
            d,
        )),
    };
    let embeddings = token_embeddings(&tokens, d, s.seed);
    let (pe, x) = positional.encode(&embeddings);
    let x_kv = if s.cross {
        positional.encode(&token_embeddings(&keys, d, s.seed)).1
    } else {
        x.clone()
    };
    let mask = match s.mask {
        MaskChoice::None => Mask::None,
        MaskChoice::Causal => Mask::Causal,
        MaskChoice::Padding => Mask::Padding { valid: real_keys },
    };
    let model = MultiHead::init(&mut rng(s.seed), d, s.heads).map_err(|e| e.to_string())?;
    let trace = model
        .forward(&x, &x_kv, &mask, s.scale)
        .map_err(|e| e.to_string())?;
    let permutation_gap = if s.cross {
        None
    } else {
        // Reverse the real tokens (padding stays at the end, where the mask expects it).
        let perm: Vec<usize> = (0..real).rev().chain(real..tokens.len()).collect();
        // Reorder the rows of E, not of X: the positions stay where they are.
        let e_perm = Mat::from_fn(tokens.len(), d, |k, c| embeddings[(perm[k], c)]);
        let x_perm = positional.encode(&e_perm).1;
        let gap = model
            .equivariance_gap(&trace.output, &x_perm, &perm, &mask, s.scale)
            .map_err(|e| e.to_string())?;
        Some(gap)
    };
    let pe_similarity = similarity(&pe);
    let entropy: Vec<Vec<f64>> = trace
        .heads
        .iter()
        .map(|h| row_entropy(&h.attn.weights))
        .collect();
    let mean_entropy = entropy
        .iter()
        .map(|e| e.iter().sum::<f64>() / e.len().max(1) as f64)
        .collect();
    let max_entropy = (0..tokens.len())
        .map(|i| {
            ((0..keys.len())
                .filter(|&j| mask.allows(i, j))
                .count()
                .max(1) as f64)
                .ln()
        })
        .collect();
    Ok(AttnRun {
        tokens,
        real,
        keys,
        real_keys,
        x_kv,
        pe_similarity,
        permutation_gap,
        embeddings,
        pe,
        x,
        mask,
        model,
        trace,
        entropy,
        mean_entropy,
        max_entropy,
        notes,
    })
}

/// A shared run that compares by identity, so it can live in a Memo.
pub type RunRef = crate::views::Shared<AttnRun>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_punctuation() {
        assert_eq!(
            tokenize("The cat didn't sit, it ran!"),
            ["The", "cat", "didn't", "sit", ",", "it", "ran", "!"]
        );
        assert_eq!(tokenize("  "), Vec::<String>::new());
        assert_eq!(
            tokenize("<b>hi</b>"),
            ["<", "b", ">", "hi", "<", "/", "b", ">"]
        );
    }

    #[test]
    fn the_same_word_gets_the_same_embedding() {
        let s = AttnState {
            text: "it is what it is".into(),
            pe: PeChoice::None,
            ..AttnState::default()
        };
        let r = run(&s).unwrap();
        assert_eq!(r.embeddings.row(0), r.embeddings.row(3));
        assert_ne!(r.embeddings.row(0), r.embeddings.row(1));
        // Without positions the two "it" queries attend identically.
        let w = &r.trace.heads[0].attn.weights;
        assert!((w.row(0) - w.row(3)).abs().max() < 1e-15);
        let with_pe = run(&AttnState {
            pe: PeChoice::Sinusoidal,
            ..s
        })
        .unwrap();
        let w = &with_pe.trace.heads[0].attn.weights;
        assert!((w.row(0) - w.row(3)).abs().max() > 1e-6);
    }

    #[test]
    fn masks_give_exact_zeros_and_rows_sum_to_one() {
        for mask in [MaskChoice::Causal, MaskChoice::Padding] {
            let r = run(&AttnState {
                mask,
                ..AttnState::default()
            })
            .unwrap();
            for h in &r.trace.heads {
                let w = &h.attn.weights;
                for i in 0..w.nrows() {
                    assert!((w.row(i).sum() - 1.0).abs() < 1e-12);
                    for j in 0..w.ncols() {
                        if !r.mask.allows(i, j) {
                            assert_eq!(w[(i, j)], 0.0);
                            assert_eq!(h.attn.masked[(i, j)], f64::NEG_INFINITY);
                        }
                    }
                }
            }
        }
        let padded = run(&AttnState {
            mask: MaskChoice::Padding,
            ..AttnState::default()
        })
        .unwrap();
        assert_eq!(padded.tokens.len(), padded.real + 2);
        assert_eq!(padded.tokens.last().unwrap(), PAD);
    }

    #[test]
    fn unscaled_scores_saturate_the_softmax() {
        let base = AttnState {
            d_model: 64,
            heads: 1,
            ..AttnState::default()
        };
        let mean = |r: &AttnRun| r.entropy[0].iter().sum::<f64>() / r.entropy[0].len() as f64;
        let scaled = run(&base).unwrap();
        let raw = run(&AttnState {
            scale: false,
            ..base
        })
        .unwrap();
        assert!(
            mean(&raw) < 0.7 * mean(&scaled),
            "unscaled rows are peakier: {} vs {}",
            mean(&raw),
            mean(&scaled)
        );
    }

    #[test]
    fn without_positions_reordering_the_words_only_reorders_the_outputs() {
        let none = run(&AttnState {
            pe: PeChoice::None,
            ..AttnState::default()
        })
        .unwrap();
        assert!(none.permutation_gap.unwrap() < 1e-12);
        for pe in [PeChoice::Sinusoidal, PeChoice::Learned] {
            let r = run(&AttnState {
                pe,
                ..AttnState::default()
            })
            .unwrap();
            assert!(r.permutation_gap.unwrap() > 1e-3, "{pe:?}");
        }
        let padded = run(&AttnState {
            pe: PeChoice::None,
            mask: MaskChoice::Padding,
            ..AttnState::default()
        })
        .unwrap();
        assert!(
            padded.permutation_gap.unwrap() < 1e-12,
            "pads stay at the end"
        );
    }

    #[test]
    fn cross_attention_reads_keys_from_the_source() {
        let r = run(&AttnState {
            cross: true,
            mask: MaskChoice::Causal,
            text: "the black cat".into(),
            source: "le chat noir dort".into(),
            ..AttnState::default()
        })
        .unwrap();
        assert_eq!(r.tokens, ["the", "black", "cat"]);
        assert_eq!(r.keys, ["le", "chat", "noir", "dort"]);
        let w = &r.trace.heads[0].attn.weights;
        assert_eq!(w.shape(), (3, 4));
        assert_eq!(r.mask, Mask::None);
        assert!(r.notes.iter().any(|n| n.contains("no causal mask")));
        assert!(r.permutation_gap.is_none());
        let padded = run(&AttnState {
            cross: true,
            mask: MaskChoice::Padding,
            pad: 2,
            text: "the black cat".into(),
            source: "le chat noir".into(),
            ..AttnState::default()
        })
        .unwrap();
        assert_eq!((padded.tokens.len(), padded.keys.len()), (3, 5));
        assert_eq!(padded.trace.heads[0].attn.weights[(0, 4)], 0.0);
        assert!(run(&AttnState {
            cross: true,
            source: "  ".into(),
            ..AttnState::default()
        })
        .is_err_and(|e| e.contains("source sentence is empty")));
    }

    #[test]
    fn the_sinusoidal_base_sets_the_wavelengths() {
        let r = |base| {
            run(&AttnState {
                base,
                ..AttnState::default()
            })
            .unwrap()
        };
        // Position 1, column 2 (pair 1): sin(1 / base^(2/16)).
        assert!((r(100.0).pe[(1, 2)] - (1.0 / 100f64.powf(0.125)).sin()).abs() < 1e-15);
        assert_eq!(r(100.0).pe_similarity.shape(), (12, 12));
        let bad = r(f64::NAN);
        assert!(bad.notes.iter().any(|n| n.contains("base")));
    }

    #[test]
    fn presets_tell_their_story() {
        let causal = run(&Preset::Causal.state()).unwrap();
        assert_eq!(causal.mask, Mask::Causal);
        assert_eq!(causal.max_entropy[0], 0.0, "the first query sees one key");
        let raw = run(&Preset::WhySqrtDk.state()).unwrap();
        let scaled = run(&AttnState {
            scale: true,
            ..Preset::WhySqrtDk.state()
        })
        .unwrap();
        assert!(raw.mean_entropy[0] < 0.7 * scaled.mean_entropy[0]);
        let pad = run(&Preset::Padding.state()).unwrap();
        assert_eq!(pad.tokens.len() - pad.real, 3);
        for p in Preset::ALL {
            assert_eq!(
                p.trains(),
                p.state().train != TrainConfig::default(),
                "{p:?}"
            );
        }
        let eight = run(&Preset::EightHeads.state()).unwrap();
        assert_eq!(eight.trace.heads.len(), 8);
        assert_eq!(eight.trace.heads[0].q.ncols(), 8);
    }

    #[test]
    fn bad_input_is_reported_or_clamped() {
        assert!(run(&AttnState {
            text: " ,".replace(',', ""),
            ..AttnState::default()
        })
        .is_err_and(|e| e.contains("empty")));
        let long = AttnState {
            text: "word ".repeat(300),
            heads: 50,
            d_model: 4,
            ..AttnState::default()
        };
        let r = run(&long).unwrap();
        assert_eq!(r.tokens.len(), MAX_TOKENS);
        assert_eq!(r.trace.heads.len(), 4);
        assert!(r.notes.iter().any(|n| n.contains("300")));
        let one = run(&AttnState {
            text: "Hello".into(),
            ..AttnState::default()
        })
        .unwrap();
        assert_eq!(one.trace.heads[0].attn.weights[(0, 0)], 1.0);
    }
}
