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
/// compressions for a short query. Every copy of key material the library makes while preparing it is wiped,
/// and the prepared states are wiped when the key is dropped. `Debug` never shows them.
///
/// # Where a key lives
/// The constructors ([`from_text`](Self::from_text) and the others) return the key by value. A Rust move is a
/// `memcpy`: the bytes left behind in the old place (a dead stack slot, a return slot) are a copy of the
/// prepared key that no destructor runs on and the library cannot wipe. For a key that lives long, prepare it
/// where it will stay: make an [`empty`](Self::empty) key there (in a `static`, a `Box`, a struct field) and
/// [`load`](Self::load) the secret into it, which writes the prepared states in place and nowhere else.
///
/// ```
/// use unleashed_signer::{KeyFormat, SigningKey};
/// let mut key = Box::new(SigningKey::empty());
/// key.load(b"made-up-key-for-docs-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU==", KeyFormat::Text)?;
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
    /// A key that holds no secret yet: every byte zero, ready for [`load`](Self::load).
    ///
    /// An empty key is not an HMAC key: its signatures match no real key's, so a server refuses them. Check
    /// [`is_empty`](Self::is_empty) where a key may not have been loaded.
    #[must_use]
    pub const fn empty() -> Self {
        Self { inner: ChainingValue::zero(), outer: ChainingValue::zero() }
    }

    /// Whether the key holds no secret: made by [`empty`](Self::empty), wiped, or left so by a failed
    /// [`load`](Self::load).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.inner.is_zero() && self.outer.is_zero()
    }

    /// Prepares the key the Unleashed way: the bytes of the key text are the HMAC key.
    ///
    /// Rejects an empty key, and any whitespace or control character, naming where it stands
    /// ("the API key has a trailing newline") but never echoing the key.
    pub fn from_text(key: &str) -> Result<Self, KeyError> {
        Self::prepared(key.as_bytes(), KeyFormat::Text)
    }

    /// Prepares a raw binary secret as it is. Only an empty secret is rejected.
    pub fn from_bytes(secret: &[u8]) -> Result<Self, KeyError> {
        Self::prepared(secret, KeyFormat::Raw)
    }

    /// Opt-in for services that hand out base64-encoded binary secrets: decodes `key` (padded standard base64,
    /// in constant time) into a wiped stack buffer and uses the decoded bytes. Unleashed keys are *not* used
    /// this way: use [`from_text`](Self::from_text) for them.
    pub fn from_base64(key: &str) -> Result<Self, KeyError> {
        Self::prepared(key.as_bytes(), KeyFormat::Base64)
    }

    /// Prepares `secret` read as `format`: the one entry point for callers that hold bytes, such as C.
    pub fn new(secret: &[u8], format: KeyFormat) -> Result<Self, KeyError> {
        Self::prepared(secret, format)
    }

    fn prepared(secret: &[u8], format: KeyFormat) -> Result<Self, KeyError> {
        let mut key = Self::empty();
        key.load(secret, format)?;
        Ok(key)
    }

    /// Prepares `secret`, read as `format`, in this key's own storage, replacing (and wiping) what it held.
    ///
    /// The prepared states are computed where they stay, so no copy of them is left anywhere else by this
    /// call. On an error the key is left [`empty`](Self::empty); the error never holds key bytes.
    pub fn load(&mut self, secret: &[u8], format: KeyFormat) -> Result<(), KeyError> {
        self.zeroize();
        match format {
            KeyFormat::Text => self.load_block(check_text(secret)?.as_bytes()),
            KeyFormat::Base64 => {
                let text = check_text(secret)?;
                if text.len() > MAX_BASE64_KEY_CHARS {
                    return Err(KeyError::Base64TooLong { max_chars: MAX_BASE64_KEY_CHARS });
                }
                let mut decoded = Zeroizing::new([0u8; MAX_BASE64_KEY_CHARS / 4 * 3]);
                let secret = Base64::decode(text, &mut *decoded).map_err(|_| KeyError::InvalidBase64)?;
                if secret.is_empty() {
                    return Err(KeyError::Empty);
                }
                self.load_block(secret);
            }
            KeyFormat::Raw if secret.is_empty() => return Err(KeyError::Empty),
            KeyFormat::Raw => self.load_block(secret),
        }
        Ok(())
    }

    /// Pads `secret` (hashed first if longer than a block, RFC 2104) into HMAC's key block and absorbs the block
    /// XORed with ipad and opad into the two states in place. Wipes the block and the hashed key.
    fn load_block(&mut self, secret: &[u8]) {
        const IPAD: u8 = 0x36;
        const OPAD: u8 = 0x5c;
        let mut block = Zeroizing::new([0u8; BLOCK_LEN]);
        if secret.len() > BLOCK_LEN {
            let mut hasher = Sha256::new();
            hasher.update(secret);
            let (digest, _) = block.split_first_chunk_mut::<DIGEST_LEN>().expect("a block holds a digest");
            hasher.finalize_into(digest);
        } else {
            block[..secret.len()].copy_from_slice(secret);
        }
        block.iter_mut().for_each(|b| *b ^= IPAD);
        self.inner.restart_with(&block);
        block.iter_mut().for_each(|b| *b ^= IPAD ^ OPAD);
        self.outer.restart_with(&block);
        block[..].zeroize();
        crate::sha256::flush_registers();
    }
}

/// Rejects what a key pasted from Unleashed never holds, saying where it stands.
fn check_text(secret: &[u8]) -> Result<&str, KeyError> {
    let key = core::str::from_utf8(secret).map_err(|e| KeyError::NotUtf8 { offset: e.valid_up_to() })?;
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
    Ok(key)
}

impl Zeroize for SigningKey {
    fn zeroize(&mut self) {
        // Destructured so that a field added later without being wiped is a compile error.
        let Self { inner, outer } = self;
        inner.zeroize();
        outer.zeroize();
        // The last signature's SHA-256 working state may still be in the SHA registers (on aarch64 the outer
        // one is MAC - outer state lane by lane, as good as the key beside the public signature: measured by
        // residue/scan_qemu.py). The C entry points zero the vector registers; this covers the Rust API.
        crate::sha256::flush_registers();
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
    fn the_longest_base64_key_decodes_in_full() {
        // 256 characters, the most accepted, decode to 192 bytes: the whole stack buffer.
        let mut text = [0u8; MAX_BASE64_KEY_CHARS + 4];
        text.chunks_exact_mut(4).for_each(|c| c.copy_from_slice(b"QUJD"));
        let mut secret = [0u8; MAX_BASE64_KEY_CHARS / 4 * 3];
        secret.chunks_exact_mut(3).for_each(|c| c.copy_from_slice(b"ABC"));
        let key = SigningKey::new(&text[..MAX_BASE64_KEY_CHARS], KeyFormat::Base64).unwrap();
        assert_eq!(key.sign(b"a=1"), SigningKey::from_bytes(&secret).unwrap().sign(b"a=1"));
        assert_ne!(key.sign(b"a=1"), SigningKey::from_bytes(&secret[..189]).unwrap().sign(b"a=1"));
        assert_eq!(
            SigningKey::new(&text, KeyFormat::Base64).unwrap_err(),
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
