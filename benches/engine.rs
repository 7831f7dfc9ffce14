//! Engine benchmarks (criterion): the sizes a lecture uses and the big ones the views allow.
//! After criterion's report, a summary prints each workload's median time as a ratio to a
//! baseline measured in the same process (a 128×128 nalgebra matrix product), so numbers from
//! different machines can be compared. Record results in docs/performance.md.

use criterion::{criterion_group, BenchmarkId, Criterion};
use nnviz::engine::attention::{Mask, MultiHead};
use nnviz::engine::clip::Clip;
use nnviz::engine::data::{stochastic_block_model, SeqTask};
use nnviz::engine::gcn::classify::{GcnClassifier, NodeClassification};
use nnviz::engine::gcn::{normalized_laplacian, spectrum};
use nnviz::engine::ops::Activation;
use nnviz::engine::rng::{normal, rng};
use nnviz::engine::rnn::{bptt, LstmConfig, Readout, ReadoutKind, SeqModel};
use nnviz::engine::train::Trainable;
use nnviz::engine::Mat;
use std::hint::black_box;
use std::time::{Duration, Instant};

type Work = Box<dyn FnMut()>;

fn lstm_step(h: usize, t: usize) -> Work {
    let mut r = rng(1);
    let cell = LstmConfig {
        inputs: 2,
        hidden: h,
        forget_bias: 1.0,
    }
    .init(&mut r);
    let model = SeqModel {
        cell,
        readout: Readout::init(&mut r, h, 1, ReadoutKind::Mse(Activation::Identity)),
    };
    let ex = SeqTask::Adding.sample(&mut r, t);
    Box::new(move || {
        let tr = model.forward(&ex.xs, &ex.targets).unwrap();
        black_box(bptt(
            &model,
            &ex.xs,
            &ex.targets,
            &tr,
            None,
            Clip::Norm(1.0),
        ));
    })
}

fn attention_step(n: usize, d: usize, heads: usize) -> Work {
    let mut r = rng(2);
    let m = MultiHead::init(&mut r, d, heads).unwrap();
    let x = normal(&mut r, n, d, 1.0);
    let g = normal(&mut r, n, d, 1.0);
    Box::new(move || {
        let t = m.forward(&x, &x, &Mask::Causal, true).unwrap();
        black_box(m.backward(&x, &x, &t, &g));
    })
}

fn gcn_step(n: usize) -> Work {
    let mut r = rng(3);
    let g = stochastic_block_model(&mut r, &[n / 2, n - n / 2], 8.0 / n as f64, 0.5 / n as f64);
    let labels = (0..n)
        .map(|v| (v % 10 == 0).then_some(g.classes[v]))
        .collect();
    let model = GcnClassifier::init(&mut r, 16, 16, 2);
    let x = normal(&mut r, n, 16, 1.0);
    let mut task = NodeClassification::new(model, &g.adjacency, x, labels).unwrap();
    Box::new(move || {
        black_box(task.loss_and_grad().unwrap());
    })
}

fn eigen(n: usize) -> Work {
    let g = stochastic_block_model(
        &mut rng(4),
        &[n / 2, n - n / 2],
        6.0 / n as f64,
        1.0 / n as f64,
    );
    let l = normalized_laplacian(&g.adjacency).unwrap();
    Box::new(move || {
        black_box(spectrum(&l).unwrap());
    })
}

fn baseline() -> Work {
    let mut r = rng(5);
    let (a, b) = (normal(&mut r, 128, 128, 1.0), normal(&mut r, 128, 128, 1.0));
    Box::new(move || {
        black_box::<Mat>(&a * &b);
    })
}

fn workloads() -> Vec<(&'static str, String, Work)> {
    vec![
        ("lstm_train_step", "h=32,T=50".into(), lstm_step(32, 50)),
        ("lstm_train_step", "h=128,T=200".into(), lstm_step(128, 200)),
        (
            "mha_fwd_bwd",
            "n=64,d=64,heads=4".into(),
            attention_step(64, 64, 4),
        ),
        (
            "mha_fwd_bwd",
            "n=256,d=64,heads=4".into(),
            attention_step(256, 64, 4),
        ),
        ("gcn_step", "n=500".into(), gcn_step(500)),
        ("eigendecomposition", "n=50".into(), eigen(50)),
        ("eigendecomposition", "n=200".into(), eigen(200)),
        ("eigendecomposition", "n=500".into(), eigen(500)),
    ]
}

fn bench(c: &mut Criterion) {
    for (group, param, mut work) in workloads() {
        let mut g = c.benchmark_group(group);
        g.sample_size(15)
            .measurement_time(Duration::from_secs(3))
            .warm_up_time(Duration::from_millis(500));
        g.bench_function(BenchmarkId::from_parameter(param), |b| b.iter(&mut work));
        g.finish();
    }
}

/// Median wall time of `work` over `runs` runs (after one warm-up).
fn median(work: &mut Work, runs: usize) -> Duration {
    work();
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            work();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

fn ratios() {
    let mut base = baseline();
    let b = median(&mut base, 51);
    println!(
        "\nbaseline (128×128 matmul): {b:?}\n{:<22} {:<20} {:>12} {:>14}",
        "workload", "size", "median", "× baseline"
    );
    for (group, param, mut work) in workloads() {
        let runs = if group == "eigendecomposition" || param.contains("200") {
            5
        } else {
            15
        };
        let m = median(&mut work, runs);
        println!(
            "{group:<22} {param:<20} {:>12} {:>14.1}",
            format!("{:.3} ms", m.as_secs_f64() * 1e3),
            m.as_secs_f64() / b.as_secs_f64()
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios();
}
