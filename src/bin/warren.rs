//! The native `warren` command-line tool. Thin: argument parsing and file I/O; the work is in
//! the library (`warren::conform`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warren::conform::{canonical_text, case_name, is_outcome_file, parse_case, run_case};

use warren::scenario::cli as scenario_cli;

const CONFORM_USAGE: &str = "warren conform CASE.json... [--out DIR]                 run conformance cases through the model";

fn usage() -> String {
    format!(
        "usage:\n{CONFORM_USAGE}\n{}\n{}",
        scenario_cli::USAGE,
        warren::scenario::to_sim::RUN_USAGE
    )
}

struct ConformArgs {
    cases: Vec<PathBuf>,
    out: Option<PathBuf>,
}

fn parse_conform_args(args: &[String]) -> Result<ConformArgs, String> {
    let mut cases = Vec::new();
    let mut out = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--out" => {
                let dir = args.get(i + 1).ok_or("--out needs a directory")?;
                out = Some(PathBuf::from(dir));
                i += 2;
            }
            s if s.starts_with("--out=") => {
                out = Some(PathBuf::from(&s["--out=".len()..]));
                i += 1;
            }
            "-h" | "--help" => return Err(usage()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{}", usage())),
            s => {
                cases.push(PathBuf::from(s));
                i += 1;
            }
        }
    }
    if cases.is_empty() {
        return Err(format!("no case files given\n{}", usage()));
    }
    Ok(ConformArgs { cases, out })
}

fn conform(args: &ConformArgs) -> Result<(), String> {
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let cases: Vec<&Path> = args
        .cases
        .iter()
        .map(PathBuf::as_path)
        .filter(|p| !is_outcome_file(p))
        .collect();
    for path in &cases {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let case = parse_case(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = case_name(&case, path);
        let text = canonical_text(&run_case(&case));
        match &args.out {
            Some(dir) => {
                let file = dir.join(format!("{name}.outcome.json"));
                std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
            }
            None => {
                if cases.len() > 1 {
                    println!("== {name}");
                }
                print!("{text}");
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    let mut warnings = Vec::new();
    let result: Result<String, String> = match command.as_str() {
        "conform" => parse_conform_args(rest)
            .and_then(|a| conform(&a))
            .map(|()| String::new()),
        "definitions" => scenario_cli::definitions(rest, &mut warnings).map_err(|e| e.to_string()),
        "codegen" => scenario_cli::codegen(rest, &mut warnings).map_err(|e| e.to_string()),
        "check" => match scenario_cli::check(rest, &mut warnings) {
            // A goal not met is an answer, not bad input: exit 1 (as `diff` and `grep` do).
            Ok((out, false)) => {
                for w in &warnings {
                    eprintln!("warning: {w}");
                }
                print!("{out}");
                return ExitCode::from(1);
            }
            Ok((out, true)) => Ok(out),
            Err(e) => Err(e.to_string()),
        },
        "run" => {
            warren::scenario::to_sim::run_command(rest, &mut warnings).map_err(|e| e.to_string())
        }
        "-h" | "--help" | "help" => {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown command {other:?}\n{}", usage())),
    };
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        // Bad input or usage: exit 2 with a message naming what and where (ripgrep's convention).
        Err(msg) => {
            eprintln!("warren: {msg}");
            ExitCode::from(2)
        }
    }
}
