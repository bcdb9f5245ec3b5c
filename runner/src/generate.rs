//! TODO: generate stage.
