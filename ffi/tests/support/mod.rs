//! The library under test, built for the target these tests run on, and the tools that build and run C programs
//! for that target, so that a cross run (`cargo test --target aarch64-unknown-linux-gnu` under qemu) checks the
//! aarch64 library with `aarch64-linux-gnu-gcc`/`-nm` and runs what it builds through the target's runner, never
//! the host's.
//!
//! `UNLEASHED_FFI_LIB_DIR=DIR` tests the `libunleashed_signer_ffi.{a,so}` already in DIR (a release artifact)
//! instead of building them. Either way the libraries must be for the architecture the tests run on.
#![allow(dead_code)] // each test file uses a part

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The Rust target these tests were compiled for and the host that compiled them (from `ffi/build.rs`).
pub const TARGET: &str = env!("UNLEASHED_FFI_TARGET");
const HOST: &str = env!("UNLEASHED_FFI_HOST");

/// The profile directory this test binary was built into: `<target-dir>[/<triple>]/<profile>/deps/<test>-*`.
/// Following the binary honours `CARGO_TARGET_DIR`, `--target` and `--release` without reading them.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent().and_then(Path::parent).expect("test binary lives in <target>/<profile>/deps").to_path_buf()
}

/// Builds the static and shared libraries for this target once per test binary (into the same target directory
/// and profile), or takes them from `UNLEASHED_FFI_LIB_DIR`; checks that they are this architecture's.
pub fn libs() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = match std::env::var_os("UNLEASHED_FFI_LIB_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => build(),
        };
        for lib in ["libunleashed_signer_ffi.a", "libunleashed_signer_ffi.so"] {
            let path = dir.join(lib);
            assert!(path.is_file(), "{} is missing", path.display());
            assert_built_for_this_arch(&path);
        }
        dir
    })
}

fn build() -> PathBuf {
    let profile = profile_dir();
    let above = profile.parent().expect("profile dir has a parent");
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "--quiet", "-p", "unleashed-signer-ffi", "--target-dir"]);
    // With `--target` (even the host's), cargo puts the profile under a directory named for the target.
    if above.file_name().is_some_and(|name| name == TARGET) {
        cargo.arg(above.parent().expect("target dir above the triple")).args(["--target", TARGET]);
    } else {
        cargo.arg(above);
    }
    if profile.file_name().is_some_and(|name| name == "release") {
        cargo.arg("--release");
    }
    let status = cargo.status().expect("run cargo build");
    assert!(status.success(), "cargo build -p unleashed-signer-ffi failed");
    profile
}

/// ELF's `e_machine` for the architecture these tests run on.
fn elf_machine() -> u16 {
    match std::env::consts::ARCH {
        "x86_64" => 62,
        "aarch64" => 183,
        "x86" => 3,
        "arm" => 40,
        "riscv64" | "riscv32" => 243,
        arch => panic!("no ELF machine number known here for {arch}: add it"),
    }
}

/// Fails unless the ELF file (or the first ELF member of an `ar` archive) at `path` is for this architecture.
fn assert_built_for_this_arch(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let elf =
        bytes.windows(4).position(|w| w == b"\x7fELF").unwrap_or_else(|| panic!("{} holds no ELF", path.display()));
    let header = bytes.get(elf..elf + 20).unwrap_or_else(|| panic!("{}: truncated ELF header", path.display()));
    assert_eq!(header[5], 1, "{}: not a little-endian ELF file", path.display());
    let machine = u16::from_le_bytes([header[18], header[19]]);
    assert_eq!(
        machine,
        elf_machine(),
        "{} is for ELF machine {machine}, but these tests run on {} (machine {}): it is another target's build",
        path.display(),
        std::env::consts::ARCH,
        elf_machine()
    );
}

/// A tool of the target's toolchain: the host's `gcc`, `g++`, `nm`, ... for a native build, and the GNU cross
/// tool (`aarch64-linux-gnu-gcc` for `aarch64-unknown-linux-gnu`) when the target is not the host.
pub fn tool(name: &str) -> String {
    if TARGET == HOST { name.to_string() } else { format!("{}-{name}", TARGET.replacen("-unknown-", "-", 1)) }
}

/// A command that runs a program built for the target: through cargo's runner for it
/// (`CARGO_TARGET_<TRIPLE>_RUNNER`, such as `qemu-aarch64 -L /`) when there is one, else directly.
pub fn target_command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let variable = format!("CARGO_TARGET_{}_RUNNER", TARGET.to_uppercase().replace(['-', '.'], "_"));
    let runner = if TARGET == HOST { None } else { std::env::var(&variable).ok() };
    match runner.as_deref().map(str::split_whitespace) {
        Some(mut words) => {
            let mut command = Command::new(words.next().unwrap_or_else(|| panic!("{variable} is empty")));
            command.args(words).arg(program);
            command
        }
        None => Command::new(program),
    }
}
