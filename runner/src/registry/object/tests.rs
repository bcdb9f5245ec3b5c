use super::*;
use crate::value::Type;

struct Ledger {
    cap: i64,
    entries: Vec<(String, i64)>,
}

impl Ledger {
    fn new(cap: i64) -> Result<Ledger, String> {
        if cap <= 0 {
            return Err(format!("capacity {cap} is not positive"));
        }
        Ok(Ledger {
            cap,
            entries: Vec::new(),
        })
    }
    fn add(&mut self, id: String, cents: i64) -> Result<(), String> {
        if self.entries.len() as i64 == self.cap {
            return Err("full".into());
        }
        self.entries.push((id, cents));
        Ok(())
    }
    fn get(&self, id: &str) -> Option<i64> {
        self.entries.iter().find(|e| e.0 == id).map(|e| e.1)
    }
}

struct Counter(i64);

fn ledger_registry() -> Registry {
    Registry::new()
        .try_object("Ledger", Ledger::new)
        .method("Ledger", "Add", |l: &mut Ledger, id: String, cents: i64| {
            l.add(id, cents)
        })
        .method("Ledger", "Get", |l: &mut Ledger, id: String| l.get(&id))
        .method("Ledger", "Stats", |l: &mut Ledger| {
            (
                l.entries.len() as u64,
                l.entries.iter().map(|e| e.1).sum::<i64>(),
            )
        })
        .consuming("Ledger", "Close", |l: Ledger| l.entries.len() as u64)
        .replacing("Ledger", "WithCap", |l: Ledger, cap: i64| Ledger {
            cap,
            ..l
        })
        .object("Counter", |start: i64| Counter(start))
        .method("Counter", "Inc", |c: &mut Counter| c.0 += 1)
        .method("Counter", "Get", |c: &mut Counter| c.0)
}

fn show(sig: &FunctionSig) -> String {
    let types = |ts: &[Type]| ts.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    format!(
        "{}{:?}->{:?} err={}",
        sig.name,
        types(&sig.params),
        types(&sig.results),
        sig.error
    )
}

#[test]
fn objects_of_several_shapes_register_with_their_signatures_in_registration_order() {
    let hs = ledger_registry().handshake();
    let shown: Vec<String> = hs
        .objects
        .iter()
        .flat_map(|o| {
            std::iter::once(format!("new {}", show(&o.constructor))).chain(
                o.methods
                    .iter()
                    .map(|m| format!("{} consumes={}", show(&m.sig), m.consumes)),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            r#"new Ledger["i64"]->[] err=true"#,
            r#"Add["string", "i64"]->[] err=true consumes=false"#,
            r#"Get["string"]->["option<i64>"] err=false consumes=false"#,
            r#"Stats[]->["u64", "i64"] err=false consumes=false"#,
            r#"Close[]->["u64"] err=false consumes=true"#,
            r#"WithCap["i64"]->[] err=false consumes=false"#,
            r#"new Counter["i64"]->[] err=false"#,
            r#"Inc[]->[] err=false consumes=false"#,
            r#"Get[]->["i64"] err=false consumes=false"#,
        ]
    );
    assert!(hs.functions.is_empty());
}

/// Constructs an object of `r` from `args`: its reply and the object, if one was built.
fn build(r: &Registry, name: &str, args: &str) -> (String, Option<Object>) {
    let o = r.objects.iter().find(|o| o.sig.name == name).unwrap();
    let mut out = Vec::new();
    let built = (o.construct)(&mut Parser::new(args.as_bytes()), b"", &mut out).unwrap();
    (String::from_utf8(out).unwrap(), built)
}

/// Calls `method` of object type `name` on `cell` with `args`.
fn call(
    r: &Registry,
    name: &str,
    method: &str,
    cell: &mut Option<Object>,
    args: &str,
) -> Result<(ReplyKind, String), DecodeError> {
    let o = r.objects.iter().find(|o| o.sig.name == name).unwrap();
    let m = o
        .sig
        .methods
        .iter()
        .position(|m| m.sig.name == method)
        .unwrap();
    let mut out = Vec::new();
    let kind = (o.calls[m])(&mut Parser::new(args.as_bytes()), b"", cell, &mut out)?;
    Ok((kind, String::from_utf8(out).unwrap()))
}

#[test]
fn calls_through_the_registry_keep_state_and_encode_results_errors_and_options() {
    let r = ledger_registry();
    assert_eq!(
        build(&r, "Ledger", "[0]").0,
        r#""capacity 0 is not positive""#
    );
    assert!(build(&r, "Ledger", "[0]").1.is_none());
    let (_, ledger) = build(&r, "Ledger", "[1]");
    let mut cell = ledger;
    let ok = |s: &str| Ok((ReplyKind::Ok, s.to_string()));
    assert_eq!(call(&r, "Ledger", "Add", &mut cell, r#"["a",5]"#), ok("[]"));
    assert_eq!(
        call(&r, "Ledger", "Add", &mut cell, r#"["b",7]"#),
        Ok((ReplyKind::Error, r#""full""#.into()))
    );
    assert_eq!(call(&r, "Ledger", "Get", &mut cell, r#"["a"]"#), ok("[5]"));
    assert_eq!(
        call(&r, "Ledger", "Get", &mut cell, r#"["b"]"#),
        ok("[null]")
    );
    assert_eq!(call(&r, "Ledger", "Stats", &mut cell, "[]"), ok("[1,5]"));
    assert!(call(&r, "Ledger", "Add", &mut cell, r#"["b"]"#).is_err());
    assert!(cell.is_some(), "an undecodable call leaves the object");
    assert_eq!(call(&r, "Ledger", "WithCap", &mut cell, "[2]"), ok("[]"));
    assert_eq!(call(&r, "Ledger", "Add", &mut cell, r#"["b",7]"#), ok("[]"));
    assert_eq!(call(&r, "Ledger", "Close", &mut cell, "[]"), ok("[2]"));
    assert!(cell.is_none(), "a consuming method takes the object");

    let (reply, counter) = build(&r, "Counter", "[41]");
    assert_eq!(reply, "");
    let mut cell = counter;
    assert_eq!(call(&r, "Counter", "Inc", &mut cell, "[]"), ok("[]"));
    assert_eq!(call(&r, "Counter", "Get", &mut cell, "[]"), ok("[42]"));
}

#[test]
fn a_closure_with_eight_arguments_after_the_receiver_registers() {
    let r = Registry::new().object("C", || Counter(0)).method(
        "C",
        "Sum",
        |c: &mut Counter, a: i64, b: i64, d: i64, e: i64, f: i64, g: i64, h: i64, i: i64| {
            c.0 = a + b + d + e + f + g + h + i;
            c.0
        },
    );
    let mut cell = build(&r, "C", "[]").1;
    assert_eq!(
        call(&r, "C", "Sum", &mut cell, "[1,2,3,4,5,6,7,8]"),
        Ok((ReplyKind::Ok, "[36]".into()))
    );
}

fn panic_message(f: impl FnOnce() -> Registry) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .err()
        .expect("registration panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_method_before_its_object_panics_naming_the_object_and_the_fix() {
    let msg = panic_message(|| {
        Registry::new().method("Ledger", "Add", |l: &mut Ledger, n: i64| l.cap += n)
    });
    assert!(
        msg.starts_with(
            r#"parity::Registry::method("Ledger", "Add"): no object "Ledger" is registered yet"#
        ),
        "{msg}"
    );
    assert!(msg.contains(type_name::<Ledger>()), "{msg}");
    assert!(
        msg.contains(r#"(fix: register the object with .object("Ledger", ..)"#),
        "{msg}"
    );
}

#[test]
fn a_method_on_another_type_than_the_constructors_panics_naming_both_types() {
    let msg = panic_message(|| {
        Registry::new()
            .object("Ledger", |n: i64| Counter(n))
            .consuming("Ledger", "Close", |l: Ledger| l.cap)
    });
    assert!(
        msg.starts_with(&format!(
            r#"parity::Registry::consuming("Ledger", "Close"): the closure takes `{}`, but object "Ledger" is constructed as `{}`"#,
            type_name::<Ledger>(),
            type_name::<Counter>()
        )),
        "{msg}"
    );
    assert!(msg.contains("(fix: make the closure take"), "{msg}");
}

#[test]
fn an_object_or_a_method_registered_twice_panics() {
    let msg = panic_message(|| {
        Registry::new()
            .object("C", || Counter(0))
            .object("C", || Counter(1))
    });
    assert!(msg.contains(r#"object "C" is registered twice"#), "{msg}");
    let msg = panic_message(|| {
        Registry::new()
            .object("C", || Counter(0))
            .method("C", "Get", |c: &mut Counter| c.0)
            .replacing("C", "Get", |_: Counter| Counter(0))
    });
    assert!(
        msg.contains(r#"method "Get" of object "C" is registered twice"#),
        "{msg}"
    );
}
