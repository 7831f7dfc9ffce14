//! Scenario parsing and running: examples, golden values, PyTorch names, errors, fuzzing.

use super::*;
use serde_json::Value;

fn examples() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn trace(text: &str) -> Value {
    run(&parse(text).unwrap()).unwrap()
}

#[test]
fn every_documented_example_runs_and_covers_every_kind() {
    let ex = examples();
    let mut kinds = std::collections::BTreeSet::new();
    for (path, text) in &ex {
        let s = parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let out = run(&s).unwrap_or_else(|e| panic!("{path}: {e}"));
        kinds.insert(out["kind"].as_str().unwrap().to_string());
        assert!(
            out.get("grads").is_some() || out.get("layer").is_some() || out["kind"] == "graph",
            "{path}"
        );
    }
    for k in ["rnn", "attention", "transformer_block", "graph"] {
        assert!(kinds.contains(k), "no example of kind {k}");
    }
}

#[test]
fn lstm_example_reproduces_the_hand_worked_step() {
    let t = trace(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/examples/lstm_one_step.json"
        ))
        .unwrap(),
    );
    assert!((t["C"][1][0].as_f64().unwrap() - 0.556_769_941_145_939_7).abs() < 1e-15);
    assert!((t["h"][1][0].as_f64().unwrap() - 0.135_970_578_571_402_3).abs() < 1e-15);
    // ŷ = h (W_yh = 1), L = (h − 0.5)², so ∂L/∂W_yh = 2(h − 0.5)·h.
    let h = 0.135_970_578_571_402_3;
    assert!((t["grads"]["W_yh"][0][0].as_f64().unwrap() - 2.0 * (h - 0.5) * h).abs() < 1e-14);
}

#[test]
fn graph_example_reproduces_the_deck() {
    let t = trace(r#"{"kind": "graph", "preset": "seed_001"}"#);
    let p01 = t["P"][0][1].as_f64().unwrap();
    assert!((p01 - 1.0 / (3f64.sqrt() * 2f64.sqrt())).abs() < 1e-15);
    assert_eq!(t["zero_eigenvalues"], 1);
    assert_eq!(t["components"], 1);
}

#[test]
fn masked_scores_are_written_as_minus_infinity() {
    let t = trace(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/examples/attention_causal.json"
        ))
        .unwrap(),
    );
    assert_eq!(t["heads"][0]["masked"][0][1], "-inf");
    assert_eq!(t["heads"][0]["weights"][0][1], 0.0);
    assert_eq!(t["heads"][1]["weights"][2][5], 0.0);
}

#[test]
fn pytorch_lstm_names_load_like_the_deck_names() {
    let torch = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/examples/lstm_pytorch.json"
    ))
    .unwrap();
    // The same weights written with the deck's names: PyTorch stacks gates as i, f, g, o and
    // adds two biases.
    let deck = r#"{
      "kind": "rnn", "cell": "lstm", "hidden": 2, "outputs": 1,
      "readout": { "kind": "mse", "activation": "identity" },
      "inputs": [[0.5], [-1.0], [0.25]], "targets": [null, null, [1.0]], "truncation": 2,
      "weights": {
        "W_ix": [[0.1], [0.2]], "W_fx": [[0.3], [0.4]], "W_gx": [[0.5], [0.6]], "W_ox": [[0.7], [0.8]],
        "W_ih": [[0.1, 0.0], [0.0, 0.1]], "W_fh": [[0.2, 0.0], [0.0, 0.2]],
        "W_gh": [[0.3, 0.0], [0.0, 0.3]], "W_oh": [[0.4, 0.0], [0.0, 0.4]],
        "b_i": [0.0, 0.0], "b_f": [1.0, 1.0], "b_g": [0.0, 0.0], "b_o": [0.0, 0.0],
        "W_yh": [[1.0, -1.0]], "b_y": [0.1]
      }
    }"#;
    assert_eq!(trace(&torch), trace(deck));
}

#[test]
fn pytorch_multihead_attention_names_load() {
    // nn.MultiheadAttention(4, 2, bias=False): in_proj_weight rows = [q; k; v], out × in.
    let ip: Vec<Vec<f64>> = (0..12)
        .map(|r| (0..4).map(|c| ((r * 4 + c) as f64 * 0.37).sin()).collect())
        .collect();
    let op: Vec<Vec<f64>> = (0..4)
        .map(|r| (0..4).map(|c| ((r * 4 + c) as f64 * 0.11).cos()).collect())
        .collect();
    let torch = serde_json::json!({"kind": "attention", "d_model": 4, "heads": 2, "inputs": [[1,0,0,0],[0,1,0,0],[0,0,1,1]],
        "weights": {"in_proj_weight": ip, "out_proj.weight": op, "in_proj_bias": [0,0,0,0,0,0,0,0,0,0,0,0]}});
    // Head h of W_q is the transpose of rows 2h..2h+2 of the q block.
    let t = |rows: std::ops::Range<usize>| -> Vec<Vec<f64>> {
        (0..4)
            .map(|c| rows.clone().map(|r| ip[r][c]).collect())
            .collect()
    };
    let opt: Vec<Vec<f64>> = (0..4).map(|c| (0..4).map(|r| op[r][c]).collect()).collect();
    let deck = serde_json::json!({"kind": "attention", "d_model": 4, "heads": 2, "inputs": [[1,0,0,0],[0,1,0,0],[0,0,1,1]],
        "weights": {"W_q.0": t(0..2), "W_q.1": t(2..4), "W_k.0": t(4..6), "W_k.1": t(6..8),
                    "W_v.0": t(8..10), "W_v.1": t(10..12), "W_o": opt}});
    assert_eq!(trace(&torch.to_string()), trace(&deck.to_string()));
    let with_bias = serde_json::json!({"kind": "attention", "d_model": 4, "inputs": [[1,0,0,0]], "weights": {"out_proj.bias": [1,0,0,0]}});
    assert!(run(&parse(&with_bias.to_string()).unwrap())
        .unwrap_err()
        .contains("bias=False"));
}

#[test]
fn errors_name_the_field_and_what_was_expected() {
    let e = parse(r#"{"kind": "rnn", "cell": "lstm", "hidden": "four"}"#).unwrap_err();
    assert!(
        e.contains("`hidden`") && e.contains("expected usize"),
        "{e}"
    );
    let e = parse(r#"{"kind": "rnn", "cell": "gru"}"#).unwrap_err();
    assert!(e.contains("`cell`") && e.contains("vanilla"), "{e}");
    let e = parse(r#"{"kind": "graph", "adjacency": [[0, 1], [1, "x"]]}"#).unwrap_err();
    assert!(e.contains("adjacency[1][1]"), "{e}");
    assert!(parse("[1, 2").unwrap_err().contains("not valid JSON"));
    assert!(parse(r#"{"kind": "cnn"}"#)
        .unwrap_err()
        .contains("unknown kind"));
    let s = parse(r#"{"kind": "graph", "adjacency": [[0, 1], [0, 0]]}"#).unwrap();
    assert!(run(&s).unwrap_err().contains("symmetric"));
    let s = parse(r#"{"kind": "rnn", "cell": "vanilla", "hidden": 2, "outputs": 1, "readout": {"kind": "mse", "activation": "identity"}, "inputs": []}"#).unwrap();
    assert!(run(&s).unwrap_err().contains("empty"));
}

#[cfg(not(target_arch = "wasm32"))]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-1e6f64..1e6).prop_map(|f| serde_json::json!(f)),
            (0u64..5000).prop_map(|n| serde_json::json!(n)),
            "[a-z_]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_]{1,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(s) = parse(&text) {
                let _ = run(&s);
            }
        }

        #[test]
        fn examples_with_a_field_replaced_never_panic(pick in 0usize..64, field in 0usize..64, v in json_value()) {
            let ex = examples();
            let (_, text) = &ex[pick % ex.len()];
            let mut doc: Value = serde_json::from_str(text).unwrap();
            if let Value::Object(m) = &mut doc {
                let keys: Vec<String> = m.keys().filter(|k| *k != "kind").cloned().collect();
                let k = &keys[field % keys.len()];
                m.insert(k.clone(), v);
            }
            if let Ok(s) = parse(&doc.to_string()) {
                let _ = run(&s);
            }
        }
    }
}
