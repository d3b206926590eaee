//! Semver-aware regeneration: the public API of a generated crate as data ([`model`]), the
//! difference between two generations classified by Rust's semver rules ([`diff`]), and the
//! version and changelog that follow ([`release`]); the dependencies the API is made of
//! ([`dependencies`]).

pub mod dependencies;
pub mod diff;
pub mod model;
pub mod release;

pub use diff::{Change, Impact, Level};
pub use model::ApiModel;
pub use release::{Previous, Release};
