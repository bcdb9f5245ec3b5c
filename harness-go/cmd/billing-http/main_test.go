package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func do(t *testing.T, h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestCreateReturnsTheInvoiceWithLocationAndEscapedHTML(t *testing.T) {
	h := (&server{}).routes()
	w := do(t, h, "POST", "/invoices", `{"customer":" <b> ","amount":"1,234.5","currency":"eur"}`)
	if w.Code != 201 || w.Header().Get("Location") != "/invoices/inv_1" {
		t.Fatalf("status %d, Location %q: %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{`"id":"inv_1"`, `"customer":"\u003cb\u003e"`, `"amount_cents":123450`, `"display":"1,234.50 EUR"`, `"tags":null`} {
		if !strings.Contains(body, want) {
			t.Errorf("body %s lacks %s", body, want)
		}
	}
	if !strings.HasSuffix(body, "}\n") {
		t.Errorf("the encoder's trailing newline is missing: %q", body)
	}
}

func TestDecodeFailuresUseOneMessageExceptUnknownFields(t *testing.T) {
	h := (&server{}).routes()
	tests := []struct{ body, want string }{
		{`{"customer":`, `{"error":"invalid JSON body"}` + "\n"},
		{`{"customer":5}`, `{"error":"invalid JSON body"}` + "\n"},
		{`{"x":1}`, `{"error":"unknown field \"x\""}` + "\n"},
	}
	for _, tt := range tests {
		w := do(t, h, "POST", "/invoices", tt.body)
		if w.Code != 400 || w.Body.String() != tt.want {
			t.Errorf("POST %s = %d %q, want 400 %q", tt.body, w.Code, w.Body, tt.want)
		}
	}
}

func TestValidationNamesTheField(t *testing.T) {
	h := (&server{}).routes()
	w := do(t, h, "POST", "/invoices", `{"customer":"A","amount":"1","currency":"EURO"}`)
	if w.Code != 422 || w.Body.String() != `{"error":"currency must be 3 letters","field":"currency"}`+"\n" {
		t.Errorf("got %d %q", w.Code, w.Body)
	}
}

func TestListPagesWithACursorAndResetRestartsIds(t *testing.T) {
	h := (&server{}).routes()
	for i := 0; i < 3; i++ {
		do(t, h, "POST", "/invoices", `{"customer":"A","amount":"1","currency":"EUR"}`)
	}
	w := do(t, h, "GET", "/invoices?limit=2", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"next_cursor":"AQAEAA"`) {
		t.Fatalf("first page: %d %s", w.Code, w.Body)
	}
	w = do(t, h, "GET", "/invoices?limit=2&cursor=AQAEAA", "")
	if !strings.Contains(w.Body.String(), `"id":"inv_3"`) || !strings.Contains(w.Body.String(), `"next_cursor":""`) {
		t.Errorf("second page: %s", w.Body)
	}
	if w := do(t, h, "GET", "/invoices?limit=0", ""); w.Code != 400 {
		t.Errorf("limit=0 answered %d", w.Code)
	}
	do(t, h, "POST", "/_reset", "")
	if w := do(t, h, "GET", "/invoices", ""); w.Body.String() != `{"items":null,"next_cursor":""}`+"\n" {
		t.Errorf("after reset: %s", w.Body)
	}
	if w := do(t, h, "POST", "/invoices", `{"customer":"A","amount":"1","currency":"EUR"}`); w.Header().Get("Location") != "/invoices/inv_1" {
		t.Errorf("ids did not restart: %s", w.Header().Get("Location"))
	}
}

func TestTheMuxAnswersWrongMethodsWithAllow(t *testing.T) {
	h := (&server{}).routes()
	w := do(t, h, "PUT", "/invoices/inv_1", "")
	if w.Code != 405 || w.Header().Get("Allow") != "DELETE, GET, HEAD, PATCH" {
		t.Errorf("got %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
}
