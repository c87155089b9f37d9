//! The prepared signing key: the HMAC-SHA256 inner and outer states, computed once and wiped on drop.

use core::fmt;

use base64ct::{Base64, Encoding};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{KeyError, Place, WhitespaceKind};
use crate::sha256::{BLOCK_LEN, ChainingValue, DIGEST_LEN, Sha256};

/// How the secret handed to [`SigningKey::new`] is to be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFormat {
    /// The key text's own bytes are the HMAC key: Unleashed's way, and the default.
    #[default]
    Text,
    /// The key is standard padded base64 and its decoded bytes are the HMAC key. Never right for Unleashed.
    Base64,
    /// The bytes are the HMAC key as they are, with no checks but non-emptiness.
    Raw,
}

/// An HMAC-SHA256 key prepared for signing Unleashed requests.
///
/// Preparing it hashes the two padded key blocks once; each signature after that costs two SHA-256
/// compressions for a short query. Every copy of key material made while preparing it is wiped, and the
/// prepared states are wiped when the key is dropped. `Debug` never shows them.
///
/// ```
/// use unleashed_signer::SigningKey;
/// let key = SigningKey::from_text("made-up-key-for-docs-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU==")?;
/// assert_eq!(key.sign(b"customerCode=ACME").as_str().len(), 44);
/// # Ok::<(), unleashed_signer::KeyError>(())
/// ```
#[derive(Clone)]
pub struct SigningKey {
    pub(crate) inner: ChainingValue,
    pub(crate) outer: ChainingValue,
}

/// The longest base64 text [`SigningKey::from_base64`] accepts, in characters.
pub const MAX_BASE64_KEY_CHARS: usize = 256;

impl SigningKey {
    /// Prepares the key the Unleashed way: the bytes of the key text are the HMAC key.
    ///
    /// Rejects an empty key, and any whitespace or control character, naming where it stands
    /// ("the API key has a trailing newline") but never echoing the key.
    pub fn from_text(key: &str) -> Result<Self, KeyError> {
        check_text(key)?;
        Self::from_bytes(key.as_bytes())
    }

    /// Prepares a raw binary secret as it is. Only an empty secret is rejected.
    pub fn from_bytes(secret: &[u8]) -> Result<Self, KeyError> {
        if secret.is_empty() {
            return Err(KeyError::Empty);
        }
        let mut block = Zeroizing::new([0u8; BLOCK_LEN]);
        if secret.len() > BLOCK_LEN {
            // RFC 2104: a key longer than the block is replaced by its hash.
            let mut hasher = Sha256::new();
            hasher.update(secret);
            let mut digest = Zeroizing::new([0u8; DIGEST_LEN]);
            hasher.finalize_into(&mut digest);
            block[..DIGEST_LEN].copy_from_slice(&*digest);
        } else {
            block[..secret.len()].copy_from_slice(secret);
        }
        Ok(Self::from_key_block(&mut block))
    }

    /// Opt-in for services that hand out base64-encoded binary secrets: decodes `key` (padded standard base64,
    /// in constant time) into a wiped stack buffer and uses the decoded bytes. Unleashed keys are *not* used
    /// this way: use [`from_text`](Self::from_text) for them.
    pub fn from_base64(key: &str) -> Result<Self, KeyError> {
        check_text(key)?;
        if key.len() > MAX_BASE64_KEY_CHARS {
            return Err(KeyError::Base64TooLong { max_chars: MAX_BASE64_KEY_CHARS });
        }
        let mut decoded = Zeroizing::new([0u8; MAX_BASE64_KEY_CHARS / 4 * 3]);
        let secret = Base64::decode(key, &mut *decoded).map_err(|_| KeyError::InvalidBase64)?;
        Self::from_bytes(secret)
    }

    /// Prepares `secret` read as `format`: the one entry point for callers that hold bytes, such as C.
    pub fn new(secret: &[u8], format: KeyFormat) -> Result<Self, KeyError> {
        let text = || core::str::from_utf8(secret).map_err(|e| KeyError::NotUtf8 { offset: e.valid_up_to() });
        match format {
            KeyFormat::Text => Self::from_text(text()?),
            KeyFormat::Base64 => Self::from_base64(text()?),
            KeyFormat::Raw => Self::from_bytes(secret),
        }
    }

    /// Absorbs the key block XORed with HMAC's ipad and opad, then wipes the block.
    fn from_key_block(block: &mut [u8; BLOCK_LEN]) -> Self {
        const IPAD: u8 = 0x36;
        const OPAD: u8 = 0x5c;
        let mut key = Self { inner: ChainingValue::initial(), outer: ChainingValue::initial() };
        block.iter_mut().for_each(|b| *b ^= IPAD);
        key.inner.absorb_block(block);
        block.iter_mut().for_each(|b| *b ^= IPAD ^ OPAD);
        key.outer.absorb_block(block);
        block.zeroize();
        key
    }
}

/// Rejects what a key pasted from Unleashed never holds, saying where it stands.
fn check_text(key: &str) -> Result<(), KeyError> {
    if key.is_empty() {
        return Err(KeyError::Empty);
    }
    for (offset, c) in key.char_indices() {
        if c.is_whitespace() {
            let place = match offset {
                0 => Place::Start,
                _ if offset + c.len_utf8() == key.len() => Place::End,
                _ => Place::Offset(offset),
            };
            return Err(KeyError::Whitespace { place, kind: WhitespaceKind::of(c) });
        }
        if c.is_control() {
            return Err(KeyError::Control { offset });
        }
    }
    Ok(())
}

impl Zeroize for SigningKey {
    fn zeroize(&mut self) {
        // Destructured so that a field added later without being wiped is a compile error.
        let Self { inner, outer } = self;
        inner.zeroize();
        outer.zeroize();
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for SigningKey {}

/// Hand-written so that no key-derived state can ever reach a log.
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_named_with_its_place() {
        let cases = [
            ("abc\n", Place::End, WhitespaceKind::Newline),
            (" abc", Place::Start, WhitespaceKind::Space),
            ("ab\tc", Place::Offset(2), WhitespaceKind::Tab),
            ("abc\r", Place::End, WhitespaceKind::CarriageReturn),
            ("abc\u{a0}", Place::End, WhitespaceKind::Other),
        ];
        for (key, place, kind) in cases {
            assert_eq!(SigningKey::from_text(key).unwrap_err(), KeyError::Whitespace { place, kind }, "{key:?}");
        }
        assert_eq!(SigningKey::from_text("ab\u{7}c").unwrap_err(), KeyError::Control { offset: 2 });
        assert_eq!(SigningKey::from_text("").unwrap_err(), KeyError::Empty);
        assert_eq!(SigningKey::from_bytes(b"").unwrap_err(), KeyError::Empty);
    }

    #[test]
    fn new_reads_each_format() {
        assert_eq!(SigningKey::new(b"ab\xffc", KeyFormat::Text).unwrap_err(), KeyError::NotUtf8 { offset: 2 });
        assert_eq!(SigningKey::new(b"abc", KeyFormat::Base64).unwrap_err(), KeyError::InvalidBase64);
        assert!(SigningKey::new(b"ab\xff\n", KeyFormat::Raw).is_ok());
        let long = [b'A'; MAX_BASE64_KEY_CHARS + 4];
        assert_eq!(
            SigningKey::new(&long, KeyFormat::Base64).unwrap_err(),
            KeyError::Base64TooLong { max_chars: MAX_BASE64_KEY_CHARS }
        );
    }

    #[test]
    fn zeroize_wipes_both_prepared_states() {
        let mut key = SigningKey::from_text("secret").unwrap();
        assert_ne!(key.inner.words_for_test(), [0; 8]);
        key.zeroize();
        assert_eq!(key.inner.words_for_test(), [0; 8]);
        assert_eq!(key.outer.words_for_test(), [0; 8]);
    }
}
