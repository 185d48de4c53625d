//! Errors and warnings of the scenario layer, each located by a JSON path such as
//! `producers[2].rate.every_ms`.

use std::fmt;

/// One located message: where in the input, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// JSON path from the document root (`""` for the root itself).
    pub path: String,
    /// Plain-language message; never contains markup.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

fn join(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&d.to_string());
    }
    out
}

/// Everything that can go wrong reading, converting or writing a scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The text is not JSON at all (or is too large to read).
    #[error("not valid JSON: {0}")]
    Json(String),
    /// The JSON is not a valid scenario / definitions file; one entry per problem found.
    #[error("{}", join(.0))]
    Invalid(Vec<Diagnostic>),
    /// A share link could not be decoded.
    #[error("bad link: {0}")]
    Link(String),
    /// Reading or writing a file failed (CLI only).
    #[error("{0}")]
    Io(String),
    /// The command line was not understood (CLI only).
    #[error("{0}")]
    Usage(String),
}

impl ScenarioError {
    /// A single located validation error.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError::Invalid(vec![Diagnostic::new(path, message)])
    }
}

/// Appends `key` to a JSON path.
pub(crate) fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Appends `[index]` to a JSON path.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}
