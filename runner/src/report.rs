//! TODO: report stage.
