//! Editing the graph the way the GCN view lets a student: add and remove nodes and edges, move
//! nodes, undo and redo. The graph is kept as a [`GraphSpec`] — labels, positions in graph space
//! and edges over compact indices — which is also what goes into the URL (serde), and is turned
//! into the petgraph [`GraphModel`] for the matrices. Undo keeps whole snapshots: the graphs are
//! small (at most [`MAX_NODES`] nodes), and a snapshot cannot get out of step with the graph.
//!
//! Bad input is answered, never panicked on: a duplicate edge is refused with a note, a
//! self-loop is kept (A_ii = 1, as in the deck's "self-connections a_ii ≠ 0") with a note that
//! the renormalisation's + I then counts it twice, and an edge to a node that is not there, a
//! position that is not a number, or more than [`MAX_NODES`] nodes are errors that change nothing.

use super::GraphModel;
use crate::engine::Mat;
use serde::{Deserialize, Serialize};

/// Most nodes the view accepts (spectrum and training stay interactive up to here).
pub const MAX_NODES: usize = 500;
/// Undo steps kept.
pub const MAX_UNDO: usize = 100;

/// One node as stored: its label and its position in graph space, [0, 1]².
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NodeSpec {
    /// The label shown on the node and on the matrices' axes.
    pub label: String,
    /// x in [0, 1].
    pub x: f64,
    /// y in [0, 1] (pointing down).
    pub y: f64,
}

/// A whole graph as stored in the URL.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GraphSpec {
    /// The nodes, in matrix order.
    pub nodes: Vec<NodeSpec>,
    /// Undirected edges (i, j) with i ≤ j over node positions in `nodes`; (i, i) is a self-loop.
    pub edges: Vec<(usize, usize)>,
}

/// A student's edit.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A new node at (x, y), labelled with the next free number.
    AddNode(f64, f64),
    /// Remove node i and its edges (later nodes move up by one).
    RemoveNode(usize),
    /// Add the edge i–j.
    AddEdge(usize, usize),
    /// Remove the edge i–j.
    RemoveEdge(usize, usize),
    /// Move node i to (x, y).
    Move(usize, f64, f64),
}

impl GraphSpec {
    /// The spec of a petgraph model (compact order).
    pub fn from_model(g: &GraphModel) -> GraphSpec {
        GraphSpec {
            nodes: g
                .nodes()
                .into_iter()
                .map(|n| NodeSpec {
                    label: n.label.clone(),
                    x: n.pos_in_graph.0,
                    y: n.pos_in_graph.1,
                })
                .collect(),
            edges: g.edges_compact(),
        }
    }

    /// The petgraph model of this spec (call [`GraphSpec::check`] first on untrusted input;
    /// edges out of range are skipped here).
    pub fn to_model(&self) -> GraphModel {
        let mut g = GraphModel::new();
        let ids: Vec<_> = self
            .nodes
            .iter()
            .map(|n| g.add_node(n.label.clone(), (n.x, n.y)))
            .collect();
        for &(i, j) in &self.edges {
            if let (Some(&a), Some(&b)) = (ids.get(i), ids.get(j)) {
                g.add_edge(a, b);
            }
        }
        g
    }

    /// The symmetric 0/1 adjacency matrix.
    pub fn adjacency(&self) -> Mat {
        let n = self.nodes.len();
        let mut a = Mat::zeros(n, n);
        for &(i, j) in &self.edges {
            if i < n && j < n {
                a[(i, j)] = 1.0;
                a[(j, i)] = 1.0;
            }
        }
        a
    }

    /// Whether this spec can be shown: every edge between existing nodes, every position a
    /// number, at most [`MAX_NODES`] nodes. Says what is wrong otherwise.
    pub fn check(&self) -> Result<(), String> {
        let n = self.nodes.len();
        if n > MAX_NODES {
            return Err(format!(
                "the graph has {n} nodes; nnviz shows at most {MAX_NODES}"
            ));
        }
        if let Some((k, _)) = self
            .nodes
            .iter()
            .enumerate()
            .find(|(_, p)| !(p.x.is_finite() && p.y.is_finite()))
        {
            return Err(format!(
                "node {} has a position that is not a number",
                k + 1
            ));
        }
        if let Some(&(i, j)) = self.edges.iter().find(|&&(i, j)| i >= n || j >= n) {
            return Err(format!(
                "edge {}–{} names a node that is not there (the graph has {n})",
                i + 1,
                j + 1
            ));
        }
        Ok(())
    }

    /// The edges in canonical form: (min, max), sorted, without repeats.
    fn normalise(&mut self) {
        for e in &mut self.edges {
            *e = (e.0.min(e.1), e.0.max(e.1));
        }
        self.edges.sort_unstable();
        self.edges.dedup();
    }

    /// The label a new node gets: one more than the largest numeric label (or the count).
    fn next_label(&self) -> String {
        let top = self
            .nodes
            .iter()
            .filter_map(|n| n.label.parse::<usize>().ok())
            .max()
            .unwrap_or(0);
        (top.max(self.nodes.len()) + 1).to_string()
    }

    fn label(&self, i: usize) -> &str {
        self.nodes.get(i).map_or("?", |n| n.label.as_str())
    }

    /// Applies `edit`; returns a note for the student when the edit was unusual (a self-loop)
    /// or refused (a duplicate edge). Errors change nothing.
    pub fn apply(&mut self, edit: &Edit) -> Result<Option<String>, String> {
        let n = self.nodes.len();
        let exists = |i: usize| {
            if i < n {
                Ok(())
            } else {
                Err(format!("there is no node {} (the graph has {n})", i + 1))
            }
        };
        let inside = |v: f64| v.is_finite().then(|| v.clamp(0.0, 1.0));
        match *edit {
            Edit::AddNode(x, y) => {
                if n >= MAX_NODES {
                    return Err(format!("nnviz shows at most {MAX_NODES} nodes"));
                }
                let (Some(x), Some(y)) = (inside(x), inside(y)) else {
                    return Err("a node needs a position that is a number".into());
                };
                let label = self.next_label();
                self.nodes.push(NodeSpec { label, x, y });
                Ok(None)
            }
            Edit::RemoveNode(i) => {
                exists(i)?;
                self.nodes.remove(i);
                self.edges = self
                    .edges
                    .iter()
                    .filter(|&&(a, b)| a != i && b != i)
                    .map(|&(a, b)| (a - usize::from(a > i), b - usize::from(b > i)))
                    .collect();
                Ok(None)
            }
            Edit::AddEdge(i, j) => {
                exists(i)?;
                exists(j)?;
                let e = (i.min(j), i.max(j));
                if self.edges.contains(&e) {
                    return Ok(Some(format!(
                        "the edge {}–{} is already there: A has 0/1 entries, so it is not added twice",
                        self.label(i),
                        self.label(j)
                    )));
                }
                self.edges.push(e);
                self.normalise();
                Ok((i == j).then(|| {
                    format!(
                        "a self-loop on node {0}: A_{0}{0} = 1, and with the renormalisation (A + I) \
                         node {0} counts itself twice",
                        self.label(i)
                    )
                }))
            }
            Edit::RemoveEdge(i, j) => {
                let e = (i.min(j), i.max(j));
                let before = self.edges.len();
                self.edges.retain(|&x| x != e);
                if self.edges.len() == before {
                    return Err(format!("there is no edge {}–{}", i + 1, j + 1));
                }
                Ok(None)
            }
            Edit::Move(i, x, y) => {
                exists(i)?;
                let (Some(x), Some(y)) = (inside(x), inside(y)) else {
                    return Err("a node needs a position that is a number".into());
                };
                self.nodes[i].x = x;
                self.nodes[i].y = y;
                Ok(None)
            }
        }
    }
}

/// The graph with its undo and redo stacks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    current: GraphSpec,
    past: Vec<GraphSpec>,
    future: Vec<GraphSpec>,
}

impl History {
    /// Starts from `g` with nothing to undo.
    pub fn new(g: GraphSpec) -> History {
        History {
            current: g,
            past: Vec::new(),
            future: Vec::new(),
        }
    }

    /// The graph now.
    pub fn current(&self) -> &GraphSpec {
        &self.current
    }

    /// Applies an edit (undoable; clears redo). A note or error as [`GraphSpec::apply`].
    pub fn apply(&mut self, edit: &Edit) -> Result<Option<String>, String> {
        let mut next = self.current.clone();
        let note = next.apply(edit)?;
        if next != self.current {
            self.push(next);
        }
        Ok(note)
    }

    /// Replaces the whole graph (a preset), undoably.
    pub fn replace(&mut self, g: GraphSpec) {
        if g != self.current {
            self.push(g);
        }
    }

    fn push(&mut self, next: GraphSpec) {
        self.past.push(std::mem::replace(&mut self.current, next));
        if self.past.len() > MAX_UNDO {
            self.past.remove(0);
        }
        self.future.clear();
    }

    /// Steps back; false if there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        match self.past.pop() {
            Some(prev) => {
                self.future.push(std::mem::replace(&mut self.current, prev));
                true
            }
            None => false,
        }
    }

    /// Steps forward again; false if there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        match self.future.pop() {
            Some(next) => {
                self.past.push(std::mem::replace(&mut self.current, next));
                true
            }
            None => false,
        }
    }

    /// Whether [`History::undo`] would do something.
    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    /// Whether [`History::redo`] would do something.
    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::presets::seed_001_six_nodes;

    fn six() -> GraphSpec {
        GraphSpec::from_model(&seed_001_six_nodes())
    }

    #[test]
    fn the_spec_round_trips_through_petgraph_and_json() {
        let g = six();
        assert_eq!(g.adjacency(), seed_001_six_nodes().adjacency());
        assert_eq!(GraphSpec::from_model(&g.to_model()), g);
        let json = serde_json::to_string(&g).unwrap();
        assert_eq!(serde_json::from_str::<GraphSpec>(&json).unwrap(), g);
    }

    #[test]
    fn adding_an_edge_changes_two_degrees() {
        let mut g = six();
        // Nodes 4 and 5 (indices 3 and 4) are not adjacent on the slide.
        assert_eq!(g.apply(&Edit::AddEdge(4, 3)), Ok(None));
        let a = g.adjacency();
        assert_eq!((a[(3, 4)], a[(4, 3)]), (1.0, 1.0));
        assert_eq!(a.row(3).sum(), 2.0);
        assert_eq!(a.row(4).sum(), 3.0);
        assert!(g.edges.windows(2).all(|w| w[0] < w[1]), "kept sorted");
    }

    #[test]
    fn duplicates_are_refused_and_self_loops_kept_with_a_note() {
        let mut g = six();
        let note = g.apply(&Edit::AddEdge(1, 0)).unwrap().unwrap();
        assert!(note.contains("already there"), "{note}");
        assert_eq!(g, six(), "nothing changed");
        let note = g.apply(&Edit::AddEdge(2, 2)).unwrap().unwrap();
        assert!(note.contains("A_33 = 1"), "{note}");
        assert_eq!(g.adjacency()[(2, 2)], 1.0);
    }

    #[test]
    fn removing_a_node_renumbers_the_edges_after_it() {
        let mut g = six();
        g.apply(&Edit::RemoveNode(2)).unwrap(); // node 3, the hub
        assert_eq!(g.nodes.len(), 5);
        // Left: 1–2, 1–4, 5–6 → indices (0,1), (0,2), (3,4).
        assert_eq!(g.edges, vec![(0, 1), (0, 2), (3, 4)]);
        assert_eq!(g.nodes[2].label, "4");
        // A new node is labelled after the largest label.
        g.apply(&Edit::AddNode(0.5, 0.5)).unwrap();
        assert_eq!(g.nodes[5].label, "7");
    }

    #[test]
    fn bad_edits_and_bad_specs_say_what_is_wrong_and_change_nothing() {
        let mut g = six();
        assert!(g
            .apply(&Edit::AddEdge(0, 9))
            .unwrap_err()
            .contains("no node 10"));
        assert!(g
            .apply(&Edit::RemoveEdge(3, 4))
            .unwrap_err()
            .contains("no edge 4–5"));
        assert!(g.apply(&Edit::AddNode(f64::NAN, 0.2)).is_err());
        assert!(g.apply(&Edit::Move(0, 0.1, f64::INFINITY)).is_err());
        assert_eq!(g, six());
        // Positions are kept in the unit square.
        g.apply(&Edit::Move(0, -3.0, 2.0)).unwrap();
        assert_eq!((g.nodes[0].x, g.nodes[0].y), (0.0, 1.0));
        let mut bad = six();
        bad.edges.push((0, 6));
        assert!(bad.check().unwrap_err().contains("edge 1–7"));
        bad.edges.pop();
        bad.nodes[1].x = f64::NAN;
        assert!(bad.check().unwrap_err().contains("node 2"));
        let huge = GraphSpec {
            nodes: vec![
                NodeSpec {
                    label: "x".into(),
                    x: 0.0,
                    y: 0.0
                };
                MAX_NODES + 1
            ],
            edges: vec![],
        };
        assert!(huge.check().unwrap_err().contains("at most 500"));
        let mut full = GraphSpec {
            nodes: huge.nodes[..MAX_NODES].to_vec(),
            edges: vec![],
        };
        assert!(full.apply(&Edit::AddNode(0.1, 0.1)).is_err());
        // The empty graph is fine.
        assert_eq!(GraphSpec::default().check(), Ok(()));
        assert_eq!(GraphSpec::default().adjacency().nrows(), 0);
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let mut h = History::new(six());
        assert!(!h.can_undo() && !h.undo());
        h.apply(&Edit::AddEdge(3, 4)).unwrap();
        h.apply(&Edit::RemoveNode(0)).unwrap();
        assert_eq!(h.current().nodes.len(), 5);
        assert!(h.undo());
        assert_eq!(h.current().nodes.len(), 6);
        assert!(h.undo());
        assert_eq!(*h.current(), six());
        assert!(h.redo() && h.redo() && !h.redo());
        assert_eq!(h.current().nodes.len(), 5);
        // A refused duplicate is not an undo step; a new edit clears redo.
        h.undo();
        let before = h.clone();
        h.apply(&Edit::AddEdge(3, 4)).unwrap();
        assert_eq!(h, before);
        h.apply(&Edit::Move(0, 0.2, 0.2)).unwrap();
        assert!(!h.can_redo());
        // The stack is bounded.
        for k in 0..(MAX_UNDO + 20) {
            h.apply(&Edit::Move(0, (k % 2) as f64, 0.5)).unwrap();
        }
        let mut undos = 0;
        while h.undo() {
            undos += 1;
        }
        assert_eq!(undos, MAX_UNDO);
    }
}
