//! Matrix multiply behind a backend: the trait the GPU layer implements, the CPU backend
//! (nalgebra), and the pure arithmetic around offloading — f32 packing, the f32 error bound a
//! GPU result must meet, GFLOP/s, and the CPU/GPU crossover found from measurements.
//!
//! The engine stays synchronous and web-free: a backend returns a boxed [`Future`] so that an
//! asynchronous implementation (WebGPU in `src/gpu`, whose readback is a promise) fits the same
//! trait; [`CpuMatmul`]'s future is ready at once. The engine never awaits anything itself.

use std::future::Future;
use std::pin::Pin;

use super::{EngineError, Mat, Result};

/// The result of a backend's multiply, possibly still being computed.
pub type MatmulFuture<'a> = Pin<Box<dyn Future<Output = Result<Mat>> + 'a>>;

/// Something that computes C = A·B.
pub trait MatmulBackend {
    /// What computes, in words (e.g. "CPU (nalgebra, f64)").
    fn name(&self) -> String;
    /// C = A·B. Shapes are checked first ([`check_shapes`]); an implementation copies what it
    /// needs of `a` and `b` before returning, so the future does not borrow them.
    fn matmul(&self, a: &Mat, b: &Mat) -> MatmulFuture<'_>;
}

/// The CPU backend: nalgebra's blocked f64 `gemm`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuMatmul;

impl MatmulBackend for CpuMatmul {
    fn name(&self) -> String {
        "CPU (nalgebra, f64)".to_string()
    }

    fn matmul(&self, a: &Mat, b: &Mat) -> MatmulFuture<'_> {
        let c = check_shapes(a, b).map(|_| a * b);
        Box::pin(std::future::ready(c))
    }
}

/// The output of a future that needs no waiting (a [`CpuMatmul`] product, or an engine
/// computation awaiting only those), polled once; `None` if it would have to wait. Lets
/// native code and tests run the engine's backend-generic functions without an executor.
pub fn poll_ready<F: Future>(f: F) -> Option<F::Output> {
    use std::task::{Context, Poll, Waker};
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// (m, k, n) of A (m×k) · B (k×n), or an error naming both shapes.
pub fn check_shapes(a: &Mat, b: &Mat) -> Result<(usize, usize, usize)> {
    if a.ncols() != b.nrows() {
        return Err(EngineError::Shape {
            what: format!(
                "A·B needs A's columns = B's rows, but A is {}×{} and B is {}×{}",
                a.nrows(),
                a.ncols(),
                b.nrows(),
                b.ncols()
            ),
        });
    }
    Ok((a.nrows(), a.ncols(), b.ncols()))
}

/// A·B computed a block of C at a time ([`step`](Self::step)), so a long CPU multiply can run
/// in bounded slices between frames. Blocks are [`BLOCK_ROWS`] rows by at least
/// [`MIN_BLOCK_COLS`] columns: thinner slices fall off nalgebra's blocked `gemm` (a 1-row slice
/// of a 512² product ran 30× slower than the whole product).
#[derive(Debug, Clone)]
pub struct SlicedProduct {
    a: Mat,
    b: Mat,
    c: Mat,
    /// Next block's first row and column.
    row: usize,
    col: usize,
}

/// Rows of C per block of a [`SlicedProduct`].
pub const BLOCK_ROWS: usize = 64;
/// Fewest columns of C per block (unless C has fewer).
pub const MIN_BLOCK_COLS: usize = 16;

impl SlicedProduct {
    /// Starts A·B (shapes checked).
    pub fn new(a: Mat, b: Mat) -> Result<Self> {
        let (m, _, n) = check_shapes(&a, &b)?;
        Ok(SlicedProduct {
            a,
            b,
            c: Mat::zeros(m, n),
            row: 0,
            col: 0,
        })
    }

    /// Computes the next block of C, sized to about `work` multiply-adds (at least
    /// [`MIN_BLOCK_COLS`] columns, at most the rest of the block row); returns the
    /// multiply-adds done (0 when finished).
    pub fn step(&mut self, work: usize) -> usize {
        let (m, k, n) = (self.a.nrows(), self.a.ncols(), self.b.ncols());
        if self.done() {
            return 0;
        }
        let rows = BLOCK_ROWS.min(m - self.row);
        let per_col = (rows * k).max(1);
        let cols = (work / per_col).max(MIN_BLOCK_COLS).min(n - self.col);
        let part = self.a.rows(self.row, rows) * self.b.columns(self.col, cols);
        self.c
            .view_mut((self.row, self.col), (rows, cols))
            .copy_from(&part);
        self.col += cols;
        if self.col >= n {
            self.col = 0;
            self.row += rows;
        }
        rows * cols * k
    }

    /// Whether every block is computed.
    pub fn done(&self) -> bool {
        self.row >= self.a.nrows() || self.b.ncols() == 0
    }

    /// C (blocks not yet computed are zero).
    pub fn into_product(self) -> Mat {
        self.c
    }
}

/// Gradients of L through C = A·B: ∂L/∂A = G Bᵀ and ∂L/∂B = Aᵀ G, with G = ∂L/∂C.
pub fn matmul_backward(a: &Mat, b: &Mat, g: &Mat) -> (Mat, Mat) {
    (g * b.transpose(), super::linalg::at_b(a, g))
}

/// Floating-point operations of an m×k by k×n product (one multiply and one add per term).
pub fn flops(m: usize, k: usize, n: usize) -> f64 {
    2.0 * m as f64 * k as f64 * n as f64
}

/// GFLOP/s of an m×k·k×n product that took `seconds` (0 when nothing was timed).
pub fn gflops(m: usize, k: usize, n: usize, seconds: f64) -> f64 {
    if seconds > 0.0 {
        flops(m, k, n) / seconds / 1e9
    } else {
        0.0
    }
}

/// A in row-major f32, as a GPU buffer holds it.
pub fn to_f32_row_major(a: &Mat) -> Vec<f32> {
    let mut out = Vec::with_capacity(a.len());
    for i in 0..a.nrows() {
        out.extend(a.row(i).iter().map(|&v| v as f32));
    }
    out
}

/// An `rows`×`cols` matrix from row-major f32 (missing entries are an error, extra ignored).
pub fn from_f32_row_major(rows: usize, cols: usize, data: &[f32]) -> Result<Mat> {
    if data.len() < rows * cols {
        return Err(EngineError::Shape {
            what: format!(
                "{rows}×{cols} needs {} values, got {}",
                rows * cols,
                data.len()
            ),
        });
    }
    Ok(Mat::from_fn(rows, cols, |i, j| {
        f64::from(data[i * cols + j])
    }))
}

/// The largest |C_ij − D_ij| (∞ when the shapes differ or an entry is not finite).
pub fn max_abs_diff(c: &Mat, d: &Mat) -> f64 {
    if c.shape() != d.shape() {
        return f64::INFINITY;
    }
    c.iter()
        .zip(d.iter())
        .map(|(x, y)| (x - y).abs())
        .fold(
            0.0,
            |m, e| if e.is_nan() { f64::INFINITY } else { m.max(e) },
        )
}

/// How far an f32 product of A and B may be from the f64 one: rounding A and B to f32 and
/// k sums in f32 give |ΔC_ij| ≤ (k + 2)·u·(|A||B|)_ij with u = 2⁻²⁴ (the standard bound);
/// twice that, over the worst entry, is the tolerance the GPU must meet.
pub fn f32_tolerance(a: &Mat, b: &Mat) -> f64 {
    if a.ncols() != b.nrows() || a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let abs_ab = a.abs() * b.abs();
    let u = f64::from(f32::EPSILON) / 2.0;
    2.0 * (a.ncols() as f64 + 2.0) * u * abs_ab.max()
}

/// [`f32_tolerance`] without forming |A||B| (which costs as much as the product): bounds
/// (|A||B|)_ij by max_i ‖A_i‖₁ · max|B|, so it is looser but linear in the sizes — for
/// benchmark-sized checks.
pub fn f32_tolerance_cheap(a: &Mat, b: &Mat) -> f64 {
    if a.ncols() != b.nrows() || a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let row_l1 = a
        .row_iter()
        .map(|r| r.iter().map(|v| v.abs()).sum::<f64>())
        .fold(0.0, f64::max);
    let u = f64::from(f32::EPSILON) / 2.0;
    2.0 * (a.ncols() as f64 + 2.0) * u * row_l1 * b.amax()
}

/// One benchmark row: a square size and the seconds each backend took (`None`: not run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// n of the n×n·n×n product.
    pub n: usize,
    /// CPU seconds.
    pub cpu: Option<f64>,
    /// GPU seconds (upload, compute and readback).
    pub gpu: Option<f64>,
}

/// The crossover: the smallest measured size from which the GPU was faster at that size and
/// every larger measured size. `None` when the GPU never wins (or nothing was measured).
pub fn crossover(timings: &[Timing]) -> Option<usize> {
    let mut sorted: Vec<&Timing> = timings
        .iter()
        .filter(|t| t.cpu.is_some() && t.gpu.is_some())
        .collect();
    sorted.sort_by_key(|t| t.n);
    let mut best = None;
    for t in sorted.iter().rev() {
        match (t.cpu, t.gpu) {
            (Some(c), Some(g)) if g < c => best = Some(t.n),
            _ => break,
        }
    }
    best
}

/// When a product goes to the GPU: at or above the flops of a crossover-sized square product.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Offload {
    /// The crossover n measured on this adapter (`None`: the GPU never won, or not measured).
    pub crossover: Option<usize>,
}

impl Offload {
    /// Whether an m×k·k×n product should run on the GPU.
    pub fn wants_gpu(&self, m: usize, k: usize, n: usize) -> bool {
        self.crossover
            .is_some_and(|c| flops(m, k, n) >= flops(c, c, c))
    }
}

/// CSV of benchmark rows: `n,cpu_ms,gpu_ms,cpu_gflops,gpu_gflops` (empty cells for runs not
/// made), one header line.
pub fn timings_csv(timings: &[Timing]) -> String {
    let mut out = String::from("n,cpu_ms,gpu_ms,cpu_gflops,gpu_gflops\n");
    for t in timings {
        let ms = |s: Option<f64>| s.map(|s| format!("{:.3}", s * 1e3)).unwrap_or_default();
        let gf = |s: Option<f64>| {
            s.map(|s| format!("{:.3}", gflops(t.n, t.n, t.n, s)))
                .unwrap_or_default()
        };
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            t.n,
            ms(t.cpu),
            ms(t.gpu),
            gf(t.cpu),
            gf(t.gpu)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{numerical_grad, rel_error};
    use crate::engine::rng::{rng, uniform};

    /// Polls a future that is expected to be ready at once (the CPU backend's).
    fn ready<T>(f: Pin<Box<dyn Future<Output = T> + '_>>) -> T {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut f = f;
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("the CPU backend's future must be ready"),
        }
    }

    #[test]
    fn cpu_backend_golden() {
        let a = Mat::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = Mat::from_row_slice(3, 2, &[7.0, 8.0, 9.0, 10.0, 11.0, 12.0]);
        let c = ready(CpuMatmul.matmul(&a, &b)).unwrap();
        assert_eq!(c, Mat::from_row_slice(2, 2, &[58.0, 64.0, 139.0, 154.0]));
        assert!(CpuMatmul.name().contains("CPU"));
    }

    #[test]
    fn shape_mismatch_is_an_error_naming_both_shapes() {
        let a = Mat::zeros(2, 3);
        let b = Mat::zeros(2, 3);
        let e = ready(CpuMatmul.matmul(&a, &b)).unwrap_err().to_string();
        assert!(e.contains("2×3") && e.contains("A·B"), "{e}");
        assert!(SlicedProduct::new(a.clone(), b.clone()).is_err());
    }

    #[test]
    fn sliced_product_equals_the_whole() {
        let mut r = rng(4);
        let a = uniform(&mut r, 10, 6, 1.0);
        let b = uniform(&mut r, 6, 3, 1.0);
        let mut p = SlicedProduct::new(a.clone(), b.clone()).unwrap();
        assert_eq!(
            p.step(1),
            10 * 3 * 6,
            "C is narrower than a block: all of it"
        );
        assert!(p.done() && p.step(1) == 0);
        assert!(max_abs_diff(&p.into_product(), &(&a * &b)) < 1e-14);
        assert!(SlicedProduct::new(a.clone(), a).is_err());
        // Uneven blocks: 150 rows (64 + 64 + 22) by 70 columns (16-column minimum).
        let a = uniform(&mut r, 150, 9, 1.0);
        let b = uniform(&mut r, 9, 70, 1.0);
        let mut p = SlicedProduct::new(a.clone(), b.clone()).unwrap();
        let (mut steps, mut work) = (0, 0);
        while !p.done() {
            work += p.step(64 * 9 * 20);
            steps += 1;
        }
        assert_eq!(work, 150 * 9 * 70, "every multiply-add once");
        // 20, 20, 20, 10 columns in the two full block rows; 58 and 12 in the last (22 rows).
        assert_eq!(steps, 4 + 4 + 2);
        assert!(max_abs_diff(&p.into_product(), &(&a * &b)) < 1e-14);
    }

    #[test]
    fn backward_matches_finite_differences() {
        let mut r = rng(11);
        let a = uniform(&mut r, 3, 4, 1.0);
        let b = uniform(&mut r, 4, 2, 1.0);
        let w = uniform(&mut r, 3, 2, 1.0);
        // L = Σ W ⊙ (A B), so G = W.
        let (ga, gb) = matmul_backward(&a, &b, &w);
        let na = numerical_grad(|x| (x * &b).component_mul(&w).sum(), &a);
        let nb = numerical_grad(|x| (&a * x).component_mul(&w).sum(), &b);
        assert!(rel_error(&ga, &na) < 1e-8);
        assert!(rel_error(&gb, &nb) < 1e-8);
    }

    #[test]
    fn f32_round_trip_and_tolerance() {
        let a = Mat::from_row_slice(2, 3, &[1.0, 0.1, -2.5, 3.0, 1e-3, 7.0]);
        let packed = to_f32_row_major(&a);
        assert_eq!(packed, vec![1.0, 0.1f32, -2.5, 3.0, 1e-3f32, 7.0]);
        let back = from_f32_row_major(2, 3, &packed).unwrap();
        assert!(max_abs_diff(&a, &back) < 1e-7);
        assert!(from_f32_row_major(2, 3, &packed[..5]).is_err());
        // An f32 product really is within the bound, and the bound is not vacuous.
        let mut r = rng(5);
        let x = uniform(&mut r, 40, 300, 1.0);
        let y = uniform(&mut r, 300, 30, 1.0);
        let x32 = nalgebra::DMatrix::<f32>::from_fn(40, 300, |i, j| x[(i, j)] as f32);
        let y32 = nalgebra::DMatrix::<f32>::from_fn(300, 30, |i, j| y[(i, j)] as f32);
        let c32 = (x32 * y32).map(f64::from);
        let tol = f32_tolerance(&x, &y);
        let err = max_abs_diff(&c32, &(&x * &y));
        assert!(err <= tol, "{err} > {tol}");
        assert!(tol < 1e-2, "{tol}");
        let cheap = f32_tolerance_cheap(&x, &y);
        assert!(cheap >= tol && cheap < 2e-2, "{cheap}");
        assert_eq!(
            max_abs_diff(&Mat::zeros(1, 2), &Mat::zeros(2, 1)),
            f64::INFINITY
        );
    }

    #[test]
    fn flops_and_gflops() {
        assert_eq!(flops(2, 3, 4), 48.0);
        assert!((gflops(1000, 1000, 1000, 2.0) - 1.0).abs() < 1e-12);
        assert_eq!(gflops(10, 10, 10, 0.0), 0.0);
    }

    #[test]
    fn crossover_is_where_the_gpu_stays_faster() {
        let t = |n, c, g| Timing {
            n,
            cpu: Some(c),
            gpu: Some(g),
        };
        assert_eq!(
            crossover(&[
                t(64, 1.0, 2.0),
                t(128, 2.0, 1.0),
                t(256, 4.0, 5.0),
                t(512, 9.0, 3.0)
            ]),
            Some(512)
        );
        assert_eq!(
            crossover(&[t(512, 9.0, 3.0), t(64, 1.0, 2.0), t(256, 8.0, 5.0)]),
            Some(256)
        );
        assert_eq!(crossover(&[t(64, 1.0, 2.0), t(128, 2.0, 3.0)]), None);
        assert_eq!(crossover(&[]), None);
        let off = Offload {
            crossover: Some(256),
        };
        assert!(off.wants_gpu(256, 256, 256) && off.wants_gpu(1024, 16, 1024));
        assert!(!off.wants_gpu(255, 256, 256) && !off.wants_gpu(1, 2048, 1));
        assert!(!Offload::default().wants_gpu(4096, 4096, 4096));
    }

    #[test]
    fn csv_has_a_header_and_empty_cells_for_runs_not_made() {
        let csv = timings_csv(&[
            Timing {
                n: 64,
                cpu: Some(0.001),
                gpu: None,
            },
            Timing {
                n: 128,
                cpu: Some(0.004),
                gpu: Some(0.002),
            },
        ]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "n,cpu_ms,gpu_ms,cpu_gflops,gpu_gflops");
        assert_eq!(lines[1], "64,1.000,,0.524,");
        assert_eq!(lines[2], "128,4.000,2.000,1.049,2.097");
    }
}
