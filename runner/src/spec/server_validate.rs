//! Validation of `[server.go]`, `[server.rust]` and `[http]`: how each side's server starts, how
//! it is probed and reset, and the run settings of the endpoints.

use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::{Spanned, Value as Toml};

use super::endpoint::{HttpSettings, Launch, Probe, ServerSpec, Servers};
use super::error::{clip_debug, closest, display_path, quote, Diags};
use super::model::Location;
use super::raw::endpoint::{RawHttp, RawServer};
use super::raw::RawSpec;
use super::validate::{normalize, on_path};

/// The methods an endpoint or a probe may use.
pub(crate) const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The placeholders `args` and `env` values may use.
const PLACEHOLDERS: &[&str] = &["addr", "port", "host"];

const SERVER_EXAMPLE: &str = "[server.go] with `package = \"../harness-go/cmd/my-service\"` (or `command = [\"./bin/my-service\", \"--listen\", \"{addr}\"]`, or `url = \"http://127.0.0.1:8080\"`) and `ready = \"GET /healthz\"`, and [server.rust] with `cargo = \"my-service\"` and `ready = \"GET /healthz\"`";

/// The servers of a spec with endpoints (`None` when it has none, or when one is broken, which is
/// reported). Server tables in a spec without endpoints are reported too.
pub(crate) fn servers(
    raw: &RawSpec,
    dir: &Path,
    check_paths: bool,
    d: &mut Diags,
) -> Option<Servers> {
    let first_endpoint = raw.endpoint.first().map_or(0, |e| e.span().start);
    let Some(server) = &raw.server else {
        if raw.has_endpoints && !raw.has_server {
            d.at(
                first_endpoint,
                "the spec has endpoints but no [server.go] and [server.rust] tables",
                Some(format!(
                    "say how each side's server starts: {SERVER_EXAMPLE}"
                )),
            );
        }
        return None;
    };
    let at = server.span().start;
    let s = server.get_ref();
    if !raw.has_endpoints {
        d.at(
            at,
            "the spec has [server] tables but no [[endpoint]]",
            Some("add `[[endpoint]]` tables with `name`, `method` and `path` for the servers to be tested, or remove the [server.go] and [server.rust] tables".into()),
        );
    }
    let side =
        |name: &str, given: bool, spec: &Option<Spanned<RawServer>>, d: &mut Diags| match spec {
            Some(spec) => server_spec(spec, name, dir, check_paths, d),
            None => {
                if raw.has_endpoints && !given {
                    d.at(
                        at,
                        format!("the spec has endpoints but no [server.{name}] table"),
                        Some(format!(
                            "parity starts both sides' servers: add {SERVER_EXAMPLE}"
                        )),
                    );
                }
                None
            }
        };
    let go = side("go", s.has_go, &s.go, d);
    let rust = side("rust", s.has_rust, &s.rust, d);
    match (go, rust) {
        (Some(go), Some(rust)) if raw.has_endpoints => Some(Servers { go, rust }),
        _ => None,
    }
}

/// The directory a relative path of the spec is resolved against, absolute.
pub(crate) fn spec_dir(dir: &Path) -> PathBuf {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

fn server_spec(
    spec: &Spanned<RawServer>,
    side: &str,
    dir: &Path,
    check_paths: bool,
    d: &mut Diags,
) -> Option<ServerSpec> {
    let raw = spec.get_ref();
    let at = spec.span().start;
    let table = format!("[server.{side}]");
    let before = d.count();
    let forms: Vec<&str> = [
        ("package", raw.package.is_some()),
        ("command", raw.command.is_some()),
        ("cargo", raw.cargo.is_some()),
        ("url", raw.url.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, given)| given.then_some(k))
    .collect();
    let ways = "`package` (a Go main package, built with `go build`), `command` (a ready program), `cargo` (a binary of a Cargo package) or `url` (a server already running)";
    if forms.len() > 1 {
        d.at(
            at,
            format!(
                "{table} has {}",
                forms
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            Some(format!("keep one of {ways}")),
        );
    } else if forms.is_empty() {
        d.at(
            at,
            format!("{table} needs `package`, `command`, `cargo` or `url`"),
            Some(format!("say how the server starts: {ways}")),
        );
    }
    let form = forms.first().copied().unwrap_or("");
    let misplaced = |d: &mut Diags, key: &str, span: usize, why: &str| {
        d.at(
            span,
            format!("`{key}` does not apply to a server given by `{form}`"),
            Some(why.into()),
        );
    };
    if let Some(a) = &raw.args {
        match form {
            "command" => misplaced(
                d,
                "args",
                a.span().start,
                "put the arguments in `command`, after the program",
            ),
            "url" => misplaced(
                d,
                "args",
                a.span().start,
                "parity starts nothing for a `url`; remove `args`",
            ),
            _ => {}
        }
        placeholders(a.get_ref(), a.span().start, d);
    }
    if let Some(e) = &raw.env {
        if form == "url" {
            misplaced(
                d,
                "env",
                e.span().start,
                "parity starts nothing for a `url`; remove `env`",
            );
        }
        let values: Vec<String> = e.get_ref().values().map(|v| v.get_ref().clone()).collect();
        placeholders(&values, e.span().start, d);
    }
    if let Some(b) = &raw.bin {
        if form != "cargo" {
            misplaced(d, "bin", b.span().start, "`bin` names the binary of a `cargo` package; remove it, or write `cargo = \"my-package\"`");
        } else if b.get_ref().trim().is_empty() {
            d.at(
                b.span().start,
                "`bin` is empty",
                Some("leave `bin` out to run the package's only binary".into()),
            );
        }
    }
    let args = raw
        .args
        .as_ref()
        .map(|a| a.get_ref().clone())
        .unwrap_or_default();
    let env: Vec<(String, String)> = raw
        .env
        .iter()
        .flat_map(|e| e.get_ref())
        .map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone()))
        .collect();
    let cwd = spec_dir(dir);
    let launch = match form {
        "package" => package(raw.package.as_ref()?, &cwd, check_paths, args, env, d),
        "command" => command(raw.command.as_ref()?, &cwd, check_paths, env, d),
        "cargo" => {
            let c = raw.cargo.as_ref()?;
            if c.get_ref().trim().is_empty() {
                d.at(c.span().start, "`cargo` is empty", Some("give the Cargo package that builds the server, like `cargo = \"my-service\"`".into()));
            }
            Some(Launch::Cargo {
                package: c.get_ref().clone(),
                bin: raw.bin.as_ref().map(|b| b.get_ref().clone()),
                args,
                env,
                cwd,
            })
        }
        "url" => url(raw.url.as_ref()?, raw.reset.is_some(), d),
        _ => None,
    };
    let ready = match &raw.ready {
        Some(r) => probe(r, "ready", d),
        None => {
            d.at(
                at,
                format!("{table} has no `ready`"),
                Some("add `ready = \"GET /healthz\"`: a request that answers (any status below 500) once the server is up".into()),
            );
            None
        }
    };
    let reset = raw.reset.as_ref().and_then(|r| probe(r, "reset", d));
    let startup_timeout = match &raw.startup_timeout {
        None => Duration::from_secs(60),
        Some(t) => match crate::cli::parse_duration(t.get_ref()) {
            Ok(v) if !v.is_zero() => v,
            Ok(_) => {
                d.at(t.span().start, "`startup_timeout` is zero", Some("give the time the server may take to become ready, like `startup_timeout = \"60s\"`".into()));
                Duration::ZERO
            }
            Err(e) => {
                d.at(
                    t.span().start,
                    format!("bad `startup_timeout`: {e}"),
                    Some("write a duration like `\"500ms\"`, `\"60s\"` or `\"2m\"`".into()),
                );
                Duration::ZERO
            }
        },
    };
    let (line, column) = d.position(at);
    let spec = ServerSpec {
        launch: launch?,
        ready: ready?,
        reset,
        startup_timeout,
        location: Location { line, column },
    };
    (d.count() == before).then_some(spec)
}

fn package(
    p: &Spanned<String>,
    dir: &Path,
    check_paths: bool,
    args: Vec<String>,
    env: Vec<(String, String)>,
    d: &mut Diags,
) -> Option<Launch> {
    if p.get_ref().trim().is_empty() {
        d.at(
            p.span().start,
            "`package` is empty",
            Some(
                "give the directory of the server's Go main package, relative to this spec file"
                    .into(),
            ),
        );
        return None;
    }
    let pkg = dir.join(p.get_ref());
    if check_paths && !pkg.is_dir() {
        let shown = display_path(&normalize(&pkg));
        let message = if pkg.exists() {
            format!("the `package` `{shown}` is a file, not a folder")
        } else {
            format!("the `package` folder `{shown}` does not exist")
        };
        d.at(
            p.span().start,
            message,
            Some(format!("`package` is the folder of the server's Go main package, relative to the spec file's folder `{}`, like `package = \"../harness-go/cmd/my-service\"`", display_path(&normalize(dir)))),
        );
    }
    Some(Launch::GoPackage {
        dir: pkg,
        args,
        env,
    })
}

fn command(
    c: &Spanned<Vec<String>>,
    dir: &Path,
    check_paths: bool,
    env: Vec<(String, String)>,
    d: &mut Diags,
) -> Option<Launch> {
    let mut argv = c.get_ref().clone();
    if argv.is_empty() {
        d.at(c.span().start, "`command` is empty", Some("give the program and its arguments, like `command = [\"./bin/my-service\", \"--listen\", \"{addr}\"]`".into()));
        return None;
    }
    placeholders(&argv[1..], c.span().start, d);
    let program = &mut argv[0];
    let is_path = program.contains('/') || program.contains('\\');
    if is_path && Path::new(program.as_str()).is_relative() {
        *program = dir.join(&*program).to_string_lossy().into_owned();
    }
    let base = display_path(&normalize(dir));
    if check_paths && is_path && !Path::new(program.as_str()).is_file() {
        d.at(
            c.span().start,
            format!("the `command` program `{}` does not exist", display_path(&normalize(Path::new(program.as_str())))),
            Some(format!("a program written as a path is relative to the spec file's folder `{base}`; build the server first, or fix the path")),
        );
    } else if check_paths && !is_path && !on_path(program) {
        d.at(
            c.span().start,
            format!("the `command` program `{program}` is not on PATH"),
            Some(format!(
                "install it on PATH, or write its path relative to the spec file's folder `{base}`"
            )),
        );
    }
    Some(Launch::Command {
        argv,
        env,
        cwd: dir.to_path_buf(),
    })
}

fn url(u: &Spanned<String>, has_reset: bool, d: &mut Diags) -> Option<Launch> {
    let text = u.get_ref();
    let rest = text.strip_prefix("http://");
    if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) {
        d.at(
            u.span().start,
            format!("`url` {} is not an http:// address", clip_debug(text)),
            Some(
                "write the address the server listens on, like `url = \"http://127.0.0.1:8080\"`"
                    .into(),
            ),
        );
        return None;
    }
    if !has_reset {
        d.at(
            u.span().start,
            "a server given by `url` needs `reset`",
            Some("parity cannot restart a server it did not start, so it must reset the server's state before every sequence: add `reset = \"POST /_reset\"`, a request that clears the state".into()),
        );
    }
    Some(Launch::Url(text.trim_end_matches('/').to_string()))
}

/// `"GET /healthz"`.
fn probe(s: &Spanned<String>, key: &str, d: &mut Diags) -> Option<Probe> {
    let parts: Vec<&str> = s.get_ref().split_whitespace().collect();
    let hint = format!(
        "write `{key} = \"METHOD /path\"`, like `{key} = \"{}\"`",
        if key == "reset" {
            "POST /_reset"
        } else {
            "GET /healthz"
        }
    );
    let [method, path] = parts[..] else {
        d.at(
            s.span().start,
            format!(
                "`{key}` {} is not a method and a path",
                clip_debug(s.get_ref())
            ),
            Some(hint),
        );
        return None;
    };
    let upper = method.to_ascii_uppercase();
    if !METHODS.contains(&upper.as_str()) {
        d.at(
            s.span().start,
            format!("unknown method `{}` in `{key}`", quote(method)),
            Some(method_hint(&upper)),
        );
        return None;
    }
    if !path.starts_with('/') {
        d.at(
            s.span().start,
            format!(
                "the path of `{key}` {} does not start with `/`",
                clip_debug(path)
            ),
            Some(hint),
        );
        return None;
    }
    Some(Probe {
        method: upper,
        path: path.to_string(),
    })
}

/// The hint for a method that is not one of [`METHODS`].
pub(crate) fn method_hint(upper: &str) -> String {
    let list = METHODS.join(", ");
    match closest(upper, METHODS.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? the methods are {list}"),
        None => format!("the methods are {list}"),
    }
}

/// Reports `{name}` placeholders that are not `{addr}`, `{port}` or `{host}`.
fn placeholders(values: &[String], at: usize, d: &mut Diags) {
    for v in values {
        let mut rest = v.as_str();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            let name = &after[..close];
            let ident =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if ident && !PLACEHOLDERS.contains(&name) {
                let hint = match closest(name, PLACEHOLDERS.iter().copied()) {
                    Some(c) => format!("did you mean `{{{c}}}`? the placeholders are `{{addr}}` (127.0.0.1:PORT), `{{port}}` and `{{host}}`"),
                    None => "the placeholders are `{addr}` (127.0.0.1:PORT), `{port}` and `{host}`".to_string(),
                };
                d.at(
                    at,
                    format!("unknown placeholder `{{{}}}`", quote(name)),
                    Some(hint),
                );
            }
            rest = &after[close + 1..];
        }
    }
}

/// `[http]`, with the defaults for keys left out. Reported when the spec has no endpoints.
pub(crate) fn http_settings(
    raw: Option<&Spanned<RawHttp>>,
    has_endpoints: bool,
    d: &mut Diags,
) -> HttpSettings {
    let mut settings = HttpSettings::default();
    let Some(raw) = raw else {
        return settings;
    };
    if !has_endpoints {
        d.at(
            raw.span().start,
            "the spec has an [http] table but no [[endpoint]]",
            Some(
                "[http] sets how endpoints are tested; add `[[endpoint]]` tables or remove [http]"
                    .into(),
            ),
        );
    }
    let h = raw.get_ref();
    if let Some(v) = &h.sequence {
        if let Some(n) = integer(
            v,
            "sequence",
            1,
            64,
            "the longest sequence of requests, like `sequence = 4`",
            d,
        ) {
            settings.max_steps = n;
        }
    }
    if let Some(v) = &h.sequences {
        if let Some(n) = integer(
            v,
            "sequences",
            1,
            1_000_000,
            "how many sequences to generate per endpoint, like `sequences = 200`",
            d,
        ) {
            settings.sequences = n;
        }
    }
    if let Some(v) = &h.malformed {
        let x = match v.get_ref() {
            Toml::Float(x) => Some(*x),
            Toml::Integer(i) => Some(*i as f64),
            _ => None,
        };
        match x {
            Some(x) if (0.0..=1.0).contains(&x) => settings.malformed = x,
            _ => d.at(
                v.span().start,
                format!("`malformed` must be a number from 0.0 to 1.0, found {}", quote(v.get_ref())),
                Some("`malformed` is the share of malformed requests, like `malformed = 0.25` (0.0 sends none)".into()),
            ),
        }
    }
    settings
}

fn integer(
    v: &Spanned<Toml>,
    key: &str,
    lo: i64,
    hi: i64,
    what: &str,
    d: &mut Diags,
) -> Option<usize> {
    match v.get_ref() {
        Toml::Integer(n) if (lo..=hi).contains(n) => Some(*n as usize),
        other => {
            d.at(
                v.span().start,
                format!(
                    "`{key}` must be an integer from {lo} to {hi}, found {}",
                    quote(other)
                ),
                Some(format!("`{key}` is {what}")),
            );
            None
        }
    }
}
