//! Error types: one small enum per concern, each message saying what to do and never holding key material.

use core::fmt;

/// Where in the key text an offending character stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The first character of the key.
    Start,
    /// The last character of the key.
    End,
    /// Somewhere inside: the byte offset from the start.
    Offset(usize),
}

/// Which kind of whitespace was found in a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhitespaceKind {
    /// `\n`, the usual leftover of `echo` or a copied line.
    Newline,
    /// `\r`, the leftover of a Windows line ending.
    CarriageReturn,
    /// `\t`.
    Tab,
    /// An ASCII space.
    Space,
    /// Any other Unicode whitespace, such as a non-breaking space pasted from a web page.
    Other,
}

impl WhitespaceKind {
    pub(crate) fn of(c: char) -> Self {
        match c {
            '\n' => Self::Newline,
            '\r' => Self::CarriageReturn,
            '\t' => Self::Tab,
            ' ' => Self::Space,
            _ => Self::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Newline => "newline",
            Self::CarriageReturn => "carriage return",
            Self::Tab => "tab",
            Self::Space => "space",
            Self::Other => "whitespace character",
        }
    }
}

/// Why a secret could not be made into a [`SigningKey`](crate::SigningKey).
///
/// No variant carries key bytes, so an error can be logged or shown as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The key is empty.
    Empty,
    /// The key text holds whitespace, which Unleashed keys never contain: usually a pasted newline or space.
    Whitespace {
        /// Where the whitespace stands.
        place: Place,
        /// What it is.
        kind: WhitespaceKind,
    },
    /// The key text holds a control character (other than whitespace) at this byte offset.
    Control {
        /// Byte offset of the character.
        offset: usize,
    },
    /// The key text is not valid UTF-8 from this byte offset on.
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The key was to be base64-decoded, but is not valid padded standard base64.
    InvalidBase64,
    /// The base64 key decodes to more bytes than the decoding buffer holds.
    Base64TooLong {
        /// The longest accepted base64 text, in characters.
        max_chars: usize,
    },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("the API key is empty: set it to the key from Unleashed's API Access page"),
            Self::Whitespace { place, kind } => {
                let name = kind.name();
                match place {
                    Place::Start => write!(f, "the API key has a leading {name}")?,
                    Place::End => write!(f, "the API key has a trailing {name}")?,
                    Place::Offset(offset) => write!(f, "the API key has a {name} at byte {offset}")?,
                }
                f.write_str(": copy the key again without it (Unleashed keys never contain whitespace)")
            }
            Self::Control { offset } => {
                write!(f, "the API key has a control character at byte {offset}: copy the key again as plain text")
            }
            Self::NotUtf8 { offset } => write!(
                f,
                "the API key is not valid UTF-8 from byte {offset}: pass the key text exactly as Unleashed shows it"
            ),
            Self::InvalidBase64 => f.write_str(
                "the key is not valid padded base64; Unleashed keys are used as text, so use the text key format",
            ),
            Self::Base64TooLong { max_chars } => write!(
                f,
                "the base64 key is longer than {max_chars} characters: use the raw bytes key format for longer secrets"
            ),
        }
    }
}

/// Why a percent-encoded query could not be decoded for signing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// A `%` not followed by two hexadecimal digits, at this byte offset of the query.
    MalformedEscape {
        /// Byte offset of the `%` within the query.
        offset: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::MalformedEscape { offset } => write!(
                f,
                "the query has a '%' at byte {offset} that is not followed by two hex digits: \
                 write a literal '%' as %25, or sign the wire form"
            ),
        }
    }
}

/// Why a query could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The caller's buffer is too small; nothing of this parameter was written.
    BufferTooSmall {
        /// The buffer length the query with this parameter needs, in bytes.
        needed: usize,
    },
    /// A parameter name is empty.
    EmptyName,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BufferTooSmall { needed } => {
                write!(f, "the query buffer is too small: it needs {needed} bytes")
            }
            Self::EmptyName => f.write_str("a query parameter has an empty name: give every parameter a name"),
        }
    }
}

/// Why a signature did not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature is not the one this key makes for this message.
    Mismatch,
    /// The query could not be decoded for the signed form asked for.
    Decode(DecodeError),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mismatch => f.write_str(
                "the signature does not match: check the key, the signed form (decoded or wire) and that only the query is signed",
            ),
            Self::Decode(e) => e.fmt(f),
        }
    }
}

impl From<DecodeError> for VerifyError {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

/// Why an `api-auth-id` was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiIdError {
    /// The id is not 36 characters long.
    Length {
        /// The length that was given, in bytes.
        len: usize,
    },
    /// A character other than a hex digit stands where a hex digit belongs.
    NotHex {
        /// Byte offset of the character.
        offset: usize,
    },
    /// A dash is missing at one of offsets 8, 13, 18 and 23.
    MissingDash {
        /// Byte offset where a dash belongs.
        offset: usize,
    },
}

impl fmt::Display for ApiIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HINT: &str =
            "copy the API id (a GUID like 01234567-89ab-cdef-0123-456789abcdef) from Unleashed's API Access page";
        match *self {
            Self::Length { len } => write!(f, "the API id is {len} characters long, not 36: {HINT}"),
            Self::NotHex { offset } => write!(f, "the API id has a non-hex character at byte {offset}: {HINT}"),
            Self::MissingDash { offset } => write!(f, "the API id needs a '-' at byte {offset}: {HINT}"),
        }
    }
}

/// Why a `client-type` was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientTypeError {
    /// The client type is empty.
    Empty,
    /// The client type is longer than [`ClientType::MAX_LEN`](crate::ClientType::MAX_LEN) bytes.
    TooLong {
        /// The length that was given, in bytes.
        len: usize,
    },
    /// A byte that is not a visible ASCII character (whitespace, control or non-ASCII) at this offset.
    InvalidCharacter {
        /// Byte offset of the character.
        offset: usize,
    },
    /// The value does not follow the `partner_or_account/app_name` convention of exactly one `/` between two names.
    NotTwoParts,
}

impl fmt::Display for ClientTypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HINT: &str = "use the form partner_or_account/app_name, for example acme/orderautomation";
        match *self {
            Self::Empty => write!(f, "the client type is empty: {HINT}"),
            Self::TooLong { len } => write!(
                f,
                "the client type is {len} bytes long, over the {} allowed: {HINT}",
                crate::ClientType::MAX_LEN
            ),
            Self::InvalidCharacter { offset } => {
                write!(f, "the client type has a space, control or non-ASCII character at byte {offset}: {HINT}")
            }
            Self::NotTwoParts => write!(f, "the client type is not two names joined by one '/': {HINT}"),
        }
    }
}

/// Why the signing headers of a request could not be made: one of the three values was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderError {
    /// The `api-auth-id` is not a GUID.
    ApiId(ApiIdError),
    /// The `client-type` does not follow Unleashed's convention.
    ClientType(ClientTypeError),
    /// The URL's query could not be decoded for the signed form asked for.
    Decode(DecodeError),
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiId(e) => e.fmt(f),
            Self::ClientType(e) => e.fmt(f),
            Self::Decode(e) => e.fmt(f),
        }
    }
}

impl From<ApiIdError> for HeaderError {
    fn from(e: ApiIdError) -> Self {
        Self::ApiId(e)
    }
}

impl From<ClientTypeError> for HeaderError {
    fn from(e: ClientTypeError) -> Self {
        Self::ClientType(e)
    }
}

impl From<DecodeError> for HeaderError {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

impl core::error::Error for KeyError {}
impl core::error::Error for DecodeError {}
impl core::error::Error for BuildError {}
impl core::error::Error for VerifyError {}
impl core::error::Error for ApiIdError {}
impl core::error::Error for ClientTypeError {}
impl core::error::Error for HeaderError {}
