//! Prints the five Unleashed headers for `Customers?customerCode=ACME`, signed with a made-up key.
//!
//! Run with `cargo run -p unleashed-signer --example headers`.

use unleashed_signer::{ApiId, ClientType, RequestHeaders, SignedForm, SigningKey};

/// Made up for this example: 84 base64-alphabet characters and `==`, the shape of a real key.
const MADE_UP_KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
const MADE_UP_ID: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = SigningKey::from_text(MADE_UP_KEY)?;
    let id = ApiId::parse(MADE_UP_ID)?;
    let client = ClientType::parse("acme/orderautomation")?;
    let headers = RequestHeaders::for_url(&key, &id, client, "Customers?customerCode=ACME", SignedForm::Decoded)?;
    for (name, value) in headers.pairs() {
        println!("{name}: {value}");
    }
    Ok(())
}
