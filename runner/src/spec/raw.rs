//! The spec file as serde reads it: shaped like the TOML, with spans for error positions. Every
//! table denies unknown keys, so a typo is an error that names the key and lists the valid ones.
//! Keys whose value may take several shapes (`range`, `errors`, `float`, examples) stay
//! `toml::Value` here and are interpreted, with precise messages, by validation.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSpec {
    pub go: Option<Spanned<RawGo>>,
    #[serde(default)]
    pub types: BTreeMap<Spanned<String>, Spanned<RawStruct>>,
    #[serde(default)]
    pub function: Vec<Spanned<RawFunction>>,
    /// `[generate]`: generation features that can be switched off.
    pub generate: Option<RawGenerate>,
    /// Reserved for HTTP endpoints; any content is accepted here and rejected by validation.
    #[serde(default)]
    pub endpoint: Vec<Spanned<toml::Table>>,
}

/// `[go]`: exactly one of `package` and `command`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGo {
    pub package: Option<Spanned<String>>,
    pub command: Option<Spanned<Vec<String>>>,
}

/// `[generate]`: every key switches one generation feature (default on).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGenerate {
    pub correlated: Option<bool>,
    pub mutation: Option<bool>,
    pub dictionary: Option<bool>,
    pub rare_shapes: Option<bool>,
    pub swarm: Option<bool>,
}

/// `[types.Name]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStruct {
    pub fields: Vec<Spanned<RawArg>>,
}

/// A `[[function]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFunction {
    pub name: Spanned<String>,
    pub go: Option<Spanned<String>>,
    pub rust: Option<Spanned<String>>,
    #[serde(default)]
    pub args: Vec<Spanned<RawArg>>,
    pub results: Option<Spanned<Vec<Spanned<String>>>>,
    pub error: Option<Spanned<bool>>,
    pub compare: Option<Spanned<RawCompare>>,
}

/// An argument or a struct field: a name, a type and the hint keys. (The hint keys are repeated
/// from [`RawHints`] because `#[serde(flatten)]` would ruin the error messages.)
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawArg {
    pub name: Spanned<String>,
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    pub range: Option<Spanned<toml::Value>>,
    pub len: Option<Spanned<toml::Value>>,
    pub regex: Option<Spanned<String>>,
    pub charset: Option<Spanned<String>>,
    pub invalid_utf8: Option<Spanned<bool>>,
    pub examples: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    pub items: Option<Spanned<Box<RawHints>>>,
    pub keys: Option<Spanned<Box<RawHints>>>,
    pub values: Option<Spanned<Box<RawHints>>>,
}

impl RawArg {
    /// Splits off the hint keys.
    pub(crate) fn hints(&self) -> RawHints {
        RawHints {
            range: self.range.clone(),
            len: self.len.clone(),
            regex: self.regex.clone(),
            charset: self.charset.clone(),
            invalid_utf8: self.invalid_utf8.clone(),
            examples: self.examples.clone(),
            items: self.items.clone(),
            keys: self.keys.clone(),
            values: self.values.clone(),
        }
    }
}

/// Generation hints: the keys of an `items` / `keys` / `values` table (and of an arg, minus
/// `name` and `type`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHints {
    pub range: Option<Spanned<toml::Value>>,
    pub len: Option<Spanned<toml::Value>>,
    pub regex: Option<Spanned<String>>,
    pub charset: Option<Spanned<String>>,
    pub invalid_utf8: Option<Spanned<bool>>,
    pub examples: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    pub items: Option<Spanned<Box<RawHints>>>,
    pub keys: Option<Spanned<Box<RawHints>>>,
    pub values: Option<Spanned<Box<RawHints>>>,
}

/// `[function.compare]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCompare {
    pub errors: Option<Spanned<toml::Value>>,
    pub float: Option<Spanned<toml::Value>>,
    pub unordered: Option<bool>,
    pub nil_equals_empty: Option<bool>,
    pub nan_payload: Option<bool>,
    #[serde(default)]
    pub paths: Vec<Spanned<RawPath>>,
}

/// `[[function.compare.paths]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPath {
    pub path: Spanned<String>,
    pub float: Option<Spanned<toml::Value>>,
    pub unordered: Option<bool>,
    pub ignore: Option<bool>,
    pub nil_equals_empty: Option<bool>,
    pub nan_payload: Option<bool>,
}

/// Parses the TOML into a [`RawSpec`]; on failure, the parser's message, the key path and the
/// byte offset it points at.
pub(crate) fn parse(text: &str) -> Result<RawSpec, RawError> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e
            .path()
            .to_string()
            .replace(".$__serde_spanned_private_value", "")
            .replace("$__serde_spanned_private_value", "");
        let inner = e.into_inner();
        RawError {
            path: if path == "." || path.is_empty() {
                None
            } else {
                Some(path)
            },
            message: inner.message().trim_end().to_string(),
            offset: inner.span().map_or(0, |s| s.start),
        }
    })
}

/// Why the TOML did not parse into a [`RawSpec`].
#[derive(Debug)]
pub(crate) struct RawError {
    /// Where in the document, like `function[0].args[1]`.
    pub path: Option<String>,
    /// The parser's message.
    pub message: String,
    /// Byte offset of the problem.
    pub offset: usize,
}
