//! `billing-http-naive`: the port of `harness-go/cmd/billing-http` an engineer writes in an
//! afternoon with idiomatic axum and serde derive. Its business logic is right (same ids, same
//! validation, the careful `billing` crate); every divergence is an HTTP-port mistake, planted
//! on purpose for parity to find. Each with a request that shows it:
//!
//! 1. `Json<T>` rejections: axum answers bad JSON, unknown fields and wrong types with its own
//!    `text/plain` bodies and 400/422 (`POST /invoices` body `{"customer":`; body
//!    `{"extra":1}`; body `{"customer":5}`), where Go sends 400 JSON `{"error":...}`.
//! 2. Missing or other Content-Type: axum's `Json` demands `application/json` and answers
//!    415 in text (`POST /invoices` without Content-Type: Go accepts it; `text/plain`: Go's body
//!    is JSON).
//! 3. Trailing data is an error for serde_json (`POST /invoices` body `{...}garbage`: Go 201).
//! 4. Keys are case-sensitive for serde (`{"CUSTOMER":"A",...}`: Go matches `customer`).
//! 5. Duplicate keys are an error for serde derive (`{"customer":"A","customer":"B",...}`:
//!    Go takes the last).
//! 6. `null` for a string field is a type error for serde (`{"customer":null,...}`: Go leaves
//!    it empty, so 422 customer), and top-level `null` too (Go: 422).
//! 7. `tags` is a `Vec<String>` with `#[serde(default)]`: an invoice created without tags has
//!    `"tags":[]` where Go sends `null`.
//! 8. An empty list page is `"items":[]` where Go sends `null` (`GET /invoices` on an empty
//!    store).
//! 9. 404 bodies are `{"message":"invoice not found"}` instead of `{"error":...}`
//!    (`GET /invoices/inv_999`).
//! 10. No HTML escaping: serde_json writes `<`, `>`, `&`, U+2028 raw where Go writes `\u003c`
//!     (customer ` <b>Tom & Jerry</b> `), and no trailing newline after the JSON.
//! 11. axum's router: unknown paths get an empty 404 (`GET /nope`: Go `404 page not found\n`),
//!     wrong methods an empty 405 without HEAD in `Allow` for GET routes (`PUT /invoices`), no
//!     307 redirect for `//invoices` or `..`, and `/invoices/` is its own 404.
//! 12. `Query<T>` with `limit: Option<i64>`: `limit=` and `limit=abc` are axum's 400 text
//!     rejection, and repeated `limit=1&limit=2` is rejected (Go takes the first).

use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize)]
struct Invoice {
    id: String,
    customer: String,
    amount_cents: i64,
    currency: String,
    display: String,
    tags: Vec<String>,
    created_at: String,
    #[serde(skip)]
    number: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewInvoice {
    customer: String,
    amount: String,
    currency: String,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InvoicePatch {
    customer: Option<String>,
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NormalizeRequest {
    text: String,
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

#[derive(Default)]
struct Store {
    invoices: Vec<Invoice>,
    next_id: i64,
}

type Shared = Arc<Mutex<Store>>;

fn err(status: StatusCode, msg: &str) -> Response {
    (status, Json(serde_json::json!({ "error": msg }))).into_response()
}

fn field_err(msg: &str, field: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(serde_json::json!({ "error": msg, "field": field })),
    )
        .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({ "message": "invoice not found" })),
    )
        .into_response()
}

#[allow(clippy::result_large_err)] // an axum Response is the natural error of a handler helper
fn check_customer(s: &str) -> Result<String, Response> {
    let s = billing::go_unicode::trim_space(s);
    if s.is_empty() {
        return Err(field_err("customer must not be empty", "customer"));
    }
    if s.chars().count() > 64 {
        return Err(field_err(
            "customer must be at most 64 characters",
            "customer",
        ));
    }
    Ok(s.to_string())
}

fn now() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
}

async fn create(State(st): State<Shared>, Json(input): Json<NewInvoice>) -> Response {
    let customer = match check_customer(&input.customer) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let cents = match billing::parse_amount(&input.amount) {
        Ok(c) => c,
        Err(e) => return field_err(&e.to_string(), "amount"),
    };
    let currency = billing::go_unicode::uppercase(billing::go_unicode::trim_space(&input.currency));
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return field_err("currency must be 3 letters", "currency");
    }
    let mut s = st.lock().unwrap();
    s.next_id += 1;
    let inv = Invoice {
        id: format!("inv_{}", s.next_id),
        number: s.next_id,
        customer,
        amount_cents: cents,
        display: billing::format_amount(cents, &currency),
        currency,
        tags: input.tags,
        created_at: now(),
    };
    s.invoices.push(inv.clone());
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/invoices/{}", inv.id))],
        Json(inv),
    )
        .into_response()
}

async fn list(State(st): State<Shared>, Query(q): Query<ListQuery>) -> Response {
    let limit = q.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return err(StatusCode::BAD_REQUEST, "limit must be between 1 and 100");
    }
    let after = match billing::decode_cursor(q.cursor.as_deref().unwrap_or("")) {
        Ok(None) => 0,
        Ok(Some(c)) if !c.desc => c.id,
        _ => return err(StatusCode::BAD_REQUEST, "invalid cursor"),
    };
    let s = st.lock().unwrap();
    let rest: Vec<&Invoice> = s.invoices.iter().filter(|i| i.number > after).collect();
    let page: Vec<&Invoice> = rest.iter().take(limit as usize).copied().collect();
    let next = if rest.len() > page.len() {
        billing::encode_cursor(Some(&billing::Cursor {
            id: page[page.len() - 1].number,
            created_at: 0,
            desc: false,
        }))
    } else {
        String::new()
    };
    Json(serde_json::json!({ "items": page, "next_cursor": next })).into_response()
}

async fn get_one(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    let s = st.lock().unwrap();
    match s.invoices.iter().find(|i| i.id == id) {
        Some(inv) => Json(inv.clone()).into_response(),
        None => not_found(),
    }
}

async fn patch(
    State(st): State<Shared>,
    Path(id): Path<String>,
    Json(p): Json<InvoicePatch>,
) -> Response {
    let mut s = st.lock().unwrap();
    let Some(inv) = s.invoices.iter_mut().find(|i| i.id == id) else {
        return not_found();
    };
    if let Some(c) = p.customer {
        match check_customer(&c) {
            Ok(c) => inv.customer = c,
            Err(e) => return e,
        }
    }
    if let Some(t) = p.tags {
        inv.tags = t;
    }
    Json(inv.clone()).into_response()
}

async fn delete(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    let mut s = st.lock().unwrap();
    match s.invoices.iter().position(|i| i.id == id) {
        Some(k) => {
            s.invoices.remove(k);
            StatusCode::NO_CONTENT.into_response()
        }
        None => not_found(),
    }
}

async fn normalize(Json(r): Json<NormalizeRequest>) -> Response {
    Json(serde_json::json!({ "slug": billing::slugify(&r.text), "title": billing::title_case(&r.text) }))
        .into_response()
}

async fn reset(State(st): State<Shared>) -> StatusCode {
    *st.lock().unwrap() = Store::default();
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() {
    let mut addr = match std::env::var("PORT") {
        Ok(p) if !p.is_empty() => format!("127.0.0.1:{p}"),
        _ => "127.0.0.1:8080".to_string(),
    };
    let args: Vec<String> = std::env::args().collect();
    if let Some(k) = args.iter().position(|a| a == "--addr") {
        addr = args.get(k + 1).cloned().unwrap_or(addr);
    }
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/_reset", post(reset))
        .route("/invoices", post(create).get(list))
        .route("/invoices/{id}", get(get_one).patch(patch).delete(delete))
        .route("/normalize", post(normalize))
        .with_state(Shared::default());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("bind --addr");
    axum::serve(listener, app).await.expect("serve");
}
