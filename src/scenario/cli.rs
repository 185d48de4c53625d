//! The scenario commands of the native `warren` CLI: `warren definitions export|import` and
//! `warren codegen pika`. Each returns what goes to stdout, and pushes warnings for stderr,
//! so `src/bin/warren.rs` stays a thin dispatcher and the commands are testable.

use std::path::Path;

use super::codegen;
use super::definitions::{export_definitions, import_definitions};
use super::error::ScenarioError;
use super::limits::MAX_INPUT_BYTES;
use super::parse::{Parsed, parse_str};

/// Usage text of the scenario commands.
pub const USAGE: &str = "\
warren definitions export SCENARIO.json [--vhost NAME]   definitions.json to stdout
warren definitions import DEFS.json [--vhost NAME]       scenario to stdout
warren codegen pika SCENARIO.json OUTDIR                 Python (pika) clients into OUTDIR
warren check SCENARIO.json [--lang en|zh-CN]             check a challenge's goals (exit 1 if one fails)";

fn usage(msg: &str) -> ScenarioError {
    ScenarioError::Usage(format!("{msg}\nusage:\n{USAGE}"))
}

/// Reads a text file with the input size cap.
pub fn read_file(path: &str) -> Result<String, ScenarioError> {
    let io = |e: std::io::Error| ScenarioError::Io(format!("{path}: {e}"));
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_INPUT_BYTES as u64 {
        return Err(ScenarioError::Io(format!(
            "{path}: {len} bytes; the limit is {MAX_INPUT_BYTES} bytes"
        )));
    }
    std::fs::read_to_string(path).map_err(io)
}

fn load_scenario(path: &str, warnings: &mut Vec<String>) -> Result<Parsed, ScenarioError> {
    let text = read_file(path)?;
    let parsed = parse_str(&text).map_err(|e| match e {
        ScenarioError::Invalid(_) | ScenarioError::Json(_) => {
            ScenarioError::Io(format!("{path}: {e}"))
        }
        other => other,
    })?;
    warnings.extend(parsed.warnings.iter().map(|w| format!("{path}: {w}")));
    Ok(parsed)
}

/// Splits `--vhost NAME` out of the arguments.
fn take_vhost(args: &[String]) -> Result<(Vec<&str>, Option<&str>), ScenarioError> {
    let mut rest = Vec::new();
    let mut vhost = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--vhost" {
            vhost = Some(
                it.next()
                    .ok_or_else(|| usage("--vhost needs a name"))?
                    .as_str(),
            );
        } else if let Some(v) = a.strip_prefix("--vhost=") {
            vhost = Some(v);
        } else if a.starts_with("--") {
            return Err(usage(&format!("unknown option {a}")));
        } else {
            rest.push(a.as_str());
        }
    }
    Ok((rest, vhost))
}

/// `warren definitions export|import …` (arguments after `definitions`).
pub fn definitions(args: &[String], warnings: &mut Vec<String>) -> Result<String, ScenarioError> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(usage("definitions needs export or import"));
    };
    let (files, vhost) = take_vhost(rest)?;
    let [file] = files.as_slice() else {
        return Err(usage("expected exactly one file"));
    };
    match sub.as_str() {
        "export" => {
            let parsed = load_scenario(file, warnings)?;
            let (text, notes) = export_definitions(&parsed.scenario, vhost.unwrap_or("/"));
            warnings.extend(notes.iter().map(|w| w.to_string()));
            Ok(text + "\n")
        }
        "import" => {
            let text = read_file(file)?;
            let imported = import_definitions(&text, vhost)
                .map_err(|e| ScenarioError::Io(format!("{file}: {e}")))?;
            warnings.extend(imported.warnings.iter().map(|w| format!("{file}: {w}")));
            Ok(imported.scenario.to_json() + "\n")
        }
        other => Err(usage(&format!("unknown definitions command {other}"))),
    }
}

/// `warren codegen pika SCENARIO.json OUTDIR` (arguments after `codegen`).
pub fn codegen(args: &[String], warnings: &mut Vec<String>) -> Result<String, ScenarioError> {
    let [lang, scenario, outdir] = args else {
        return Err(usage(
            "codegen needs a language, a scenario and an output directory",
        ));
    };
    if lang != "pika" {
        return Err(usage(&format!("unknown code generator {lang}; only pika")));
    }
    let parsed = load_scenario(scenario, warnings)?;
    let files = codegen::pika(&parsed.scenario);
    let dir = Path::new(outdir);
    std::fs::create_dir_all(dir).map_err(|e| ScenarioError::Io(format!("{outdir}: {e}")))?;
    let mut out = String::new();
    for f in &files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.contents)
            .map_err(|e| ScenarioError::Io(format!("{}: {e}", path.display())))?;
        out.push_str(&format!("wrote {}\n", path.display()));
    }
    Ok(out)
}

/// `warren check SCENARIO.json [--lang en|zh-CN]`: the lesson's goals, one line each (`✓ goal` or
/// `✗ goal: what is still wrong`), and whether all hold.
pub fn check(args: &[String], warnings: &mut Vec<String>) -> Result<(String, bool), ScenarioError> {
    let mut lang = crate::sim::Lang::En;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--lang" => {
                lang = match args.get(i + 1).map(String::as_str) {
                    Some("en") => crate::sim::Lang::En,
                    Some("zh-CN") => crate::sim::Lang::ZhCn,
                    _ => return Err(usage("--lang needs en or zh-CN")),
                };
                i += 2;
            }
            a if a.starts_with("--") => return Err(usage(&format!("unknown option {a}"))),
            a => {
                files.push(a);
                i += 1;
            }
        }
    }
    let [file] = files.as_slice() else {
        return Err(usage("check needs exactly one scenario file"));
    };
    let parsed = load_scenario(file, warnings)?;
    let verdicts = super::goals::check(&parsed.scenario);
    if verdicts.is_empty() {
        return Err(ScenarioError::Io(format!(
            "{file}: the scenario has no lesson goals"
        )));
    }
    let mut out = String::new();
    for v in &verdicts {
        let goal = super::goals::describe(&v.goal, lang);
        if v.passed() {
            out.push_str(&format!("✓ {goal}\n"));
        } else {
            out.push_str(&format!("✗ {goal}\n  {}\n", super::goals::explain(v, lang)));
        }
    }
    Ok((out, verdicts.iter().all(super::goals::Verdict::passed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn export_then_import_via_files() {
        let dir = std::env::temp_dir().join(format!("warren-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let scen = dir.join("topics.json");
        std::fs::write(&scen, crate::scenario::presets::preset("topics").unwrap()).unwrap();
        let mut w = Vec::new();
        let defs = definitions(
            &args(&["export", scen.to_str().unwrap(), "--vhost", "lab"]),
            &mut w,
        )
        .unwrap();
        assert!(defs.contains("\"vhost\": \"lab\""));
        let defs_path = dir.join("defs.json");
        std::fs::write(&defs_path, &defs).unwrap();
        let back = definitions(&args(&["import", defs_path.to_str().unwrap()]), &mut w).unwrap();
        let s = parse_str(&back).unwrap().scenario;
        assert_eq!(s.topology.bindings.len(), 3);
        let out = codegen(
            &args(&[
                "pika",
                scen.to_str().unwrap(),
                dir.join("py").to_str().unwrap(),
            ]),
            &mut w,
        )
        .unwrap();
        assert_eq!(out.lines().count(), 5, "{out}");
        assert!(dir.join("py").join("topology.py").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_usage_and_missing_files_are_errors() {
        let mut w = Vec::new();
        assert!(matches!(
            definitions(&args(&[]), &mut w),
            Err(ScenarioError::Usage(_))
        ));
        assert!(matches!(
            definitions(&args(&["export"]), &mut w),
            Err(ScenarioError::Usage(_))
        ));
        assert!(matches!(
            definitions(&args(&["export", "x", "--vhost"]), &mut w),
            Err(ScenarioError::Usage(_))
        ));
        assert!(matches!(
            codegen(&args(&["java", "a", "b"]), &mut w),
            Err(ScenarioError::Usage(_))
        ));
        let e = definitions(&args(&["import", "/nonexistent/defs.json"]), &mut w).unwrap_err();
        assert!(matches!(e, ScenarioError::Io(_)), "{e}");
    }
}
