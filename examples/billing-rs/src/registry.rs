//! Registration with the parity runner: every function under its snake_case name, adapting
//! owned wire arguments to the port's borrowing signatures.

use parity::Registry;

use crate::{
    apply_discount, decode_cursor, encode_cursor, format_amount, normalize_email, parse_amount,
    slugify, split_evenly, tag_counts, title_case, truncate, Cursor, Ledger, Money,
};

parity::wire_struct!(Money { units, currency });
parity::wire_struct!(Cursor {
    id,
    created_at,
    desc
});

/// Adds the port's functions to `r`, named as `rust = "…"` in `specs/example.toml`.
pub fn register(r: Registry) -> Registry {
    r.function("parse_amount", |s: String| parse_amount(&s))
        .function("format_amount", |cents: i64, currency: String| {
            format_amount(cents, &currency)
        })
        .function("split_evenly", split_evenly)
        .function("apply_discount", |m: Money, percent: f64| {
            apply_discount(&m, percent)
        })
        .function("slugify", |s: String| slugify(&s))
        .function("truncate", |s: String, max: i64| truncate(&s, max))
        .function("title_case", |s: String| title_case(&s))
        .function("tag_counts", |tags: Vec<String>| tag_counts(&tags))
        .function("normalize_email", |s: String| normalize_email(&s))
        .function("encode_cursor", |c: Option<Cursor>| {
            encode_cursor(c.as_ref())
        })
        .function("decode_cursor", |s: String| decode_cursor(&s))
        .try_object("Ledger", Ledger::new)
        .method("Ledger", "Add", |l: &mut Ledger, id: String, cents: i64| {
            l.add(id, cents)
        })
        .method("Ledger", "Get", |l: &mut Ledger, id: String| l.get(id))
        .method("Ledger", "EvictOldest", |l: &mut Ledger| l.evict_oldest())
        .method("Ledger", "Total", |l: &mut Ledger| l.total())
        .method("Ledger", "IDs", |l: &mut Ledger| l.ids())
        .method("Ledger", "Len", |l: &mut Ledger| l.len())
}

/// A registry holding just this port.
pub fn registry() -> Registry {
    register(Registry::new())
}
