//! Every recorded conformance case under tests/fixtures/conformance/*/ must produce the outcome
//! the real RabbitMQ gave (compared as parsed JSON). All failures are listed, with a readable
//! diff, before the test fails.

use std::path::{Path, PathBuf};

use warren::conform::{is_outcome_file, outcome_diff, parse_case, run_case};

fn case_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    let mut files = Vec::new();
    for d in dirs {
        let mut here: Vec<PathBuf> = std::fs::read_dir(&d)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json") && !is_outcome_file(p))
                    .collect()
            })
            .unwrap_or_default();
        here.sort();
        files.extend(here);
    }
    files
}

#[test]
fn recorded_cases_match_the_real_broker() {
    let files = case_files();
    assert!(
        files.len() >= 88,
        "expected at least the 88 shared cases, found {}",
        files.len()
    );
    let filter = std::env::var("CONFORM_FILTER").unwrap_or_default();
    let mut failures = Vec::new();
    let mut ran = 0;
    for path in &files {
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !filter.is_empty() && !name.contains(&filter) {
            continue;
        }
        let expected_path = path.with_extension("outcome.json");
        let Ok(expected_text) = std::fs::read(&expected_path) else {
            continue;
        };
        ran += 1;
        let case = match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| parse_case(&b).map_err(|e| e.to_string()))
        {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{}: case error: {e}", path.display()));
                continue;
            }
        };
        let expected: serde_json::Value = match serde_json::from_slice(&expected_text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{}: bad outcome file: {e}",
                    expected_path.display()
                ));
                continue;
            }
        };
        let actual = run_case(&case);
        if actual != expected {
            failures.push(format!(
                "{}:\n{}",
                path.display(),
                outcome_diff(&expected, &actual)
            ));
        }
    }
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    eprintln!("{} of {ran} conformance cases pass", ran - failures.len());
    let names: Vec<String> = failures
        .iter()
        .filter_map(|f| f.split(':').next().map(str::to_owned))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        names.join("\n")
    );
}
