//! Gives the shared library the soname it is installed under (`scripts/install.sh`), so programs linked with
//! `-lunleashed_signer` record `libunleashed_signer.so.MAJOR[.MINOR]` and keep working across compatible updates.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // For the tests (`tests/support`): which target's library and tools to use, and whether that is a cross build.
    for (name, variable) in [("UNLEASHED_FFI_TARGET", "TARGET"), ("UNLEASHED_FFI_HOST", "HOST")] {
        println!("cargo:rustc-env={name}={}", std::env::var(variable).expect("cargo sets TARGET and HOST"));
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "android" || os.ends_with("bsd") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{}", soname());
    }
}

/// Cargo's compatibility rule: 0.y.z versions break at each minor release, x.y.z at each major one.
fn soname() -> String {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets CARGO_PKG_VERSION_MINOR");
    if major == "0" { format!("libunleashed_signer.so.0.{minor}") } else { format!("libunleashed_signer.so.{major}") }
}
