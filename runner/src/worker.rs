//! The Rust side's harness: the parity binary re-executed as `parity __worker`, serving its
//! [`Registry`] over the protocol on stdio, exactly like the Go harness.
//!
//! Running Rust code in a separate process is what turns a panic that unwinds into a `panic`
//! outcome, and an abort, stack overflow or infinite loop into a `crash` or `timeout` finding
//! instead of a dead runner. See ARCHITECTURE.md for what the isolation costs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::FromRawFd;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::protocol::{self, Parser, ReplyKind};
use crate::registry::{Entry, Registry};

mod objects;
use objects::Objects;

/// The argument that makes the binary serve as a worker.
pub const WORKER_ARG: &str = "__worker";

thread_local! {
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs a panic hook that keeps a panic's message for the reply (see [`call_entry`]) instead
/// of printing it: a panic is an outcome here, and printing would only flood stderr.
pub(crate) fn capture_panics() {
    panic::set_hook(Box::new(|info| {
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "Box<dyn Any>".to_string()
        };
        PANIC_MESSAGE.with(|m| *m.borrow_mut() = Some(msg));
    }));
}

/// Calls a registered function on the arguments at `p` (an `args` array), then expects `closing`
/// (the rest of the request line, if any). Writes the reply payload and returns its kind: `ok` or
/// `error` from the function, `panic` with the message kept by [`capture_panics`], or `bad` when
/// the arguments do not decode. Shared by the worker and the in-process fuzz target.
pub(crate) fn call_entry(
    entry: &Entry,
    p: &mut Parser,
    closing: &[u8],
    payload: &mut Vec<u8>,
) -> ReplyKind {
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let kind = (entry.call)(p, payload)?;
        p.expect(closing)?;
        Ok::<_, protocol::DecodeError>(kind)
    }));
    let message = match result {
        Ok(Ok(kind)) => return kind,
        Ok(Err(e)) => (ReplyKind::Bad, format!("cannot decode arguments: {e}")),
        Err(_) => (ReplyKind::Panic, panic_message()),
    };
    payload.clear();
    protocol::write_string(payload, message.1.as_bytes());
    message.0
}

/// The message of the panic just caught, kept by [`capture_panics`].
fn panic_message() -> String {
    PANIC_MESSAGE
        .with(|m| m.borrow_mut().take())
        .unwrap_or_default()
}

/// Moves stdout aside: returns a file on a duplicate of descriptor 1 for the protocol, and points
/// descriptor 1 at stderr so that code under test printing to stdout cannot corrupt replies.
fn protocol_output() -> File {
    // SAFETY: plain descriptor duplication on descriptors this process owns; the new descriptor is
    // owned by the returned File alone.
    unsafe {
        let fd = libc::dup(1);
        assert!(fd >= 0, "dup(1) failed");
        libc::dup2(2, 1);
        File::from_raw_fd(fd)
    }
}

/// Requests handled so far, watched by [`exit_when_input_ends`].
static HANDLED: AtomicU64 = AtomicU64::new(0);

/// How long a worker whose input has closed may go without finishing a request before it exits.
pub const INPUT_END_GRACE: Duration = Duration::from_secs(1);

/// Makes the worker exit once its standard input has closed and it has finished no request for
/// [`INPUT_END_GRACE`], even while a call is still running: nobody will read that reply. Without
/// it, a call that loops forever keeps a worker spinning after parity is gone, because the serving
/// thread never returns to read the end of input. A thread polls the descriptor for the hang-up
/// (which does not consume input), so the serving loop keeps its buffered fast path.
fn exit_when_input_ends() {
    let spawned = std::thread::Builder::new()
        .name("parity-input-watch".into())
        .spawn(|| {
            let mut fd = libc::pollfd {
                fd: 0,
                events: 0,
                revents: 0,
            };
            loop {
                // SAFETY: one valid pollfd; POLLHUP and POLLERR are reported without being asked.
                let n = unsafe { libc::poll(&mut fd, 1, -1) };
                if n > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                    break;
                }
                if n < 0
                    && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
                {
                    return;
                }
            }
            let mut seen = HANDLED.load(Ordering::Relaxed);
            loop {
                std::thread::sleep(INPUT_END_GRACE);
                let now = HANDLED.load(Ordering::Relaxed);
                if now == seen {
                    std::process::exit(0);
                }
                seen = now;
            }
        });
    if let Err(e) = spawned {
        eprintln!("parity worker: cannot watch for the end of input: {e}");
    }
}

/// Serves `registry` on stdio until end of input, then exits 0.
pub fn serve(registry: &Registry) -> ! {
    let out = protocol_output();
    capture_panics();
    exit_when_input_ends();
    let code = match serve_on(registry, std::io::stdin().lock(), out) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("parity worker: {e}");
            3
        }
    };
    std::process::exit(code)
}

fn serve_on(registry: &Registry, input: impl Read, mut out: impl Write) -> std::io::Result<()> {
    let index: HashMap<&[u8], usize> = registry
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.sig.name.as_bytes(), i))
        .collect();
    let mut objects = Objects::new(&registry.objects);
    out.write_all(&protocol::write_handshake(&registry.handshake()))?;
    out.flush()?;
    let mut input = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::new();
    let mut replies = Vec::with_capacity(1 << 20);
    let mut payload = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            out.write_all(&replies)?;
            return out.flush();
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        payload.clear();
        let (id, kind) = handle(registry, &index, &mut objects, &line, &mut payload);
        protocol::write_reply(&mut replies, id, kind, &payload);
        HANDLED.fetch_add(1, Ordering::Relaxed);
        // Flush only when no more requests are buffered: answers a lone request at once and a
        // pipelined stream in large writes.
        if input.buffer().is_empty() || replies.len() > 1 << 20 {
            out.write_all(&replies)?;
            replies.clear();
            if input.buffer().is_empty() {
                out.flush()?;
            }
        }
    }
}

fn handle(
    registry: &Registry,
    index: &HashMap<&[u8], usize>,
    objects: &mut Objects,
    line: &[u8],
    payload: &mut Vec<u8>,
) -> (u64, ReplyKind) {
    let mut p = Parser::new(line);
    let bad = |payload: &mut Vec<u8>, msg: String| {
        payload.clear();
        protocol::write_string(payload, msg.as_bytes());
        ReplyKind::Bad
    };
    if p.expect(b"{\"id\":").is_err() {
        return (0, bad(payload, "malformed request".into()));
    }
    let Ok(id) = p.u64() else {
        return (0, bad(payload, "malformed request id".into()));
    };
    if !p.eat(b",\"fn\":") {
        let kind = objects
            .handle(&mut p, payload)
            .unwrap_or_else(|msg| bad(payload, msg));
        return (id, kind);
    }
    let name = match p.string_bytes() {
        Ok(n) => n,
        Err(e) => return (id, bad(payload, format!("malformed function name: {e}"))),
    };
    let Some(&i) = index.get(name.as_slice()) else {
        return (
            id,
            bad(
                payload,
                format!("unknown function {:?}", String::from_utf8_lossy(&name)),
            ),
        );
    };
    if p.expect(b",\"args\":").is_err() {
        return (
            id,
            bad(payload, "malformed request: expected `args`".into()),
        );
    }
    (id, call_entry(&registry.entries[i], &mut p, b"}", payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Serves `input` on `r` in memory and returns the reply lines after the handshake. Installs
    /// [`capture_panics`] once for the whole test binary: tests run in parallel, so a hook set and
    /// restored per test could be restored while another test's closure panics.
    fn serve_lines(r: &Registry, input: &str) -> Vec<String> {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(capture_panics);
        let mut out = Vec::new();
        serve_on(r, input.as_bytes(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        text.lines().skip(1).map(str::to_string).collect()
    }

    struct Ledger {
        cap: usize,
        cents: Vec<i64>,
    }

    fn ledgers() -> Registry {
        Registry::new()
            .function("neg", |a: i64| a.wrapping_neg())
            .try_object("Ledger", |cap: i64| {
                usize::try_from(cap)
                    .map(|cap| Ledger {
                        cap,
                        cents: Vec::new(),
                    })
                    .map_err(|_| format!("negative capacity {cap}"))
            })
            .method("Ledger", "Add", |l: &mut Ledger, cents: i64| {
                if l.cents.len() == l.cap {
                    return Err("full");
                }
                l.cents.push(cents);
                Ok(())
            })
            .method("Ledger", "Total", |l: &mut Ledger| {
                l.cents.iter().sum::<i64>()
            })
            .method("Ledger", "Boom", |l: &mut Ledger| -> i64 {
                l.cents.push(1000);
                panic!("boom after pushing")
            })
            .consuming("Ledger", "Close", |l: Ledger| l.cents.len() as u64)
            .replacing("Ledger", "Grow", |l: Ledger, by: i64| Ledger {
                cap: l.cap + by as usize,
                ..l
            })
            .replacing("Ledger", "Explode", |_: Ledger| -> Ledger {
                panic!("explode")
            })
            .object("Unit", || ())
    }

    #[test]
    fn pipelined_requests_are_answered_in_order_with_panics_and_rejections() {
        let r = Registry::new()
            .function("div", |a: i64, b: i64| a / b)
            .function("len", |s: String| s.len() as u64);
        let input = concat!(
            "{\"id\":1,\"fn\":\"div\",\"args\":[6,3]}\n",
            "{\"id\":2,\"fn\":\"div\",\"args\":[1,0]}\n",
            "{\"id\":3,\"fn\":\"len\",\"args\":[\"\\udcff\"]}\n",
            "{\"id\":4,\"fn\":\"nope\",\"args\":[]}\n",
        );
        let lines = serve_lines(&r, input);
        assert_eq!(lines[0], r#"{"id":1,"ok":[2]}"#);
        assert_eq!(lines[1], r#"{"id":2,"panic":"attempt to divide by zero"}"#);
        assert!(
            lines[2].starts_with(r#"{"id":3,"bad":"cannot decode arguments"#),
            "{}",
            lines[2]
        );
        assert_eq!(lines[3], r#"{"id":4,"bad":"unknown function \"nope\""}"#);
    }

    #[test]
    fn pipelined_object_requests_keep_state_across_calls_between_function_calls() {
        let lines = serve_lines(
            &ledgers(),
            concat!(
                "{\"id\":1,\"new\":\"Ledger\",\"args\":[2]}\n",
                "{\"id\":2,\"new\":\"Ledger\",\"args\":[-1]}\n",
                "{\"id\":3,\"new\":\"Ledger\",\"args\":[1]}\n",
                "{\"id\":4,\"call\":\"Add\",\"on\":1,\"args\":[100]}\n",
                "{\"id\":5,\"fn\":\"neg\",\"args\":[3]}\n",
                "{\"id\":6,\"call\":\"Add\",\"on\":1,\"args\":[20]}\n",
                "{\"id\":7,\"call\":\"Add\",\"on\":1,\"args\":[3]}\n",
                "{\"id\":8,\"call\":\"Total\",\"on\":1,\"args\":[]}\n",
                "{\"id\":9,\"call\":\"Total\",\"on\":2,\"args\":[]}\n",
                "{\"id\":10,\"drop\":1}\n",
                "{\"id\":11,\"new\":\"Unit\",\"args\":[]}\n",
            ),
        );
        assert_eq!(
            lines,
            [
                r#"{"id":1,"ok":[1]}"#,
                r#"{"id":2,"error":"negative capacity -1"}"#,
                r#"{"id":3,"ok":[2]}"#,
                r#"{"id":4,"ok":[]}"#,
                r#"{"id":5,"ok":[-3]}"#,
                r#"{"id":6,"ok":[]}"#,
                r#"{"id":7,"error":"full"}"#,
                r#"{"id":8,"ok":[120]}"#,
                r#"{"id":9,"ok":[0]}"#,
                r#"{"id":10,"ok":[]}"#,
                r#"{"id":11,"ok":[3]}"#,
            ]
        );
    }

    #[test]
    fn a_consumed_object_answers_bad_naming_the_method_that_consumed_it() {
        let lines = serve_lines(
            &ledgers(),
            concat!(
                "{\"id\":1,\"new\":\"Ledger\",\"args\":[5]}\n",
                "{\"id\":2,\"call\":\"Add\",\"on\":1,\"args\":[7]}\n",
                "{\"id\":3,\"call\":\"Close\",\"on\":1,\"args\":[\"x\"]}\n",
                "{\"id\":4,\"call\":\"Close\",\"on\":1,\"args\":[]}\n",
                "{\"id\":5,\"call\":\"Total\",\"on\":1,\"args\":[]}\n",
                "{\"id\":6,\"drop\":1}\n",
                "{\"id\":7,\"call\":\"Total\",\"on\":1,\"args\":[]}\n",
            ),
        );
        assert!(
            lines[2].starts_with(r#"{"id":3,"bad":"cannot decode arguments"#),
            "a wrong argument count does not consume: {}",
            lines[2]
        );
        assert_eq!(
            lines[3..],
            [
                r#"{"id":4,"ok":[1]}"#,
                r#"{"id":5,"bad":"object 1 was consumed by Close"}"#,
                r#"{"id":6,"ok":[]}"#,
                r#"{"id":7,"bad":"unknown object handle 1"}"#,
            ]
        );
    }

    #[test]
    fn a_replacing_method_keeps_the_handle_and_a_panicking_one_loses_the_object() {
        let lines = serve_lines(
            &ledgers(),
            concat!(
                "{\"id\":1,\"new\":\"Ledger\",\"args\":[0]}\n",
                "{\"id\":2,\"call\":\"Add\",\"on\":1,\"args\":[7]}\n",
                "{\"id\":3,\"call\":\"Grow\",\"on\":1,\"args\":[1]}\n",
                "{\"id\":4,\"call\":\"Add\",\"on\":1,\"args\":[7]}\n",
                "{\"id\":5,\"call\":\"Total\",\"on\":1,\"args\":[]}\n",
                "{\"id\":6,\"call\":\"Explode\",\"on\":1,\"args\":[]}\n",
                "{\"id\":7,\"call\":\"Total\",\"on\":1,\"args\":[]}\n",
            ),
        );
        assert_eq!(
            lines,
            [
                r#"{"id":1,"ok":[1]}"#,
                r#"{"id":2,"error":"full"}"#,
                r#"{"id":3,"ok":[]}"#,
                r#"{"id":4,"ok":[]}"#,
                r#"{"id":5,"ok":[7]}"#,
                r#"{"id":6,"panic":"explode"}"#,
                r#"{"id":7,"bad":"object 1 was lost when Explode panicked"}"#,
            ]
        );
    }

    #[test]
    fn a_panicking_method_keeps_the_object_as_the_panic_left_it() {
        let lines = serve_lines(
            &ledgers(),
            concat!(
                "{\"id\":1,\"new\":\"Ledger\",\"args\":[3]}\n",
                "{\"id\":2,\"call\":\"Boom\",\"on\":1,\"args\":[]}\n",
                "{\"id\":3,\"call\":\"Total\",\"on\":1,\"args\":[]}\n",
            ),
        );
        assert_eq!(
            lines,
            [
                r#"{"id":1,"ok":[1]}"#,
                r#"{"id":2,"panic":"boom after pushing"}"#,
                r#"{"id":3,"ok":[1000]}"#,
            ]
        );
    }

    #[test]
    fn unknown_objects_methods_and_handles_are_bad_and_handles_are_never_reused() {
        let lines = serve_lines(
            &ledgers(),
            concat!(
                "{\"id\":1,\"new\":\"Nope\",\"args\":[]}\n",
                "{\"id\":2,\"new\":\"Ledger\",\"args\":[]}\n",
                "{\"id\":3,\"new\":\"Ledger\",\"args\":[1]}\n",
                "{\"id\":4,\"call\":\"Nope\",\"on\":1,\"args\":[]}\n",
                "{\"id\":5,\"call\":\"Total\",\"on\":9,\"args\":[]}\n",
                "{\"id\":6,\"drop\":1}\n",
                "{\"id\":7,\"drop\":1}\n",
                "{\"id\":8,\"call\":\"Total\",\"on\":1,\"args\":[]}\n",
                "{\"id\":9,\"new\":\"Ledger\",\"args\":[1]}\n",
                "{\"id\":10,\"fetch\":1}\n",
            ),
        );
        assert_eq!(lines[0], r#"{"id":1,"bad":"unknown object \"Nope\""}"#);
        assert!(
            lines[1].starts_with(r#"{"id":2,"bad":"cannot decode arguments"#),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines[2..],
            [
                r#"{"id":3,"ok":[1]}"#,
                r#"{"id":4,"bad":"object \"Ledger\" has no method \"Nope\""}"#,
                r#"{"id":5,"bad":"unknown object handle 9"}"#,
                r#"{"id":6,"ok":[]}"#,
                r#"{"id":7,"bad":"unknown object handle 1"}"#,
                r#"{"id":8,"bad":"unknown object handle 1"}"#,
                r#"{"id":9,"ok":[2]}"#,
                r#"{"id":10,"bad":"malformed request: expected `fn`, `new`, `call` or `drop`"}"#,
            ]
        );
    }
}
