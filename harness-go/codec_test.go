// Tests of the value codec: golden encodings from docs/protocol.md, byte-exact round trips, what
// the decoder accepts and rejects, and that the hot path does not allocate.

package harness

import (
	"encoding/json"
	"math"
	"math/rand"
	"reflect"
	"testing"
	"unicode/utf8"
)

type Money struct {
	Units    int64
	Currency string
}

type Cents int64

type Line struct {
	Sku     string
	Qty     int32
	Price   *Money
	Weights []float32
}

type Order struct {
	ID     uint64
	Lines  []Line
	Tags   map[string]bool
	Note   *string
	Total  Money
	secret int
	Raw    []byte
	ByQty  map[int8][]Cents
}

func mustCodec(t *testing.T, typ reflect.Type) *codec {
	t.Helper()
	c, err := codecFor(typ)
	if err != nil {
		t.Fatalf("no codec for %s: %s", typ, err.describe("value", 1, typ))
	}
	return c
}

// enc encodes x as a value of its own Go type.
func enc(t *testing.T, x any) string {
	t.Helper()
	return string(mustCodec(t, reflect.TypeOf(x)).appendValue(nil, reflect.ValueOf(x)))
}

// dec decodes text as a T, requiring every byte to be consumed.
func dec[T any](t *testing.T, text string) (T, error) {
	t.Helper()
	var v T
	c := mustCodec(t, reflect.TypeOf(&v).Elem())
	p := parser{s: []byte(text)}
	if err := c.dec(&p, reflect.ValueOf(&v).Elem()); err != nil {
		return v, err
	}
	if !p.atEnd() {
		return v, p.fail("unexpected bytes after the value")
	}
	return v, nil
}

// roundTrip checks that x survives encoding and decoding: deeply equal (nil and empty slices and
// maps are not deeply equal) and encoding to the same bytes (which compares floats by bits).
func roundTrip[T any](t *testing.T, x T) {
	t.Helper()
	text := enc(t, x)
	got, err := dec[T](t, text)
	if err != nil {
		t.Fatalf("decoding %s: %v", text, err)
	}
	if again := enc(t, got); again != text {
		t.Fatalf("re-encoding changed %s into %s", text, again)
	}
	if !reflect.DeepEqual(got, x) {
		t.Fatalf("%s decoded to %#v, want %#v", text, got, x)
	}
}

func TestEncodingsMatchTheGoldenExamplesInTheProtocolDocument(t *testing.T) {
	note := "n"
	cases := []struct {
		value any
		want  string
	}{
		{true, `true`},
		{false, `false`},
		{int64(math.MinInt64), `-9223372036854775808`},
		{uint64(math.MaxUint64), `18446744073709551615`},
		{int8(-128), `-128`},
		{Cents(-5), `-5`},
		{float32(1), `"3f800000"`},
		{float64(1), `"3ff0000000000000"`},
		{math.Copysign(0, -1), `"8000000000000000"`},
		{math.Inf(-1), `"fff0000000000000"`},
		{"a\x00\xff", `"a\u0000\udcff"`},
		{"\ufffd\"\\\x7fé\n", "\"\ufffd\\\"\\\\\\u007fé\\u000a\""},
		{[]byte{0, 255}, `"00ff"`},
		{[]byte{}, `""`},
		{[]byte(nil), `null`},
		{(*int)(nil), `null`},
		{&note, `"n"`},
		{[]int(nil), `null`},
		{[]int{}, `[]`},
		{[]int{1, 2}, `[1,2]`},
		{map[string]int{"b": 2, "a": 1}, `[["a",1],["b",2]]`},
		{map[string]int{"é": 3, "a": 1, "B": 2}, `[["B",2],["a",1],["é",3]]`},
		{map[bool]int{true: 1, false: 0}, `[[false,0],[true,1]]`},
		{map[int]string{10: "", -2: "", 3: "", -10: ""}, `[[-10,""],[-2,""],[3,""],[10,""]]`},
		{map[uint8]bool{200: true, 9: false}, `[[9,false],[200,true]]`},
		{map[string]int(nil), `null`},
		{map[string]int{}, `[]`},
		{Money{150, "EUR"}, `[150,"EUR"]`},
		{[]Money{{1, "A"}}, `[[1,"A"]]`},
	}
	for _, c := range cases {
		if got := enc(t, c.value); got != c.want {
			t.Errorf("%#v encoded as %s, want %s", c.value, got, c.want)
		}
	}
}

func TestNestedStructsSkipUnexportedFieldsAndKeepFieldOrder(t *testing.T) {
	o := Order{ID: 7, Tags: map[string]bool{"z": true, "a": false}, secret: 99,
		Lines: []Line{{Sku: "s", Qty: -1, Price: &Money{2, "X"}, Weights: []float32{1}}},
		ByQty: map[int8][]Cents{-1: nil, 1: {3}}}
	want := `[7,[["s",-1,[2,"X"],["3f800000"]]],[["a",false],["z",true]],null,[0,""],null,[[-1,null],[1,[3]]]]`
	if got := enc(t, o); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	back, err := dec[Order](t, want)
	if err != nil {
		t.Fatal(err)
	}
	o.secret = 0
	if !reflect.DeepEqual(back, o) {
		t.Fatalf("decoded %#v, want %#v", back, o)
	}
}

func TestInvalidUTF8StringsSurviveByteExact(t *testing.T) {
	for _, s := range []string{"\x80", "\xe2\x82", "\xe2\x82A", "\xc0\xaf", "\xed\xa0\x80", "ok\xffok",
		"\U0001d11e", "\xf4\x90\x80\x80", "\xef\xbf\xbd", "\xf0\x9f\x98", "", "\x00\x1f\x7f"} {
		roundTrip(t, s)
	}
}

func TestRandomByteStringsRoundTripAndValidUTF8MatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte{0, 0x1f, '"', '\\', 'a', 0x7f, 0x80, 0xbf, 0xc2, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f, 0xf4, 0x90, 0xff}
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(8))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		s := string(b)
		text := enc(t, s)
		if !utf8.ValidString(text) {
			t.Fatalf("%q encoded as invalid UTF-8 %q", s, text)
		}
		got, err := dec[string](t, text)
		if err != nil || got != s {
			t.Fatalf("%q encoded as %s decoded to %q (%v)", s, text, got, err)
		}
		if utf8.ValidString(s) {
			var viaJSON string
			if err := json.Unmarshal([]byte(text), &viaJSON); err != nil || viaJSON != s {
				t.Fatalf("%q encoded as %s, which encoding/json reads as %q (%v)", s, text, viaJSON, err)
			}
		}
	}
}

func TestTheDecoderAcceptsEveryJSONEscapeSurrogatePairsAndLoneLowSurrogatesForBytes(t *testing.T) {
	cases := map[string]string{
		`"\ud834\udd1e"`:          "\U0001d11e",
		`"\u00E9\u00e9"`:          "éé",
		`"\/\b\f\n\r\t\"\\"`:      "/\b\f\n\r\t\"\\",
		`"\udc80\udcFF"`:          "\x80\xff",
		"\"raw \xff bytes \x7f\"": "raw \xff bytes \x7f",
		`"\u0000"`:                "\x00",
	}
	for text, want := range cases {
		got, err := dec[string](t, text)
		if err != nil || got != want {
			t.Errorf("%s decoded to %q (%v), want %q", text, got, err, want)
		}
	}
}

func TestTheDecoderRejectsNonCanonicalOrOutOfRangeInput(t *testing.T) {
	rejects := []struct {
		text string
		dec  func(string) error
	}{
		{`300`, func(s string) error { _, err := dec[int8](t, s); return err }},
		{`-129`, func(s string) error { _, err := dec[int8](t, s); return err }},
		{`007`, func(s string) error { _, err := dec[int64](t, s); return err }},
		{`-0`, func(s string) error { _, err := dec[int64](t, s); return err }},
		{`+1`, func(s string) error { _, err := dec[int64](t, s); return err }},
		{`9223372036854775808`, func(s string) error { _, err := dec[int64](t, s); return err }},
		{`-9223372036854775809`, func(s string) error { _, err := dec[int64](t, s); return err }},
		{`18446744073709551616`, func(s string) error { _, err := dec[uint64](t, s); return err }},
		{`-1`, func(s string) error { _, err := dec[uint](t, s); return err }},
		{`256`, func(s string) error { _, err := dec[uint8](t, s); return err }},
		{`1.5`, func(s string) error { _, err := dec[int](t, s); return err }},
		{`"3f80000"`, func(s string) error { _, err := dec[float32](t, s); return err }},
		{`1.0`, func(s string) error { _, err := dec[float64](t, s); return err }},
		{`"\ud800"`, func(s string) error { _, err := dec[string](t, s); return err }},
		{`"\ud800\u0041"`, func(s string) error { _, err := dec[string](t, s); return err }},
		{`"\udc7f"`, func(s string) error { _, err := dec[string](t, s); return err }},
		{`"\udd00"`, func(s string) error { _, err := dec[string](t, s); return err }},
		{`"\x"`, func(s string) error { _, err := dec[string](t, s); return err }},
		{"\"a\nb\"", func(s string) error { _, err := dec[string](t, s); return err }},
		{`"abc`, func(s string) error { _, err := dec[string](t, s); return err }},
		{`"0g"`, func(s string) error { _, err := dec[[]byte](t, s); return err }},
		{`"0"`, func(s string) error { _, err := dec[[]byte](t, s); return err }},
		{`null`, func(s string) error { _, err := dec[int](t, s); return err }},
		{`null`, func(s string) error { _, err := dec[Money](t, s); return err }},
		{`[1]`, func(s string) error { _, err := dec[Money](t, s); return err }},
		{`[1,"a",2]`, func(s string) error { _, err := dec[Money](t, s); return err }},
		{`[[2,0],[1,0]]`, func(s string) error { _, err := dec[map[int]int](t, s); return err }},
		{`[[1,0],[1,0]]`, func(s string) error { _, err := dec[map[int]int](t, s); return err }},
		{`[["b",0],["a",0]]`, func(s string) error { _, err := dec[map[string]int](t, s); return err }},
		{`[[true,0],[false,0]]`, func(s string) error { _, err := dec[map[bool]int](t, s); return err }},
		{`[1,]`, func(s string) error { _, err := dec[[]int](t, s); return err }},
		{`[1 ,2]`, func(s string) error { _, err := dec[[]int](t, s); return err }},
	}
	for _, r := range rejects {
		if err := r.dec(r.text); err == nil {
			t.Errorf("%s was accepted", r.text)
		}
	}
}

func TestFloatBitsSurviveIncludingSignallingNaNPayloads(t *testing.T) {
	for _, bits := range []uint32{0x7fc00001, 0x7f800001, 0xff800001, 0x7fbfffff, 0x80000000, 0x7f800000, 0xff800000, 1} {
		text := enc(t, math.Float32frombits(bits))
		got, err := dec[float32](t, text)
		if err != nil || math.Float32bits(got) != bits {
			t.Errorf("f32 bits %08x encoded as %s decoded to %08x (%v)", bits, text, math.Float32bits(got), err)
		}
		// Inside a struct, a list and a map value the same must hold.
		type F struct{ X float32 }
		in := map[string][]F{"k": {{math.Float32frombits(bits)}}}
		back, err := dec[map[string][]F](t, enc(t, in))
		if err != nil || math.Float32bits(back["k"][0].X) != bits {
			t.Errorf("nested f32 bits %08x came back as %08x (%v)", bits, math.Float32bits(back["k"][0].X), err)
		}
	}
	for _, bits := range []uint64{0x7ff8000000000001, 0x7ff0000000000001, 0xfff0000000000001, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000, 1} {
		text := enc(t, math.Float64frombits(bits))
		got, err := dec[float64](t, text)
		if err != nil || math.Float64bits(got) != bits {
			t.Errorf("f64 bits %016x encoded as %s decoded to %016x (%v)", bits, text, math.Float64bits(got), err)
		}
	}
	if got, _ := dec[float32](t, `"3F800000"`); got != 1 {
		t.Errorf("upper-case hex digits decoded to %v, want 1", got)
	}
}

func TestIntegerExtremesSurvive(t *testing.T) {
	roundTrip(t, int64(math.MinInt64))
	roundTrip(t, int64(math.MaxInt64))
	roundTrip(t, uint64(math.MaxUint64))
	roundTrip(t, int8(math.MinInt8))
	roundTrip(t, uint16(math.MaxUint16))
	roundTrip(t, int32(math.MinInt32))
	roundTrip(t, math.MinInt)
	roundTrip(t, uint(0))
}

func TestNilAndEmptyCollectionsStayDistinct(t *testing.T) {
	roundTrip(t, []int(nil))
	roundTrip(t, []int{})
	roundTrip(t, []byte(nil))
	roundTrip(t, []byte{})
	roundTrip(t, map[string]*int(nil))
	roundTrip(t, map[string]*int{})
	roundTrip(t, []string{"", "x"})
	roundTrip(t, [][]int{nil, {}, {1}})
	if v, _ := dec[[]int](t, `[]`); v == nil {
		t.Error("[] decoded to a nil slice")
	}
	if v, _ := dec[[]byte](t, `""`); v == nil {
		t.Error(`"" decoded to nil bytes`)
	}
	if v, _ := dec[map[int]int](t, `[]`); v == nil {
		t.Error("[] decoded to a nil map")
	}
}

func TestPointersRoundTripAsNullOrTheirValue(t *testing.T) {
	five := 5
	roundTrip(t, (*int)(nil))
	roundTrip(t, &five)
	roundTrip(t, &Money{1, "A"})
	roundTrip(t, []*Money{nil, {2, "B"}})
	roundTrip(t, map[bool]*[]int{false: nil, true: {1}})
}

func TestNestedStructsMapsAndListsRoundTrip(t *testing.T) {
	note := "\xff note"
	roundTrip(t, Order{ID: math.MaxUint64, Note: &note, Raw: []byte{1},
		Lines: []Line{{Sku: "a", Price: nil, Weights: []float32{}}, {Qty: math.MaxInt32, Price: &Money{-1, "\x00"}}},
		Tags:  map[string]bool{"x": true, "": false}, ByQty: map[int8][]Cents{-128: {}, 127: nil}})
	roundTrip(t, []map[string][]Money{nil, {}, {"k": nil}})
}

func TestDecodingResetsUnexportedFieldsOfAReusedValue(t *testing.T) {
	c := mustCodec(t, reflect.TypeOf(Order{}))
	v := reflect.New(c.t).Elem()
	v.Set(reflect.ValueOf(Order{secret: 4}))
	p := parser{s: []byte(`[1,null,null,null,[0,""],null,null]`)}
	if err := c.dec(&p, v); err != nil {
		t.Fatal(err)
	}
	if got := v.Interface().(Order); got.secret != 0 || got.ID != 1 {
		t.Fatalf("decoded %#v, want ID 1 and secret 0", got)
	}
}

func TestEncodingAndScalarDecodingDoNotAllocate(t *testing.T) {
	lines := []Line{{Sku: "abc\xff", Qty: 3, Price: &Money{1, "EUR"}, Weights: []float32{1, 2}}}
	c := mustCodec(t, reflect.TypeOf(lines))
	v := reflect.ValueOf(&lines).Elem()
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf = c.enc(buf[:0], v) }); n != 0 {
		t.Errorf("encoding []Line allocates %v times per run", n)
	}
	var m Money
	mc := mustCodec(t, reflect.TypeOf(m))
	mv := reflect.ValueOf(&m).Elem()
	text := []byte(`[-42,"EUR"]`)
	var p parser
	if n := testing.AllocsPerRun(100, func() {
		p.reset(text)
		if err := mc.dec(&p, mv); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("decoding Money allocates %v times per run, want at most 1 (its string)", n)
	}
}
