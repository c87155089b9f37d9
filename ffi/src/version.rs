//! The library's version, for C: macros in the header and a function for the library actually linked.
//!
//! cbindgen copies literal constants only, so the numbers are literals here and a compile-time check ties each
//! to `Cargo.toml`: bumping the version without updating them (and regenerating the header) does not build.
//! The header builds the `UNLEASHED_VERSION` string from these three macros (see `ffi/cbindgen.toml`), so it
//! cannot disagree with them; C tests compare it with `unleashed_version()` and with `Cargo.toml`.

use core::ffi::{CStr, c_char};

/// The major version of the header.
pub const UNLEASHED_VERSION_MAJOR: u32 = 0;
/// The minor version of the header.
pub const UNLEASHED_VERSION_MINOR: u32 = 1;
/// The patch version of the header.
pub const UNLEASHED_VERSION_PATCH: u32 = 0;

const fn parse(digits: &str) -> u32 {
    let bytes = digits.as_bytes();
    assert!(!bytes.is_empty());
    let mut value = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i].is_ascii_digit(), "version parts are decimal numbers");
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    value
}

const _: () = {
    assert!(UNLEASHED_VERSION_MAJOR == parse(env!("CARGO_PKG_VERSION_MAJOR")), "update UNLEASHED_VERSION_MAJOR");
    assert!(UNLEASHED_VERSION_MINOR == parse(env!("CARGO_PKG_VERSION_MINOR")), "update UNLEASHED_VERSION_MINOR");
    assert!(UNLEASHED_VERSION_PATCH == parse(env!("CARGO_PKG_VERSION_PATCH")), "update UNLEASHED_VERSION_PATCH");
};

const VERSION: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
    Ok(version) => version,
    Err(_) => panic!("the package version has no NUL"),
};

/// The version of the library linked at run time, `"MAJOR.MINOR.PATCH"`, static and NUL-terminated.
///
/// Compare it with `UNLEASHED_VERSION` to detect a header and library of different versions.
#[unsafe(no_mangle)]
pub extern "C" fn unleashed_version() -> *const c_char {
    VERSION.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_numbers_of_several_digits() {
        // Today's parts are single digits; 0.10.0 or 1.0.12 must still tie the constants to Cargo.toml.
        assert_eq!([parse("0"), parse("7"), parse("10"), parse("12"), parse("305")], [0, 7, 10, 12, 305]);
    }

    #[test]
    fn each_version_constant_matches_cargo_toml() {
        let expected: Vec<u32> =
            env!("CARGO_PKG_VERSION").split(['.', '-', '+']).take(3).map(|p| p.parse().unwrap()).collect();
        assert_eq!(expected, [UNLEASHED_VERSION_MAJOR, UNLEASHED_VERSION_MINOR, UNLEASHED_VERSION_PATCH]);
        // SAFETY: unleashed_version returns a static NUL-terminated string.
        let linked = unsafe { CStr::from_ptr(unleashed_version()) };
        assert_eq!(linked.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
