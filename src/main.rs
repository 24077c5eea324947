//! The `dex` binary.
mod syntax;
mod text;
mod vault;
fn main() {}
