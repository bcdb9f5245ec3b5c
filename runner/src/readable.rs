//! TODO: readable stage.
