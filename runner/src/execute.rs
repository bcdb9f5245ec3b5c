//! TODO: execute stage.
