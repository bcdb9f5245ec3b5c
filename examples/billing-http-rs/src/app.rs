//! The service itself: routes, store and handlers, as in `harness-go/cmd/billing-http`.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use billing::go_unicode::{trim_space, uppercase};

use crate::gojson::{self, DecodeError, Field, GoSlice, Obj};
use crate::gomux::{self, Reply};

/// A stored invoice.
#[derive(Clone, Debug)]
struct Invoice {
    id: String,
    number: i64,
    customer: String,
    amount_cents: i64,
    currency: String,
    display: String,
    tags: Option<Vec<String>>,
    created_at: String,
}

impl Invoice {
    fn json(&self) -> Obj {
        let mut tags = String::new();
        gojson::write_strings(&mut tags, self.tags.as_deref());
        Obj::new()
            .str("id", &self.id)
            .str("customer", &self.customer)
            .int("amount_cents", self.amount_cents)
            .str("currency", &self.currency)
            .str("display", &self.display)
            .raw("tags", &tags)
            .str("created_at", &self.created_at)
    }
}

#[derive(Default)]
struct Store {
    invoices: Vec<Invoice>,
    next_id: i64,
}

/// The service's state.
#[derive(Default)]
pub struct App {
    store: Mutex<Store>,
}

/// One request as the handlers see it.
pub struct Req<'a> {
    /// The method, as sent.
    pub method: &'a str,
    /// The request target's path, as sent (`*` for the asterisk form).
    pub path: &'a [u8],
    /// The raw query (without `?`), if the target had a `?`.
    pub query: Option<&'a [u8]>,
    /// The first `Content-Type` header, if any.
    pub content_type: Option<&'a [u8]>,
    /// Whether a `Host` header is present (or the protocol does not need one).
    pub has_host: bool,
    /// The body, or `None` when reading it failed.
    pub body: Option<&'a [u8]>,
}

fn json(status: u16, body: String) -> Reply {
    Reply {
        status,
        headers: vec![("content-type", "application/json".into())],
        body: body.into_bytes(),
    }
}

fn error(status: u16, msg: &str) -> Reply {
    json(status, Obj::new().str("error", msg).finish())
}

fn field_error(msg: &str, field: &str) -> Reply {
    json(
        422,
        Obj::new().str("error", msg).str("field", field).finish(),
    )
}

fn no_content() -> Reply {
    Reply {
        status: 204,
        headers: vec![],
        body: vec![],
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Healthz,
    Reset,
    Create,
    List,
    Get,
    Patch,
    Delete,
    Normalize,
}

/// The patterns in registration order: method, literal segments (`None` is `{id}`), route.
const ROUTES: &[(&str, &[Option<&str>], Route)] = &[
    ("GET", &[Some("healthz")], Route::Healthz),
    ("POST", &[Some("_reset")], Route::Reset),
    ("POST", &[Some("invoices")], Route::Create),
    ("GET", &[Some("invoices")], Route::List),
    ("GET", &[Some("invoices"), None], Route::Get),
    ("PATCH", &[Some("invoices"), None], Route::Patch),
    ("DELETE", &[Some("invoices"), None], Route::Delete),
    ("POST", &[Some("normalize")], Route::Normalize),
];

fn matches(pattern: &[Option<&str>], segs: &[Vec<u8>]) -> Option<Option<Vec<u8>>> {
    if pattern.len() != segs.len() {
        return None;
    }
    let mut id = None;
    for (p, s) in pattern.iter().zip(segs) {
        match p {
            Some(lit) if lit.as_bytes() == s.as_slice() => {}
            Some(_) => return None,
            // matchPath: "single wildcards don't match trailing slashes".
            None if s == b"/" => return None,
            None => id = Some(s.clone()),
        }
    }
    Some(id)
}

impl App {
    /// Answers one request exactly as the Go service does.
    pub fn serve(&self, r: &Req<'_>) -> Reply {
        if !r.has_host {
            return Reply::bad_request(": missing required Host header");
        }
        if r.path == b"*" {
            if r.method == "OPTIONS" {
                return Reply {
                    status: 200,
                    headers: vec![],
                    body: vec![],
                };
            }
            return Reply {
                status: 400,
                headers: vec![("connection", "close".into())],
                body: vec![],
            };
        }
        if !r.path.starts_with(b"/") {
            return Reply::bad_request("");
        }
        let Some(escaped) = gomux::escaped_path(r.path) else {
            return Reply::bad_request("");
        };
        let path = if r.method == "CONNECT" {
            escaped.clone()
        } else {
            let cleaned = gomux::clean_path(&escaped);
            if cleaned != escaped {
                return gomux::redirect(r.method, &cleaned, r.query);
            }
            cleaned
        };
        let segs = gomux::segments(&path);
        let method = if r.method == "HEAD" { "GET" } else { r.method };
        let mut allowed: Vec<&str> = Vec::new();
        for (m, pattern, route) in ROUTES {
            if let Some(id) = matches(pattern, &segs) {
                if *m == method {
                    return self.handle(*route, id.unwrap_or_default(), r);
                }
                allowed.push(m);
                if *m == "GET" {
                    allowed.push("HEAD");
                }
            }
        }
        if allowed.is_empty() {
            return Reply::go_error(404, "404 page not found");
        }
        allowed.sort_unstable();
        allowed.dedup();
        let mut reply = Reply::go_error(405, "Method Not Allowed");
        reply.headers.insert(0, ("allow", allowed.join(", ")));
        reply
    }

    fn handle(&self, route: Route, id: Vec<u8>, r: &Req<'_>) -> Reply {
        match route {
            Route::Healthz => Reply {
                status: 200,
                headers: vec![("content-type", "text/plain; charset=utf-8".into())],
                body: b"ok".to_vec(),
            },
            Route::Reset => {
                *self.store.lock().unwrap() = Store::default();
                no_content()
            }
            Route::Create => self.create(r),
            Route::List => self.list(r),
            Route::Get => {
                let store = self.store.lock().unwrap();
                match store.invoices.iter().find(|i| i.id.as_bytes() == id) {
                    Some(inv) => json(200, inv.json().finish()),
                    None => error(404, "invoice not found"),
                }
            }
            Route::Patch => self.patch(&id, r),
            Route::Delete => {
                let mut store = self.store.lock().unwrap();
                match store.invoices.iter().position(|i| i.id.as_bytes() == id) {
                    Some(k) => {
                        store.invoices.remove(k);
                        no_content()
                    }
                    None => error(404, "invoice not found"),
                }
            }
            Route::Normalize => {
                let mut text = String::new();
                if let Err(e) = decode_body(r, &mut [("text", Field::Str(&mut text))]) {
                    return e;
                }
                json(
                    200,
                    Obj::new()
                        .str("slug", &billing::slugify(&text))
                        .str("title", &billing::title_case(&text))
                        .finish(),
                )
            }
        }
    }

    fn create(&self, r: &Req<'_>) -> Reply {
        let (mut customer, mut amount, mut currency) =
            (String::new(), String::new(), String::new());
        let mut tags = GoSlice::default();
        if let Err(e) = decode_body(
            r,
            &mut [
                ("customer", Field::Str(&mut customer)),
                ("amount", Field::Str(&mut amount)),
                ("currency", Field::Str(&mut currency)),
                ("tags", Field::Strings(&mut tags)),
            ],
        ) {
            return e;
        }
        let customer = match check_customer(&customer) {
            Ok(c) => c,
            Err(e) => return e,
        };
        let cents = match billing::parse_amount(&amount) {
            Ok(c) => c,
            Err(e) => return field_error(&e.to_string(), "amount"),
        };
        let Some(currency) = check_currency(&currency) else {
            return field_error("currency must be 3 letters", "currency");
        };
        let mut store = self.store.lock().unwrap();
        store.next_id += 1;
        let inv = Invoice {
            id: format!("inv_{}", store.next_id),
            number: store.next_id,
            customer,
            amount_cents: cents,
            display: billing::format_amount(cents, &currency),
            currency,
            tags: tags.value(),
            created_at: rfc3339_nano_now(),
        };
        store.invoices.push(inv.clone());
        let mut reply = json(201, inv.json().finish());
        reply
            .headers
            .insert(0, ("location", format!("/invoices/{}", inv.id)));
        reply
    }

    fn list(&self, r: &Req<'_>) -> Reply {
        let q = r.query.unwrap_or_default();
        let mut limit = 10usize;
        let s = gomux::query_get(q, "limit");
        if !s.is_empty() {
            match gomux::atoi(&s) {
                Some(n) if (1..=100).contains(&n) => limit = n as usize,
                _ => return error(400, "limit must be between 1 and 100"),
            }
        }
        let cursor = gomux::query_get(q, "cursor");
        let after = match std::str::from_utf8(&cursor).map(billing::decode_cursor) {
            Ok(Ok(None)) => 0,
            Ok(Ok(Some(c))) if !c.desc => c.id,
            _ => return error(400, "invalid cursor"),
        };
        let store = self.store.lock().unwrap();
        let mut items: Vec<&Invoice> = Vec::new();
        let mut next = String::new();
        for inv in store.invoices.iter().filter(|i| i.number > after) {
            if items.len() == limit {
                let last = items[limit - 1].number;
                next = billing::encode_cursor(Some(&billing::Cursor {
                    id: last,
                    created_at: 0,
                    desc: false,
                }));
                break;
            }
            items.push(inv);
        }
        let items_json = if items.is_empty() {
            "null".to_string()
        } else {
            let parts: Vec<String> = items.iter().map(|i| i.json().close()).collect();
            format!("[{}]", parts.join(","))
        };
        json(
            200,
            Obj::new()
                .raw("items", &items_json)
                .str("next_cursor", &next)
                .finish(),
        )
    }

    fn patch(&self, id: &[u8], r: &Req<'_>) -> Reply {
        let mut customer: Option<String> = None;
        let mut tags: Option<GoSlice> = None;
        if let Err(e) = decode_body(
            r,
            &mut [
                ("customer", Field::PtrStr(&mut customer)),
                ("tags", Field::PtrStrings(&mut tags)),
            ],
        ) {
            return e;
        }
        let mut store = self.store.lock().unwrap();
        let Some(inv) = store.invoices.iter_mut().find(|i| i.id.as_bytes() == id) else {
            return error(404, "invoice not found");
        };
        if let Some(c) = customer {
            match check_customer(&c) {
                Ok(c) => inv.customer = c,
                Err(e) => return e,
            }
        }
        if let Some(t) = tags {
            inv.tags = t.value();
        }
        json(200, inv.json().finish())
    }
}

/// The Content-Type check and the body decode, with the Go service's error answers.
fn decode_body(r: &Req<'_>, fields: &mut [(&str, Field<'_>)]) -> Result<(), Reply> {
    if let Some(ct) = r.content_type.filter(|ct| !ct.is_empty()) {
        let mt = ct.split(|&b| b == b';').next().unwrap_or_default();
        let ok = std::str::from_utf8(mt)
            .map(|mt| billing::go_unicode::lowercase(trim_space(mt)) == "application/json")
            .unwrap_or(false);
        if !ok {
            return Err(error(415, "content type must be application/json"));
        }
    }
    let Some(body) = r.body else {
        return Err(error(400, "invalid JSON body"));
    };
    gojson::decode(body, fields).map_err(|e| match e {
        DecodeError::Invalid => error(400, "invalid JSON body"),
        DecodeError::UnknownField(q) => error(400, &format!("unknown field {q}")),
    })
}

fn check_customer(s: &str) -> Result<String, Reply> {
    let s = trim_space(s);
    if s.is_empty() {
        return Err(field_error("customer must not be empty", "customer"));
    }
    if s.chars().count() > 64 {
        return Err(field_error(
            "customer must be at most 64 characters",
            "customer",
        ));
    }
    Ok(s.to_string())
}

fn check_currency(s: &str) -> Option<String> {
    let s = uppercase(trim_space(s));
    (s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())).then_some(s)
}

/// `time.Now().UTC()` as Go's `time.Time` marshals it (RFC 3339 with trimmed nanoseconds).
fn rfc3339_nano_now() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut s = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    );
    let nanos = d.subsec_nanos();
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push('Z');
    s
}
