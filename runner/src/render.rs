//! TODO: render stage.
