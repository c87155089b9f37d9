//! The request headers Unleashed checks: their names, the API id and client type they carry, the three that
//! authenticate a request, and all five at once.

use crate::error::{ApiIdError, ClientTypeError, DecodeError, HeaderError};
use crate::key::SigningKey;
use crate::sign::{Signature, SignedForm};

/// Header carrying the account's API id.
pub const API_AUTH_ID: &str = "api-auth-id";
/// Header carrying the request's signature.
pub const API_AUTH_SIGNATURE: &str = "api-auth-signature";
/// Header naming the integration, `partner_or_account/app_name`.
pub const CLIENT_TYPE: &str = "client-type";
/// The three headers that authenticate a request. Together they are a credential (the signature covers only the
/// query, so the pair can be replayed for any path and method): they must never be sent to another origin,
/// including on a redirect.
pub const SIGNING_HEADERS: [&str; 3] = [API_AUTH_ID, API_AUTH_SIGNATURE, CLIENT_TYPE];
/// Header naming the response format wanted.
pub const ACCEPT: &str = "Accept";
/// Header naming the body format sent.
pub const CONTENT_TYPE: &str = "Content-Type";

/// The format of bodies, for `Accept` and `Content-Type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `application/json`, the default.
    #[default]
    Json,
    /// `application/xml`.
    Xml,
}

impl MediaType {
    /// The header value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Xml => "application/xml",
        }
    }
}

/// A checked `api-auth-id`: a GUID, kept in lowercase as Unleashed shows it.
///
/// ```
/// use unleashed_signer::ApiId;
/// let id = ApiId::parse("0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D")?;
/// assert_eq!(id.as_str(), "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
/// # Ok::<(), unleashed_signer::ApiIdError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiId([u8; ApiId::LEN]);

impl ApiId {
    /// The length of an API id in characters.
    pub const LEN: usize = 36;
    const DASHES: [usize; 4] = [8, 13, 18, 23];

    /// Checks `id` is a GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex in either case) and lowercases it.
    pub fn parse(id: impl AsRef<[u8]>) -> Result<Self, ApiIdError> {
        let id = id.as_ref();
        let id: &[u8; Self::LEN] = id.try_into().map_err(|_| ApiIdError::Length { len: id.len() })?;
        let mut out = [0u8; Self::LEN];
        for (offset, (&byte, slot)) in id.iter().zip(&mut out).enumerate() {
            if Self::DASHES.contains(&offset) {
                if byte != b'-' {
                    return Err(ApiIdError::MissingDash { offset });
                }
            } else if !byte.is_ascii_hexdigit() {
                return Err(ApiIdError::NotHex { offset });
            }
            *slot = byte.to_ascii_lowercase();
        }
        Ok(Self(out))
    }

    /// The id as it goes in the header.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).expect("checked to be ASCII")
    }
}

impl core::fmt::Debug for ApiId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("ApiId").field(&self.as_str()).finish()
    }
}

impl core::fmt::Display for ApiId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A checked `client-type`: two names joined by one `/`, visible ASCII only, at most [`ClientType::MAX_LEN`] bytes.
///
/// ```
/// use unleashed_signer::ClientType;
/// assert_eq!(ClientType::parse("acme/orderautomation")?.as_str(), "acme/orderautomation");
/// assert!(ClientType::parse("acme order app").is_err());
/// # Ok::<(), unleashed_signer::ClientTypeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientType<'a>(&'a str);

impl<'a> ClientType<'a> {
    /// The longest client type accepted, in bytes. Unleashed asks for about 20.
    pub const MAX_LEN: usize = 64;

    /// Checks `value` against Unleashed's `partner_or_account/app_name` convention.
    pub fn parse<S: AsRef<[u8]> + ?Sized>(value: &'a S) -> Result<Self, ClientTypeError> {
        let bytes = value.as_ref();
        if bytes.is_empty() {
            return Err(ClientTypeError::Empty);
        }
        if bytes.len() > Self::MAX_LEN {
            return Err(ClientTypeError::TooLong { len: bytes.len() });
        }
        if let Some(offset) = bytes.iter().position(|b| !b.is_ascii_graphic()) {
            return Err(ClientTypeError::InvalidCharacter { offset });
        }
        let mut parts = bytes.split(|&b| b == b'/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(owner), Some(app), None) if !owner.is_empty() && !app.is_empty() => {}
            _ => return Err(ClientTypeError::NotTwoParts),
        }
        Ok(Self(core::str::from_utf8(bytes).expect("checked to be ASCII")))
    }

    /// The value as it goes in the header.
    #[must_use]
    pub const fn as_str(&self) -> &'a str {
        self.0
    }
}

/// The five headers of one request, borrowed from their parts, with no allocation.
///
/// ```
/// use unleashed_signer::{ApiId, ClientType, RequestHeaders, SignedForm, SigningKey};
/// let key = SigningKey::from_text("made-up-key")?;
/// let id = ApiId::parse("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")?;
/// let client = ClientType::parse("acme/orderautomation")?;
/// let headers = RequestHeaders::for_url(&key, &id, client, "/Customers?customerCode=ACME", SignedForm::Decoded)?;
/// for (name, value) in headers.pairs() {
///     println!("{name}: {value}");
/// }
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RequestHeaders<'a> {
    api_id: &'a ApiId,
    client_type: ClientType<'a>,
    signature: Signature,
    media_type: MediaType,
}

impl<'a> RequestHeaders<'a> {
    /// Headers carrying `signature`, with JSON as the media type.
    #[must_use]
    pub fn new(api_id: &'a ApiId, client_type: ClientType<'a>, signature: Signature) -> Self {
        Self { api_id, client_type, signature, media_type: MediaType::Json }
    }

    /// Signs the query of `url` in `form` and returns the headers for that request.
    pub fn for_url(
        key: &SigningKey,
        api_id: &'a ApiId,
        client_type: ClientType<'a>,
        url: impl AsRef<[u8]>,
        form: SignedForm,
    ) -> Result<Self, DecodeError> {
        Ok(Self::new(api_id, client_type, key.sign_url(url, form)?))
    }

    /// The same headers with another media type for `Accept` and `Content-Type`.
    #[must_use]
    pub fn with_media_type(self, media_type: MediaType) -> Self {
        Self { media_type, ..self }
    }

    /// The signature these headers carry.
    #[must_use]
    pub const fn signature(&self) -> &Signature {
        &self.signature
    }

    /// All five `(name, value)` pairs, in the order Unleashed documents them.
    #[must_use]
    pub fn pairs(&self) -> [(&'static str, &str); 5] {
        [
            (API_AUTH_ID, self.api_id.as_str()),
            (API_AUTH_SIGNATURE, self.signature.as_str()),
            (CLIENT_TYPE, self.client_type.as_str()),
            (ACCEPT, self.media_type.as_str()),
            (CONTENT_TYPE, self.media_type.as_str()),
        ]
    }
}

/// The three values that authenticate one request, checked and in the one form every runtime sends: the API id in
/// lowercase, the client type as checked, and the signature of the URL's query.
///
/// Made from the caller's raw inputs in one step, so no binding formats or checks a header value itself (the C ABI's
/// `unleashed_headers_for_url` is this function).
///
/// ```
/// use unleashed_signer::{SignedForm, SigningHeaders, SigningKey};
/// let key = SigningKey::from_text("made-up-key")?;
/// let id = "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D";
/// let headers = SigningHeaders::for_url(&key, id, "acme/orderautomation", "/Customers?x=1", SignedForm::Decoded)?;
/// assert_eq!(headers.api_id().as_str(), "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
/// assert_eq!(headers.pairs()[1], ("api-auth-signature", key.sign(b"x=1").as_str()));
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SigningHeaders<'a> {
    api_id: ApiId,
    client_type: ClientType<'a>,
    signature: Signature,
}

impl<'a> SigningHeaders<'a> {
    /// Checks `api_id` (lowercasing it) and `client_type`, in that order, then signs the query of `url` in `form`.
    pub fn for_url<C: AsRef<[u8]> + ?Sized>(
        key: &SigningKey,
        api_id: impl AsRef<[u8]>,
        client_type: &'a C,
        url: impl AsRef<[u8]>,
        form: SignedForm,
    ) -> Result<Self, HeaderError> {
        let api_id = ApiId::parse(api_id)?;
        let client_type = ClientType::parse(client_type)?;
        Ok(Self { api_id, client_type, signature: key.sign_url(url, form)? })
    }

    /// The `api-auth-id` value, in lowercase.
    #[must_use]
    pub const fn api_id(&self) -> &ApiId {
        &self.api_id
    }

    /// The `client-type` value.
    #[must_use]
    pub const fn client_type(&self) -> ClientType<'a> {
        self.client_type
    }

    /// The `api-auth-signature` value.
    #[must_use]
    pub const fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The three `(name, value)` pairs, in the order of [`SIGNING_HEADERS`].
    #[must_use]
    pub fn pairs(&self) -> [(&'static str, &str); 3] {
        [
            (API_AUTH_ID, self.api_id.as_str()),
            (API_AUTH_SIGNATURE, self.signature.as_str()),
            (CLIENT_TYPE, self.client_type.as_str()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_id_errors_name_the_offset() {
        assert_eq!(ApiId::parse("abc").unwrap_err(), ApiIdError::Length { len: 3 });
        let good = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
        assert!(ApiId::parse(good).is_ok());
        assert_eq!(ApiId::parse(good.replace('-', "x")).unwrap_err(), ApiIdError::MissingDash { offset: 8 });
        assert_eq!(ApiId::parse(good.replacen('a', "g", 1)).unwrap_err(), ApiIdError::NotHex { offset: 1 });
    }

    #[test]
    fn client_type_errors() {
        assert_eq!(ClientType::parse("").unwrap_err(), ClientTypeError::Empty);
        assert_eq!(ClientType::parse("acme").unwrap_err(), ClientTypeError::NotTwoParts);
        assert_eq!(ClientType::parse("a/b/c").unwrap_err(), ClientTypeError::NotTwoParts);
        assert_eq!(ClientType::parse("/b").unwrap_err(), ClientTypeError::NotTwoParts);
        assert_eq!(ClientType::parse("a/ b").unwrap_err(), ClientTypeError::InvalidCharacter { offset: 2 });
        assert_eq!(ClientType::parse("a/b\n").unwrap_err(), ClientTypeError::InvalidCharacter { offset: 3 });
        let long = "a/".repeat(40);
        assert_eq!(ClientType::parse(&long).unwrap_err(), ClientTypeError::TooLong { len: 80 });
        let longest = "acme/orderautomation-with-a-very-long-name-of-exactly-64-bytes-x";
        assert_eq!(longest.len(), ClientType::MAX_LEN);
        assert_eq!(ClientType::parse(longest).unwrap().as_str(), longest);
        let over = "acme/orderautomation-with-a-very-long-name-of-exactly-64-bytes-xy";
        assert_eq!(ClientType::parse(over).unwrap_err(), ClientTypeError::TooLong { len: 65 });
    }

    #[test]
    fn the_five_headers_are_exactly_what_unleashed_reads() {
        let key = SigningKey::from_text("made-up-key").unwrap();
        let id = ApiId::parse("0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D").unwrap();
        let client = ClientType::parse("acme/orderautomation").unwrap();
        let headers = RequestHeaders::for_url(&key, &id, client, "/Customers?customerCode=ACME", SignedForm::Decoded);
        let headers = headers.unwrap();
        let signature = key.sign(b"customerCode=ACME");
        assert_eq!(headers.signature(), &signature);
        assert_eq!(
            headers.pairs(),
            [
                ("api-auth-id", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"),
                ("api-auth-signature", signature.as_str()),
                ("client-type", "acme/orderautomation"),
                ("Accept", "application/json"),
                ("Content-Type", "application/json"),
            ]
        );
        let xml_headers = headers.with_media_type(MediaType::Xml);
        let xml = xml_headers.pairs();
        assert_eq!((xml[3], xml[4]), (("Accept", "application/xml"), ("Content-Type", "application/xml")));
        assert_eq!(MediaType::default(), MediaType::Json);
    }

    #[test]
    fn signing_headers_are_the_first_three_of_the_five() {
        let key = SigningKey::from_text("made-up-key").unwrap();
        let upper = "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D";
        let url = "/Customers?name=A%20B+C#frag";
        for form in [SignedForm::Decoded, SignedForm::Wire] {
            let signing = SigningHeaders::for_url(&key, upper, "acme/app", url, form).unwrap();
            let id = ApiId::parse(upper).unwrap();
            let all = RequestHeaders::for_url(&key, &id, ClientType::parse("acme/app").unwrap(), url, form).unwrap();
            let [id_pair, signature_pair, client_pair, ..] = all.pairs();
            assert_eq!(signing.pairs(), [id_pair, signature_pair, client_pair]);
            assert_eq!(signing.pairs().map(|(name, _)| name), SIGNING_HEADERS);
            assert_eq!(signing.api_id().as_str(), "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
            assert_eq!(signing.client_type().as_str(), "acme/app");
            assert_eq!(signing.signature(), &key.sign_url(url, form).unwrap());
        }
        let decoded = SigningHeaders::for_url(&key, upper, "acme/app", url, SignedForm::Decoded).unwrap();
        assert_eq!(decoded.signature(), &key.sign(b"name=A B+C"));
        let wire = SigningHeaders::for_url(&key, upper, "acme/app", url, SignedForm::Wire).unwrap();
        assert_eq!(wire.signature(), &key.sign(b"name=A%20B+C"));
    }

    #[test]
    fn signing_headers_check_the_id_then_the_client_type_then_the_query() {
        let key = SigningKey::from_text("made-up-key").unwrap();
        let id = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
        let form = SignedForm::Decoded;
        let err = |id: &str, client: &str, url: &str| SigningHeaders::for_url(&key, id, client, url, form).unwrap_err();
        assert_eq!(err("abc", "bad", "?%"), HeaderError::ApiId(ApiIdError::Length { len: 3 }));
        assert_eq!(err(id, "bad", "?%"), HeaderError::ClientType(ClientTypeError::NotTwoParts));
        assert_eq!(err(id, "a/b", "/x?a=%zz"), HeaderError::Decode(DecodeError::MalformedEscape { offset: 2 }));
        assert!(SigningHeaders::for_url(&key, id, "a/b", "/x?a=%zz", SignedForm::Wire).is_ok());
    }
}
