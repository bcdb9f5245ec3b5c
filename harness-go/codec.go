// The per-type value codec: for each Go type, an encoder and a decoder closure built once with
// reflect from the wire primitives in protocol.go. It is the Go counterpart of the Wire
// implementations in runner/src/registry.rs.

package harness

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

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
