//! The native `warren` command-line tool.

use std::process::ExitCode;

use warren::scenario::cli as scenario_cli;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("usage: warren <command> ...\n{}", scenario_cli::USAGE);
        return ExitCode::from(2);
    };
    let mut warnings = Vec::new();
    let result = match command.as_str() {
        "definitions" => scenario_cli::definitions(rest, &mut warnings),
        "codegen" => scenario_cli::codegen(rest, &mut warnings),
        _ => {
            eprintln!("usage: warren <command> ...\n{}", scenario_cli::USAGE);
            return ExitCode::from(2);
        }
    };
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e @ warren::scenario::ScenarioError::Usage(_)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
