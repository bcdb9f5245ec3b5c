//! TODO: check stage.
