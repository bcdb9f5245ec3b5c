//! The validated model of stateful objects (`[[object]]`): a constructor and methods, each a
//! [`FunctionSpec`] (typed arguments, results, error convention, hints and compare rules exactly
//! as a function's), plus what is about sequences: how many calls a sequence makes,
//! preconditions, and arguments that take a value an earlier call produced.

use super::model::{FunctionSpec, Location};

/// One stateful type under test.
#[derive(Clone, Debug)]
pub struct ObjectSpec {
    /// The name in reports and in the corpus path.
    pub name: String,
    /// The object's name in the Go harness registration (`harness.Object("Ledger", …)`).
    pub go_name: String,
    /// The object's name in the Rust registry (`.object("Ledger", …)`).
    pub rust_name: String,
    /// The constructor: its arguments and error convention (named `new`, no results).
    pub constructor: FunctionSpec,
    /// The methods, in file order.
    pub methods: Vec<MethodSpec>,
    /// The most method calls a sequence makes after the constructor (`steps`, default 8).
    pub max_steps: usize,
    /// Sequences generated per method (`sequences`, default 300; `--sequences` overrides).
    pub sequences: u64,
    /// Where the `[[object]]` table starts.
    pub location: Location,
    /// Set by signature checking: the Go type's spelling (`*billing.Ledger`), if the Go harness
    /// reported it.
    pub go_type: String,
    /// Set by signature checking: the Go constructor as `package.Func`, if known.
    pub go_constructor: String,
}

/// One method of an object.
#[derive(Clone, Debug)]
pub struct MethodSpec {
    /// The method as a function: its name (the spec's), registered names, arguments, results,
    /// error convention, hints and compare rules.
    pub function: FunctionSpec,
    /// Per argument, the earlier call it may take its value from.
    pub refs: Vec<Option<Ref>>,
    /// When the method may be called.
    pub precondition: Precondition,
    /// Set by signature checking: a side takes the object by value in this method (a Rust
    /// `.consuming` method), so no call may follow it.
    pub consumes: bool,
}

/// Where a referencing argument takes its value from: the latest or another earlier call of
/// `method` (an index into [`ObjectSpec::methods`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    /// The producing method.
    pub method: usize,
    /// Which of its values.
    pub take: Take,
}

/// Which value of the producing call a reference takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// Result `n` of the call, as that side returned it (an `option<T>` result is unwrapped;
    /// a nil one, an error or a panic leaves the argument's generated value).
    Result(usize),
    /// Argument `n` of the call, as it was sent to that side.
    Arg(usize),
}

/// `after` and `not_after` of a method, as method indices: the method may be called when the
/// latest earlier call of any of these methods is one of `after` (or, with `after` empty, when
/// none of `not_after` was called). Empty both: always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Precondition {
    /// Methods that enable this one.
    pub after: Vec<usize>,
    /// Methods that disable it.
    pub not_after: Vec<usize>,
}

impl Precondition {
    /// Whether the method may be called after the calls `before` (method indices, in order).
    pub fn allows(&self, before: impl DoubleEndedIterator<Item = usize>) -> bool {
        if self.after.is_empty() && self.not_after.is_empty() {
            return true;
        }
        let latest = before
            .rev()
            .find(|m| self.after.contains(m) || self.not_after.contains(m));
        match latest {
            Some(m) => self.after.contains(&m),
            None => self.after.is_empty(),
        }
    }
}

impl ObjectSpec {
    /// The method called `name`.
    pub fn method(&self, name: &str) -> Option<usize> {
        self.methods.iter().position(|m| m.function.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_precondition_follows_the_latest_enabling_or_disabling_call() {
        // Read after Open, not after Close: 0 = Open, 1 = Close, 2 = Write.
        let p = Precondition {
            after: vec![0],
            not_after: vec![1],
        };
        assert!(!p.allows([].into_iter()));
        assert!(p.allows([0].into_iter()));
        assert!(p.allows([0, 2].into_iter()));
        assert!(!p.allows([0, 1].into_iter()));
        assert!(p.allows([0, 1, 0].into_iter()));
        let only_not = Precondition {
            after: vec![],
            not_after: vec![1],
        };
        assert!(only_not.allows([0].into_iter()));
        assert!(!only_not.allows([1, 0].into_iter()));
    }
}
