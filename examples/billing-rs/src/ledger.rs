//! The careful port of Go's `billing.Ledger` (`harness-go/billing/ledger.go`): a bounded cache
//! of invoices that evicts the oldest one when an invoice is added to a full ledger.
//!
//! Go's `int` is `i64` here (capacity, `Len`), error texts are Go's, ids are quoted with
//! [`go_fmt::quote`](crate::go_fmt::quote) as `%q` quotes them (Rust's `{:?}` would not), and the
//! total wraps on overflow as Go's `+=` does. Go's `id string` may hold invalid UTF-8; a Rust
//! `String` cannot, so such ids are rejected before they reach the port.

use std::collections::{HashMap, VecDeque};

use crate::go_fmt::quote;

/// A bounded cache of invoices, each an id and an amount in cents (Go's `*billing.Ledger`).
#[derive(Debug, Clone)]
pub struct Ledger {
    capacity: i64,
    /// Ids, oldest first.
    order: VecDeque<String>,
    /// Amount by id, for every id in `order`.
    cents: HashMap<String, i64>,
}

impl Ledger {
    /// Go's `NewLedger`: an empty ledger holding at most `capacity` invoices.
    pub fn new(capacity: i64) -> Result<Ledger, String> {
        if capacity < 1 {
            return Err(format!("capacity must be positive, got {capacity}"));
        }
        Ok(Ledger {
            capacity,
            order: VecDeque::new(),
            cents: HashMap::new(),
        })
    }

    /// Go's `Add`: records invoice `id` for `cents`, first evicting the oldest invoice when
    /// the ledger is full. An empty or present id is an error.
    pub fn add(&mut self, id: String, cents: i64) -> Result<(), String> {
        if id.is_empty() {
            return Err("invoice id must not be empty".into());
        }
        if self.cents.contains_key(&id) {
            return Err(format!("invoice {} already exists", quote(&id)));
        }
        if self.len() == self.capacity {
            self.evict();
        }
        self.order.push_back(id.clone());
        self.cents.insert(id, cents);
        Ok(())
    }

    /// Go's `Get`: the cents of invoice `id`.
    pub fn get(&self, id: String) -> Result<i64, String> {
        self.cents
            .get(&id)
            .copied()
            .ok_or_else(|| format!("no invoice {}", quote(&id)))
    }

    /// Go's `EvictOldest`: removes the oldest invoice and returns its id.
    pub fn evict_oldest(&mut self) -> Result<String, String> {
        if self.order.is_empty() {
            return Err("ledger is empty".into());
        }
        Ok(self.evict())
    }

    /// Removes the oldest invoice of a non-empty ledger and returns its id.
    fn evict(&mut self) -> String {
        let id = self
            .order
            .pop_front()
            .expect("evict is only called on a non-empty ledger");
        self.cents.remove(&id);
        id
    }

    /// Go's `Total`: the sum of the cents present, wrapping around on overflow.
    pub fn total(&self) -> i64 {
        self.cents.values().fold(0, |sum, &c| sum.wrapping_add(c))
    }

    /// Go's `IDs`: the ids present, oldest first.
    pub fn ids(&self) -> Vec<String> {
        self.order.iter().cloned().collect()
    }

    /// Go's `Len`: the number of invoices present.
    #[allow(clippy::len_without_is_empty)] // Go's Ledger has no IsEmpty; the port mirrors its API.
    pub fn len(&self) -> i64 {
        self.order.len() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One call and the outcome Go's `harness-go/billing/ledger_test.go` expects, printed as
    /// that test prints it.
    enum Call {
        Add(&'static str, i64, &'static str),
        Get(&'static str, &'static str),
        EvictOldest(&'static str),
        Total(&'static str),
        Ids(&'static str),
        Len(&'static str),
    }
    use Call::*;

    fn outcome<T: ToString>(r: Result<T, String>) -> String {
        match r {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    /// Runs `calls` on a fresh `Ledger::new(capacity)`, asserting each outcome.
    fn replay(capacity: i64, calls: &[Call]) {
        let mut l = Ledger::new(capacity).expect("a positive capacity");
        for (i, call) in calls.iter().enumerate() {
            let (got, want) = match *call {
                Add(id, c, want) => (outcome(l.add(id.into(), c).map(|()| "ok")), want),
                Get(id, want) => (outcome(l.get(id.into())), want),
                EvictOldest(want) => (outcome(l.evict_oldest().map(|id| quote(&id))), want),
                Total(want) => (l.total().to_string(), want),
                Ids(want) => {
                    let ids: Vec<String> = l.ids().iter().map(|id| quote(id)).collect();
                    (format!("[{}]", ids.join(" ")), want)
                }
                Len(want) => (l.len().to_string(), want),
            };
            assert_eq!(got, want, "step {} of capacity {capacity}", i + 1);
        }
    }

    #[test]
    fn capacities_below_one_are_refused_with_gos_message() {
        for (capacity, want) in [
            (0, "capacity must be positive, got 0"),
            (-1, "capacity must be positive, got -1"),
            (
                i64::MIN,
                "capacity must be positive, got -9223372036854775808",
            ),
        ] {
            assert_eq!(Ledger::new(capacity).unwrap_err(), want);
        }
    }

    #[test]
    fn an_empty_ledger_has_nothing_to_give() {
        replay(
            3,
            &[
                Len("0"),
                Total("0"),
                Ids("[]"),
                EvictOldest("error: ledger is empty"),
                Get("a", r#"error: no invoice "a""#),
            ],
        );
    }

    #[test]
    fn invoices_are_read_and_listed_in_insertion_order() {
        replay(
            3,
            &[
                Add("b", 250, "ok"),
                Add("a", -50, "ok"),
                Get("b", "250"),
                Get("a", "-50"),
                Ids(r#"["b" "a"]"#),
                Len("2"),
                Total("200"),
            ],
        );
    }

    #[test]
    fn empty_and_duplicate_ids_are_refused() {
        replay(
            2,
            &[
                Add("", 1, "error: invoice id must not be empty"),
                Add("a", 1, "ok"),
                Add("a", 2, r#"error: invoice "a" already exists"#),
                Get("a", "1"),
                Len("1"),
            ],
        );
    }

    #[test]
    fn ids_in_errors_are_quoted_as_gos_percent_q_quotes_them() {
        let odd = "\u{0}\u{7}\u{1b}\"\\\u{e9}\u{200b}\u{1F600}\u{E0001}\u{378}";
        let marks = "ǅ ١ ۝ \u{301}";
        replay(
            4,
            &[
                Add(odd, 0, "ok"),
                Add(
                    odd,
                    0,
                    r#"error: invoice "\x00\a\x1b\"\\é\u200b😀\U000e0001\u0378" already exists"#,
                ),
                Get(
                    "\t\n\u{7f}\u{a0}\u{ad}",
                    r#"error: no invoice "\t\n\x7f\u00a0\u00ad""#,
                ),
                Add(marks, 0, "ok"),
                Add(
                    marks,
                    0,
                    "error: invoice \"ǅ ١ \\u06dd \u{301}\" already exists",
                ),
            ],
        );
    }

    #[test]
    fn a_full_ledger_evicts_its_oldest_invoice() {
        replay(
            2,
            &[
                Add("a", 1, "ok"),
                Add("b", 2, "ok"),
                Add("c", 4, "ok"),
                Ids(r#"["b" "c"]"#),
                Get("a", r#"error: no invoice "a""#),
                Total("6"),
                EvictOldest(r#""b""#),
                EvictOldest(r#""c""#),
                EvictOldest("error: ledger is empty"),
                Total("0"),
                Ids("[]"),
            ],
        );
    }

    #[test]
    fn an_id_can_be_added_again_once_it_is_gone() {
        replay(
            1,
            &[
                Add("a", 1, "ok"),
                Add("b", 2, "ok"),
                Add("a", 3, "ok"),
                Get("a", "3"),
                Total("3"),
                EvictOldest(r#""a""#),
                Add("a", 4, "ok"),
            ],
        );
    }

    #[test]
    fn the_total_wraps_around_like_gos_int64() {
        replay(
            3,
            &[
                Add("max", i64::MAX, "ok"),
                Add("one", 1, "ok"),
                Total("-9223372036854775808"),
                Add("min", i64::MIN, "ok"),
                Total("0"),
            ],
        );
    }

    #[test]
    fn the_naive_ports_bug_sequences_agree_with_go_here() {
        // The shortest sequences of bugs A, B (twice) and C of `billing-naive`'s ledger, with
        // Go's outcomes (the "bug" cases of Go's ledgerSequences).
        replay(1, &[Add("a", 5, "ok"), EvictOldest(r#""a""#), Total("0")]);
        replay(
            1,
            &[Add("a", 0, "ok"), EvictOldest(r#""a""#), Add("a", 0, "ok")],
        );
        replay(
            1,
            &[Add("a", 0, "ok"), Add("b", 0, "ok"), Add("a", 0, "ok")],
        );
        replay(
            2,
            &[
                Add("a", 0, "ok"),
                Add("b", 0, "ok"),
                Add("c", 0, "ok"),
                Get("a", r#"error: no invoice "a""#),
                Ids(r#"["b" "c"]"#),
                EvictOldest(r#""b""#),
            ],
        );
    }
}
