//! The worker's handle table for stateful objects: serves the `new`, `call` and `drop` requests of
//! protocol version 2. Handles count from 1 per process and are never reused; a consumed object,
//! or one lost to a panic in a by-value method, leaves a tombstone that explains later calls.

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};

use super::panic_message;
use crate::protocol::{self, Parser, ReplyKind};
use crate::registry::object::Object;
use crate::registry::ObjectEntry;

enum Slot {
    /// A live object of `entries[object]`.
    Live { object: usize, value: Object },
    /// Consumed or lost: why calls on this handle are rejected.
    Gone(String),
}

/// The registered object types and the live objects.
pub(super) struct Objects<'r> {
    entries: &'r [ObjectEntry],
    names: HashMap<&'r [u8], usize>,
    /// Per object type, its methods by name.
    methods: Vec<HashMap<&'r [u8], usize>>,
    table: HashMap<u64, Slot>,
    next: u64,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl<'r> Objects<'r> {
    pub(super) fn new(entries: &'r [ObjectEntry]) -> Self {
        Objects {
            entries,
            names: entries
                .iter()
                .enumerate()
                .map(|(i, o)| (o.sig.name.as_bytes(), i))
                .collect(),
            methods: entries
                .iter()
                .map(|o| {
                    (o.sig.methods.iter().enumerate())
                        .map(|(i, m)| (m.sig.name.as_bytes(), i))
                        .collect()
                })
                .collect(),
            table: HashMap::new(),
            next: 1,
        }
    }

    /// Serves the rest of a request line after its id (`p` at `,"new":`, `,"call":` or
    /// `,"drop":`), writing the payload; `Err` is the message of a `bad` reply.
    pub(super) fn handle(
        &mut self,
        p: &mut Parser,
        payload: &mut Vec<u8>,
    ) -> Result<ReplyKind, String> {
        if p.eat(b",\"new\":") {
            self.construct(p, payload)
        } else if p.eat(b",\"call\":") {
            self.call(p, payload)
        } else if p.eat(b",\"drop\":") {
            self.forget(p, payload)
        } else {
            Err("malformed request: expected `fn`, `new`, `call` or `drop`".into())
        }
    }

    fn construct(&mut self, p: &mut Parser, payload: &mut Vec<u8>) -> Result<ReplyKind, String> {
        let name = p
            .string_bytes()
            .map_err(|e| format!("malformed object name: {e}"))?;
        let &i = self
            .names
            .get(name.as_slice())
            .ok_or_else(|| format!("unknown object {:?}", lossy(&name)))?;
        expect_args(p)?;
        let entry = &self.entries[i];
        match panic::catch_unwind(AssertUnwindSafe(|| (entry.construct)(p, b"}", payload))) {
            Ok(Ok(Some(value))) => {
                let handle = self.next;
                self.next += 1;
                self.table.insert(handle, Slot::Live { object: i, value });
                payload.clear();
                payload.push(b'[');
                protocol::write_u64(payload, handle);
                payload.push(b']');
                Ok(ReplyKind::Ok)
            }
            Ok(Ok(None)) => Ok(ReplyKind::Error),
            Ok(Err(e)) => Err(format!("cannot decode arguments: {e}")),
            Err(_) => Ok(panicked(payload)),
        }
    }

    fn call(&mut self, p: &mut Parser, payload: &mut Vec<u8>) -> Result<ReplyKind, String> {
        let method = p
            .string_bytes()
            .map_err(|e| format!("malformed method name: {e}"))?;
        let handle = expect_handle(p, b",\"on\":")?;
        let object = match self.table.get(&handle) {
            None => return Err(format!("unknown object handle {handle}")),
            Some(Slot::Gone(why)) => return Err(why.clone()),
            Some(Slot::Live { object, .. }) => *object,
        };
        let entries = self.entries;
        let entry = &entries[object];
        let &m = self.methods[object].get(method.as_slice()).ok_or_else(|| {
            format!(
                "object {:?} has no method {:?}",
                entry.sig.name,
                lossy(&method)
            )
        })?;
        expect_args(p)?;
        let Some(Slot::Live { value, .. }) = self.table.remove(&handle) else {
            unreachable!("handle {handle} was live a moment ago");
        };
        let mut cell = Some(value);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            (entry.calls[m])(p, b"}", &mut cell, payload)
        }));
        let name = &entry.sig.methods[m].sig.name;
        let (reply, lost) = match result {
            Ok(Ok(kind)) => (Ok(kind), false),
            Ok(Err(e)) => (Err(format!("cannot decode arguments: {e}")), false),
            Err(_) => (Ok(panicked(payload)), true),
        };
        let slot = match cell {
            Some(value) => Slot::Live { object, value },
            None if lost => Slot::Gone(format!("object {handle} was lost when {name} panicked")),
            None => Slot::Gone(format!("object {handle} was consumed by {name}")),
        };
        self.table.insert(handle, slot);
        reply
    }

    /// Forgets the object; a consumed or lost handle is forgotten too (there is nothing to drop).
    fn forget(&mut self, p: &mut Parser, payload: &mut Vec<u8>) -> Result<ReplyKind, String> {
        let handle = p
            .u64()
            .map_err(|e| format!("malformed object handle: {e}"))?;
        p.expect(b"}")
            .map_err(|e| format!("malformed request: {e}"))?;
        let slot = self
            .table
            .remove(&handle)
            .ok_or_else(|| format!("unknown object handle {handle}"))?;
        // A `Drop` impl may panic: that is the object's outcome, not the worker's death.
        if panic::catch_unwind(AssertUnwindSafe(move || drop(slot))).is_err() {
            return Ok(panicked(payload));
        }
        payload.extend_from_slice(b"[]");
        Ok(ReplyKind::Ok)
    }
}

fn expect_args(p: &mut Parser) -> Result<(), String> {
    p.expect(b",\"args\":")
        .map_err(|_| "malformed request: expected `args`".to_string())
}

fn expect_handle(p: &mut Parser, key: &[u8]) -> Result<u64, String> {
    p.expect(key)
        .and_then(|()| p.u64())
        .map_err(|e| format!("malformed object handle: {e}"))
}

/// Replaces the payload with the caught panic's message.
fn panicked(payload: &mut Vec<u8>) -> ReplyKind {
    payload.clear();
    protocol::write_string(payload, panic_message().as_bytes());
    ReplyKind::Panic
}
