//! The checked-in `include/unleashed_signer.h` must equal what the pinned cbindgen makes from this crate now.
//!
//! `UNLEASHED_BLESS=1 cargo test -p unleashed-signer-ffi --test header` rewrites it instead of comparing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn generate(crate_dir: &Path) -> Vec<u8> {
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("ffi/cbindgen.toml parses");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    out
}

#[test]
fn checked_in_header_matches_a_fresh_cbindgen_run() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header = crate_dir.join("../include/unleashed_signer.h");
    let fresh = generate(&crate_dir);
    if std::env::var_os("UNLEASHED_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&header, &fresh).expect("write include/unleashed_signer.h");
        return;
    }
    let current = std::fs::read(&header).unwrap_or_default();
    if current == fresh {
        return;
    }
    let fresh_path = std::env::temp_dir().join(format!("unleashed_signer.fresh.{}.h", std::process::id()));
    std::fs::write(&fresh_path, &fresh).expect("write the fresh header to a temporary file");
    let diff = Command::new("diff")
        .arg("-u")
        .arg(&header)
        .arg(&fresh_path)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_else(|e| format!("(could not run diff: {e}; the fresh header is at {})", fresh_path.display()));
    panic!(
        "include/unleashed_signer.h is out of date with ffi/src. Review the difference, then run\n    \
         UNLEASHED_BLESS=1 cargo test -p unleashed-signer-ffi --test header\n\n{diff}"
    );
}

/// The header-name macros are written by hand in `cbindgen.toml` (cbindgen copies no string constants), so they
/// are checked against the core crate's constants here.
#[test]
fn header_name_macros_match_the_core_crate() {
    use unleashed_signer::headers::{API_AUTH_ID, API_AUTH_SIGNATURE, CLIENT_TYPE};
    // The fresh output, not the checked-in file (which the other test compares with it, and may be rewriting).
    let header = String::from_utf8(generate(Path::new(env!("CARGO_MANIFEST_DIR")))).expect("the header is UTF-8");
    for (macro_name, value) in [
        ("UNLEASHED_HEADER_API_AUTH_ID", API_AUTH_ID),
        ("UNLEASHED_HEADER_API_AUTH_SIGNATURE", API_AUTH_SIGNATURE),
        ("UNLEASHED_HEADER_CLIENT_TYPE", CLIENT_TYPE),
    ] {
        let line = format!("#define {macro_name} \"{value}\"\n");
        assert!(header.contains(&line), "the header lacks `{}`", line.trim_end());
    }
}
