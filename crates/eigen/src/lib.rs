//! The symmetric eigendecomposition A = UΛUᵀ of the GCN view, with U kept as factors.
//!
//! A dense eigensolver spends most of its time on U itself: at 500 nodes, in the browser, faer's
//! self-adjoint solver took ~110 ms, of which the Householder tridiagonalisation A = QTQᵀ was
//! ~40 ms, the tridiagonal eigenvectors (divide and conquer) ~35 ms and forming U = QZ ~25 ms
//! (docs/performance.md). The views never need U as a matrix: they need every eigenvalue, Uᵀx
//! (the graph Fourier transform), Ux̂ (its inverse, low-pass filtering) and one column u_k at a
//! time — each a product of U with one vector. So this crate keeps U = QZ factored:
//!
//! - Q as faer's Householder reflectors (`tridiag_in_place`), applied to a vector with faer's
//!   block Householder routines in O(n²);
//! - Z, the eigenvectors of the tridiagonal T, as the sequence of Givens rotations of the
//!   implicit symmetric QR iteration (Golub & Van Loan, *Matrix Computations*, 4th ed.,
//!   Algorithms 8.3.2–8.3.3, Wilkinson shift), recorded rather than accumulated into a matrix:
//!   about n² rotations, applied to a vector in O(n²).
//!
//! The QR iteration is written here because no crate exposes it with its rotations: faer's
//! (and LAPACK's) either accumulate them into an n×n matrix — the O(n³) work this avoids — or
//! drop them. Z is a product of exact rotations, so U is orthogonal to rounding error whatever
//! the multiplicities of the eigenvalues; the eigenvalues have the QR iteration's absolute
//! accuracy of a few ε‖A‖. Tests compare everything with faer's dense solver.
//!
//! Why a crate of its own: the browser build is at `opt-level = "z"` for size, and faer's generic
//! code is instantiated — and optimised — in the crate that calls it, so a
//! `[profile.release.package.faer]` override changes nothing. Called from here, it is compiled
//! with this crate's profile (`opt-level = 2`, nnviz's Cargo.toml).

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::householder;
use faer::linalg::qr::no_pivoting::factor::recommended_block_size;
use faer::{Conj, MatMut, Par};

/// A = UΛUᵀ with U = QZ kept as factors (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Factored {
    n: usize,
    /// faer's tridiagonalised copy of A: below the subdiagonal, the Householder vectors of Q.
    trid: faer::Mat<f64>,
    /// The block Householder factors of Q, (block size)×(n − 1).
    factors: faer::Mat<f64>,
    /// λ_k, in the order of Z's columns (not sorted).
    values: Vec<f64>,
    /// The rotations (c, s) of every QR sweep, in the order they were applied.
    rotations: Vec<(f64, f64)>,
    /// Each sweep: the index of its first rotation's upper row and its number of rotations.
    sweeps: Vec<(u32, u32)>,
}

/// Eigendecomposition of the symmetric `n`×`n` matrix stored column-major in `a` (only its lower
/// triangle is read). `None` when `a` is not `n`×`n`, holds a non-finite number, or the QR
/// iteration does not converge (30 sweeps per eigenvalue, LAPACK's limit).
pub fn self_adjoint_factored(n: usize, a: &[f64]) -> Option<Factored> {
    if a.len() != n * n || a.iter().any(|v| !v.is_finite()) {
        return None;
    }
    if n <= 1 {
        return Some(Factored {
            n,
            trid: faer::Mat::new(),
            factors: faer::Mat::new(),
            values: a.to_vec(),
            rotations: Vec::new(),
            sweeps: Vec::new(),
        });
    }
    // All of A (faer's tridiagonalisation reads the lower triangle only): a plain copy.
    let mut trid = faer::MatRef::from_column_major_slice(a, n, n).to_owned();
    let block = recommended_block_size::<f64>(n, n);
    let mut factors = faer::Mat::<f64>::zeros(block, n - 1);
    let par = Par::Seq;
    let mut mem = MemBuffer::new(faer::linalg::evd::tridiag::tridiag_in_place_scratch::<f64>(
        n,
        par,
        Default::default(),
    ));
    faer::linalg::evd::tridiag::tridiag_in_place(
        trid.as_mut(),
        factors.as_mut(),
        par,
        MemStack::new(&mut mem),
        Default::default(),
    );
    let mut d: Vec<f64> = (0..n).map(|i| trid[(i, i)]).collect();
    let mut e: Vec<f64> = (0..n - 1).map(|i| trid[(i + 1, i)]).collect();
    let (rotations, sweeps) = tridiagonal_qr(&mut d, &mut e)?;
    Some(Factored {
        n,
        trid,
        factors,
        values: d,
        rotations,
        sweeps,
    })
}

/// The implicit symmetric QR iteration with Wilkinson shift on the tridiagonal matrix with
/// diagonal `d` and off-diagonal `e` (e_i couples i and i + 1). On return `d` holds the
/// eigenvalues and `e` zeros; the rotations are returned, not applied to any matrix.
#[allow(clippy::type_complexity)]
fn tridiagonal_qr(d: &mut [f64], e: &mut [f64]) -> Option<(Vec<(f64, f64)>, Vec<(u32, u32)>)> {
    let n = d.len();
    // Off-diagonals at most ε‖T‖ are set to zero: the absolute accuracy a dense
    // tridiagonalisation has already spent, and the test every QR code makes in some form.
    let norm = (0..n)
        .map(|i| {
            d[i].abs()
                + if i > 0 { e[i - 1].abs() } else { 0.0 }
                + e.get(i).map_or(0.0, |v| v.abs())
        })
        .fold(0.0, f64::max);
    let tol = f64::EPSILON * norm;
    // About n² rotations (1.04 n² for the 500-node benchmark graph): room for half as many
    // again, so the 4 MB list is not copied to grow.
    let mut rotations = Vec::with_capacity(n * n + n * n / 2);
    let mut sweeps = Vec::with_capacity(2 * n);
    let mut budget = 30 * n;
    let mut m = n - 1;
    while m > 0 {
        if e[m - 1].abs() <= tol {
            e[m - 1] = 0.0;
            m -= 1;
            continue;
        }
        // The unreduced block l..=m that ends at m.
        let mut l = m - 1;
        while l > 0 && e[l - 1].abs() > tol {
            l -= 1;
        }
        if l > 0 {
            e[l - 1] = 0.0;
        }
        if budget == 0 {
            return None;
        }
        budget -= 1;
        // Wilkinson shift: the eigenvalue of the trailing 2×2 closer to d_m.
        let half = (d[m - 1] - d[m]) / 2.0;
        let em = e[m - 1];
        let root = norm2(half, em);
        let mu = d[m] - em * em / (half + if half < 0.0 { -root } else { root });
        let mut x = d[l] - mu;
        let mut z = e[l];
        sweeps.push((l as u32, (m - l) as u32));
        for k in l..m {
            let r = norm2(x, z);
            let (c, s) = if r == 0.0 { (1.0, 0.0) } else { (x / r, z / r) };
            if k > l {
                e[k - 1] = r;
            }
            let (dk, dk1, ek) = (d[k], d[k + 1], e[k]);
            d[k] = c * c * dk + 2.0 * c * s * ek + s * s * dk1;
            d[k + 1] = s * s * dk - 2.0 * c * s * ek + c * c * dk1;
            e[k] = c * s * (dk1 - dk) + (c * c - s * s) * ek;
            if k + 1 < m {
                // The bulge at (k + 2, k), chased down by the next rotation.
                z = s * e[k + 1];
                e[k + 1] *= c;
                x = e[k];
            }
            rotations.push((c, s));
        }
    }
    Some((rotations, sweeps))
}

/// √(x² + z²): the plain formula where the squares can neither overflow nor underflow, else
/// `hypot` (wasm has no instruction for it: as a libm call it was 5 ms of a 500-node spectrum).
fn norm2(x: f64, z: f64) -> f64 {
    let m = x.abs().max(z.abs());
    if (1e-150..1e150).contains(&m) {
        (x * x + z * z).sqrt()
    } else {
        x.hypot(z)
    }
}

impl Factored {
    /// The order of the matrix.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The eigenvalues, unsorted: λ_k belongs to column k of U.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The factors as one flat buffer, for moving them between WebAssembly instances (the GCN
    /// view decomposes large graphs in a Web Worker): `[n, block, rotations, sweeps]`, then the
    /// eigenvalues, the tridiagonalised matrix, the block factors, each rotation's (c, s) and
    /// each sweep's (first row, count). [`Factored::from_flat`] reads it back.
    #[cold]
    #[inline(never)]
    pub fn to_flat(&self) -> Vec<f64> {
        let (n, block) = (self.n, self.factors.nrows());
        let len = 4
            + n
            + self.trid.nrows() * self.trid.ncols()
            + block * self.factors.ncols()
            + 2 * (self.rotations.len() + self.sweeps.len());
        // One allocation of the final size (6 MB at 500 nodes): grown by doubling, the buffer was
        // copied several times over.
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&[
            n as f64,
            block as f64,
            self.rotations.len() as f64,
            self.sweeps.len() as f64,
        ]);
        out.extend_from_slice(&self.values);
        for m in [&self.trid, &self.factors] {
            for j in 0..m.ncols() {
                out.extend(m.col(j).iter());
            }
        }
        out.extend(self.rotations.iter().flat_map(|&(c, s)| [c, s]));
        out.extend(
            self.sweeps
                .iter()
                .flat_map(|&(l, count)| [f64::from(l), f64::from(count)]),
        );
        debug_assert_eq!(out.len(), len);
        out
    }

    /// The factors from [`Factored::to_flat`]'s buffer; `None` for a buffer that is not one (a
    /// wrong length, a NaN or infinity where the factors have none, a sweep outside the matrix,
    /// counts that disagree), so nothing read from another instance can index out of bounds.
    #[cold]
    #[inline(never)]
    pub fn from_flat(flat: &[f64]) -> Option<Factored> {
        // The whole number at `k`, if it is one.
        let int = |k: usize| -> Option<usize> {
            let v = *flat.get(k)?;
            ((0.0..4e9).contains(&v) && v.fract() == 0.0).then_some(v as usize)
        };
        let (n, block, n_rot, n_sweeps) = (int(0)?, int(1)?, int(2)?, int(3)?);
        let small = n <= 1;
        if small != (block == 0) || (small && n_rot + n_sweeps > 0) || block > n.max(1) {
            return None;
        }
        let trid_at = 4 + n;
        let factors_at = trid_at + if small { 0 } else { n * n };
        let rotations_at = factors_at + block * n.saturating_sub(1);
        let sweeps_at = rotations_at + 2 * n_rot;
        if flat.len() != sweeps_at + 2 * n_sweeps {
            return None;
        }
        // A block factor is infinite where its reflector is the identity (faer's convention).
        let bad = |v: &f64| !v.is_finite();
        if flat[..factors_at].iter().any(bad)
            || flat[factors_at..rotations_at].iter().any(|v| v.is_nan())
            || flat[rotations_at..sweeps_at].iter().any(bad)
        {
            return None;
        }
        let mut sweeps = Vec::with_capacity(n_sweeps);
        let mut total = 0;
        for k in 0..n_sweeps {
            let (l, count) = (int(sweeps_at + 2 * k)?, int(sweeps_at + 2 * k + 1)?);
            if count == 0 || l + count >= n {
                return None;
            }
            total += count;
            sweeps.push((l as u32, count as u32));
        }
        if total != n_rot {
            return None;
        }
        let mat = |at: usize, rows: usize, cols: usize| {
            faer::MatRef::from_column_major_slice(&flat[at..at + rows * cols], rows, cols)
                .to_owned()
        };
        Some(Factored {
            n,
            trid: if small {
                faer::Mat::new()
            } else {
                mat(trid_at, n, n)
            },
            factors: if small {
                faer::Mat::new()
            } else {
                mat(factors_at, block, n - 1)
            },
            values: flat[4..trid_at].to_vec(),
            rotations: flat[rotations_at..sweeps_at]
                .chunks_exact(2)
                .map(|r| (r[0], r[1]))
                .collect(),
            sweeps,
        })
    }

    /// x ← Uᵀx = Zᵀ(Qᵀx). `x` must have n entries.
    pub fn to_eigenbasis(&self, x: &mut [f64]) {
        if x.len() != self.n || self.n <= 1 {
            return;
        }
        self.householder(x, true);
        let mut r = 0;
        for &(l, count) in &self.sweeps {
            let (l, count) = (l as usize, count as usize);
            let (Some(seg), Some(rs)) =
                (x.get_mut(l..=l + count), self.rotations.get(r..r + count))
            else {
                return;
            };
            r += count;
            // Rotation k turns (x_k, x_k+1); x_k+1 goes on into rotation k + 1, so it is carried
            // in a local rather than stored and loaded again: the chain from one rotation to the
            // next is a multiply and a subtraction, not a round trip through memory.
            let mut a = seg[0];
            for (k, &(c, s)) in rs.iter().enumerate() {
                let b = seg[k + 1];
                seg[k] = c * a + s * b;
                a = c * b - s * a;
            }
            seg[count] = a;
        }
    }

    /// c ← Uc = Q(Zc). `c` must have n entries.
    pub fn from_eigenbasis(&self, c: &mut [f64]) {
        if c.len() != self.n || self.n <= 1 {
            return;
        }
        let mut r = self.rotations.len();
        for &(l, count) in self.sweeps.iter().rev() {
            let (l, count) = (l as usize, count as usize);
            r = r.saturating_sub(count);
            let (Some(seg), Some(rs)) =
                (c.get_mut(l..=l + count), self.rotations.get(r..r + count))
            else {
                return;
            };
            // The transposed rotations in reverse order; c_k goes on into rotation k − 1 (as in
            // `to_eigenbasis`, carried in a local).
            let mut b = seg[count];
            for (k, &(co, s)) in rs.iter().enumerate().rev() {
                let a = seg[k];
                seg[k + 1] = s * a + co * b;
                b = co * a - s * b;
            }
            seg[0] = b;
        }
        self.householder(c, false);
    }

    /// x ← Qᵀx (`transpose`) or Qx. Q leaves the first entry alone (faer's reflectors act on
    /// rows 1..n).
    fn householder(&self, x: &mut [f64], transpose: bool) {
        let n = self.n;
        let basis = self.trid.as_ref().submatrix(1, 0, n - 1, n - 1);
        let factors = self.factors.as_ref();
        let rhs = MatMut::from_column_major_slice_mut(&mut x[1..], n - 1, 1);
        let mut mem = MemBuffer::new(
            householder::apply_block_householder_sequence_on_the_left_in_place_scratch::<f64>(
                n - 1,
                factors.nrows(),
                1,
            ),
        );
        let apply = if transpose {
            householder::apply_block_householder_sequence_transpose_on_the_left_in_place_with_conj::<
                f64,
            >
        } else {
            householder::apply_block_householder_sequence_on_the_left_in_place_with_conj::<f64>
        };
        apply(
            basis,
            factors,
            Conj::No,
            rhs,
            Par::Seq,
            MemStack::new(&mut mem),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Normalized Laplacian of an n-cycle with seeded chords (as the browser benchmark's graph),
    /// column-major.
    fn laplacian(n: usize, chords: bool) -> Vec<f64> {
        let mut adj = vec![0.0; n * n];
        let mut s: u64 = 12345;
        for i in 0..n {
            let j = (i + 1) % n;
            if i != j {
                adj[i + n * j] = 1.0;
                adj[j + n * i] = 1.0;
            }
            s = (s * 1103515245 + 12345) % 2147483648;
            let k = ((s as f64 / 2147483648.0) * n as f64) as usize;
            if chords && k != i {
                adj[i + n * k] = 1.0;
                adj[k + n * i] = 1.0;
            }
        }
        let d: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|j| adj[i + n * j]).sum())
            .collect();
        let mut l = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                let p = if d[i] > 0.0 && d[j] > 0.0 {
                    adj[i + n * j] / (d[i] * d[j]).sqrt()
                } else {
                    0.0
                };
                l[i + n * j] = if i == j && d[i] > 0.0 { 1.0 } else { 0.0 } - p;
            }
        }
        l
    }

    /// U as a dense matrix, column by column (U e_k).
    fn dense(f: &Factored) -> Vec<f64> {
        let n = f.n();
        let mut u = vec![0.0; n * n];
        for k in 0..n {
            let col = &mut u[k * n..(k + 1) * n];
            col[k] = 1.0;
            f.from_eigenbasis(col);
        }
        u
    }

    fn check(n: usize, a: &[f64]) {
        let f = self_adjoint_factored(n, a).expect("converges");
        let u = dense(&f);
        let lam = f.values();
        // A U = U Λ and UᵀU = I.
        for k in 0..n {
            for i in 0..n {
                let au: f64 = (0..n).map(|j| a[i + n * j] * u[j + n * k]).sum();
                assert!(
                    (au - lam[k] * u[i + n * k]).abs() < 1e-12,
                    "A u_{k} ≠ λ u_{k} at {i}"
                );
                if k <= i {
                    let dot: f64 = (0..n).map(|j| u[j + n * i] * u[j + n * k]).sum();
                    let want = if i == k { 1.0 } else { 0.0 };
                    assert!((dot - want).abs() < 1e-12, "u_{i}·u_{k} = {dot}");
                }
            }
        }
        // The eigenvalues equal faer's dense solver's.
        let mut ours = lam.to_vec();
        ours.sort_by(f64::total_cmp);
        let m = faer::MatRef::from_column_major_slice(a, n, n);
        let mut theirs = m
            .self_adjoint_eigenvalues(faer::Side::Lower)
            .expect("faer converges");
        theirs.sort_by(f64::total_cmp);
        for (x, y) in ours.iter().zip(&theirs) {
            assert!((x - y).abs() < 1e-12, "{x} vs faer's {y}");
        }
        // Uᵀ then U gives back x.
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 13) as f64 - 6.0).collect();
        let mut y = x.clone();
        f.to_eigenbasis(&mut y);
        for k in 0..n {
            let want: f64 = (0..n).map(|i| u[i + n * k] * x[i]).sum();
            assert!((y[k] - want).abs() < 1e-12, "(Uᵀx)_{k}");
        }
        f.from_eigenbasis(&mut y);
        for i in 0..n {
            assert!((y[i] - x[i]).abs() < 1e-12);
        }
    }

    #[test]
    fn a_path_of_three_has_its_known_spectrum() {
        // L of the path 1–2–3: eigenvalues 0, 1, 2.
        let r = 0.5f64.sqrt();
        let a = [1.0, -r, 0.0, -r, 1.0, -r, 0.0, -r, 1.0];
        check(3, &a);
        let f = self_adjoint_factored(3, &a).expect("converges");
        let mut values = f.values().to_vec();
        values.sort_by(f64::total_cmp);
        for (v, want) in values.iter().zip([0.0, 1.0, 2.0]) {
            assert!((v - want).abs() < 1e-12, "{v} vs {want}");
        }
        assert!(self_adjoint_factored(2, &a).is_none());
    }

    #[test]
    fn graphs_with_repeated_eigenvalues_and_pieces() {
        // A cycle (every eigenvalue but two doubled), a cycle with chords, a star (eigenvalue 1
        // n − 2 times), isolated nodes (L = 0) and the empty and 1×1 cases.
        check(40, &laplacian(40, false));
        check(60, &laplacian(60, true));
        let n = 30;
        let mut star = vec![0.0; n * n];
        let r = 1.0 / ((n - 1) as f64).sqrt();
        for i in 0..n {
            star[i + n * i] = 1.0;
            if i > 0 {
                star[i] = -r;
                star[n * i] = -r;
            }
        }
        check(n, &star);
        check(7, &[0.0; 49]);
        check(0, &[]);
        check(1, &[0.0]);
        check(1, &[1.0]);
    }

    #[test]
    fn the_flat_buffer_round_trips_and_a_damaged_one_is_refused() {
        for (n, a) in [
            (0, vec![]),
            (1, vec![0.5]),
            (2, vec![1.0, -1.0, -1.0, 1.0]),
            (60, laplacian(60, true)),
        ] {
            let f = self_adjoint_factored(n, &a).expect("converges");
            let flat = f.to_flat();
            assert_eq!(Factored::from_flat(&flat).as_ref(), Some(&f), "n = {n}");
            // Any shorter or longer buffer, and a count that disagrees, is refused.
            assert!(Factored::from_flat(&flat[..flat.len() - 1]).is_none());
            let mut longer = flat.clone();
            longer.push(0.0);
            assert!(Factored::from_flat(&longer).is_none());
            for field in 0..4 {
                let mut bad = flat.clone();
                bad[field] += 1.0;
                assert!(
                    Factored::from_flat(&bad).is_none(),
                    "n = {n}, field {field}"
                );
                bad[field] = 0.5;
                assert!(Factored::from_flat(&bad).is_none());
            }
        }
        let f = self_adjoint_factored(60, &laplacian(60, true)).expect("converges");
        let flat = f.to_flat();
        // A NaN anywhere; a sweep that runs off the matrix (rows 58 and 59 are the last pair).
        let mut bad = flat.clone();
        bad[100] = f64::NAN;
        assert!(Factored::from_flat(&bad).is_none());
        let mut bad = flat.clone();
        let last = bad.len() - 2;
        bad[last] = 59.0;
        assert!(Factored::from_flat(&bad).is_none());
        assert!(Factored::from_flat(&[]).is_none());
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(self_adjoint_factored(2, &[1.0, f64::NAN, f64::NAN, 1.0]).is_none());
        assert!(self_adjoint_factored(2, &[1.0; 3]).is_none());
    }
}
