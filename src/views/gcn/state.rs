//! The GCN view's state — the graph, the signal on its nodes and every control, all in the URL —
//! and the engine run it implies. Plain Rust, tested natively; the components only call it.

use super::passing_state::Passing;
use super::train_state::TrainSettings;
use crate::engine::gcn::{components_of_edges, graph_matrices, GraphMatricesTrace, Spectrum};
use crate::engine::Vector;
use crate::graph::edit::{GraphSpec, MAX_NODES};
use crate::graph::presets;
use serde::{Deserialize, Serialize};

/// Above this many nodes the drawing leaves out labels and makes nodes small.
pub const LABELS_UP_TO: usize = 60;

/// What the nodes' colours show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colouring {
    /// Plain nodes.
    None,
    /// The selected eigenvector u_k of L.
    Eigenvector,
    /// The signal x drawn by the student.
    Signal,
    /// The signal after the low-pass filter.
    Filtered,
    /// The features h⁽ᵏ⁾ after k message-passing layers.
    Features,
    /// The trained model's prediction, P(class 1) − P(class 0).
    Prediction,
}

/// Every control of the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GcnState {
    /// The graph as drawn.
    pub graph: GraphSpec,
    /// The preset it started from ("" once edited by hand is not tracked: the menu shows it).
    pub preset: String,
    /// Use the renormalisation trick: Ã = A + I, D̃, P̃ = D̃^-½ÃD̃^-½.
    pub self_loops: bool,
    /// The eigenvector shown (0-based index into the ascending eigenvalues).
    pub eig: usize,
    /// What the node colours show.
    pub colour: Colouring,
    /// The node signal x (one value per node; missing values are 0, extra ones ignored).
    pub signal: Vec<f64>,
    /// Low-pass cut-off on the eigenvalues, in [0, 2].
    pub cutoff: f64,
    /// Seed of the random presets.
    pub seed: u64,
    /// The message-passing controls.
    pub pass: Passing,
    /// The class a student gave each node for training (None: unlabelled).
    pub labels: Vec<Option<usize>>,
    /// The training settings.
    pub train: TrainSettings,
    /// The GAT head whose α the edges show (1-based; 0 = plain edges).
    pub gat_head: usize,
}

impl Default for GcnState {
    fn default() -> Self {
        GcnState {
            graph: presets::preset("seed001", 1).unwrap_or_default(),
            preset: "seed001".into(),
            self_loops: false,
            eig: 1,
            colour: Colouring::None,
            signal: vec![1.0],
            cutoff: 1.0,
            seed: 1,
            pass: Passing::default(),
            labels: Vec::new(),
            train: TrainSettings::default(),
            gat_head: 0,
        }
    }
}

impl GcnState {
    /// The signal as a vector with one entry per node (padded with 0, non-numbers as 0).
    pub fn signal_vec(&self) -> Vector {
        let n = self.graph.nodes.len();
        Vector::from_fn(n, |i, _| {
            self.signal
                .get(i)
                .copied()
                .filter(|v| v.is_finite())
                .unwrap_or(0.0)
        })
    }

    /// What the engine needs: the nodes' count and the edges (positions and labels do not
    /// change any matrix, so dragging a node does not recompute them).
    pub fn structure(&self) -> Structure {
        Structure {
            n: self.graph.nodes.len(),
            edges: self.graph.edges.clone(),
        }
    }
}

/// The part of the graph the matrices depend on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Structure {
    /// Number of nodes.
    pub n: usize,
    /// Edges over node positions.
    pub edges: Vec<(usize, usize)>,
}

/// Everything the panels show for one graph.
#[derive(Debug, Clone)]
pub struct GcnRun {
    /// A, D, P = D^-½AD^-½ and L = I − P of the graph as drawn.
    pub plain: GraphMatricesTrace,
    /// The same for Ã = A + I (the renormalisation trick).
    pub tilde: GraphMatricesTrace,
    /// The connected component of each node.
    pub components: Vec<usize>,
    /// Number of connected components.
    pub n_components: usize,
    /// Nodes with degree 0 (0-based).
    pub isolated: Vec<usize>,
    /// Nodes with a self-loop (0-based).
    pub loops: Vec<usize>,
}

/// Computes every matrix of `s` (the spectrum is [`Spectral`], computed apart).
pub fn run(s: &Structure) -> Result<GcnRun, String> {
    if s.n > MAX_NODES {
        return Err(format!(
            "the graph has {} nodes; nnviz shows at most {MAX_NODES}",
            s.n
        ));
    }
    let g = GraphSpec {
        nodes: vec![Default::default(); s.n],
        edges: s.edges.clone(),
    };
    let a = g.adjacency();
    let plain = graph_matrices(&a).map_err(|e| e.to_string())?;
    let tilde =
        graph_matrices(&crate::engine::gcn::with_self_loops(&a)).map_err(|e| e.to_string())?;
    let components = components_of_edges(s.n, s.edges.iter().copied());
    let n_components = components.iter().max().map_or(0, |m| m + 1);
    let isolated = (0..s.n)
        .filter(|&i| plain.degrees[i] == 0.0)
        .collect::<Vec<_>>();
    let loops = (0..s.n).filter(|&i| a[(i, i)] != 0.0).collect();
    Ok(GcnRun {
        plain,
        tilde,
        components,
        n_components,
        isolated,
        loops,
    })
}

/// Sentences for the notes under the drawing: isolated nodes, pieces, self-loops.
pub fn notes(r: &GcnRun, labels: &[String]) -> Vec<String> {
    let name = |i: &usize| {
        labels
            .get(*i)
            .cloned()
            .unwrap_or_else(|| (i + 1).to_string())
    };
    let list = |v: &[usize]| v.iter().map(name).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    let n = r.components.len();
    if n == 0 {
        out.push(
            "The graph is empty: click the drawing to add a node (or pick a preset).".to_string(),
        );
        return out;
    }
    if !r.isolated.is_empty() {
        out.push(format!(
            "Isolated node{} {} (degree 0): d^−½ is undefined there, so nnviz sets it to 0 — row and \
             column of P are 0, L's diagonal entry is 0 (Chung's convention), and each such node is \
             a component of its own. With self-loops (Ã = A + I) it has degree 1 and keeps its \
             own features.",
            if r.isolated.len() > 1 { "s" } else { "" },
            list(&r.isolated)
        ));
    }
    if r.n_components > 1 {
        out.push(format!(
            "{} connected components: L has eigenvalue 0 exactly {} times, and messages never \
             cross from one piece to another.",
            r.n_components, r.n_components
        ));
    }
    if !r.loops.is_empty() {
        out.push(format!(
            "Self-loop on {}: A_ii = 1, so the node is its own neighbour; with the renormalisation \
             trick (A + I) it counts itself twice.",
            list(&r.loops)
        ));
    }
    out
}

/// A sanitised copy: eigenvector index in range, cut-off in [0, 2], signal of the right length;
/// with notes for what had to change.
pub fn sanitized(s: &GcnState) -> (GcnState, Vec<String>) {
    let mut s = s.clone();
    let mut notes = Vec::new();
    if let Err(e) = s.graph.check() {
        notes.push(format!(
            "The link's graph could not be used ({e}); showing the 6-node graph instead."
        ));
        s.graph = GcnState::default().graph;
    }
    let n = s.graph.nodes.len();
    if !(0.0..=2.0).contains(&s.cutoff) {
        let c = if s.cutoff.is_finite() {
            s.cutoff.clamp(0.0, 2.0)
        } else {
            1.0
        };
        notes.push(format!(
            "Cut-off {} is outside 0–2 (the eigenvalues of L); using {c}",
            s.cutoff
        ));
        s.cutoff = c;
    }
    if n > 0 && s.eig >= n {
        s.eig = n - 1;
    }
    s.signal.truncate(n);
    let (pass, pass_notes) = s.pass.sanitized();
    s.pass = pass;
    notes.extend(pass_notes);
    let (train, train_notes) = s.train.sanitized();
    s.train = train;
    notes.extend(train_notes);
    s.labels = super::train_state::labels_for(&s.labels, n);
    s.gat_head = s.gat_head.min(super::gat_state::HEADS);
    (s, notes)
}

/// L = UΛUᵀ of one run, with the run it belongs to: on a large graph it is computed in a Web
/// Worker and arrives after the run (src/views/gcn/spectrum.rs), so what is drawn from it —
/// the spectrum panel, the signal report, eigenvector colours — is drawn for *its* run.
#[derive(Debug)]
pub struct Spectral {
    /// The run whose L this is.
    pub run: crate::views::Shared<GcnRun>,
    /// L = UΛUᵀ, or why it could not be computed.
    pub spectrum: Result<Spectrum, String>,
}

/// The signal presets of the spectrum panel: (key, label).
pub const SIGNALS: [(&str, &str); 4] = [
    ("impulse", "one node (an impulse)"),
    ("smooth", "smooth (the Fiedler vector)"),
    ("noisy", "noisy (alternating ±1)"),
    ("component", "one component on"),
];

/// The signal preset `key` for a graph with this run and, when it is known, its spectrum (None
/// for an unknown key).
pub fn signal_preset(
    key: &str,
    r: &GcnRun,
    spectrum: Option<&Spectrum>,
    node: usize,
) -> Option<Vec<f64>> {
    let n = r.components.len();
    Some(match key {
        "impulse" => (0..n).map(|i| f64::from(u8::from(i == node))).collect(),
        "smooth" => match spectrum {
            Some(sp) if n > 1 && sp.values.len() == n => match sp.vector(1) {
                Some(u) => u.iter().map(|v| round3(*v)).collect(),
                None => vec![1.0; n],
            },
            _ => vec![1.0; n],
        },
        "noisy" => (0..n)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect(),
        "component" => {
            let c = r.components.get(node).copied().unwrap_or(0);
            r.components
                .iter()
                .map(|&k| f64::from(u8::from(k == c)))
                .collect()
        }
        _ => return None,
    })
}

/// The spectrum panel's numbers for one signal.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalReport {
    /// x̂ = Uᵀx.
    pub x_hat: Vector,
    /// The transform of one propagation P·x (P = D^-½AD^-½ = I − L: frequency λ scaled by 1 − λ).
    pub propagated_hat: Vector,
    /// The low-pass filtered signal U·diag(λ ≤ cut-off)·x̂.
    pub filtered: Vector,
    /// ‖filtered‖² / ‖x‖² (1 for a zero signal).
    pub kept: f64,
}

/// x̂, the propagated transform and the low-pass result for `x` (None without a spectrum).
pub fn signal_report(s: &Spectral, x: &Vector, cutoff: f64) -> Option<SignalReport> {
    let (r, sp) = (&s.run, s.spectrum.as_ref().ok()?);
    if x.len() != sp.values.len() {
        return None;
    }
    // x̂ once, for the bars and the filter (each transform is O(n²)).
    let x_hat = sp.gft(x);
    let filtered = sp.low_pass_of_transform(&x_hat, cutoff);
    let total = x.norm_squared();
    Some(SignalReport {
        x_hat,
        propagated_hat: sp.gft(&(&r.plain.p * x)),
        kept: if total > 0.0 {
            filtered.norm_squared() / total
        } else {
            1.0
        },
        filtered,
    })
}

/// Rounds to three decimals (values that go into the URL).
pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gcn::spectrum;
    use crate::graph::edit::Edit;

    fn run_of(g: &GraphSpec) -> GcnRun {
        run(&Structure {
            n: g.nodes.len(),
            edges: g.edges.clone(),
        })
        .unwrap()
    }

    #[test]
    fn default_is_the_deck_graph_and_round_trips_through_the_url() {
        let s = GcnState::default();
        assert_eq!(s.graph.nodes.len(), 6);
        let hash = crate::state::encode("#/gcn", &s);
        let back: GcnState = crate::state::decode(&hash).unwrap().unwrap();
        assert_eq!(back, s);
        let r = run_of(&s.graph);
        assert_eq!(r.plain.degrees.as_slice(), &[3., 2., 4., 1., 2., 2.]);
        // Ã = A + I: every degree one more.
        assert_eq!(r.tilde.degrees.as_slice(), &[4., 3., 5., 2., 3., 3.]);
        assert_eq!(r.n_components, 1);
        assert!(notes(&r, &[]).is_empty());
    }

    #[test]
    fn disconnecting_a_node_adds_a_zero_eigenvalue_and_a_note() {
        let mut g = GcnState::default().graph;
        let before = run_of(&g);
        assert_eq!(spectrum(&before.plain.l).unwrap().zero_count(), 1);
        // Node 4 hangs on node 1 alone: removing 1–4 isolates it.
        g.apply(&Edit::RemoveEdge(0, 3)).unwrap();
        let after = run_of(&g);
        assert_eq!(spectrum(&after.plain.l).unwrap().zero_count(), 2);
        assert_eq!(after.isolated, vec![3]);
        let labels = g.nodes.iter().map(|n| n.label.clone()).collect::<Vec<_>>();
        let text = notes(&after, &labels).join(" ");
        assert!(text.contains("Isolated node 4"), "{text}");
        assert!(text.contains("2 connected components"), "{text}");
        assert!(after.plain.p.iter().all(|v| v.is_finite()));
        assert!(after.plain.l.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn empty_graph_and_self_loops_are_explained() {
        let r = run_of(&GraphSpec::default());
        assert_eq!(r.n_components, 0);
        assert!(notes(&r, &[]).join(" ").contains("empty"));
        let mut g = GcnState::default().graph;
        g.apply(&Edit::AddEdge(2, 2)).unwrap();
        let r = run_of(&g);
        assert_eq!(r.loops, vec![2]);
        assert!(notes(&r, &[]).join(" ").contains("Self-loop on 3"));
    }

    #[test]
    fn bad_links_are_repaired_with_a_note() {
        let mut s = GcnState::default();
        s.graph.edges.push((0, 40));
        s.cutoff = 7.0;
        s.eig = 99;
        s.signal = vec![1.0; 50];
        let (t, notes) = sanitized(&s);
        assert_eq!(t.graph, GcnState::default().graph);
        assert_eq!((t.cutoff, t.eig, t.signal.len()), (2.0, 5, 6));
        assert_eq!(notes.len(), 2, "{notes:?}");
        let decoded = crate::state::decode::<GcnState>("#/gcn?s={\"graph\":7}");
        assert!(decoded.is_err());
    }

    #[test]
    fn one_propagation_scales_each_frequency_by_one_minus_lambda() {
        let s = GcnState::default();
        let run = crate::views::Shared(std::sync::Arc::new(run_of(&s.graph)));
        let r = Spectral {
            spectrum: spectrum(&run.plain.l).map_err(|e| e.to_string()),
            run,
        };
        let x = Vector::from_vec(vec![1.0, -2.0, 0.5, 3.0, 0.0, 1.0]);
        let rep = signal_report(&r, &x, 2.0).unwrap();
        let sp = r.spectrum.as_ref().unwrap();
        for k in 0..6 {
            let expect = (1.0 - sp.values[k]) * rep.x_hat[k];
            assert!((rep.propagated_hat[k] - expect).abs() < 1e-9, "k = {k}");
        }
        // Cut-off 2 keeps everything; cut-off 0 keeps only the component's constant (D^½·1).
        assert!((rep.kept - 1.0).abs() < 1e-9);
        assert!((rep.filtered.clone() - x.clone()).norm() < 1e-9);
        let low = signal_report(&r, &x, 0.0).unwrap();
        assert!(low.kept < 1.0);
        let d_half = r.run.plain.degrees.map(f64::sqrt);
        let cos = low.filtered.dot(&d_half) / (low.filtered.norm() * d_half.norm());
        assert!((cos.abs() - 1.0).abs() < 1e-9);
        assert!(signal_report(&r, &Vector::zeros(3), 1.0).is_none());
    }

    #[test]
    fn signal_presets() {
        let s = GcnState::default();
        let r = run_of(&s.graph);
        let sp = spectrum(&r.plain.l).ok();
        assert_eq!(
            signal_preset("impulse", &r, None, 2).unwrap(),
            vec![0., 0., 1., 0., 0., 0.]
        );
        let smooth = signal_preset("smooth", &r, sp.as_ref(), 0).unwrap();
        assert_eq!(smooth.len(), 6);
        // The Fiedler vector is orthogonal to D^½·1 (the eigenvector of 0), so it changes sign.
        assert!(smooth.iter().any(|v| *v > 0.0) && smooth.iter().any(|v| *v < 0.0));
        // Without the spectrum (still on its way from the worker): constant.
        assert_eq!(signal_preset("smooth", &r, None, 0).unwrap(), vec![1.0; 6]);
        assert!(signal_preset("nope", &r, sp.as_ref(), 0).is_none());
        assert_eq!(s.signal_vec().as_slice(), &[1., 0., 0., 0., 0., 0.]);
    }
}
