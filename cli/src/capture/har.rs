//! HAR 1.2 files (`log.entries[].request`), as browsers' developer tools, Postman and Insomnia save them.

use serde::Deserialize;

use super::{CapturedRequest, Stop};

/// What to do about a file that is not a HAR, for messages.
const HOW: &str = "save it again from the Network tab (\"Save all as HAR\") or your tool's HAR export";

/// The parts of a HAR that `verify` reads; everything else (pages, cookies, postData, timings, `_` fields) is
/// accepted and left alone.
#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    request: Request,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    /// The absolute URL as sent. `queryString` is the same query split and decoded, so it is not read: a
    /// re-encoding of it could differ from the bytes that were signed and sent.
    url: String,
    headers: Vec<Header>,
}

#[derive(Deserialize)]
struct Header {
    name: String,
    value: String,
}

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<CapturedRequest>, Stop> {
    let har: Har = serde_json::from_slice(bytes).map_err(|e| stop(&e))?;
    Ok(har
        .log
        .entries
        .into_iter()
        .enumerate()
        .map(|(index, Entry { request })| CapturedRequest {
            location: format!("entry {}", index + 1),
            method: request.method,
            url: request.url,
            headers: request.headers.into_iter().map(|h| (h.name, h.value)).collect(),
        })
        .collect())
}

/// Where and why serde_json stopped, without quoting the file: a value it read could be a cookie or a token.
fn stop(e: &serde_json::Error) -> Stop {
    use serde_json::error::Category;
    let at = format!("line {} column {}", e.line(), e.column());
    let what = match e.classify() {
        Category::Eof => format!("the file ends before the JSON does: the HAR is cut short; {HOW}"),
        Category::Syntax | Category::Io => format!("not valid JSON, so not a HAR file; {HOW}"),
        Category::Data => {
            // serde's own text, e.g. "missing field `url`", or "invalid type: string \"...\", expected a sequence":
            // keep the field name or the expected type, never the value found.
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            let detail = if message.starts_with("missing field") {
                message.to_owned()
            } else {
                message.rsplit_once(", expected ").map_or("a value of the wrong type".to_owned(), |(_, expected)| {
                    format!("{expected} was expected here")
                })
            };
            format!("not a HAR 1.2 log ({detail}): a HAR holds log.entries[].request with method, url and headers")
        }
    };
    Stop { at, what }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_method_url_and_headers_of_each_entry() {
        let har = r#"{"log": {"version": "1.2", "pages": [], "entries": [
            {"_initiator": {"type": "script"}, "request": {"method": "GET", "url": "https://h/C?a=%20",
             "headers": [{"name": "Cookie", "value": "s=1"}], "queryString": [{"name": "a", "value": " "}],
             "cookies": [{"name": "s", "value": "1"}]}},
            {"request": {"method": "POST", "url": "https://h/S", "headers": [], "postData": {"text": "{}"}}}]}}"#;
        let requests = parse(har.as_bytes()).unwrap();
        assert_eq!(requests.len(), 2);
        assert_eq!((requests[0].location.as_str(), requests[0].url.as_str()), ("entry 1", "https://h/C?a=%20"));
        assert_eq!(requests[0].header("cookie"), Some("s=1"));
        assert_eq!(requests[1].method, "POST");
    }

    #[test]
    fn says_where_it_stopped_without_quoting_values() {
        let cut = parse(br#"{"log": {"entries": [{"request": {"#).unwrap_err();
        assert_eq!(cut.at, "line 1 column 34");
        assert!(cut.what.contains("cut short"), "{}", cut.what);
        let syntax = parse(b"GET / HTTP/1.1\r\n").unwrap_err();
        assert_eq!(syntax.at, "line 1 column 1");
        assert!(syntax.what.contains("not valid JSON"));
        let missing = parse(br#"{"log": {"entries": [{"request": {"method": "GET", "headers": []}}]}}"#).unwrap_err();
        assert!(missing.what.contains("missing field `url`"), "{}", missing.what);
        let wrong = parse(br#"{"log": {"entries": "secret-token-value"}}"#).unwrap_err();
        assert!(wrong.what.contains("a sequence was expected"), "{}", wrong.what);
        assert!(!wrong.what.contains("secret"), "{}", wrong.what);
    }
}
