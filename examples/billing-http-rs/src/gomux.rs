//! Go's `net/http` server and `ServeMux` (Go 1.22+ patterns, as of Go 1.26), for the requests
//! that never reach a handler or reach it through Go's URL model.
//!
//! Measured on the Go service with raw requests (see `tools/smoke.py`):
//! - a bad `%` escape in the path or a path that is not absolute: the server answers
//!   `400 Bad Request`, `text/plain; charset=utf-8`, `Connection: close`, body `400 Bad Request`;
//! - no `Host` header on HTTP/1.1: the same with `400 Bad Request: missing required Host header`;
//! - `*` as the target: `OPTIONS` gets an empty 200, any other method an empty 400;
//! - the mux works on the *escaped* path (`URL.EscapedPath`): `%41` is decoded and re-escaped as
//!   `A`, `<` becomes `%3C`, `%2F` stays inside its segment (`/invoices/a%2Fb` is id `a/b`);
//! - a path that `path.Clean` changes (`//`, `.`, `..`) is redirected with **307** (Go 1.26;
//!   earlier versions sent 301) to the cleaned path re-escaped once more (`%2F` → `%252F`),
//!   the raw query kept; `GET` and `HEAD` get `text/html; charset=utf-8` and `GET` the body
//!   `<a href="URL">Temporary Redirect</a>.\n\n` with the URL HTML-escaped;
//! - segments are matched after unescaping each one (`/inv%6fices` is `/invoices`); a trailing
//!   slash matches no pattern of this service, and neither does a segment that unescapes to `/`
//!   alone (`/invoices/%2F`: the routing tree takes it for a trailing slash, so 404 for every
//!   method, where `/invoices/a%2Fb` is id `a/b`);
//! - a path some pattern matches with another method: 405 `Method Not Allowed\n` with the
//!   sorted `Allow` list (GET patterns also allow HEAD; methods are case-sensitive);
//! - otherwise 404 `404 page not found\n`; both as `http.Error` writes them
//!   (`text/plain; charset=utf-8`, `X-Content-Type-Options: nosniff`).

/// A response before it is turned into an axum one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// `http.Error(w, msg, status)`.
    pub fn go_error(status: u16, msg: &str) -> Reply {
        Reply {
            status,
            headers: vec![
                ("content-type", "text/plain; charset=utf-8".into()),
                ("x-content-type-options", "nosniff".into()),
            ],
            body: format!("{msg}\n").into_bytes(),
        }
    }

    /// The server's own answer to a request it could not parse.
    pub fn bad_request(detail: &str) -> Reply {
        Reply {
            status: 400,
            headers: vec![
                ("content-type", "text/plain; charset=utf-8".into()),
                ("connection", "close".into()),
            ],
            body: format!("400 Bad Request{detail}").into_bytes(),
        }
    }
}

fn unhex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Go's `url.unescape`: every `%` needs two hex digits; `+` is a space only in query mode.
pub fn unescape(s: &[u8], query: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                let hi = unhex(*s.get(i + 1)?)?;
                let lo = unhex(*s.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' if query => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Go's `shouldEscape(c, encodePath)`.
fn should_escape_path(c: u8) -> bool {
    !(c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'-' | b'_'
                | b'.'
                | b'~'
                | b'$'
                | b'&'
                | b'+'
                | b','
                | b'/'
                | b':'
                | b';'
                | b'='
                | b'@'
        ))
}

/// Go's `url.escape(s, encodePath)`: upper-case hex.
pub fn escape_path(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s {
        if should_escape_path(c) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(c as char);
        }
    }
    out
}

/// Go's `validEncoded(s, encodePath)`.
fn valid_encoded(s: &[u8]) -> bool {
    s.iter().all(|&c| {
        matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape_path(c)
    })
}

/// `URL.EscapedPath()` of a request whose raw path is `raw`, or `None` when Go's request
/// parsing rejects it.
pub fn escaped_path(raw: &[u8]) -> Option<String> {
    let path = unescape(raw, false)?;
    // setPath keeps RawPath only when it differs from the default encoding; EscapedPath uses
    // it when it is validly encoded and decodes to Path.
    if raw != escape_path(&path).as_bytes() && valid_encoded(raw) {
        return Some(String::from_utf8_lossy(raw).into_owned());
    }
    Some(escape_path(&path))
}

/// Go's `path.Clean`.
pub fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// The mux's `cleanPath`: rooted, cleaned, trailing slash kept.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return "/".into();
    }
    let p = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    };
    let mut np = path_clean(&p);
    if p.ends_with('/') && np != "/" {
        np.push('/');
    }
    np
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The mux's redirect to `cleaned` (an escaped path, escaped once more as `url.URL.String`
/// does) through `http.Redirect` with 307.
pub fn redirect(method: &str, cleaned: &str, raw_query: Option<&[u8]>) -> Reply {
    let mut url = escape_path(cleaned.as_bytes());
    if let Some(q) = raw_query.filter(|q| !q.is_empty()) {
        url.push('?');
        // hexEscapeNonASCII, lower-case hex.
        for &c in q {
            if c >= 0x80 {
                url.push_str(&format!("%{c:x}"));
            } else {
                url.push(c as char);
            }
        }
    }
    let mut headers = vec![];
    if method == "GET" || method == "HEAD" {
        headers.push(("content-type", "text/html; charset=utf-8".to_string()));
    }
    headers.push(("location", url.clone()));
    let body = if method == "GET" {
        format!(
            "<a href=\"{}\">Temporary Redirect</a>.\n\n",
            html_escape(&url)
        )
        .into_bytes()
    } else {
        Vec::new()
    };
    Reply {
        status: 307,
        headers,
        body,
    }
}

/// The segments of an escaped path as the mux's `firstSegment` takes them: each unescaped (a
/// bad escape kept as is), and a trailing `/` as a segment `"/"` of its own.
///
/// The unescaping comes first, so a whole segment `%2F` (or `%2f`) is the segment `"/"` too, and
/// the tree takes it for a trailing slash: no `{id}` wildcard matches it (`matchPath` skips the
/// wildcard for `"/"`), and `/invoices/%2F` is a 404 for every method, not the handler's 404.
/// An empty segment (only CONNECT paths keep `//`) does match a wildcard.
pub fn segments(path: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if rest == "/" {
            out.push(b"/".to_vec());
            break;
        }
        let tail = rest.strip_prefix('/').unwrap_or(rest);
        let end = tail.find('/').unwrap_or(tail.len());
        let seg = &tail[..end];
        out.push(unescape(seg.as_bytes(), false).unwrap_or_else(|| seg.as_bytes().to_vec()));
        rest = &tail[end..];
    }
    out
}

/// Go's `url.ParseQuery` followed by `Values.Get(key)`: the first value of `key`, `""` when
/// absent. Pairs with a `;` or a bad escape are dropped.
pub fn query_get(raw: &[u8], key: &str) -> Vec<u8> {
    for part in raw.split(|&b| b == b'&') {
        if part.is_empty() || part.contains(&b';') {
            continue;
        }
        let (k, v) = match part.iter().position(|&b| b == b'=') {
            Some(eq) => (&part[..eq], &part[eq + 1..]),
            None => (part, &b""[..]),
        };
        let (Some(k), Some(v)) = (unescape(k, true), unescape(v, true)) else {
            continue;
        };
        if k == key.as_bytes() {
            return v;
        }
    }
    Vec::new()
}

/// Go's `strconv.Atoi` (base 10, optional sign, no underscores, int64 range).
pub fn atoi(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i128 = 0;
    for &d in digits {
        v = v * 10 + i128::from(d - b'0');
        if v > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}
