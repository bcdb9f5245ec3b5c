//! TODO: protocol stage.
