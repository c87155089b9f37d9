//! A `#![no_std]` static library that signs through unleashed-signer, so that the build fails if std is linked.
#![no_std]
#![deny(missing_docs)]

use core::panic::PanicInfo;

use unleashed_signer::{QueryBuilder, SignedForm, SigningKey};

/// Signs a built query and a URL with a made-up key, checks one against the other, and returns a checksum of the
/// signature (0 if anything failed), so that every part of the signer is linked in.
// SAFETY: the symbol name is unique to this crate, so it cannot clash with another definition at link time.
#[unsafe(no_mangle)]
pub extern "C" fn unleashed_no_std_check_sign() -> u32 {
    let Ok(key) = SigningKey::from_text("made-up-key-of-no-consequence") else {
        return 0;
    };
    let mut buf = [0u8; 128];
    let mut query = QueryBuilder::new(&mut buf);
    if query.push("customerName", "Acme & Sons").is_err() {
        return 0;
    }
    let signed = query.sign(&key, SignedForm::Decoded);
    match key.verify_url("/Customers?customerName=Acme%20%26%20Sons", SignedForm::Decoded, signed.signature.as_bytes())
    {
        Ok(()) => {
            signed.signature.as_bytes().iter().fold(1u32, |sum, &b| sum.wrapping_mul(31).wrapping_add(u32::from(b)))
        }
        Err(_) => 0,
    }
}

/// Ours, since there is no std to provide one: a second definition would be a duplicate lang item.
#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
