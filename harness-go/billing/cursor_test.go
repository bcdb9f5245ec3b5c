package billing

import (
	"errors"
	"math"
	"testing"
)

func TestCursorsRoundTrip(t *testing.T) {
	for _, c := range []Cursor{
		{},
		{ID: 42, CreatedAt: 1700000000, Desc: true},
		{ID: math.MinInt64, CreatedAt: math.MaxInt64},
		{ID: -1, CreatedAt: -1, Desc: true},
	} {
		s := EncodeCursor(&c)
		got, err := DecodeCursor(s)
		if err != nil || got == nil || *got != c {
			t.Errorf("DecodeCursor(EncodeCursor(%+v)) = DecodeCursor(%q) = %+v, %v", c, s, got, err)
		}
	}
}

func TestTheFirstPageIsTheEmptyCursor(t *testing.T) {
	if s := EncodeCursor(nil); s != "" {
		t.Errorf("EncodeCursor(nil) = %q", s)
	}
	if c, err := DecodeCursor(""); c != nil || err != nil {
		t.Errorf("DecodeCursor(\"\") = %+v, %v", c, err)
	}
}

func TestDecodeCursorRejectsForeignTokens(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"AQ", "truncated: no fields"},
		{"AgBUAg", "version 2"},
		{"AQJUAg", "unknown flag bit"},
		{"AQBUAgA", "trailing byte"},
		{"AQBU", "missing creation time"},
		{"AQBUAg==", "padding is not part of the format"},
		{"AQB!Ag", "not base64url"},
		{"\n", "only a newline, which base64 skips"},
	}
	for _, tt := range tests {
		if c, err := DecodeCursor(tt.in); !errors.Is(err, ErrCursor) {
			t.Errorf("DecodeCursor(%q) = %+v, %v; want ErrCursor (%s)", tt.in, c, err, tt.reason)
		}
	}
}

func TestDecodeCursorIsAsLenientAsGoBase64(t *testing.T) {
	// Go's decoder skips CR and LF anywhere and ignores non-zero trailing bits; ports must too.
	want := Cursor{ID: 42, CreatedAt: 1}
	for _, s := range []string{EncodeCursor(&want), "AQBU\r\nAg", "AQBUAh"} {
		if got, err := DecodeCursor(s); err != nil || *got != want {
			t.Errorf("DecodeCursor(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
}
