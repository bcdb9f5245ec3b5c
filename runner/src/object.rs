//! Stateful objects: the third kind of target. An object's input is a *sequence* of calls on
//! one fresh instance: its constructor, then methods. What is object-specific lives here: the
//! step kinds of an object as [`crate::sequence::Targets`] (`targets`), running a sequence on
//! both harnesses with references resolved per side (`session`), rendering a finding as the
//! steps and paste-ready Go and Rust tests (`render`) and the run itself (`run`). Generation,
//! shrinking and storage of sequences are the ones endpoints use (`crate::sequence`); values,
//! comparison, bug identity, review and the reporters are the function stages.

pub mod render;
pub mod run;
pub mod session;
pub mod targets;
