//! The HTTP exchange as parity sees it: raw enough to send malformed requests and to compare
//! responses byte for byte.

/// A request as sent: the target is raw bytes so that malformed paths and query strings
/// (`%zz`, `//`, `..`) reach the server exactly as generated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    /// The method as sent (normally upper case; a malformed request may use another).
    pub method: String,
    /// The request target: path and query, as sent (`/invoices/7?limit=2`).
    pub target: String,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body (empty for none).
    pub body: Vec<u8>,
}

/// A response as received.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers in the order received, names lower case.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, whole.
    pub body: Vec<u8>,
}

impl Response {
    /// The values of header `name` (lower case), in order, joined with `, ` as RFC 9110 allows.
    pub fn header(&self, name: &str) -> Option<Vec<u8>> {
        let mut out: Option<Vec<u8>> = None;
        for (n, v) in &self.headers {
            if n == name {
                match &mut out {
                    Some(o) => {
                        o.extend_from_slice(b", ");
                        o.extend_from_slice(v);
                    }
                    None => out = Some(v.clone()),
                }
            }
        }
        out
    }
}

/// What one request got from one server: a closed set, as for function outcomes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    /// The server answered.
    Response(Response),
    /// The server did not answer within the timeout.
    Timeout,
    /// The connection failed or the server died while answering (the text says how; the
    /// server's exit status and last log lines when it died).
    Crash(String),
}
