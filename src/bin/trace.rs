//! `trace FILE.json` — runs a scenario (docs/scenario.md) with the nnviz engine and prints the
//! full trace as JSON: every intermediate, the loss, every parameter gradient, per-step
//! gradient norms, spectra. A malformed file gets a message naming the bad field's path and a
//! non-zero exit status.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: trace FILE.json   (FILE may be - for standard input)");
        return ExitCode::from(2);
    };
    let text = if path == "-" {
        let mut s = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            Ok(_) => s,
            Err(e) => {
                eprintln!("trace: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("trace: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let result = nnviz::scenario::parse(&text).and_then(|s| nnviz::scenario::run(&s));
    match result {
        Ok(v) => match serde_json::to_string_pretty(&v) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("trace: cannot write the result: {e}");
                ExitCode::FAILURE
            }
        },
        Err(msg) => {
            eprintln!("trace: {path}: {msg}");
            ExitCode::FAILURE
        }
    }
}
