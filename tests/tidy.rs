//! Checks on the source tree itself: every file opens with a module summary, and the layers
//! below the server never reach for the protocol or the async runtime.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_source_file_has_a_module_summary() {
    let missing: Vec<_> = rust_files(&src())
        .into_iter()
        .filter(|path| {
            !std::fs::read_to_string(path)
                .expect("readable")
                .starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` summary: {missing:?}"
    );
}

#[test]
fn lower_layers_do_not_know_the_protocol() {
    let forbidden = [
        "tower_lsp",
        "ls_types",
        "lsp_types",
        "tokio",
        "serde_json",
        "jsonrpc",
    ];
    let mut offenders = Vec::new();
    for layer in ["text", "syntax", "vault", "ide"] {
        for path in rust_files(&src().join(layer)) {
            let text = std::fs::read_to_string(&path).expect("readable");
            for name in forbidden {
                if text.contains(name) {
                    offenders.push(format!("{} uses {name}", path.display()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}
