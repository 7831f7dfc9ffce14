//! Preset graphs from the lecture decks, with hand-placed positions that match the slides'
//! pictures closely enough for a student to recognise them.

use super::GraphModel;

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
    use crate::engine::Mat;

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
