package billing

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"  Grand Total: 1,234 €! ", "grand-total-1-234", "punctuation runs collapse to one dash"},
		{"İstanbul", "istanbul", "simple case mapping: İ lowers to a plain i"},
		{"ΟΔΟΣ", "οδοσ", "no final-sigma rule: Σ always lowers to σ"},
		{"Cafe\u0301", "cafe", "a combining mark is not a letter"},
		{"---", "", "nothing but separators"},
		{strings.Repeat("ab-", 30), strings.Repeat("ab-", 16)[:47], "cut to 48 runes, then the trailing dash goes"},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q (%s)", tt.in, got, tt.want, tt.reason)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in     string
		max    int
		want   string
		reason string
	}{
		{"héllo wörld", 5, "héll…", "counts runes, not bytes"},
		{"hello", 5, "hello", "fits exactly"},
		{"hello", 1, "…", "only the ellipsis fits"},
		{"hello", 0, "", "nothing fits"},
		{"hello", -3, "", "negative max is treated as zero"},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.max); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q (%s)", tt.in, tt.max, got, tt.want, tt.reason)
		}
	}
}

func TestTitleCase(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"o'NEIL 3RD", "O'neil 3rd", "apostrophes and digits stay inside words"},
		{"ǆungla", "ǅungla", "digraphs take their title case, not upper case"},
		{"ßtraße", "ßtraße", "ß has no single-rune title case"},
		{"hello-world", "Hello-World", "a hyphen ends a word"},
	}
	for _, tt := range tests {
		if got := TitleCase(tt.in); got != tt.want {
			t.Errorf("TitleCase(%q) = %q, want %q (%s)", tt.in, got, tt.want, tt.reason)
		}
	}
}

func TestTagCounts(t *testing.T) {
	got := TagCounts([]string{"Go", " go", "", "  ", "RUST"})
	want := map[string]int{"go": 2, "rust": 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TagCounts = %v, want %v", got, want)
	}
	if got := TagCounts(nil); got == nil || len(got) != 0 {
		t.Errorf("TagCounts(nil) = %#v, want an empty non-nil map", got)
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
		reason   string
	}{
		{" Jane.Doe+invoices@Example.COM ", "Jane.Doe@example.com", nil, "tag dropped, domain lowered, local kept"},
		{"a@b.c", "a@b.c", nil, "shortest useful address"},
		{"a@İ.com", "a@i.com", nil, "simple lower-casing of the domain"},
		{"", "", ErrEmptyEmail, "nothing typed"},
		{"a@@b.c", "", ErrInvalidEmail, "two at signs"},
		{"+x@b.c", "", ErrInvalidEmail, "only a tag"},
		{"a@localhost", "", ErrInvalidEmail, "no dot in the domain"},
		{"a@-b.c", "", ErrInvalidEmail, "leading hyphen in a label"},
		{"a@b..c", "", ErrInvalidEmail, "empty label"},
		{"a b@c.d", "", ErrInvalidEmail, "inner whitespace"},
		{"a@b_c.d", "", ErrInvalidEmail, "underscore in the domain"},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if !errors.Is(err, tt.err) || (tt.err != nil) != (err != nil) || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, %v (%s)", tt.in, got, err, tt.want, tt.err, tt.reason)
		}
	}
}
