//! Raw HTTP/1.x requests as text, one after another, the way mitmproxy, Fiddler, Charles and Burp save them.

use super::{CapturedRequest, Line, Stop, latin1, lines};

/// What a request line looks like, for messages.
pub(super) const REQUEST_LINE: &str = "a request line such as `GET /Customers?customerCode=ACME HTTP/1.1`";

/// Reads every request: request line, headers up to an empty line, then a body of `Content-Length` bytes (or,
/// without one, everything up to the next request line). A final request may end without its empty line.
pub(super) fn parse(bytes: &[u8]) -> Result<Vec<CapturedRequest>, Stop> {
    let mut requests = Vec::new();
    let (mut pos, mut line_base) = (0, 0);
    loop {
        let mut lines = lines(&bytes[pos..]).map(|mut line| {
            line.number += line_base;
            line.start += pos;
            line.end += pos;
            line
        });
        let Some(Head { request, first, body_start, last }) = read_head(&mut lines)? else { break };
        let length = content_length(&request.headers).map_err(|what| Stop::line(first, what))?;
        requests.push(request);
        let Some(body_start) = body_start else { break };
        let next = match length {
            Some(length) => {
                let left = bytes.len() - body_start;
                if left < length {
                    return Err(Stop::line(
                        last + 1,
                        format!(
                            "the body is cut short: Content-Length says {length} bytes and {left} are left; \
                             the capture is truncated, save the request again"
                        ),
                    ));
                }
                body_start + length
            }
            None => lines.find(|line| request_line(line.text).is_some()).map_or(bytes.len(), |line| line.start),
        };
        // A body that does not end its line leaves the next request starting on that same line, which this counts.
        line_base += bytes[pos..next].iter().filter(|&&b| b == b'\n').count();
        pos = next;
    }
    Ok(requests)
}

/// Reads the request line and headers of the first request in `bytes`: what one `curl --trace-ascii` header
/// block holds.
pub(super) fn parse_head(bytes: &[u8]) -> Result<Option<CapturedRequest>, Stop> {
    Ok(read_head(&mut lines(bytes))?.map(|head| head.request))
}

/// A request line and its headers, and where they are.
struct Head {
    request: CapturedRequest,
    /// The number of the request line.
    first: usize,
    /// The offset just after the empty line that ends the headers; `None` when the text ends first.
    body_start: Option<usize>,
    /// The number of the last line read.
    last: usize,
}

/// Skips blank lines, then reads a request line and header lines up to an empty line or the end.
fn read_head<'a>(lines: &mut impl Iterator<Item = Line<'a>>) -> Result<Option<Head>, Stop> {
    let Some(first) = lines.find(|line| !line.text.iter().all(u8::is_ascii_whitespace)) else {
        return Ok(None);
    };
    let (method, url) = request_line(first.text)
        .ok_or_else(|| Stop::line(first.number, format!("expected {REQUEST_LINE}: is this a raw HTTP request?")))?;
    let mut headers = Vec::new();
    let (mut last, mut body_start) = (first.number, None);
    for line in lines.by_ref() {
        last = line.number;
        if line.text.is_empty() {
            body_start = Some(line.end);
            break;
        }
        headers.push(header_line(line.text).ok_or_else(|| Stop::line(line.number, NOT_A_HEADER))?);
    }
    let request = CapturedRequest { location: format!("line {}", first.number), method, url, headers };
    Ok(Some(Head { request, first: first.number, body_start, last }))
}

/// The message for a line in the headers that is not one.
pub(super) const NOT_A_HEADER: &str =
    "not a `name: value` header line (the headers end at the first empty line): the capture is cut or edited here";

/// Splits `METHOD TARGET HTTP/x` into method and target.
pub(super) fn request_line(text: &[u8]) -> Option<(String, String)> {
    let mut parts = text.split(|&b| b == b' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let is_method = !method.is_empty() && method.iter().all(|b| b.is_ascii_uppercase() || *b == b'-');
    let is_target = !target.is_empty() && target.iter().all(u8::is_ascii_graphic);
    (parts.next().is_none() && is_method && is_target && version.starts_with(b"HTTP/"))
        .then(|| (latin1(method), latin1(target)))
}

/// Splits `name: value`, trimming the value's surrounding spaces and tabs.
pub(super) fn header_line(text: &[u8]) -> Option<(String, String)> {
    let colon = text.iter().position(|&b| b == b':')?;
    let (name, value) = (&text[..colon], &text[colon + 1..]);
    let is_token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    if name.is_empty() || !name.iter().all(is_token) {
        return None;
    }
    let value = value.trim_ascii();
    Some((latin1(name), latin1(value)))
}

/// The `Content-Length`, if the headers give one.
fn content_length(headers: &[(String, String)]) -> Result<Option<usize>, String> {
    let Some((_, value)) = headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("content-length")) else {
        return Ok(None);
    };
    value.parse().map(Some).map_err(|_| {
        "this request's Content-Length is not a number of bytes, so its body cannot be skipped: fix or remove it"
            .to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<(String, String, String)> {
        parse(text.as_bytes()).unwrap().into_iter().map(|r| (r.location, r.method, r.url)).collect()
    }

    #[test]
    fn reads_requests_one_after_another() {
        let text = "GET /a?x=1 HTTP/1.1\r\nHost: h\r\napi-auth-signature: s\r\n\r\n\
                    POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloPUT /c HTTP/1.1\r\n\r\n\
                    DELETE /d HTTP/1.0\nX:1\n\nbody\nwithout length\n\nGET http://h/e?y HTTP/1.1\n";
        let got = targets(text);
        let want = [
            ("line 1", "GET", "/a?x=1"),
            ("line 5", "POST", "/b"),
            ("line 8", "PUT", "/c"),
            ("line 10", "DELETE", "/d"),
            ("line 16", "GET", "http://h/e?y"),
        ];
        let want: Vec<_> = want.iter().map(|(l, m, u)| (l.to_string(), m.to_string(), u.to_string())).collect();
        assert_eq!(got, want);
        let first = &parse(text.as_bytes()).unwrap()[0];
        assert_eq!(first.header("API-Auth-Signature"), Some("s"));
        assert_eq!(first.headers[0], ("Host".to_owned(), "h".to_owned()));
    }

    #[test]
    fn says_where_it_stopped() {
        let stop = |text: &str| parse(text.as_bytes()).unwrap_err();
        assert_eq!(stop("{\"log\": 1}").at, "line 1");
        assert!(stop("\n\nhello world\n").what.contains("request line"));
        assert_eq!(stop("GET / HTTP/1.1\nHost: h\nnot a header\n").at, "line 3");
        let cut = stop("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello");
        assert!(cut.what.contains("cut short: Content-Length says 10 bytes and 5 are left"), "{}", cut.what);
        assert!(stop("POST / HTTP/1.1\nContent-Length: x\n\n").what.contains("Content-Length"));
        assert!(parse(b"").unwrap().is_empty());
    }

    #[test]
    fn request_and_header_lines() {
        assert_eq!(request_line(b"GET /x HTTP/2"), Some(("GET".into(), "/x".into())));
        assert_eq!(request_line(b"get /x HTTP/1.1"), None);
        assert_eq!(request_line(b"GET /x y HTTP/1.1"), None);
        assert_eq!(request_line(b"GET /x FTP/1"), None);
        assert_eq!(request_line(b"GET  HTTP/1.1"), None, "no target");
        assert_eq!(request_line(b"GET /a\x01b HTTP/1.1"), None, "a control character in the target");
        assert_eq!(request_line(b" /x HTTP/1.1"), None, "no method");
        assert_eq!(header_line(b"a-b:  v w \t"), Some(("a-b".into(), "v w".into())));
        assert_eq!(header_line(b"a b: v"), None);
        assert_eq!(header_line(b": v"), None);
    }
}
