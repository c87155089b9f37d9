//! Reading the URL a user gives: checking it is sendable as it is, splitting it, and adding built parameters.

use unleashed_signer::percent::{self, Piece, encoded_len};
use unleashed_signer::{DecodeError, QueryBuilder};

/// A URL or path-and-query, checked to hold only bytes that go on the wire as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `scheme://host[:port]`, when the URL is absolute.
    pub origin: Option<String>,
    /// The path, as given (`Customers`, `/SalesOrders/2`, or empty).
    pub path: String,
    /// The query without `?`; `None` when there is no `?` at all.
    pub query: Option<String>,
}

impl Target {
    /// Checks and splits `url`. The fragment, which clients never send, is dropped.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.is_empty() {
            return Err("the URL is empty: give a path-and-query like 'Customers?customerCode=ACME'".into());
        }
        check_sendable(url)?;
        let without_fragment = url.split_once('#').map_or(url, |(before, _)| before);
        let (origin, rest) = split_origin(without_fragment)?;
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (rest, None),
        };
        Ok(Self { origin, path: path.to_owned(), query })
    }

    /// The query that is signed: empty when there is none.
    pub fn query(&self) -> &str {
        self.query.as_deref().unwrap_or("")
    }

    /// Appends `name=value` parameters, percent-encoded by the core's builder, to the query.
    pub fn append_params(&mut self, params: &[String]) -> Result<(), String> {
        let pairs = params.iter().map(|param| split_param(param)).collect::<Result<Vec<_>, _>>()?;
        if pairs.is_empty() {
            return Ok(());
        }
        let capacity =
            pairs.iter().map(|(name, value)| encoded_len(name.as_bytes()) + encoded_len(value.as_bytes()) + 2);
        let mut buf = vec![0u8; capacity.sum()];
        let mut builder = QueryBuilder::new(&mut buf);
        for (name, value) in pairs {
            builder.push(name, value).map_err(|e| format!("cannot build the query: {e}"))?;
        }
        let built = builder.as_str();
        self.query = Some(match self.query.take() {
            Some(existing) if !existing.is_empty() => format!("{existing}&{built}"),
            _ => built.to_owned(),
        });
        Ok(())
    }

    /// The path and query as they go in a request line, without the origin.
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }

    /// The whole URL, with `base` put in front of a relative path.
    pub fn absolute(&self, base: &str) -> Result<String, String> {
        let path_and_query = self.path_and_query();
        match &self.origin {
            Some(origin) => Ok(format!("{origin}{path_and_query}")),
            None => {
                let base = Target::parse(base).map_err(|e| format!("--base-url: {e}"))?;
                let Some(origin) = base.origin else {
                    return Err("--base-url must be an absolute http:// or https:// URL".into());
                };
                let base_path = base.path.trim_end_matches('/');
                Ok(format!("{origin}{base_path}/{}", path_and_query.trim_start_matches('/')))
            }
        }
    }
}

/// Splits `name=value` at the first `=`.
fn split_param(param: &str) -> Result<(&str, &str), String> {
    match param.split_once('=') {
        Some(("", _)) => Err(format!("the parameter '{param}' has an empty name: write name=value")),
        Some(pair) => Ok(pair),
        None => Err(format!("the parameter '{param}' has no '=': write name=value (name= for an empty value)")),
    }
}

/// Rejects bytes that an HTTP client would have to encode (so the signed bytes would not be the sent ones).
fn check_sendable(url: &str) -> Result<(), String> {
    const HINT: &str = "give the URL as it is sent on the wire (percent-encoded), or pass the parameters as name=value \
                        to `unleashed-sign build` or `unleashed-sign curl`, which encode them";
    for (offset, c) in url.char_indices() {
        let what = match c {
            ' ' => "a space (%20 on the wire)".to_owned(),
            '\t' | '\n' | '\r' => format!("a control character {c:?}"),
            c if c.is_control() => format!("a control character {c:?}"),
            c if !c.is_ascii() => format!("the non-ASCII character {c:?} (each UTF-8 byte is %XX on the wire)"),
            '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => format!("the character {c:?} (%{:02X})", c as u32),
            _ => continue,
        };
        return Err(format!("the URL has {what} at byte {offset}: {HINT}"));
    }
    Ok(())
}

/// Splits off `scheme://authority` when the URL is absolute.
fn split_origin(url: &str) -> Result<(Option<String>, &str), String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        if url.starts_with("//") {
            return Err("the URL starts with '//' but has no scheme: write https://host/path".into());
        }
        return Ok((None, url));
    };
    if scheme.contains(['/', '?']) {
        // "://" appears only inside the path or query: this is a relative path.
        return Ok((None, url));
    }
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(format!("the URL's scheme '{scheme}' is not http or https"));
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() || authority.starts_with(':') || authority.contains('@') {
        return Err(format!("the URL has no usable host after '{scheme}://': write {scheme}://host/path"));
    }
    Ok((Some(format!("{scheme}://{authority}")), &rest[end..]))
}

/// Percent-decodes `query` into a new buffer, the way the core decodes it for signing (`+` stays `+`).
pub fn decode(query: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(query.len());
    for piece in percent::decode(query) {
        match piece? {
            Piece::Literal(run) => out.extend_from_slice(run),
            Piece::Escaped(byte) => out.push(byte),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_absolute_and_relative_urls() {
        let t = Target::parse("https://api.unleashedsoftware.com/Customers?customerCode=ACME#x").unwrap();
        assert_eq!(t.origin.as_deref(), Some("https://api.unleashedsoftware.com"));
        assert_eq!((t.path.as_str(), t.query()), ("/Customers", "customerCode=ACME"));
        let t = Target::parse("SalesOrders/2").unwrap();
        assert_eq!((t.origin, t.path.as_str(), t.query), (None, "SalesOrders/2", None));
        let t = Target::parse("Customers?next=http://x").unwrap();
        assert_eq!((t.origin.as_deref(), t.query()), (None, "next=http://x"));
    }

    #[test]
    fn rejects_what_cannot_be_sent_as_it_is() {
        for (url, part) in [
            ("Customers?a=b c", "a space"),
            ("Customers?a=\u{e9}", "non-ASCII"),
            ("Customers?a=\n", "control"),
            ("Customers?a=\u{7}", "a control character '\\u{7}' at byte 12"),
            ("Customers?a=\t", "a control character '\\t' at byte 12"),
            ("https://user@host/x", "no usable host"),
            ("https://:443/x", "no usable host"),
            ("Customers?a={}", "'{'"),
            ("ftp://host/x", "scheme 'ftp'"),
            ("https://?x=1", "no usable host"),
            ("//host/x", "no scheme"),
            ("", "empty"),
        ] {
            let error = Target::parse(url).unwrap_err();
            assert!(error.contains(part), "{url:?}: {error}");
        }
    }

    #[test]
    fn appends_encoded_params_to_an_existing_query() {
        let mut t = Target::parse("/Customers?page=1").unwrap();
        t.append_params(&["customerName=Acme & Sons".into(), "x=a+b".into()]).unwrap();
        assert_eq!(t.path_and_query(), "/Customers?page=1&customerName=Acme%20%26%20Sons&x=a%2Bb");
        assert_eq!(
            t.absolute("http://127.0.0.1:8080/").unwrap(),
            format!("http://127.0.0.1:8080{}", t.path_and_query())
        );
        let mut t = Target::parse("Customers").unwrap();
        t.append_params(&["a=".into()]).unwrap();
        assert_eq!(t.absolute("https://h/v1").unwrap(), "https://h/v1/Customers?a=");
        assert!(t.append_params(&["novalue".into()]).unwrap_err().contains("no '='"));
        // A name of several bytes with an empty value still fits the buffer built for it.
        let mut t = Target::parse("Customers").unwrap();
        t.append_params(&["name=".into(), "ab=".into()]).unwrap();
        assert_eq!(t.query(), "name=&ab=");
        let mut t = Target::parse("Customers").unwrap();
        t.append_params(&["customerName=".into()]).unwrap();
        assert_eq!(t.query(), "customerName=");
        // An empty query (a bare '?') gets the parameters with no '&' in front.
        let mut t = Target::parse("Customers?").unwrap();
        t.append_params(&["a=1".into()]).unwrap();
        assert_eq!(t.path_and_query(), "Customers?a=1");
        assert!(t.append_params(&["=x".into()]).unwrap_err().contains("empty name"));
    }

    #[test]
    fn decode_keeps_plus() {
        assert_eq!(decode(b"a%20b+c%2B").unwrap(), b"a b+c+");
        assert!(decode(b"a%2").is_err());
    }
}
