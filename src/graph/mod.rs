//! The editable graph model: a petgraph `StableUnGraph` whose node indices survive deletions,
//! compacted to 0..n when a matrix is built, plus the decks' preset graphs.
//!
//! Positions live in *graph space*: the unit square [0, 1]², y pointing down. Widgets project
//! them to screen space (see `widgets::projection`).

pub mod edit;
pub mod layout;
pub mod presets;

use crate::engine::Mat;
use petgraph::stable_graph::{NodeIndex, StableUnGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};

/// One node: the label a student sees and its position in graph space.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeData {
    /// Label shown on the node and on matrix axes (e.g. "1").
    pub label: String,
    /// Position in graph space, [0, 1]².
    pub pos_in_graph: (f64, f64),
}

/// An undirected graph the student can edit.
#[derive(Debug, Clone, Default)]
pub struct GraphModel {
    graph: StableUnGraph<NodeData, ()>,
}

impl GraphModel {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node and returns its stable index.
    pub fn add_node(&mut self, label: impl Into<String>, pos_in_graph: (f64, f64)) -> NodeIndex {
        self.graph.add_node(NodeData {
            label: label.into(),
            pos_in_graph,
        })
    }

    /// Adds the undirected edge a–b unless it is already there. Returns whether it was added.
    pub fn add_edge(&mut self, a: NodeIndex, b: NodeIndex) -> bool {
        if self.graph.find_edge(a, b).is_some()
            || !self.graph.contains_node(a)
            || !self.graph.contains_node(b)
        {
            return false;
        }
        self.graph.add_edge(a, b, ());
        true
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of undirected edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Nodes in compact order (the row order of [`Self::adjacency`]).
    pub fn nodes(&self) -> Vec<&NodeData> {
        self.graph.node_indices().map(|i| &self.graph[i]).collect()
    }

    /// Node labels in compact order.
    pub fn labels(&self) -> Vec<String> {
        self.nodes().into_iter().map(|n| n.label.clone()).collect()
    }

    /// Edges as pairs of compact indices (i < j unless a self-loop).
    pub fn edges_compact(&self) -> Vec<(usize, usize)> {
        let compact = self.compact_index();
        let mut out: Vec<(usize, usize)> = (&self.graph)
            .edge_references()
            .filter_map(|e| {
                let a = *compact.get(e.source().index())?;
                let b = *compact.get(e.target().index())?;
                Some((a.min(b), a.max(b)))
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Map from stable index (`NodeIndex::index()`) to compact 0..n position.
    fn compact_index(&self) -> Vec<usize> {
        let bound = self.graph.node_bound();
        let mut map = vec![usize::MAX; bound];
        for (k, i) in self.graph.node_indices().enumerate() {
            map[i.index()] = k;
        }
        map
    }

    /// The symmetric 0/1 adjacency matrix A over compact indices (a self-loop gives A_ii = 1).
    pub fn adjacency(&self) -> Mat {
        let n = self.node_count();
        let mut a = Mat::zeros(n, n);
        for (i, j) in self.edges_compact() {
            a[(i, j)] = 1.0;
            a[(j, i)] = 1.0;
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacency_compacts_after_removal() {
        let mut g = GraphModel::new();
        let a = g.add_node("a", (0.0, 0.0));
        let b = g.add_node("b", (1.0, 0.0));
        let c = g.add_node("c", (0.0, 1.0));
        assert!(g.add_edge(a, c));
        assert!(!g.add_edge(c, a), "duplicate edge is refused");
        g.graph.remove_node(b);
        let adj = g.adjacency();
        assert_eq!(adj.nrows(), 2);
        assert_eq!(adj[(0, 1)], 1.0);
        assert_eq!(g.labels(), vec!["a", "c"]);
        assert_eq!(g.edges_compact(), vec![(0, 1)]);
    }
}
