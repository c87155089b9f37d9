//! The C ABI of `unleashed-signer`: what C and C++ programs and other language runtimes link against.
//!
//! C users see `include/unleashed_signer.h` (generated from this crate by cbindgen, see `cbindgen.toml`), a
//! static and a shared library, and `unleashed-signer.pc`. This crate holds no signing logic: every export
//! checks its arguments with the helpers in `boundary`, calls the core crate, and maps the error to an
//! [`unleashed_status`]. No panic crosses the boundary and no export allocates.
//!
//! The exports are plain `extern "C"` functions, so Rust code (benchmarks, fuzz targets) can call them through
//! the `rlib` exactly as C does.
//!
//! Without its default `std` feature the crate is `no_std`: that is how `wasm/` builds the same exports into a
//! WebAssembly module (no unwinding there, so a panic aborts instead of becoming `UNLEASHED_PANIC`).
#![cfg_attr(not(feature = "std"), no_std)]
#![allow(non_camel_case_types)]
// Each export that returns a status carries `#[must_use]` too: cbindgen turns that attribute, not the type's,
// into `UNLEASHED_MUST_USE` (warn_unused_result) in the C header.
#![allow(clippy::double_must_use)]

// Declared in the order the header presents them (blank lines keep rustfmt from sorting them).
mod status;

mod version;

mod key;

mod sign;

mod query;

mod headers;

mod boundary;

pub use headers::*;
pub use key::*;
pub use query::*;
pub use sign::*;
pub use status::{unleashed_status, unleashed_status_str};
pub use version::*;
