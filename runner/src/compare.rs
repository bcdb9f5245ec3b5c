//! TODO: compare stage.
