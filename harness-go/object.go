// Stateful objects (protocol version 2): a constructor registered under an object name, the
// methods of the value it returns, and the table of live objects (handles) the `new`, `call` and
// `drop` requests work on. Constructors and methods are functions (function in harness.go) and go
// through the same decoding, call, recovery and encoding.

package harness

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"unicode"
)

// Object makes the values constructor builds available to parity under name, with every exported
// method of their type. constructor must be a func returning the object, as T or (T, error),
// whose parameters map to spec types; every exported method in T's method set is registered by
// reflection (return a pointer, *T, for methods with pointer receivers, which keep state). A
// method whose types no spec type maps to is skipped: the handshake lists it, and parity reports
// it only if a spec calls it. A constructor that cannot be mapped does not panic: it is reported
// in the handshake's problems, prefixed with name. Call Object from main, before Serve.
func Object(name string, constructor any) {
	defaultRegistry.object(name, constructor)
}

// object is one registered object type: its constructor (whose first result, the object, is
// not encoded) and its methods, each a function named "Object.Method" for messages.
type object struct {
	name     string
	ctor     *function
	goType   reflect.Type
	goCtor   string
	methods  []*function
	byMethod map[string]*function
	skipped  []string          // "Method: reason", in method order
	skipWhy  map[string]string // method name → reason, for the reply to a call of it
}

// liveObject is one entry of the handle table: the object's value and its registration.
type liveObject struct {
	obj *object
	v   reflect.Value
}

func (r *registry) object(name string, constructor any) {
	if msg := r.addObject(name, constructor); msg != "" {
		r.problems = append(r.problems, name+": "+msg)
	}
}

// addObject registers an object type, or returns why its constructor cannot be (without the
// object name). Methods that cannot be mapped are skipped, not refused.
func (r *registry) addObject(name string, constructor any) string {
	if _, dup := r.byObject[name]; dup {
		return "registered twice as an object; only the first registration is served"
	}
	v := reflect.ValueOf(constructor)
	if v.Kind() != reflect.Func || v.IsNil() {
		return fmt.Sprintf("the registered constructor has type %T, which is not a function", constructor)
	}
	t := v.Type()
	if n := t.NumOut(); !(n == 1 && t.Out(0) != errorType || n == 2 && t.Out(0) != errorType && t.Out(1) == errorType) {
		return fmt.Sprintf("the constructor has type %s; it must return the object, as T or (T, error)", t)
	}
	ctor, msg := newFunction(name+".new", t, 1)
	if msg != "" {
		return msg
	}
	ctor.fn = v
	if msg := r.addStructs(ctor); msg != "" {
		return msg
	}
	o := &object{name: name, ctor: ctor, goType: t.Out(0), goCtor: constructorName(v, t.Out(0)),
		byMethod: map[string]*function{}, skipWhy: map[string]string{}}
	o.addMethods(r)
	r.objects = append(r.objects, o)
	r.byObject[name] = o
	return ""
}

// addMethods registers the exported methods of o's type in the order reflect lists them (by
// name). For a non-pointer type it also lists, as skipped, the methods only its pointer has.
func (o *object) addMethods(r *registry) {
	ot := o.goType
	all := ot // the method set walked: *T's for a T, to name pointer-receiver methods
	if k := ot.Kind(); k != reflect.Pointer && k != reflect.Interface {
		all = reflect.PointerTo(ot)
	}
	for i := 0; i < all.NumMethod(); i++ {
		name := all.Method(i).Name
		m, ok := ot.MethodByName(name)
		if !ok {
			o.skip(name, fmt.Sprintf("it has a pointer receiver, and the constructor returns %s, not %s", ot, all))
			continue
		}
		if !m.IsExported() { // interfaces list unexported methods too
			continue
		}
		iface := ot.Kind() == reflect.Interface
		sig := m.Type // an interface method's type has no receiver; a concrete type's has
		if !iface {
			sig = withoutReceiver(sig)
		}
		f, msg := newFunction(o.name+"."+name, sig, 0)
		if msg == "" {
			msg = r.addStructs(f)
		}
		if msg != "" {
			o.skip(name, msg)
			continue
		}
		if iface {
			f.method = m.Index
		} else {
			f.fn, f.recv = m.Func, true
			f.args = append([]reflect.Value{reflect.New(ot).Elem()}, f.args...)
		}
		o.methods = append(o.methods, f)
		o.byMethod[name] = f
	}
}

func (o *object) skip(method, why string) {
	o.skipped = append(o.skipped, method+": "+why)
	o.skipWhy[method] = why
}

// withoutReceiver is a method's func type (receiver first) without its receiver.
func withoutReceiver(t reflect.Type) reflect.Type {
	in := make([]reflect.Type, 0, t.NumIn()-1)
	for i := 1; i < t.NumIn(); i++ {
		in = append(in, t.In(i))
	}
	out := make([]reflect.Type, 0, t.NumOut())
	for i := 0; i < t.NumOut(); i++ {
		out = append(out, t.Out(i))
	}
	return reflect.FuncOf(in, out, t.IsVariadic())
}

// constructorName is the Go name of the function v as `package.Func`, or "" when it has no name
// a Go test could call: a func literal or closure (`pkg.Outer.func1`), a method value
// (`pkg.T.New-fm`), a generic instantiation (`pkg.New[...]`). The package is the last element of
// its path, except that when the constructed type t (or what it points to) is declared in the
// same package, t's own spelling of the package name is used (`harness` for the path
// `…/harness-go`).
func constructorName(v reflect.Value, t reflect.Type) string {
	fn := runtime.FuncForPC(v.Pointer())
	if fn == nil {
		return ""
	}
	full := fn.Name()
	slash := strings.LastIndexByte(full, '/')
	dot := strings.IndexByte(full[slash+1:], '.')
	if dot < 0 || !isGoIdent(full[slash+1+dot+1:]) {
		return ""
	}
	path, name := full[:slash+1+dot], full[slash+1+dot+1:]
	path = strings.ReplaceAll(path, "%2e", ".") // the linker escapes dots in the last path element
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.PkgPath() == path && t.Name() != "" {
		if pkg, _, ok := strings.Cut(t.String(), "."); ok {
			return pkg + "." + name
		}
	}
	return path[strings.LastIndexByte(path, '/')+1:] + "." + name
}

func isGoIdent(s string) bool {
	for i, c := range s {
		if !(c == '_' || unicode.IsLetter(c) || i > 0 && unicode.IsDigit(c)) {
			return false
		}
	}
	return s != ""
}

// objectSignatures lists the registered objects for the handshake.
func (r *registry) objectSignatures() []handshakeObject {
	out := []handshakeObject{}
	for _, o := range r.objects {
		c := o.ctor.signature()
		ho := handshakeObject{Name: o.name, Params: c.Params, Error: c.Error, GoParams: c.GoParams,
			GoType: o.goType.String(), GoConstructor: o.goCtor, Methods: []handshakeFunc{},
			Skipped: append([]string{}, o.skipped...)}
		for _, m := range o.methods {
			hm := m.signature()
			hm.Name = m.name[len(o.name)+1:] // "Object.Method" → "Method"
			ho.Methods = append(ho.Methods, hm)
		}
		out = append(out, ho)
	}
	return out
}

// handleObject executes a `new`, `call` or `drop` request whose head parseRequestHead has read,
// and appends its reply line.
func (r *registry) handleObject(b []byte, p *parser, req request) []byte {
	switch req.kind {
	case requestNew:
		o := r.byObject[string(req.name)]
		if o == nil {
			return appendMessageReply(b, req.id, replyBad, "unknown object "+strconv.Quote(string(req.name)))
		}
		if msg := o.ctor.decodeArgs(p); msg != "" {
			return appendMessageReply(b, req.id, replyBad, msg)
		}
		res, kind, msg := o.ctor.run(reflect.Value{})
		if kind != replyOK {
			return appendMessageReply(b, req.id, kind, msg) // nothing is stored
		}
		r.handles++
		r.live[r.handles] = liveObject{obj: o, v: res[0]}
		b = appendReplyHead(b, req.id, replyOK)
		b = append(b, '[')
		b = strconv.AppendUint(b, r.handles, 10)
		b = append(b, ']')
		return appendReplyTail(b)
	case requestCall:
		lo, msg := r.liveObject(req.handle)
		if msg != "" {
			return appendMessageReply(b, req.id, replyBad, msg)
		}
		f := lo.obj.byMethod[string(req.name)] // before decodeArgs, which may reuse req.name's bytes
		if f == nil {
			return appendMessageReply(b, req.id, replyBad, lo.obj.noMethod(req.handle, string(req.name)))
		}
		if msg := f.decodeArgs(p); msg != "" {
			return appendMessageReply(b, req.id, replyBad, msg)
		}
		res, kind, msg := f.run(lo.v) // the object stays, whatever the outcome
		return f.appendReply(b, req.id, res, kind, msg)
	default: // requestDrop
		if _, msg := r.liveObject(req.handle); msg != "" {
			return appendMessageReply(b, req.id, replyBad, msg)
		}
		delete(r.live, req.handle)
		b = appendReplyHead(b, req.id, replyOK)
		return appendReplyTail(append(b, '[', ']'))
	}
}

// liveObject is the object with handle h, or the message of a `bad` reply.
func (r *registry) liveObject(h uint64) (liveObject, string) {
	if lo, ok := r.live[h]; ok {
		return lo, ""
	}
	if h >= 1 && h <= r.handles {
		return liveObject{}, "object " + strconv.FormatUint(h, 10) + " was dropped"
	}
	return liveObject{}, "no object has handle " + strconv.FormatUint(h, 10)
}

// noMethod is the message of a `bad` reply to a call of a method o does not serve.
func (o *object) noMethod(h uint64, method string) string {
	msg := "object " + strconv.FormatUint(h, 10) + " (" + o.name + ") has no method " + strconv.Quote(method)
	if why, ok := o.skipWhy[method]; ok {
		msg += ": it was skipped because " + why
	}
	return msg
}
