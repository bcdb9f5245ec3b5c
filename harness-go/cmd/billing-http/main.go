// Command billing-http is the example JSON service over package billing that parity's HTTP
// endpoints compare with its Rust ports (examples/billing-http-rs, examples/billing-http-naive-rs).
//
// It is written the way a Go team writes a small service: the standard library only, Go 1.22
// method+path patterns on http.ServeMux, json.NewDecoder with DisallowUnknownFields, and
// json.NewEncoder for every reply. Everything a port must reproduce follows from those choices:
// the mux's own 301/404/405 answers, the decoder's leniency (case-insensitive keys, last
// duplicate wins, null leaves a field alone, data after the first value is ignored) and the
// encoder's bytes (HTML escaping, a trailing newline, nil slices as null).
//
//	billing-http [-addr 127.0.0.1:8080]
//
// Without -addr it listens on 127.0.0.1:$PORT, or 127.0.0.1:8080 when PORT is unset.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/parity-dev/parity/harness-go/billing"
)

// Invoice is the stored and returned resource. Field order is the JSON order.
type Invoice struct {
	ID          string    `json:"id"`
	Customer    string    `json:"customer"`
	AmountCents int64     `json:"amount_cents"`
	Currency    string    `json:"currency"`
	Display     string    `json:"display"`
	Tags        []string  `json:"tags"`
	CreatedAt   time.Time `json:"created_at"`
}

// newInvoice is the body of POST /invoices.
type newInvoice struct {
	Customer string   `json:"customer"`
	Amount   string   `json:"amount"`
	Currency string   `json:"currency"`
	Tags     []string `json:"tags"`
}

// invoicePatch is the body of PATCH /invoices/{id}: nil means "leave as is".
type invoicePatch struct {
	Customer *string   `json:"customer"`
	Tags     *[]string `json:"tags"`
}

// normalizeRequest is the body of POST /normalize.
type normalizeRequest struct {
	Text string `json:"text"`
}

type normalizeResponse struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

type listResponse struct {
	Items      []*Invoice `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

type errorBody struct {
	Error string `json:"error"`
}

type fieldError struct {
	Error string `json:"error"`
	Field string `json:"field"`
}

// maxCustomer bounds a customer name, in runes.
const maxCustomer = 64

// store holds the invoices in creation order, which is id order.
type store struct {
	mu       sync.Mutex
	invoices []*Invoice
	nextID   int64
}

func (s *store) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invoices = nil
	s.nextID = 0
}

// find returns the index of the invoice with id, or -1. The caller holds the lock.
func (s *store) find(id string) int {
	for i, inv := range s.invoices {
		if inv.ID == id {
			return i
		}
	}
	return -1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("billing-http: writing response: %v", err)
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

// requireJSON answers 415 unless the request's Content-Type is absent or application/json
// (with any parameters).
func requireJSON(w http.ResponseWriter, r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, _ := strings.Cut(ct, ";")
	if strings.ToLower(strings.TrimSpace(mt)) == "application/json" {
		return true
	}
	writeError(w, http.StatusUnsupportedMediaType, "content type must be application/json")
	return false
}

// decodeBody decodes the request body into v, answering 400 on failure. Only an unknown field
// is named; every other failure gets one fixed message, so that decoder internals do not leak.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if !requireJSON(w, r) {
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return true
	}
	msg := "invalid JSON body"
	if rest, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		msg = "unknown field " + rest
	}
	writeError(w, http.StatusBadRequest, msg)
	return false
}

// checkCustomer validates a customer name and returns it trimmed.
func checkCustomer(w http.ResponseWriter, s string) (string, bool) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		writeJSON(w, http.StatusUnprocessableEntity, fieldError{"customer must not be empty", "customer"})
		return "", false
	case utf8.RuneCountInString(s) > maxCustomer:
		writeJSON(w, http.StatusUnprocessableEntity, fieldError{fmt.Sprintf("customer must be at most %d characters", maxCustomer), "customer"})
		return "", false
	}
	return s, true
}

func checkCurrency(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return "", false
		}
	}
	return s, true
}

type server struct {
	store store
}

func (sv *server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("POST /_reset", func(w http.ResponseWriter, r *http.Request) {
		sv.store.reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /invoices", sv.create)
	mux.HandleFunc("GET /invoices", sv.list)
	mux.HandleFunc("GET /invoices/{id}", sv.get)
	mux.HandleFunc("PATCH /invoices/{id}", sv.patch)
	mux.HandleFunc("DELETE /invoices/{id}", sv.delete)
	mux.HandleFunc("POST /normalize", sv.normalize)
	return mux
}

func (sv *server) create(w http.ResponseWriter, r *http.Request) {
	var in newInvoice
	if !decodeBody(w, r, &in) {
		return
	}
	customer, ok := checkCustomer(w, in.Customer)
	if !ok {
		return
	}
	cents, err := billing.ParseAmount(in.Amount)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, fieldError{err.Error(), "amount"})
		return
	}
	currency, ok := checkCurrency(in.Currency)
	if !ok {
		writeJSON(w, http.StatusUnprocessableEntity, fieldError{"currency must be 3 letters", "currency"})
		return
	}
	sv.store.mu.Lock()
	sv.store.nextID++
	inv := &Invoice{
		ID:          "inv_" + strconv.FormatInt(sv.store.nextID, 10),
		Customer:    customer,
		AmountCents: cents,
		Currency:    currency,
		Display:     billing.FormatAmount(cents, currency),
		Tags:        in.Tags,
		CreatedAt:   time.Now().UTC(),
	}
	sv.store.invoices = append(sv.store.invoices, inv)
	out := *inv
	sv.store.mu.Unlock()
	w.Header().Set("Location", "/invoices/"+out.ID)
	writeJSON(w, http.StatusCreated, &out)
}

func (sv *server) get(w http.ResponseWriter, r *http.Request) {
	sv.store.mu.Lock()
	defer sv.store.mu.Unlock()
	i := sv.store.find(r.PathValue("id"))
	if i < 0 {
		writeError(w, http.StatusNotFound, "invoice not found")
		return
	}
	writeJSON(w, http.StatusOK, sv.store.invoices[i])
}

// idNumber is N of "inv_N"; ids are server-generated, so the parse cannot fail.
func idNumber(id string) int64 {
	n, _ := strconv.ParseInt(strings.TrimPrefix(id, "inv_"), 10, 64)
	return n
}

func (sv *server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 10
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusBadRequest, "limit must be between 1 and 100")
			return
		}
		limit = n
	}
	var after int64
	cur, err := billing.DecodeCursor(q.Get("cursor"))
	if err != nil || (cur != nil && cur.Desc) {
		writeError(w, http.StatusBadRequest, "invalid cursor")
		return
	}
	if cur != nil {
		after = cur.ID
	}
	sv.store.mu.Lock()
	defer sv.store.mu.Unlock()
	var resp listResponse
	for _, inv := range sv.store.invoices {
		if idNumber(inv.ID) <= after {
			continue
		}
		if len(resp.Items) == limit {
			resp.NextCursor = billing.EncodeCursor(&billing.Cursor{ID: idNumber(resp.Items[limit-1].ID)})
			break
		}
		resp.Items = append(resp.Items, inv)
	}
	writeJSON(w, http.StatusOK, &resp)
}

func (sv *server) patch(w http.ResponseWriter, r *http.Request) {
	var in invoicePatch
	if !decodeBody(w, r, &in) {
		return
	}
	sv.store.mu.Lock()
	defer sv.store.mu.Unlock()
	i := sv.store.find(r.PathValue("id"))
	if i < 0 {
		writeError(w, http.StatusNotFound, "invoice not found")
		return
	}
	inv := sv.store.invoices[i]
	customer := inv.Customer
	if in.Customer != nil {
		var ok bool
		if customer, ok = checkCustomer(w, *in.Customer); !ok {
			return
		}
	}
	inv.Customer = customer
	if in.Tags != nil {
		inv.Tags = *in.Tags
	}
	writeJSON(w, http.StatusOK, inv)
}

func (sv *server) delete(w http.ResponseWriter, r *http.Request) {
	sv.store.mu.Lock()
	defer sv.store.mu.Unlock()
	i := sv.store.find(r.PathValue("id"))
	if i < 0 {
		writeError(w, http.StatusNotFound, "invoice not found")
		return
	}
	sv.store.invoices = append(sv.store.invoices[:i], sv.store.invoices[i+1:]...)
	w.WriteHeader(http.StatusNoContent)
}

func (sv *server) normalize(w http.ResponseWriter, r *http.Request) {
	var in normalizeRequest
	if !decodeBody(w, r, &in) {
		return
	}
	writeJSON(w, http.StatusOK, normalizeResponse{Slug: billing.Slugify(in.Text), Title: billing.TitleCase(in.Text)})
}

func defaultAddr() string {
	if port := os.Getenv("PORT"); port != "" {
		return "127.0.0.1:" + port
	}
	return "127.0.0.1:8080"
}

func main() {
	addr := flag.String("addr", defaultAddr(), "listen address (host:port)")
	flag.Parse()
	sv := &server{}
	log.Printf("billing-http: listening on %s", *addr)
	err := http.ListenAndServe(*addr, sv.routes())
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("billing-http: %v", err)
	}
}
