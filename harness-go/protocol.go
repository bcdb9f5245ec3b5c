// The harness protocol, version 1 (docs/protocol.md): handshake, request and reply lines, and the
// type-directed value codec. This file mirrors runner/src/protocol.rs; the two must produce
// byte-identical encodings.

package harness

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// protocolVersion is the protocol version this harness speaks.
const protocolVersion = 1

// handshake is the first line a harness writes. Every slice must be non-nil: parity reads `null`
// as a malformed handshake.
type handshake struct {
	Protocol  int               `json:"protocol"`
	Harness   string            `json:"harness"`
	Functions []handshakeFunc   `json:"functions"`
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

// request is the head of a request line: its id and its function name (aliasing the line or the
// parser's scratch).
type request struct {
	id uint64
	fn []byte
}

// parseRequestHead parses `{"id":N,"fn":"Name","args":` and leaves p at the arguments array.
// The message of a failure is meant for a `bad` reply; req.id stays 0 when the id itself could not
// be read.
func parseRequestHead(p *parser) (req request, msg string) {
	if p.expect(`{"id":`) != nil {
		return req, "malformed request"
	}
	id, err := p.u64()
	if err != nil {
		return req, "malformed request id"
	}
	req.id = id
	if p.expect(`,"fn":`) != nil {
		return req, "malformed request: expected `fn`"
	}
	name, err := p.str()
	if err != nil {
		return req, "malformed function name: " + err.Error()
	}
	req.fn = name
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

// float32Bits reads a float32's bits without a float conversion: converting through float64 (as
// reflect.Value.Float does) sets the quiet bit of a signalling NaN, so values are read through
// their address.
func float32Bits(addr unsafe.Pointer) uint32 {
	return *(*uint32)(addr)
}

// setFloat32Bits is the inverse of float32Bits.
func setFloat32Bits(addr unsafe.Pointer, bits uint32) {
	*(*uint32)(addr) = bits
}

// The value codec. Each Go type gets one codec, built once (at Register) and cached: its spec type
// and an encoder and decoder closure that already hold their element codecs, so that encoding and
// decoding walk no type information and allocate only what the decoded value itself needs.

// encodeFunc appends the encoding of v. v must be addressable (see float32Bits); values that come
// out of a call are copied into addressable slots first.
type encodeFunc func(b []byte, v reflect.Value) []byte

// decodeFunc decodes into v, which must be settable, overwriting every exported part of it.
type decodeFunc func(p *parser, v reflect.Value) error

// codec is how one Go type crosses the wire.
type codec struct {
	t    reflect.Type
	spec string   // the type in spec syntax
	kids []*codec // element, key and value, pointer target, or fields, for struct discovery
	// fields holds a struct's exported fields in declaration order (structs only).
	fields []structField
	enc    encodeFunc
	dec    decodeFunc
}

type structField struct {
	name  string
	index int
	c     *codec
}

// typeError says why a Go type has no spec type: t is the innermost offending type, field the
// innermost struct field (Type.Field) holding it, reason an optional explanation.
type typeError struct {
	t         reflect.Type
	field     string
	fieldType reflect.Type
	reason    string
}

// codecCache maps reflect.Type to *codec. Codecs do not depend on the registry, so one cache
// serves every registry (tests build several).
var codecCache sync.Map

// codecFor returns the codec of t, building and caching it (and its parts) on first use.
func codecFor(t reflect.Type) (*codec, *typeError) {
	if c, ok := codecCache.Load(t); ok {
		return c.(*codec), nil
	}
	b := codecBuilder{visiting: map[reflect.Type]bool{}}
	return b.build(t)
}

type codecBuilder struct {
	visiting map[reflect.Type]bool
}

func (cb *codecBuilder) build(t reflect.Type) (*codec, *typeError) {
	if c, ok := codecCache.Load(t); ok {
		return c.(*codec), nil
	}
	if cb.visiting[t] {
		return nil, &typeError{t: t, reason: "spec types cannot be recursive"}
	}
	cb.visiting[t] = true
	defer delete(cb.visiting, t)
	c, err := cb.make(t)
	if err != nil {
		return nil, err
	}
	actual, _ := codecCache.LoadOrStore(t, c)
	return actual.(*codec), nil
}

var intSpecs = map[reflect.Kind]string{
	reflect.Int: "i64", reflect.Int8: "i8", reflect.Int16: "i16", reflect.Int32: "i32", reflect.Int64: "i64",
	reflect.Uint: "u64", reflect.Uint8: "u8", reflect.Uint16: "u16", reflect.Uint32: "u32", reflect.Uint64: "u64",
}

func (cb *codecBuilder) make(t reflect.Type) (*codec, *typeError) {
	c := &codec{t: t}
	switch k := t.Kind(); k {
	case reflect.Bool:
		c.spec = "bool"
		c.enc = func(b []byte, v reflect.Value) []byte {
			if v.Bool() {
				return append(b, "true"...)
			}
			return append(b, "false"...)
		}
		c.dec = func(p *parser, v reflect.Value) error {
			x, err := p.bool()
			if err == nil {
				v.SetBool(x)
			}
			return err
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.spec = intSpecs[k]
		lo, hi := int64(-1)<<(t.Bits()-1), int64(uint64(1)<<(t.Bits()-1)-1)
		spec := c.spec
		c.enc = func(b []byte, v reflect.Value) []byte { return strconv.AppendInt(b, v.Int(), 10) }
		c.dec = func(p *parser, v reflect.Value) error {
			x, err := p.i64()
			if err != nil {
				return err
			}
			if x < lo || x > hi {
				return p.fail(strconv.FormatInt(x, 10) + " is out of range for " + spec)
			}
			v.SetInt(x)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		c.spec = intSpecs[k]
		hi := uint64(math.MaxUint64) >> (64 - t.Bits())
		spec := c.spec
		c.enc = func(b []byte, v reflect.Value) []byte { return strconv.AppendUint(b, v.Uint(), 10) }
		c.dec = func(p *parser, v reflect.Value) error {
			x, err := p.u64()
			if err != nil {
				return err
			}
			if x > hi {
				return p.fail(strconv.FormatUint(x, 10) + " is out of range for " + spec)
			}
			v.SetUint(x)
			return nil
		}
	case reflect.Float32:
		c.spec = "f32"
		c.enc = func(b []byte, v reflect.Value) []byte {
			return appendHexBits(b, uint64(float32Bits(v.Addr().UnsafePointer())), 8)
		}
		c.dec = func(p *parser, v reflect.Value) error {
			x, err := p.hexBits(8)
			if err == nil {
				setFloat32Bits(v.Addr().UnsafePointer(), uint32(x))
			}
			return err
		}
	case reflect.Float64:
		c.spec = "f64"
		c.enc = func(b []byte, v reflect.Value) []byte {
			return appendHexBits(b, math.Float64bits(v.Float()), 16)
		}
		c.dec = func(p *parser, v reflect.Value) error {
			x, err := p.hexBits(16)
			if err == nil {
				v.SetFloat(math.Float64frombits(x))
			}
			return err
		}
	case reflect.String:
		c.spec = "string"
		c.enc = func(b []byte, v reflect.Value) []byte { return appendString(b, v.String()) }
		c.dec = func(p *parser, v reflect.Value) error {
			s, err := p.str()
			if err == nil {
				v.SetString(string(s))
			}
			return err
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			cb.makeBytes(c)
			break
		}
		ec, err := cb.build(t.Elem())
		if err != nil {
			return nil, err
		}
		cb.makeList(c, ec)
	case reflect.Map:
		return cb.makeMap(c)
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.Pointer {
			return nil, &typeError{t: t, reason: "a pointer to a pointer would be option<option<T>>, which is not a spec type"}
		}
		ec, err := cb.build(t.Elem())
		if err != nil {
			return nil, err
		}
		cb.makeOption(c, ec)
	case reflect.Struct:
		return cb.makeStruct(c)
	default:
		return nil, &typeError{t: t}
	}
	return c, nil
}

func (cb *codecBuilder) makeBytes(c *codec) {
	c.spec = "bytes"
	c.enc = func(b []byte, v reflect.Value) []byte {
		if v.IsNil() {
			return append(b, "null"...)
		}
		return appendHexBytes(b, v.Bytes())
	}
	c.dec = func(p *parser, v reflect.Value) error {
		if p.eat("null") {
			v.SetZero()
			return nil
		}
		x, err := p.hexBytes()
		if err == nil {
			v.SetBytes(x)
		}
		return err
	}
}

func (cb *codecBuilder) makeList(c *codec, ec *codec) {
	c.spec = "list<" + ec.spec + ">"
	c.kids = []*codec{ec}
	t, elemEnc, elemDec := c.t, ec.enc, ec.dec
	c.enc = func(b []byte, v reflect.Value) []byte {
		if v.IsNil() {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, n := 0, v.Len(); i < n; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = elemEnc(b, v.Index(i))
		}
		return append(b, ']')
	}
	c.dec = func(p *parser, v reflect.Value) error {
		if p.eat("null") {
			v.SetZero()
			return nil
		}
		if err := p.expectByte('['); err != nil {
			return err
		}
		v.Set(reflect.MakeSlice(t, 0, 0)) // non-nil even when empty
		for n := 0; ; n++ {
			if p.eatByte(']') {
				return nil
			}
			if n > 0 {
				if err := p.expectByte(','); err != nil {
					return err
				}
			}
			v.Grow(1)
			v.SetLen(n + 1)
			if err := elemDec(p, v.Index(n)); err != nil {
				return err
			}
		}
	}
}

func (cb *codecBuilder) makeOption(c *codec, ec *codec) {
	c.spec = "option<" + ec.spec + ">"
	c.kids = []*codec{ec}
	elemType, elemEnc, elemDec := c.t.Elem(), ec.enc, ec.dec
	c.enc = func(b []byte, v reflect.Value) []byte {
		if v.IsNil() {
			return append(b, "null"...)
		}
		return elemEnc(b, v.Elem())
	}
	c.dec = func(p *parser, v reflect.Value) error {
		if p.eat("null") {
			v.SetZero()
			return nil
		}
		x := reflect.New(elemType)
		if err := elemDec(p, x.Elem()); err != nil {
			return err
		}
		v.Set(x)
		return nil
	}
}

// keyCompare orders map keys as the spec does: false before true, integers numerically, strings
// bytewise.
func keyCompare(k reflect.Kind) func(a, b reflect.Value) int {
	switch k {
	case reflect.Bool:
		return func(a, b reflect.Value) int {
			x, y := a.Bool(), b.Bool()
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(a, b reflect.Value) int { return cmp.Compare(a.Int(), b.Int()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(a, b reflect.Value) int { return cmp.Compare(a.Uint(), b.Uint()) }
	case reflect.String:
		return func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) }
	}
	return nil
}

func (cb *codecBuilder) makeMap(c *codec) (*codec, *typeError) {
	t := c.t
	compare := keyCompare(t.Key().Kind())
	if compare == nil {
		return nil, &typeError{t: t, reason: "map keys must be bool, integers or strings, not " + t.Key().String()}
	}
	kc, err := cb.build(t.Key())
	if err != nil {
		return nil, err
	}
	vc, err := cb.build(t.Elem())
	if err != nil {
		return nil, err
	}
	c.spec = "map<" + kc.spec + "," + vc.spec + ">"
	c.kids = []*codec{kc, vc}
	keyEnc, keyDec, valEnc, valDec := kc.enc, kc.dec, vc.enc, vc.dec
	keysType, valsType := reflect.SliceOf(t.Key()), reflect.SliceOf(t.Elem())
	c.enc = func(b []byte, v reflect.Value) []byte {
		if v.IsNil() {
			return append(b, "null"...)
		}
		n := v.Len()
		// Copy entries into addressable slices (encoders need addressable values), then sort.
		keys, vals := reflect.MakeSlice(keysType, n, n), reflect.MakeSlice(valsType, n, n)
		order := make([]int, n)
		it := v.MapRange()
		for i := 0; it.Next(); i++ {
			keys.Index(i).SetIterKey(it)
			vals.Index(i).SetIterValue(it)
			order[i] = i
		}
		slices.SortFunc(order, func(x, y int) int { return compare(keys.Index(x), keys.Index(y)) })
		b = append(b, '[')
		for j, i := range order {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = keyEnc(b, keys.Index(i))
			b = append(b, ',')
			b = valEnc(b, vals.Index(i))
			b = append(b, ']')
		}
		return append(b, ']')
	}
	c.dec = func(p *parser, v reflect.Value) error {
		if p.eat("null") {
			v.SetZero()
			return nil
		}
		if err := p.expectByte('['); err != nil {
			return err
		}
		m := reflect.MakeMap(t)
		key, prev, val := reflect.New(t.Key()).Elem(), reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		for n := 0; ; n++ {
			if p.eatByte(']') {
				v.Set(m)
				return nil
			}
			if n > 0 {
				if err := p.expectByte(','); err != nil {
					return err
				}
			}
			if err := p.expectByte('['); err != nil {
				return err
			}
			if err := keyDec(p, key); err != nil {
				return err
			}
			if err := p.expectByte(','); err != nil {
				return err
			}
			if err := valDec(p, val); err != nil {
				return err
			}
			if err := p.expectByte(']'); err != nil {
				return err
			}
			if n > 0 && compare(prev, key) >= 0 {
				return p.fail("map keys are not sorted and unique")
			}
			m.SetMapIndex(key, val)
			prev.Set(key)
		}
	}
	return c, nil
}

// specWords are names a struct cannot have: the spec would read them as built-in types (or, for
// Go's own type names, reject them with a hint).
var specWords = map[string]bool{
	"bool": true, "i8": true, "i16": true, "i32": true, "i64": true, "u8": true, "u16": true,
	"u32": true, "u64": true, "f32": true, "f64": true, "string": true, "bytes": true,
	"option": true, "list": true, "map": true, "int": true, "uint": true, "int8": true,
	"int16": true, "int32": true, "int64": true, "uint8": true, "uint16": true, "uint32": true,
	"uint64": true, "float32": true, "float64": true, "byte": true, "rune": true,
}

// isSpecIdent reports whether name can stand as a struct name in spec syntax.
func isSpecIdent(name string) bool {
	if name == "" || specWords[name] || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func (cb *codecBuilder) makeStruct(c *codec) (*codec, *typeError) {
	t := c.t
	if t.Name() == "" {
		return nil, &typeError{t: t, reason: "an anonymous struct has no name for the spec; declare a named type"}
	}
	if !isSpecIdent(t.Name()) {
		return nil, &typeError{t: t, reason: "its name " + strconv.Quote(t.Name()) + " cannot be a spec type name"}
	}
	c.spec = t.Name()
	unexported := false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			unexported = true
			continue
		}
		fc, err := cb.build(f.Type)
		if err != nil {
			if err.field == "" {
				err.field, err.fieldType = t.Name()+"."+f.Name, f.Type
			}
			return nil, err
		}
		c.fields = append(c.fields, structField{name: f.Name, index: i, c: fc})
		c.kids = append(c.kids, fc)
	}
	if unexported && len(c.fields) == 0 {
		return nil, &typeError{t: t, reason: "it has only unexported fields, so none of its value would cross the protocol"}
	}
	fields := c.fields
	c.enc = func(b []byte, v reflect.Value) []byte {
		b = append(b, '[')
		for i := range fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = fields[i].c.enc(b, v.Field(fields[i].index))
		}
		return append(b, ']')
	}
	c.dec = func(p *parser, v reflect.Value) error {
		if unexported {
			v.SetZero() // unexported fields are not on the wire: leave them zero, not stale
		}
		if err := p.expectByte('['); err != nil {
			return err
		}
		for i := range fields {
			if i > 0 {
				if err := p.expectByte(','); err != nil {
					return err
				}
			}
			if err := fields[i].c.dec(p, v.Field(fields[i].index)); err != nil {
				return err
			}
		}
		return p.expectByte(']')
	}
	return c, nil
}

// appendValue appends the encoding of v (of type c.t), copying it into an addressable value
// first if it is not one.
func (c *codec) appendValue(b []byte, v reflect.Value) []byte {
	if !v.CanAddr() {
		slot := reflect.New(c.t).Elem()
		slot.Set(v)
		v = slot
	}
	return c.enc(b, v)
}
