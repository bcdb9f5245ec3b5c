//! The careful Rust port of the Go package `harness-go/billing`: money amounts typed by users,
//! splits and discounts, slugs, titles and truncation for invoice lines, tag statistics, e-mail
//! normalization, opaque page cursors, and a bounded [`Ledger`] of invoices (a stateful type).
//!
//! Every function returns exactly what its Go original returns, including error texts, for
//! every input a Rust `&str` can hold. Where Rust's std and Go's standard library disagree (case
//! mapping, letter and digit classes, float formatting, base64 leniency) the port reimplements
//! Go's behaviour in [`go_unicode`], [`go_fmt`] and the cursor module, and says so.
#![warn(missing_docs)]

mod amount;
mod cursor;
pub mod go_fmt;
pub mod go_unicode;
pub mod ledger;
#[cfg(feature = "parity")]
mod registry;
mod text;

pub use amount::{
    apply_discount, format_amount, parse_amount, split_evenly, AmountError, DiscountError, Money,
    SplitError, MAX_PARTS,
};
pub use cursor::{decode_cursor, encode_cursor, Cursor, CursorError};
pub use ledger::Ledger;
#[cfg(feature = "parity")]
pub use registry::{register, registry};
pub use text::{
    normalize_email, slugify, tag_counts, title_case, truncate, EmailError, MAX_SLUG_RUNES,
};
