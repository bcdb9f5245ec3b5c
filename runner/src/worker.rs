//! TODO: worker stage.
