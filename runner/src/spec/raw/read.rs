//! Reading the spanned tree into the raw structs, collecting every problem instead of stopping
//! at the first: unknown keys (with the closest known key, or the list of known keys), values of
//! the wrong TOML type and missing required keys, each at its own position.
//!
//! A table's known keys are exactly the keys its reader asks for, so a new key is known (and
//! suggested for typos) by the one line that reads it.

use std::collections::BTreeMap;

use toml::Spanned;

use super::tree::{Kind, Node};
use crate::spec::error::{clip, closest, Diags};

/// A value that can be read from a [`Node`].
pub(crate) trait Read: Sized {
    /// What the value is, with an article, for messages: `a string`, `an array of strings`.
    fn expected() -> String;
    /// How such a value is written, for hints: `"…"`, `true`, `["…"]`.
    fn sample() -> String;
    /// How to write `key` with such a value.
    fn hint(key: &str) -> String {
        format!("write `{key} = {}`", Self::sample())
    }
    /// Reads the value, reporting what is wrong to `d`; `None` when it cannot be used.
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self>;
}

/// Reports a value of the wrong TOML type at the value.
fn wrong_type<T: Read>(node: &Node, path: &str, d: &mut Diags) {
    let key = last_key(path);
    d.at(
        node.span.start,
        format!(
            "`{path}` must be {}, found {}",
            T::expected(),
            node.describe()
        ),
        Some(T::hint(key)),
    );
}

/// A key path as a table header names it: `function[0].compare` → `function.compare`.
fn header(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The last key of a path like `function[0].args[1].name`: `name`.
fn last_key(path: &str) -> &str {
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail)
}

impl Read for String {
    fn expected() -> String {
        "a string".into()
    }
    fn sample() -> String {
        "\"…\"".into()
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        match &node.kind {
            Kind::String(s) => Some(s.clone()),
            _ => {
                wrong_type::<Self>(node, path, d);
                None
            }
        }
    }
}

impl Read for bool {
    fn expected() -> String {
        "a boolean".into()
    }
    fn sample() -> String {
        "true".into()
    }
    fn hint(key: &str) -> String {
        format!("write `{key} = true` or `{key} = false`, without quotes")
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        match &node.kind {
            Kind::Boolean(b) => Some(*b),
            _ => {
                wrong_type::<Self>(node, path, d);
                None
            }
        }
    }
}

impl Read for i64 {
    fn expected() -> String {
        "an integer".into()
    }
    fn sample() -> String {
        "8".into()
    }
    fn hint(key: &str) -> String {
        format!("write a whole number, like `{key} = 8`, without quotes")
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        match &node.kind {
            Kind::Integer(n) => Some(*n),
            _ => {
                wrong_type::<Self>(node, path, d);
                None
            }
        }
    }
}

/// Any value: its shape is interpreted (with precise messages) by validation.
impl Read for toml::Value {
    fn expected() -> String {
        "a value".into()
    }
    fn sample() -> String {
        "…".into()
    }
    fn read(node: &Node, _path: &str, _d: &mut Diags) -> Option<Self> {
        Some(node.to_toml())
    }
}

/// Any table (reserved sections whose content is not read yet).
impl Read for toml::Table {
    fn expected() -> String {
        "a table".into()
    }
    fn sample() -> String {
        "{ … }".into()
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        match node.to_toml() {
            toml::Value::Table(t) => Some(t),
            _ => {
                wrong_type::<Self>(node, path, d);
                None
            }
        }
    }
}

impl<T: Read> Read for Spanned<T> {
    fn expected() -> String {
        T::expected()
    }
    fn sample() -> String {
        T::sample()
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        T::read(node, path, d).map(|v| Spanned::new(node.span.clone(), v))
    }
}

impl<T: Read> Read for Box<T> {
    fn expected() -> String {
        T::expected()
    }
    fn sample() -> String {
        T::sample()
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        T::read(node, path, d).map(Box::new)
    }
}

/// An array; elements that cannot be read are reported and left out.
impl<T: Read> Read for Vec<T> {
    fn expected() -> String {
        let item = T::expected();
        let noun = item
            .strip_prefix("an ")
            .or_else(|| item.strip_prefix("a "))
            .unwrap_or(&item);
        format!("an array of {noun}s")
    }
    fn sample() -> String {
        format!("[{}]", T::sample())
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        match &node.kind {
            Kind::Array(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| T::read(n, &format!("{path}[{i}]"), d))
                    .collect(),
            ),
            _ if T::sample() == "{ … }" => {
                d.at(
                    node.span.start,
                    format!(
                        "`{path}` must be an array of tables, found {}",
                        node.describe()
                    ),
                    Some(format!(
                        "write each one as a `[[{}]]` table (two brackets), or `{} = [{{ … }}]`",
                        header(path),
                        last_key(path)
                    )),
                );
                None
            }
            _ => {
                wrong_type::<Self>(node, path, d);
                None
            }
        }
    }
}

/// A table of named tables, like `[types.Money]`.
impl<T: Read> Read for BTreeMap<Spanned<String>, T> {
    fn expected() -> String {
        "a table".into()
    }
    fn sample() -> String {
        "{ … }".into()
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        match &node.kind {
            Kind::Table(entries) => Some(
                entries
                    .iter()
                    .filter_map(|e| {
                        let value = T::read(&e.value, &format!("{path}.{}", e.key), d)?;
                        Some((Spanned::new(e.key_span.clone(), e.key.clone()), value))
                    })
                    .collect(),
            ),
            _ => {
                wrong_type::<Self>(node, path, d);
                None
            }
        }
    }
}

/// The keys of one table, read one by one; [`Table::finish`] reports the keys nobody read.
pub(crate) struct Table<'n, 'd, 't> {
    node: &'n Node,
    /// The table's key path, like `function[0].args[1]` (empty at the top level).
    path: String,
    /// How the table is named in hints, like `a [[function]] table`.
    label: &'static str,
    known: Vec<&'static str>,
    /// A required key is missing or unreadable: the table cannot be used.
    broken: bool,
    pub(crate) d: &'d mut Diags<'t>,
}

impl<'n, 'd, 't> Table<'n, 'd, 't> {
    /// Starts reading `node` as a table; reports and returns `None` if it is not one.
    pub(crate) fn new(
        node: &'n Node,
        path: &str,
        label: &'static str,
        d: &'d mut Diags<'t>,
    ) -> Option<Self> {
        if !matches!(node.kind, Kind::Table(_)) {
            let key = last_key(path);
            let hint = if path.ends_with(']') {
                format!("each element of `{key}` is an inline table, like `{{ name = \"…\", … }}`")
            } else if header(path).matches('.').count() <= 1 {
                format!("write `{key} = {{ … }}` or one [{}] table", header(path))
            } else {
                format!("write `{key} = {{ … }}`, an inline table")
            };
            d.at(
                node.span.start,
                format!("`{path}` must be a table, found {}", node.describe()),
                Some(hint),
            );
            return None;
        }
        Some(Table {
            node,
            path: path.to_string(),
            label,
            known: Vec::new(),
            broken: false,
            d,
        })
    }

    fn get(&mut self, key: &'static str) -> Option<&'n Node> {
        if !self.known.contains(&key) {
            self.known.push(key);
        }
        match &self.node.kind {
            Kind::Table(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// The path of a key of this table.
    pub(crate) fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// An optional key.
    pub(crate) fn optional<T: Read>(&mut self, key: &'static str) -> Option<T> {
        let node = self.get(key)?;
        T::read(node, &self.key_path(key), self.d)
    }

    /// An optional key without which, when it is given but cannot be read, the table is left
    /// out (rather than read as if the key were absent, which would report a second, false error).
    pub(crate) fn essential<T: Read>(&mut self, key: &'static str) -> Option<T> {
        let node = self.get(key)?;
        let value = T::read(node, &self.key_path(key), self.d);
        self.broken |= value.is_none();
        value
    }

    /// An optional key that defaults to empty (an array or a map).
    pub(crate) fn or_default<T: Read + Default>(&mut self, key: &'static str) -> T {
        self.optional(key).unwrap_or_default()
    }

    /// Whether the table has an unknown key (so far) that looks like a misspelt `key`, so that a
    /// missing `key` is not reported as a second error.
    pub(crate) fn misspelt(&self, key: &str) -> bool {
        match &self.node.kind {
            Kind::Table(entries) => entries.iter().any(|e| {
                !self.known.contains(&e.key.as_str())
                    && closest(&e.key, self.known.iter().copied()) == Some(key)
            }),
            _ => false,
        }
    }

    /// Whether the table has `key` (read or not).
    pub(crate) fn has(&mut self, key: &'static str) -> bool {
        self.get(key).is_some()
    }

    /// A required key: reported when missing, and the table is then left out.
    pub(crate) fn required<T: Read>(&mut self, key: &'static str) -> Option<T> {
        let Some(node) = self.get(key) else {
            let what = if self.path.is_empty() {
                "the spec".to_string()
            } else {
                format!("`{}`", self.path)
            };
            self.d.at(
                self.node.span.start,
                format!("{what} has no `{key}`"),
                Some(format!(
                    "add `{key} = {}`: {} needs one",
                    T::sample(),
                    self.label
                )),
            );
            self.broken = true;
            return None;
        };
        let value = T::read(node, &self.key_path(key), self.d);
        self.broken |= value.is_none();
        value
    }

    /// Reports every key that was not read, suggesting the closest known key; `value` is kept
    /// only when no required key was missing.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Option<T> {
        let Kind::Table(entries) = &self.node.kind else {
            return None;
        };
        for e in entries {
            if self.known.contains(&e.key.as_str()) {
                continue;
            }
            let keys = self
                .known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let hint = match closest(&e.key, self.known.iter().copied()) {
                Some(c) => format!("did you mean `{c}`? the keys of {} are {keys}", self.label),
                None => format!("the keys of {} are {keys}", self.label),
            };
            let place = if self.path.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in `{}`", self.path)
            };
            self.d.at(
                e.key_span.start,
                format!("unknown key `{}` {place}", clip(&e.key, 60)),
                Some(hint),
            );
        }
        if self.broken {
            None
        } else {
            value
        }
    }
}

/// Implements [`Read`] for a raw struct read from a table by `$fields(&mut Table) -> Option<Self>`.
macro_rules! read_table {
    ($ty:ty, $label:literal, $fields:expr) => {
        impl $crate::spec::raw::read::Read for $ty {
            fn expected() -> String {
                "a table".into()
            }
            fn sample() -> String {
                "{ … }".into()
            }
            fn read(
                node: &$crate::spec::raw::tree::Node,
                path: &str,
                d: &mut $crate::spec::error::Diags,
            ) -> Option<Self> {
                let mut t = $crate::spec::raw::read::Table::new(node, path, $label, d)?;
                let value = $fields(&mut t);
                t.finish(value)
            }
        }
    };
}
pub(crate) use read_table;
