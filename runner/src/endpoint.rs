//! HTTP endpoints: the second kind of target.
//!
//! A function's input is one call; an endpoint's is a *sequence* of requests against a running
//! service. What is endpoint-specific lives here: starting and probing the servers (`server`),
//! sending requests (`client`), building requests from typed inputs and malforming them
//! (`request`, `malformed`), JSON and header comparison (`json`, `response`), noise cancelling
//! (`noise`), rendering (`render`) and the run itself (`run`). Sequences, their generation,
//! shrinking and storage are shared with objects (`crate::sequence`). The shared stages are used as they are: the spec loader (`spec::endpoint`),
//! value generation and shrinking (through [`crate::spec::EndpointSpec::as_function`]), the
//! comparison rules, the corpus, review snapshots and the reporters.

pub mod client;
pub mod cluster;
pub mod http;
pub mod json;
pub mod malformed;
pub mod noise;
pub mod render;
pub mod request;
pub mod response;
pub mod run;
pub mod server;
