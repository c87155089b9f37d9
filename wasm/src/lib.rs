//! The WebAssembly module: the C ABI of `ffi/` (the same exports, statuses and key layout), built for
//! `wasm32-unknown-unknown` without std, an allocator or imports. Its panic handler traps (`ffi/src/boundary.rs`).
//! The caller owns all memory above `__heap_base` and passes pointers into the module's linear memory
//! (`bindings/node/src/wasm/`).
#![no_std]

pub use unleashed_signer_ffi::*;
