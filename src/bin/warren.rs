//! The native `warren` command-line tool.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!("usage: warren <command> ...");
    ExitCode::from(2)
}
