//! TODO: corpus stage.
