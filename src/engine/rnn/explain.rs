//! One hidden unit's arithmetic at one step, split into the terms of the deck's equations, so
//! the view can write them out with numbers: z = (W·x x)_j + (W·h h^(t−1))_j + b_j, value = σ(z).

use super::super::ops::activation::sigmoid;
use super::super::Vector;
use super::{CellState, LstmCell, VanillaCell};

/// The terms of one gate (or of the vanilla cell) for unit j.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitTerms {
    /// (W_·x x^(t))_j.
    pub input_term: f64,
    /// (W_·h h^(t−1))_j.
    pub recurrent_term: f64,
    /// b_j.
    pub bias: f64,
    /// z_j = the sum of the three.
    pub z: f64,
    /// σ(z_j): the gate's value (or h_j for the vanilla cell).
    pub value: f64,
}

/// One LSTM unit at one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LstmUnit {
    /// Forget gate f_t,j.
    pub f: UnitTerms,
    /// Input gate i_t,j.
    pub i: UnitTerms,
    /// Input node g_t,j.
    pub g: UnitTerms,
    /// Output gate o_t,j.
    pub o: UnitTerms,
    /// C^(t−1)_j.
    pub c_prev: f64,
    /// C^(t)_j = f·C^(t−1) + i·g.
    pub c: f64,
    /// tanh(C^(t)_j).
    pub tanh_c: f64,
    /// h^(t)_j = o·tanh(C^(t)_j).
    pub h: f64,
}

fn terms(
    wx: &super::super::Mat,
    wh: &super::super::Mat,
    b: &super::super::Mat,
    x: &Vector,
    h: &Vector,
    j: usize,
    act: impl Fn(f64) -> f64,
) -> Option<UnitTerms> {
    if j >= wx.nrows() {
        return None;
    }
    let input_term = wx.row(j).dot(&x.transpose());
    let recurrent_term = wh.row(j).dot(&h.transpose());
    let bias = b[(j, 0)];
    let z = input_term + recurrent_term + bias;
    Some(UnitTerms {
        input_term,
        recurrent_term,
        bias,
        z,
        value: act(z),
    })
}

impl VanillaCell {
    /// Unit `j` at the step with input `x` after state `prev` (None if j is out of range).
    pub fn explain_unit(&self, x: &Vector, prev: &CellState, j: usize) -> Option<UnitTerms> {
        terms(&self.w_hx, &self.w_hh, &self.b_h, x, &prev.h, j, |z| {
            self.activation.apply(z)
        })
    }
}

impl LstmCell {
    /// Unit `j` at the step with input `x` after state `prev` (None if j is out of range).
    pub fn explain_unit(&self, x: &Vector, prev: &CellState, j: usize) -> Option<LstmUnit> {
        let h = &prev.h;
        let f = terms(&self.w_fx, &self.w_fh, &self.b_f, x, h, j, sigmoid)?;
        let i = terms(&self.w_ix, &self.w_ih, &self.b_i, x, h, j, sigmoid)?;
        let g = terms(&self.w_gx, &self.w_gh, &self.b_g, x, h, j, f64::tanh)?;
        let o = terms(&self.w_ox, &self.w_oh, &self.b_o, x, h, j, sigmoid)?;
        let c_prev = *prev.c.get(j)?;
        let c = f.value * c_prev + i.value * g.value;
        let tanh_c = c.tanh();
        Some(LstmUnit {
            f,
            i,
            g,
            o,
            c_prev,
            c,
            tanh_c,
            h: o.value * tanh_c,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cell, LstmConfig, VanillaConfig};
    use super::*;
    use crate::engine::ops::Activation;
    use crate::engine::rng::{normal, rng};

    #[test]
    fn unit_terms_reproduce_the_step() {
        let mut r = rng(3);
        let v = VanillaConfig {
            inputs: 2,
            hidden: 4,
            activation: Activation::Tanh,
            recurrent_sigma: None,
        }
        .init(&mut r)
        .unwrap();
        let l = LstmConfig {
            inputs: 2,
            hidden: 4,
            forget_bias: 1.0,
        }
        .init(&mut r);
        let x = normal(&mut r, 2, 1, 1.0).column(0).into_owned();
        let prev = CellState {
            h: normal(&mut r, 4, 1, 0.5).column(0).into_owned(),
            c: normal(&mut r, 4, 1, 0.5).column(0).into_owned(),
        };
        let (vs, vstep) = v.step(
            &x,
            &CellState {
                h: prev.h.clone(),
                c: Vector::zeros(0),
            },
        );
        let (ls, lstep) = l.step(&x, &prev);
        for j in 0..4 {
            let u = v.explain_unit(&x, &prev, j).unwrap();
            assert!((u.z - vstep.z_h[j]).abs() < 1e-14 && (u.value - vs.h[j]).abs() < 1e-14);
            let u = l.explain_unit(&x, &prev, j).unwrap();
            assert!((u.f.value - lstep.f[j]).abs() < 1e-14);
            assert!((u.g.value - lstep.g[j]).abs() < 1e-14);
            assert!((u.c - ls.c[j]).abs() < 1e-14 && (u.h - ls.h[j]).abs() < 1e-14);
        }
        assert!(v.explain_unit(&x, &prev, 4).is_none());
    }
}
