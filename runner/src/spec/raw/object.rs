//! The `[[object]]` tables as read: an object's constructor keys, sequence settings and its
//! `[[object.method]]` tables, each a `[[function]]` table plus `after` and `not_after`.

use toml::Spanned;

use super::read::{read_table, Table};
use super::{RawArg, RawFunction};

/// An `[[object]]` table.
#[derive(Debug)]
pub(crate) struct RawObject {
    pub name: Spanned<String>,
    pub go: Option<Spanned<String>>,
    pub rust: Option<Spanned<String>>,
    /// The constructor's arguments.
    pub args: Vec<Spanned<RawArg>>,
    /// Whether the constructor returns an error.
    pub error: Option<Spanned<bool>>,
    pub steps: Option<Spanned<i64>>,
    pub sequences: Option<Spanned<i64>>,
    pub method: Vec<Spanned<RawMethod>>,
}

fn object(t: &mut Table) -> Option<RawObject> {
    let name = t.required("name");
    let o = RawObject {
        name: Spanned::new(0..0, String::new()),
        go: t.optional("go"),
        rust: t.optional("rust"),
        args: t.or_default("args"),
        error: t.optional("error"),
        steps: t.optional("steps"),
        sequences: t.optional("sequences"),
        method: t.or_default("method"),
    };
    Some(RawObject { name: name?, ..o })
}
read_table!(RawObject, "an [[object]] table", object);

/// An `[[object.method]]` table.
#[derive(Debug)]
pub(crate) struct RawMethod {
    /// The keys it shares with `[[function]]`.
    pub function: RawFunction,
    pub after: Option<Spanned<Vec<Spanned<String>>>>,
    pub not_after: Option<Spanned<Vec<Spanned<String>>>>,
}

fn method(t: &mut Table) -> Option<RawMethod> {
    let after = t.optional("after");
    let not_after = t.optional("not_after");
    let function = super::function(t)?;
    Some(RawMethod {
        function,
        after,
        not_after,
    })
}
read_table!(RawMethod, "an [[object.method]] table", method);
