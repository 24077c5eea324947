//! The `dex` binary.
mod syntax;
mod text;
fn main() {}
