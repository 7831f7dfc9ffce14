//! The layering rule of ARCHITECTURE.md, checked by reading the source: nothing under
//! src/engine may import the web, plotting, GPU or UI layers, or any other module of the crate.

use std::fs;
use std::path::{Path, PathBuf};

const BANNED_CRATES: [&str; 7] = [
    "leptos",
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "plotters",
    "wgpu",
    "gloo",
];
const BANNED_MODULES: [&str; 6] = ["app", "views", "widgets", "gpu", "graph", "route"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every offending line in `source`, as "line: text".
fn violations(source: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mentions_crate = BANNED_CRATES.iter().any(|c| {
            code.contains(&format!("{c}::"))
                || code.trim_start().starts_with(&format!("use {c}"))
                || code.contains(&format!("extern crate {c}"))
        });
        let mentions_module = BANNED_MODULES
            .iter()
            .any(|m| code.contains(&format!("crate::{m}")));
        if mentions_crate || mentions_module {
            bad.push(format!("{}: {}", n + 1, line.trim()));
        }
    }
    bad
}

#[test]
fn the_checker_catches_what_it_should() {
    assert_eq!(violations("use leptos::prelude::*;").len(), 1);
    assert_eq!(violations("    let w = web_sys::window();").len(), 1);
    assert_eq!(violations("use crate::widgets::Heatmap;").len(), 1);
    assert!(violations("use nalgebra::DMatrix; // not leptos::").is_empty());
    assert!(violations("use super::super::{Mat, Result};").is_empty());
}

#[test]
fn engine_imports_nothing_from_upper_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(
        files.len() >= 3,
        "expected engine sources under {}",
        root.display()
    );
    let mut report = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for v in violations(&text) {
            report.push(format!("{}:{v}", f.display()));
        }
    }
    assert!(
        report.is_empty(),
        "engine layer violations:\n{}",
        report.join("\n")
    );
}

/// src/gpu sits beside the engine, under the widgets: it may use the engine (the trait it
/// implements) and the browser, but nothing of the UI.
#[test]
fn gpu_imports_nothing_from_the_ui() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gpu");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(
        !files.is_empty(),
        "expected sources under {}",
        root.display()
    );
    let mut report = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let ui = ["leptos", "plotters"]
                .iter()
                .any(|c| code.contains(&format!("{c}::")) || code.contains(&format!("use {c}")))
                || ["app", "views", "widgets", "hooks", "route"]
                    .iter()
                    .any(|m| code.contains(&format!("crate::{m}")));
            if ui {
                report.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        report.is_empty(),
        "gpu layer violations:\n{}",
        report.join("\n")
    );
}

/// Arrows point down: the shell (`app`) uses the views, widgets and hooks, never the reverse.
/// (The compute backend the views route products through is a hook for this reason.)
#[test]
fn nothing_below_the_shell_imports_it() {
    let mut report = Vec::new();
    for dir in ["views", "widgets", "hooks", "graph", "gpu", "engine"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        assert!(
            !files.is_empty(),
            "expected sources under {}",
            root.display()
        );
        for f in files {
            let text = fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if code.contains("crate::app") || code.contains("super::super::app") {
                    report.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        report.is_empty(),
        "upward imports of the shell:\n{}",
        report.join("\n")
    );
}
