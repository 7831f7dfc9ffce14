//! Golden, gradient-check and behaviour tests of the recurrent models.

use super::*;
use crate::engine::clip::Clip;
use crate::engine::gradcheck::check_parameters;
use crate::engine::ops::Activation;
use crate::engine::rng::{normal, rng};

fn m1(v: f64) -> Mat {
    Mat::from_element(1, 1, v)
}

/// Test-only constructor: a 1-unit LSTM with every weight given.
fn lstm_1x1(w: [f64; 12]) -> LstmCell {
    LstmCell {
        w_fx: m1(w[0]),
        w_fh: m1(w[1]),
        b_f: m1(w[2]),
        w_ix: m1(w[3]),
        w_ih: m1(w[4]),
        b_i: m1(w[5]),
        w_gx: m1(w[6]),
        w_gh: m1(w[7]),
        b_g: m1(w[8]),
        w_ox: m1(w[9]),
        w_oh: m1(w[10]),
        b_o: m1(w[11]),
    }
}

#[test]
fn one_lstm_step_by_hand() {
    // x = 1, h⁰ = C⁰ = 0, W_fx = 0.5, W_ix = 1, W_gx = 1, W_ox = −1, all else 0:
    // f = σ(0.5) = 0.6224593, i = σ(1) = 0.7310586, g = tanh(1) = 0.7615942,
    // o = σ(−1) = 0.2689414, C = f·0 + i·g = 0.5567699, h = o·tanh(C) = 0.1359706.
    let cell = lstm_1x1([0.5, 0., 0., 1., 0., 0., 1., 0., 0., -1., 0., 0.]);
    let (s, st) = cell.step(&Vector::from_vec(vec![1.0]), &CellState::zeros(1, true));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-15;
    assert!(close(st.f[0], 0.622_459_331_201_854_6));
    assert!(close(st.i[0], 0.731_058_578_630_004_9));
    assert!(close(st.g[0], 0.761_594_155_955_764_9));
    assert!(close(st.o[0], 0.268_941_421_369_995_1));
    assert!(close(s.c[0], 0.556_769_941_145_939_7));
    assert!(close(s.h[0], 0.135_970_578_571_402_3));
}

#[test]
fn one_vanilla_step_by_hand() {
    // z = W_hx x + W_hh h⁰ + b = 2·0.5 + 0 + 0.1 = 1.1, h = tanh(1.1) = 0.8004990.
    let cell = VanillaCell {
        w_hx: m1(2.0),
        w_hh: m1(0.7),
        b_h: m1(0.1),
        activation: Activation::Tanh,
    };
    let (s, st) = cell.step(&Vector::from_vec(vec![0.5]), &CellState::zeros(1, false));
    assert!((st.z_h[0] - 1.1).abs() < 1e-15);
    assert!((s.h[0] - 1.1f64.tanh()).abs() < 1e-15);
}

fn sequence(seed: u64, t: usize, n_x: usize) -> Vec<Vector> {
    let m = normal(&mut rng(seed), t, n_x, 1.0);
    (0..t).map(|k| m.row(k).transpose()).collect()
}

fn mse_targets(seed: u64, t: usize, n_y: usize) -> Vec<Option<Target>> {
    let m = normal(&mut rng(seed), t, n_y, 0.5);
    (0..t)
        .map(|k| Some(Target::Values(m.row(k).iter().copied().collect())))
        .collect()
}

fn vanilla_model(
    seed: u64,
    act: Activation,
    sigma: Option<f64>,
    kind: ReadoutKind,
    n_y: usize,
) -> SeqModel<VanillaCell> {
    let mut r = rng(seed);
    let cell = VanillaConfig {
        inputs: 3,
        hidden: 5,
        activation: act,
        recurrent_sigma: sigma,
    }
    .init(&mut r)
    .unwrap();
    let mut readout = Readout::init(&mut r, 5, n_y, kind);
    readout.b_y = normal(&mut r, n_y, 1, 0.1);
    SeqModel { cell, readout }
}

fn lstm_model(seed: u64, kind: ReadoutKind, n_y: usize) -> SeqModel<LstmCell> {
    let mut r = rng(seed);
    let mut cell = LstmConfig {
        inputs: 3,
        hidden: 4,
        forget_bias: 1.0,
    }
    .init(&mut r);
    cell.b_i = normal(&mut r, 4, 1, 0.3);
    cell.b_g = normal(&mut r, 4, 1, 0.3);
    let readout = Readout::init(&mut r, 4, n_y, kind);
    SeqModel { cell, readout }
}

fn assert_gradcheck<C: Cell>(
    model: &SeqModel<C>,
    xs: &[Vector],
    ts: &[Option<Target>],
    window: Option<usize>,
) {
    let tr = model.forward(xs, ts).unwrap();
    let bp = bptt(model, xs, ts, &tr, window, Clip::None);
    let (name, err) = check_parameters(model, &bp.grads, |m| m.forward(xs, ts).unwrap().loss);
    assert!(err <= 1e-6, "{name}: relative error {err:e}");
}

#[test]
fn vanilla_rnn_gradients_through_12_steps() {
    let xs = sequence(1, 12, 3);
    for act in [Activation::Tanh, Activation::Sigmoid] {
        let m = vanilla_model(2, act, None, ReadoutKind::Mse(Activation::Identity), 2);
        assert_gradcheck(&m, &xs, &mse_targets(3, 12, 2), None);
    }
    // ReLU: checked away from kinks by a bias that keeps most units active.
    let mut m = vanilla_model(
        2,
        Activation::Relu,
        Some(0.9),
        ReadoutKind::Mse(Activation::Sigmoid),
        2,
    );
    m.cell.b_h.fill(0.05);
    assert_gradcheck(&m, &xs, &mse_targets(3, 12, 2), None);
}

#[test]
fn many_to_one_cross_entropy_gradients() {
    let xs = sequence(4, 10, 3);
    let mut ts: Vec<Option<Target>> = vec![None; 10];
    ts[9] = Some(Target::Class(2));
    assert_gradcheck(
        &vanilla_model(
            5,
            Activation::Tanh,
            None,
            ReadoutKind::SoftmaxCrossEntropy,
            3,
        ),
        &xs,
        &ts,
        None,
    );
    assert_gradcheck(
        &lstm_model(6, ReadoutKind::SoftmaxCrossEntropy, 3),
        &xs,
        &ts,
        None,
    );
}

#[test]
fn lstm_gradients_through_12_steps() {
    let xs = sequence(7, 12, 3);
    assert_gradcheck(
        &lstm_model(8, ReadoutKind::Mse(Activation::Identity), 2),
        &xs,
        &mse_targets(9, 12, 2),
        None,
    );
}

/// Truncated BPTT with window k is, by definition, the gradient of
/// Σ_t L^(t)(run from the *constant* state at t − k over steps t−k+1 … t).
fn truncated_loss<C: Cell>(
    model: &SeqModel<C>,
    frozen: &SeqModel<C>,
    xs: &[Vector],
    ts: &[Option<Target>],
    k: usize,
) -> f64 {
    let base = frozen.forward(xs, ts).unwrap();
    let mut total = 0.0;
    for t in 1..=xs.len() {
        let Some(target) = &ts[t - 1] else { continue };
        let start = t.saturating_sub(k);
        let mut state = base.states[start].clone();
        for s in start + 1..=t {
            state = model.cell.step(&xs[s - 1], &state).0;
        }
        let (z, y) = model.readout.forward(&state.h);
        total += model.readout.loss(&z, &y, target).0;
    }
    total
}

#[test]
fn truncated_bptt_is_the_gradient_of_the_truncated_loss() {
    let xs = sequence(10, 12, 3);
    let ts = mse_targets(11, 12, 2);
    let k = 4;
    let lstm = lstm_model(12, ReadoutKind::Mse(Activation::Identity), 2);
    let tr = lstm.forward(&xs, &ts).unwrap();
    let bp = bptt(&lstm, &xs, &ts, &tr, Some(k), Clip::None);
    assert_eq!(bp.window, Some(k));
    let (name, err) = check_parameters(&lstm, &bp.grads, |m| truncated_loss(m, &lstm, &xs, &ts, k));
    assert!(err <= 1e-6, "{name}: {err:e}");
    // …and it is not the full gradient.
    let full = bptt(&lstm, &xs, &ts, &tr, None, Clip::None);
    assert!((full.grads.global_norm() - bp.grads.global_norm()).abs() > 1e-6);
    // A window as long as the sequence is full BPTT.
    let same = bptt(&lstm, &xs, &ts, &tr, Some(12), Clip::None);
    assert_eq!(same.grads, full.grads);
    assert_eq!(same.window, None);
}

#[test]
fn reach_lists_the_cut_paths() {
    let r = bptt::reach(&[false, true, false, true], Some(2));
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].loss_step, r[0].earliest_state), (2, 0));
    assert_eq!((r[1].loss_step, r[1].earliest_state), (4, 2));
}

#[test]
fn clipping_is_reported_before_and_after() {
    let xs = sequence(13, 10, 3);
    let ts = mse_targets(14, 10, 2);
    let m = vanilla_model(
        15,
        Activation::Tanh,
        Some(1.5),
        ReadoutKind::Mse(Activation::Identity),
        2,
    );
    let tr = m.forward(&xs, &ts).unwrap();
    let bp = bptt(&m, &xs, &ts, &tr, None, Clip::Norm(0.1));
    assert!(bp.clip.norm_before > 0.1 && bp.clip.clipped);
    assert!((bp.grads.global_norm() - 0.1).abs() < 1e-12);
}

#[test]
fn tanh_rnn_gradient_vanishes_but_lstm_keeps_it() {
    // Many-to-one over 40 steps, loss only at the end.
    let t = 40;
    let xs = sequence(16, t, 3);
    let mut ts: Vec<Option<Target>> = vec![None; t];
    ts[t - 1] = Some(Target::Values(vec![1.0]));
    let rnn = vanilla_model(
        17,
        Activation::Tanh,
        Some(0.5),
        ReadoutKind::Mse(Activation::Identity),
        1,
    );
    let tr = rnn.forward(&xs, &ts).unwrap();
    let g = bptt(&rnn, &xs, &ts, &tr, None, Clip::None);
    let rnn_ratio = g.dh_norms[0] / g.dh_norms[t];
    assert!(
        rnn_ratio < 1e-8,
        "vanilla ratio ‖∂L/∂h⁰‖/‖∂L/∂h^T‖ = {rnn_ratio:e}"
    );
    // The Jacobian-product norms tell the same story, bounded by σ_max(W_hh)^(T−k).
    let norms = rnn.cell.jacobian_product_norms(&tr).unwrap();
    assert_eq!(norms[t], 1.0);
    assert!(norms[0] <= 0.5f64.powi(t as i32) * 1.000_001);

    let mut lstm = lstm_model(18, ReadoutKind::Mse(Activation::Identity), 1);
    lstm.cell.b_f.fill(3.0); // forget gate ≈ σ(3) = 0.95: the constant-error path stays open
    let tr = lstm.forward(&xs, &ts).unwrap();
    let g = bptt(&lstm, &xs, &ts, &tr, None, Clip::None);
    let lstm_ratio = g.dc_norms[0].max(g.dh_norms[0]) / g.dh_norms[t];
    assert!(
        lstm_ratio > 1e3 * rnn_ratio,
        "LSTM ratio {lstm_ratio:e} vs RNN {rnn_ratio:e}"
    );
    assert!(lstm_ratio > 1e-3, "LSTM ratio {lstm_ratio:e}");
}

#[test]
fn recurrent_sigma_sets_the_largest_singular_value() {
    let m = vanilla_model(
        19,
        Activation::Tanh,
        Some(1.7),
        ReadoutKind::Mse(Activation::Identity),
        1,
    );
    let s = crate::engine::linalg::spectral_norm(&m.cell.w_hh).unwrap();
    assert!((s - 1.7).abs() < 1e-9);
    // Every singular value is σ: W_hhᵀ W_hh = σ² I.
    let wtw = m.cell.w_hh.transpose() * &m.cell.w_hh;
    assert!((wtw - crate::engine::Mat::identity(5, 5) * (1.7 * 1.7)).norm() < 1e-9);
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let m = vanilla_model(
        20,
        Activation::Tanh,
        None,
        ReadoutKind::Mse(Activation::Identity),
        2,
    );
    assert!(m.forward(&[], &[]).is_err());
    let xs = sequence(21, 3, 3);
    assert!(m.forward(&xs, &[None, None]).is_err(), "target count");
    assert!(
        m.forward(&xs, &[None, None, Some(Target::Class(0))])
            .is_err(),
        "class for MSE"
    );
    assert!(
        m.forward(&sequence(22, 3, 2), &[None, None, None]).is_err(),
        "input width"
    );
}

#[test]
fn lstm_beats_the_mean_baseline_on_the_adding_problem() {
    use crate::engine::data::SeqTask;
    use crate::engine::optim::OptimConfig;
    use crate::engine::train::Trainer;
    let mut r = rng(30);
    let cell = LstmConfig {
        inputs: 2,
        hidden: 12,
        forget_bias: 1.0,
    }
    .init(&mut r);
    let readout = Readout::init(&mut r, 12, 1, ReadoutKind::Mse(Activation::Identity));
    let task = task::SeqTrainTask {
        model: SeqModel { cell, readout },
        task: SeqTask::Adding.into(),
        seq_len: 15,
        batch: 16,
        window: None,
        rng: rng(31),
    };
    let mut trainer = Trainer::new(task, OptimConfig::adam(0.01), Clip::Norm(1.0));
    trainer.tick(400);
    let (loss, baseline) =
        task::evaluate(&trainer.task.model, SeqTask::Adding, 15, 200, &mut rng(32)).unwrap();
    assert!(
        loss < 0.25 * baseline,
        "LSTM MSE {loss} vs predict-the-mean {baseline}"
    );
}

#[test]
fn predict_the_mean_baseline_by_hand() {
    use crate::engine::data::SeqExample;
    let ex = |targets: Vec<Option<Target>>| SeqExample {
        xs: vec![Vector::zeros(1); targets.len()],
        targets,
    };
    // Targets 1 and 3 (one per sequence): mean 2, squared errors 1 + 1, per sequence 1.
    let reg = [
        ex(vec![None, Some(Target::Values(vec![1.0]))]),
        ex(vec![None, Some(Target::Values(vec![3.0]))]),
    ];
    assert_eq!(task::mean_predictor_loss(&reg), Some(1.0));
    assert_eq!(
        task::mean_predictor_loss(&[ex(vec![Some(Target::Class(2))])]),
        None
    );
}
