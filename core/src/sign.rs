//! Signing and verifying: the 44-character signature, the streaming signer, and which form of a query is signed.

use core::fmt;

use base64ct::{Base64, Encoding};
use zeroize::Zeroize;

use crate::error::{DecodeError, VerifyError};
use crate::key::SigningKey;
use crate::percent::{self, Piece};
use crate::sha256::{DIGEST_LEN, Sha256};

/// Which bytes of a percent-encoded query are signed.
///
/// Unleashed does not document whether its server checks the query as it arrives or after decoding it; the
/// evidence says decoded. For queries built by [`QueryBuilder`](crate::QueryBuilder) from typical values the
/// two forms are the same bytes, so either server reading accepts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SignedForm {
    /// The percent-decoded query, as a person writes it (`a b` for `a%20b`). The default.
    #[default]
    Decoded,
    /// The query exactly as it is sent on the wire.
    Wire,
}

/// An `api-auth-signature` value: base64 of HMAC-SHA256, always [`Signature::LEN`] ASCII characters.
///
/// Compared in constant time.
#[derive(Clone, Copy)]
pub struct Signature([u8; Signature::LEN]);

impl Signature {
    /// The length of every signature, in characters: base64 of 32 bytes with one `=` of padding.
    pub const LEN: usize = 44;

    /// The signature as text, ready for the `api-auth-signature` header.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).expect("base64 is ASCII")
    }

    /// The signature's 44 ASCII bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; Self::LEN] {
        &self.0
    }

    fn from_mac(mac: &[u8; DIGEST_LEN]) -> Self {
        let mut out = [0u8; Self::LEN];
        Base64::encode(mac, &mut out).expect("44 bytes hold base64 of 32");
        Self(out)
    }

    /// Constant-time comparison with `other`, which may be of any length.
    fn matches(&self, other: &[u8]) -> bool {
        if other.len() != Self::LEN {
            return false;
        }
        let diff = self.0.iter().zip(other).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        core::hint::black_box(diff) == 0
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.matches(&other.0)
    }
}

impl Eq for Signature {}

impl AsRef<[u8]> for Signature {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<str> for Signature {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signature").field(&self.as_str()).finish()
    }
}

/// Signs a message fed in pieces; the result equals [`SigningKey::sign`] of the pieces joined.
///
/// ```
/// use unleashed_signer::SigningKey;
/// let key = SigningKey::from_text("made-up-key")?;
/// let mut signer = key.signer();
/// signer.update(b"customerCode=");
/// signer.update(b"ACME");
/// assert_eq!(signer.finalize(), key.sign(b"customerCode=ACME"));
/// # Ok::<(), unleashed_signer::KeyError>(())
/// ```
pub struct Signer<'k> {
    key: &'k SigningKey,
    inner: Sha256,
}

impl Signer<'_> {
    /// Feeds the next piece of the message.
    pub fn update(&mut self, piece: &[u8]) {
        self.inner.update(piece);
    }

    /// Finishes the HMAC and returns its signature. Every intermediate is wiped.
    ///
    /// Taking `self` by value moves the signer's state (a copy the library cannot wipe, as every Rust move): for
    /// long inputs of a long-lived key, prefer [`finalize_reset`](Self::finalize_reset), which works in place.
    #[must_use]
    pub fn finalize(mut self) -> Signature {
        self.finalize_reset()
    }

    /// Finishes the HMAC in place, returns its signature, and starts over for a new message with the same key.
    /// Every intermediate is wiped.
    ///
    /// ```
    /// use unleashed_signer::SigningKey;
    /// let key = SigningKey::from_text("made-up-key")?;
    /// let mut signer = key.signer();
    /// signer.update(b"a=1");
    /// assert_eq!(signer.finalize_reset(), key.sign(b"a=1"));
    /// signer.update(b"b=2");
    /// assert_eq!(signer.finalize_reset(), key.sign(b"b=2"));
    /// # Ok::<(), unleashed_signer::KeyError>(())
    /// ```
    #[must_use]
    pub fn finalize_reset(&mut self) -> Signature {
        let mut digest = [0u8; DIGEST_LEN];
        self.inner.finalize_into(&mut digest);
        self.inner.restart(&self.key.inner);
        outer_signature(self.key, &mut digest)
    }

    /// Feeds `query` percent-decoded, without allocating.
    fn update_decoded(&mut self, query: &[u8]) -> Result<(), DecodeError> {
        for piece in percent::decode(query) {
            match piece? {
                Piece::Literal(run) => self.inner.update(run),
                Piece::Escaped(byte) => self.inner.update_byte(byte),
            }
        }
        Ok(())
    }
}

/// Hand-written: the state is key-derived.
impl fmt::Debug for Signer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { .. }")
    }
}

impl SigningKey {
    /// A streaming signer for a message fed in pieces.
    #[must_use]
    pub fn signer(&self) -> Signer<'_> {
        Signer { key: self, inner: Sha256::resume(&self.inner) }
    }

    /// Signs `message` byte for byte, as it is.
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> Signature {
        // One-shot: hashes straight from `message`, with no streaming buffer to fill and wipe.
        let mut digest = [0u8; DIGEST_LEN];
        self.inner.finish(message, &mut digest);
        outer_signature(self, &mut digest)
    }

    /// Signs a query string (no `?`) in the given form.
    ///
    /// With [`SignedForm::Decoded`], a `%` that does not start a `%XX` escape is an error.
    pub fn sign_query(&self, query: &[u8], form: SignedForm) -> Result<Signature, DecodeError> {
        match form {
            SignedForm::Wire => Ok(self.sign(query)),
            // Without a `%` the decoded form is the same bytes: the one-shot path signs them.
            SignedForm::Decoded if !query.contains(&b'%') => Ok(self.sign(query)),
            SignedForm::Decoded => {
                // Built and finished in place: `self.signer()` returns the state by value, and on aarch64 that
                // move went through a stack temporary nothing wipes (measured by `residue/scan_qemu.py`);
                // `finalize(self)` would move it again.
                let mut signer = Signer { key: self, inner: Sha256::unstarted() };
                signer.inner.restart(&self.inner);
                signer.update_decoded(query)?;
                Ok(signer.finalize_reset())
            }
        }
    }

    /// Signs the query of a URL or path-and-query, as [`url::query_bytes`](crate::url::query_bytes) finds it.
    ///
    /// ```
    /// use unleashed_signer::{SignedForm, SigningKey};
    /// let key = SigningKey::from_text("made-up-key")?;
    /// let from_url = key.sign_url("https://api.unleashedsoftware.com/Customers?customerCode=ACME", SignedForm::Decoded)?;
    /// assert_eq!(from_url, key.sign(b"customerCode=ACME"));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn sign_url(&self, url: impl AsRef<[u8]>, form: SignedForm) -> Result<Signature, DecodeError> {
        self.sign_query(crate::url::query_bytes(url.as_ref()), form)
    }

    /// Checks, in constant time, that `signature` is this key's signature of `message` as it is.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), VerifyError> {
        check(self.sign(message), signature)
    }

    /// Checks, in constant time, `signature` against a query signed in the given form.
    pub fn verify_query(&self, query: &[u8], form: SignedForm, signature: &[u8]) -> Result<(), VerifyError> {
        check(self.sign_query(query, form)?, signature)
    }

    /// Checks, in constant time, `signature` against the query of a URL or path-and-query.
    pub fn verify_url(&self, url: impl AsRef<[u8]>, form: SignedForm, signature: &[u8]) -> Result<(), VerifyError> {
        check(self.sign_url(url, form)?, signature)
    }
}

/// HMAC's outer hash of the inner `digest`, as a signature; wipes the digest and the MAC.
fn outer_signature(key: &SigningKey, digest: &mut [u8; DIGEST_LEN]) -> Signature {
    let mut mac = [0u8; DIGEST_LEN];
    key.outer.finish(digest, &mut mac);
    // Wiped as slices: zeroize fills a slice at once, but an array byte by byte.
    digest[..].zeroize();
    let signature = Signature::from_mac(&mac);
    mac[..].zeroize();
    signature
}

fn check(expected: Signature, given: &[u8]) -> Result<(), VerifyError> {
    if expected.matches(given) { Ok(()) } else { Err(VerifyError::Mismatch) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finalize_reset_signs_each_message_and_starts_over() {
        let key = SigningKey::from_text("made-up-key").unwrap();
        let mut signer = key.signer();
        signer.update(b"customer");
        signer.update(b"Code=ACME");
        assert_eq!(signer.finalize_reset(), key.sign(b"customerCode=ACME"));
        assert_eq!(signer.finalize_reset(), key.sign(b""), "a reset signer signs the empty message");
        signer.update(&[b'x'; 200]);
        assert_eq!(signer.finalize_reset(), key.sign(&[b'x'; 200]));
        signer.update(b"a=1");
        assert_eq!(signer.finalize(), key.sign(b"a=1"));
    }

    /// A signature made of `base` with `changes` applied: `(position, xor)`.
    fn altered(base: Signature, changes: &[(usize, u8)]) -> Signature {
        let mut bytes = base.0;
        for &(at, xor) in changes {
            bytes[at] ^= xor;
        }
        Signature(bytes)
    }

    #[test]
    fn signatures_are_equal_only_when_every_byte_is() {
        let sig = SigningKey::from_text("made-up-key").unwrap().sign(b"customerCode=ACME");
        assert_eq!(sig, SigningKey::from_text("made-up-key").unwrap().sign(b"customerCode=ACME"));
        for at in 0..Signature::LEN {
            for xor in [0x01, 0x80, 0xff] {
                assert_ne!(altered(sig, &[(at, xor)]), sig, "one byte differs at {at} by {xor:#04x}");
            }
        }
        // Two differences that cancel under XOR must not cancel in the comparison.
        for (a, b) in [(0, 1), (0, 43), (20, 21), (42, 43)] {
            assert_ne!(altered(sig, &[(a, 0x01), (b, 0x01)]), sig, "same XOR at {a} and {b}");
            assert_ne!(altered(sig, &[(a, 0x5a), (b, 0x5a)]), sig, "same XOR at {a} and {b}");
        }
    }

    #[test]
    fn matches_refuses_every_other_length() {
        let sig = SigningKey::from_text("made-up-key").unwrap().sign(b"customerCode=ACME");
        let bytes = sig.as_bytes();
        assert!(sig.matches(bytes));
        assert!(!sig.matches(&[]));
        assert!(!sig.matches(&bytes[..43]), "a prefix");
        assert!(!sig.matches(&bytes[..1]), "a one-byte prefix");
        let mut longer = [0u8; 45];
        longer[..44].copy_from_slice(bytes);
        for extra in [0, b'='] {
            longer[44] = extra;
            assert!(!sig.matches(&longer), "the signature and one byte more");
        }
    }
}
