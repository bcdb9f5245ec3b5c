//! Spec loading: the TOML file (`raw`) is turned into a validated [`Spec`] (`model`).

mod model;

pub use model::*;
