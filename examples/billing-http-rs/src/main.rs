//! `billing-http`: the careful Rust port of the Go service `harness-go/cmd/billing-http`.
//!
//! axum only carries bytes here: every request goes to one fallback handler, which routes,
//! decodes and encodes the way Go's `net/http`, `ServeMux` and `encoding/json` do (see
//! [`gomux`] and [`gojson`]), so that status, headers and body bytes match the Go service for
//! valid and malformed requests alike.
//!
//! ```text
//! billing-http [--addr 127.0.0.1:8080]
//! ```
//! Without `--addr` it listens on `127.0.0.1:$PORT`, or `127.0.0.1:8080` when `PORT` is unset.

mod app;
mod gojson;
mod gomux;

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode, Version};
use axum::response::Response;
use axum::Router;

use app::{App, Req};

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, usize::MAX).await.ok();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q.as_bytes())),
        None => (path_and_query, None),
    };
    let has_host = parts.version != Version::HTTP_11
        || parts.headers.contains_key(header::HOST)
        || parts.uri.authority().is_some();
    let r = Req {
        method: parts.method.as_str(),
        path: path.as_bytes(),
        query,
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .map(HeaderValue::as_bytes),
        has_host,
        body: body.as_deref(),
    };
    let reply = app.serve(&r);
    let mut resp = Response::new(Body::from(reply.body));
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().append(HeaderName::from_static(name), v);
        }
    }
    resp
}

fn addr_from_args() -> Result<String, String> {
    let mut addr = match std::env::var("PORT") {
        Ok(p) if !p.is_empty() => format!("127.0.0.1:{p}"),
        _ => "127.0.0.1:8080".to_string(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--addr" | "-addr" => addr = args.next().ok_or("--addr needs HOST:PORT")?,
            s if s.starts_with("--addr=") => addr = s["--addr=".len()..].to_string(),
            other => {
                return Err(format!(
                    "unknown argument {other:?} (usage: billing-http [--addr HOST:PORT])"
                ))
            }
        }
    }
    Ok(addr)
}

#[tokio::main]
async fn main() {
    let addr = match addr_from_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("billing-http: {e}");
            std::process::exit(2);
        }
    };
    let app = Router::new()
        .fallback(handle)
        .with_state(Arc::new(App::default()));
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("billing-http: listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    eprintln!("billing-http: listening on {addr}");
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("billing-http: {e}");
        std::process::exit(1);
    }
}
