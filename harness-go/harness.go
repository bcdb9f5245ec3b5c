// Package harness serves Go functions to parity, the differential test runner, over the harness
// protocol (docs/protocol.md). A harness is a main package that registers functions and serves:
//
//	func main() {
//		harness.Register("ParseAmount", billing.ParseAmount)
//		harness.Serve()
//	}
//
// Parameter and result types map to spec types: bool, the sized and unsized integers (not
// uintptr), float32/64, string, []byte, pointers (option<T>), slices (list<T>), maps with bool,
// integer or string keys, and named structs, of which only exported fields cross the wire
// (unexported fields are skipped: they stay zero in decoded arguments and are not compared in
// results). Named non-struct types map to their underlying type. A function may return several
// results, optionally ending with error.
//
// A type with state is registered as an object, one line for its constructor and all its
// exported methods (see Object): parity then constructs objects and calls their methods by handle.
//
//	harness.Object("Ledger", billing.NewLedger)
package harness

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"sync/atomic"
	"time"
)

// Register makes fn callable by parity under name. fn must be a func whose parameter and result
// types map to spec types (see the package documentation); it may end its results with error.
// A registration that cannot be mapped does not panic: it is reported in the handshake's
// problems, which parity prints as a start-up error. Call Register from main, before Serve.
func Register(name string, fn any) {
	defaultRegistry.register(name, fn)
}

// Serve writes the handshake, then executes requests from standard input until end of input,
// and exits with status 0. It never returns. Before anything else it moves the protocol off
// descriptor 1 and points descriptor 1 (and os.Stdout) at standard error, so that code under test
// that prints cannot corrupt the protocol.
//
// With PARITY_HARNESS_SELFBENCH=1 in the environment it instead measures its own decode, dispatch
// and encode rate on one core (see selfBench).
func Serve() {
	out := protocolOutput()
	var err error
	if os.Getenv("PARITY_HARNESS_SELFBENCH") == "1" {
		err = defaultRegistry.selfBench(os.Stdin, out)
	} else {
		err = defaultRegistry.serve(exitWhenInputEnds(os.Stdin), out)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "parity harness: %v\n", err)
		os.Exit(3)
	}
	os.Exit(0)
}

var defaultRegistry = newRegistry()

// inputEndGrace is how long a harness whose input has closed may go without finishing a request
// before it exits (the Rust worker's INPUT_END_GRACE).
const inputEndGrace = time.Second

// handled counts the requests served, watched by exitWhenInputEnds.
var handled atomic.Uint64

// exitWhenInputEnds reads in on a goroutine of its own and returns what it reads. Once in ends,
// the harness exits as soon as it has finished no request for inputEndGrace, even while a call is
// still running: nobody will read that reply, and parity may be gone (killed with SIGKILL, on a
// system without a parent-death signal). Without it, a call that loops forever keeps the harness
// running after parity, because the serving goroutine never comes back to read the end of input.
// The goroutine queues what it reads (it must reach the end of input while a call is busy, so it
// cannot wait for the serving loop to consume each chunk).
func exitWhenInputEnds(in io.Reader) io.Reader {
	q := &inputQueue{chunks: make(chan []byte, 1<<12)}
	go func() {
		for {
			buf := make([]byte, 256<<10)
			n, err := in.Read(buf)
			if n > 0 {
				q.chunks <- buf[:n]
			}
			if err != nil {
				if err != io.EOF {
					q.err = err
				}
				close(q.chunks)
				break
			}
		}
		seen := handled.Load()
		for {
			time.Sleep(inputEndGrace)
			now := handled.Load()
			if now == seen {
				os.Exit(0)
			}
			seen = now
		}
	}()
	return q
}

// inputQueue is the serving loop's end of exitWhenInputEnds: the chunks read so far, in order.
// err is written before chunks is closed and read only after.
type inputQueue struct {
	chunks chan []byte
	cur    []byte
	err    error
}

func (q *inputQueue) Read(p []byte) (int, error) {
	for len(q.cur) == 0 {
		c, ok := <-q.chunks
		if !ok {
			if q.err != nil {
				return 0, q.err
			}
			return 0, io.EOF
		}
		q.cur = c
	}
	n := copy(p, q.cur)
	q.cur = q.cur[n:]
	return n, nil
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// function is one registered function, method or constructor with the state its calls reuse:
// settable argument slots (decoded into, then passed by value) and addressable result slots
// (encoders read float32 bits through an address). A method of a concrete type (recv) is its
// method expression fn with the receiver in args[0]; a method of an interface type (method >= 0)
// is called as recv.Method(method), fn unused. (A bound method value would cost an allocation a
// call.)
type function struct {
	name     string
	fn       reflect.Value
	sig      reflect.Type // the wire signature: a method's type without the receiver
	recv     bool         // fn takes the receiver first, in args[0]
	method   int          // the index in an interface's method set, or -1
	variadic bool
	params   []*codec
	results  []*codec
	hasErr   bool
	args     []reflect.Value
	res      []reflect.Value
}

// registry holds registered functions and objects, the struct types they reach, the problems
// found and the live objects (handles) of this process.
type registry struct {
	funcs    []*function
	byName   map[string]*function
	objects  []*object
	byObject map[string]*object
	structs  []*codec
	byStruct map[string]reflect.Type
	problems []string
	parser   parser
	live     map[uint64]liveObject
	handles  uint64 // the last handle handed out; handles are never reused
}

func newRegistry() *registry {
	return &registry{byName: map[string]*function{}, byObject: map[string]*object{},
		byStruct: map[string]reflect.Type{}, live: map[uint64]liveObject{}}
}

func (r *registry) register(name string, fn any) {
	if msg := r.add(name, fn); msg != "" {
		r.problems = append(r.problems, name+": "+msg)
	}
}

// add registers fn, or returns why it cannot be (without the function name).
func (r *registry) add(name string, fn any) string {
	if _, dup := r.byName[name]; dup {
		return "registered twice; only the first registration is served"
	}
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return fmt.Sprintf("the registered value has type %T, which is not a function", fn)
	}
	f, msg := newFunction(name, v.Type(), 0)
	if msg != "" {
		return msg
	}
	f.fn = v
	if msg := r.addStructs(f); msg != "" {
		return msg
	}
	r.funcs = append(r.funcs, f)
	r.byName[name] = f
	return ""
}

// newFunction builds the codecs and slots of a call of signature t, or returns why a type of it
// cannot cross the wire. The first skipResults results (a constructor's object) are returned by
// run but not encoded. The trailing error, if any, is recognized after them.
func newFunction(name string, t reflect.Type, skipResults int) (*function, string) {
	f := &function{name: name, sig: t, method: -1, variadic: t.IsVariadic()}
	for i := 0; i < t.NumIn(); i++ {
		c, err := codecFor(t.In(i))
		if err != nil {
			return nil, err.describe("parameter", i+1, t.In(i))
		}
		f.params = append(f.params, c)
		f.args = append(f.args, reflect.New(t.In(i)).Elem())
	}
	nout := t.NumOut()
	if nout > skipResults && t.Out(nout-1) == errorType {
		f.hasErr = true
		nout--
	}
	for i := skipResults; i < nout; i++ {
		c, err := codecFor(t.Out(i))
		if err != nil {
			return nil, err.describe("result", i+1, t.Out(i))
		}
		f.results = append(f.results, c)
		f.res = append(f.res, reflect.New(t.Out(i)).Elem())
	}
	return f, ""
}

// addStructs registers the struct types f's parameters and results reach, or returns why it
// cannot (a name that two struct types share) and registers none.
func (r *registry) addStructs(f *function) string {
	var found []*codec
	seen := map[reflect.Type]bool{}
	for _, c := range append(append([]*codec{}, f.params...), f.results...) {
		collectStructs(c, seen, &found)
	}
	for _, s := range found {
		if other, ok := r.byStruct[s.spec]; ok && other != s.t {
			return fmt.Sprintf("struct types %s and %s share the name %s, which the spec cannot tell apart", other, s.t, s.spec)
		}
	}
	for _, s := range found {
		if _, ok := r.byStruct[s.spec]; !ok {
			r.byStruct[s.spec] = s.t
			r.structs = append(r.structs, s)
		}
	}
	return ""
}

// collectStructs lists the struct types reachable from c, depth first, each once.
func collectStructs(c *codec, seen map[reflect.Type]bool, out *[]*codec) {
	if c.t.Kind() == reflect.Struct {
		if seen[c.t] {
			return
		}
		seen[c.t] = true
		*out = append(*out, c)
	}
	for _, k := range c.kids {
		collectStructs(k, seen, out)
	}
}

// describe turns a type error into a problem: `parameter 2 has type chan int, which no spec type
// maps to`, with the inner type and field when the offending type is nested.
func (e *typeError) describe(what string, n int, top reflect.Type) string {
	msg := fmt.Sprintf("%s %d has type %s, which no spec type maps to", what, n, top)
	switch {
	case e.field != "":
		msg += fmt.Sprintf(": field %s has type %s", e.field, e.fieldType)
		if e.fieldType != e.t {
			msg += fmt.Sprintf(", which contains %s", e.t)
		}
	case e.t != top:
		msg += fmt.Sprintf(": it contains %s", e.t)
	}
	if e.reason != "" {
		msg += " (" + e.reason + ")"
	}
	return msg
}

// handshake describes the registered functions, the structs they reach and the problems found.
func (r *registry) handshake() *handshake {
	hs := &handshake{
		Protocol:  protocolVersion,
		Harness:   "go",
		Functions: []handshakeFunc{},
		Objects:   []handshakeObject{},
		Structs:   []handshakeStruct{},
		Problems:  append([]string{}, r.problems...),
	}
	for _, f := range r.funcs {
		hs.Functions = append(hs.Functions, f.signature())
	}
	hs.Objects = r.objectSignatures()
	for _, s := range r.structs {
		hst := handshakeStruct{Name: s.spec, Fields: [][2]string{}}
		for _, f := range s.fields {
			hst.Fields = append(hst.Fields, [2]string{f.name, f.c.spec})
		}
		hs.Structs = append(hs.Structs, hst)
	}
	return hs
}

// signature is f's entry in the handshake: its wire and Go parameter and result types.
func (f *function) signature() handshakeFunc {
	hf := handshakeFunc{Name: f.name, Error: f.hasErr, Params: []string{}, Results: []string{},
		GoParams: []string{}, GoResults: []string{}}
	skip := f.sig.NumOut() - len(f.results)
	if f.hasErr {
		skip--
	}
	for i, c := range f.params {
		hf.Params = append(hf.Params, c.spec)
		hf.GoParams = append(hf.GoParams, f.sig.In(i).String())
	}
	for i, c := range f.results {
		hf.Results = append(hf.Results, c.spec)
		hf.GoResults = append(hf.GoResults, f.sig.Out(skip+i).String())
	}
	return hf
}

// serve writes the handshake to out, then answers the requests read from in until end of input.
// Replies are buffered and flushed whenever no more input is buffered: a lone request is answered
// at once, a pipelined stream in large writes.
func (r *registry) serve(in io.Reader, out io.Writer) error {
	w := bufio.NewWriterSize(out, 1<<20)
	if _, err := w.Write(appendHandshake(nil, r.handshake())); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	br := bufio.NewReaderSize(in, 1<<20)
	var long, reply []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return err
		}
		if len(line) > 0 {
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			reply = r.handle(reply[:0], line)
			handled.Add(1)
			if _, werr := w.Write(reply); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return w.Flush()
		}
		if br.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
}

// handle executes one request line and appends its reply line.
func (r *registry) handle(b []byte, line []byte) []byte {
	p := &r.parser
	p.reset(line)
	req, msg := parseRequestHead(p)
	if msg != "" {
		return appendMessageReply(b, req.id, replyBad, msg)
	}
	if req.kind != requestFn {
		return r.handleObject(b, p, req)
	}
	f := r.byName[string(req.name)]
	if f == nil {
		return appendMessageReply(b, req.id, replyBad, "unknown function "+strconv.Quote(string(req.name)))
	}
	if msg := f.decodeArgs(p); msg != "" {
		return appendMessageReply(b, req.id, replyBad, msg)
	}
	res, kind, msg := f.run(reflect.Value{})
	return f.appendReply(b, req.id, res, kind, msg)
}

// appendReply appends the reply to a call of f that ended as run reported: the encoded results
// for ok, else the message.
func (f *function) appendReply(b []byte, id uint64, res []reflect.Value, kind replyKind, msg string) []byte {
	if kind != replyOK {
		return appendMessageReply(b, id, kind, msg)
	}
	skip := len(res) - len(f.results)
	if f.hasErr {
		skip--
	}
	b = appendReplyHead(b, id, replyOK)
	b = append(b, '[')
	for i, c := range f.results {
		if i > 0 {
			b = append(b, ',')
		}
		slot := f.res[i]
		slot.Set(res[skip+i])
		b = c.enc(b, slot)
		slot.SetZero() // do not keep the result alive until the next call
	}
	b = append(b, ']')
	return appendReplyTail(b)
}

// decodeArgs decodes the `args` array and the request's closing brace into f.args, or returns
// the message of a `bad` reply.
func (f *function) decodeArgs(p *parser) string {
	args := f.args
	if f.recv {
		args = args[1:]
	}
	if err := p.expectByte('['); err != nil {
		return "cannot decode arguments: " + err.Error()
	}
	for i, c := range f.params {
		if p.eatByte(']') {
			return fmt.Sprintf("wrong argument count: %s takes %d, got %d", f.name, len(f.params), i)
		}
		if i > 0 {
			if err := p.expectByte(','); err != nil {
				return "cannot decode arguments: " + err.Error()
			}
		}
		if err := c.dec(p, args[i]); err != nil {
			return fmt.Sprintf("cannot decode argument %d (%s): %v", i+1, c.spec, err)
		}
	}
	if !p.eatByte(']') {
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			return fmt.Sprintf("wrong argument count: %s takes %d, got more", f.name, len(f.params))
		}
		return "cannot decode arguments: " + p.fail("expected `]`").Error()
	}
	if !p.eatByte('}') || !p.atEnd() {
		return "malformed request: expected `}` after the arguments, then the end of the line"
	}
	return ""
}

// run calls f with its decoded arguments; a method is called on recv. A panic is recovered into
// a `panic` outcome; a non-nil trailing error becomes an `error` outcome (its Error method runs
// under the same recovery).
func (f *function) run(recv reflect.Value) (res []reflect.Value, kind replyKind, msg string) {
	done := false
	defer func() {
		if !done {
			res, kind, msg = nil, replyPanic, panicMessage(recover())
		}
		if f.recv {
			f.args[0].SetZero() // do not keep a dropped object alive until the next call
		}
	}()
	fn := f.fn
	switch {
	case f.recv:
		f.args[0].Set(recv)
	case f.method >= 0:
		fn = recv.Method(f.method) // under the recovery: it panics on a nil interface
	}
	if f.variadic {
		res = fn.CallSlice(f.args)
	} else {
		res = fn.Call(f.args)
	}
	kind = replyOK
	if f.hasErr {
		if e := res[len(res)-1]; !e.IsNil() {
			kind, msg = replyError, e.Interface().(error).Error()
		}
	}
	done = true
	return res, kind, msg
}

// panicMessage is the message of a recovered panic value: Error() for an error (runtime errors
// included), else fmt.Sprint.
func panicMessage(v any) (msg string) {
	defer func() {
		if recover() != nil {
			msg = fmt.Sprintf("panic with a %T value whose message panicked", v)
		}
	}()
	if e, ok := v.(error); ok {
		return e.Error()
	}
	return fmt.Sprint(v)
}
