//! A diverging sequence as a [`Finding`] the shared reporters print: the requests as `curl`
//! commands, each side's answer to the last one (status, compared headers, body) for the
//! `(-go +rust)` diff, and paste-ready regression tests (Go with `net/http/httptest`, Rust with
//! the standard library).

use super::cluster::StepTrace;
use super::http::{Answer, Request};
use super::response::Difference;
use crate::compare::Divergence;
use crate::outcome::{Class, Side};
use crate::report::{Finding, FindingKind, Origin, SequenceKind, SequenceNote};
use crate::sequence::Sequence;
use crate::spec::Spec;

pub use crate::sequence::Counts;

/// The finding of a confirmed, minimized diverging sequence.
pub fn finding(
    spec: &Spec,
    seq: &Sequence,
    trace: &[StepTrace],
    diffs: &[Difference],
    counts: &Counts,
) -> Finding {
    let last = trace.last().expect("a diverging sequence has a step");
    let ep = &spec.endpoints[seq.last().expect("non-empty").target];
    let first = diffs.first().cloned().unwrap_or(Difference {
        path: "/".into(),
        kind: super::response::DiffKind::Value,
        go: String::new(),
        rust: String::new(),
    });
    let raw_bytes = first.kind == super::response::DiffKind::JsonBytes;
    let mut f = base(spec, seq, trace);
    f.go = answer_text(ep, &last.answers[0], raw_bytes);
    f.rust = answer_text(ep, &last.answers[2], raw_bytes);
    f.divergence = Divergence {
        go_class: class(&last.answers[0]),
        rust_class: class(&last.answers[2]),
        path: first.path.clone(),
        rule: first.kind.as_str().to_string(),
        go: Some(first.go.clone()),
        rust: Some(first.rust.clone()),
        shape: String::new(),
    };
    counts.apply(&mut f);
    if let Some(h) = f.sequence.as_mut() {
        h.differences = diffs.iter().map(|d| d.to_string()).collect();
        h.go_test = go_test(spec, seq, trace);
        h.rust_test = rust_test(spec, seq, trace);
    }
    f
}

/// The finding of a sequence whose divergence did not repeat when run again from reset: the side
/// whose answer to the last step changed between the two runs (beyond noise), with both answers.
pub fn nondeterministic(
    spec: &Spec,
    seq: &Sequence,
    trace: &[StepTrace],
    first: &StepTrace,
    noise: &super::noise::NoiseFilter,
) -> Finding {
    let mut f = base(spec, seq, trace);
    let ep = &spec.endpoints[seq.last().expect("non-empty").target];
    let again = trace.last().unwrap_or(first);
    let changed = |i: usize| {
        super::response::differences(ep, &first.answers[i], &again.answers[i])
            .iter()
            .any(|d| !super::noise::Noise::is_noise(noise, &ep.name, d))
    };
    let (side, i) = if changed(0) {
        (Side::Go, 0)
    } else {
        (Side::Rust, 2)
    };
    f.kind = FindingKind::Nondeterministic {
        side,
        first: answer_text(ep, &first.answers[i], false),
        then: answer_text(ep, &again.answers[i], false),
    };
    f
}

fn base(spec: &Spec, seq: &Sequence, trace: &[StepTrace]) -> Finding {
    let ep = &spec.endpoints[seq.last().expect("non-empty").target];
    let input = trace
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("step {}", i + 1), one_line(&t.requests[0])))
        .collect();
    let go_curl: Vec<String> = trace.iter().map(|t| curl(&t.requests[0], "$GO")).collect();
    let rust_curl: Vec<String> = trace
        .iter()
        .map(|t| curl(&t.requests[2], "$RUST"))
        .collect();
    Finding {
        function: ep.name.clone(),
        kind: FindingKind::Divergence,
        origin: Origin::Generated,
        input,
        typed_input: Vec::new(),
        spec_line: Some(ep.location.line),
        go_call: go_curl.join(" && "),
        rust_call: rust_curl.join(" && "),
        go: String::new(),
        rust: String::new(),
        divergence: Divergence {
            go_class: Class::Ok,
            rust_class: Class::Ok,
            path: String::new(),
            rule: String::new(),
            go: None,
            rust: None,
            shape: String::new(),
        },
        shrink: None,
        corpus_file: None,
        review: None,
        bug: None,
        sequence: Some(Box::new(SequenceNote {
            kind: SequenceKind::Requests,
            steps: go_curl,
            rust_steps: rust_curl,
            steps_before: seq.len(),
            steps_after: seq.len(),
            differences: Vec::new(),
            go_test: String::new(),
            rust_test: String::new(),
        })),
    }
}

fn class(a: &Answer) -> Class {
    match a {
        Answer::Response(_) => Class::Ok,
        Answer::Timeout => Class::Timeout,
        Answer::Crash(_) => Class::Crash,
    }
}

/// `POST /invoices {"customer":"a"}`: a request on one line, for the input list.
fn one_line(r: &Request) -> String {
    let mut s = format!("{} {}", r.method, r.target);
    if !r.body.is_empty() {
        s.push(' ');
        s.push_str(&crate::readable::go_quote(&r.body));
    }
    s
}

/// What a side answered, as the lines the diff compares: the status, the compared headers
/// (sorted) and the body (pretty JSON when it is JSON and `raw` is false).
fn answer_text(ep: &crate::spec::EndpointSpec, a: &Answer, raw: bool) -> String {
    let r = match a {
        Answer::Response(r) => r,
        Answer::Timeout => return "(no answer: timed out)".into(),
        Answer::Crash(why) => return format!("(no answer: {why})"),
    };
    let mut out = format!("HTTP {}", r.status);
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(n, _)| ep.headers.compared(n))
        .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    headers.sort();
    for (n, v) in headers {
        out.push_str(&format!("\n{n}: {v}"));
    }
    out.push('\n');
    let pretty = if raw {
        None
    } else {
        serde_json::from_slice::<serde_json::Value>(&r.body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
    };
    match pretty {
        Some(p) => {
            out.push('\n');
            out.push_str(&p);
        }
        None if r.body.is_empty() => out.push_str("\n(empty body)"),
        None => {
            out.push('\n');
            out.push_str(&crate::readable::go_quote(&r.body));
        }
    }
    out
}

/// A shell word: single-quoted, with `'` spelt `'\''`.
fn shell(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The request as a `curl` command against the base URL in variable `base` (`$GO`, `$RUST`).
pub fn curl(r: &Request, base: &str) -> String {
    let mut s = String::from("curl -si --path-as-is");
    if r.method != "GET" || !r.body.is_empty() {
        s.push_str(&format!(" -X {}", r.method));
    }
    s.push_str(&format!(" \"{base}\"{}", shell(&r.target)));
    for (n, v) in &r.headers {
        s.push_str(&format!(
            " -H {}",
            shell(&format!("{n}: {}", String::from_utf8_lossy(v)))
        ));
    }
    if !r.body.is_empty() {
        match std::str::from_utf8(&r.body) {
            Ok(text) if !text.chars().any(|c| c.is_control() && c != '\n') => {
                s.push_str(&format!(" --data-binary {}", shell(text)));
            }
            _ => {
                let esc: String = r.body.iter().map(|b| format!("\\x{b:02x}")).collect();
                s.push_str(&format!(" --data-binary \"$(printf '{esc}')\""));
            }
        }
    }
    s
}

/// A Go string literal for `bytes` (a raw string when it can be one).
fn go_lit(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.contains('`') && !s.chars().any(|c| c.is_control() && c != '\n') => {
            format!("`{s}`")
        }
        _ => crate::readable::go_quote(bytes),
    }
}

/// A Rust byte-string literal for `bytes`.
fn rust_lit(bytes: &[u8]) -> String {
    let mut s = String::from("b\"");
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            b'\n' => s.push_str("\\n"),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    s
}

fn test_name(spec: &Spec, seq: &Sequence) -> String {
    let ep = &spec.endpoints[seq.last().expect("non-empty").target];
    ep.name.clone()
}

/// A Go regression test with `net/http/httptest`: the Go requests, then Go's status and body
/// for the last one. `newHandler()` stands for the service's `http.Handler`.
fn go_test(spec: &Spec, seq: &Sequence, trace: &[StepTrace]) -> String {
    let mut s = format!(
        "func Test{}MatchesParityFinding(t *testing.T) {{\n\tsrv := httptest.NewServer(newHandler()) // your service's http.Handler\n\tdefer srv.Close()\n\tvar resp *http.Response\n\tvar body []byte\n",
        test_name(spec, seq)
    );
    for (i, t) in trace.iter().enumerate() {
        let r = &t.requests[0];
        s.push_str(&format!(
            "\t// step {}\n\treq, _ := http.NewRequest({:?}, srv.URL+{}, strings.NewReader({}))\n",
            i + 1,
            r.method,
            go_lit(r.target.as_bytes()),
            go_lit(&r.body)
        ));
        for (n, v) in &r.headers {
            s.push_str(&format!("\treq.Header.Set({n:?}, {})\n", go_lit(v)));
        }
        s.push_str("\tresp, err := http.DefaultClient.Do(req)\n\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n\tbody, _ = io.ReadAll(resp.Body)\n\tresp.Body.Close()\n");
        if i + 1 < trace.len() {
            s.push_str("\t_ = body\n");
        }
    }
    if let Some(Answer::Response(r)) = trace.last().map(|t| &t.answers[0]) {
        s.push_str(&format!(
            "\tif resp.StatusCode != {} {{\n\t\tt.Errorf(\"status %d, want {}\", resp.StatusCode)\n\t}}\n\tif got, want := string(body), {}; got != want {{\n\t\tt.Errorf(\"body %q, want %q\", got, want)\n\t}}\n",
            r.status,
            r.status,
            go_lit(&r.body)
        ));
    }
    s.push('}');
    s.replace("\treq, _ := ", "\treq, _ = ")
        .replacen("\treq, _ = ", "\treq, _ := ", 1)
        .replace("\tresp, err := ", "\tresp, err = ")
        .replacen("\tresp, err = ", "\tresp, err := ", 1)
}

/// A Rust regression test with the standard library only: the Rust requests against the
/// port's address, then Go's status and body for the last one. `start_server()` stands for
/// starting the port on a loopback port.
fn rust_test(spec: &Spec, seq: &Sequence, trace: &[StepTrace]) -> String {
    let mut s = format!(
        "#[test]\nfn {}_answers_as_go_did() {{\n    let addr = start_server(); // your port, listening on 127.0.0.1:0, e.g. \"127.0.0.1:41234\"\n",
        crate::render::snake_case(&test_name(spec, seq))
    );
    for (i, t) in trace.iter().enumerate() {
        let r = &t.requests[2];
        let headers: Vec<String> = r
            .headers
            .iter()
            .map(|(n, v)| format!("({n:?}, {})", rust_lit(v)))
            .collect();
        s.push_str(&format!(
            "    let (status, body) = send(&addr, {:?}, {:?}, &[{}], {});\n",
            r.method,
            r.target,
            headers.join(", "),
            rust_lit(&r.body)
        ));
        if i + 1 < trace.len() {
            s.push_str("    let _ = (status, body);\n");
        }
    }
    if let Some(Answer::Response(r)) = trace.last().map(|t| &t.answers[0]) {
        s.push_str(&format!(
            "    assert_eq!(status, {});\n    assert_eq!(String::from_utf8_lossy(&body), String::from_utf8_lossy({}));\n",
            r.status,
            rust_lit(&r.body)
        ));
    }
    s.push_str("}\n\n");
    s.push_str(RUST_SEND);
    s
}

/// The helper the Rust test calls: one HTTP/1.1 request over a fresh connection.
const RUST_SEND: &str = r#"fn send(addr: &str, method: &str, target: &str, headers: &[(&str, &[u8])], body: &[u8]) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len()).into_bytes();
    for (n, v) in headers {
        req.extend_from_slice(n.as_bytes());
        req.extend_from_slice(b": ");
        req.extend_from_slice(v);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(body);
    s.write_all(&req).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let head_end = resp.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&resp[..head_end]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = resp[head_end + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        let (mut out, mut rest) = (Vec::new(), &body[..]);
        while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
            let n = usize::from_str_radix(std::str::from_utf8(&rest[..i]).unwrap().trim(), 16).unwrap();
            if n == 0 { break; }
            out.extend_from_slice(&rest[i + 2..i + 2 + n]);
            rest = &rest[i + 4 + n..];
        }
        body = out;
    }
    (status, body)
}"#;

/// The snapshot body of an endpoint finding: only what does not vary between runs (the Go
/// requests, both statuses and the differences that are not noise).
pub fn snapshot_body(f: &Finding) -> String {
    let mut s = format!("endpoint: {}\nsequence:\n", f.function);
    if let Some(h) = &f.sequence {
        for c in &h.steps {
            s.push_str(&format!("  {c}\n"));
        }
        s.push_str("differences:\n");
        for d in &h.differences {
            s.push_str(&format!("  {d}\n"));
        }
    }
    s
}

/// The one-line description in an endpoint snapshot's header.
pub fn description(f: &Finding) -> String {
    format!(
        "parity: {} diverges at {} ({})",
        f.function, f.divergence.path, f.divergence.rule
    )
}
