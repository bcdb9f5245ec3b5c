//! Stateful objects in the Rust registry (protocol version 2): a constructor registered under an
//! object name, and methods as closures over `&mut T` (`.method`), over `T` by value that is gone
//! afterwards (`.consuming`), or over `T` by value returning its replacement (`.replacing`).
//!
//! ```no_run
//! struct Counter(i64);
//! let registry = parity::Registry::new()
//!     .object("Counter", |start: i64| Counter(start))
//!     .method("Counter", "Add", |c: &mut Counter, n: i64| c.0 += n)
//!     .method("Counter", "Get", |c: &mut Counter| c.0)
//!     .replacing("Counter", "Reset", |_c: Counter| Counter(0))
//!     .consuming("Counter", "Finish", |c: Counter| c.0);
//! ```
//!
//! Objects live in the worker's handle table type-erased (`Box<dyn Any + Send>`); each closure is
//! wrapped once, at registration, into a call that decodes its arguments with the shared
//! [`ArgList`] decoder before it touches the object, so an undecodable request leaves it as it was.

use std::any::{type_name, Any, TypeId};
use std::fmt::Display;

use super::{ArgList, IntoReply, Registry};
use crate::protocol::{self, DecodeError, FunctionSig, MethodSig, ObjectSig, Parser, ReplyKind};

/// A live object in the worker's handle table.
pub(crate) type Object = Box<dyn Any + Send>;

/// Decodes the constructor's `args`, expects the rest of the line (`closing`) and builds the
/// object; `Ok(None)` means the constructor returned an error, already written as the payload.
type Construct = Box<
    dyn Fn(&mut Parser, &[u8], &mut Vec<u8>) -> Result<Option<Object>, DecodeError> + Send + Sync,
>;

/// Decodes a method's `args`, expects `closing`, then calls the method on the object in the cell,
/// writing the payload. A consuming method leaves the cell empty; a replacing one refills it.
type MethodCall = Box<
    dyn Fn(&mut Parser, &[u8], &mut Option<Object>, &mut Vec<u8>) -> Result<ReplyKind, DecodeError>
        + Send
        + Sync,
>;

/// A registered object type.
pub(crate) struct ObjectEntry {
    /// The signature the handshake lists.
    pub(crate) sig: ObjectSig,
    type_id: TypeId,
    type_name: &'static str,
    pub(crate) construct: Construct,
    /// One call per method, in the order of `sig.methods`.
    pub(crate) calls: Vec<MethodCall>,
}

/// A constructor: `Fn(A, B, …) -> Out` of up to 8 [`Wire`](super::Wire) arguments, where `Out`
/// is the object (`.object`) or `Result<T, E>` (`.try_object`).
pub trait Constructor<Args, Out>: Send + Sync + 'static {
    /// Calls the closure.
    fn build(&self, args: Args) -> Out;
}

/// A method on `&mut T`: `Fn(&mut T, A, B, …) -> Out` of up to 8 arguments after the receiver.
pub trait Method<T, Args, Out>: Send + Sync + 'static {
    /// Calls the closure.
    fn run(&self, object: &mut T, args: Args) -> Out;
}

/// A method on `T` by value (`.consuming`, `.replacing`): `Fn(T, A, B, …) -> Out` of up to 8
/// arguments after the receiver.
pub trait ByValue<T, Args, Out>: Send + Sync + 'static {
    /// Calls the closure.
    fn run(&self, object: T, args: Args) -> Out;
}

macro_rules! object_kinds {
    ($($a:ident),*) => {
        impl<F, Out, $($a),*> Constructor<($($a,)*), Out> for F
        where
            F: Fn($($a),*) -> Out + Send + Sync + 'static,
        {
            #[allow(non_snake_case)]
            fn build(&self, ($($a,)*): ($($a,)*)) -> Out {
                (self)($($a),*)
            }
        }

        impl<F, T, Out, $($a),*> Method<T, ($($a,)*), Out> for F
        where
            F: Fn(&mut T, $($a),*) -> Out + Send + Sync + 'static,
        {
            #[allow(non_snake_case)]
            fn run(&self, object: &mut T, ($($a,)*): ($($a,)*)) -> Out {
                (self)(object, $($a),*)
            }
        }

        impl<F, T, Out, $($a),*> ByValue<T, ($($a,)*), Out> for F
        where
            F: Fn(T, $($a),*) -> Out + Send + Sync + 'static,
        {
            #[allow(non_snake_case)]
            fn run(&self, object: T, ($($a,)*): ($($a,)*)) -> Out {
                (self)(object, $($a),*)
            }
        }
    };
}

super::for_each_arity!(object_kinds);

/// Takes the object out of the cell for a by-value method.
fn take<T: 'static>(cell: &mut Option<Object>) -> T {
    let object = cell.take().expect("the worker passes a live object");
    *object
        .downcast::<T>()
        .unwrap_or_else(|_| panic!("the worker passes an object of type {}", type_name::<T>()))
}

impl Registry {
    /// Registers an object type under `name` (the spec's `rust` name for the object) with an
    /// infallible constructor returning the object: `.object("Counter", |start: i64|
    /// Counter::new(start))`. Panics if `name` is already registered.
    pub fn object<Args, T, F>(self, name: &str, f: F) -> Self
    where
        Args: ArgList + 'static,
        T: Send + 'static,
        F: Constructor<Args, T>,
    {
        self.add_object::<T>(
            "object",
            name,
            Args::types(),
            false,
            Box::new(move |p, closing, _| {
                let args = Args::decode(p)?;
                p.expect(closing)?;
                Ok(Some(Box::new(f.build(args))))
            }),
        )
    }

    /// Registers an object type whose constructor returns `Result<T, E>` (Go's `(T, error)`):
    /// `.try_object("Ledger", |cap: i64| Ledger::new(cap))`. An `Err` is the reply's error and
    /// stores nothing. Panics if `name` is already registered.
    pub fn try_object<Args, T, E, F>(self, name: &str, f: F) -> Self
    where
        Args: ArgList + 'static,
        T: Send + 'static,
        E: Display,
        F: Constructor<Args, Result<T, E>>,
    {
        self.add_object::<T>(
            "try_object",
            name,
            Args::types(),
            true,
            Box::new(move |p, closing, out| {
                let args = Args::decode(p)?;
                p.expect(closing)?;
                match f.build(args) {
                    Ok(t) => Ok(Some(Box::new(t))),
                    Err(e) => {
                        protocol::write_string(out, e.to_string().as_bytes());
                        Ok(None)
                    }
                }
            }),
        )
    }

    /// Registers method `name` of `object` as a closure over `&mut T`, returning what a function
    /// may ([`IntoReply`]: a value, a tuple, `()`, `Result<_, E>`): `.method("Ledger", "Add", |l:
    /// &mut Ledger, id: String, cents: i64| l.add(id, cents))`. A panic leaves the object as the
    /// closure left it.
    ///
    /// Panics if `object` is not registered yet, was registered with another type than `T`, or
    /// already has a method `name`.
    pub fn method<T, Args, R, F>(self, object: &str, name: &str, f: F) -> Self
    where
        T: Send + 'static,
        Args: ArgList + 'static,
        R: IntoReply,
        F: Method<T, Args, R>,
    {
        let (results, error) = R::shape();
        self.add_method::<T>(
            ("method", "&mut "),
            object,
            MethodSig {
                sig: method_sig(name, Args::types(), results, error),
                consumes: false,
            },
            Box::new(move |p, closing, cell, out| {
                let args = Args::decode(p)?;
                p.expect(closing)?;
                let object = cell
                    .as_mut()
                    .and_then(|o| (**o).downcast_mut::<T>())
                    .expect("the worker passes a live object of the registered type");
                Ok(f.run(object, args).write(out))
            }),
        )
    }

    /// Registers method `name` of `object` as a closure taking `T` by value: the object is gone
    /// afterwards, whatever the closure returns (later calls on its handle are rejected):
    /// `.consuming("Ledger", "Close", |l: Ledger| l.close())`.
    ///
    /// Panics as [`Registry::method`] does.
    pub fn consuming<T, Args, R, F>(self, object: &str, name: &str, f: F) -> Self
    where
        T: Send + 'static,
        Args: ArgList + 'static,
        R: IntoReply,
        F: ByValue<T, Args, R>,
    {
        let (results, error) = R::shape();
        self.add_method::<T>(
            ("consuming", ""),
            object,
            MethodSig {
                sig: method_sig(name, Args::types(), results, error),
                consumes: true,
            },
            Box::new(move |p, closing, cell, out| {
                let args = Args::decode(p)?;
                p.expect(closing)?;
                Ok(f.run(take::<T>(cell), args).write(out))
            }),
        )
    }

    /// Registers method `name` of `object` as a closure taking `T` by value and returning its
    /// replacement, stored under the same handle; the reply has no results:
    /// `.replacing("Ledger", "WithLimit", |l: Ledger, n: i64| l.with_limit(n))`. If the closure
    /// panics, the object is lost.
    ///
    /// Panics as [`Registry::method`] does.
    pub fn replacing<T, Args, F>(self, object: &str, name: &str, f: F) -> Self
    where
        T: Send + 'static,
        Args: ArgList + 'static,
        F: ByValue<T, Args, T>,
    {
        self.add_method::<T>(
            ("replacing", ""),
            object,
            MethodSig {
                sig: method_sig(name, Args::types(), Vec::new(), false),
                consumes: false,
            },
            Box::new(move |p, closing, cell, out| {
                let args = Args::decode(p)?;
                p.expect(closing)?;
                let replacement = f.run(take::<T>(cell), args);
                *cell = Some(Box::new(replacement));
                out.extend_from_slice(b"[]");
                Ok(ReplyKind::Ok)
            }),
        )
    }

    fn add_object<T: 'static>(
        mut self,
        how: &str,
        name: &str,
        params: Vec<crate::value::Type>,
        error: bool,
        construct: Construct,
    ) -> Self {
        if self.objects.iter().any(|o| o.sig.name == name) {
            panic!(
                "parity::Registry::{how}({name:?}): object {name:?} is registered twice\n(fix: register each object once, then its methods)"
            );
        }
        self.objects.push(ObjectEntry {
            sig: ObjectSig {
                name: name.to_string(),
                constructor: FunctionSig {
                    name: name.to_string(),
                    params,
                    results: Vec::new(),
                    error,
                    go_params: Vec::new(),
                },
                methods: Vec::new(),
                go_type: String::new(),
                go_constructor: String::new(),
                skipped: Vec::new(),
            },
            type_id: TypeId::of::<T>(),
            type_name: type_name::<T>(),
            construct,
            calls: Vec::new(),
        });
        self
    }

    /// `how` is the registering method's name and how its closure takes the receiver.
    fn add_method<T: 'static>(
        mut self,
        (how, receiver): (&str, &str),
        object: &str,
        method: MethodSig,
        call: MethodCall,
    ) -> Self {
        let name = method.sig.name.clone();
        let at = format!("parity::Registry::{how}({object:?}, {name:?})");
        let ty = type_name::<T>();
        let Some(entry) = self.objects.iter_mut().find(|o| o.sig.name == object) else {
            panic!(
                "{at}: no object {object:?} is registered yet (the closure takes `{receiver}{ty}`)\n(fix: register the object with .object({object:?}, ..) or .try_object({object:?}, ..) before its methods)"
            );
        };
        if entry.type_id != TypeId::of::<T>() {
            panic!(
                "{at}: the closure takes `{receiver}{ty}`, but object {object:?} is constructed as `{}`\n(fix: make the closure take `{receiver}{}`, or register the method on the object whose constructor returns `{ty}`)",
                entry.type_name, entry.type_name
            );
        }
        if entry.sig.methods.iter().any(|m| m.sig.name == name) {
            panic!(
                "{at}: method {name:?} of object {object:?} is registered twice\n(fix: register each method once)"
            );
        }
        entry.sig.methods.push(method);
        entry.calls.push(call);
        self
    }
}

fn method_sig(
    name: &str,
    params: Vec<crate::value::Type>,
    results: Vec<crate::value::Type>,
    error: bool,
) -> FunctionSig {
    FunctionSig {
        name: name.to_string(),
        params,
        results,
        error,
        go_params: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
