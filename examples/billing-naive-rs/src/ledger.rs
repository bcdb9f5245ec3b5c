//! A naive port of Go's `billing.Ledger` (`harness-go/billing/ledger.go`), a bounded cache of
//! invoices, with three state bugs of the kind a first pass leaves in a stateful type. Each one
//! shows only after several calls in a particular order; the shortest sequences are:
//!
//! - **A, a stale running total.** The port keeps the total in a field instead of summing.
//!   `add` and its automatic eviction keep it right, `evict_oldest` forgets to subtract:
//!   `NewLedger(1); Add("a", 5); EvictOldest(); Total()` is 0 in Go and 5 here.
//! - **B, evicted ids stay taken.** Duplicates are refused by a set of every id ever added,
//!   never emptied: `NewLedger(1); Add("a", 0); EvictOldest(); Add("a", 0)` is accepted by Go
//!   and refused here with `invoice "a" already exists` (so is `NewLedger(1); Add("a", 0);
//!   Add("b", 0); Add("a", 0)`, after an automatic eviction).
//! - **C, a full ledger evicts its newest invoice.** `order.pop()` instead of `order.remove(0)`;
//!   with capacity 1 the two are the same invoice, so it needs capacity 2 and one more call to
//!   look: `NewLedger(2); Add("a", 0); Add("b", 0); Add("c", 0); Get("a")` is `no invoice "a"`
//!   in Go and 0 here (`IDs()` is `["b" "c"]` against `["a" "c"]`, `EvictOldest()` "b" against
//!   "a"). With all cents 0 the total does not change.
//!
//! Everything else is Go's: error texts with ids quoted as `%q` quotes them (borrowed from the
//! careful crate, so that quoting is not a fourth divergence), wrapping totals, insertion order.

use std::collections::{HashMap, HashSet};

use billing::go_fmt::quote;

/// A bounded cache of invoices, each an id and an amount in cents (Go's `*billing.Ledger`).
#[derive(Debug, Clone)]
pub struct Ledger {
    capacity: i64,
    /// Ids, oldest first.
    order: Vec<String>,
    /// Amount by id, for every id in `order`.
    cents: HashMap<String, i64>,
    // MISTAKE (B): every id ever added; eviction never removes one.
    seen: HashSet<String>,
    // MISTAKE (A): a running total, which `evict_oldest` does not keep up to date.
    total: i64,
}

impl Ledger {
    /// Go's `NewLedger`: an empty ledger holding at most `capacity` invoices.
    pub fn new(capacity: i64) -> Result<Ledger, String> {
        if capacity < 1 {
            return Err(format!("capacity must be positive, got {capacity}"));
        }
        Ok(Ledger {
            capacity,
            order: Vec::new(),
            cents: HashMap::new(),
            seen: HashSet::new(),
            total: 0,
        })
    }

    /// Go's `Add`: records invoice `id` for `cents`, evicting one when the ledger is full.
    pub fn add(&mut self, id: String, cents: i64) -> Result<(), String> {
        if id.is_empty() {
            return Err("invoice id must not be empty".into());
        }
        // MISTAKE (B): asks whether the id was ever added, not whether it is present.
        if self.seen.contains(&id) {
            return Err(format!("invoice {} already exists", quote(&id)));
        }
        if self.order.len() as i64 == self.capacity {
            // MISTAKE (C): `pop` takes the newest invoice; Go evicts the oldest.
            if let Some(evicted) = self.order.pop() {
                let c = self.cents.remove(&evicted).unwrap_or_default();
                self.total = self.total.wrapping_sub(c);
            }
        }
        self.order.push(id.clone());
        self.cents.insert(id.clone(), cents);
        self.seen.insert(id);
        self.total = self.total.wrapping_add(cents);
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
        let id = self.order.remove(0);
        self.cents.remove(&id);
        // MISTAKE (A): the evicted cents stay in `self.total`.
        Ok(id)
    }

    /// Go's `Total`: the sum of the cents present, wrapping around on overflow.
    pub fn total(&self) -> i64 {
        self.total
    }

    /// Go's `IDs`: the ids present, oldest first.
    pub fn ids(&self) -> Vec<String> {
        self.order.clone()
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

    // Expected outcomes are Go's, from `harness-go/billing/ledger_test.go` (ledgerSequences),
    // printed as that test prints them. Each bug test asserts that the naive port agrees with
    // Go on every step of the shortest sequence but the last, and what it answers there.

    /// One call and the outcome Go gives for it.
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

    /// Runs `calls` on a fresh `Ledger::new(capacity)` and returns the naive port's outcome of
    /// each, for the caller to compare with Go's.
    fn replay(capacity: i64, calls: &[Call]) -> Vec<String> {
        let mut l = Ledger::new(capacity).expect("a positive capacity");
        calls
            .iter()
            .map(|call| match *call {
                Add(id, c, _) => outcome(l.add(id.into(), c).map(|()| "ok")),
                Get(id, _) => outcome(l.get(id.into())),
                EvictOldest(_) => outcome(l.evict_oldest().map(|id| quote(&id))),
                Total(_) => l.total().to_string(),
                Ids(_) => {
                    let ids: Vec<String> = l.ids().iter().map(|id| quote(id)).collect();
                    format!("[{}]", ids.join(" "))
                }
                Len(_) => l.len().to_string(),
            })
            .collect()
    }

    fn go(calls: &[Call]) -> Vec<&'static str> {
        calls
            .iter()
            .map(|call| match *call {
                Add(_, _, w) | Get(_, w) | EvictOldest(w) | Total(w) | Ids(w) | Len(w) => w,
            })
            .collect()
    }

    /// Asserts that the naive port answers as Go on every call.
    fn agrees(capacity: i64, calls: &[Call]) {
        assert_eq!(replay(capacity, calls), go(calls), "capacity {capacity}");
    }

    /// Asserts that the naive port agrees with Go up to the last call and answers `naive` there.
    fn diverges_at_the_last_call(capacity: i64, calls: &[Call], naive: &str) {
        let got = replay(capacity, calls);
        let want = go(calls);
        let last = calls.len() - 1;
        assert_eq!(got[..last], want[..last], "the calls before the last");
        assert_ne!(want[last], naive, "the bug must show at the last call");
        assert_eq!(got[last], naive, "the naive answer at the last call");
    }

    #[test]
    fn bug_a_evict_oldest_leaves_its_cents_in_the_total() {
        diverges_at_the_last_call(
            1,
            &[Add("a", 5, "ok"), EvictOldest(r#""a""#), Total("0")],
            "5",
        );
    }

    #[test]
    fn bug_a_does_not_show_through_automatic_eviction() {
        agrees(
            1,
            &[Add("a", 5, "ok"), Add("b", 7, "ok"), Total("7"), Len("1")],
        );
    }

    #[test]
    fn bug_b_an_id_evicted_by_evict_oldest_cannot_be_added_again() {
        diverges_at_the_last_call(
            1,
            &[Add("a", 0, "ok"), EvictOldest(r#""a""#), Add("a", 0, "ok")],
            r#"error: invoice "a" already exists"#,
        );
    }

    #[test]
    fn bug_b_an_id_evicted_automatically_cannot_be_added_again() {
        diverges_at_the_last_call(
            1,
            &[Add("a", 0, "ok"), Add("b", 0, "ok"), Add("a", 0, "ok")],
            r#"error: invoice "a" already exists"#,
        );
    }

    #[test]
    fn bug_c_a_full_ledger_evicts_its_newest_invoice() {
        let fill = || [Add("a", 0, "ok"), Add("b", 0, "ok"), Add("c", 0, "ok")];
        for (look, naive) in [
            (Get("a", r#"error: no invoice "a""#), "0"),
            (Ids(r#"["b" "c"]"#), r#"["a" "c"]"#),
            (EvictOldest(r#""b""#), r#""a""#),
        ] {
            let mut calls: Vec<Call> = fill().into();
            calls.push(look);
            diverges_at_the_last_call(2, &calls, naive);
        }
    }

    #[test]
    fn bug_c_needs_a_capacity_of_two_and_does_not_move_a_zero_total() {
        agrees(1, &[Add("a", 0, "ok"), Add("b", 0, "ok"), Ids(r#"["b"]"#)]);
        agrees(
            2,
            &[
                Add("a", 0, "ok"),
                Add("b", 0, "ok"),
                Add("c", 0, "ok"),
                Total("0"),
                Len("2"),
            ],
        );
    }

    #[test]
    fn everything_else_is_gos() {
        assert_eq!(
            Ledger::new(0).unwrap_err(),
            "capacity must be positive, got 0"
        );
        agrees(
            3,
            &[
                Len("0"),
                Total("0"),
                Ids("[]"),
                EvictOldest("error: ledger is empty"),
                Get("a", r#"error: no invoice "a""#),
            ],
        );
        agrees(
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
        agrees(
            2,
            &[
                Add("", 1, "error: invoice id must not be empty"),
                Add("a", 1, "ok"),
                Add("a", 2, r#"error: invoice "a" already exists"#),
                Get("a", "1"),
                Len("1"),
            ],
        );
        agrees(
            3,
            &[
                Add("max", i64::MAX, "ok"),
                Add("one", 1, "ok"),
                Total("-9223372036854775808"),
                Add("min", i64::MIN, "ok"),
                Total("0"),
            ],
        );
        let odd = "\u{0}\u{7}\u{1b}\"\\\u{e9}\u{200b}\u{1F600}\u{E0001}\u{378}";
        let marks = "ǅ ١ ۝ \u{301}";
        agrees(
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
}
