package billing

import (
	"fmt"
	"math"
	"testing"
)

// call is one method call on a Ledger and its outcome, printed the way the Rust ports' tests
// print theirs, so that both can share these expected values.
type call struct {
	method string // Add, Get, EvictOldest, Total, IDs or Len
	id     string
	cents  int64
	want   string
}

func (c call) String() string {
	switch c.method {
	case "Add":
		return fmt.Sprintf("Add(%q, %d)", c.id, c.cents)
	case "Get":
		return fmt.Sprintf("Get(%q)", c.id)
	}
	return c.method + "()"
}

// do runs c on l and prints its outcome: "ok" or a value, or "error: " and the message.
func do(l *Ledger, c call) string {
	outcome := func(v any, err error) string {
		if err != nil {
			return "error: " + err.Error()
		}
		return fmt.Sprintf("%v", v)
	}
	switch c.method {
	case "Add":
		return outcome("ok", l.Add(c.id, c.cents))
	case "Get":
		return outcome(l.Get(c.id))
	case "EvictOldest":
		id, err := l.EvictOldest()
		return outcome(fmt.Sprintf("%q", id), err)
	case "Total":
		return outcome(l.Total(), nil)
	case "IDs":
		return outcome(fmt.Sprintf("%q", l.IDs()), nil)
	case "Len":
		return outcome(l.Len(), nil)
	}
	panic("unknown method " + c.method)
}

func TestNewLedgerRejectsCapacitiesBelowOne(t *testing.T) {
	tests := []struct {
		capacity int
		want     string
	}{
		{0, "capacity must be positive, got 0"},
		{-1, "capacity must be positive, got -1"},
		{math.MinInt64, "capacity must be positive, got -9223372036854775808"},
	}
	for _, tt := range tests {
		l, err := NewLedger(tt.capacity)
		if err == nil || err.Error() != tt.want || l != nil {
			t.Errorf("NewLedger(%d) = %v, %v; want nil, %q", tt.capacity, l, err, tt.want)
		}
	}
}

// ledgerSequences are the sequences the Rust ports' tests replay with the same expected
// outcomes; the "bug" ones are the shortest that show the naive port's planted bugs.
var ledgerSequences = []struct {
	name     string
	capacity int
	calls    []call
}{
	{"an empty ledger", 3, []call{
		{method: "Len", want: "0"},
		{method: "Total", want: "0"},
		{method: "IDs", want: "[]"},
		{method: "EvictOldest", want: "error: ledger is empty"},
		{method: "Get", id: "a", want: `error: no invoice "a"`},
	}},
	{"adds, reads and lists in insertion order", 3, []call{
		{method: "Add", id: "b", cents: 250, want: "ok"},
		{method: "Add", id: "a", cents: -50, want: "ok"},
		{method: "Get", id: "b", want: "250"},
		{method: "Get", id: "a", want: "-50"},
		{method: "IDs", want: `["b" "a"]`},
		{method: "Len", want: "2"},
		{method: "Total", want: "200"},
	}},
	{"refuses empty and duplicate ids", 2, []call{
		{method: "Add", id: "", cents: 1, want: "error: invoice id must not be empty"},
		{method: "Add", id: "a", cents: 1, want: "ok"},
		{method: "Add", id: "a", cents: 2, want: `error: invoice "a" already exists`},
		{method: "Get", id: "a", want: "1"},
		{method: "Len", want: "1"},
	}},
	{"quotes ids as %q does", 4, []call{
		{method: "Add", id: "\x00\a\x1b\"\\\u00e9\u200b\U0001F600\U000E0001\u0378", want: "ok"},
		{method: "Add", id: "\x00\a\x1b\"\\\u00e9\u200b\U0001F600\U000E0001\u0378", want: `error: invoice "\x00\a\x1b\"\\é\u200b😀\U000e0001\u0378" already exists`},
		{method: "Get", id: "\t\n\x7f\u00a0\u00ad", want: `error: no invoice "\t\n\x7f\u00a0\u00ad"`},
		{method: "Add", id: "ǅ ١ ۝ \u0301", want: "ok"},
		{method: "Add", id: "ǅ ١ ۝ \u0301", want: `error: invoice "ǅ ١ \u06dd ́" already exists`},
	}},
	{"evicts the oldest when full", 2, []call{
		{method: "Add", id: "a", cents: 1, want: "ok"},
		{method: "Add", id: "b", cents: 2, want: "ok"},
		{method: "Add", id: "c", cents: 4, want: "ok"},
		{method: "IDs", want: `["b" "c"]`},
		{method: "Get", id: "a", want: `error: no invoice "a"`},
		{method: "Total", want: "6"},
		{method: "EvictOldest", want: `"b"`},
		{method: "EvictOldest", want: `"c"`},
		{method: "EvictOldest", want: "error: ledger is empty"},
		{method: "Total", want: "0"},
		{method: "IDs", want: "[]"},
	}},
	{"accepts an id again once it is gone", 1, []call{
		{method: "Add", id: "a", cents: 1, want: "ok"},
		{method: "Add", id: "b", cents: 2, want: "ok"},
		{method: "Add", id: "a", cents: 3, want: "ok"},
		{method: "Get", id: "a", want: "3"},
		{method: "Total", want: "3"},
		{method: "EvictOldest", want: `"a"`},
		{method: "Add", id: "a", cents: 4, want: "ok"},
	}},
	{"wraps the total around", 3, []call{
		{method: "Add", id: "max", cents: math.MaxInt64, want: "ok"},
		{method: "Add", id: "one", cents: 1, want: "ok"},
		{method: "Total", want: "-9223372036854775808"},
		{method: "Add", id: "min", cents: math.MinInt64, want: "ok"},
		{method: "Total", want: "0"},
	}},
	{"automatic eviction takes its cents off the total", 1, []call{
		{method: "Add", id: "a", cents: 5, want: "ok"},
		{method: "Add", id: "b", cents: 7, want: "ok"},
		{method: "Total", want: "7"},
		{method: "Len", want: "1"},
	}},
	{"a ledger of one evicts its one invoice", 1, []call{
		{method: "Add", id: "a", cents: 0, want: "ok"},
		{method: "Add", id: "b", cents: 0, want: "ok"},
		{method: "IDs", want: `["b"]`},
	}},
	{"evictions of invoices of no cents leave the total", 2, []call{
		{method: "Add", id: "a", cents: 0, want: "ok"},
		{method: "Add", id: "b", cents: 0, want: "ok"},
		{method: "Add", id: "c", cents: 0, want: "ok"},
		{method: "Total", want: "0"},
		{method: "Len", want: "2"},
	}},
	{"bug A: EvictOldest takes its cents off the total", 1, []call{
		{method: "Add", id: "a", cents: 5, want: "ok"},
		{method: "EvictOldest", want: `"a"`},
		{method: "Total", want: "0"},
	}},
	{"bug B: an evicted id can be added again", 1, []call{
		{method: "Add", id: "a", cents: 0, want: "ok"},
		{method: "EvictOldest", want: `"a"`},
		{method: "Add", id: "a", cents: 0, want: "ok"},
	}},
	{"bug B: an id evicted automatically can be added again", 1, []call{
		{method: "Add", id: "a", cents: 0, want: "ok"},
		{method: "Add", id: "b", cents: 0, want: "ok"},
		{method: "Add", id: "a", cents: 0, want: "ok"},
	}},
	{"bug C: a full ledger evicts its oldest invoice", 2, []call{
		{method: "Add", id: "a", cents: 0, want: "ok"},
		{method: "Add", id: "b", cents: 0, want: "ok"},
		{method: "Add", id: "c", cents: 0, want: "ok"},
		{method: "Get", id: "a", want: `error: no invoice "a"`},
		{method: "IDs", want: `["b" "c"]`},
		{method: "EvictOldest", want: `"b"`},
	}},
}

func TestLedgerSequences(t *testing.T) {
	for _, seq := range ledgerSequences {
		t.Run(seq.name, func(t *testing.T) {
			l, err := NewLedger(seq.capacity)
			if err != nil {
				t.Fatalf("NewLedger(%d): %v", seq.capacity, err)
			}
			for i, c := range seq.calls {
				if got := do(l, c); got != c.want {
					t.Errorf("step %d: %v = %s; want %s", i+1, c, got, c.want)
				}
			}
		})
	}
}

func TestIDsIsAFreshNonNilSlice(t *testing.T) {
	l, _ := NewLedger(2)
	if ids := l.IDs(); ids == nil || len(ids) != 0 {
		t.Errorf("IDs() of an empty ledger = %#v; want []string{}", ids)
	}
	_ = l.Add("a", 1)
	ids := l.IDs()
	ids[0] = "changed"
	if got := l.IDs(); got[0] != "a" {
		t.Errorf("changing the slice IDs returned changed the ledger: IDs() = %q", got)
	}
}
