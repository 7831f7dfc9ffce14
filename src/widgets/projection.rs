//! Coordinate spaces, named: *graph space* is the unit square [0, 1]² where the graph model
//! keeps positions; *screen space* is the SVG's user units. Both have y pointing down.

/// A rectangle in screen space that graph space is mapped onto, with a margin so node circles
/// at the edges are not clipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Width in screen units.
    pub width: f64,
    /// Height in screen units.
    pub height: f64,
    /// Margin kept free on every side.
    pub margin: f64,
}

impl Viewport {
    /// Screen position of a point given in graph space.
    pub fn screen_from_graph(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            self.margin + x * (self.width - 2.0 * self.margin),
            self.margin + y * (self.height - 2.0 * self.margin),
        )
    }

    /// Graph-space position of a point given in screen space (inverse of
    /// [`Self::screen_from_graph`]); a degenerate viewport maps everything to the origin.
    pub fn graph_from_screen(&self, (sx, sy): (f64, f64)) -> (f64, f64) {
        let w = self.width - 2.0 * self.margin;
        let h = self.height - 2.0 * self.margin;
        if w <= 0.0 || h <= 0.0 {
            return (0.0, 0.0);
        }
        ((sx - self.margin) / w, (sy - self.margin) / h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let v = Viewport {
            width: 400.0,
            height: 300.0,
            margin: 20.0,
        };
        for p in [(0.0, 0.0), (1.0, 1.0), (0.25, 0.8)] {
            let q = v.graph_from_screen(v.screen_from_graph(p));
            assert!((p.0 - q.0).abs() < 1e-12 && (p.1 - q.1).abs() < 1e-12);
        }
        assert_eq!(v.screen_from_graph((0.0, 0.0)), (20.0, 20.0));
        assert_eq!(v.screen_from_graph((1.0, 1.0)), (380.0, 280.0));
    }
}
