//! A `no_std`, allocation-free signer for the Unleashed inventory API.
//!
//! Unleashed authenticates each request with `api-auth-signature`: base64 of HMAC-SHA256 over the URL's query,
//! keyed with the API key's text. This crate prepares the key once ([`SigningKey`]), builds percent-encoded
//! queries whose signature cannot drift from what is sent ([`QueryBuilder`]), signs URLs in either
//! [`SignedForm`], and gives the five request headers ([`RequestHeaders`]).
//!
//! Every copy of key material the library makes, including HMAC's inner and outer SHA-256 states, is wiped
//! before the call that made it returns, and a key's own states are wiped when it is dropped. A Rust move is a
//! copy no destructor sees: prepare long-lived keys in place with [`SigningKey::empty`] and
//! [`SigningKey::load`]. The repository's `docs/wiping.md` has the measurement (a scan of process memory after
//! clear finds nothing, on every entry point, in release builds) and what is out of reach.
//!
//! ```
//! use unleashed_signer::{ApiId, ClientType, RequestHeaders, SignedForm, SigningKey};
//!
//! let key = SigningKey::from_text("made-up-key-for-docs-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU==")?;
//! let id = ApiId::parse("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")?;
//! let client = ClientType::parse("acme/orderautomation")?;
//! let headers = RequestHeaders::for_url(&key, &id, client, "Customers?customerCode=ACME", SignedForm::Decoded)?;
//! assert_eq!(headers.pairs()[1].0, "api-auth-signature");
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
#![no_std]
// Tests may read a value's bytes after its wiping `Drop` ran, and only they, each marked `allow(unsafe_code)`.
#![cfg_attr(not(test), forbid(unsafe_code))]
#![cfg_attr(test, deny(unsafe_code))]
#![deny(missing_docs)]

pub mod error;
pub mod headers;
mod key;
pub mod percent;
mod query;
mod sha256;
mod sign;
pub mod url;

pub use error::{
    ApiIdError, BuildError, ClientTypeError, DecodeError, HeaderError, KeyError, Place, VerifyError, WhitespaceKind,
};
pub use headers::{ApiId, ClientType, MediaType, RequestHeaders, SigningHeaders};
pub use key::{KeyFormat, MAX_BASE64_KEY_CHARS, SigningKey};
pub use query::{QueryBuilder, SignedQuery};
pub use sign::{Signature, SignedForm, Signer};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
