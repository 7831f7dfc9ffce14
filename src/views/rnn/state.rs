//! The RNN view's state — everything in the URL — and the engine run it implies. Plain Rust,
//! tested natively; the components only call it.

use crate::engine::clip::Clip;
use crate::engine::linalg::spectral_norm;
use crate::engine::ops::Activation;
use crate::engine::rng::{rng, uniform};
use crate::engine::rnn::{
    bptt, BpttTrace, LstmCell, LstmConfig, LstmStep, Readout, ReadoutKind, SeqModel, SeqTrace,
    Target, VanillaCell, VanillaConfig, VanillaStep,
};
use crate::engine::Vector;
use serde::{Deserialize, Serialize};

/// Longest sequence the view runs.
pub const MAX_LEN: usize = 200;
/// Widest hidden state the view runs.
pub const MAX_HIDDEN: usize = 128;

/// Which cell the diagram and equations show (the gradient plot always shows both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellChoice {
    /// The vanilla RNN.
    Vanilla,
    /// The LSTM.
    Lstm,
}

/// Every control of the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RnnState {
    /// Cell shown in the diagram and equations.
    pub cell: CellChoice,
    /// σ_h of the vanilla RNN.
    pub activation: Activation,
    /// Sequence length T (used when `input` is empty).
    pub len: usize,
    /// Hidden size n_h.
    pub hidden: usize,
    /// Largest singular value of W_hh (vanilla).
    pub sigma: f64,
    /// Initial forget-gate bias b_f (LSTM).
    pub forget_bias: f64,
    /// Clip the gradient's global norm at this value (0 = no clipping).
    pub clip: f64,
    /// Truncated BPTT window k (0 = full BPTT).
    pub window: usize,
    /// Seed of the weights (and of the input when none is typed).
    pub seed: u64,
    /// The input sequence as typed (numbers separated by commas or spaces); empty = seeded.
    pub input: String,
    /// The selected step t (1-based).
    pub step: usize,
    /// The unit j written out in the equations (0-based).
    pub unit: usize,
    /// The training panel's settings.
    pub train: super::train::TrainConfig,
}

impl Default for RnnState {
    fn default() -> Self {
        RnnState {
            cell: CellChoice::Vanilla,
            activation: Activation::Tanh,
            len: 30,
            hidden: 8,
            sigma: 0.9,
            forget_bias: 1.0,
            clip: 0.0,
            window: 0,
            seed: 1,
            input: String::new(),
            step: 30,
            unit: 0,
            train: super::train::TrainConfig::default(),
        }
    }
}

/// The one-click stories of the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// tanh RNN, σ_max(W_hh) = 0.6: the gradient shrinks geometrically going back.
    Vanishing,
    /// Linear RNN (σ_h = identity), σ_max(W_hh) = 1.3: nothing but the repeated factor W_hh, so
    /// the gradient grows ≈ 1.3× per step going back; clipping at 1.
    Exploding,
    /// LSTM with b_f = 3 over 50 steps: the constant-error path keeps the gradient alive.
    LstmRemembers,
    /// Truncated BPTT with k = 10 over 50 steps: the first 40 states get no gradient.
    Truncated,
}

impl Preset {
    /// All presets, in the order of the buttons.
    pub const ALL: [Preset; 4] = [
        Preset::Vanishing,
        Preset::Exploding,
        Preset::LstmRemembers,
        Preset::Truncated,
    ];

    /// Button text.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Vanishing => "Vanishing gradients",
            Preset::Exploding => "Exploding gradients and clipping",
            Preset::LstmRemembers => "LSTM remembers across 50 steps",
            Preset::Truncated => "Truncated BPTT loses long dependencies",
        }
    }

    /// The state this preset sets.
    pub fn state(self) -> RnnState {
        let base = RnnState {
            input: String::new(),
            seed: 3,
            ..RnnState::default()
        };
        match self {
            Preset::Vanishing => RnnState {
                len: 40,
                step: 40,
                sigma: 0.6,
                ..base
            },
            Preset::Exploding => RnnState {
                len: 40,
                step: 40,
                sigma: 1.3,
                activation: Activation::Identity,
                clip: 1.0,
                ..base
            },
            Preset::LstmRemembers => RnnState {
                cell: CellChoice::Lstm,
                len: 50,
                step: 50,
                sigma: 0.6,
                forget_bias: 3.0,
                ..base
            },
            Preset::Truncated => RnnState {
                cell: CellChoice::Lstm,
                len: 50,
                step: 50,
                forget_bias: 3.0,
                window: 10,
                ..base
            },
        }
    }
}

/// Parses a typed sequence: numbers separated by commas, semicolons or white space.
pub fn parse_sequence(text: &str) -> Result<Vec<f64>, String> {
    let tokens: Vec<&str> = text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return Err("the input sequence is empty: type at least one number".into());
    }
    tokens
        .iter()
        .enumerate()
        .map(|(k, t)| match crate::widgets::format::parse_num(t) {
            Some(v) => Ok(v),
            None => Err(format!(
                "value {} of the input, “{t}”, is not a number",
                k + 1
            )),
        })
        .collect()
}

impl RnnState {
    /// The state with every number brought into range, and a message for each change.
    pub fn sanitized(&self) -> (RnnState, Vec<String>) {
        let mut s = self.clone();
        let mut notes = Vec::new();
        crate::views::clamp_noted(&mut notes, "Sequence length", &mut s.len, 1, MAX_LEN);
        crate::views::clamp_noted(&mut notes, "Hidden size", &mut s.hidden, 1, MAX_HIDDEN);
        if !(s.sigma.is_finite() && s.sigma > 0.0 && s.sigma <= 5.0) {
            notes.push(format!(
                "σ_max(W_hh) = {} is outside (0, 5]; using 0.9",
                s.sigma
            ));
            s.sigma = 0.9;
        }
        if !s.forget_bias.is_finite() || s.forget_bias.abs() > 10.0 {
            s.forget_bias = 1.0;
        }
        if !s.clip.is_finite() || s.clip < 0.0 {
            s.clip = 0.0;
        }
        (s, notes)
    }

    /// The input sequence: the typed one (capped at [`MAX_LEN`], said so) or a seeded one.
    pub fn sequence(&self) -> Result<(Vec<f64>, Option<String>), String> {
        if self.input.trim().is_empty() {
            let m = uniform(&mut rng(self.seed ^ 0x5eed), self.len, 1, 1.0);
            return Ok((m.iter().copied().collect(), None));
        }
        let mut xs = parse_sequence(&self.input)?;
        let note = (xs.len() > MAX_LEN).then(|| {
            let n = xs.len();
            xs.truncate(MAX_LEN);
            format!("the input has {n} values; nnviz runs the first {MAX_LEN}")
        });
        Ok((xs, note))
    }
}

/// Everything the view shows, computed once per state by the engine.
#[derive(Debug, Clone)]
pub struct RnnRun {
    /// The inputs x^(1..T).
    pub xs: Vec<f64>,
    /// The vanilla RNN.
    pub vanilla: SeqModel<VanillaCell>,
    /// Its forward trace.
    pub vanilla_trace: SeqTrace<VanillaStep>,
    /// Its BPTT trace.
    pub vanilla_bptt: BpttTrace<SeqModel<VanillaCell>>,
    /// The LSTM.
    pub lstm: SeqModel<LstmCell>,
    /// Its forward trace.
    pub lstm_trace: SeqTrace<LstmStep>,
    /// Its BPTT trace.
    pub lstm_bptt: BpttTrace<SeqModel<LstmCell>>,
    /// σ_max(W_hh) of the vanilla RNN as built.
    pub sigma_max: f64,
    /// Messages about clamped or capped input.
    pub notes: Vec<String>,
}

impl RnnRun {
    /// T.
    pub fn len(&self) -> usize {
        self.xs.len()
    }

    /// Whether the sequence is empty (never, once built).
    pub fn is_empty(&self) -> bool {
        self.xs.is_empty()
    }

    /// ‖∂L/∂h^(0)‖ / ‖∂L/∂h^(T)‖ for (vanilla, LSTM): how much of the gradient survives the trip.
    pub fn survival(&self) -> (f64, f64) {
        let r = |n: &[f64]| {
            n.first().copied().unwrap_or(0.0)
                / n.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE)
        };
        (r(&self.vanilla_bptt.dh_norms), r(&self.lstm_bptt.dh_norms))
    }
}

/// A shared run that compares by identity, so it can live in a Memo.
pub type RunRef = crate::views::Shared<RnnRun>;

/// Runs both models on the state's input: many-to-one, target 1 at the last step,
/// L = (y^(T) − 1)².
pub fn run(state: &RnnState) -> Result<RnnRun, String> {
    let (s, mut notes) = state.sanitized();
    let (xs, note) = s.sequence()?;
    notes.extend(note);
    let t_len = xs.len();
    let inputs: Vec<Vector> = xs.iter().map(|&x| Vector::from_vec(vec![x])).collect();
    let mut targets: Vec<Option<Target>> = vec![None; t_len];
    targets[t_len - 1] = Some(Target::Values(vec![1.0]));
    let mut r = rng(s.seed);
    let cfg = VanillaConfig {
        inputs: 1,
        hidden: s.hidden,
        activation: s.activation,
        recurrent_sigma: Some(s.sigma),
    };
    let cell = cfg.init(&mut r).map_err(|e| e.to_string())?;
    let readout = Readout::init(&mut r, s.hidden, 1, ReadoutKind::Mse(Activation::Identity));
    let vanilla = SeqModel {
        cell,
        readout: readout.clone(),
    };
    let lstm = SeqModel {
        cell: LstmConfig {
            inputs: 1,
            hidden: s.hidden,
            forget_bias: s.forget_bias,
        }
        .init(&mut r),
        readout,
    };
    let clip = if s.clip > 0.0 {
        Clip::Norm(s.clip)
    } else {
        Clip::None
    };
    let window = (s.window > 0).then_some(s.window);
    let vanilla_trace = vanilla
        .forward(&inputs, &targets)
        .map_err(|e| e.to_string())?;
    let vanilla_bptt = bptt(&vanilla, &inputs, &targets, &vanilla_trace, window, clip);
    let lstm_trace = lstm.forward(&inputs, &targets).map_err(|e| e.to_string())?;
    let lstm_bptt = bptt(&lstm, &inputs, &targets, &lstm_trace, window, clip);
    let sigma_max = spectral_norm(&vanilla.cell.w_hh).map_err(|e| e.to_string())?;
    Ok(RnnRun {
        xs,
        vanilla,
        vanilla_trace,
        vanilla_bptt,
        lstm,
        lstm_trace,
        lstm_bptt,
        sigma_max,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_typed_sequences() {
        assert_eq!(
            parse_sequence("1, 0 0;-2.5").unwrap(),
            vec![1.0, 0.0, 0.0, -2.5]
        );
        assert!(parse_sequence("  ").unwrap_err().contains("empty"));
        let e = parse_sequence("1, two, 3").unwrap_err();
        assert!(e.contains("value 2") && e.contains("two"), "{e}");
        assert!(parse_sequence("1, NaN").is_err());
    }

    #[test]
    fn out_of_range_state_is_clamped_with_a_message() {
        let s = RnnState {
            len: 5000,
            hidden: 0,
            sigma: -1.0,
            ..RnnState::default()
        };
        let (c, notes) = s.sanitized();
        assert_eq!((c.len, c.hidden, c.sigma), (MAX_LEN, 1, 0.9));
        assert_eq!(notes.len(), 3);
        let long = RnnState {
            input: vec!["1"; 250].join(","),
            ..RnnState::default()
        };
        let (xs, note) = long.sequence().unwrap();
        assert_eq!(xs.len(), MAX_LEN);
        assert!(note.unwrap().contains("250"));
    }

    #[test]
    fn vanishing_preset_vanishes_and_lstm_keeps_more() {
        let r = run(&Preset::Vanishing.state()).unwrap();
        assert_eq!(r.len(), 40);
        assert!((r.sigma_max - 0.6).abs() < 1e-9);
        let (v, l) = r.survival();
        assert!(v < 1e-6, "vanilla keeps {v:e}");
        assert!(l > 100.0 * v, "LSTM keeps {l:e}");
    }

    #[test]
    fn exploding_preset_clips() {
        let r = run(&Preset::Exploding.state()).unwrap();
        assert!(r.vanilla_bptt.clip.clipped && r.vanilla_bptt.clip.norm_before > 1.0);
        assert!((r.vanilla_bptt.clip.norm_after - 1.0).abs() < 1e-9);
        let n = &r.vanilla_bptt.dh_norms;
        assert!(
            n[0] > 100.0 * n[n.len() - 1],
            "the gradient grows going back: {} vs {}",
            n[0],
            n[n.len() - 1]
        );
    }

    #[test]
    fn truncated_preset_cuts_the_early_states() {
        let r = run(&Preset::Truncated.state()).unwrap();
        assert_eq!(r.lstm_bptt.window, Some(10));
        assert!(r.lstm_bptt.dh_norms[..40].iter().all(|&n| n == 0.0));
        assert!(r.lstm_bptt.dh_norms[41..].iter().all(|&n| n > 0.0));
    }

    #[test]
    fn state_round_trips_through_the_url() {
        let s = Preset::Exploding.state();
        let hash = crate::state::encode("#/rnn", &s);
        assert_eq!(crate::state::decode::<RnnState>(&hash).unwrap(), Some(s));
        // Unknown or missing fields fall back to defaults rather than failing.
        let partial: RnnState = serde_json::from_str(r#"{"len": 12}"#).unwrap();
        assert_eq!(partial.len, 12);
        assert_eq!(partial.hidden, RnnState::default().hidden);
    }
}
