//! The TOML document as a tree of spanned nodes: every key and every value knows where it is in
//! the file, whatever syntax wrote it (`[table]` headers, `[[arrays]]`, inline tables, dotted keys,
//! tables created implicitly by a deeper header such as `[[function.compare.paths]]`).
//!
//! `toml_edit` parses; this module only copies its document into a shape that the reader in
//! `read.rs` can walk without caring how each table was written.

use std::ops::Range;

use toml_edit::{Item, Key, Value};

/// A value with its position in the file.
#[derive(Debug)]
pub(crate) struct Node {
    /// Byte range of the value (of the header for a `[table]`).
    pub span: Range<usize>,
    /// The value.
    pub kind: Kind,
}

/// A TOML value whose arrays and tables hold [`Node`]s.
#[derive(Debug)]
pub(crate) enum Kind {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(toml::value::Datetime),
    Array(Vec<Node>),
    /// Entries in file order.
    Table(Vec<Entry>),
}

/// One `key = value` of a table.
#[derive(Debug)]
pub(crate) struct Entry {
    pub key: String,
    /// Byte range of the key (of its last segment for a dotted key).
    pub key_span: Range<usize>,
    pub value: Node,
}

/// Why the text is not TOML: the parser's message and where it points.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// Parses `text` into the root table.
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let doc = toml_edit::ImDocument::parse(text).map_err(|e| SyntaxError {
        message: e.message().trim_end().to_string(),
        offset: e.span().map_or(0, |s| s.start),
    })?;
    Ok(item(doc.as_item(), 0..0).unwrap_or(Node {
        span: 0..0,
        kind: Kind::Table(Vec::new()),
    }))
}

/// The first known span among a table's entries, for a table that has none of its own (one
/// created implicitly by a deeper header).
fn first_span(entries: &[Entry]) -> Option<Range<usize>> {
    entries.first().map(|e| e.key_span.clone())
}

fn item(item: &Item, fallback: Range<usize>) -> Option<Node> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(value(v, fallback)),
        Item::Table(t) => {
            let entries = entries(t.iter().map(|(k, _)| t.get_key_value(k)), &fallback);
            let span = t
                .span()
                .or_else(|| first_span(&entries))
                .unwrap_or(fallback);
            Some(Node {
                span,
                kind: Kind::Table(entries),
            })
        }
        Item::ArrayOfTables(a) => {
            let span = a.span().unwrap_or(fallback.clone());
            let tables = a
                .iter()
                .map(|t| {
                    let entries = entries(t.iter().map(|(k, _)| t.get_key_value(k)), &span);
                    let span = t
                        .span()
                        .or_else(|| first_span(&entries))
                        .unwrap_or(span.clone());
                    Node {
                        span,
                        kind: Kind::Table(entries),
                    }
                })
                .collect();
            Some(Node {
                span,
                kind: Kind::Array(tables),
            })
        }
    }
}

fn entries<'a>(
    pairs: impl Iterator<Item = Option<(&'a Key, &'a Item)>>,
    fallback: &Range<usize>,
) -> Vec<Entry> {
    pairs
        .flatten()
        .filter_map(|(k, v)| {
            let key_span = k.span().unwrap_or(fallback.clone());
            let value = item(v, key_span.clone())?;
            Some(Entry {
                key: k.get().to_string(),
                key_span,
                value,
            })
        })
        .collect()
}

fn value(v: &Value, fallback: Range<usize>) -> Node {
    let span = v.span().unwrap_or(fallback);
    let kind = match v {
        Value::String(s) => Kind::String(s.value().clone()),
        Value::Integer(i) => Kind::Integer(*i.value()),
        Value::Float(f) => Kind::Float(*f.value()),
        Value::Boolean(b) => Kind::Boolean(*b.value()),
        Value::Datetime(d) => Kind::Datetime(*d.value()),
        Value::Array(a) => Kind::Array(a.iter().map(|v| value(v, span.clone())).collect()),
        Value::InlineTable(t) => Kind::Table(
            t.iter()
                .filter_map(|(k, _)| t.get_key_value(k))
                .filter_map(|(k, v)| {
                    let key_span = k.span().unwrap_or(span.clone());
                    let value = item(v, key_span.clone())?;
                    Some(Entry {
                        key: k.get().to_string(),
                        key_span,
                        value,
                    })
                })
                .collect(),
        ),
    };
    Node { span, kind }
}

impl Node {
    /// The value as a plain `toml::Value` (for keys whose shapes validation interprets).
    pub(crate) fn to_toml(&self) -> toml::Value {
        match &self.kind {
            Kind::String(s) => toml::Value::String(s.clone()),
            Kind::Integer(i) => toml::Value::Integer(*i),
            Kind::Float(f) => toml::Value::Float(*f),
            Kind::Boolean(b) => toml::Value::Boolean(*b),
            Kind::Datetime(d) => toml::Value::Datetime(*d),
            Kind::Array(items) => toml::Value::Array(items.iter().map(Node::to_toml).collect()),
            Kind::Table(entries) => toml::Value::Table(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_toml()))
                    .collect(),
            ),
        }
    }

    /// `a string "abc"`, `an integer 3`, … for messages; long text is shortened.
    pub(crate) fn describe(&self) -> String {
        match &self.kind {
            Kind::String(s) => format!("a string {}", super::super::error::clip_debug(s)),
            Kind::Integer(i) => format!("an integer {i}"),
            Kind::Float(f) => format!("a float {f}"),
            Kind::Boolean(b) => format!("a boolean {b}"),
            Kind::Datetime(d) => format!("a datetime {d}"),
            Kind::Array(_) => "an array".to_string(),
            Kind::Table(_) => "a table".to_string(),
        }
    }
}
