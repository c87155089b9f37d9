//! Oracles the fuzz targets check `unleashed-signer` against, written independently of the core and as plainly as
//! possible: allocation is fine here, speed is not the point.
//!
//! Also the input framing shared by the targets, kept simple so that seed files can be written by hand
//! (`make_seeds.py` writes the checked-in corpus).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A made-up key of the real shape (86 characters, 84 of the base64 alphabet then `==`).
pub const TEST_KEY: &str = "FuzzKeyFuzzKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/fuzzKEY==";

/// base64 (standard alphabet, padded) of HMAC-SHA256(key, message), computed by the `hmac` crate.
pub fn hmac_signature(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    base64_encode(&mac.finalize().into_bytes())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard padded base64, bit by bit.
pub fn base64_encode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for group in bytes.chunks(3) {
        let mut bits = [0u8; 3];
        bits[..group.len()].copy_from_slice(group);
        let n = u32::from(bits[0]) << 16 | u32::from(bits[1]) << 8 | u32::from(bits[2]);
        let sextets = [n >> 18, n >> 12, n >> 6, n].map(|s| ALPHABET[(s & 63) as usize]);
        out.extend_from_slice(&sextets[..group.len() + 1]);
        out.resize(out.len() + 3 - group.len(), b'=');
    }
    out
}

/// Strict padded standard base64: length a multiple of four, `=` only as the last one or two characters, and the
/// unused bits of the last character zero (so every accepted text is the one encoding of its bytes).
pub fn base64_decode_strict(text: &[u8]) -> Option<Vec<u8>> {
    if text.is_empty() || !text.len().is_multiple_of(4) {
        return None;
    }
    let padding = text.iter().rev().take_while(|&&c| c == b'=').count();
    if padding > 2 {
        return None;
    }
    let mut bits: u32 = 0;
    let mut bit_count = 0;
    let mut out = Vec::new();
    for &c in &text[..text.len() - padding] {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = bits << 6 | value;
        bit_count += 6;
        if bit_count >= 8 {
            bit_count -= 8;
            out.push((bits >> bit_count) as u8);
            bits &= (1 << bit_count) - 1;
        }
    }
    (bits == 0).then_some(out)
}

/// Whether the byte is one that queries keep as it is, spelled out from the project's documentation.
pub fn is_unencoded(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~:,/@".contains(&byte)
}

/// Minimal percent-encoding with uppercase hex.
pub fn percent_encode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in bytes {
        if is_unencoded(b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

/// Percent-decodes `%XX` (either case), keeping `+`; on a malformed escape, the offset of its `%`.
pub fn percent_decode(bytes: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let value = hex.filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit())).map(|h| u8::from_str_radix(h, 16));
            match value {
                Some(Ok(v)) => out.push(v),
                _ => return Err(i),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// The query of a URL as RFC 3986 reads it: drop the fragment, then take what follows the first `?`.
pub fn url_query(url: &[u8]) -> &[u8] {
    let without_fragment = url.split(|&b| b == b'#').next().unwrap_or_default();
    let mut parts = without_fragment.splitn(2, |&b| b == b'?');
    let _before = parts.next();
    parts.next().unwrap_or_default()
}

/// Splits `data` into fields, each a length byte followed by that many bytes (the last field may be cut short).
pub fn length_prefixed_fields(mut data: &[u8]) -> Vec<&[u8]> {
    let mut fields = Vec::new();
    while let Some((&len, rest)) = data.split_first() {
        let (field, rest) = rest.split_at(usize::from(len).min(rest.len()));
        fields.push(field);
        data = rest;
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracles_agree_with_known_answers() {
        // RFC 4231 test case 2.
        let mac = hmac_signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(mac, base64_encode(&hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")));
        assert_eq!(base64_encode(b"foob"), b"Zm9vYg==");
        assert_eq!(base64_decode_strict(b"Zm9vYg==").unwrap(), b"foob");
        assert_eq!(base64_decode_strict(b"Zm9vYh=="), None);
        assert_eq!(percent_decode(b"a%2Fb%2x"), Err(5));
        assert_eq!(url_query(b"/a?b?c#d?e"), b"b?c");
        assert_eq!(length_prefixed_fields(b"\x01a\x05bc"), [&b"a"[..], b"bc"]);
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }
}
