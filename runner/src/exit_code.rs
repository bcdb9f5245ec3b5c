//! TODO: exit_code stage.
