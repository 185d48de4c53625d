//! Fuzzing the untrusted-input parsers: scenario JSON, share links and definitions.json must
//! never panic, whatever the bytes.

use proptest::prelude::*;
use warren::scenario::definitions::import_definitions;
use warren::scenario::link::decode_fragment;
use warren::scenario::{parse_str, presets};

/// JSON-ish text: mostly structure characters and keys the parsers look for, so that the
/// fuzzer gets past the JSON syntax check often.
fn jsonish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "null",
        "true",
        "1",
        "-1",
        "0",
        "1e999",
        "2.5",
        "\"warren\"",
        "\"topology\"",
        "\"queues\"",
        "\"exchanges\"",
        "\"bindings\"",
        "\"name\"",
        "\"producers\"",
        "\"consumers\"",
        "\"rate\"",
        "\"kind\"",
        "\"every\"",
        "\"layout\"",
        "\"vhost\"",
        "\"policies\"",
        "\"pattern\"",
        "\"arguments\"",
        "\"x-overflow\"",
        "\"a\"",
        "\"queue:a\"",
        "\"source\"",
        "\"destination\"",
        "\"(\"",
        "\".*\"",
        "18446744073709551616",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

/// A valid preset with one field replaced by an arbitrary JSON value.
fn mutated_preset() -> impl Strategy<Value = String> {
    let ids: Vec<&'static str> = presets::presets().iter().map(|p| p.id).collect();
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        ".{0,20}".prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z_-]{0,8}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    (
        prop::sample::select(ids),
        any::<prop::sample::Index>(),
        value,
    )
        .prop_map(|(id, at, v)| {
            let mut doc: serde_json::Value =
                serde_json::from_str(presets::preset(id).unwrap()).unwrap();
            // Collect the paths of all values, then replace one.
            let mut paths: Vec<Vec<String>> = Vec::new();
            fn walk(v: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
                out.push(path.clone());
                match v {
                    serde_json::Value::Object(m) => {
                        for (k, x) in m {
                            path.push(k.clone());
                            walk(x, path, out);
                            path.pop();
                        }
                    }
                    serde_json::Value::Array(a) => {
                        for (i, x) in a.iter().enumerate() {
                            path.push(i.to_string());
                            walk(x, path, out);
                            path.pop();
                        }
                    }
                    _ => {}
                }
            }
            walk(&doc, &mut Vec::new(), &mut paths);
            let path = at.get(&paths).clone();
            let pointer: String = path
                .iter()
                .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
                .collect();
            if let Some(slot) = doc.pointer_mut(&pointer) {
                *slot = v;
            }
            doc.to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn scenario_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_str(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn scenario_parser_never_panics_on_jsonish(text in jsonish()) {
        let _ = parse_str(&text);
        let _ = parse_str(&format!("{{\"warren\":1,\"topology\":{text}}}"));
    }

    #[test]
    fn mutated_presets_parse_or_fail_cleanly(text in mutated_preset()) {
        match parse_str(&text) {
            // Whatever is accepted must survive a save and reload unchanged.
            Ok(p) => {
                let again = parse_str(&p.scenario.to_json()).map(|x| x.scenario);
                prop_assert_eq!(again, Ok(p.scenario));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn link_decoder_never_panics(text in ".{0,300}") {
        let _ = decode_fragment(&text);
        let _ = decode_fragment(&format!("s={text}"));
        let _ = decode_fragment(&format!("#preset={text}"));
    }

    #[test]
    fn link_decoder_never_panics_on_deflated_garbage(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        use base64::Engine;
        let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
        let _ = decode_fragment(&format!("s={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&packed)));
        let _ = decode_fragment(&format!("s={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes)));
    }

    #[test]
    fn definitions_importer_never_panics(text in jsonish(), vhost in prop::option::of("[a-z/]{0,3}")) {
        let _ = import_definitions(&text, vhost.as_deref());
        let _ = import_definitions(&format!("{{\"queues\":[{text}],\"policies\":[{{\"pattern\":{text}}}]}}"), vhost.as_deref());
    }

    #[test]
    fn definitions_importer_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = import_definitions(&String::from_utf8_lossy(&bytes), None);
    }
}
