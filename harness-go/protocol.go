// The harness protocol, version 2 (docs/protocol.md): handshake, request and reply lines, and the
// wire primitives of the value codec. This file mirrors runner/src/protocol.rs; the two must produce
// byte-identical encodings. The per-type codecs built from these primitives are in codec.go.

package harness

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// protocolVersion is the protocol version this harness speaks.
const protocolVersion = 2

// handshake is the first line a harness writes. Every slice must be non-nil: parity reads `null`
// as a malformed handshake.
type handshake struct {
	Protocol  int               `json:"protocol"`
	Harness   string            `json:"harness"`
	Functions []handshakeFunc   `json:"functions"`
	Objects   []handshakeObject `json:"objects"`
	Structs   []handshakeStruct `json:"structs"`
	Problems  []string          `json:"problems"`
}

// handshakeFunc is one registered function's signature, types in spec syntax.
type handshakeFunc struct {
	Name      string   `json:"name"`
	Params    []string `json:"params"`
	Results   []string `json:"results"`
	Error     bool     `json:"error"`
	GoParams  []string `json:"go_params"`
	GoResults []string `json:"go_results"`
}

// handshakeObject is one registered object: its constructor's signature (the constructed value
// is not among any results), the Go type it constructs, the constructor's Go name ("" when it has
// none to call, such as a func literal), its methods (receiver not listed) and the exported
// methods no spec type maps to, as "Name: reason".
type handshakeObject struct {
	Name          string          `json:"name"`
	Params        []string        `json:"params"`
	Error         bool            `json:"error"`
	GoParams      []string        `json:"go_params"`
	GoType        string          `json:"go_type"`
	GoConstructor string          `json:"go_constructor"`
	Methods       []handshakeFunc `json:"methods"`
	Skipped       []string        `json:"skipped"`
}

// handshakeStruct is a struct type reachable from the functions: exported fields in declaration
// order as [name, type] pairs.
type handshakeStruct struct {
	Name   string      `json:"name"`
	Fields [][2]string `json:"fields"`
}

// appendHandshake appends the handshake line with its newline. The handshake is plain JSON, so
// encoding/json is fine here (unlike for values); HTML escaping is off to keep `chan<- int`
// readable.
func appendHandshake(b []byte, hs *handshake) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(hs); err != nil {
		panic("parity harness: handshake does not serialize: " + err.Error())
	}
	return append(b, buf.Bytes()...) // Encode ends the line with '\n'.
}

// replyKind says which outcome a reply line carries.
type replyKind uint8

const (
	replyOK replyKind = iota
	replyError
	replyPanic
	replyBad
)

var replyKeys = [...]string{
	replyOK:    `,"ok":`,
	replyError: `,"error":`,
	replyPanic: `,"panic":`,
	replyBad:   `,"bad":`,
}

// appendReplyHead appends `{"id":N,"<kind>":`; the payload and appendReplyTail follow.
func appendReplyHead(b []byte, id uint64, kind replyKind) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, id, 10)
	return append(b, replyKeys[kind]...)
}

// appendReplyTail closes a reply line.
func appendReplyTail(b []byte) []byte {
	return append(b, '}', '\n')
}

// appendMessageReply appends a whole error, panic or bad reply whose payload is a string value.
func appendMessageReply(b []byte, id uint64, kind replyKind, msg string) []byte {
	b = appendReplyHead(b, id, kind)
	b = appendString(b, msg)
	return appendReplyTail(b)
}

// requestKind says what a request asks for.
type requestKind uint8

const (
	requestFn   requestKind = iota // {"id":N,"fn":"Name","args":[...]}
	requestNew                     // {"id":N,"new":"Object","args":[...]}
	requestCall                    // {"id":N,"call":"Method","on":H,"args":[...]}
	requestDrop                    // {"id":N,"drop":H}
)

// request is the head of a request line: its id, its kind, the function, object or method name
// (aliasing the line or the parser's scratch) and the handle of a call or drop.
type request struct {
	id     uint64
	kind   requestKind
	name   []byte
	handle uint64
}

// parseRequestHead parses the head of a request up to its arguments array, and leaves p there:
// `{"id":N,"fn":"Name","args":`, `{"id":N,"new":"Object","args":`, or
// `{"id":N,"call":"Method","on":H,"args":`. A drop, `{"id":N,"drop":H}`, is parsed whole. A
// function call is tried first, so that it costs what it did in version 1. The message of a
// failure is meant for a `bad` reply; req.id stays 0 when the id itself could not be read.
func parseRequestHead(p *parser) (req request, msg string) {
	if p.expect(`{"id":`) != nil {
		return req, "malformed request"
	}
	id, err := p.u64()
	if err != nil {
		return req, "malformed request id"
	}
	req.id = id
	switch {
	case p.eat(`,"fn":`):
		req.kind = requestFn
	case p.eat(`,"new":`):
		req.kind = requestNew
	case p.eat(`,"call":`):
		req.kind = requestCall
	case p.eat(`,"drop":`):
		req.kind = requestDrop
		if req.handle, err = p.u64(); err != nil {
			return req, "malformed object handle: " + err.Error()
		}
		if !p.eatByte('}') || !p.atEnd() {
			return req, "malformed request: expected `}` after the handle, then the end of the line"
		}
		return req, ""
	default:
		return req, "malformed request: expected `fn`, `new`, `call` or `drop`"
	}
	name, err := p.str()
	if err != nil {
		return req, "malformed " + [...]string{"function", "object", "method"}[req.kind] + " name: " + err.Error()
	}
	req.name = name
	if req.kind == requestCall {
		if p.expect(`,"on":`) != nil {
			return req, "malformed request: expected `on`"
		}
		if req.handle, err = p.u64(); err != nil {
			return req, "malformed object handle: " + err.Error()
		}
	}
	if p.expect(`,"args":`) != nil {
		return req, "malformed request: expected `args`"
	}
	return req, ""
}

// decodeError says why bytes on the wire could not be decoded, and where.
type decodeError struct {
	offset int
	msg    string
}

func (e *decodeError) Error() string {
	return e.msg + " at byte " + strconv.Itoa(e.offset)
}

// parser is a cursor over one protocol line. tmp is scratch for strings with escapes; a string
// returned by str aliases either the line or tmp and is valid until the next str call.
type parser struct {
	s   []byte
	pos int
	tmp []byte
}

func (p *parser) reset(s []byte) {
	p.s = s
	p.pos = 0
}

func (p *parser) atEnd() bool { return p.pos == len(p.s) }

func (p *parser) fail(msg string) error {
	return &decodeError{offset: p.pos, msg: msg}
}

// eat consumes lit if it is next.
func (p *parser) eat(lit string) bool {
	if len(p.s)-p.pos >= len(lit) && string(p.s[p.pos:p.pos+len(lit)]) == lit {
		p.pos += len(lit)
		return true
	}
	return false
}

// eatByte consumes c if it is next.
func (p *parser) eatByte(c byte) bool {
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

// expect consumes lit or fails.
func (p *parser) expect(lit string) error {
	if p.eat(lit) {
		return nil
	}
	return p.fail("expected `" + lit + "`")
}

func (p *parser) expectByte(c byte) error {
	if p.eatByte(c) {
		return nil
	}
	return p.fail("expected `" + string(rune(c)) + "`")
}

// bool parses `true` or `false`.
func (p *parser) bool() (bool, error) {
	if p.eat("true") {
		return true, nil
	}
	if p.eat("false") {
		return false, nil
	}
	return false, p.fail("expected a bool")
}

// u64 parses a canonical decimal unsigned integer.
func (p *parser) u64() (uint64, error) {
	start := p.pos
	var n uint64
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c < '0' || c > '9' {
			break
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, p.fail("integer out of range")
		}
		n = n*10 + d
		p.pos++
	}
	digits := p.pos - start
	if digits == 0 || (digits > 1 && p.s[start] == '0') {
		p.pos = start
		return 0, p.fail("expected a canonical decimal integer")
	}
	return n, nil
}

// i64 parses a canonical decimal signed integer.
func (p *parser) i64() (int64, error) {
	neg := p.eatByte('-')
	start := p.pos
	m, err := p.u64()
	if err != nil {
		return 0, err
	}
	if neg {
		if m == 0 {
			p.pos = start
			return 0, p.fail("`-0` is not a canonical integer")
		}
		if m > 1<<63 {
			return 0, p.fail("integer out of range")
		}
		return int64(-m), nil // two's complement: -(1<<63) wraps to math.MinInt64
	}
	if m > math.MaxInt64 {
		return 0, p.fail("integer out of range")
	}
	return int64(m), nil
}

func (p *parser) hexDigit() (byte, error) {
	if p.pos < len(p.s) {
		c := p.s[p.pos]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, p.fail("expected a hex digit")
		}
		p.pos++
		return d, nil
	}
	return 0, p.fail("expected a hex digit")
}

// hexBits parses a quoted string of exactly digits hex digits (float bits).
func (p *parser) hexBits(digits int) (uint64, error) {
	if err := p.expectByte('"'); err != nil {
		return 0, err
	}
	var n uint64
	for i := 0; i < digits; i++ {
		d, err := p.hexDigit()
		if err != nil {
			return 0, err
		}
		n = n<<4 | uint64(d)
	}
	if err := p.expectByte('"'); err != nil {
		return 0, err
	}
	return n, nil
}

// hexBytes parses a quoted string of hex digit pairs into a fresh, non-nil slice.
func (p *parser) hexBytes() ([]byte, error) {
	if err := p.expectByte('"'); err != nil {
		return nil, err
	}
	end := bytes.IndexByte(p.s[p.pos:], '"')
	n := 0
	if end > 0 {
		n = end / 2
	}
	out := make([]byte, 0, n)
	for p.pos < len(p.s) && p.s[p.pos] != '"' {
		hi, err := p.hexDigit()
		if err != nil {
			return nil, err
		}
		lo, err := p.hexDigit()
		if err != nil {
			return nil, err
		}
		out = append(out, hi<<4|lo)
	}
	if err := p.expectByte('"'); err != nil {
		return nil, err
	}
	return out, nil
}

func (p *parser) uEscape() (uint32, error) {
	var n uint32
	for i := 0; i < 4; i++ {
		d, err := p.hexDigit()
		if err != nil {
			return 0, err
		}
		n = n<<4 | uint32(d)
	}
	return n, nil
}

// str parses a JSON string into bytes, mapping lone \udc80-\udcff back to raw bytes. The result
// aliases the line or p.tmp: copy it before the next call.
func (p *parser) str() ([]byte, error) {
	if err := p.expectByte('"'); err != nil {
		return nil, err
	}
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '"' {
			p.pos++
			return p.s[start : p.pos-1], nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	out := append(p.tmp[:0], p.s[start:p.pos]...)
	defer func() { p.tmp = out[:0] }()
	for {
		seg := p.pos
		for p.pos < len(p.s) {
			c := p.s[p.pos]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			p.pos++
		}
		out = append(out, p.s[seg:p.pos]...)
		if p.pos == len(p.s) || p.s[p.pos] < 0x20 {
			return nil, p.fail("unterminated string")
		}
		if p.s[p.pos] == '"' {
			p.pos++
			return out, nil
		}
		p.pos++ // the backslash
		if p.pos == len(p.s) {
			return nil, p.fail("unterminated escape")
		}
		c := p.s[p.pos]
		p.pos++
		switch c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			u, err := p.uEscape()
			if err != nil {
				return nil, err
			}
			ch := u
			switch {
			case u >= 0xD800 && u < 0xDC00:
				if err := p.expect(`\u`); err != nil {
					return nil, err
				}
				lo, err := p.uEscape()
				if err != nil {
					return nil, err
				}
				if lo < 0xDC00 || lo >= 0xE000 {
					return nil, p.fail("high surrogate without a low surrogate")
				}
				ch = 0x10000 + (u-0xD800)<<10 + (lo - 0xDC00)
			case u >= 0xDC80 && u < 0xDD00:
				out = append(out, byte(u-0xDC00))
				continue
			case u >= 0xDC00 && u < 0xE000:
				return nil, p.fail("lone surrogate")
			}
			out = utf8.AppendRune(out, rune(ch))
		default:
			return nil, p.fail("unknown escape")
		}
	}
}

const hexDigits = "0123456789abcdef"

// appendHexBits appends float bits as a quoted string of digits lowercase hex digits.
func appendHexBits(b []byte, bits uint64, digits int) []byte {
	b = append(b, '"')
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hexDigits[(bits>>(uint(i)*4))&15])
	}
	return append(b, '"')
}

// appendHexBytes appends bytes as a quoted string of lowercase hex pairs.
func appendHexBytes(b []byte, bs []byte) []byte {
	b = append(b, '"')
	for _, c := range bs {
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return append(b, '"')
}

// appendString appends a Go string as a JSON string; bytes outside valid UTF-8 become \udcXX.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', 'd', 'c', hexDigits[c>>4], hexDigits[c&15])
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
