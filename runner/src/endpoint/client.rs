//! Sending requests: one keep-alive HTTP/1.1 connection per server (hyper's connection API on
//! tokio), reopened when the server closes it. Requests go out exactly as built: the target is
//! not normalized, so `//`, `..` and `%zz` reach the server as generated.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::http::{Answer, Request, Response};

/// A connection to one server.
pub struct Client {
    addr: SocketAddr,
    conn: Option<SendRequest<Full<Bytes>>>,
}

/// Why a request got no response (the caller decides whether the server crashed).
#[derive(Debug)]
pub enum Failure {
    /// No response within the timeout.
    Timeout,
    /// The connection failed or closed before a response; the text says how.
    Connection(String),
}

impl Client {
    /// A client for the server at `addr`; it connects on the first request.
    pub fn new(addr: SocketAddr) -> Client {
        Client { addr, conn: None }
    }

    /// Drops the connection (after a server restart).
    pub fn disconnect(&mut self) {
        self.conn = None;
    }

    async fn connect(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, String> {
        if self.conn.as_ref().is_some_and(|c| c.is_closed()) {
            self.conn = None;
        }
        if self.conn.is_none() {
            let stream = TcpStream::connect(self.addr)
                .await
                .map_err(|e| format!("cannot connect to {}: {e}", self.addr))?;
            let _ = stream.set_nodelay(true);
            let (sender, conn) = http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| format!("HTTP handshake with {} failed: {e}", self.addr))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            self.conn = Some(sender);
        }
        Ok(self.conn.as_mut().expect("connected above"))
    }

    /// Sends `req` and reads the whole response. A connection the server had closed is reopened
    /// once before the request counts as failed.
    pub async fn send(&mut self, req: &Request, timeout: Duration) -> Result<Response, Failure> {
        match tokio::time::timeout(timeout, self.send_once(req, true)).await {
            Ok(r) => r,
            Err(_) => {
                self.conn = None;
                Err(Failure::Timeout)
            }
        }
    }

    async fn send_once(&mut self, req: &Request, retry: bool) -> Result<Response, Failure> {
        let built = build(req).map_err(Failure::Connection)?;
        let sender = self.connect().await.map_err(Failure::Connection)?;
        if sender.ready().await.is_err() {
            self.conn = None;
            return Box::pin(self.send_once(req, false)).await;
        }
        match sender.send_request(built).await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let headers = resp
                    .headers()
                    .iter()
                    .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
                    .collect();
                let body = resp
                    .into_body()
                    .collect()
                    .await
                    .map_err(|e| {
                        Failure::Connection(format!("the connection broke in the body: {e}"))
                    })?
                    .to_bytes()
                    .to_vec();
                Ok(Response {
                    status,
                    headers,
                    body,
                })
            }
            Err(e) => {
                self.conn = None;
                // A keep-alive connection the server closed between requests fails before the
                // request was written: one fresh connection tells that from a real failure.
                if retry && (e.is_canceled() || e.is_closed() || e.is_incomplete_message()) {
                    Box::pin(self.send_once(req, false)).await
                } else {
                    Err(Failure::Connection(e.to_string()))
                }
            }
        }
    }
}

/// The hyper request for `req`. Header values with bytes HTTP forbids (controls) were already
/// removed when the request was built; a method or target hyper refuses is a failure to send.
fn build(req: &Request) -> Result<hyper::Request<Full<Bytes>>, String> {
    let method = hyper::Method::from_bytes(req.method.as_bytes())
        .map_err(|e| format!("method {:?} cannot be sent: {e}", req.method))?;
    let mut b = hyper::Request::builder()
        .method(method)
        .uri(req.target.as_str());
    let mut has_host = false;
    for (n, v) in &req.headers {
        has_host |= n.eq_ignore_ascii_case("host");
        b = b.header(n.as_str(), v.as_slice());
    }
    if !has_host {
        b = b.header("host", "127.0.0.1");
    }
    b.body(Full::new(Bytes::from(req.body.clone())))
        .map_err(|e| format!("request {} {} cannot be sent: {e}", req.method, req.target))
}

/// An answer from a send result, given whether the server is still alive (`None`) or how it
/// ended (`Some(text)`).
pub fn answer(result: Result<Response, Failure>, died: Option<String>) -> Answer {
    match (result, died) {
        (Ok(r), _) => Answer::Response(r),
        (Err(_), Some(how)) => Answer::Crash(how),
        (Err(Failure::Timeout), None) => Answer::Timeout,
        (Err(Failure::Connection(text)), None) => Answer::Crash(text),
    }
}
