// Tests of registration, the handshake and serving: pipelined streams, panics, rejections, flushing,
// and (in a re-executed child process) that printing to stdout cannot corrupt the protocol.

package harness

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// childEnv makes the test binary, re-executed, serve childFunctions instead of running tests.
const childEnv = "PARITY_HARNESS_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		for name, fn := range childFunctions() {
			Register(name, fn)
		}
		Serve()
	}
	os.Exit(m.Run())
}

func childFunctions() map[string]any {
	return map[string]any{
		"Noisy": func(n int) int {
			fmt.Println("noise from fmt.Println")
			fmt.Fprintln(os.Stdout, "noise to os.Stdout")
			os.NewFile(1, "fd1").WriteString("noise to descriptor 1\n")
			return n + 1
		},
		"Div": func(a, b int) int { return a / b },
		"Hang": func(n int) int {
			for {
				n++
			}
		},
	}
}

type myErr struct{ msg string }

func (e *myErr) Error() string { return e.msg }

type Node struct {
	Value int
	Next  *Node
}

type Pair[T any] struct{ A, B T }

type hidden struct{ x int }

type Inner struct{ C chan int }

type Holder struct {
	Items []Inner
	Tags  map[string][]func()
}

// testRegistry registers the functions the serving tests call.
func testRegistry() *registry {
	r := newRegistry()
	r.register("Div", func(a, b int) int { return a / b })
	r.register("Parse", func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
	r.register("NilErr", func() error { return nil })
	r.register("TypedNilErr", func() error { var e *myErr; return e })
	r.register("Two", func(s string, x float32) (string, float32, []byte) { return s + "!", x * 2, nil })
	r.register("PanicErr", func() int { panic(errors.New("boom")) })
	r.register("PanicInt", func() int { panic(42) })
	r.register("PanicString", func(s string) { panic("bad " + s) })
	r.register("Sum", func(xs ...int) int {
		n := 0
		for _, x := range xs {
			n += x
		}
		return n
	})
	r.register("Total", func(o Order) Money { return o.Total })
	return r
}

func serveAll(t *testing.T, r *registry, input string) []string {
	t.Helper()
	var out bytes.Buffer
	if err := r.serve(strings.NewReader(input), &out); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
}

func TestTheHandshakeListsFunctionsStructsAndProblems(t *testing.T) {
	r := newRegistry()
	r.register("Add", func(a int, b int64) int { return a + int(b) })
	r.register("ParseAmount", func(s string, ch chan int) (Money, error) { return Money{}, nil })
	r.register("Convert", func(c Cents, rate *float64, by map[string]Money) ([]Money, error) { return nil, nil })
	r.register("Lines", func(l []Line) {})
	got := string(appendHandshake(nil, r.handshake()))
	want := `{"protocol":2,"harness":"go","functions":[` +
		`{"name":"Add","params":["i64","i64"],"results":["i64"],"error":false,"go_params":["int","int64"],"go_results":["int"]},` +
		`{"name":"Convert","params":["i64","option<f64>","map<string,Money>"],"results":["list<Money>"],"error":true,"go_params":["harness.Cents","*float64","map[string]harness.Money"],"go_results":["[]harness.Money"]},` +
		`{"name":"Lines","params":["list<Line>"],"results":[],"error":false,"go_params":["[]harness.Line"],"go_results":[]}],` +
		`"objects":[],"structs":[{"name":"Money","fields":[["Units","i64"],["Currency","string"]]},` +
		`{"name":"Line","fields":[["Sku","string"],["Qty","i32"],["Price","option<Money>"],["Weights","list<f32>"]]}],` +
		`"problems":["ParseAmount: parameter 2 has type chan int, which no spec type maps to"]}` + "\n"
	if got != want {
		t.Fatalf("handshake\n got %s\nwant %s", got, want)
	}
}

func TestUnmappableRegistrationsBecomeProblemsNotPanics(t *testing.T) {
	cases := []struct {
		fn   any
		want string
	}{
		{func(f func()) {}, "parameter 1 has type func(), which no spec type maps to"},
		{func(x any) {}, "parameter 1 has type interface {}, which no spec type maps to"},
		{func(e error) {}, "parameter 1 has type error, which no spec type maps to"},
		{func() (error, int) { return nil, 0 }, "result 1 has type error, which no spec type maps to"},
		{func(u uintptr) {}, "parameter 1 has type uintptr, which no spec type maps to"},
		{func(c complex128) {}, "parameter 1 has type complex128, which no spec type maps to"},
		{func(a [3]int) {}, "parameter 1 has type [3]int, which no spec type maps to"},
		{func(p **int) {}, "parameter 1 has type **int, which no spec type maps to (a pointer to a pointer would be option<option<T>>, which is not a spec type)"},
		{func(m map[float64]int) {}, "parameter 1 has type map[float64]int, which no spec type maps to (map keys must be bool, integers or strings, not float64)"},
		{func(s []chan<- int) {}, "parameter 1 has type []chan<- int, which no spec type maps to: it contains chan<- int"},
		{func(s struct{ A int }) {}, "parameter 1 has type struct { A int }, which no spec type maps to (an anonymous struct has no name for the spec; declare a named type)"},
		{func(n Node) {}, "parameter 1 has type harness.Node, which no spec type maps to: field Node.Next has type *harness.Node, which contains harness.Node (spec types cannot be recursive)"},
		{func(h hidden) {}, "parameter 1 has type harness.hidden, which no spec type maps to (it has only unexported fields, so none of its value would cross the protocol)"},
		{func(p Pair[int]) {}, `parameter 1 has type harness.Pair[int], which no spec type maps to (its name "Pair[int]" cannot be a spec type name)`},
		{func() []struct{ C chan int } { return nil }, "result 1 has type []struct { C chan int }, which no spec type maps to: it contains struct { C chan int } (an anonymous struct has no name for the spec; declare a named type)"},
		{func(h Holder) {}, "parameter 1 has type harness.Holder, which no spec type maps to: field Inner.C has type chan int"},
		{func(h map[bool]Holder) {}, "parameter 1 has type map[bool]harness.Holder, which no spec type maps to: field Inner.C has type chan int"},
		{42, "the registered value has type int, which is not a function"},
		{(func())(nil), "the registered value has type func(), which is not a function"},
	}
	for _, c := range cases {
		r := newRegistry()
		r.register("F", c.fn)
		if len(r.problems) != 1 || r.problems[0] != "F: "+c.want {
			t.Errorf("registering %T gave problems %q, want [%q]", c.fn, r.problems, "F: "+c.want)
		}
		if len(r.funcs) != 0 {
			t.Errorf("registering %T registered a function despite the problem", c.fn)
		}
	}
	r := newRegistry()
	r.register("F", func() {})
	r.register("F", func() {})
	if len(r.problems) != 1 || r.problems[0] != "F: registered twice; only the first registration is served" {
		t.Errorf("a duplicate registration gave problems %q", r.problems)
	}
}

func TestStructsWithTheSameNameFromDifferentTypesAreAProblem(t *testing.T) {
	type Money struct{ Other int }
	r2 := newRegistry()
	r2.register("A", func(m Money) {})
	r2.register("B", func(o Order) {}) // reaches the package-level Money
	if len(r2.problems) != 1 || !strings.Contains(r2.problems[0], "share the name Money") {
		t.Fatalf("problems %q, want one about the shared name Money", r2.problems)
	}
}

func TestAPipelinedStreamIsAnsweredInOrderThroughPanicsAndRejections(t *testing.T) {
	reqs := []struct{ line, reply string }{
		{`{"id":1,"fn":"Div","args":[6,3]}`, `{"id":1,"ok":[2]}`},
		{`{"id":2,"fn":"Div","args":[1,0]}`, `{"id":2,"panic":"runtime error: integer divide by zero"}`},
		{`{"id":3,"fn":"Div","args":[8,2]}`, `{"id":3,"ok":[4]}`},
		{`{"id":4,"fn":"Nope","args":[]}`, `{"id":4,"bad":"unknown function \"Nope\""}`},
		{`{"id":5,"fn":"Div","args":[1]}`, `{"id":5,"bad":"wrong argument count: Div takes 2, got 1"}`},
		{`{"id":6,"fn":"Div","args":[1,2,3]}`, `{"id":6,"bad":"wrong argument count: Div takes 2, got more"}`},
		{`{"id":7,"fn":"Div","args":["x",1]}`, `{"id":7,"bad":"cannot decode argument 1 (i64): expected a canonical decimal integer at byte 27"}`},
		{`{"id":8,"fn":"Parse","args":["12"]}`, `{"id":8,"ok":[12]}`},
		{`{"id":9,"fn":"Parse","args":["x"]}`, `{"id":9,"error":"strconv.ParseInt: parsing \"x\": invalid syntax"}`},
		{`{"id":10,"fn":"NilErr","args":[]}`, `{"id":10,"ok":[]}`},
		{`{"id":11,"fn":"TypedNilErr","args":[]}`, `{"id":11,"panic":"runtime error: invalid memory address or nil pointer dereference"}`},
		{`{"id":12,"fn":"Two","args":["\udcff","3f800000"]}`, `{"id":12,"ok":["\udcff!","40000000",null]}`},
		{`{"id":13,"fn":"PanicErr","args":[]}`, `{"id":13,"panic":"boom"}`},
		{`{"id":14,"fn":"PanicInt","args":[]}`, `{"id":14,"panic":"42"}`},
		{`{"id":15,"fn":"PanicString","args":["\n"]}`, `{"id":15,"panic":"bad \u000a"}`},
		{`{"id":16,"fn":"Sum","args":[[1,2,3]]}`, `{"id":16,"ok":[6]}`},
		{`{"id":17,"fn":"Sum","args":[null]}`, `{"id":17,"ok":[0]}`},
		{`{"id":18,"fn":"Total","args":[[1,null,null,null,[5,"EUR"],null,null]]}`, `{"id":18,"ok":[[5,"EUR"]]}`},
		{`garbage`, `{"id":0,"bad":"malformed request"}`},
		{`{"id":19,"fn":"Div","args":[1,2]}x`, `{"id":19,"bad":"malformed request: expected ` + "`}`" + ` after the arguments, then the end of the line"}`},
		{`{"id":18446744073709551615,"fn":"Div","args":[-9,3]}`, `{"id":18446744073709551615,"ok":[-3]}`},
	}
	var in strings.Builder
	for _, r := range reqs {
		in.WriteString(r.line + "\n")
	}
	lines := serveAll(t, testRegistry(), in.String())
	if len(lines) != len(reqs)+1 {
		t.Fatalf("got %d lines, want a handshake and %d replies:\n%s", len(lines), len(reqs), strings.Join(lines, "\n"))
	}
	for i, r := range reqs {
		if lines[i+1] != r.reply {
			t.Errorf("request %s\n got %s\nwant %s", r.line, lines[i+1], r.reply)
		}
	}
}

func TestThousandsOfPipelinedRequestsLongLinesAndAMissingFinalNewlineAreAllAnswered(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&in, `{"id":%d,"fn":"Div","args":[%d,%d]}`+"\n", i, i%7, i%7)
	}
	long := strings.Repeat("x", 3<<20) // longer than the 1 MiB read buffer
	fmt.Fprintf(&in, `{"id":20000,"fn":"Parse","args":["%s"]}`+"\n", long)
	in.WriteString(`{"id":20001,"fn":"Div","args":[1,1]}`) // no newline before end of input
	lines := serveAll(t, testRegistry(), in.String())
	if len(lines) != 20003 {
		t.Fatalf("got %d lines, want 20003", len(lines))
	}
	for i := 0; i < 20000; i++ {
		want := fmt.Sprintf(`{"id":%d,"ok":[1]}`, i)
		if i%7 == 0 {
			want = fmt.Sprintf(`{"id":%d,"panic":"runtime error: integer divide by zero"}`, i)
		}
		if lines[i+1] != want {
			t.Fatalf("reply %d is %s, want %s", i, lines[i+1], want)
		}
	}
	if !strings.HasPrefix(lines[20001], `{"id":20000,"error":"strconv.ParseInt: parsing \"xxx`) {
		t.Errorf("the long line's reply starts %.60s", lines[20001])
	}
	if lines[20002] != `{"id":20001,"ok":[1]}` {
		t.Errorf("the unterminated last line's reply is %s", lines[20002])
	}
}

func TestALoneRequestIsAnsweredWithoutWaitingForMoreInput(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- testRegistry().serve(inR, outW); outW.Close() }()
	replies := bufio.NewReader(outR)
	readLine := func() string {
		got := make(chan string, 1)
		go func() { l, _ := replies.ReadString('\n'); got <- l }()
		select {
		case l := <-got:
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("no line within 10s: the reply was not flushed")
			return ""
		}
	}
	if hs := readLine(); !strings.HasPrefix(hs, `{"protocol":2,`) {
		t.Fatalf("first line %q is not a handshake", hs)
	}
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(inW, `{"id":%d,"fn":"Div","args":[%d,1]}`+"\n", i, i)
		if got, want := readLine(), fmt.Sprintf(`{"id":%d,"ok":[%d]}`+"\n", i, i); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestHandlingARequestAllocatesNoMoreThanTheReflectiveCallItself(t *testing.T) {
	r := newRegistry()
	add := func(a int64, b float32, s string) (int64, float32) { return a + int64(len(s)), b }
	r.register("Add", add)
	line := []byte(`{"id":1,"fn":"Add","args":[5,"3f800000",""]}`)
	buf := make([]byte, 0, 256)
	handled := testing.AllocsPerRun(200, func() { buf = r.handle(buf[:0], line) })
	fv := reflect.ValueOf(add)
	args := []reflect.Value{reflect.ValueOf(int64(5)), reflect.ValueOf(float32(1)), reflect.ValueOf("")}
	called := testing.AllocsPerRun(200, func() { fv.Call(args) })
	if string(buf) != `{"id":1,"ok":[5,"3f800000"]}`+"\n" {
		t.Fatalf("reply %s", buf)
	}
	if handled > called {
		t.Errorf("handling allocates %v times, the bare reflective call %v", handled, called)
	}
}

// runChild runs the test binary as a harness serving childFunctions.
func runChild(t *testing.T, input string, env ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	cmd.Stdin = strings.NewReader(input)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("the harness child failed: %v\nstderr:\n%s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

func TestPrintingToStdoutCannotCorruptTheProtocol(t *testing.T) {
	input := `{"id":1,"fn":"Noisy","args":[1]}` + "\n" +
		`{"id":2,"fn":"Div","args":[1,0]}` + "\n" +
		`{"id":3,"fn":"Noisy","args":[41]}` + "\n"
	stdout, stderr := runChild(t, input)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	want := []string{
		`{"id":1,"ok":[2]}`,
		`{"id":2,"panic":"runtime error: integer divide by zero"}`,
		`{"id":3,"ok":[42]}`,
	}
	if len(lines) != 4 || !strings.HasPrefix(lines[0], `{"protocol":2,"harness":"go",`) || !reflect.DeepEqual(lines[1:], want) {
		t.Fatalf("protocol output:\n%s", stdout)
	}
	for _, noise := range []string{"noise from fmt.Println", "noise to os.Stdout", "noise to descriptor 1"} {
		if strings.Count(stderr, noise) != 2 {
			t.Errorf("stderr does not hold %q twice:\n%s", noise, stderr)
		}
	}
}

func TestAHarnessExitsWhenItsInputClosesEvenWhileACallNeverReturns(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(stdin, `{"id":1,"fn":"Hang","args":[1]}`+"\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the call is running now
	stdin.Close()
	closed := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if took := time.Since(closed); took > inputEndGrace+time.Second {
			t.Fatalf("exited %v after its input closed", took)
		}
		if err != nil {
			t.Fatalf("exit: %v, want status 0\nstderr:\n%s", err, errOut.String())
		}
	case <-time.After(inputEndGrace + 5*time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running %v after its input closed", time.Since(closed))
	}
}

func TestSelfBenchmarkModeReportsItsRequestRateAfterAtLeastASecond(t *testing.T) {
	input := `{"id":1,"fn":"Div","args":[6,3]}` + "\n" + `{"id":2,"fn":"Div","args":[1,0]}` + "\n"
	stdout, _ := runChild(t, input, "PARITY_HARNESS_SELFBENCH=1")
	m := regexp.MustCompile(`^\{"requests":(\d+),"seconds":(\d+\.\d+)\}\n$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("self-benchmark output %q", stdout)
	}
	n, _ := strconv.Atoi(m[1])
	s, _ := strconv.ParseFloat(m[2], 64)
	if n < 1000 || s < 1 {
		t.Fatalf("self-benchmark ran %d requests in %v seconds", n, s)
	}
}

func BenchmarkHandle(b *testing.B) {
	r := testRegistry()
	line := []byte(`{"id":18,"fn":"Total","args":[[1,[["s",-1,[2,"X"],["3f800000"]]],[["a",false]],null,[5,"EUR"],null,null]]}`)
	buf := make([]byte, 0, 256)
	for i := 0; i < b.N; i++ {
		buf = r.handle(buf[:0], line)
	}
}

type Tagged struct{ Tags map[string][]func() }

func TestAProblemNamesTheInnermostFieldAndTheTypeItContains(t *testing.T) {
	r := newRegistry()
	r.register("F", func(x *Tagged) {})
	want := "F: parameter 1 has type *harness.Tagged, which no spec type maps to: field Tagged.Tags has type map[string][]func(), which contains func()"
	if len(r.problems) != 1 || r.problems[0] != want {
		t.Fatalf("problems %q, want [%q]", r.problems, want)
	}
}

func BenchmarkHandleSmallCall(b *testing.B) {
	r := testRegistry()
	line := []byte(`{"id":18,"fn":"Div","args":[1234567,-89]}`)
	buf := make([]byte, 0, 256)
	for i := 0; i < b.N; i++ {
		buf = r.handle(buf[:0], line)
	}
}
