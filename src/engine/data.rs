//! Seeded toy data sets. Every generator takes the engine's [`Rng`], so a seed reproduces the
//! data exactly.

use super::rng::Rng;
use super::rnn::Target;
use super::{Mat, Vector};
use rand::Rng as _;
use serde::{Deserialize, Serialize};

/// A sequence example: inputs x^(1..T) and a target per step (`None` = no loss there).
#[derive(Debug, Clone, PartialEq)]
pub struct SeqExample {
    /// Inputs.
    pub xs: Vec<Vector>,
    /// Targets.
    pub targets: Vec<Option<Target>>,
}

/// The sequence tasks of the RNN view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeqTask {
    /// Adding problem (Hochreiter & Schmidhuber): x^(t) = (value, marker); two markers are 1;
    /// the target at the last step is the sum of the two marked values. Many-to-one, MSE.
    Adding,
    /// Delayed recall: a symbol (one of `symbols`) at step 1, blanks after; recall it at the
    /// last step. Many-to-one, cross-entropy. Needs memory across the whole sequence.
    DelayedRecall,
    /// Sine prediction: x^(t) = sin(ωt + φ), target = sin(ω(t+1) + φ). Many-to-many, MSE.
    Sine,
    /// Next-character prediction on a random window of [`TINY_TEXT`]: one-hot inputs,
    /// cross-entropy at every step. Many-to-many.
    TinyText,
}

/// Number of symbols in the delayed-recall task (plus a blank input channel).
pub const RECALL_SYMBOLS: usize = 4;

impl SeqTask {
    /// Input width n_x.
    pub fn inputs(self) -> usize {
        match self {
            SeqTask::Adding => 2,
            SeqTask::DelayedRecall => RECALL_SYMBOLS + 1,
            SeqTask::Sine => 1,
            SeqTask::TinyText => char_vocab(TINY_TEXT).len(),
        }
    }

    /// Output width n_y.
    pub fn outputs(self) -> usize {
        match self {
            SeqTask::Adding | SeqTask::Sine => 1,
            SeqTask::DelayedRecall => RECALL_SYMBOLS,
            SeqTask::TinyText => char_vocab(TINY_TEXT).len(),
        }
    }

    /// One example of length `t_len` (at least 2).
    pub fn sample(self, rng: &mut Rng, t_len: usize) -> SeqExample {
        let t_len = t_len.max(2);
        match self {
            SeqTask::Adding => {
                let a = rng.random_range(0..t_len / 2);
                let b = rng.random_range(t_len / 2..t_len);
                let values: Vec<f64> = (0..t_len).map(|_| rng.random_range(0.0..1.0)).collect();
                let xs = (0..t_len)
                    .map(|t| {
                        Vector::from_vec(vec![values[t], if t == a || t == b { 1.0 } else { 0.0 }])
                    })
                    .collect();
                let mut targets = vec![None; t_len];
                targets[t_len - 1] = Some(Target::Values(vec![values[a] + values[b]]));
                SeqExample { xs, targets }
            }
            SeqTask::DelayedRecall => {
                let s = rng.random_range(0..RECALL_SYMBOLS);
                let xs = (0..t_len)
                    .map(|t| {
                        let mut x = Vector::zeros(RECALL_SYMBOLS + 1);
                        x[if t == 0 { s } else { RECALL_SYMBOLS }] = 1.0;
                        x
                    })
                    .collect();
                let mut targets = vec![None; t_len];
                targets[t_len - 1] = Some(Target::Class(s));
                SeqExample { xs, targets }
            }
            SeqTask::Sine => {
                let omega = rng.random_range(0.15..0.45);
                let phase = rng.random_range(0.0..std::f64::consts::TAU);
                let f = |t: usize| (omega * t as f64 + phase).sin();
                SeqExample {
                    xs: (0..t_len).map(|t| Vector::from_vec(vec![f(t)])).collect(),
                    targets: (0..t_len)
                        .map(|t| Some(Target::Values(vec![f(t + 1)])))
                        .collect(),
                }
            }
            SeqTask::TinyText => {
                let chars: Vec<char> = TINY_TEXT.chars().collect();
                text_window(rng, &chars, &char_vocab(TINY_TEXT), t_len)
            }
        }
    }
}

/// A tiny character corpus for next-character prediction.
pub const TINY_TEXT: &str = "hello world. hello recurrent world. the cell state carries memory.";

/// The sorted distinct characters of `text` (the vocabulary).
pub fn char_vocab(text: &str) -> Vec<char> {
    let mut v: Vec<char> = text.chars().collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A next-character example from a random window of `chars`: t_len + 1 characters (wrapping
/// around the text) give t_len steps. Empty text gives an empty example.
pub fn text_window(rng: &mut Rng, chars: &[char], vocab: &[char], t_len: usize) -> SeqExample {
    if chars.is_empty() {
        return SeqExample {
            xs: Vec::new(),
            targets: Vec::new(),
        };
    }
    let start = rng.random_range(0..chars.len());
    let window: String = (0..=t_len)
        .map(|k| chars[(start + k) % chars.len()])
        .collect();
    char_example(&window, vocab)
}

/// Next-character example: one-hot inputs of `text[..n-1]`, class targets `text[1..]`.
/// Characters outside `vocab` are skipped.
pub fn char_example(text: &str, vocab: &[char]) -> SeqExample {
    let ids: Vec<usize> = text
        .chars()
        .filter_map(|c| vocab.iter().position(|&v| v == c))
        .collect();
    let xs = ids
        .iter()
        .take(ids.len().saturating_sub(1))
        .map(|&i| {
            let mut x = Vector::zeros(vocab.len());
            x[i] = 1.0;
            x
        })
        .collect();
    let targets = ids
        .iter()
        .skip(1)
        .map(|&i| Some(Target::Class(i)))
        .collect();
    SeqExample { xs, targets }
}

/// FNV-1a of a token (stable across builds and platforms, unlike std's hasher) mixed with the
/// seed: the seed of that token's embedding.
fn token_seed(token: &str, seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in token.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Seeded word embeddings (n × d, entries N(0, 1)): every distinct token string gets its own
/// vector, the same one wherever it occurs and whatever surrounds it.
pub fn token_embeddings(tokens: &[String], d: usize, seed: u64) -> Mat {
    let mut e = Mat::zeros(tokens.len(), d);
    for (i, t) in tokens.iter().enumerate() {
        let row = super::rng::normal(&mut super::rng::rng(token_seed(t, seed)), 1, d, 1.0);
        e.row_mut(i).copy_from(&row.row(0));
    }
    e
}

/// Token tasks for the attention view: targets are a function of the input tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenTask {
    /// Output position i is input token n − 1 − i.
    Reversal,
    /// Output equals input.
    Copy,
    /// Output is the input sorted ascending.
    Sort,
}

impl TokenTask {
    /// (input tokens, target tokens) of length `n` over `vocab` symbols.
    pub fn sample(self, rng: &mut Rng, n: usize, vocab: usize) -> (Vec<usize>, Vec<usize>) {
        let x: Vec<usize> = (0..n).map(|_| rng.random_range(0..vocab.max(1))).collect();
        let y = match self {
            TokenTask::Reversal => x.iter().rev().copied().collect(),
            TokenTask::Copy => x.clone(),
            TokenTask::Sort => {
                let mut s = x.clone();
                s.sort_unstable();
                s
            }
        };
        (x, y)
    }
}

/// A graph given by adjacency, with optional node labels (classes).
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledGraph {
    /// Symmetric 0/1 adjacency.
    pub adjacency: Mat,
    /// Class of each node.
    pub classes: Vec<usize>,
}

fn from_edges(n: usize, edges: &[(usize, usize)]) -> Mat {
    let mut a = Mat::zeros(n, n);
    for &(i, j) in edges {
        a[(i, j)] = 1.0;
        a[(j, i)] = 1.0;
    }
    a
}

/// Zachary's karate club (34 members, 78 friendships). Class 0: Mr. Hi's faction; class 1:
/// the Officer's. Nodes numbered 0–33 as in networkx's `karate_club_graph`.
pub fn karate_club() -> LabelledGraph {
    const EDGES: [(usize, usize); 78] = [
        (0, 1),
        (0, 2),
        (0, 3),
        (0, 4),
        (0, 5),
        (0, 6),
        (0, 7),
        (0, 8),
        (0, 10),
        (0, 11),
        (0, 12),
        (0, 13),
        (0, 17),
        (0, 19),
        (0, 21),
        (0, 31),
        (1, 2),
        (1, 3),
        (1, 7),
        (1, 13),
        (1, 17),
        (1, 19),
        (1, 21),
        (1, 30),
        (2, 3),
        (2, 7),
        (2, 8),
        (2, 9),
        (2, 13),
        (2, 27),
        (2, 28),
        (2, 32),
        (3, 7),
        (3, 12),
        (3, 13),
        (4, 6),
        (4, 10),
        (5, 6),
        (5, 10),
        (5, 16),
        (6, 16),
        (8, 30),
        (8, 32),
        (8, 33),
        (9, 33),
        (13, 33),
        (14, 32),
        (14, 33),
        (15, 32),
        (15, 33),
        (18, 32),
        (18, 33),
        (19, 33),
        (20, 32),
        (20, 33),
        (22, 32),
        (22, 33),
        (23, 25),
        (23, 27),
        (23, 29),
        (23, 32),
        (23, 33),
        (24, 25),
        (24, 27),
        (24, 31),
        (25, 31),
        (26, 29),
        (26, 33),
        (27, 33),
        (28, 31),
        (28, 33),
        (29, 32),
        (29, 33),
        (30, 32),
        (30, 33),
        (31, 32),
        (31, 33),
        (32, 33),
    ];
    const MR_HI: [usize; 17] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 16, 17, 19, 21];
    LabelledGraph {
        adjacency: from_edges(34, &EDGES),
        classes: (0..34)
            .map(|v| if MR_HI.contains(&v) { 0 } else { 1 })
            .collect(),
    }
}

/// A stochastic block model: `sizes[k]` nodes in block k, edge probability `p_in` inside a
/// block and `p_out` between blocks.
pub fn stochastic_block_model(
    rng: &mut Rng,
    sizes: &[usize],
    p_in: f64,
    p_out: f64,
) -> LabelledGraph {
    let classes: Vec<usize> = sizes
        .iter()
        .enumerate()
        .flat_map(|(k, &s)| std::iter::repeat_n(k, s))
        .collect();
    let n = classes.len();
    let mut a = Mat::zeros(n, n);
    for i in 0..n {
        for j in i + 1..n {
            let p = if classes[i] == classes[j] {
                p_in
            } else {
                p_out
            };
            if rng.random_range(0.0..1.0) < p {
                a[(i, j)] = 1.0;
                a[(j, i)] = 1.0;
            }
        }
    }
    LabelledGraph {
        adjacency: a,
        classes,
    }
}

/// Seed 001's 6-node graph (nodes 1–6 on the slide are 0–5 here).
pub fn seed_001_graph() -> Mat {
    from_edges(6, &[(0, 1), (0, 2), (0, 3), (1, 2), (2, 4), (2, 5), (4, 5)])
}

/// Seed 003's 5-node graph, V = {0..4}.
pub fn seed_003_graph() -> Mat {
    from_edges(5, &[(0, 1), (0, 4), (1, 2), (1, 3), (3, 4), (1, 4), (2, 3)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gcn::degrees;
    use crate::engine::rng::rng;

    #[test]
    fn karate_club_facts() {
        let g = karate_club();
        assert_eq!(g.adjacency.sum(), 2.0 * 78.0);
        let d = degrees(&g.adjacency);
        assert_eq!(d[0], 16.0);
        assert_eq!(d[33], 17.0);
        assert_eq!(g.classes.iter().filter(|&&c| c == 0).count(), 17);
        assert_eq!(g.adjacency, g.adjacency.transpose());
    }

    #[test]
    fn adding_problem_target_is_the_marked_sum() {
        let ex = SeqTask::Adding.sample(&mut rng(1), 10);
        let marked: f64 = ex.xs.iter().filter(|x| x[1] == 1.0).map(|x| x[0]).sum();
        assert_eq!(ex.xs.iter().filter(|x| x[1] == 1.0).count(), 2);
        assert_eq!(ex.targets[9], Some(Target::Values(vec![marked])));
        assert!(ex.targets[..9].iter().all(Option::is_none));
    }

    #[test]
    fn seeds_reproduce_and_tasks_are_right() {
        assert_eq!(
            SeqTask::Sine.sample(&mut rng(3), 5),
            SeqTask::Sine.sample(&mut rng(3), 5)
        );
        let (x, y) = TokenTask::Reversal.sample(&mut rng(4), 5, 7);
        assert_eq!(y, x.iter().rev().copied().collect::<Vec<_>>());
        let (x, y) = TokenTask::Sort.sample(&mut rng(5), 6, 7);
        assert!(y.windows(2).all(|w| w[0] <= w[1]) && y.len() == x.len());
        let ex = SeqTask::DelayedRecall.sample(&mut rng(6), 8);
        assert_eq!(
            ex.targets[7],
            Some(Target::Class(
                (0..RECALL_SYMBOLS).find(|&s| ex.xs[0][s] == 1.0).unwrap()
            ))
        );
    }

    #[test]
    fn tiny_text_windows_have_the_requested_length() {
        let ex = SeqTask::TinyText.sample(&mut rng(8), 12);
        assert_eq!(ex.xs.len(), 12);
        assert_eq!(ex.targets.len(), 12);
        assert_eq!(ex.xs[0].len(), SeqTask::TinyText.inputs());
    }

    #[test]
    fn char_example_shifts_by_one() {
        let vocab = char_vocab("abca");
        let ex = char_example("abca", &vocab);
        assert_eq!(ex.xs.len(), 3);
        assert_eq!(ex.targets[0], Some(Target::Class(1)), "after 'a' comes 'b'");
    }

    #[test]
    fn sbm_is_denser_inside_blocks() {
        let g = stochastic_block_model(&mut rng(7), &[15, 15], 0.5, 0.02);
        let (mut inside, mut across) = (0.0, 0.0);
        for i in 0..30 {
            for j in 0..30 {
                if g.classes[i] == g.classes[j] {
                    inside += g.adjacency[(i, j)]
                } else {
                    across += g.adjacency[(i, j)]
                }
            }
        }
        assert!(inside > 5.0 * across);
    }
}
