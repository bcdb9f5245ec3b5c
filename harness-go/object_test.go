// Tests of objects (protocol version 2): registration by reflection, the handshake's objects,
// and the new, call and drop requests on the handle table.

package harness

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Ledger is a stateful test type: entries under a cap.
type Ledger struct {
	cap     Cents
	total   Cents
	entries map[string]Cents
	last    Money
}

func NewLedger(cap Cents) (*Ledger, error) {
	if cap < 0 {
		return nil, fmt.Errorf("negative cap %d", cap)
	}
	if cap == 13 {
		panic("unlucky cap")
	}
	return &Ledger{cap: cap, entries: map[string]Cents{}}, nil
}

func (l *Ledger) Add(id string, cents Cents) error {
	if l.total+cents > l.cap {
		return fmt.Errorf("%d + %d is over the cap %d", l.total, cents, l.cap)
	}
	l.entries[id] += cents
	l.total += cents
	l.last = Money{Units: int64(cents), Currency: id}
	return nil
}

func (l *Ledger) Total() Cents { return l.total }

func (l *Ledger) Get(id string) (Cents, bool) { c, ok := l.entries[id]; return c, ok }

func (l *Ledger) Last() *Money { return &l.last }

// Explode changes the state, then panics: the object must stay as it left it.
func (l *Ledger) Explode(by Cents) { l.total += by; panic("exploded") }

func (l *Ledger) Watch(ch chan int) {}

func (l Ledger) Cap() Cents { return l.cap }

func (l *Ledger) reset() { l.total = 0 }

// Tally is constructed as a value: its pointer-receiver method is not in its method set.
type Tally struct{ n int }

func (t Tally) Count() int { return t.n }
func (t *Tally) Inc()      { t.n++ }

// Stack is constructed as an interface: methods are called on the dynamic value.
type Stack interface {
	Push(x int)
	Pop() (int, error)
}

type sliceStack struct{ xs []int }

func (s *sliceStack) Push(x int) { s.xs = append(s.xs, x) }
func (s *sliceStack) Pop() (int, error) {
	if len(s.xs) == 0 {
		return 0, errors.New("empty stack")
	}
	x := s.xs[len(s.xs)-1]
	s.xs = s.xs[:len(s.xs)-1]
	return x, nil
}

func objectRegistry() *registry {
	r := newRegistry()
	r.register("Div", func(a, b int) int { return a / b })
	r.object("Ledger", NewLedger)
	r.object("Stack", func() Stack { return &sliceStack{} })
	r.object("NilStack", func() Stack { return nil })
	return r
}

func TestAnObjectsHandshakeListsItsConstructorMethodsSkippedMethodsAndStructs(t *testing.T) {
	r := newRegistry()
	r.object("Ledger", NewLedger)
	r.object("Tally", func(n int) Tally { return Tally{n: n} })
	got := string(appendHandshake(nil, r.handshake()))
	want := `{"protocol":2,"harness":"go","functions":[],"objects":[` +
		`{"name":"Ledger","params":["i64"],"error":true,"go_params":["harness.Cents"],"go_type":"*harness.Ledger","go_constructor":"harness.NewLedger","methods":[` +
		`{"name":"Add","params":["string","i64"],"results":[],"error":true,"go_params":["string","harness.Cents"],"go_results":[]},` +
		`{"name":"Cap","params":[],"results":["i64"],"error":false,"go_params":[],"go_results":["harness.Cents"]},` +
		`{"name":"Explode","params":["i64"],"results":[],"error":false,"go_params":["harness.Cents"],"go_results":[]},` +
		`{"name":"Get","params":["string"],"results":["i64","bool"],"error":false,"go_params":["string"],"go_results":["harness.Cents","bool"]},` +
		`{"name":"Last","params":[],"results":["option<Money>"],"error":false,"go_params":[],"go_results":["*harness.Money"]},` +
		`{"name":"Total","params":[],"results":["i64"],"error":false,"go_params":[],"go_results":["harness.Cents"]}],` +
		`"skipped":["Watch: parameter 1 has type chan int, which no spec type maps to"]},` +
		`{"name":"Tally","params":["i64"],"error":false,"go_params":["int"],"go_type":"harness.Tally","go_constructor":"","methods":[` +
		`{"name":"Count","params":[],"results":["i64"],"error":false,"go_params":[],"go_results":["int"]}],` +
		`"skipped":["Inc: it has a pointer receiver, and the constructor returns harness.Tally, not *harness.Tally"]}],` +
		`"structs":[{"name":"Money","fields":[["Units","i64"],["Currency","string"]]}],"problems":[]}` + "\n"
	if got != want {
		t.Fatalf("handshake\n got %s\nwant %s", got, want)
	}
}

func TestConstructorProblemsArePrefixedWithTheObjectNameAndRegisterNothing(t *testing.T) {
	cases := []struct {
		ctor any
		want string
	}{
		{42, "the registered constructor has type int, which is not a function"},
		{(func() *Ledger)(nil), "the registered constructor has type func() *harness.Ledger, which is not a function"},
		{func() {}, "the constructor has type func(); it must return the object, as T or (T, error)"},
		{func() error { return nil }, "the constructor has type func() error; it must return the object, as T or (T, error)"},
		{func() (*Ledger, int) { return nil, 0 }, "the constructor has type func() (*harness.Ledger, int); it must return the object, as T or (T, error)"},
		{func() (error, error) { return nil, nil }, "the constructor has type func() (error, error); it must return the object, as T or (T, error)"},
		{func(ch chan int) *Ledger { return nil }, "parameter 1 has type chan int, which no spec type maps to"},
	}
	for _, c := range cases {
		r := newRegistry()
		r.object("Ledger", c.ctor)
		if len(r.problems) != 1 || r.problems[0] != "Ledger: "+c.want {
			t.Errorf("registering %T gave problems %q, want [%q]", c.ctor, r.problems, "Ledger: "+c.want)
		}
		if len(r.objects) != 0 {
			t.Errorf("registering %T registered an object despite the problem", c.ctor)
		}
	}
	r := newRegistry()
	r.object("Ledger", NewLedger)
	r.object("Ledger", NewLedger)
	if len(r.problems) != 1 || r.problems[0] != "Ledger: registered twice as an object; only the first registration is served" {
		t.Errorf("a duplicate registration gave problems %q", r.problems)
	}
}

func TestAConstructorIsNamedAsAGoTestWouldCallItOrNotAtAll(t *testing.T) {
	outer := func() func() *Ledger { return func() *Ledger { return nil } }
	cases := []struct {
		ctor any
		want string
	}{
		{NewLedger, "harness.NewLedger"},
		{strings.NewReader, "strings.NewReader"},
		{func() *Ledger { return nil }, ""}, // a func literal
		{outer(), ""},                       // a closure inside a func literal
		{Tally{}.Count, ""},                 // a method value
		{reflect.TypeOf, "reflect.TypeOf"},  // a package path of one element
		{newGeneric[int], ""},               // a generic instantiation
		{errors.New, "errors.New"},          // standard library
		{fmt.Errorf, "fmt.Errorf"},          // variadic
		{(*Ledger).Total, ""},               // a method expression is not package.Func either
	}
	for _, c := range cases {
		if got := constructorName(reflect.ValueOf(c.ctor), reflect.TypeOf(c.ctor).Out(0)); got != c.want {
			t.Errorf("%T is named %q, want %q", c.ctor, got, c.want)
		}
	}
}

func newGeneric[T any]() *T { return new(T) }

func TestObjectsKeepStateAcrossCallsUntilDroppedAndBadRequestsAreRejected(t *testing.T) {
	reqs := []struct{ line, reply string }{
		{`{"id":1,"new":"Ledger","args":[100]}`, `{"id":1,"ok":[1]}`},
		{`{"id":2,"call":"Add","on":1,"args":["a",30]}`, `{"id":2,"ok":[]}`},
		{`{"id":3,"call":"Add","on":1,"args":["b",50]}`, `{"id":3,"ok":[]}`},
		{`{"id":4,"call":"Add","on":1,"args":["c",21]}`, `{"id":4,"error":"80 + 21 is over the cap 100"}`},
		{`{"id":5,"call":"Total","on":1,"args":[]}`, `{"id":5,"ok":[80]}`},
		{`{"id":6,"call":"Get","on":1,"args":["b"]}`, `{"id":6,"ok":[50,true]}`},
		{`{"id":7,"call":"Get","on":1,"args":["c"]}`, `{"id":7,"ok":[0,false]}`},
		{`{"id":8,"call":"Last","on":1,"args":[]}`, `{"id":8,"ok":[[50,"b"]]}`},
		{`{"id":9,"call":"Cap","on":1,"args":[]}`, `{"id":9,"ok":[100]}`},
		{`{"id":10,"call":"Explode","on":1,"args":[5]}`, `{"id":10,"panic":"exploded"}`},
		{`{"id":11,"call":"Total","on":1,"args":[]}`, `{"id":11,"ok":[85]}`}, // survived, as Explode left it
		{`{"id":12,"new":"Ledger","args":[7]}`, `{"id":12,"ok":[2]}`},
		{`{"id":13,"call":"Add","on":2,"args":["x",7]}`, `{"id":13,"ok":[]}`},
		{`{"id":14,"call":"Total","on":2,"args":[]}`, `{"id":14,"ok":[7]}`},
		{`{"id":15,"call":"Total","on":1,"args":[]}`, `{"id":15,"ok":[85]}`}, // independent of object 2
		{`{"id":16,"fn":"Div","args":[9,3]}`, `{"id":16,"ok":[3]}`},
		{`{"id":17,"new":"Ledger","args":[-1]}`, `{"id":17,"error":"negative cap -1"}`},
		{`{"id":18,"new":"Ledger","args":[13]}`, `{"id":18,"panic":"unlucky cap"}`},
		{`{"id":19,"new":"Ledger","args":[]}`, `{"id":19,"bad":"wrong argument count: Ledger.new takes 1, got 0"}`},
		{`{"id":20,"new":"Ledger","args":["x"]}`, `{"id":20,"bad":"cannot decode argument 1 (i64): expected a canonical decimal integer at byte 32"}`},
		{`{"id":21,"new":"Nope","args":[]}`, `{"id":21,"bad":"unknown object \"Nope\""}`},
		{`{"id":22,"new":"Ledger","args":[1]}`, `{"id":22,"ok":[3]}`}, // failed constructions stored nothing
		{`{"id":23,"call":"Nope","on":1,"args":[]}`, `{"id":23,"bad":"object 1 (Ledger) has no method \"Nope\""}`},
		{`{"id":24,"call":"Watch","on":1,"args":[null]}`, `{"id":24,"bad":"object 1 (Ledger) has no method \"Watch\": it was skipped because parameter 1 has type chan int, which no spec type maps to"}`},
		{`{"id":25,"call":"reset","on":1,"args":[]}`, `{"id":25,"bad":"object 1 (Ledger) has no method \"reset\""}`},
		{`{"id":26,"call":"Add","on":1,"args":["a"]}`, `{"id":26,"bad":"wrong argument count: Ledger.Add takes 2, got 1"}`},
		{`{"id":27,"call":"Add","on":1,"args":["a",1,2]}`, `{"id":27,"bad":"wrong argument count: Ledger.Add takes 2, got more"}`},
		{`{"id":28,"call":"Add","on":1,"args":[1,1]}`, `{"id":28,"bad":"cannot decode argument 1 (string): expected ` + "`\\\"`" + ` at byte 37"}`},
		{`{"id":29,"call":"Total","on":1,"args":[]}`, `{"id":29,"ok":[85]}`}, // rejected calls changed nothing
		{`{"id":30,"drop":1}`, `{"id":30,"ok":[]}`},
		{`{"id":31,"call":"Total","on":1,"args":[]}`, `{"id":31,"bad":"object 1 was dropped"}`},
		{`{"id":32,"drop":1}`, `{"id":32,"bad":"object 1 was dropped"}`},
		{`{"id":33,"call":"Total","on":2,"args":[]}`, `{"id":33,"ok":[7]}`}, // dropping 1 left 2 alone
		{`{"id":34,"call":"Total","on":4,"args":[]}`, `{"id":34,"bad":"no object has handle 4"}`},
		{`{"id":35,"drop":0}`, `{"id":35,"bad":"no object has handle 0"}`},
		{`{"id":36,"new":"Stack","args":[]}`, `{"id":36,"ok":[4]}`},
		{`{"id":37,"call":"Push","on":4,"args":[5]}`, `{"id":37,"ok":[]}`},
		{`{"id":38,"call":"Pop","on":4,"args":[]}`, `{"id":38,"ok":[5]}`},
		{`{"id":39,"call":"Pop","on":4,"args":[]}`, `{"id":39,"error":"empty stack"}`},
		{`{"id":40,"new":"NilStack","args":[]}`, `{"id":40,"ok":[5]}`},
		{`{"id":41,"call":"Pop","on":5,"args":[]}`, `{"id":41,"panic":"reflect: Method on nil interface value"}`},
		{`{"id":42,"drop":5}`, `{"id":42,"ok":[]}`},
	}
	var in strings.Builder
	for _, r := range reqs {
		in.WriteString(r.line + "\n")
	}
	lines := serveAll(t, objectRegistry(), in.String())
	if len(lines) != len(reqs)+1 {
		t.Fatalf("got %d lines, want a handshake and %d replies:\n%s", len(lines), len(reqs), strings.Join(lines, "\n"))
	}
	for i, r := range reqs {
		if lines[i+1] != r.reply {
			t.Errorf("request %s\n got %s\nwant %s", r.line, lines[i+1], r.reply)
		}
	}
}

func TestMalformedObjectRequestsAreBadWithTheirId(t *testing.T) {
	reqs := []struct{ line, reply string }{
		{`{"id":1,"drop":1,"args":[]}`, `{"id":1,"bad":"malformed request: expected ` + "`}`" + ` after the handle, then the end of the line"}`},
		{`{"id":2,"drop":"1"}`, `{"id":2,"bad":"malformed object handle: expected a canonical decimal integer at byte 15"}`},
		{`{"id":3,"call":"Total","args":[]}`, `{"id":3,"bad":"malformed request: expected ` + "`on`" + `"}`},
		{`{"id":4,"call":"Total","on":-1,"args":[]}`, `{"id":4,"bad":"malformed object handle: expected a canonical decimal integer at byte 28"}`},
		{`{"id":5,"call":"Total","on":1}`, `{"id":5,"bad":"malformed request: expected ` + "`args`" + `"}`},
		{`{"id":6,"new":7,"args":[]}`, `{"id":6,"bad":"malformed object name: expected ` + "`\\\"`" + ` at byte 14"}`},
		{`{"id":7,"make":"Ledger","args":[]}`, `{"id":7,"bad":"malformed request: expected ` + "`fn`, `new`, `call` or `drop`" + `"}`},
		{`{"id":8,"new":"Ledger","args":[1]} `, `{"id":8,"bad":"malformed request: expected ` + "`}`" + ` after the arguments, then the end of the line"}`},
	}
	var in strings.Builder
	for _, r := range reqs {
		in.WriteString(r.line + "\n")
	}
	lines := serveAll(t, objectRegistry(), in.String())
	for i, r := range reqs {
		if i+1 >= len(lines) || lines[i+1] != r.reply {
			got := "(none)"
			if i+1 < len(lines) {
				got = lines[i+1]
			}
			t.Errorf("request %s\n got %s\nwant %s", r.line, got, r.reply)
		}
	}
}

func TestHandlesComeFromOneCounterPerProcessAndAreNeverReused(t *testing.T) {
	r := objectRegistry()
	var seen []string
	for i := 1; i <= 3; i++ {
		seen = append(seen, string(r.handle(nil, []byte(fmt.Sprintf(`{"id":%d,"new":"Ledger","args":[1]}`, i)))))
		r.handle(nil, []byte(fmt.Sprintf(`{"id":9,"drop":%d}`, i)))
	}
	want := []string{`{"id":1,"ok":[1]}` + "\n", `{"id":2,"ok":[2]}` + "\n", `{"id":3,"ok":[3]}` + "\n"}
	if !reflect.DeepEqual(seen, want) {
		t.Fatalf("replies %q, want %q", seen, want)
	}
	if len(r.live) != 0 {
		t.Errorf("%d objects are still in the table after every one was dropped", len(r.live))
	}
	other := objectRegistry() // another process: its own counter
	if got := string(other.handle(nil, []byte(`{"id":1,"new":"Stack","args":[]}`))); got != `{"id":1,"ok":[1]}`+"\n" {
		t.Errorf("a fresh registry's first handle: %s", got)
	}
}

func TestAMethodCallAllocatesNoMoreThanAFunctionCallOfTheSameShape(t *testing.T) {
	r := objectRegistry()
	r.handle(nil, []byte(`{"id":1,"new":"Ledger","args":[100]}`))
	l := r.live[1].v.Interface().(*Ledger)
	r.register("Get", func(id string) (Cents, bool) { return l.Get(id) })
	call := []byte(`{"id":2,"call":"Get","on":1,"args":["a"]}`)
	fn := []byte(`{"id":2,"fn":"Get","args":["a"]}`)
	buf := make([]byte, 0, 256)
	viaMethod := testing.AllocsPerRun(200, func() { buf = r.handle(buf[:0], call) })
	if string(buf) != `{"id":2,"ok":[0,false]}`+"\n" {
		t.Fatalf("method reply %s", buf)
	}
	viaFunction := testing.AllocsPerRun(200, func() { buf = r.handle(buf[:0], fn) })
	if string(buf) != `{"id":2,"ok":[0,false]}`+"\n" {
		t.Fatalf("function reply %s", buf)
	}
	if viaMethod > viaFunction {
		t.Errorf("a method call allocates %v times, the same call as a function %v", viaMethod, viaFunction)
	}
}
