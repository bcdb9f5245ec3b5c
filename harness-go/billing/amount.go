package billing

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Errors returned by the amount functions; match them with errors.Is.
var (
	ErrEmptyAmount   = errors.New("billing: empty amount")
	ErrInvalidAmount = errors.New("billing: invalid amount")
	ErrAmountRange   = errors.New("billing: amount out of range")
	ErrParts         = errors.New("billing: parts must be between 1 and 1000")
	ErrDiscount      = errors.New("billing: discount must be a percentage between 0 and 100")
	ErrNoCurrency    = errors.New("billing: money without currency")
)

// MaxParts bounds SplitEvenly, which allocates one element per part.
const MaxParts = 1000

// Money is an amount in minor units (cents) of a currency.
type Money struct {
	Units    int64
	Currency string
}

// maxUnitsBeforeOverflow is the largest whole-unit value that is still worth accumulating: any
// larger value is out of range once multiplied by 100, so scanning stops growing it.
const maxUnitsBeforeOverflow = (1 << 63) / 100

// ParseAmount parses a decimal amount as typed by a user into cents. It accepts surrounding
// whitespace, an optional leading '-', digits with optional ',' thousands separators (groups of
// exactly three after the first), and an optional '.' followed by one or two digits:
// "1,234.5" is 123450 and "-0.05" is -5. Anything else ("+1", "1e3", "1_000", ".5", "1.")
// is ErrInvalidAmount; a value outside int64 cents is ErrAmountRange.
func ParseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrEmptyAmount
	}
	i := 0
	neg := s[0] == '-'
	if neg {
		i++
	}
	var units uint64
	overflow := false
	digits := 0 // digits in the integer part
	group := -1 // digits since the last ','; -1 before the first ','
scan:
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			if units > maxUnitsBeforeOverflow {
				overflow = true
			} else {
				units = units*10 + uint64(c-'0')
			}
			digits++
			if group >= 0 {
				group++
			}
		case c == ',':
			if digits == 0 || (group < 0 && digits > 3) || (group >= 0 && group != 3) {
				return 0, fmt.Errorf("%w: misplaced thousands separator at byte %d", ErrInvalidAmount, i)
			}
			group = 0
		default:
			break scan
		}
	}
	if digits == 0 {
		return 0, fmt.Errorf("%w: no digits before byte %d", ErrInvalidAmount, i)
	}
	if group >= 0 && group != 3 {
		return 0, fmt.Errorf("%w: misplaced thousands separator at byte %d", ErrInvalidAmount, i)
	}
	var frac uint64
	if i < len(s) {
		if s[i] != '.' {
			return 0, fmt.Errorf("%w: unexpected character at byte %d", ErrInvalidAmount, i)
		}
		i++
		n := 0
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%w: unexpected character at byte %d", ErrInvalidAmount, i)
			}
			if n == 2 {
				return 0, fmt.Errorf("%w: more than two decimal places", ErrInvalidAmount)
			}
			frac = frac*10 + uint64(c-'0')
			n++
		}
		switch n {
		case 0:
			return 0, fmt.Errorf("%w: no digits after the decimal point", ErrInvalidAmount)
		case 1:
			frac *= 10
		}
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // -9223372036854775808 cents is representable
	}
	if overflow || units > (limit-frac)/100 {
		return 0, ErrAmountRange
	}
	cents := units*100 + frac
	if neg {
		return -int64(cents), nil // int64(1<<63) is MinInt64, and negating it keeps it
	}
	return int64(cents), nil
}

// FormatAmount renders cents with thousands separators and two decimals, followed by the
// currency code upper-cased: FormatAmount(-123450, "eur") is "-1,234.50 EUR". A blank currency
// is left out. ParseAmount(FormatAmount(c, "")) == c for every c.
func FormatAmount(cents int64, currency string) string {
	mag := uint64(cents)
	if cents < 0 {
		mag = -mag
	}
	whole := strconv.FormatUint(mag/100, 10)
	var b strings.Builder
	if cents < 0 {
		b.WriteByte('-')
	}
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	frac := mag % 100
	b.WriteByte('.')
	b.WriteByte('0' + byte(frac/10))
	b.WriteByte('0' + byte(frac%10))
	if cur := strings.ToUpper(strings.TrimSpace(currency)); cur != "" {
		b.WriteByte(' ')
		b.WriteString(cur)
	}
	return b.String()
}

// SplitEvenly splits total into parts amounts that differ by at most one cent and sum to total.
// The first parts absorb the remainder: SplitEvenly(100, 3) is [34 33 33] and
// SplitEvenly(-100, 3) is [-34 -33 -33].
func SplitEvenly(total int64, parts int) ([]int64, error) {
	if parts <= 0 || parts > MaxParts {
		return nil, fmt.Errorf("%w, got %d", ErrParts, parts)
	}
	n := int64(parts)
	base, rem := total/n, total%n
	out := make([]int64, parts)
	for i := range out {
		out[i] = base
		switch {
		case int64(i) < rem:
			out[i]++
		case int64(i) < -rem:
			out[i]--
		}
	}
	return out, nil
}

// ApplyDiscount takes percent (0 to 100) off m, rounding the discount to the nearest cent with
// ties to even (banker's rounding), as the accounting team requires. NaN, negative and
// above-100 percentages are ErrDiscount; a blank currency is ErrNoCurrency.
func ApplyDiscount(m Money, percent float64) (Money, error) {
	if math.IsNaN(percent) || percent < 0 || percent > 100 {
		return Money{}, fmt.Errorf("%w, got %v", ErrDiscount, percent)
	}
	if strings.TrimSpace(m.Currency) == "" {
		return Money{}, ErrNoCurrency
	}
	d := math.RoundToEven(float64(m.Units) * percent / 100)
	// float64(m.Units) rounds to the nearest double, so near MaxInt64 the discount can reach
	// 2^63, which does not convert to int64.
	if d >= 1<<63 {
		return Money{}, fmt.Errorf("%w: discount on %d", ErrAmountRange, m.Units)
	}
	return Money{Units: m.Units - int64(d), Currency: m.Currency}, nil
}
