//! [`Doc`]: the JSON report's document tree, which can carry raw JSON texts (the corpus's value
//! encoding) beside ordinary `serde_json` values.

use std::collections::BTreeMap;

/// A JSON document that can hold raw JSON texts (the corpus's value encoding, whose `\udcXX`
/// escapes `serde_json::Value` cannot hold) beside ordinary values. Objects keep their keys
/// sorted, as `serde_json::Value` does.
#[derive(Debug)]
pub enum Doc {
    /// An ordinary value.
    Value(serde_json::Value),
    /// A JSON text written verbatim.
    Raw(Box<serde_json::value::RawValue>),
    /// An object.
    Object(BTreeMap<String, Doc>),
    /// An array.
    Array(Vec<Doc>),
}

impl serde::Serialize for Doc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Doc::Value(v) => v.serialize(s),
            Doc::Raw(r) => r.serialize(s),
            Doc::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Doc::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::compare::Divergence;
    use crate::outcome::Class;
    use crate::report::*;

    #[test]
    fn json_findings_carry_each_input_as_its_corpus_encoding_verbatim() {
        let f = Finding {
            function: "F".into(),
            kind: FindingKind::Divergence,
            origin: Origin::Generated,
            input: vec![("s".into(), "\"a\\xff…\"".into())],
            typed_input: vec![
                TypedArg {
                    name: "s".into(),
                    ty: "string".into(),
                    json: "\"a\\udcff\"".into(),
                    text: "\"a\\xff\"".into(),
                },
                TypedArg {
                    name: "x".into(),
                    ty: "f64".into(),
                    json: "\"0x7ff8000000000001\"".into(),
                    text: "NaN(0x7ff8000000000001)".into(),
                },
            ],
            spec_line: Some(3),
            go_call: "F(\"a\\xff\")".into(),
            rust_call: "f(b\"a\\xff\")".into(),
            go: "ok 1".into(),
            rust: "ok 2".into(),
            divergence: Divergence {
                go_class: Class::Ok,
                rust_class: Class::Ok,
                path: "/0".into(),
                rule: "exact".into(),
                shape: String::new(),
                go: None,
                rust: None,
            },
            shrink: None,
            corpus_file: None,
            review: None,
            bug: None,
            sequence: None,
        };
        let text = serde_json::to_string(&finding_json(&f)).unwrap();
        assert!(
            text.contains(
                r#""input":[{"name":"s","text":"\"a\\xff\"","type":"string","value":"a\udcff"},"#
            ),
            "{text}"
        );
        assert!(text.contains(r#""value":"0x7ff8000000000001""#), "{text}");
        assert!(text.contains(r#""spec_line":3"#), "{text}");
    }
}
