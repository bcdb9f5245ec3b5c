package billing

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in     string
		want   int64
		err    error
		reason string
	}{
		{"12", 1200, nil, "whole units"},
		{" 1,234.50\t", 123450, nil, "separators and surrounding whitespace"},
		{"-0.5", -50, nil, "one decimal means tens of cents"},
		{"\u00a01.05\u3000", 105, nil, "unicode spaces are trimmed too"},
		{"-92,233,720,368,547,758.08", math.MinInt64, nil, "the most negative cents value is reachable"},
		{"92233720368547758.07", math.MaxInt64, nil, "the largest cents value is reachable"},
		{"92233720368547758.08", 0, ErrAmountRange, "one cent above the largest value"},
		{"99999999999999999999999", 0, ErrAmountRange, "far too many digits"},
		{"", 0, ErrEmptyAmount, "nothing typed"},
		{" \n", 0, ErrEmptyAmount, "only whitespace"},
		{"+1", 0, ErrInvalidAmount, "no explicit plus sign"},
		{"1e3", 0, ErrInvalidAmount, "no exponents"},
		{"1_000", 0, ErrInvalidAmount, "no Go-style digit separators"},
		{"1,00", 0, ErrInvalidAmount, "a group after a comma has three digits"},
		{"1234,567", 0, ErrInvalidAmount, "the first group has at most three digits"},
		{".5", 0, ErrInvalidAmount, "an integer part is required"},
		{"1.", 0, ErrInvalidAmount, "a decimal point needs digits"},
		{"1.234", 0, ErrInvalidAmount, "cents, not fractions of cents"},
		{"٣", 0, ErrInvalidAmount, "only ASCII digits"},
		{"--1", 0, ErrInvalidAmount, "one sign at most"},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		if !errors.Is(err, tt.err) || (tt.err != nil) != (err != nil) || got != tt.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d, %v (%s)", tt.in, got, err, tt.want, tt.err, tt.reason)
		}
	}
}

func TestFormatAmountRoundTripsThroughParseAmount(t *testing.T) {
	for _, c := range []int64{0, 1, -1, 99, 100, -100, 123456, 100000000, math.MaxInt64, math.MinInt64} {
		s := FormatAmount(c, "")
		got, err := ParseAmount(s)
		if err != nil || got != c {
			t.Errorf("ParseAmount(FormatAmount(%d)) = ParseAmount(%q) = %d, %v", c, s, got, err)
		}
	}
	if got := FormatAmount(-123450, " eur "); got != "-1,234.50 EUR" {
		t.Errorf("FormatAmount(-123450, eur) = %q", got)
	}
	if got := FormatAmount(5, "straße"); got != "0.05 STRAßE" {
		t.Errorf("FormatAmount keeps ß, which has no single-rune upper case: got %q", got)
	}
}

func TestSplitEvenly(t *testing.T) {
	tests := []struct {
		total  int64
		parts  int
		want   []int64
		reason string
	}{
		{100, 3, []int64{34, 33, 33}, "the remainder goes to the first parts"},
		{-100, 3, []int64{-34, -33, -33}, "negative totals mirror positive ones"},
		{2, 4, []int64{1, 1, 0, 0}, "fewer cents than parts"},
		{math.MinInt64, 2, []int64{math.MinInt64 / 2, math.MinInt64 / 2}, "no overflow at the extremes"},
	}
	for _, tt := range tests {
		got, err := SplitEvenly(tt.total, tt.parts)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitEvenly(%d, %d) = %v, %v; want %v (%s)", tt.total, tt.parts, got, err, tt.want, tt.reason)
		}
	}
	for _, parts := range []int{0, -1, MaxParts + 1} {
		if _, err := SplitEvenly(1, parts); !errors.Is(err, ErrParts) {
			t.Errorf("SplitEvenly(1, %d) error = %v, want ErrParts", parts, err)
		}
	}
}

func TestApplyDiscount(t *testing.T) {
	eur := func(u int64) Money { return Money{Units: u, Currency: "EUR"} }
	tests := []struct {
		m       Money
		percent float64
		want    Money
		err     error
		reason  string
	}{
		{eur(1000), 15, eur(850), nil, "a plain discount"},
		{eur(5), 50, eur(3), nil, "2.5 rounds to even 2, so 3 remains"},
		{eur(7), 50, eur(3), nil, "3.5 rounds to even 4, so 3 remains"},
		{eur(math.MinInt64), 100, eur(0), nil, "a full discount of the most negative amount"},
		{eur(math.MaxInt64), 100, Money{}, ErrAmountRange, "the discount rounds up to 2^63"},
		{eur(1), math.NaN(), Money{}, ErrDiscount, "NaN is not a percentage"},
		{eur(1), 100.5, Money{}, ErrDiscount, "above 100"},
		{eur(1), -1, Money{}, ErrDiscount, "negative"},
		{Money{Units: 1, Currency: " "}, 10, Money{}, ErrNoCurrency, "blank currency"},
	}
	for _, tt := range tests {
		got, err := ApplyDiscount(tt.m, tt.percent)
		if !errors.Is(err, tt.err) || (tt.err != nil) != (err != nil) || got != tt.want {
			t.Errorf("ApplyDiscount(%v, %v) = %v, %v; want %v, %v (%s)", tt.m, tt.percent, got, err, tt.want, tt.err, tt.reason)
		}
	}
	if _, err := ApplyDiscount(eur(1), 1e21); err == nil || err.Error() != "billing: discount must be a percentage between 0 and 100, got 1e+21" {
		t.Errorf("the error shows the percentage as %%v does: %v", err)
	}
}
