//! The `dex` binary.
mod ide;
mod syntax;
mod text;
mod vault;
fn main() {}
