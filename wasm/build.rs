//! Exports the module's stack pointer (`__stack_pointer`, a mutable global), so that the JavaScript side can zero the
//! stack the module used after each call: the module's stack lives in its linear memory, where a key-derived value a
//! function left in its frame would stay until overwritten (bindings/node/src/wasm/backend.ts, `scrubStack`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-cdylib-link-arg=--export=__stack_pointer");
    }
}
