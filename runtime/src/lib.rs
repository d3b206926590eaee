//! Support code for the generated client crates: written and tested once here, configured by
//! the generator from the specs, never copied into generated code.

pub mod bounded_map;

pub use bounded_map::{BoundedMap, ConstraintError};
