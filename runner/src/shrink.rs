//! TODO: shrink stage.
