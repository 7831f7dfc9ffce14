//! Seeded randomness. Every random choice in nnviz goes through a [`Rng`] made from a seed that
//! is stored in the state, so a shared link reproduces exactly what the lecturer saw.
//! ChaCha8 gives the same stream on every platform (native and wasm32).

use super::Mat;
use rand::{Rng as _, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

/// The engine's random number generator.
pub type Rng = rand_chacha::ChaCha8Rng;

/// A generator for `seed`.
pub fn rng(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}

/// A matrix with entries uniform in [−a, a].
pub fn uniform(rng: &mut Rng, rows: usize, cols: usize, a: f64) -> Mat {
    Mat::from_fn(rows, cols, |_, _| rng.random_range(-a..=a))
}

/// A matrix with entries drawn from N(0, std²).
pub fn normal(rng: &mut Rng, rows: usize, cols: usize, std: f64) -> Mat {
    Mat::from_fn(rows, cols, |_, _| {
        let z: f64 = StandardNormal.sample(rng);
        z * std
    })
}

/// Glorot/Xavier uniform initialisation for a `rows × cols` weight: a = √(6/(rows + cols)).
pub fn glorot(rng: &mut Rng, rows: usize, cols: usize) -> Mat {
    let a = (6.0 / (rows + cols).max(1) as f64).sqrt();
    uniform(rng, rows, cols, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers() {
        let a = normal(&mut rng(7), 3, 3, 1.0);
        let b = normal(&mut rng(7), 3, 3, 1.0);
        let c = normal(&mut rng(8), 3, 3, 1.0);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
