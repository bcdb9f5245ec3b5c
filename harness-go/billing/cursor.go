package billing

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrCursor is returned for a cursor string that EncodeCursor could not have produced.
var ErrCursor = errors.New("billing: malformed cursor")

// cursorVersion is the first byte of every encoded cursor, so the format can evolve.
const cursorVersion = 1

// cursorDesc is the flag bit for descending order; every other flag bit must be zero.
const cursorDesc = 1

// Cursor is the position of a list page: the last row seen and the sort direction.
type Cursor struct {
	ID        int64
	CreatedAt int64
	Desc      bool
}

// EncodeCursor renders c as an opaque, URL-safe token: unpadded base64url of a version byte, a
// flags byte and the two fields as zig-zag varints. A nil cursor (the first page) is "".
func EncodeCursor(c *Cursor) string {
	if c == nil {
		return ""
	}
	var flags byte
	if c.Desc {
		flags |= cursorDesc
	}
	buf := make([]byte, 0, 2+2*binary.MaxVarintLen64)
	buf = append(buf, cursorVersion, flags)
	buf = binary.AppendVarint(buf, c.ID)
	buf = binary.AppendVarint(buf, c.CreatedAt)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// DecodeCursor parses a token from EncodeCursor. "" is the first page and decodes to nil. A
// token with another version, unknown flags, a truncated or overlong field, or trailing bytes
// is ErrCursor.
func DecodeCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCursor, err)
	}
	if len(raw) < 2 || raw[0] != cursorVersion {
		return nil, fmt.Errorf("%w: not a version %d cursor", ErrCursor, cursorVersion)
	}
	flags := raw[1]
	if flags&^cursorDesc != 0 {
		return nil, fmt.Errorf("%w: unknown flags %#x", ErrCursor, flags)
	}
	id, n := binary.Varint(raw[2:])
	if n <= 0 {
		return nil, fmt.Errorf("%w: bad id", ErrCursor)
	}
	rest := raw[2+n:]
	createdAt, m := binary.Varint(rest)
	if m <= 0 {
		return nil, fmt.Errorf("%w: bad creation time", ErrCursor)
	}
	if m != len(rest) {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrCursor, len(rest)-m)
	}
	return &Cursor{ID: id, CreatedAt: createdAt, Desc: flags&cursorDesc != 0}, nil
}
