//! Minimal percent-encoding and on-the-fly decoding of query bytes.
//!
//! Left as they are: `A-Z a-z 0-9 - . _ ~ : , / @`, bytes that are legal in a query and mean themselves to every
//! decoder, so the wire form of typical Unleashed queries equals their decoded form. Everything else becomes
//! `%XX` with uppercase hex; a space is `%20`, never `+`.

use crate::error::DecodeError;

/// Whether `byte` is written as it is in a query built by this crate.
#[must_use]
pub const fn is_unencoded(byte: u8) -> bool {
    UNENCODED[byte as usize]
}

/// [`is_unencoded`] as a table: one load per byte on the encoder's hot path instead of a chain of range checks.
const UNENCODED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(
            byte as u8,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b',' | b'/' | b'@'
        );
        byte += 1;
    }
    table
};

/// The number of bytes `input` takes once percent-encoded.
#[must_use]
pub fn encoded_len(input: &[u8]) -> usize {
    let escaped = input.iter().filter(|&&b| !is_unencoded(b)).count();
    // Saturating: three times the longest possible slice does not fit a usize.
    input.len().saturating_add(escaped.saturating_mul(2))
}

/// The most bytes `input` can take once percent-encoded: a bound that needs no pass over the bytes.
pub(crate) fn max_encoded_len(input: &[u8]) -> usize {
    input.len().saturating_mul(3)
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Percent-encodes `input` into the start of `out` and returns the number of bytes written.
///
/// `out` must hold at least [`encoded_len(input)`](encoded_len) bytes. Runs of unencoded bytes, most of a
/// typical value, are copied at once.
pub(crate) fn encode_into(mut input: &[u8], out: &mut [u8]) -> usize {
    let mut at = 0;
    loop {
        let run = input.iter().position(|&b| !is_unencoded(b)).unwrap_or(input.len());
        out[at..at + run].copy_from_slice(&input[..run]);
        at += run;
        let Some((&byte, rest)) = input[run..].split_first() else {
            return at;
        };
        out[at..at + 3].copy_from_slice(&[b'%', HEX_UPPER[usize::from(byte >> 4)], HEX_UPPER[usize::from(byte & 15)]]);
        at += 3;
        input = rest;
    }
}

const fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// A run of a percent-decoded query: bytes to take as they are, or one byte that an escape stood for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Bytes with no `%` in them, unchanged by decoding.
    Literal(&'a [u8]),
    /// The byte a `%XX` escape decodes to.
    Escaped(u8),
}

/// Percent-decodes `query` piece by piece, without allocating.
///
/// Only `%XX` escapes are decoded (either case of hex digit); `+` is kept as `+`, as RFC 3986 reads a query.
/// Yields an error once, at the first `%` that is not followed by two hex digits, and then stops.
///
/// ```
/// use unleashed_signer::percent::{decode, Piece};
/// let pieces: Vec<_> = decode(b"a%20b").collect::<Result<_, _>>().unwrap();
/// assert_eq!(pieces, [Piece::Literal(b"a"), Piece::Escaped(b' '), Piece::Literal(b"b")]);
/// ```
pub fn decode(query: &[u8]) -> Decode<'_> {
    Decode { query, at: 0 }
}

/// The iterator [`decode`] returns.
#[derive(Clone, Debug)]
pub struct Decode<'a> {
    query: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Decode<'a> {
    type Item = Result<Piece<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.query.get(self.at..).filter(|rest| !rest.is_empty())?;
        if rest[0] != b'%' {
            let run = rest.iter().position(|&b| b == b'%').unwrap_or(rest.len());
            self.at += run;
            return Some(Ok(Piece::Literal(&rest[..run])));
        }
        let escape = match rest {
            [_, hi, lo, ..] => hex_value(*hi).zip(hex_value(*lo)).map(|(hi, lo)| hi << 4 | lo),
            _ => None,
        };
        match escape {
            Some(byte) => {
                self.at += 3;
                Some(Ok(Piece::Escaped(byte)))
            }
            None => {
                let offset = self.at;
                self.at = self.query.len();
                Some(Err(DecodeError::MalformedEscape { offset }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unencoded_set_is_exactly_the_documented_one() {
        let documented = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:,/@";
        for byte in 0..=255u8 {
            assert_eq!(is_unencoded(byte), documented.contains(&byte), "byte {byte:#04x}");
        }
    }

    #[test]
    fn encodes_with_uppercase_hex_and_space_as_percent_20() {
        let input = "a b+c&d=e%f?g#h\u{e9}:,/@~".as_bytes();
        let mut out = [0u8; 64];
        let n = encode_into(input, &mut out);
        assert_eq!(&out[..n], b"a%20b%2Bc%26d%3De%25f%3Fg%23h%C3%A9:,/@~");
        assert_eq!(n, encoded_len(input));
    }

    #[test]
    fn malformed_escapes_are_reported_at_their_offset() {
        for (query, offset) in [(&b"%"[..], 0), (b"ab%4", 2), (b"x%G1", 1), (b"%41%zz", 3), (b"a%%41", 1)] {
            let error = decode(query).find_map(Result::err);
            assert_eq!(error, Some(DecodeError::MalformedEscape { offset }), "{query:?}");
        }
    }

    #[test]
    fn decodes_both_hex_cases_and_keeps_plus() {
        let mut out = [0u8; 16];
        let mut n = 0;
        for piece in decode(b"%41%6a+%2b") {
            match piece.unwrap() {
                Piece::Literal(run) => {
                    out[n..n + run.len()].copy_from_slice(run);
                    n += run.len();
                }
                Piece::Escaped(byte) => {
                    out[n] = byte;
                    n += 1;
                }
            }
        }
        assert_eq!(&out[..n], b"Aj++");
    }
}
