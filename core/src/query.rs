//! Building a percent-encoded query in a caller's buffer, and signing exactly what was built.

use crate::error::BuildError;
use crate::key::SigningKey;
use crate::percent::{self, encode_into, encoded_len, is_unencoded, max_encoded_len};
use crate::sign::{Signature, SignedForm};

/// Builds `name=value&name=value` into a caller-provided buffer, percent-encoding minimally.
///
/// What is sent and what is signed come from the same bytes, so they cannot drift apart. A parameter that does
/// not fit is not written at all, and the error says how long the buffer must be.
///
/// ```
/// use unleashed_signer::{QueryBuilder, SignedForm, SigningKey};
/// let key = SigningKey::from_text("made-up-key")?;
/// let mut buf = [0u8; 128];
/// let mut query = QueryBuilder::new(&mut buf);
/// query.push("orderStatus", "Completed,Backordered")?.push("customerName", "Acme & Sons")?;
/// let signed = query.sign(&key, SignedForm::Decoded);
/// assert_eq!(signed.query, "orderStatus=Completed,Backordered&customerName=Acme%20%26%20Sons");
/// assert_eq!(signed.signature, key.sign(b"orderStatus=Completed,Backordered&customerName=Acme & Sons"));
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct QueryBuilder<'b> {
    buf: &'b mut [u8],
    len: usize,
}

/// A wire query and its signature, made together from the same bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedQuery<'a> {
    /// The percent-encoded query to send after the `?`.
    pub query: &'a str,
    /// Its `api-auth-signature`.
    pub signature: Signature,
}

impl<'b> QueryBuilder<'b> {
    /// An empty query that will be written into `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    /// Continues a query already built into the first `len` bytes of `buf`, for callers that keep the buffer and
    /// its length between pushes (such as the C ABI, which keeps them in caller storage).
    ///
    /// Returns `None` unless those bytes are a query this builder could have written: `len` within `buf`, only
    /// the unencoded set, `=`, `&` and well-formed `%XX` escapes.
    ///
    /// ```
    /// use unleashed_signer::QueryBuilder;
    /// let mut buf = *b"a=1\0\0\0\0\0\0\0\0\0";
    /// let mut query = QueryBuilder::resume(&mut buf, 3).unwrap();
    /// query.push("b", "x y")?;
    /// assert_eq!(query.as_str(), "a=1&b=x%20y");
    /// assert!(QueryBuilder::resume(&mut [b'%'; 4], 4).is_none());
    /// # Ok::<(), unleashed_signer::BuildError>(())
    /// ```
    pub fn resume(buf: &'b mut [u8], len: usize) -> Option<Self> {
        let built = buf.get(..len)?;
        let well_formed = built.iter().all(|&b| is_unencoded(b) || matches!(b, b'%' | b'=' | b'&'))
            && percent::decode(built).all(|piece| piece.is_ok());
        well_formed.then_some(Self { buf, len })
    }

    /// Appends `name=value`, with `&` before it unless it is the first parameter.
    ///
    /// On [`BuildError::BufferTooSmall`] the query is left as it was; `needed` is the buffer length that holds
    /// the query with this parameter.
    pub fn push(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<&mut Self, BuildError> {
        let (name, value) = (name.as_ref(), value.as_ref());
        if name.is_empty() {
            return Err(BuildError::EmptyName);
        }
        let separator = usize::from(self.len > 0);
        let length = |encoded: fn(&[u8]) -> usize| {
            self.len
                .saturating_add(separator)
                .saturating_add(encoded(name))
                .saturating_add(1)
                .saturating_add(encoded(value))
        };
        // Counting the exact length costs a pass over the bytes: skip it when even the worst case fits.
        if length(max_encoded_len) > self.buf.len() {
            let needed = length(encoded_len);
            if needed > self.buf.len() {
                return Err(BuildError::BufferTooSmall { needed });
            }
        }
        let mut at = self.len;
        if separator == 1 {
            self.buf[at] = b'&';
            at += 1;
        }
        at += encode_into(name, &mut self.buf[at..]);
        self.buf[at] = b'=';
        at += 1;
        at += encode_into(value, &mut self.buf[at..]);
        self.len = at;
        Ok(self)
    }

    /// The wire query built so far, without a leading `?`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).expect("the builder writes only ASCII")
    }

    /// The wire query's bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The wire query's length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no parameter has been pushed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The wire query with its signature in the given form.
    #[must_use]
    pub fn sign(&self, key: &SigningKey, form: SignedForm) -> SignedQuery<'_> {
        let signature = key.sign_query(self.as_bytes(), form).expect("the builder writes only well-formed %XX escapes");
        SignedQuery { query: self.as_str(), signature }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parameter_that_does_not_fit_is_not_written() {
        let mut buf = [0u8; 11];
        let mut query = QueryBuilder::new(&mut buf);
        query.push("a", "1").unwrap();
        assert_eq!(query.push("bb", "x y").unwrap_err(), BuildError::BufferTooSmall { needed: 3 + 1 + 2 + 1 + 5 });
        assert_eq!(query.as_str(), "a=1");
        query.push("b", "").unwrap();
        assert_eq!(query.as_str(), "a=1&b=");
        assert_eq!(query.push("", "x").unwrap_err(), BuildError::EmptyName);
    }

    #[test]
    fn resume_continues_only_what_a_builder_could_have_written() {
        let mut buf = [0u8; 32];
        let len = {
            let mut query = QueryBuilder::new(&mut buf);
            query.push("a b", "c&d").unwrap();
            query.len()
        };
        let mut query = QueryBuilder::resume(&mut buf, len).unwrap();
        query.push("e", "f").unwrap();
        assert_eq!(query.as_str(), "a%20b=c%26d&e=f");
        assert!(QueryBuilder::resume(&mut [0u8; 4], 0).is_some());
        assert!(QueryBuilder::resume(&mut [b'a'; 4], 5).is_none(), "beyond the buffer");
        assert!(QueryBuilder::resume(&mut { *b"a=%4" }, 4).is_none(), "cut escape");
        assert!(QueryBuilder::resume(&mut { *b"a b" }, 3).is_none(), "unencoded space");
        assert!(QueryBuilder::resume(&mut { *b"a=\xe9" }, 3).is_none(), "non-ASCII");
    }

    #[test]
    fn exact_fit_is_accepted() {
        let mut buf = [0u8; 7];
        let mut query = QueryBuilder::new(&mut buf);
        query.push("k", "a b").unwrap();
        assert_eq!(query.as_str(), "k=a%20b");
    }

    #[test]
    fn a_query_that_exactly_fills_its_buffer_fits_and_one_byte_more_does_not() {
        // Each case once with the worst-case bound over the buffer (escapes) and once within it (none).
        for (name, value, wire) in [("k", "a b", "k=a%20b"), ("key", "value", "key=value"), ("k", "", "k=")] {
            let mut buf = [0u8; 16];
            let mut query = QueryBuilder::new(&mut buf[..wire.len()]);
            query.push(name, value).unwrap();
            assert_eq!((query.as_str(), query.len()), (wire, wire.len()));

            let mut short = [0u8; 16];
            let mut query = QueryBuilder::new(&mut short[..wire.len() - 1]);
            assert_eq!(query.push(name, value).unwrap_err(), BuildError::BufferTooSmall { needed: wire.len() });
            assert_eq!(query.as_str(), "");
        }
        // The same for a second parameter, with its `&`.
        let wire = "a=1&b=x%2By";
        let mut buf = [0u8; 11];
        let mut query = QueryBuilder::new(&mut buf);
        query.push("a", "1").unwrap().push("b", "x+y").unwrap();
        assert_eq!(query.as_str(), wire);
        let mut short = [0u8; 10];
        let mut query = QueryBuilder::new(&mut short);
        query.push("a", "1").unwrap();
        assert_eq!(query.push("b", "x+y").unwrap_err(), BuildError::BufferTooSmall { needed: wire.len() });
        assert_eq!(query.as_str(), "a=1");
    }

    #[test]
    fn is_empty_until_the_first_parameter() {
        let mut buf = [0u8; 16];
        let mut query = QueryBuilder::new(&mut buf);
        assert!(query.is_empty());
        assert_eq!((query.len(), query.as_str()), (0, ""));
        query.push("a", "").unwrap();
        assert!(!query.is_empty());
        assert!(!QueryBuilder::resume(&mut { *b"a=1" }, 3).unwrap().is_empty());
        assert!(QueryBuilder::resume(&mut { *b"a=1" }, 0).unwrap().is_empty());
    }
}
