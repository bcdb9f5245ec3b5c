package billing

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors returned by NormalizeEmail; match them with errors.Is.
var (
	ErrEmptyEmail   = errors.New("billing: empty e-mail address")
	ErrInvalidEmail = errors.New("billing: invalid e-mail address")
)

// MaxSlugRunes bounds the length of a slug, in runes.
const MaxSlugRunes = 48

// maxEmailBytes is the longest address SMTP can carry (RFC 5321 path limit minus the brackets).
const maxEmailBytes = 254

// Slugify turns a title into a URL slug: lower-cased, every run of characters that are neither
// letters nor digits collapsed to one '-', no leading or trailing '-', at most MaxSlugRunes
// runes. Slugify("  Grand Total: 1,234 €! ") is "grand-total-1-234".
func Slugify(s string) string {
	out := make([]rune, 0, len(s))
	dash := false
	for _, r := range strings.ToLower(s) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			dash = true
			continue
		}
		if dash && len(out) > 0 {
			out = append(out, '-')
		}
		dash = false
		out = append(out, r)
	}
	if len(out) > MaxSlugRunes {
		out = out[:MaxSlugRunes]
	}
	for len(out) > 0 && out[len(out)-1] == '-' {
		out = out[:len(out)-1]
	}
	return string(out)
}

// Truncate shortens s to at most max runes, replacing the cut tail with "…" (which counts as one
// rune). A max of zero or less gives "".
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

// TitleCase upper-cases (title-cases, for digraphs like ǆ) the first letter of every word and
// lower-cases the other letters. A word is a run of letters and digits; an apostrophe inside a
// word does not end it, so "o'NEIL 3RD" is "O'neil 3rd".
func TitleCase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inWord := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			if inWord {
				r = unicode.ToLower(r)
			} else {
				r = unicode.ToTitle(r)
			}
			inWord = true
		case unicode.IsDigit(r):
			inWord = true
		case r == '\'' || r == '’':
			// An apostrophe continues a word but does not start one.
		default:
			inWord = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TagCounts counts tags case-insensitively: each tag is trimmed and lower-cased, and blank tags
// are dropped. The result is never nil.
func TagCounts(tags []string) map[string]int {
	counts := make(map[string]int, len(tags))
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" {
			continue
		}
		counts[t]++
	}
	return counts
}

// NormalizeEmail canonicalizes an address for de-duplication: surrounding whitespace is trimmed,
// a "+tag" suffix of the local part is dropped, and the domain is lower-cased. The local part
// keeps its case (RFC 5321 makes it case-sensitive). The domain must have at least two
// dot-separated labels of letters, digits and inner hyphens.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrEmptyEmail
	}
	if len(s) > maxEmailBytes {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidEmail, maxEmailBytes)
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "", fmt.Errorf("%w: contains whitespace", ErrInvalidEmail)
	}
	at := strings.IndexByte(s, '@')
	if at < 0 || strings.Count(s, "@") != 1 {
		return "", fmt.Errorf("%w: needs exactly one @", ErrInvalidEmail)
	}
	local, domain := s[:at], s[at+1:]
	if plus := strings.IndexByte(local, '+'); plus >= 0 {
		local = local[:plus]
	}
	if local == "" {
		return "", fmt.Errorf("%w: empty local part", ErrInvalidEmail)
	}
	domain = strings.ToLower(domain)
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("%w: domain %s has no dot", ErrInvalidEmail, domain)
	}
	for _, label := range labels {
		if label == "" {
			return "", fmt.Errorf("%w: empty domain label", ErrInvalidEmail)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "", fmt.Errorf("%w: domain label %s starts or ends with a hyphen", ErrInvalidEmail, label)
		}
		for _, r := range label {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				return "", fmt.Errorf("%w: character %U in domain", ErrInvalidEmail, r)
			}
		}
	}
	return local + "@" + domain, nil
}
