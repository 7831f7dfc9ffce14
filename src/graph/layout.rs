//! An automatic force layout that settles and stops: Fruchterman & Reingold (1991), "Graph
//! drawing by force-directed placement" — every pair of nodes repels with k²/d, every edge
//! pulls with d²/k, and each step's movement is capped by a temperature that cools
//! geometrically, so the layout converges in a bounded number of steps and then stops.
//!
//! Written by hand: petgraph has no layout, and the layout crates on crates.io (fdg, forceatlas2)
//! bring their own graph types, threads or 3-D vectors for what is fifty lines here. Positions
//! are in graph space, the unit square; the result is fitted back into [0.06, 0.94]² so no node
//! is drawn on the border. Deterministic: the same graph and start give the same drawing
//! (coincident nodes are separated along a direction that depends only on their indices).

/// Steps after which the layout stops whatever happens.
pub const MAX_STEPS: usize = 300;
/// The layout stops early once no node moves more than this in a step (graph space).
pub const SETTLED: f64 = 2e-4;

/// A running layout.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceLayout {
    pos: Vec<(f64, f64)>,
    edges: Vec<(usize, usize)>,
    temperature: f64,
    steps: usize,
    last_move: f64,
}

impl ForceLayout {
    /// Starts from `pos` (one per node) with `edges` over node indices (self-loops ignored).
    pub fn new(pos: Vec<(f64, f64)>, edges: &[(usize, usize)]) -> ForceLayout {
        let n = pos.len();
        ForceLayout {
            edges: edges
                .iter()
                .copied()
                .filter(|&(a, b)| a != b && a < n && b < n)
                .collect(),
            pos,
            temperature: 0.1,
            steps: 0,
            last_move: f64::INFINITY,
        }
    }

    /// Whether the layout has settled (or used its [`MAX_STEPS`]).
    pub fn is_finished(&self) -> bool {
        self.pos.len() < 2 || self.steps >= MAX_STEPS || self.last_move < SETTLED
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The positions now, fitted into the drawing area.
    pub fn positions(&self) -> Vec<(f64, f64)> {
        fit(&self.pos)
    }

    /// One step of forces; does nothing once finished. Costs O(n² + m).
    pub fn tick(&mut self) {
        if self.is_finished() {
            return;
        }
        let n = self.pos.len();
        let k = (1.0 / n as f64).sqrt() * 0.75;
        let mut disp = vec![(0.0f64, 0.0f64); n];
        for i in 0..n {
            for j in i + 1..n {
                let (mut dx, mut dy) =
                    (self.pos[i].0 - self.pos[j].0, self.pos[i].1 - self.pos[j].1);
                let mut d2 = dx * dx + dy * dy;
                if d2 < 1e-12 {
                    // Coincident: push apart along a direction fixed by the indices.
                    let a = (i * 31 + j * 17) as f64;
                    (dx, dy) = (a.cos() * 1e-3, a.sin() * 1e-3);
                    d2 = 1e-6;
                }
                let f = k * k / d2; // (k²/d) along the unit vector (dx, dy)/d
                disp[i].0 += dx * f;
                disp[i].1 += dy * f;
                disp[j].0 -= dx * f;
                disp[j].1 -= dy * f;
            }
        }
        for &(a, b) in &self.edges {
            let (dx, dy) = (self.pos[a].0 - self.pos[b].0, self.pos[a].1 - self.pos[b].1);
            let d = (dx * dx + dy * dy).sqrt();
            let f = d / k; // (d²/k) along the unit vector
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        // A weak pull to the centre keeps disconnected pieces on the canvas.
        for (p, d) in self.pos.iter().zip(disp.iter_mut()) {
            d.0 -= (p.0 - 0.5) * 0.5 * k;
            d.1 -= (p.1 - 0.5) * 0.5 * k;
        }
        let mut moved = 0.0f64;
        for (p, (dx, dy)) in self.pos.iter_mut().zip(disp) {
            let len = (dx * dx + dy * dy).sqrt();
            if len > 0.0 && len.is_finite() {
                let step = len.min(self.temperature);
                p.0 += dx / len * step;
                p.1 += dy / len * step;
                moved = moved.max(step);
            }
        }
        self.last_move = moved;
        self.temperature *= 0.97;
        self.steps += 1;
    }

    /// Runs to the end (tests and small graphs).
    pub fn settle(&mut self) -> Vec<(f64, f64)> {
        while !self.is_finished() {
            self.tick();
        }
        self.positions()
    }
}

/// Scales and shifts `pos` into [0.06, 0.94]² keeping the aspect ratio; a single node (or all
/// nodes at one point) goes to the centre.
pub fn fit(pos: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let (lo, hi) = (0.06, 0.94);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in pos {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let span = (x1 - x0).max(y1 - y0);
    if !(span.is_finite() && span > 1e-9) {
        return pos.iter().map(|_| (0.5, 0.5)).collect();
    }
    let s = (hi - lo) / span;
    let (ox, oy) = (0.5 - (x0 + x1) / 2.0 * s, 0.5 - (y0 + y1) / 2.0 * s);
    pos.iter()
        .map(|&(x, y)| {
            let r = |v: f64| (v * 1000.0).round() / 1000.0;
            (r(x * s + ox), r(y * s + oy))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::presets::{circle, preset};

    fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn settles_and_stops_inside_the_canvas() {
        let g = preset("karate", 1).unwrap();
        let start: Vec<_> = g.nodes.iter().map(|n| (n.x, n.y)).collect();
        let mut l = ForceLayout::new(start, &g.edges);
        let out = l.settle();
        assert!(l.is_finished() && l.steps() <= MAX_STEPS);
        assert_eq!(out.len(), 34);
        assert!(out
            .iter()
            .all(|&(x, y)| (0.0599..=0.9401).contains(&x) && (0.0599..=0.9401).contains(&y)));
        let before = l.clone();
        l.tick();
        assert_eq!(l, before, "a finished layout does not move");
    }

    #[test]
    fn neighbours_end_closer_than_strangers() {
        // Two 5-cliques joined by one bridge, started on a circle: each clique gathers.
        let g = preset("cliques", 1).unwrap();
        let mut l = ForceLayout::new(circle(10), &g.edges);
        let p = l.settle();
        let within = dist(p[0], p[1]);
        let across = dist(p[1], p[6]);
        assert!(within < across, "within {within}, across {across}");
    }

    #[test]
    fn deterministic_and_coincident_nodes_separate() {
        let start = vec![(0.5, 0.5); 4];
        let a = ForceLayout::new(start.clone(), &[(0, 1)]).settle();
        let b = ForceLayout::new(start, &[(0, 1)]).settle();
        assert_eq!(a, b);
        for i in 0..4 {
            for j in i + 1..4 {
                assert!(dist(a[i], a[j]) > 0.05, "{i} and {j} still overlap: {a:?}");
            }
        }
    }

    #[test]
    fn tiny_graphs_do_not_move() {
        assert!(ForceLayout::new(vec![], &[]).is_finished());
        let one = ForceLayout::new(vec![(0.2, 0.9)], &[(0, 0)]);
        assert!(one.is_finished());
        assert_eq!(one.positions(), vec![(0.5, 0.5)]);
        assert!(fit(&[(f64::NAN, 0.0)]).iter().all(|p| *p == (0.5, 0.5)));
    }
}
