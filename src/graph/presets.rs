//! Preset graphs from the lecture decks, with hand-placed positions that match the slides'
//! pictures closely enough for a student to recognise them.

use super::edit::{GraphSpec, NodeSpec};
use super::GraphModel;
use crate::engine::data::{karate_club, seed_003_graph, stochastic_block_model};
use crate::engine::rng::rng;
use crate::engine::Mat;
use rand::Rng as _;
use std::f64::consts::TAU;

/// The presets of the GCN view's menu: (key in the URL, label).
pub const PRESETS: [(&str, &str); 12] = [
    ("seed001", "6-node graph of the GCN slides"),
    ("seed003", "5-node graph of the GNN slides"),
    ("path", "path of 8"),
    ("cycle", "cycle of 8"),
    ("star", "star of 8"),
    ("grid", "4 × 4 grid"),
    ("cliques", "two 5-cliques joined by a bridge"),
    ("pieces", "disconnected pieces"),
    ("karate", "Zachary's karate club (34)"),
    ("er", "random (Erdős–Rényi, 20 nodes, p = 0.15)"),
    ("sbm", "two communities (stochastic block model, 2 × 10)"),
    ("empty", "empty"),
];

/// The preset named `key` (random ones drawn from `seed`), or `None` for an unknown key.
pub fn preset(key: &str, seed: u64) -> Option<GraphSpec> {
    let ring = |n: usize| -> Vec<(usize, usize)> { (0..n).map(|i| (i, (i + 1) % n)).collect() };
    Some(match key {
        "seed001" => GraphSpec::from_model(&seed_001_six_nodes()),
        "seed003" => from_adjacency(&seed_003_graph(), circle(5)),
        "path" => spec(circle(8), (0..7).map(|i| (i, i + 1)).collect()),
        "cycle" => spec(circle(8), ring(8)),
        "star" => {
            let mut pos = vec![(0.5, 0.5)];
            pos.extend(circle(7));
            spec(pos, (1..8).map(|i| (0, i)).collect())
        }
        "grid" => {
            let pos = (0..16)
                .map(|k| {
                    (
                        0.15 + 0.7 * (k % 4) as f64 / 3.0,
                        0.15 + 0.7 * (k / 4) as f64 / 3.0,
                    )
                })
                .collect();
            let mut e = Vec::new();
            for k in 0..16 {
                if k % 4 < 3 {
                    e.push((k, k + 1));
                }
                if k < 12 {
                    e.push((k, k + 4));
                }
            }
            spec(pos, e)
        }
        "cliques" => {
            let mut pos: Vec<(f64, f64)> = circle(5)
                .into_iter()
                .map(|(x, y)| (0.05 + 0.4 * x, 0.1 + 0.8 * y))
                .collect();
            pos.extend(
                circle(5)
                    .into_iter()
                    .map(|(x, y)| (0.55 + 0.4 * x, 0.1 + 0.8 * y)),
            );
            let mut e = Vec::new();
            for base in [0, 5] {
                for i in 0..5 {
                    for j in i + 1..5 {
                        e.push((base + i, base + j));
                    }
                }
            }
            e.push((0, 7));
            spec(pos, e)
        }
        "pieces" => {
            // A triangle, a path of three and an isolated node (degree 0).
            let pos = vec![
                (0.15, 0.2),
                (0.4, 0.2),
                (0.27, 0.45),
                (0.6, 0.65),
                (0.75, 0.8),
                (0.9, 0.65),
                (0.2, 0.8),
            ];
            spec(pos, vec![(0, 1), (0, 2), (1, 2), (3, 4), (4, 5)])
        }
        "karate" => from_adjacency(&karate_club().adjacency, circle(34)),
        "er" => {
            let mut r = rng(seed);
            let mut a = Mat::zeros(20, 20);
            for i in 0..20 {
                for j in i + 1..20 {
                    if r.random_range(0.0..1.0) < 0.15 {
                        a[(i, j)] = 1.0;
                        a[(j, i)] = 1.0;
                    }
                }
            }
            from_adjacency(&a, circle(20))
        }
        "sbm" => {
            let g = stochastic_block_model(&mut rng(seed), &[10, 10], 0.5, 0.05);
            from_adjacency(&g.adjacency, circle(20))
        }
        "empty" => GraphSpec::default(),
        _ => return None,
    })
}

/// `n` positions evenly on a circle inside the unit square, the first at the top.
pub fn circle(n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|k| {
            let t = TAU * k as f64 / n.max(1) as f64;
            (0.5 + 0.42 * t.sin(), 0.5 - 0.42 * t.cos())
        })
        .collect()
}

/// Nodes labelled 1…n at `pos`, with `edges`.
fn spec(pos: Vec<(f64, f64)>, edges: Vec<(usize, usize)>) -> GraphSpec {
    let mut edges: Vec<(usize, usize)> = edges
        .into_iter()
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    edges.sort_unstable();
    edges.dedup();
    GraphSpec {
        nodes: pos
            .into_iter()
            .enumerate()
            .map(|(k, (x, y))| NodeSpec {
                label: (k + 1).to_string(),
                x,
                y,
            })
            .collect(),
        edges,
    }
}

/// The graph of a symmetric 0/1 adjacency matrix, nodes at `pos`.
fn from_adjacency(a: &Mat, pos: Vec<(f64, f64)>) -> GraphSpec {
    let n = a.nrows();
    let edges = (0..n)
        .flat_map(|i| (i..n).map(move |j| (i, j)))
        .filter(|&(i, j)| a[(i, j)] != 0.0)
        .collect();
    spec(pos, edges)
}

/// The 6-node example of seed 001 (GCN slides, after Zhewei Wei): nodes labelled 1–6,
/// edges 1–2, 1–3, 1–4, 2–3, 3–5, 3–6, 5–6; degrees (3, 2, 4, 1, 2, 2).
pub fn seed_001_six_nodes() -> GraphModel {
    let mut g = GraphModel::new();
    let pos = [
        (0.30, 0.50),
        (0.48, 0.12),
        (0.58, 0.58),
        (0.06, 0.50),
        (0.92, 0.30),
        (0.86, 0.88),
    ];
    let ids: Vec<_> = pos
        .iter()
        .enumerate()
        .map(|(k, &p)| g.add_node((k + 1).to_string(), p))
        .collect();
    for (a, b) in [(1, 2), (1, 3), (1, 4), (2, 3), (3, 5), (3, 6), (5, 6)] {
        g.add_edge(ids[a - 1], ids[b - 1]);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_has_its_shape() {
        for (key, _) in PRESETS {
            let g = preset(key, 1).unwrap();
            assert_eq!(g.check(), Ok(()), "{key}");
            assert!(
                g.nodes
                    .iter()
                    .all(|p| (0.0..=1.0).contains(&p.x) && (0.0..=1.0).contains(&p.y)),
                "{key}"
            );
        }
        let count = |k: &str| {
            let g = preset(k, 1).unwrap();
            (g.nodes.len(), g.edges.len())
        };
        assert_eq!(count("seed001"), (6, 7));
        assert_eq!(count("seed003"), (5, 7));
        assert_eq!(count("path"), (8, 7));
        assert_eq!(count("cycle"), (8, 8));
        assert_eq!(count("star"), (8, 7));
        assert_eq!(count("grid"), (16, 24));
        assert_eq!(count("cliques"), (10, 21));
        assert_eq!(count("pieces"), (7, 5));
        assert_eq!(count("karate"), (34, 78));
        assert_eq!(count("empty"), (0, 0));
        assert!(preset("nope", 1).is_none());
        // The isolated node of "pieces" has degree 0.
        assert_eq!(preset("pieces", 1).unwrap().adjacency().row(6).sum(), 0.0);
        // Random graphs are drawn from the seed: the same seed, the same graph.
        assert_eq!(preset("er", 5), preset("er", 5));
        assert_ne!(preset("er", 5), preset("er", 6));
        assert_eq!(preset("sbm", 2), preset("sbm", 2));
    }

    #[test]
    fn seed_001_adjacency_matches_the_deck() {
        // The deck's A, row by row.
        let want = Mat::from_row_slice(
            6,
            6,
            &[
                0., 1., 1., 1., 0., 0., //
                1., 0., 1., 0., 0., 0., //
                1., 1., 0., 0., 1., 1., //
                1., 0., 0., 0., 0., 0., //
                0., 0., 1., 0., 0., 1., //
                0., 0., 1., 0., 1., 0., //
            ],
        );
        assert_eq!(seed_001_six_nodes().adjacency(), want);
    }
}
