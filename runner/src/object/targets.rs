//! An object's constructor and methods as the step kinds of a sequence: kind 0 is the
//! constructor, kind `1 + m` is method `m`.

use crate::sequence::{Step, Targets};
use crate::spec::{FunctionSpec, ObjectSpec};

/// An object as [`Targets`].
pub struct ObjectTargets<'a>(pub &'a ObjectSpec);

impl ObjectTargets<'_> {
    /// The method of step kind `t` (none for the constructor).
    pub fn method(&self, t: usize) -> Option<&crate::spec::MethodSpec> {
        t.checked_sub(1).map(|m| &self.0.methods[m])
    }
}

impl Targets for ObjectTargets<'_> {
    fn count(&self) -> usize {
        1 + self.0.methods.len()
    }
    fn name(&self, t: usize) -> String {
        match self.method(t) {
            None => "new".to_string(),
            Some(m) => m.function.name.clone(),
        }
    }
    fn function(&self, t: usize) -> FunctionSpec {
        match self.method(t) {
            None => self.0.constructor.clone(),
            Some(m) => m.function.clone(),
        }
    }
    fn producers(&self, t: usize) -> Vec<Option<usize>> {
        match self.method(t) {
            None => vec![None; self.0.constructor.args.len()],
            Some(m) => m
                .refs
                .iter()
                .map(|r| r.as_ref().map(|r| r.method + 1))
                .collect(),
        }
    }
    fn max_steps(&self) -> usize {
        self.0.max_steps
    }
    fn first(&self) -> Option<usize> {
        Some(0)
    }
    fn allowed(&self, before: &[Step], t: usize) -> bool {
        let Some(m) = self.method(t) else {
            return before.is_empty();
        };
        if before.is_empty() {
            return false;
        }
        let calls = &before[1..];
        if calls
            .iter()
            .any(|s| self.method(s.target).is_some_and(|m| m.consumes))
        {
            return false;
        }
        m.precondition.allows(calls.iter().map(|s| s.target - 1))
    }
    fn any_producer(&self) -> bool {
        true
    }
    /// Half the time: a key is as often new as one already inserted.
    fn reference_chance(&self) -> f64 {
        0.5
    }
}
