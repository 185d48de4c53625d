//! Share links: the scenario in the URL fragment, so no server is involved.
//!
//! `#preset=ID` names a built-in preset; `#s=DATA` carries a whole scenario as compact JSON,
//! deflated (raw DEFLATE, RFC 1951) and base64url-encoded without padding. Other `&`-separated
//! fragment parameters (e.g. embed options) are left to the caller. Decoding is bounded: the
//! encoded text by [`MAX_LINK_BYTES`], the inflated JSON by [`MAX_INPUT_BYTES`], so a small
//! link cannot inflate into a huge allocation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::ScenarioError;
use super::limits::{MAX_INPUT_BYTES, MAX_LINK_BYTES};
use super::model::Scenario;
use super::parse::{Parsed, parse_str};
use super::presets;

/// What a fragment asks to open.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// A built-in preset, by id (known to exist).
    Preset(String),
    /// A scenario carried in the link, validated.
    Scenario(Box<Parsed>),
}

/// The fragment (without `#`) opening preset `id`.
pub fn preset_fragment(id: &str) -> String {
    format!("preset={id}")
}

/// The fragment (without `#`) carrying the whole scenario.
pub fn scenario_fragment(s: &Scenario) -> String {
    let json = s.to_json_compact();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("s={}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a URL fragment, with or without its leading `#`.
pub fn decode_fragment(fragment: &str) -> Result<LinkTarget, ScenarioError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_LINK_BYTES {
        return Err(ScenarioError::Link(format!(
            "the link is {} bytes long; the limit is {MAX_LINK_BYTES} bytes",
            fragment.len()
        )));
    }
    for param in fragment.split('&') {
        if let Some(id) = param.strip_prefix("preset=") {
            return if presets::preset(id).is_some() {
                Ok(LinkTarget::Preset(id.to_string()))
            } else {
                let known: Vec<&str> = presets::presets().iter().map(|p| p.id).collect();
                Err(ScenarioError::Link(format!(
                    "no preset named \"{}\"; the presets are: {}",
                    id.chars().take(64).collect::<String>(),
                    known.join(", ")
                )))
            };
        }
        if let Some(data) = param.strip_prefix("s=") {
            return decode_scenario(data).map(|p| LinkTarget::Scenario(Box::new(p)));
        }
    }
    Err(ScenarioError::Link(
        "the link has neither #preset=… nor #s=… in it".into(),
    ))
}

fn decode_scenario(data: &str) -> Result<Parsed, ScenarioError> {
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| {
            ScenarioError::Link(format!(
                "the scenario data is damaged (not base64url: {e}); was the link cut short?"
            ))
        })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INPUT_BYTES)
        .map_err(|e| {
            let why = match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                    format!("it unpacks to more than {MAX_INPUT_BYTES} bytes")
                }
                _ => "it does not unpack; was the link cut short?".to_string(),
            };
            ScenarioError::Link(format!("the scenario data is damaged: {why}"))
        })?;
    let text = String::from_utf8(json)
        .map_err(|_| ScenarioError::Link("the scenario data is not UTF-8 text".into()))?;
    parse_str(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_round_trips_through_a_link() {
        for p in presets::presets() {
            let s = presets::load(p.id).unwrap().scenario;
            let frag = scenario_fragment(&s);
            assert!(frag.len() < 8000, "{} link is {} bytes", p.id, frag.len());
            match decode_fragment(&format!("#{frag}")).unwrap() {
                LinkTarget::Scenario(parsed) => assert_eq!(parsed.scenario, s, "{}", p.id),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn preset_links_are_short_and_checked() {
        assert_eq!(
            decode_fragment("#preset=topics").unwrap(),
            LinkTarget::Preset("topics".into())
        );
        assert_eq!(preset_fragment("rpc"), "preset=rpc");
        let e = decode_fragment("preset=nope").unwrap_err().to_string();
        assert!(
            e.contains("no preset named \"nope\"") && e.contains("hello-world"),
            "{e}"
        );
    }

    #[test]
    fn damaged_links_give_clear_errors() {
        let s = presets::load("topics").unwrap().scenario;
        let frag = scenario_fragment(&s);
        let cut = &frag[..frag.len() / 2];
        let e = decode_fragment(cut).unwrap_err().to_string();
        assert!(e.contains("cut short"), "{e}");
        let e = decode_fragment("s=!!!").unwrap_err().to_string();
        assert!(e.contains("not base64url"), "{e}");
        let e = decode_fragment("embed").unwrap_err().to_string();
        assert!(e.contains("neither"), "{e}");
        let e = decode_fragment(&"a".repeat(MAX_LINK_BYTES + 1))
            .unwrap_err()
            .to_string();
        assert!(e.contains("limit"), "{e}");
    }

    #[test]
    fn a_small_link_cannot_inflate_without_bound() {
        let bomb = vec![b' '; MAX_INPUT_BYTES + 10];
        let packed = miniz_oxide::deflate::compress_to_vec(&bomb, 9);
        let frag = format!("s={}", URL_SAFE_NO_PAD.encode(packed));
        assert!(frag.len() < MAX_LINK_BYTES);
        let e = decode_fragment(&frag).unwrap_err().to_string();
        assert!(e.contains("unpacks to more than"), "{e}");
    }

    #[test]
    fn valid_json_that_is_not_a_scenario_is_reported_with_its_path() {
        let packed = miniz_oxide::deflate::compress_to_vec(br#"{"warren":1,"seed":-1}"#, 9);
        let frag = format!("s={}", URL_SAFE_NO_PAD.encode(packed));
        let e = decode_fragment(&frag).unwrap_err().to_string();
        assert!(e.starts_with("seed:"), "{e}");
    }
}
